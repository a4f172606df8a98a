"""Minting temporary credentials: identifiers from the seeded RNG, then registration."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from . import ids
from .credentials import Session, SessionKind

if TYPE_CHECKING:
    from . import STSBackend


def issue_session(
    backend: STSBackend,
    *,
    kind: SessionKind,
    account_id: str,
    arn: str,
    user_id: str,
    principal_arn: str,
    now: _dt.datetime,
    duration_seconds: int,
    global_endpoint: bool,
    region: str,
    minimum_token_size: int = 0,
    **context: Any,
) -> Session:
    """Create, register and return a session valid for ``duration_seconds`` from ``now``."""
    rng = backend.rng
    if now.microsecond:  # (a subtraction: the same moment as replace(), a third of its cost)
        now = now - _dt.timedelta(microseconds=now.microsecond)
    key_id = ids.access_key_id(rng, account_id, temporary=True)
    secret = ids.secret_access_key(rng)
    token = ids.session_token(rng, regional=not global_endpoint, region=region)
    if minimum_token_size:
        token = ids.pad_token(rng, token, minimum_token_size)
    session = Session(
        kind=kind,
        access_key_id=key_id,
        secret_access_key=secret,
        session_token=token,
        arn=arn,
        user_id=user_id,
        account_id=account_id,
        principal_arn=principal_arn,
        issued_at=now,
        expiration=now + _dt.timedelta(seconds=duration_seconds),
        global_endpoint=global_endpoint,
        **context,
    )
    backend._register_session(session)
    return session
