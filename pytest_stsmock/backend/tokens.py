"""GetSessionToken and GetFederationToken: sessions of long-term credentials.

Both are refused to temporary credentials (AWS: "Cannot call ... with session
credentials").  The root user's sessions are capped at one hour, silently, as
AWS does; others get what they ask for (the protocol layer has checked the
model's 900..129600 range) or twelve hours.  As everywhere in the backend, a
refused request changes nothing: the MFA code is consumed only after the
session is issued.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg

from .authz import authorize
from .credentials import Session
from .identity import Caller
from .issue import issue_session, mint, register
from .principals import LongTermPrincipal
from .regions import check_region_active
from .requests import FederationTokenRequest, SessionTokenRequest
from .rules import check_mfa, parse_session_policies, validate_tags

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from . import STSBackend

__all__ = ["FederationToken", "get_federation_token", "get_session_token"]

ROOT_CAP = 3600
LONG_TERM_DEFAULT = 43200


def _duration(caller: Caller, requested: int | None) -> int:
    duration = LONG_TERM_DEFAULT if requested is None else requested
    return min(duration, ROOT_CAP) if caller.is_root else duration


def _long_term_principal(caller: Caller, operation: str) -> LongTermPrincipal:
    """The principal of an operation AWS allows only with long-term credentials."""
    if caller.temporary:
        error = msg.cannot_call_with_session(operation)
        error.explanation = (
            f"{operation} takes long-term credentials (an IAM user's or the root's access "
            f"key), and the caller {caller.arn} signed with temporary ones"
        )
        raise error
    principal = caller.principal
    assert isinstance(principal, LongTermPrincipal), "long-term keys belong to users and roots"
    return principal


def get_session_token(
    backend: STSBackend,
    caller: Caller,
    request: SessionTokenRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
) -> Session:
    check_region_active(backend.account(caller.account_id), region)
    principal = _long_term_principal(caller, "GetSessionToken")
    mfa = check_mfa(backend, principal, request.mfa, now)
    with backend.lock:  # what changes state: the MFA code, the draws, the session
        if mfa is not None:
            mfa.consume()
        minted = mint(
            backend,
            caller.account_id,
            now,
            _duration(caller, request.duration_seconds),
            global_endpoint=global_endpoint,
            region=region,
            minimum_token_size=request.minimum_token_size,
        )
        session = Session(
            kind="session-token",
            access_key_id=minted.access_key_id,
            secret_access_key=minted.secret_access_key,
            session_token=minted.session_token,
            arn=caller.arn,
            user_id=caller.user_id,
            account_id=caller.account_id,
            principal_arn=caller.arn,
            issued_at=minted.issued_at,
            expiration=minted.expiration,
            global_endpoint=global_endpoint,
            principal=principal,
            mfa_authenticated=mfa is not None,
            mfa_authenticated_at=minted.issued_at if mfa is not None else None,
        )
        register(backend, session)
    return session


@dataclass(frozen=True)
class FederationToken:
    session: Session
    packed_size: int


def get_federation_token(
    backend: STSBackend,
    caller: Caller,
    request: FederationTokenRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
    request_keys: Mapping[str, Any],
) -> FederationToken:
    check_region_active(backend.account(caller.account_id), region)
    principal = _long_term_principal(caller, "GetFederationToken")
    name = request.name
    arn = f"arn:aws:sts::{caller.account_id}:federated-user/{name}"
    authorize(backend, caller, "sts:GetFederationToken", arn, now, request_keys)
    tags = validate_tags(request.tags, [])
    if tags:
        authorize(backend, caller, "sts:TagSession", arn, now, request_keys)
    policies = parse_session_policies(
        backend, caller, request.session_policies, tags, home_account=caller.account_id
    )
    session = issue_session(
        backend,
        kind="federated-user",
        account_id=caller.account_id,
        arn=arn,
        user_id=f"{caller.account_id}:{name}",
        principal_arn=caller.arn,
        now=now,
        duration_seconds=_duration(caller, request.duration_seconds),
        global_endpoint=global_endpoint,
        region=region,
        principal=principal,
        session_name=name,
        tags=tags,
        policy=request.session_policies.policy,
        policy_arns=list(request.session_policies.policy_arns),
        session_policies=list(policies.documents),
        minimum_token_size=request.minimum_token_size,
    )
    return FederationToken(session, policies.packed_size)
