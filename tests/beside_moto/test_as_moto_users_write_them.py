"""Tests written the way moto's users write them, with ``@mock_sts`` added.

The same test body runs under both decorator orders and, for its IAM and STS
part, without moto at all (the mock then answers IAM itself).  The denials
below are ones moto alone lets through; with the mock they are AWS's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import boto3
import pyotp
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pytest_stsmock import mock_sts

TRUST_ACCOUNT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
S3_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
)
ASSUME_ANY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def _existing_moto_test(with_s3: bool = True) -> None:
    """A moto user's test as it was before pytest-stsmock: IAM, then STS, then S3."""
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="ci")
    iam.put_user_policy(UserName="ci", PolicyName="assume", PolicyDocument=ASSUME_ANY)
    key = iam.create_access_key(UserName="ci")["AccessKey"]
    role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=TRUST_ACCOUNT)["Role"]
    iam.put_role_policy(RoleName="reader", PolicyName="s3", PolicyDocument=S3_READ)

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ci-job")["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    if with_s3:
        s3 = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        s3.create_bucket(Bucket="reports")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["reports"]


@mock_aws
@mock_sts
def test_an_existing_moto_test_passes_with_mock_sts_inside() -> None:
    _existing_moto_test()


@mock_sts
@mock_aws
def test_an_existing_moto_test_passes_with_mock_sts_outside() -> None:
    _existing_moto_test()


@mock_sts
def test_the_same_test_without_moto() -> None:
    _existing_moto_test(with_s3=False)


# -- denials moto alone lets through ------------------------------------------------------


@pytest.fixture(params=["moto-then-mock", "mock-then-moto", "mock-alone"])
def setup(request: pytest.FixtureRequest) -> Iterator[str]:
    """Both orders of activation beside moto, and the mock without moto."""
    with ExitStack() as stack:
        if request.param == "moto-then-mock":
            stack.enter_context(mock_aws())
        stack.enter_context(mock_sts())
        if request.param == "mock-then-moto":
            stack.enter_context(mock_aws())
        yield request.param


def _caller(policy: str | None = ASSUME_ANY) -> Any:
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="dev")
    if policy is not None:
        iam.put_user_policy(UserName="dev", PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    return boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def _role(name: str, trust: str = TRUST_ACCOUNT, **kwargs: Any) -> str:
    iam = boto3.client("iam", region_name="us-east-1")
    return str(
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kwargs)["Role"]["Arn"]
    )


def _refused(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call()
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def test_a_missing_role_is_refused(setup: str) -> None:
    sts = _caller()
    arn = "arn:aws:iam::123456789012:role/never-created"
    assert _refused(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="s1")) == (
        "AccessDenied",
        f"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole on resource: {arn}",
    )


def test_a_foreign_trust_policy_is_refused(setup: str) -> None:
    sts = _caller()
    arn = _role("foreign", TRUST_ACCOUNT.replace("123456789012", "999999999999"))
    assert _refused(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="s1"))[0] == "AccessDenied"


def test_an_account_trust_without_an_identity_policy_is_refused(setup: str) -> None:
    sts = _caller(policy=None)
    arn = _role("needs-allow")
    assert _refused(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="s1"))[0] == "AccessDenied"


def test_a_wrong_external_id_is_refused(setup: str) -> None:
    sts = _caller()
    trust = json.loads(TRUST_ACCOUNT)
    trust["Statement"][0]["Condition"] = {"StringEquals": {"sts:ExternalId": "right"}}
    arn = _role("external", json.dumps(trust))
    assert (
        _refused(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="s1", ExternalId="wrong"))[0]
        == "AccessDenied"
    )
    assert sts.assume_role(RoleArn=arn, RoleSessionName="s2", ExternalId="right")["Credentials"]


def test_duration_above_max_session_duration_is_refused(setup: str) -> None:
    sts = _caller()
    arn = _role("short", MaxSessionDuration=3600)
    assert _refused(
        lambda: sts.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=7200)
    ) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )


def test_a_wrong_code_of_a_virtual_mfa_device_is_refused(setup: str) -> None:
    sts = _caller()
    iam = boto3.client("iam", region_name="us-east-1")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="dev")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode("ascii"), interval=30)
    at = (int(time.time()) // 30) * 30 - 30
    iam.enable_mfa_device(
        UserName="dev",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(at - 30),
        AuthenticationCode2=totp.at(at),
    )
    now = totp.at(time.time())
    wrong = "000000" if now != "000000" else "999999"
    assert _refused(
        lambda: sts.get_session_token(SerialNumber=device["SerialNumber"], TokenCode=wrong)
    ) == ("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
    assert sts.get_session_token(SerialNumber=device["SerialNumber"], TokenCode=now)["Credentials"]


def test_moto_alone_lets_these_through() -> None:
    """Why the decorator is worth adding: the same denials, unchecked by moto alone."""
    with mock_aws():
        sts = boto3.client("sts", region_name="us-east-1")
        arn = "arn:aws:iam::123456789012:role/never-created"
        assert sts.assume_role(RoleArn=arn, RoleSessionName="s1")["Credentials"]
