"""GetWebIdentityToken: tokens AWS signs for outside services, verified with outbound_jwks."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, StsMockError
from tests.federation.federation_helpers import error_of, needs_outbound
from tests.helpers.clients import client_for, sts

pytestmark = needs_outbound

ALLOW_TOKENS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["sts:GetWebIdentityToken", "sts:AssumeRole"],
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {
                    "sts:IdentityTokenAudience": ["https://api.example.com"]
                }
            },
        }
    ],
}


def verify(backend: STSBackend, token: str, audience: str, algorithm: str) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in backend.default_account.outbound_jwks["keys"] if k["kid"] == kid)
    claims: dict[str, Any] = jwt.decode(
        token, jwt.PyJWK(jwk).key, algorithms=[algorithm], audience=audience
    )
    return claims


@pytest.fixture
def issuer(sts_backend: STSBackend) -> str:
    return sts_backend.default_account.enable_outbound_web_identity_federation()


@pytest.mark.parametrize("algorithm", ["RS256", "ES384"])
def test_token_verifies_with_the_outbound_jwks(
    sts_backend: STSBackend, issuer: str, algorithm: str
) -> None:
    assert issuer.startswith("https://") and issuer.endswith(".tokens.sts.global.api.aws")
    response = sts("eu-west-1").get_web_identity_token(
        Audience=["https://api.example.com"],
        SigningAlgorithm=algorithm,
        Tags=[{"Key": "team", "Value": "blue"}],
        Scope="read write",
    )
    claims = verify(sts_backend, response["WebIdentityToken"], "https://api.example.com", algorithm)
    assert claims["iss"] == issuer
    assert claims["sub"] == sts_backend.default_user.arn
    assert claims["exp"] - claims["iat"] == 300  # AWS's default
    assert claims["scope"] == "read write"
    context = claims["https://sts.amazonaws.com/"]
    assert context["aws_account"] == "123456789012"
    assert context["source_region"] == "eu-west-1"
    assert context["request_tags"] == {"team": "blue"}
    assert int(response["Expiration"].timestamp()) == claims["exp"]


def test_a_role_session_token_names_the_role_and_may_not_outlive_the_session(
    sts_backend: STSBackend, issuer: str
) -> None:
    role = sts_backend.default_account.create_role(
        "app",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "123456789012"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        policies=[ALLOW_TOKENS],
        tags={"env": "prod"},
    )
    creds = sts().assume_role(RoleArn=role.arn, RoleSessionName="s1", DurationSeconds=900)[
        "Credentials"
    ]
    session = client_for(creds)
    token = session.get_web_identity_token(
        Audience=["https://api.example.com"], SigningAlgorithm="RS256", DurationSeconds=600
    )["WebIdentityToken"]
    claims = verify(sts_backend, token, "https://api.example.com", "RS256")
    assert claims["sub"] == role.arn
    assert claims["https://sts.amazonaws.com/"]["principal_tags"] == {"env": "prod"}
    with pytest.raises(ClientError) as exc:
        session.get_web_identity_token(
            Audience=["https://api.example.com"], SigningAlgorithm="RS256", DurationSeconds=3600
        )
    assert error_of(exc)[0::2] == ("SessionDurationEscalationException", 403)
    with pytest.raises(ClientError) as exc:
        session.get_web_identity_token(
            Audience=["https://other.example.com"], SigningAlgorithm="RS256"
        )
    assert error_of(exc)[0] == "AccessDenied"
    assert "sts:IdentityTokenAudience" in (sts_backend.calls[-1].explanation or "")


def test_disabled_global_endpoint_and_oversize(sts_backend: STSBackend) -> None:
    with pytest.raises(ClientError) as exc:
        sts().get_web_identity_token(Audience=["a"], SigningAlgorithm="RS256")
    assert error_of(exc)[0::2] == ("OutboundWebIdentityFederationDisabledException", 403)
    with pytest.raises(StsMockError, match="enable_outbound_web_identity_federation"):
        sts_backend.default_account.outbound_jwks  # noqa: B018
    sts_backend.default_account.enable_outbound_web_identity_federation()
    with pytest.raises(ClientError) as exc:
        sts(endpoint_url="https://sts.amazonaws.com").get_web_identity_token(
            Audience=["a"], SigningAlgorithm="RS256"
        )
    assert error_of(exc)[0] == "ValidationError"
    tags = [{"Key": f"k{i}-" + "x" * 120, "Value": "v" * 256} for i in range(50)]
    with pytest.raises(ClientError) as exc:
        sts().get_web_identity_token(Audience=["a"], SigningAlgorithm="ES384", Tags=tags)
    assert error_of(exc)[0::2] == ("JWTPayloadSizeExceededException", 400)
    with pytest.raises(ClientError) as exc:
        sts().get_web_identity_token(
            Audience=["a"], SigningAlgorithm="RS256", SubjectMode="OriginIdentity"
        )
    assert error_of(exc)[0] == "ValidationError"


def test_tags_need_their_own_permission(sts_backend: STSBackend, issuer: str) -> None:
    user = sts_backend.default_account.create_user("dev", policies=[ALLOW_TOKENS])
    client = sts(**user.create_access_key().client_kwargs)
    client.get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="RS256")
    with pytest.raises(ClientError) as exc:
        client.get_web_identity_token(
            Audience=["https://api.example.com"],
            SigningAlgorithm="RS256",
            Tags=[{"Key": "a", "Value": "b"}],
        )
    assert error_of(exc)[0] == "AccessDenied"
    assert "sts:TagGetWebIdentityToken" in error_of(exc)[1]
