"""The STS operations of the spine: identity, keys, session and federation tokens, AssumeRole.

One thin function per operation: the decoded, validated parameters (API
member names) and an :class:`~pytest_stsmock.operations.context.OperationContext`
in, the result structure botocore would parse out, or an
:class:`~pytest_stsmock.errors.AwsError` raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import _ids
from pytest_stsmock.backend import assume as _assume
from pytest_stsmock.backend.identity import Caller
from pytest_stsmock.backend.issue import issue_session
from pytest_stsmock.backend.principals import Principal
from pytest_stsmock.backend.rules import (
    check_mfa,
    parse_session_policies,
    validate_tags,
)
from pytest_stsmock.errors import AwsError
from pytest_stsmock.operations.context import Operation, OperationContext, authorize

_ROOT_CAP = 3600
_LONG_TERM_DEFAULT = 43200


def get_caller_identity(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller = ctx.require_caller()
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
    account = _ids.account_from_access_key_id(key_id)
    if account is None:
        raise AwsError("InvalidParameterValue", msg.access_key_not_decodable(key_id))
    return {"Account": account}


def _long_term_duration(caller: Caller, params: Mapping[str, Any]) -> int:
    duration: int = params.get("DurationSeconds", _LONG_TERM_DEFAULT)
    # AWS: sessions of the root user are capped at one hour, silently.
    return min(duration, _ROOT_CAP) if caller.is_root else duration


def _long_term_caller(ctx: OperationContext, operation: str) -> tuple[Caller, Principal]:
    """The caller of an operation AWS allows only with long-term credentials."""
    caller = ctx.require_caller()
    if caller.temporary:
        raise msg.cannot_call_with_session(operation)
    principal = caller.principal
    assert isinstance(principal, Principal), "long-term keys belong to users and roots"
    return caller, principal


def get_session_token(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller, principal = _long_term_caller(ctx, "GetSessionToken")
    mfa = check_mfa(ctx.backend, principal, params, ctx.now)
    session = issue_session(
        ctx.backend,
        kind="session-token",
        account_id=caller.account_id,
        arn=caller.arn,
        user_id=caller.user_id,
        principal_arn=caller.arn,
        now=ctx.now,
        duration_seconds=_long_term_duration(caller, params),
        global_endpoint=ctx.global_endpoint,
        region=ctx.region,
        principal=principal,
        mfa_authenticated=mfa is not None,
        mfa_authenticated_at=ctx.now.replace(microsecond=0) if mfa is not None else None,
        minimum_token_size=params.get("MinimumSessionTokenSize", 0),
    )
    if mfa is not None:
        mfa.consume()
    return {"Credentials": session.credentials, **token_size(params, session.session_token)}


def get_federation_token(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller, principal = _long_term_caller(ctx, "GetFederationToken")
    name: str = params["Name"]
    arn = f"arn:aws:sts::{caller.account_id}:federated-user/{name}"
    authorize(ctx, caller, "sts:GetFederationToken", arn)
    tags = validate_tags(params.get("Tags", []), [])
    if tags:
        authorize(ctx, caller, "sts:TagSession", arn)
    policies = parse_session_policies(ctx.backend, caller, params, tags)
    session = issue_session(
        ctx.backend,
        kind="federated-user",
        account_id=caller.account_id,
        arn=arn,
        user_id=f"{caller.account_id}:{name}",
        principal_arn=caller.arn,
        now=ctx.now,
        duration_seconds=_long_term_duration(caller, params),
        global_endpoint=ctx.global_endpoint,
        region=ctx.region,
        principal=principal,
        session_name=name,
        tags=tags,
        policy=params.get("Policy"),
        policy_arns=[p["arn"] for p in params.get("PolicyArns", [])],
        session_policies=list(policies.documents),
        minimum_token_size=params.get("MinimumSessionTokenSize", 0),
    )
    return {
        "Credentials": session.credentials,
        "FederatedUser": {"FederatedUserId": session.user_id, "Arn": arn},
        "PackedPolicySize": policies.packed_size,
        **token_size(params, session.session_token),
    }


def token_size(params: Mapping[str, Any], token: str) -> dict[str, Any]:
    """SessionTokenSize/SessionTokenUtilization, sent when MinimumSessionTokenSize was asked for."""
    if "MinimumSessionTokenSize" not in params:
        return {}
    size = len(token)
    return {"SessionTokenSize": size, "SessionTokenUtilization": min(100, -(-100 * size // 4096))}


def assume_role(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller = ctx.require_caller()
    assumed = _assume.assume_role(
        ctx.backend,
        caller,
        params,
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
        request_keys=ctx.request_keys,
    )
    session = assumed.session
    result: dict[str, Any] = {
        "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
        "Credentials": session.credentials,
    }
    if assumed.packed_size is not None:
        result["PackedPolicySize"] = assumed.packed_size
    if session.source_identity is not None:
        result["SourceIdentity"] = session.source_identity
    result.update(token_size(params, session.session_token))
    return result


#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {
    "GetCallerIdentity": get_caller_identity,
    "GetAccessKeyInfo": get_access_key_info,
    "GetSessionToken": get_session_token,
    "GetFederationToken": get_federation_token,
    "AssumeRole": assume_role,
}
