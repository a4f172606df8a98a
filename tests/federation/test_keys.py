"""Provider keys: distinct within a backend, reused across backends, derived values cached."""

from __future__ import annotations

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.federation import _keys


def test_no_two_providers_of_a_backend_share_a_key() -> None:
    backend = STSBackend()
    acct = backend.default_account
    oidc = [
        acct.create_oidc_provider(f"https://idp{i}.example.com", client_ids=["a"]) for i in range(3)
    ]
    saml = [acct.create_saml_provider(f"idp{i}") for i in range(2)]
    kids = [k for p in oidc for k in p.kids] + [p.key.kid for p in saml if p.key is not None]
    assert len(kids) == len(set(kids)) == 8


def test_a_fresh_backend_reuses_the_pool() -> None:
    first = STSBackend().default_account.create_oidc_provider(
        "https://a.example.com", client_ids=["a"]
    )
    second = STSBackend().default_account.create_oidc_provider(
        "https://a.example.com", client_ids=["a"]
    )
    assert first.kids == second.kids


class _Owner:
    """Something keys can be drawn for (the pool remembers owners weakly)."""


def test_jwk_is_a_fresh_copy_and_kid_is_the_thumbprint() -> None:
    key = _keys.draw_rsa_key(_Owner())
    jwk = key.jwk
    jwk["kid"] = "changed"
    assert key.jwk["kid"] != "changed"
    assert set(key.jwk) == {"e", "kty", "n", "kid", "use", "alg"}
    ec = _keys.draw_ec_key(_Owner())
    assert ec.jwk["crv"] == "P-384" and ec.algorithm == "ES384"
