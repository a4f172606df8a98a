"""IAM's OIDC and SAML providers through boto3: the same providers STS federates with."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, StsMockError, mock_sts
from tests.federation.federation_helpers import unsigned_sts, web_identity_trust
from tests.helpers.iam import ACCOUNT, error_of, iam

URL = "https://token.actions.githubusercontent.com"
OIDC_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
THUMB = "6938fd4d98bab03faadb97b34396831e3780aea1"


@pytest.fixture
def backend() -> Iterator[STSBackend]:
    with mock_sts() as backend:
        yield backend


def _saml_trust(provider_arn: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithSAML",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


# -- OIDC ---------------------------------------------------------------------------


def test_oidc_provider_lifecycle_and_what_iam_answers(backend: STSBackend) -> None:
    c = iam()
    made = c.create_open_id_connect_provider(
        Url=URL,
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=[THUMB],
        Tags=[{"Key": "team", "Value": "ci"}],
    )
    assert made["OpenIDConnectProviderArn"] == OIDC_ARN
    assert made["Tags"] == [{"Key": "team", "Value": "ci"}]
    got = c.get_open_id_connect_provider(OpenIDConnectProviderArn=OIDC_ARN)
    assert got["Url"] == "token.actions.githubusercontent.com"
    assert got["ClientIDList"] == ["sts.amazonaws.com"]
    assert got["ThumbprintList"] == [THUMB]
    assert got["CreateDate"] is not None
    assert got["Tags"] == [{"Key": "team", "Value": "ci"}]
    listed = c.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert listed == [{"Arn": OIDC_ARN}]
    assert backend.default_account.oidc_providers["token.actions.githubusercontent.com"].url == URL

    with pytest.raises(ClientError) as exc:
        c.create_open_id_connect_provider(Url=URL, ClientIDList=["x"])
    assert error_of(exc) == ("EntityAlreadyExists", f"Provider with url {URL} already exists.", 409)

    c.delete_open_id_connect_provider(OpenIDConnectProviderArn=OIDC_ARN)
    assert backend.default_account.oidc_providers == {}
    with pytest.raises(ClientError) as exc:
        c.get_open_id_connect_provider(OpenIDConnectProviderArn=OIDC_ARN)
    assert error_of(exc) == (
        "NoSuchEntity",
        f"OpenIDConnect Provider not found for arn {OIDC_ARN}",
        404,
    )
    with pytest.raises(ClientError) as exc:
        c.delete_open_id_connect_provider(OpenIDConnectProviderArn=OIDC_ARN)
    assert error_of(exc)[0] == "NoSuchEntity"


def test_a_bad_oidc_url_is_invalid_input_and_creates_nothing(backend: STSBackend) -> None:
    with pytest.raises(ClientError) as exc:
        iam().create_open_id_connect_provider(Url="http://idp.example.com", ClientIDList=["a"])
    code, message, status = error_of(exc)
    assert (code, status) == ("InvalidInput", 400)
    assert "https://" in message
    assert backend.default_account.oidc_providers == {}


def test_a_seeded_oidc_provider_is_seen_by_iam(backend: STSBackend) -> None:
    seeded = backend.default_account.create_oidc_provider(URL, client_ids=["aud"])
    c = iam()
    assert c.list_open_id_connect_providers()["OpenIDConnectProviderList"] == [{"Arn": seeded.arn}]
    assert c.get_open_id_connect_provider(OpenIDConnectProviderArn=seeded.arn)["ClientIDList"] == [
        "aud"
    ]


def test_an_oidc_provider_created_through_iam_federates_until_deleted(backend: STSBackend) -> None:
    c = iam()
    arn = c.create_open_id_connect_provider(Url=URL, ClientIDList=["sts.amazonaws.com"])[
        "OpenIDConnectProviderArn"
    ]
    role = c.create_role(
        RoleName="ci", AssumeRolePolicyDocument=json.dumps(web_identity_trust(arn))
    )["Role"]
    provider = backend.default_account.oidc_providers["token.actions.githubusercontent.com"]
    token = provider.token(sub="repo:o/r:ref:refs/heads/main")
    answer = unsigned_sts().assume_role_with_web_identity(
        RoleArn=role["Arn"], RoleSessionName="ci", WebIdentityToken=token
    )
    assert answer["Provider"] == arn
    c.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_web_identity(
            RoleArn=role["Arn"], RoleSessionName="ci", WebIdentityToken=token
        )
    assert error_of(exc)[0] == "InvalidIdentityToken"


# -- SAML ---------------------------------------------------------------------------


def test_saml_provider_lifecycle_and_what_iam_answers(backend: STSBackend) -> None:
    metadata = backend.default_account.create_saml_provider("source").metadata
    c = iam()
    made = c.create_saml_provider(
        Name="corp", SAMLMetadataDocument=metadata, Tags=[{"Key": "k", "Value": "v"}]
    )
    arn = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"
    assert made == {**made, "SAMLProviderArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}
    got = c.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    listed = c.list_saml_providers()["SAMLProviderList"]
    assert sorted(p["Arn"] for p in listed) == sorted(
        [arn, f"arn:aws:iam::{ACCOUNT}:saml-provider/source"]
    )
    assert all(p["CreateDate"] is not None for p in listed)

    with pytest.raises(ClientError) as exc:
        c.create_saml_provider(Name="corp", SAMLMetadataDocument=metadata)
    assert error_of(exc) == (
        "EntityAlreadyExists",
        "SAMLProvider with name corp already exists.",
        409,
    )
    c.delete_saml_provider(SAMLProviderArn=arn)
    assert set(backend.default_account.saml_providers) == {"source"}
    with pytest.raises(ClientError) as exc:
        c.get_saml_provider(SAMLProviderArn=arn)
    assert error_of(exc) == ("NoSuchEntity", f"Manifest not found for arn {arn}", 404)


@pytest.mark.parametrize(
    "document",
    [
        "<not xml" + " " * 1000,
        "<x/>" + " " * 1000,
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"/>'
        + " " * 1000,
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' + " " * 1000,
    ],
    ids=["not-xml", "not-entity-descriptor", "no-certificate", "dtd"],
)
def test_bad_metadata_is_invalid_input_and_creates_nothing(
    backend: STSBackend, document: str
) -> None:
    with pytest.raises(ClientError) as exc:
        iam().create_saml_provider(Name="corp", SAMLMetadataDocument=document)
    assert error_of(exc) == ("InvalidInput", "Could not parse metadata", 400)
    assert backend.default_account.saml_providers == {}
    assert "the metadata was refused" in (backend.calls[-1].explanation or "")


def test_a_saml_provider_created_from_metadata_trusts_its_certificate(
    backend: STSBackend,
) -> None:
    """The IAM provider trusts the metadata's certificate: the seeded provider that
    published it signs assertions naming the IAM provider; another key is refused."""
    account = backend.default_account
    idp = account.create_saml_provider("idp", issuer="https://idp.example.com/corp")
    c = iam()
    arn = c.create_saml_provider(Name="corp", SAMLMetadataDocument=idp.metadata)["SAMLProviderArn"]
    role = c.create_role(RoleName="sso", AssumeRolePolicyDocument=_saml_trust(arn))["Role"]
    pair = [f"{role['Arn']},{arn}"]
    assertion = idp.assertion(subject="alice", role=role["Arn"], session_name="alice", roles=pair)
    answer = unsigned_sts().assume_role_with_saml(
        RoleArn=role["Arn"], PrincipalArn=arn, SAMLAssertion=assertion
    )
    assert answer["Issuer"] == "https://idp.example.com/corp"
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/sso/alice")

    other = account.create_saml_provider("other", issuer="https://idp.example.com/corp")
    forged = other.assertion(subject="alice", role=role["Arn"], session_name="a", roles=pair)
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_saml(
            RoleArn=role["Arn"], PrincipalArn=arn, SAMLAssertion=forged
        )
    assert error_of(exc)[0] == "InvalidIdentityToken"

    with pytest.raises(StsMockError, match="holds no private key"):
        account.saml_providers["corp"].assertion(subject="a", role=role["Arn"], session_name="a")


def test_provider_calls_are_recorded(backend: STSBackend) -> None:
    iam().list_saml_providers()
    with pytest.raises(ClientError):
        iam().get_open_id_connect_provider(OpenIDConnectProviderArn=OIDC_ARN)
    recorded = [(c.service, c.operation, c.ok) for c in backend.calls]
    assert recorded[-2:] == [
        ("iam", "ListSAMLProviders", True),
        ("iam", "GetOpenIDConnectProvider", False),
    ]
