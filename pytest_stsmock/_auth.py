"""Authentication: SigV4 -> access key -> the caller's identity.

Runs before anything else touches the backend.  First the request's time must
lie within 15 minutes of the backend clock (header-signed and presigned alike,
whatever X-Amz-Expires says; see ``protocol.sigv4``).  A key the backend issued is
verified with its secret; temporary credentials must come with their own
session token and must not have expired.  A key the backend never issued acts
as the default user when the mock is not strict, and is refused when it is.
"""

from __future__ import annotations

import datetime as _dt
from typing import NoReturn

from . import _messages as msg
from ._http import HttpRequest
from .backend import STSBackend
from .backend.identity import Caller, caller_for_key, caller_for_session
from .errors import AwsError
from .protocol import sigv4

_WINDOW = sigv4.WINDOW
_EARLIEST = -sigv4.WINDOW


def authenticate(
    backend: STSBackend,
    signed: sigv4.SignedRequest | None,
    request: HttpRequest,
    now: _dt.datetime,
) -> Caller | None:
    """The caller of a signed request at ``now``; None when the request carries no signature."""
    if signed is None:
        return None
    # check_time's usual case (an aware clock, the request inside the window) inline.
    if now.tzinfo is None or not _EARLIEST <= signed.amz_date - now <= _WINDOW:
        late = sigv4.check_time(signed, now)
        if late is not None:  # before any key is looked up, as AWS's front end does
            error = msg.signature_expired if late.expired else msg.signature_not_yet_current
            raise error(late.amz_date, late.bound, late.now)
    key_id = signed.access_key_id
    # The backend's own keys, then its sessions, then moto's keys (beside mock_aws): a
    # session-signed request never pays for a look into moto.  The three never share an id.
    key = backend.local_access_key(key_id)
    session = backend.session(key_id) if key is None else None
    if key is None and session is None:
        key = backend.external_access_key(key_id)
    if key is not None:
        if signed.session_token is not None:
            raise _invalid(
                f"the access key {key_id} is a long-term key of {key.principal.arn}, but the "
                "request also carried a session token; long-term keys are sent without one"
            )
        if not key.active:
            raise _invalid(f"the access key {key_id} of {key.principal.arn} is inactive")
        if not sigv4.verify(request, signed, key.secret_access_key):
            _refuse(backend, request, signed, key.secret_access_key)
        return caller_for_key(key)
    if session is not None:
        if signed.session_token != session.session_token:
            raise _invalid(
                f"the temporary access key {key_id} (of {session.arn}) was sent "
                + (
                    "without its session token"
                    if signed.session_token is None
                    else "with a session token that is not the one issued with it"
                )
            )
        if not sigv4.verify(request, signed, session.secret_access_key):
            _refuse(backend, request, signed, session.secret_access_key)
        if session.expired(now):
            raise AwsError(
                "ExpiredToken",
                msg.EXPIRED_TOKEN,
                explanation=f"the temporary credentials {key_id} of {session.arn} expired at "
                f"{session.expiration:%Y-%m-%dT%H:%M:%SZ}; the backend's clock says "
                f"{now:%Y-%m-%dT%H:%M:%SZ}",
            )
        caller = caller_for_session(session)
        if backend.external is not None:  # the role may have changed in moto since
            backend.external.refresh(backend, caller.principal)
        return caller
    if backend.strict:
        raise _invalid(
            f"the access key {key_id} was never issued by this backend, and the mock is strict "
            "(strict=True refuses keys it did not issue)"
        )
    # Not strict: an unknown key (a test's dummy credentials) acts as the default user.
    return caller_for_key(backend.default_access_key)


def _invalid(why: str) -> AwsError:
    return AwsError("InvalidClientTokenId", msg.INVALID_TOKEN, explanation=why)


def _refuse(
    backend: STSBackend, request: HttpRequest, signed: sigv4.SignedRequest, secret: str
) -> NoReturn:
    raise AwsError(
        "SignatureDoesNotMatch",
        msg.SIGNATURE_MISMATCH,
        explanation=_why_mismatch(backend, request, signed, secret),
    )


def _why_mismatch(
    backend: STSBackend, request: HttpRequest, signed: sigv4.SignedRequest, secret: str
) -> str:
    """Which change made the signature fail, where that can be told (a failed call only)."""
    for method in ("GET", "POST"):
        if method != request.method.upper() and sigv4.verify(
            request._replace(method=method), signed, secret
        ):
            what = "URL was presigned" if signed.presigned else "request was signed"
            return (
                f"the {what} for {method} but sent with {request.method.upper()}; the method "
                "is part of the signature"
            )
    missing = [
        name
        for name in signed.signed_headers
        if name.lower() not in request.headers and name.lower() != "host"
    ]
    if missing:
        return (
            f"the signed header(s) {', '.join(missing)} are missing from the request: "
            "something removed them after signing"
        )
    for other_id, other_secret in backend.known_secrets():
        if other_secret != secret and sigv4.verify(request, signed, other_secret):
            return (
                f"the request was signed with the secret key of {other_id}, not with the "
                f"secret key of {signed.access_key_id}"
            )
    return (
        f"the signature was not made with the secret key of {signed.access_key_id} over this "
        "request: the client signed with a wrong secret key, or a signed header, the body, "
        "the URL or the method changed after signing"
    )
