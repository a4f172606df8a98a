"""AssumeRoleWithWebIdentity with real OIDC tokens: trust, claims, tags, identity, chaining."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, StsMockError
from tests.federation.federation_helpers import (
    GITHUB,
    GITHUB_SUB,
    error_of,
    unsigned_sts,
    web_identity_trust,
)
from tests.helpers.clients import client_for

GH = "token.actions.githubusercontent.com"


@pytest.fixture
def github(sts_backend: STSBackend) -> Any:
    return sts_backend.default_account.create_oidc_provider(
        GITHUB, client_ids=["sts.amazonaws.com"]
    )


@pytest.fixture
def ci_role(sts_backend: STSBackend, github: Any) -> Any:
    trust = web_identity_trust(
        github.arn,
        StringEquals={f"{GH}:aud": "sts.amazonaws.com"},
        StringLike={f"{GH}:sub": "repo:octo-org/app:ref:refs/heads/main"},
    )
    return sts_backend.default_account.create_role("ci", trust_policy=trust)


def assume(role: Any, token: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = unsigned_sts().assume_role_with_web_identity(
        RoleArn=role.arn, RoleSessionName="ci-run", WebIdentityToken=token, **kwargs
    )
    return response


def test_provider_arn_url_and_jwks_with_two_keys(github: Any) -> None:
    assert github.arn == f"arn:aws:iam::123456789012:oidc-provider/{GH}"
    assert github.url == GITHUB
    keys = github.jwks["keys"]
    assert len(keys) == 2 and len({k["kid"] for k in keys}) == 2
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" for k in keys)


def test_token_verifies_with_the_published_jwks(github: Any) -> None:
    token = github.token(sub=GITHUB_SUB)
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in github.jwks["keys"] if k["kid"] == kid)
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience="sts.amazonaws.com")
    assert claims["iss"] == GITHUB and claims["sub"] == GITHUB_SUB


def test_github_actions_token_for_main_is_allowed(ci_role: Any, github: Any) -> None:
    response = assume(ci_role, github.token(sub=GITHUB_SUB))
    assert response["SubjectFromWebIdentityToken"] == GITHUB_SUB
    assert response["Provider"] == github.arn
    assert response["Audience"] == "sts.amazonaws.com"
    assert response["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/ci/ci-run"
    assert response["AssumedRoleUser"]["AssumedRoleId"] == f"{ci_role.unique_id}:ci-run"
    assert "PackedPolicySize" not in response and "SourceIdentity" not in response
    who = client_for(response["Credentials"]).get_caller_identity()
    assert who["Arn"] == "arn:aws:sts::123456789012:assumed-role/ci/ci-run"
    assert who["UserId"] == f"{ci_role.unique_id}:ci-run"


def test_other_branch_is_denied_with_the_condition_explained(
    sts_backend: STSBackend, ci_role: Any, github: Any
) -> None:
    with pytest.raises(ClientError) as exc:
        assume(ci_role, github.token(sub="repo:octo-org/app:ref:refs/heads/feature"))
    assert error_of(exc) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        403,
    )
    explanation = sts_backend.calls[-1].explanation
    assert explanation is not None
    assert f"condition StringLike {GH}:sub" in explanation
    assert "refs/heads/feature" in explanation
    assert sts_backend.sessions == []


def test_wrong_aud_condition_denies_even_if_client_id_registered(
    sts_backend: STSBackend, github: Any
) -> None:
    provider = sts_backend.default_account.create_oidc_provider(
        "https://gitlab.example.com", client_ids=["a", "b"]
    )
    role = sts_backend.default_account.create_role(
        "gl",
        trust_policy=web_identity_trust(provider.arn, StringEquals={"gitlab.example.com:aud": "a"}),
    )
    assert assume(role, provider.token(sub="x", aud="a"))["Audience"] == "a"
    with pytest.raises(ClientError) as exc:
        assume(role, provider.token(sub="x", aud="b"))
    assert error_of(exc)[0] == "AccessDenied"


def test_another_providers_principal_does_not_match(sts_backend: STSBackend, github: Any) -> None:
    other = sts_backend.default_account.create_oidc_provider(
        "https://idp.example.com/tenant/", client_ids=["app"]
    )
    assert other.arn.endswith(":oidc-provider/idp.example.com/tenant/")
    role = sts_backend.default_account.create_role("r", trust_policy=web_identity_trust(github.arn))
    with pytest.raises(ClientError) as exc:
        assume(role, other.token(sub="someone"))
    assert error_of(exc)[0] == "AccessDenied"
    assert (
        "Federated" in (sts_backend.calls[-1].explanation or "")
        or sts_backend.calls[-1].explanation
    )


def test_amr_and_azp_condition_keys(sts_backend: STSBackend) -> None:
    provider = sts_backend.default_account.create_oidc_provider(
        "https://cognito.example.com", client_ids=["pool"]
    )
    role = sts_backend.default_account.create_role(
        "c",
        trust_policy=web_identity_trust(
            provider.arn,
            **{
                "ForAnyValue:StringLike": {"cognito.example.com:amr": "authenticated"},
                "StringEquals": {"cognito.example.com:azp": "web-client"},
            },
        ),
    )
    assume(
        role, provider.token(sub="u", claims={"amr": ["authenticated", "pwd"], "azp": "web-client"})
    )
    with pytest.raises(ClientError):
        assume(
            role, provider.token(sub="u", claims={"amr": ["unauthenticated"], "azp": "web-client"})
        )


def test_key_rotation_by_kid(sts_backend: STSBackend, ci_role: Any, github: Any) -> None:
    first, second = github.kids
    by_second = github.token(sub=GITHUB_SUB, kid=second)
    by_first = github.token(sub=GITHUB_SUB, kid=first)
    assume(ci_role, by_second)
    github.rotate_keys()
    assert github.kids[0] == second and first not in github.kids
    assume(ci_role, by_second)
    with pytest.raises(ClientError) as exc:
        assume(ci_role, by_first)
    assert error_of(exc)[0:2] == (
        "InvalidIdentityToken",
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    )
    with pytest.raises(StsMockError):
        github.token(sub=GITHUB_SUB, kid=first)


def test_session_tags_from_the_tags_claim_need_tag_session(
    sts_backend: STSBackend, github: Any
) -> None:
    trust = web_identity_trust(github.arn)
    role = sts_backend.default_account.create_role("tagged", trust_policy=trust)
    token = github.token(
        sub=GITHUB_SUB, tags={"team": "blue", "env": "prod"}, transitive_tag_keys=["team"]
    )
    response = assume(role, token)
    assert isinstance(response["PackedPolicySize"], int)
    session = sts_backend.session(response["Credentials"]["AccessKeyId"])
    assert session is not None
    assert session.tags == {"team": "blue", "env": "prod"}
    assert session.transitive_tag_keys == ["team"]
    # Without sts:TagSession the same token is refused.
    trust["Statement"][0]["Action"] = "sts:AssumeRoleWithWebIdentity"
    role.update_trust_policy(trust)
    with pytest.raises(ClientError) as exc:
        assume(role, token)
    assert error_of(exc)[0] == "AccessDenied"
    assert "sts:TagSession" in (sts_backend.calls[-1].explanation or "")


def test_chaining_from_a_web_identity_session_carries_transitive_tags(
    sts_backend: STSBackend, github: Any
) -> None:
    acct = sts_backend.default_account
    first = acct.create_role(
        "first",
        trust_policy=web_identity_trust(github.arn),
        policies=[
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
            }
        ],
    )
    second = acct.create_role(
        "second",
        max_session_duration=7200,
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": first.arn},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
                }
            ],
        },
    )
    token = github.token(sub=GITHUB_SUB, tags={"team": "blue"}, transitive_tag_keys=["team"])
    creds = assume(first, token)["Credentials"]
    hop = client_for(creds).assume_role(RoleArn=second.arn, RoleSessionName="hop")
    session = sts_backend.session(hop["Credentials"]["AccessKeyId"])
    assert session is not None and session.chained and session.tags == {"team": "blue"}
    assert (
        client_for(hop["Credentials"])
        .get_caller_identity()["Arn"]
        .endswith(":assumed-role/second/hop")
    )
    with pytest.raises(ClientError) as exc:
        client_for(creds).assume_role(
            RoleArn=second.arn, RoleSessionName="hop", DurationSeconds=7200
        )
    assert "role chaining" in error_of(exc)[1]


def test_source_identity_claim_needs_set_source_identity(
    sts_backend: STSBackend, github: Any
) -> None:
    trust = web_identity_trust(github.arn)
    role = sts_backend.default_account.create_role("src", trust_policy=trust)
    token = github.token(sub=GITHUB_SUB, claims={"https://aws.amazon.com/source_identity": "alice"})
    with pytest.raises(ClientError):
        assume(role, token)
    assert "sts:SetSourceIdentity" in (sts_backend.calls[-1].explanation or "")
    trust["Statement"][0]["Action"].append("sts:SetSourceIdentity")
    role.update_trust_policy(trust)
    response = assume(role, token)
    assert response["SourceIdentity"] == "alice"
    who = client_for(response["Credentials"])
    assert who.get_caller_identity()["Arn"].endswith("/src/ci-run")


def test_duration_and_session_policy(sts_backend: STSBackend, github: Any) -> None:
    role = sts_backend.default_account.create_role(
        "long", trust_policy=web_identity_trust(github.arn), max_session_duration=7200
    )
    token = github.token(sub=GITHUB_SUB)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                }
            ],
        }
    )
    response = assume(role, token, DurationSeconds=7200, Policy=policy)
    assert response["PackedPolicySize"] == 16
    session = sts_backend.session(response["Credentials"]["AccessKeyId"])
    assert session is not None
    assert (session.expiration - session.issued_at).total_seconds() == 7200
    assert session.policy == policy
    with pytest.raises(ClientError) as exc:
        assume(role, token, DurationSeconds=7201)
    assert error_of(exc) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
    )


def test_missing_role_is_access_denied(sts_backend: STSBackend, github: Any) -> None:
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_web_identity(
            RoleArn="arn:aws:iam::123456789012:role/nope",
            RoleSessionName="ss",
            WebIdentityToken=github.token(sub=GITHUB_SUB),
        )
    assert error_of(exc)[0] == "AccessDenied"
    assert "does not exist" in (sts_backend.calls[-1].explanation or "")


def test_provider_seeding_is_checked(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    with pytest.raises(StsMockError, match="https://"):
        acct.create_oidc_provider("http://insecure.example.com", client_ids=["a"])
    with pytest.raises(StsMockError, match="client_ids"):
        acct.create_oidc_provider("https://a.example.com", client_ids="a")
    with pytest.raises(StsMockError, match="thumbprints"):
        acct.create_oidc_provider("https://a.example.com", client_ids=["a"], thumbprints=["zz"])
    acct.create_oidc_provider("https://a.example.com", client_ids=["a"])
    with pytest.raises(StsMockError, match="already exists"):
        acct.create_oidc_provider("https://a.example.com", client_ids=["a"])


def test_google_maps_aud_to_azp_and_keeps_oaud(sts_backend: STSBackend) -> None:
    google = sts_backend.default_account.create_oidc_provider(
        "https://accounts.google.com", client_ids=["web-client.apps.googleusercontent.com"]
    )
    role = sts_backend.default_account.create_role(
        "g",
        trust_policy=web_identity_trust(
            google.arn,
            StringEquals={
                "accounts.google.com:aud": "web-client.apps.googleusercontent.com",
                "accounts.google.com:oaud": "backend-audience",
            },
        ),
    )
    token = google.token(
        sub="1234567890",
        aud="backend-audience",
        claims={"azp": "web-client.apps.googleusercontent.com"},
    )
    response = assume(role, token)
    assert response["SubjectFromWebIdentityToken"] == "1234567890"
    with pytest.raises(ClientError) as exc:
        assume(role, google.token(sub="1", aud="backend-audience"))
    assert error_of(exc)[1] == "Incorrect token audience"


def test_a_token_without_kid_is_tried_against_every_key(ci_role: Any, github: Any) -> None:
    claims = jwt.decode(github.token(sub=GITHUB_SUB), options={"verify_signature": False})
    token = jwt.encode(claims, github.keys[1].private_key, algorithm="RS256")
    assert "kid" not in jwt.get_unverified_header(token)
    assert assume(ci_role, token)["SubjectFromWebIdentityToken"] == GITHUB_SUB
    es_header = jwt.encode(claims, github.keys[1].private_key, algorithm="RS384")
    assert assume(ci_role, es_header)["SubjectFromWebIdentityToken"] == GITHUB_SUB


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_every_rsa_algorithm_verifies_with_its_own_hash(
    ci_role: Any, github: Any, algorithm: str
) -> None:
    claims = jwt.decode(github.token(sub=GITHUB_SUB), options={"verify_signature": False})
    key = github.keys[0]
    token = jwt.encode(claims, key.private_key, algorithm=algorithm, headers={"kid": key.kid})
    assert assume(ci_role, token)["SubjectFromWebIdentityToken"] == GITHUB_SUB
    # The same signature under another RS* header is checked with that header's hash.
    head, payload, signature = token.split(".")
    other = "RS256" if algorithm != "RS256" else "RS512"
    relabeled = jwt.utils.base64url_encode(
        json.dumps({"alg": other, "kid": key.kid, "typ": "JWT"}).encode()
    ).decode()
    for forged in (f"{relabeled}.{payload}.{signature}", f"{head}.{payload}.{signature[:-4]}"):
        with pytest.raises(ClientError) as exc:
            assume(ci_role, forged)
        assert error_of(exc)[0] == "InvalidIdentityToken"


def test_rsa_pss_is_not_an_algorithm_aws_accepts(ci_role: Any, github: Any) -> None:
    claims = jwt.decode(github.token(sub=GITHUB_SUB), options={"verify_signature": False})
    key = github.keys[0]
    token = jwt.encode(claims, key.private_key, algorithm="PS256", headers={"kid": key.kid})
    with pytest.raises(ClientError) as exc:
        assume(ci_role, token)
    assert error_of(exc)[0] == "InvalidIdentityToken"
    assert "'PS256' is not one AWS accepts" in (ci_role.account.backend.calls[-1].explanation or "")


def test_later_requests_of_the_session_carry_aws_federated_provider(
    sts_backend: STSBackend, github: Any
) -> None:
    acct = sts_backend.default_account
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "sts:AssumeRole",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:FederatedProvider": github.arn}},
            },
        ],
    }
    trust = web_identity_trust(github.arn)
    trust["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
    )
    first = acct.create_role("first", trust_policy=trust, policies=[policy])
    second = acct.create_role(
        "second",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": first.arn}, "Action": "sts:AssumeRole"}
            ],
        },
    )
    federated = assume(first, github.token(sub=GITHUB_SUB))["Credentials"]
    client_for(federated).assume_role(RoleArn=second.arn, RoleSessionName="hop")
    from tests.helpers.clients import sts as signed_sts

    plain = signed_sts().assume_role(RoleArn=first.arn, RoleSessionName="plain")["Credentials"]
    with pytest.raises(ClientError) as exc:
        client_for(plain).assume_role(RoleArn=second.arn, RoleSessionName="hop")
    assert error_of(exc)[0] == "AccessDenied"
