"""IAM OIDC identity providers: registration, their keys (JWKS) and a token builder for tests.

Design decisions:

* A provider is what IAM's CreateOpenIDConnectProvider registers (a URL,
  client ids, thumbprints) plus what the real IdP would hold: its own signing
  keys.  Every provider has two RSA keys, both published in ``jwks``, so a
  test can sign with either (``token(kid=...)``) and key rotation by ``kid``
  is exercised; ``rotate_keys()`` retires the first key and adds a new one.
* ``url`` keeps its scheme; the ARN and the condition-key prefix are the URL
  without ``https://`` (``token.actions.githubusercontent.com``), path and
  trailing slash kept, as IAM does.  Tokens are matched to a provider by
  their ``iss`` claim, with or without the scheme.
* ``token()`` signs whatever claims it ends up with: ``claims`` is applied
  last and may override anything (iss, exp, aud...), so tests can forge.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import jwt

from pytest_stsmock.backend import clock, ids
from pytest_stsmock.backend.policy.context import PrincipalInfo
from pytest_stsmock.errors import StsMockError

from ._keys import SigningKey, draw_rsa_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from pytest_stsmock.backend.accounts import Account

__all__ = ["SOURCE_IDENTITY_CLAIM", "TAGS_CLAIM", "OIDCProvider", "provider_id"]

TAGS_CLAIM = "https://aws.amazon.com/tags"
SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity"
_URL = re.compile(r"https://[^\s/?#]+(/[^\s?#]*)?")
_THUMBPRINT = re.compile(r"[0-9A-Fa-f]{40}")
_MAX_CLIENT_IDS = 100


def provider_id(url_or_issuer: str) -> str:
    """The host/path naming a provider in its ARN and condition keys (scheme removed)."""
    return url_or_issuer[8:] if url_or_issuer.startswith("https://") else url_or_issuer


def _check_client_ids(client_ids: object) -> list[str]:
    if isinstance(client_ids, str) or not isinstance(client_ids, Iterable):
        raise StsMockError(
            "client_ids must be a list of audience strings, e.g. ['sts.amazonaws.com']."
        )
    ids = list(client_ids)
    if not ids or len(ids) > _MAX_CLIENT_IDS:
        raise StsMockError(f"client_ids must hold 1 to {_MAX_CLIENT_IDS} audiences, as IAM allows.")
    for item in ids:
        if not isinstance(item, str) or not 1 <= len(item) <= 255:
            raise StsMockError(f"client id {item!r} must be a string of 1 to 255 characters.")
    return ids


def _check_thumbprints(thumbprints: object) -> list[str]:
    if thumbprints is None:
        return []
    if isinstance(thumbprints, str) or not isinstance(thumbprints, Iterable):
        raise StsMockError("thumbprints must be a list of 40-hex-digit SHA-1 fingerprints.")
    items = list(thumbprints)
    if len(items) > 5 or not all(isinstance(t, str) and _THUMBPRINT.fullmatch(t) for t in items):
        raise StsMockError(
            "thumbprints must be at most 5 SHA-1 fingerprints of 40 hex digits, as IAM allows."
        )
    return [t.lower() for t in items]


class OIDCProvider:
    """An IAM OIDC provider with the signing keys of the IdP behind it."""

    def __init__(
        self,
        account: Account,
        url: str,
        *,
        client_ids: Iterable[str],
        thumbprints: Iterable[str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(url, str) or not _URL.fullmatch(url):
            raise StsMockError(
                f"OIDC provider url {url!r} must be an https:// URL such as "
                "'https://token.actions.githubusercontent.com'."
            )
        self.account = account
        self.url = url
        self.id = provider_id(url)
        self.arn = f"arn:aws:iam::{account.id}:oidc-provider/{self.id}"
        self.client_ids = _check_client_ids(client_ids)
        self.thumbprints = _check_thumbprints(thumbprints)
        self.tags = dict(tags or {})
        self.create_date = account.backend.now()
        self.keys: list[SigningKey] = [draw_rsa_key(account.backend) for _ in range(2)]
        #: (the keys it was made from, {kid: (kind, public key)}): see rsa_public_key.
        self._by_kid: tuple[list[SigningKey], dict[str, tuple[str, Any]]] | None = None

    def __repr__(self) -> str:
        return f"OIDCProvider({self.arn!r})"

    @functools.cached_property
    def principal(self) -> PrincipalInfo:
        """The federated caller as the policy engine sees it (made once per provider)."""
        return PrincipalInfo(
            arn=self.arn, account_id="", type="WebIdentity", federated_provider=self.arn
        )

    @functools.cached_property
    def condition_key_names(self) -> tuple[str, str, str, str, str]:
        """``<id>:aud``, ``:sub``, ``:azp``, ``:amr``, ``:oaud`` (the id never changes),
        lower-cased as the policy engine looks keys up."""
        prefix = self.id.lower()
        return (
            f"{prefix}:aud",
            f"{prefix}:sub",
            f"{prefix}:azp",
            f"{prefix}:amr",
            f"{prefix}:oaud",
        )

    @property
    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The provider's public keys as the JSON Web Key Set its jwks_uri would serve."""
        return {"keys": [key.jwk for key in self.keys]}

    @property
    def kids(self) -> list[str]:
        """The ``kid`` of each current key; the first one signs by default."""
        return [key.kid for key in self.keys]

    def key(self, kid: str) -> SigningKey | None:
        """The current key with this ``kid``, or None."""
        for key in self.keys:
            if key.kid == kid:
                return key
        return None

    def rsa_public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        """The public key of the current key :meth:`key` finds for ``kid``, when it is an
        RSA key; else None.

        A parsed-key cache (never a verdict): the table is remade whenever
        ``keys`` no longer equals the list it was made from (compared key by key,
        identical objects matching at once, so :meth:`rotate_keys` and any change
        to the list are seen).
        """
        keys = self.keys
        cached = self._by_kid
        if cached is None or cached[0] != keys:
            table: dict[str, tuple[str, Any]] = {}
            for key in keys:
                table.setdefault(key.kid, (key.kind, key.public_key))  # the first one wins
            cached = self._by_kid = (list(keys), table)
        found = cached[1].get(kid)
        return found[1] if found is not None and found[0] == "RSA" else None

    def rotate_keys(self) -> None:
        """Retire the first key (tokens it signed stop verifying) and publish a new one."""
        self.keys = [*self.keys[1:], draw_rsa_key(self.account.backend)]

    def token(
        self,
        *,
        sub: str,
        aud: str | Sequence[str] | None = None,
        expires_in: int = 3600,
        claims: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        transitive_tag_keys: Sequence[str] | None = None,
        kid: str | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """An RS256 ID token this provider signed (``claims`` override anything, last)."""
        if kid is not None and self.key(kid) is None:
            raise StsMockError(f"kid {kid!r} is not one of this provider's keys {self.kids}.")
        key = self.key(kid) if kid is not None else self.keys[0]
        assert key is not None
        now = int(clock.now().timestamp())
        payload: dict[str, Any] = {
            "iss": self.url,
            "sub": sub,
            "aud": self.client_ids[0] if aud is None else aud,
            "iat": now,
            "nbf": now,
            "exp": now + int(expires_in),
            "jti": ids.request_id(self.account.backend.rng),
        }
        if tags is not None or transitive_tag_keys is not None:
            payload[TAGS_CLAIM] = {
                "principal_tags": {k: [v] for k, v in (tags or {}).items()},
                **(
                    {"transitive_tag_keys": list(transitive_tag_keys)}
                    if transitive_tag_keys is not None
                    else {}
                ),
            }
        payload.update(claims or {})
        header = {"kid": key.kid, **(headers or {})}
        return jwt.encode(payload, key.private_key, algorithm="RS256", headers=header)
