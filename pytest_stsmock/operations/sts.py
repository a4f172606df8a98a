"""The STS operations of the spine: identity, keys, session and federation tokens, AssumeRole.

One thin function per operation: the decoded, validated parameters (API
member names) and an :class:`~pytest_stsmock.operations.context.OperationContext`
in, the result structure botocore would parse out, or an
:class:`~pytest_stsmock.errors.AwsError` raised.  Each reads its members into
a request of :mod:`pytest_stsmock.backend.requests`, lets the backend decide,
and writes the backend's answer as response members.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import assume, ids, tokens
from pytest_stsmock.backend.requests import (
    AssumeRoleRequest,
    FederationTokenRequest,
    SessionTokenRequest,
)
from pytest_stsmock.errors import AwsError
from pytest_stsmock.operations import members
from pytest_stsmock.operations.context import Operation, OperationContext


def get_caller_identity(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller = ctx.caller or ctx.require_caller()
    return {"UserId": caller.user_id, "Account": caller.account_id, "Arn": caller.arn}


def get_access_key_info(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    ctx.require_caller()
    key_id: str = params["AccessKeyId"]
    known = ctx.backend.access_key(key_id)
    if known is not None:
        return {"Account": known.principal.account_id}
    session = ctx.backend.session(key_id)
    if session is not None:
        return {"Account": session.account_id}
    account = ids.account_from_access_key_id(key_id)
    if account is None:
        raise AwsError("InvalidParameterValue", msg.access_key_not_decodable(key_id))
    return {"Account": account}


def get_session_token(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    request = SessionTokenRequest(
        duration_seconds=params.get("DurationSeconds"),
        mfa=members.mfa_code(params) if _MFA.intersection(params) else members.NO_MFA,
        minimum_token_size=params.get("MinimumSessionTokenSize", 0),
    )
    session = tokens.get_session_token(
        ctx.backend,
        ctx.require_caller(),
        request,
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
    )
    result = {"Credentials": members.credentials(session)}
    if "MinimumSessionTokenSize" in params:
        result.update(members.token_size(params, session.session_token))
    return result


def get_federation_token(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    request = FederationTokenRequest(
        name=params["Name"],
        duration_seconds=params.get("DurationSeconds"),
        tags=members.tags(params),
        session_policies=members.session_policies(params),
        minimum_token_size=params.get("MinimumSessionTokenSize", 0),
    )
    token = tokens.get_federation_token(
        ctx.backend,
        ctx.require_caller(),
        request,
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
        request_keys=ctx.request_keys,
    )
    session = token.session
    return {
        "Credentials": members.credentials(session),
        "FederatedUser": {"FederatedUserId": session.user_id, "Arn": session.arn},
        "PackedPolicySize": token.packed_size,
        **members.token_size(params, session.session_token),
    }


def assume_role(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    # The members' readers are called only for members sent (absent, each answers a
    # shared empty value): most AssumeRole calls send a role, a name and little else.
    optional = _ASSUME_ROLE_OPTIONAL.intersection(params)
    request = AssumeRoleRequest(
        role_arn=params["RoleArn"],
        session_name=params["RoleSessionName"],
        duration_seconds=params.get("DurationSeconds"),
        tags=members.tags(params) if "Tags" in optional else (),
        transitive_tag_keys=tuple(params["TransitiveTagKeys"])
        if "TransitiveTagKeys" in optional
        else (),
        session_policies=members.session_policies(params)
        if _POLICIES.intersection(optional)
        else members.NO_POLICIES,
        external_id=params.get("ExternalId"),
        mfa=members.mfa_code(params) if _MFA.intersection(optional) else members.NO_MFA,
        source_identity=params.get("SourceIdentity"),
        provided_contexts=members.provided_contexts(params)
        if "ProvidedContexts" in optional
        else (),
        minimum_token_size=params.get("MinimumSessionTokenSize", 0),
    )
    assumed = assume.assume_role(
        ctx.backend,
        ctx.require_caller(),
        request,
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
        request_keys=ctx.request_keys,
    )
    return members.assumed_role(
        assumed.session,
        params,
        packed_size=assumed.packed_size,
        source_identity=assumed.session.source_identity,
    )


_MFA = frozenset({"SerialNumber", "TokenCode"})
_POLICIES = frozenset({"Policy", "PolicyArns"})
_ASSUME_ROLE_OPTIONAL = _MFA | _POLICIES | {"Tags", "TransitiveTagKeys", "ProvidedContexts"}

#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {
    "GetCallerIdentity": get_caller_identity,
    "GetAccessKeyInfo": get_access_key_info,
    "GetSessionToken": get_session_token,
    "GetFederationToken": get_federation_token,
    "AssumeRole": assume_role,
}
