"""The claim checks of AssumeRoleWithWebIdentity (steps 4-7 of :mod:`.webidentity`):
audience, time window, subject, then the tags and source identity claims, and the
condition keys a trust policy tests.

The usual token (one audience among the client ids, integer ``exp``/``nbf``/
``iat``, a ``sub``) passes one combined test in :func:`check_claims`; that test
accepts only what the general checks below it accept.  Nothing here is cached:
every check runs on every call.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend.policy.context import normalize_value
from pytest_stsmock.errors import AwsError

from .oidc import SOURCE_IDENTITY_CLAIM, TAGS_CLAIM, OIDCProvider

__all__ = ["CLOCK_SKEW", "GOOGLE", "check_claims", "condition_keys", "invalid", "session_claims"]

#: How far in the future ``nbf`` and ``iat`` may be (emulator-defined: five minutes).
CLOCK_SKEW = 300
GOOGLE = "accounts.google.com"


def invalid(message: str, why: str) -> AwsError:
    """InvalidIdentityToken with AWS's ``message`` and our explanation ``why``."""
    return AwsError("InvalidIdentityToken", message, explanation=why)


def check_claims(provider: OIDCProvider, claims: Mapping[str, Any], now: _dt.datetime) -> str:
    """The audience that matched, after the aud, time and sub checks."""
    aud = claims.get("aud")
    if aud is None:
        error = msg.web_identity_missing_claim("aud")
        error.explanation = "the token has no aud claim"
        raise error
    client_ids = provider.client_ids
    matched = None
    if type(aud) is str and aud in client_ids:
        matched = aud  # the common case: one audience, a client id
    if provider.id == GOOGLE:
        azp = claims.get("azp")
        if isinstance(azp, str) and azp in client_ids:
            matched = azp  # Google: the authorized party is the client id
    if matched is None:
        for candidate in aud if isinstance(aud, list) else [aud]:
            if isinstance(candidate, str) and candidate in client_ids:
                matched = candidate
                break
    if matched is None:
        raise invalid(
            msg.WEB_IDENTITY_AUDIENCE,
            f"the token's aud {aud!r} is not among the client ids {provider.client_ids} "
            f"of {provider.arn}",
        )
    epoch = int(now.timestamp())
    exp = claims.get("exp")
    nbf = claims.get("nbf")
    iat = claims.get("iat")
    latest = epoch + CLOCK_SKEW
    sub = claims.get("sub")
    if (
        type(exp) is int
        and epoch < exp
        and type(nbf) is int
        and nbf <= latest
        and type(iat) is int
        and iat <= latest
        and type(sub) is str
        and sub
    ):
        return matched  # the usual token: every check below would pass
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        error = msg.web_identity_missing_claim("exp")
        error.explanation = "the token has no numeric exp claim"
        raise error
    if epoch >= exp:
        error = msg.web_identity_expired(epoch, int(exp))
        error.explanation = f"the token expired {epoch - int(exp)} s before this request"
        raise error
    for name, value in (("nbf", nbf), ("iat", iat)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise invalid(msg.WEB_IDENTITY_NOT_JWT, f"the token's {name} claim is not a number")
        if value > epoch + CLOCK_SKEW:
            error = msg.web_identity_not_yet_valid(epoch, name, int(value))
            error.explanation = (
                f"the token's {name} is {int(value) - epoch} s in the future, more than the "
                f"{CLOCK_SKEW} s of clock skew tolerated"
            )
            raise error
    if not isinstance(sub, str) or not sub:
        error = msg.web_identity_missing_claim("sub")
        error.explanation = "the token has no sub claim"
        raise error
    return matched


def session_claims(claims: Mapping[str, Any]) -> tuple[dict[str, str], list[str], str | None]:
    """Tags, transitive keys and source identity the token asks for."""
    tags: dict[str, str] = {}
    keys: list[str] = []
    raw = claims.get(TAGS_CLAIM)
    if raw is not None:
        principal_tags = raw.get("principal_tags", {}) if isinstance(raw, dict) else None
        transitive = raw.get("transitive_tag_keys", []) if isinstance(raw, dict) else None
        if not isinstance(principal_tags, dict) or not isinstance(transitive, list):
            raise invalid(msg.WEB_IDENTITY_TAGS_CLAIM, f"the {TAGS_CLAIM} claim is malformed")
        for key, values in principal_tags.items():
            if isinstance(values, str):
                values = [values]
            if not (isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)):
                raise invalid(
                    msg.WEB_IDENTITY_TAGS_CLAIM, f"the value of principal tag {key!r} is malformed"
                )
            tags[key] = values[0]
        if not all(isinstance(k, str) for k in transitive):
            raise invalid(msg.WEB_IDENTITY_TAGS_CLAIM, "transitive_tag_keys must be strings")
        keys = list(transitive)
    source = claims.get(SOURCE_IDENTITY_CLAIM)
    if source is not None and not isinstance(source, str):
        raise invalid(msg.WEB_IDENTITY_NOT_JWT, f"the {SOURCE_IDENTITY_CLAIM} claim is not text")
    return tags, keys, source


def condition_keys(
    provider: OIDCProvider, claims: Mapping[str, Any], audience: str
) -> dict[str, Any]:
    """The keys a trust policy can test: ``<provider>:aud/sub/azp/amr``, aws:FederatedProvider.

    In the policy engine's lookup form (lower-case names, text or tuples of text).
    """
    aud_key, sub_key, azp_key, amr_key, oaud_key = provider.condition_key_names
    keys: dict[str, Any] = {
        aud_key: audience,
        sub_key: claims["sub"],
        "aws:federatedprovider": provider.arn,
    }
    azp = claims.get("azp")
    if isinstance(azp, str):
        keys[azp_key] = azp
        if provider.id == GOOGLE:  # AWS: for Google, :aud is azp when present, :oaud the aud
            keys[aud_key] = azp
            original = claims.get("aud")
            oaud = normalize_value(original)
            if oaud is not None:
                keys[oaud_key] = oaud
    amr = claims.get("amr")
    if isinstance(amr, str):
        keys[amr_key] = (amr,)
    elif isinstance(amr, list) and all(isinstance(a, str) for a in amr):
        keys[amr_key] = tuple(amr)
    return keys
