"""AssumeRoleWithWebIdentity: an OIDC ID token verified as AWS verifies it, then a role session.

Order of checks (AWS's messages, ours where noted in ``_messages``):

1. The token is a JWT: three base64url segments, a JSON object header and a
   JSON object payload; otherwise "not a valid JWT".
2. ``iss`` names an IAM OIDC provider of the role's account (scheme optional).
3. The signature: the header's ``alg`` must be one AWS accepts (RS256/384/512,
   ES256/384/512; never ``none``, never HS*), the key is the provider's key
   with the header's ``kid`` (every key of the right type when there is no
   ``kid``), and the signature is verified over the cryptography key: RS* by
   cryptography's ``verify`` with PKCS#1 v1.5 and the algorithm's hash (what
   PyJWT's RSAAlgorithm does, without its per-call wrapper; the padding and
   hash objects are stateless and made once), ES* by PyJWT's algorithm (it
   turns the JWS r||s into DER).  Any failure is AWS's "Couldn't retrieve
   verification key" message: a forger learns nothing about which part failed.
4. ``aud`` (a string, or a list of which one must match) among the client ids.
5. ``exp`` required and in the future (no leeway: AWS's message compares the
   current time with ``exp`` exactly); ``nbf`` and ``iat``, when present, no
   later than now plus :data:`CLOCK_SKEW` (emulator-defined: five minutes).
6. ``sub`` required.
7. The tags claim and source identity claim, then :mod:`.grant`.

Steps 4-7 (and the trust policy's condition keys) are in :mod:`._oidc_claims`.

Verified claims are never cached (nor any verdict); the provider's parsed keys are, and
so is the parse of a token's text (:data:`PARSED_TOKENS`).

The usual token (RS* with a ``kid``, integer times, one audience) takes a
short path through each check: the RSA public key by ``kid`` from the
provider's table (:meth:`OIDCProvider.rsa_public_key`), verified on every
call; a failure there goes to the general path, which verifies again and
refuses with its reason, so both paths give one answer.  The claim checks'
fast tests accept only what the general tests accept.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from jwt.algorithms import get_default_algorithms

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend.requests import SessionPolicyRequest
from pytest_stsmock.errors import AwsError

from ._oidc_claims import CLOCK_SKEW, check_claims, condition_keys, invalid, session_claims
from .grant import NO_SESSION_POLICIES, FederatedRequest, grant
from .oidc import SOURCE_IDENTITY_CLAIM, TAGS_CLAIM, OIDCProvider
from .outbound import ISSUER_SUFFIX

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend
    from pytest_stsmock.backend.credentials import Session

    from ._keys import SigningKey

__all__ = [
    "CLOCK_SKEW",
    "PARSED_TOKENS",
    "WebIdentityRequest",
    "WebIdentityResult",
    "assume_role_with_web_identity",
    "parse_token",
]

_ALGORITHMS = get_default_algorithms()
_EC = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
#: RS*: what cryptography's verify takes (PKCS#1 v1.5 and the hash; both stateless, made once).
_RSA_ARGS = {
    "RS256": (padding.PKCS1v15(), hashes.SHA256()),
    "RS384": (padding.PKCS1v15(), hashes.SHA384()),
    "RS512": (padding.PKCS1v15(), hashes.SHA512()),
}
ACTION = "sts:AssumeRoleWithWebIdentity"


@dataclass(slots=True)
class WebIdentityRequest:
    role_arn: str
    session_name: str
    token: str
    duration_seconds: int | None = None
    session_policies: SessionPolicyRequest = NO_SESSION_POLICIES
    minimum_token_size: int = 0


class WebIdentityResult(NamedTuple):
    """What the answer needs besides the session (made without the Python-level
    ``__new__``: see ``_new_tuple``)."""

    session: Session
    packed_size: int | None
    subject: str
    audience: str
    provider: str
    source_identity: str | None


_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def _segment(text: str) -> bytes:
    """One base64url segment, strictly: its alphabet only, no padding."""
    if not _BASE64URL.fullmatch(text):
        raise ValueError("a segment that is not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


Parsed = tuple[dict[str, Any], dict[str, Any], bytes, bytes]
#: Parsed tokens by their text: parsing is a pure function of the token, and a
#: credential refresher sends the same token again and again.  Only successful
#: parses are kept; each use gets its own copy of the header and claims (nested
#: values are only read).  The signature and claims are checked on every call.
PARSED_TOKENS: dict[str, Parsed] = {}
PARSED_TOKENS_MAX = 256


def parse_token(token: str) -> Parsed:
    """(header, claims, signing input, signature) of a compact JWS, or 'not a valid JWT'."""
    header, claims, signing_input, signature = _parsed(token)
    return dict(header), dict(claims), signing_input, signature


def _parsed(token: str) -> Parsed:
    """:func:`parse_token` without the copies: the sign-in below only reads the
    header and claims it gets (never stores or changes them)."""
    found = PARSED_TOKENS.get(token)
    if found is None:
        found = _decode(token)
        if len(PARSED_TOKENS) >= PARSED_TOKENS_MAX:
            PARSED_TOKENS.clear()
        PARSED_TOKENS[token] = found
    return found


def _decode(token: str) -> Parsed:
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError(f"{len(parts)} segments")
        header = json.loads(_segment(parts[0]))
        claims = json.loads(_segment(parts[1]))
        signature = _segment(parts[2]) if parts[2] else b""
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise invalid(
            msg.WEB_IDENTITY_NOT_JWT,
            f"the web identity token is not a JWT (three base64url segments of JSON): {exc}",
        ) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise invalid(
            msg.WEB_IDENTITY_NOT_JWT, "the JWT's header and payload must both be JSON objects"
        )
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), signature


def _provider(backend: STSBackend, role_arn: str, claims: Mapping[str, Any]) -> OIDCProvider:
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise msg.web_identity_missing_claim("iss")
    if issuer.endswith(ISSUER_SUFFIX) and _is_outbound_issuer(backend, issuer):
        raise AwsError(
            "IDPRejectedClaim",
            msg.WEB_IDENTITY_OUTBOUND,
            explanation=f"{issuer} is an AWS STS outbound issuer, not an IAM OIDC provider",
        )
    account_id = role_arn.split(":", 5)[4]
    # The account's own providers first (what backend.find_oidc_provider reads
    # first too); only a miss asks the backend, which may look beside moto.
    account = backend.accounts.get(account_id)
    found = (
        None
        if account is None
        # (provider_id, inline)
        else account.oidc_providers.get(issuer[8:] if issuer.startswith("https://") else issuer)
    )
    if found is None:
        found = backend.find_oidc_provider(account_id, issuer)
    if found is None:
        error = msg.web_identity_no_provider(issuer)
        error.explanation = (
            f"the token's iss {issuer!r} is not the URL of an OIDC provider in the account of "
            f"{role_arn}"
        )
        raise error
    return found


def _is_outbound_issuer(backend: STSBackend, issuer: str) -> bool:
    # Every outbound issuer URL ends with ISSUER_SUFFIX (outbound.issuer_url
    # makes them all), so other issuers need no scan of the accounts.
    if not issuer.endswith(ISSUER_SUFFIX):
        return False
    return any(account.outbound_issuer == issuer for account in backend.accounts.values())


def backend_outbound_issuers(backend: STSBackend) -> frozenset[str]:
    return frozenset(
        a.outbound_issuer for a in backend.accounts.values() if a.outbound_issuer is not None
    )


def _verify_signature(
    provider: OIDCProvider, header: Mapping[str, Any], signing_input: bytes, signature: bytes
) -> None:
    alg = header.get("alg")
    kid = header.get("kid")
    # The usual token: RS* and a kid naming one of the provider's RSA keys.
    rsa_args = _RSA_ARGS.get(alg) if type(alg) is str else None
    if rsa_args is not None and type(kid) is str:
        public = provider.rsa_public_key(kid)
        if public is not None:
            try:
                public.verify(signature, signing_input, rsa_args[0], rsa_args[1])
                return
            except Exception:  # any failure: the general path below refuses, with its reason
                pass

    def refuse(why: str) -> AwsError:
        return invalid(msg.WEB_IDENTITY_KEY, why)

    if not isinstance(alg, str):
        alg_name = None
        rsa_args = None
    else:
        alg_name = alg
        rsa_args = _RSA_ARGS.get(alg)
    if alg_name is None or (rsa_args is None and alg_name not in _EC):
        raise refuse(
            f"the token's alg {alg!r} is not one AWS accepts (RS256, RS384, RS512, ES256, "
            "ES384, ES512)"
        )
    if kid is not None:
        key = provider.key(kid) if isinstance(kid, str) else None
        if key is None:
            raise refuse(f"no key with kid {kid!r} in the JWKS of {provider.url}")
        candidates: tuple[SigningKey, ...] = (key,)
    else:
        candidates = tuple(provider.keys)
    # A key verifies only the algorithms of its type: RS* an RSA key, ES* an EC
    # key on the algorithm's curve (SigningKey.kind: "RSA" or the curve's name).
    wanted = "RSA" if rsa_args is not None else _EC[alg_name]
    for candidate in candidates:
        if candidate.kind != wanted:
            continue
        try:
            if rsa_args is not None:
                # What PyJWT's RSAAlgorithm.verify does, without its wrapper
                # (kind "RSA": the key is an RSA public key).
                public = cast("rsa.RSAPublicKey", candidate.public_key)
                public.verify(signature, signing_input, rsa_args[0], rsa_args[1])
                return
            if _ALGORITHMS[alg_name].verify(signing_input, candidate.public_key, signature):
                return
        except Exception:  # any failure of a forged signature is a failed verification
            continue
    raise refuse(
        f"the token's signature ({alg}) does not verify with "
        + (f"the key {kid!r}" if kid is not None else "any key")
        + f" of {provider.url}"
    )


def assume_role_with_web_identity(
    backend: STSBackend,
    request: WebIdentityRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
    request_keys: Mapping[str, Any],
) -> WebIdentityResult:
    header, claims, signing_input, signature = _parsed(request.token)
    provider = _provider(backend, request.role_arn, claims)
    _verify_signature(provider, header, signing_input, signature)
    audience = check_claims(provider, claims, now)
    if TAGS_CLAIM in claims or SOURCE_IDENTITY_CLAIM in claims:
        tags, transitive, source_identity = session_claims(claims)
    else:  # the usual token asks for neither
        tags, transitive, source_identity = {}, [], None
    subject: str = claims["sub"]

    def denied(why: str) -> AwsError:
        return AwsError(
            "AccessDenied",
            msg.WEB_IDENTITY_DENIED,
            explanation=f"the token of {provider.arn} (sub {subject!r}) was verified, but\n{why}",
        )

    # (all thirteen fields positionally, in their declared order: no keyword matching)
    federated = FederatedRequest(
        ACTION,
        request.role_arn,
        request.session_name,
        provider.principal,
        condition_keys(provider, claims, audience),
        denied,
        request.duration_seconds,
        request.session_policies,
        tuple(tags.items()) if tags else (),
        transitive,
        source_identity,
        None,  # not_after: SAML's SessionNotOnOrAfter
        request.minimum_token_size,
    )
    granted = grant(
        backend,
        federated,
        now=now,
        region=region,
        global_endpoint=global_endpoint,
        request_keys=request_keys,
    )
    return _new_tuple(
        WebIdentityResult,
        (granted.session, granted.packed_size, subject, audience, provider.arn, source_identity),
    )


_new_tuple = tuple.__new__
