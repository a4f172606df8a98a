"""GetWebIdentityToken: AWS STS as the identity provider (outbound identity federation).

Design decisions:

* An account turns the feature on with
  ``acct.enable_outbound_web_identity_federation()``, which returns its
  issuer URL ``https://<uuid>.tokens.sts.global.api.aws`` (the uuid from the
  seeded RNG).  The account then owns an RSA key (RS256) and a P-384 key
  (ES384); ``acct.outbound_jwks`` publishes both.
* Claims as AWS documents them: ``iss``, ``sub`` (the calling principal's ARN:
  the role ARN for a role session), ``aud`` (a string for one audience, a
  list for several), ``iat``, ``nbf``, ``exp``, ``jti``, ``scope`` when
  asked, and under ``https://sts.amazonaws.com/``: ``aws_account``,
  ``source_region``, ``principal_id``, ``principal_tags`` and
  ``request_tags``.
* Checks, in order: not on the global endpoint; the feature enabled for the
  caller's account; ``sts:GetWebIdentityToken`` allowed by the caller's
  policies, with ``sts:IdentityTokenAudience`` (multi-valued),
  ``sts:DurationSeconds`` and ``sts:SigningAlgorithm``; request tags also
  need ``sts:TagGetWebIdentityToken``; ``SubjectMode=OriginIdentity`` needs a
  trusted identity propagation context, which no session here carries; the
  token may not outlive the calling session; the payload is at most
  :data:`MAX_PAYLOAD` bytes (emulator-defined; AWS does not publish it).
"""

from __future__ import annotations

import datetime as _dt
import json
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import ids
from pytest_stsmock.backend.authz import evaluate_identity
from pytest_stsmock.backend.federation._keys import SigningKey, draw_ec_key, draw_rsa_key
from pytest_stsmock.backend.rules import validate_tags
from pytest_stsmock.errors import AwsError, StsMockError

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend
    from pytest_stsmock.backend.accounts import Account
    from pytest_stsmock.backend.identity import Caller

__all__ = ["MAX_PAYLOAD", "OutboundTokenRequest", "get_web_identity_token", "issuer_url", "jwks"]

MAX_PAYLOAD = 8192
DEFAULT_DURATION = 300
NAMESPACE = "https://sts.amazonaws.com/"
ACTION = "sts:GetWebIdentityToken"
_KEYS: weakref.WeakKeyDictionary[Account, dict[str, SigningKey]] = weakref.WeakKeyDictionary()


#: How every outbound issuer URL ends (web identity skips its outbound check for others).
ISSUER_SUFFIX = ".tokens.sts.global.api.aws"


def issuer_url(account: Account) -> str:
    return f"https://{ids.request_id(account.backend.rng)}{ISSUER_SUFFIX}"


def _keys(account: Account) -> dict[str, SigningKey]:
    found = _KEYS.get(account)
    if found is None:
        backend = account.backend
        found = _KEYS[account] = {"RS256": draw_rsa_key(backend), "ES384": draw_ec_key(backend)}
    return found


def jwks(account: Account) -> dict[str, Any]:
    if account.outbound_issuer is None:
        raise StsMockError(
            f"Outbound identity federation is off for account {account.id}; call "
            "acct.enable_outbound_web_identity_federation() first."
        )
    return {"keys": [key.jwk for key in _keys(account).values()]}


@dataclass(frozen=True)
class OutboundTokenRequest:
    audiences: Sequence[str]
    signing_algorithm: str
    duration_seconds: int | None = None
    scope: str | None = None
    subject_mode: str | None = None
    tags: Sequence[tuple[str, str]] = ()


def _claims(
    caller: Caller, issuer: str, request: OutboundTokenRequest, now: int, expires: int, jti: str
) -> dict[str, Any]:
    principal_arn = caller.principal_arn
    context: dict[str, Any] = {
        "aws_account": caller.account_id,
        "source_region": None,
        "principal_id": principal_arn,
    }
    from pytest_stsmock.backend.authz import principal_tags

    tags = principal_tags(caller)
    if tags:
        context["principal_tags"] = tags
    if request.tags:
        context["request_tags"] = dict(request.tags)
    audiences = list(request.audiences)
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": principal_arn,
        "aud": audiences[0] if len(audiences) == 1 else audiences,
        "iat": now,
        "nbf": now,
        "exp": expires,
        "jti": jti,
        NAMESPACE: context,
    }
    if request.scope is not None:
        claims["scope"] = request.scope
    return claims


def get_web_identity_token(
    backend: STSBackend,
    caller: Caller,
    request: OutboundTokenRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
    request_keys: Mapping[str, Any],
) -> tuple[str, _dt.datetime]:
    """The signed token and its expiration."""
    if global_endpoint:
        raise AwsError("ValidationError", msg.OUTBOUND_GLOBAL_ENDPOINT)
    account = backend.account(caller.account_id)
    if account.outbound_issuer is None:
        raise AwsError(
            "OutboundWebIdentityFederationDisabledException",
            msg.OUTBOUND_DISABLED,
            explanation=f"account {account.id} has not enabled outbound identity federation",
        )
    duration = request.duration_seconds or DEFAULT_DURATION
    keys: dict[str, Any] = dict(request_keys)
    keys["sts:IdentityTokenAudience"] = tuple(request.audiences)
    keys["sts:DurationSeconds"] = str(duration)
    keys["sts:SigningAlgorithm"] = request.signing_algorithm
    if request.subject_mode is not None:
        keys["sts:SubjectMode"] = request.subject_mode
    tags = validate_tags(request.tags, ())
    if tags:
        keys.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
        keys["aws:TagKeys"] = tuple(tags)
    actions = [ACTION] + (["sts:TagGetWebIdentityToken"] if request.tags else [])
    for action in actions:
        verdict = evaluate_identity(backend, caller, action, "*", now, keys)
        if not verdict.allowed:
            raise msg.not_authorized(caller.arn, action, "*", verdict.explain())
    if request.subject_mode == "OriginIdentity":
        raise AwsError(
            "ValidationError",
            msg.OUTBOUND_NO_ORIGIN,
            explanation="the calling session has no trusted identity propagation context",
        )
    issued = now.replace(microsecond=0)
    expiration = issued + _dt.timedelta(seconds=duration)
    session = caller.session
    if session is not None and expiration > session.expiration:
        raise AwsError(
            "SessionDurationEscalationException",
            msg.OUTBOUND_ESCALATION,
            explanation=f"the token would expire at {expiration:%H:%M:%S}, after the calling "
            f"session ({session.expiration:%H:%M:%S})",
        )
    epoch = int(issued.timestamp())
    claims = _claims(
        caller,
        account.outbound_issuer,
        request,
        epoch,
        epoch + duration,
        ids.request_id(backend.rng),
    )
    claims[NAMESPACE]["source_region"] = region
    size = len(json.dumps(claims, separators=(",", ":")).encode())
    if size > MAX_PAYLOAD:
        raise AwsError(
            "JWTPayloadSizeExceededException",
            msg.OUTBOUND_TOO_LARGE,
            explanation=f"the payload is {size} bytes, more than {MAX_PAYLOAD}",
        )
    key = _keys(account)[request.signing_algorithm]
    token = jwt.encode(
        claims, key.private_key, algorithm=request.signing_algorithm, headers={"kid": key.kid}
    )
    return token, expiration
