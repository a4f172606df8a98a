"""Minting temporary credentials: identifiers from the seeded RNG, then registration."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, NamedTuple

from . import ids
from .credentials import Session, SessionKind

if TYPE_CHECKING:
    from . import STSBackend


class Minted(NamedTuple):
    """New temporary credentials and their validity, before a :class:`Session` holds them."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    issued_at: _dt.datetime
    expiration: _dt.datetime


def mint(
    backend: STSBackend,
    account_id: str,
    now: _dt.datetime,
    duration_seconds: int,
    *,
    global_endpoint: bool,
    region: str,
    minimum_token_size: int = 0,
) -> Minted:
    """Draw a key id, secret and token for ``account_id``, valid ``duration_seconds`` from
    ``now`` (whole seconds).  The hot callers (AssumeRole, the federated sign-ins,
    GetSessionToken) build their :class:`Session` from this and register it with
    :func:`register`, which spares every sign-in a second pass of ~20 keyword
    arguments through :func:`issue_session`."""
    rng = backend.rng
    if now.microsecond:  # (a subtraction: the same moment as replace(), a third of its cost)
        now = now - _timedelta(0, 0, now.microsecond)
    key_id = ids.access_key_id(rng, account_id, temporary=True)
    secret = ids.secret_access_key(rng)
    token = ids.session_token(rng, regional=not global_endpoint, region=region)
    if minimum_token_size:
        token = ids.pad_token(rng, token, minimum_token_size)
    span = _SPANS.get(duration_seconds)
    if span is None:
        if len(_SPANS) >= 256:
            _SPANS.clear()
        span = _SPANS[duration_seconds] = _timedelta(0, duration_seconds)
    return _new_minted(Minted, (key_id, secret, token, now, now + span))


_timedelta = _dt.timedelta  # (positional arguments: no keyword parsing)
_new_minted = tuple.__new__  # Minted without its Python-level __new__
#: A session's validity by its length in seconds (timedeltas are immutable; a test
#: uses a handful of durations).
_SPANS: dict[int, _dt.timedelta] = {}


def register(backend: STSBackend, session: Session) -> Session:
    """Make ``session``'s credentials known to ``backend``; ``session`` back.  The
    caller holds ``backend.lock`` from :func:`mint` to here."""
    backend._register_session(session)
    return session


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
    with backend.lock:  # the draws and the registration, as one step among threads
        minted = mint(
            backend,
            account_id,
            now,
            duration_seconds,
            global_endpoint=global_endpoint,
            region=region,
            minimum_token_size=minimum_token_size,
        )
        session = Session(
            kind=kind,
            access_key_id=minted.access_key_id,
            secret_access_key=minted.secret_access_key,
            session_token=minted.session_token,
            arn=arn,
            user_id=user_id,
            account_id=account_id,
            principal_arn=principal_arn,
            issued_at=minted.issued_at,
            expiration=minted.expiration,
            global_endpoint=global_endpoint,
            **context,
        )
        backend._register_session(session)
    return session
