"""Forged web identity tokens: each one is an attack, refused with AWS's code, nothing issued."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_stsmock import STSBackend, mock_sts
from tests.federation.federation_helpers import (
    GITHUB,
    GITHUB_SUB,
    error_of,
    needs_outbound,
    unsigned_sts,
    web_identity_trust,
)

KEY_MESSAGE = (
    "Couldn't retrieve verification key from your identity provider,  "
    "please reference AssumeRoleWithWebIdentity documentation for requirements"
)
NOT_JWT = (
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(token: str) -> list[str]:
    return token.split(".")


def with_payload(token: str, change: Callable[[dict[str, Any]], None]) -> str:
    head, body, sig = segments(token)
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    change(claims)
    return ".".join([head, b64(json.dumps(claims).encode()), sig])


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return ".".join(
        [b64(json.dumps(header).encode()), b64(json.dumps(claims).encode()), b64(signature)]
    )


def good_claims(provider: Any) -> dict[str, Any]:
    token = provider.token(sub=GITHUB_SUB)
    return jwt.decode(token, options={"verify_signature": False})


def hs256_with_public_key(provider: Any) -> str:
    """Key confusion: HS256 keyed with the provider's public key (PEM), as a naive verifier would."""
    public = provider.keys[0].public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": provider.kids[0]}
    signing_input = (
        b64(json.dumps(header).encode()) + "." + b64(json.dumps(good_claims(provider)).encode())
    )
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def foreign_key(provider: Any) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(
        good_claims(provider), key, algorithm="RS256", headers={"kid": provider.kids[0]}
    )


def _tamper_header(token: str) -> str:
    head, body, sig = segments(token)
    header = json.loads(base64.urlsafe_b64decode(head + "=="))
    header["typ"] = "at+jwt"
    return ".".join([b64(json.dumps(header).encode()), body, sig])


CASES: dict[str, tuple[Callable[[Any], str], str, str | None, int]] = {
    "alg none": (
        lambda p: unsigned({"alg": "none", "typ": "JWT"}, good_claims(p)),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "alg none with kid": (
        lambda p: unsigned({"alg": "none", "kid": p.kids[0]}, good_claims(p)),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "HS256 keyed with the public key": (
        hs256_with_public_key,
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "a foreign key": (foreign_key, "InvalidIdentityToken", KEY_MESSAGE, 400),
    "an ES256 header on an RSA-keyed provider": (
        lambda p: ".".join(
            [
                b64(json.dumps({"alg": "ES256", "kid": p.kids[0]}).encode()),
                *segments(p.token(sub=GITHUB_SUB))[1:],
            ]
        ),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "a kid that is not a string": (
        lambda p: ".".join(
            [
                b64(json.dumps({"alg": "RS256", "kid": 7}).encode()),
                *segments(p.token(sub=GITHUB_SUB))[1:],
            ]
        ),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "a malformed tags claim": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"https://aws.amazon.com/tags": ["x"]}),
        "InvalidIdentityToken",
        None,
        400,
    ),
    "an exp that is not a number": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"exp": "tomorrow"}),
        "InvalidIdentityToken",
        "Missing a required claim: exp",
        400,
    ),
    "an unknown kid": (
        lambda p: p.token(sub=GITHUB_SUB, headers={"kid": "not-a-key"}),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "a tampered payload": (
        lambda p: with_payload(
            p.token(sub="repo:evil/x:ref:refs/heads/main"), lambda c: c.update(sub=GITHUB_SUB)
        ),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "a tampered header": (
        lambda p: _tamper_header(p.token(sub=GITHUB_SUB)),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "a stripped signature": (
        lambda p: ".".join([*segments(p.token(sub=GITHUB_SUB))[:2], ""]),
        "InvalidIdentityToken",
        KEY_MESSAGE,
        400,
    ),
    "wrong aud": (
        lambda p: p.token(sub=GITHUB_SUB, aud="https://evil.example.com"),
        "InvalidIdentityToken",
        "Incorrect token audience",
        400,
    ),
    "no aud": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"aud": None}),
        "InvalidIdentityToken",
        "Missing a required claim: aud",
        400,
    ),
    "unregistered iss": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"iss": "https://gitlab.com"}),
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for https://gitlab.com",
        400,
    ),
    "iss with a trailing slash": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"iss": GITHUB + "/"}),
        "InvalidIdentityToken",
        f"No OpenIDConnect provider found in your account for {GITHUB}/",
        400,
    ),
    "missing sub": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"sub": None}),
        "InvalidIdentityToken",
        "Missing a required claim: sub",
        400,
    ),
    "not yet valid": (
        lambda p: p.token(sub=GITHUB_SUB, claims={"nbf": 4102444800}),
        "InvalidIdentityToken",
        None,
        400,
    ),
    "not a JWT": (lambda p: "this is not a token", "InvalidIdentityToken", NOT_JWT, 400),
    "garbage base64": (lambda p: "e30.*&^%$.abc", "InvalidIdentityToken", NOT_JWT, 400),
    "claims that are not an object": (
        lambda p: unsigned({"alg": "RS256"}, ["sub", "aud"]),  # type: ignore[arg-type]
        "InvalidIdentityToken",
        NOT_JWT,
        400,
    ),
    "a header that is not an object": (
        lambda p: ".".join([b64(b'"RS256"'), segments(p.token(sub=GITHUB_SUB))[1], "x"]),
        "InvalidIdentityToken",
        NOT_JWT,
        400,
    ),
    "an oversize token": (lambda p: p.token(sub="x" * 20000), "ValidationError", None, 400),
}


@pytest.fixture
def target(sts_backend: STSBackend) -> tuple[Any, Any]:
    provider = sts_backend.default_account.create_oidc_provider(
        GITHUB, client_ids=["sts.amazonaws.com"]
    )
    role = sts_backend.default_account.create_role(
        "ci", trust_policy=web_identity_trust(provider.arn)
    )
    return provider, role


@pytest.mark.parametrize("case", sorted(CASES))
def test_forged_token_is_refused(
    sts_backend: STSBackend, target: tuple[Any, Any], case: str
) -> None:
    provider, role = target
    build, code, message, status = CASES[case]
    token = build(provider)
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_web_identity(
            RoleArn=role.arn, RoleSessionName="attack", WebIdentityToken=token
        )
    got_code, got_message, got_status = error_of(exc)
    assert (got_code, got_status) == (code, status)
    if message is not None:
        assert got_message == message
    assert sts_backend.sessions == []
    call = sts_backend.calls[-1]
    assert call.error_code == code
    if code != "ValidationError":
        assert call.explanation, "every refusal says why"


def test_expired_token_reports_both_times(sts_backend: STSBackend, target: tuple[Any, Any]) -> None:
    provider, role = target
    token = provider.token(sub=GITHUB_SUB, expires_in=-5)
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_web_identity(
            RoleArn=role.arn, RoleSessionName="attack", WebIdentityToken=token
        )
    code, message, status = error_of(exc)
    assert (code, status) == ("ExpiredTokenException", 400)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert message.startswith("Token expired: current date/time ")
    assert message.endswith(f" must be before the expiration date/time {exp}")
    assert sts_backend.sessions == []


def test_a_token_of_another_provider_in_the_account(
    sts_backend: STSBackend, target: tuple[Any, Any]
) -> None:
    _, role = target
    other = sts_backend.default_account.create_oidc_provider(
        "https://other.example.com", client_ids=["sts.amazonaws.com"]
    )
    # Signed by the other provider's key but claiming to come from GitHub.
    token = other.token(sub=GITHUB_SUB, claims={"iss": GITHUB})
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_web_identity(
            RoleArn=role.arn, RoleSessionName="attack", WebIdentityToken=token
        )
    assert error_of(exc)[1] == KEY_MESSAGE


@needs_outbound
def test_an_outbound_aws_token_is_rejected_as_a_claim(
    sts_backend: STSBackend, target: tuple[Any, Any]
) -> None:
    _, role = target
    sts_backend.default_account.enable_outbound_web_identity_federation()
    from tests.helpers.clients import sts as signed_sts

    token = signed_sts("eu-west-1").get_web_identity_token(
        Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
    )["WebIdentityToken"]
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_web_identity(
            RoleArn=role.arn, RoleSessionName="attack", WebIdentityToken=token
        )
    assert error_of(exc)[0] == "IDPRejectedClaim" and error_of(exc)[2] == 403


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    token=st.one_of(
        st.text(min_size=4, max_size=300),
        st.lists(st.text(alphabet="ABCabc012-_=.", max_size=40), min_size=1, max_size=5)
        .map(".".join)
        .filter(lambda t: len(t) >= 4),
        st.builds(
            lambda h, c: unsigned(h, c),
            st.dictionaries(
                st.sampled_from(["alg", "kid", "typ", "crit"]),
                st.one_of(st.text(max_size=8), st.integers(), st.none()),
            ),
            st.dictionaries(
                st.sampled_from(
                    ["iss", "aud", "sub", "exp", "nbf", "iat", "https://aws.amazon.com/tags"]
                ),
                st.one_of(
                    st.text(max_size=8),
                    st.integers(),
                    st.lists(st.integers(), max_size=2),
                    st.none(),
                ),
            ),
        ),
    )
)
def test_no_input_escapes_as_anything_but_an_aws_error(token: str) -> None:
    with mock_sts() as backend:
        provider = backend.default_account.create_oidc_provider(
            GITHUB, client_ids=["sts.amazonaws.com"]
        )
        role = backend.default_account.create_role(
            "ci", trust_policy=web_identity_trust(provider.arn)
        )
        with pytest.raises(ClientError) as exc:
            unsigned_sts().assume_role_with_web_identity(
                RoleArn=role.arn, RoleSessionName="fuzz", WebIdentityToken=token
            )
        code, message, status = error_of(exc)
        assert code in {
            "InvalidIdentityToken",
            "ValidationError",
            "ExpiredTokenException",
            "IDPRejectedClaim",
            "AccessDenied",
        }
        assert message and status in (400, 403)
        assert backend.sessions == []
