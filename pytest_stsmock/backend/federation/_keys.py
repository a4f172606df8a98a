"""Signing keys for the identity providers the backend plays: RSA keys, their JWKs, certificates.

Design decisions:

* **A process-wide pool of RSA keys, handed out per backend.**  Generating a
  2048-bit RSA key costs tens of milliseconds; a test suite creates providers
  by the hundred.  Keys are drawn from a pool that grows on demand, and each
  backend takes the next unused key of the pool for every new provider, so
  within one backend no two providers (nor two keys of one provider) share a
  key, while a fresh backend reuses the keys made for earlier ones.  A seeded
  backend gets the same keys run to run only within one process (RSA key
  generation cannot be seeded); identifiers stay reproducible.
* **Everything derived from a key is computed once** (the public JWK, the
  ``kid``, the self-signed certificate and its PEM): verifying a token or an
  assertion reads these cached objects, never a cached verdict.
* The ``kid`` is the RFC 7638 thumbprint of the public JWK, as many IdPs do.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import hashlib
import json
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

__all__ = ["SigningKey", "draw_ec_key", "draw_rsa_key", "self_signed_certificate"]

_POOL: list[rsa.RSAPrivateKey] = []
_EC_POOL: list[ec.EllipticCurvePrivateKey] = []
_LOCK = threading.Lock()
_USED: weakref.WeakKeyDictionary[object, list[int]] = weakref.WeakKeyDictionary()


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True, eq=False)
class SigningKey:
    """One private key and what the public side of it looks like."""

    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def public_key(self) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
        found = self._cache.get("public")
        if found is None:
            found = self._cache["public"] = self.private_key.public_key()
        return found  # type: ignore[no-any-return, unused-ignore]

    @property
    def jwk(self) -> dict[str, str]:
        """The public key as a JWK (with ``kid``, ``use`` and ``alg``); a fresh copy each time."""
        found = self._cache.get("jwk")
        if found is None:
            found = self._cache["jwk"] = self._make_jwk()
        return dict(found)

    @property
    def kid(self) -> str:
        found = self._cache.get("jwk")
        if found is None:
            found = self._cache["jwk"] = self._make_jwk()
        return str(found["kid"])

    @property
    def kind(self) -> str:
        """``"RSA"``, or the curve's name (``"secp384r1"``) for an EC key."""
        found = self._cache.get("kind")
        if found is None:
            public = self.public_key
            found = self._cache["kind"] = (
                "RSA" if isinstance(public, rsa.RSAPublicKey) else public.curve.name
            )
        return str(found)

    @property
    def algorithm(self) -> str:
        return "RS256" if isinstance(self.private_key, rsa.RSAPrivateKey) else "ES384"

    def _make_jwk(self) -> dict[str, str]:
        public = self.public_key
        if isinstance(public, rsa.RSAPublicKey):
            numbers = public.public_numbers()
            core = {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}
        else:
            point = public.public_numbers()
            size = (public.curve.key_size + 7) // 8
            core = {
                "crv": "P-384",
                "kty": "EC",
                "x": base64.urlsafe_b64encode(point.x.to_bytes(size, "big")).rstrip(b"=").decode(),
                "y": base64.urlsafe_b64encode(point.y.to_bytes(size, "big")).rstrip(b"=").decode(),
            }
        canonical = json.dumps(core, separators=(",", ":"), sort_keys=True).encode()
        kid = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
        return {**core, "kid": kid, "use": "sig", "alg": self.algorithm}


def _draw(owner: object, slot: int, pool: list[Any], make: Any) -> Any:
    with _LOCK:
        used = _USED.setdefault(owner, [0, 0])
        index = used[slot]
        used[slot] += 1
        while len(pool) <= index:
            pool.append(make())
        return pool[index]


def draw_rsa_key(owner: object) -> SigningKey:
    """The next RSA key no other provider of ``owner`` (a backend) holds."""
    private = _draw(
        owner, 0, _POOL, lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    return _wrapped(private)


def draw_ec_key(owner: object) -> SigningKey:
    """The next P-384 key (for ES384) no other holder of ``owner`` has."""
    private = _draw(owner, 1, _EC_POOL, lambda: ec.generate_private_key(ec.SECP384R1()))
    return _wrapped(private)


@functools.cache
def _wrapped(private: Any) -> SigningKey:
    """One SigningKey per pooled private key, so derived values are computed once."""
    return SigningKey(private)


@functools.lru_cache(maxsize=256)
def _certificate(key: SigningKey, common_name: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    private = key.private_key
    assert isinstance(private, rsa.RSAPrivateKey)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(common_name.encode()).digest()[:8], "big"))
        # Valid for a century around now, so freezegun and time-machine never expire it.
        .not_valid_before(_dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc))
        .not_valid_after(_dt.datetime(2100, 1, 1, tzinfo=_dt.timezone.utc))
        .sign(private, hashes.SHA256())
    )


def self_signed_certificate(key: SigningKey, common_name: str) -> x509.Certificate:
    """A self-signed X.509 certificate for ``key`` (made once per key and name)."""
    return _certificate(key, common_name)
