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

from . import _messages as msg
from ._http import HttpRequest
from .backend import STSBackend
from .backend.identity import Caller, caller_for_key, caller_for_session
from .errors import AwsError
from .protocol import sigv4


def authenticate(
    backend: STSBackend,
    signed: sigv4.SignedRequest | None,
    request: HttpRequest,
    now: _dt.datetime,
) -> Caller | None:
    """The caller of a signed request at ``now``; None when the request carries no signature."""
    if signed is None:
        return None
    late = sigv4.check_time(signed, now)
    if late is not None:  # before any key is looked up, as AWS's front end does
        error = msg.signature_expired if late.expired else msg.signature_not_yet_current
        raise error(late.amz_date, late.bound, late.now)
    key = backend.access_key(signed.access_key_id)
    if key is not None:
        if signed.session_token is not None or not key.active:
            raise AwsError("InvalidClientTokenId", msg.INVALID_TOKEN)
        _verify(request, signed, key.secret_access_key)
        return caller_for_key(key)
    session = backend.session(signed.access_key_id)
    if session is not None:
        if signed.session_token != session.session_token:
            raise AwsError("InvalidClientTokenId", msg.INVALID_TOKEN)
        _verify(request, signed, session.secret_access_key)
        if session.expired(now):
            raise AwsError("ExpiredToken", msg.EXPIRED_TOKEN)
        return caller_for_session(session)
    if backend.strict:
        raise AwsError("InvalidClientTokenId", msg.INVALID_TOKEN)
    # Not strict: an unknown key (a test's dummy credentials) acts as the default user.
    return caller_for_key(backend.default_access_key)


def _verify(request: HttpRequest, signed: sigv4.SignedRequest, secret: str) -> None:
    if not sigv4.verify(request, signed, secret):
        raise AwsError("SignatureDoesNotMatch", msg.SIGNATURE_MISMATCH)
