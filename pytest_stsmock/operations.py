"""One thin function per STS operation: params in, result dict out.

This is the only layer that knows both the backend (domain objects) and the
shape of STS requests and responses (API member names).  Each function
receives the decoded, validated parameters and an :class:`OperationContext`
and returns the result structure botocore would parse, or raises
:class:`~pytest_stsmock.errors.AwsError`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import _messages as msg
from .backend import STSBackend, _clock, _ids
from .backend import assume as _assume
from .backend.authz import evaluate_identity
from .backend.identity import Caller
from .backend.issue import issue_session
from .backend.principals import Principal
from .backend.rules import (
    check_mfa,
    parse_session_policies,
    validate_tags,
)
from .errors import AwsError


@dataclass
class OperationContext:
    """Everything an operation needs to know about the request besides its parameters."""

    backend: STSBackend
    caller: Caller | None
    region: str
    global_endpoint: bool
    now: _dt.datetime
    secure_transport: bool = True
    source_ip: str = "127.0.0.1"

    @property
    def request_keys(self) -> dict[str, Any]:
        """Global condition keys of this request (aws:CurrentTime, aws:RequestedRegion...)."""
        return {
            "aws:CurrentTime": _clock.iso(self.now),
            "aws:EpochTime": str(int(self.now.timestamp())),
            "aws:RequestedRegion": self.region,
            "aws:SecureTransport": "true" if self.secure_transport else "false",
            "aws:SourceIp": self.source_ip,
        }

    def require_caller(self) -> Caller:
        if self.caller is None:  # the pipeline rejects unsigned requests first
            raise AwsError("MissingAuthenticationToken", msg.MISSING_AUTH, 403)
        return self.caller


def authorize(ctx: OperationContext, caller: Caller, action: str, resource: str) -> None:
    """Refuse with AWS's generic AccessDenied unless the caller's policies allow ``action``."""
    decision = evaluate_identity(ctx.backend, caller, action, resource, ctx.now, ctx.request_keys)
    if not decision.allowed:
        raise msg.not_authorized(caller.arn, action, resource, decision.explain())


Operation = Callable[[OperationContext, Mapping[str, Any]], dict[str, Any]]

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
    return {"Credentials": session.credentials, **_token_size(params, session.session_token)}


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
        **_token_size(params, session.session_token),
    }


def _token_size(params: Mapping[str, Any], token: str) -> dict[str, Any]:
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
    result.update(_token_size(params, session.session_token))
    return result


def not_implemented(name: str) -> Operation:
    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise msg.not_implemented(name)

    operation.__name__ = f"not_implemented_{name}"
    return operation


OPERATIONS: dict[str, Operation] = {
    "GetCallerIdentity": get_caller_identity,
    "GetAccessKeyInfo": get_access_key_info,
    "GetSessionToken": get_session_token,
    "GetFederationToken": get_federation_token,
    "AssumeRole": assume_role,
}

#: Operations of the model that need no signature (AWS accepts them unsigned).
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})


def lookup(name: str) -> Operation:
    """The function for ``name``; an operation of the model we do not build answers 501."""
    return OPERATIONS.get(name) or not_implemented(name)
