"""An OIDC provider moto's IAM holds is met by AssumeRoleWithWebIdentity: its URL and
client ids are moto's as they are at each request, its signing keys its own (drawn once
per account and URL, stable for the backend's life), reached through
``account.oidc_provider(url)``."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pytest_stsmock import STSBackend, StsMockError, mock_sts

ACCOUNT = "123456789012"
URL = "https://token.actions.githubusercontent.com"
SUB = "repo:octo-org/app:ref:refs/heads/main"
THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"


@pytest.fixture
def beside_moto() -> Iterator[tuple[STSBackend, Any]]:
    with mock_aws(), mock_sts() as backend:
        yield backend, boto3.client("iam", region_name="us-east-1")


def _provider(iam: Any, client_ids: list[str], url: str = URL) -> str:
    arn: str = iam.create_open_id_connect_provider(
        Url=url, ClientIDList=client_ids, ThumbprintList=[THUMBPRINT]
    )["OpenIDConnectProviderArn"]
    return arn


def _role(iam: Any, provider_arn: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": SUB}},
    }
    trust = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    arn: str = iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    return arn


def _assume(role_arn: str, token: str) -> Any:
    sts = boto3.client("sts", region_name="us-east-1")
    return sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="ci", WebIdentityToken=token
    )


def _refused(role_arn: str, token: str) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        _assume(role_arn, token)
    error = refused.value.response["Error"]
    status = refused.value.response["ResponseMetadata"]["HTTPStatusCode"]
    assert status == (403 if error["Code"] == "AccessDenied" else 400)
    return error["Code"], error["Message"]


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_token_its_keys_sign_passes_and_a_forged_one_is_refused(
    beside_moto: tuple[STSBackend, Any],
) -> None:
    backend, iam = beside_moto
    provider_arn = _provider(iam, ["sts.amazonaws.com"])
    role_arn = _role(iam, provider_arn)
    provider = backend.account(ACCOUNT).oidc_provider(URL)
    assert provider.arn == provider_arn and provider.client_ids == ["sts.amazonaws.com"]
    assert provider.thumbprints == [THUMBPRINT]
    assert ACCOUNT in backend.accounts and not backend.account(ACCOUNT).oidc_providers

    answer = _assume(role_arn, provider.token(sub=SUB))
    assert answer["SubjectFromWebIdentityToken"] == SUB
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ci"

    # The same URL seeded in another account signs with other keys: a forgery here.
    impostor = backend.account("999988887777").create_oidc_provider(
        URL, client_ids=["sts.amazonaws.com"]
    )
    code, _ = _refused(role_arn, impostor.token(sub=SUB))
    assert code == "InvalidIdentityToken"
    claims = {"iss": URL, "sub": SUB, "aud": "sts.amazonaws.com", "exp": 2**40}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert _refused(role_arn, unsigned)[0] == "InvalidIdentityToken"
    stripped = provider.token(sub=SUB).rsplit(".", 1)[0] + "."
    assert _refused(role_arn, stripped)[0] == "InvalidIdentityToken"
    # The trust policy still decides: another subject is denied.
    assert _refused(role_arn, provider.token(sub="repo:evil/app:ref:x"))[0] == "AccessDenied"


def test_keys_are_drawn_once_per_account_and_url(beside_moto: tuple[STSBackend, Any]) -> None:
    backend, iam = beside_moto
    provider_arn = _provider(iam, ["sts.amazonaws.com"])
    role_arn = _role(iam, provider_arn)
    first = backend.account(ACCOUNT).oidc_provider(URL)
    kids = first.kids
    token = first.token(sub=SUB)
    _assume(role_arn, token)
    assert backend.account(ACCOUNT).oidc_provider("token.actions.githubusercontent.com") is first
    assert first.kids == kids

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    code, message = _refused(role_arn, token)  # gone at the next call
    assert (code, message) == (
        "InvalidIdentityToken",
        f"No OpenIDConnect provider found in your account for {URL}",
    )
    with pytest.raises(StsMockError, match="has no OIDC provider with url"):
        backend.account(ACCOUNT).oidc_provider(URL)

    # Re-created with other client ids: the same keys, moto's new settings.
    _provider(iam, ["other-audience"])
    again = backend.account(ACCOUNT).oidc_provider(URL)
    assert again.kids == kids and again.client_ids == ["other-audience"]
    assert _refused(role_arn, token)[0] == "InvalidIdentityToken"  # aud is no client id now
    _assume(role_arn, again.token(sub=SUB))


def test_client_ids_and_thumbprints_are_moto_s_at_each_request(
    beside_moto: tuple[STSBackend, Any],
) -> None:
    backend, iam = beside_moto
    provider_arn = _provider(iam, ["first", "second"])
    role_arn = _role(iam, provider_arn)
    provider = backend.account(ACCOUNT).oidc_provider(URL)
    _assume(role_arn, provider.token(sub=SUB, aud="second"))
    iam.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=provider_arn, ThumbprintList=["A" * 40]
    )
    iam.tag_open_id_connect_provider(
        OpenIDConnectProviderArn=provider_arn, Tags=[{"Key": "team", "Value": "ci"}]
    )
    _assume(role_arn, provider.token(sub=SUB, aud="first"))
    assert provider.thumbprints == ["a" * 40] and provider.tags == {"team": "ci"}


def test_the_seeding_api_wins_over_moto_for_the_same_url(
    beside_moto: tuple[STSBackend, Any],
) -> None:
    backend, iam = beside_moto
    provider_arn = _provider(iam, ["moto-audience"])
    role_arn = _role(iam, provider_arn)
    seeded = backend.account(ACCOUNT).create_oidc_provider(URL, client_ids=["seeded-audience"])
    assert seeded.arn == provider_arn
    assert backend.account(ACCOUNT).oidc_provider(URL) is seeded
    _assume(role_arn, seeded.token(sub=SUB))
    assert _refused(role_arn, seeded.token(sub=SUB, aud="moto-audience"))[0] == (
        "InvalidIdentityToken"
    )


def test_a_url_iam_would_refuse_is_no_provider(
    beside_moto: tuple[STSBackend, Any], caplog: pytest.LogCaptureFixture
) -> None:
    backend, iam = beside_moto
    _provider(iam, ["sts.amazonaws.com"], url="https://bad host.example")
    with pytest.raises(StsMockError, match="has no OIDC provider"):
        backend.account(ACCOUNT).oidc_provider("https://bad host.example")
    assert "ignores OIDC provider bad host.example" in caplog.text


def test_without_mock_aws_moto_s_providers_are_not_read() -> None:
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        _provider(iam, ["sts.amazonaws.com"])
    with mock_sts() as backend, pytest.raises(StsMockError):
        backend.account(ACCOUNT).oidc_provider(URL)
