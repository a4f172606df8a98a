"""A SAML provider moto's IAM holds is met by AssumeRoleWithSAML: it trusts the
certificate of the metadata moto was given."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pytest_stsmock import mock_sts

ACCOUNT = "123456789012"


def _trust(provider_arn: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithSAML",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _assume(role_arn: str, provider_arn: str, assertion: str) -> Any:
    sts = boto3.client("sts", region_name="us-east-1")
    return sts.assume_role_with_saml(
        RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=assertion
    )


def test_a_moto_saml_provider_trusts_its_metadata_certificate() -> None:
    with mock_aws(), mock_sts() as backend:
        # The key lives in a seeded provider of another account; moto gets its metadata.
        idp = backend.account("999988887777").create_saml_provider("idp")
        iam = boto3.client("iam", region_name="us-east-1")
        arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=idp.metadata)[
            "SAMLProviderArn"
        ]
        role = iam.create_role(RoleName="sso", AssumeRolePolicyDocument=_trust(arn))["Role"]
        pair = [f"{role['Arn']},{arn}"]
        signed = idp.assertion(subject="a", role=role["Arn"], session_name="alice", roles=pair)
        answer = _assume(role["Arn"], arn, signed)
        assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/sso/alice"

        other = backend.account("999988887777").create_saml_provider("other", issuer=idp.issuer)
        forged = other.assertion(subject="a", role=role["Arn"], session_name="alice", roles=pair)
        with pytest.raises(ClientError, match="InvalidIdentityToken"):
            _assume(role["Arn"], arn, forged)

        iam.delete_saml_provider(SAMLProviderArn=arn)
        with pytest.raises(ClientError, match="Specified provider doesn't exist"):
            _assume(role["Arn"], arn, signed)


def test_moto_metadata_iam_would_refuse_is_no_provider(caplog: pytest.LogCaptureFixture) -> None:
    with mock_aws(), mock_sts() as backend:
        idp = backend.account("999988887777").create_saml_provider("idp")
        iam = boto3.client("iam", region_name="us-east-1")
        arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument="<x/>" + " " * 1000)[
            "SAMLProviderArn"
        ]
        role = iam.create_role(RoleName="sso", AssumeRolePolicyDocument=_trust(arn))["Role"]
        signed = idp.assertion(
            subject="a", role=role["Arn"], session_name="alice", roles=[f"{role['Arn']},{arn}"]
        )
        with pytest.raises(ClientError, match="Specified provider doesn't exist"):
            _assume(role["Arn"], arn, signed)
    assert "ignores SAML provider corp" in caplog.text
