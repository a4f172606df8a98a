"""RegionDisabledException wherever AWS raises it, and version 1 tokens in opt-in regions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.session import get_session

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.regions import OPT_IN_REGIONS
from pytest_stsmock.operations import UNSIGNED_OPERATIONS
from tests.helpers.clients import error_of, sts
from tests.helpers.models import STS_OPERATIONS, needs_sts_operation
from tests.helpers.policies import ADMIN

MODEL = get_session().get_service_model("sts")
ISSUING = sorted(
    name
    for name in MODEL.operation_names
    if any(e.name == "RegionDisabledException" for e in MODEL.operation_model(name).error_shapes)
    and name not in UNSIGNED_OPERATIONS
)
REGION = "eu-south-1"
DISABLED = (
    "RegionDisabledException",
    "STS is not activated in this region for account:123456789012. Your account "
    "administrator can activate STS in this region using the IAM Console.",
    403,
)
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _calls(sts_backend: STSBackend) -> dict[str, Callable[[Any], Any]]:
    role = sts_backend.default_account.create_role("r", trust_policy=TRUST)
    sts_backend.create_organization("123456789012", ["210987654321"])
    token = sts_backend.issue_trade_in_token(role)
    return {
        "AssumeRole": lambda c: c.assume_role(RoleArn=role.arn, RoleSessionName="ss"),
        "AssumeRoot": lambda c: c.assume_root(
            TargetPrincipal="210987654321",
            TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"},
        ),
        "GetDelegatedAccessToken": lambda c: c.get_delegated_access_token(TradeInToken=token),
        "GetFederationToken": lambda c: c.get_federation_token(
            Name="fed", Policy=json.dumps(ADMIN)
        ),
        "GetSessionToken": lambda c: c.get_session_token(),
    }


def test_the_issuing_operations_are_the_ones_listed() -> None:
    expected = [
        "AssumeRole",
        "AssumeRoot",
        "GetDelegatedAccessToken",
        "GetFederationToken",
        "GetSessionToken",
    ]
    assert [op for op in expected if op in STS_OPERATIONS] == ISSUING


#: The account whose credentials each operation requests, in the worlds below.
ISSUING_ACCOUNT = {
    "AssumeRole": "123456789012",
    "AssumeRoot": "210987654321",
    "GetDelegatedAccessToken": "123456789012",
    "GetFederationToken": "123456789012",
    "GetSessionToken": "123456789012",
}


@pytest.mark.parametrize("operation", ISSUING)
def test_issuing_operations_are_refused_in_a_disabled_region(
    sts_backend: STSBackend, operation: str
) -> None:
    call = _calls(sts_backend)[operation]
    account = sts_backend.account(ISSUING_ACCOUNT[operation])
    account.disable_region(REGION)
    with pytest.raises(ClientError) as exc:
        call(sts(REGION))
    code, message, status = error_of(exc)
    assert (code, status) == ("RegionDisabledException", 403)
    assert message == DISABLED[1].replace("123456789012", account.id)
    assert sts_backend.sessions == []
    account.enable_region(REGION)
    assert call(sts(REGION))["Credentials"]


@pytest.mark.parametrize(
    "operation",
    [
        "AssumeRoot",
        pytest.param(
            "GetDelegatedAccessToken", marks=needs_sts_operation("GetDelegatedAccessToken")
        ),
    ],
)
def test_the_callers_own_account_does_not_matter(sts_backend: STSBackend, operation: str) -> None:
    """AWS: "It is not the account of the caller, but the account from which temporary
    credentials are requested that must activate the region." """
    call = _calls(sts_backend)[operation]
    if operation == "GetDelegatedAccessToken":  # a partner in another account redeems it
        partner = sts_backend.account("999988887777").create_user("partner")
        sts_backend.account("999988887777").disable_region(REGION)
        assert call(sts(REGION, **partner.create_access_key().client_kwargs))["Credentials"]
    else:  # the management account calls, the member's credentials are issued
        sts_backend.default_account.disable_region(REGION)
        assert call(sts(REGION))["Credentials"]


def test_a_cross_account_assume_role_needs_only_the_roles_account(
    sts_backend: STSBackend,
) -> None:
    role = sts_backend.account("555566667777").create_role("cross", trust_policy=TRUST)
    user = sts_backend.default_account.create_user("u", policies=[ADMIN])
    sts_backend.default_account.disable_region(REGION)
    client = sts(REGION, **user.create_access_key().client_kwargs)
    assert client.assume_role(RoleArn=role.arn, RoleSessionName="ss")["Credentials"]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.get_caller_identity(), id="GetCallerIdentity"),
        pytest.param(
            lambda c: c.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE"),
            id="GetAccessKeyInfo",
        ),
    ],
)
def test_other_operations_answer_in_a_disabled_region(
    sts_backend: STSBackend, call: Callable[[Any], Any]
) -> None:
    sts_backend.default_account.disable_region(REGION)
    assert call(sts(REGION))["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_the_roles_account_decides_for_assume_role(sts_backend: STSBackend) -> None:
    role = sts_backend.account("555566667777").create_role("cross", trust_policy=TRUST)
    user = sts_backend.default_account.create_user("u", policies=[ADMIN])
    sts_backend.account("555566667777").disable_region(REGION)
    with pytest.raises(ClientError) as exc:
        sts(REGION, **user.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="ss"
        )
    code, message, status = error_of(exc)
    assert (code, status) == ("RegionDisabledException", 403)
    assert "account:555566667777." in message


def _global_session() -> Any:
    return sts(endpoint_url="https://sts.amazonaws.com").get_session_token()["Credentials"]


@pytest.mark.parametrize("region", ["ap-east-1", "me-south-1", "af-south-1"])
def test_version_1_tokens_fail_in_opt_in_regions(sts_backend: STSBackend, region: str) -> None:
    creds = _global_session()
    assert creds["SessionToken"].startswith("FwoGZXIvYXdzE")
    with pytest.raises(ClientError) as exc:
        sts(
            region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        ).get_caller_identity()
    assert error_of(exc) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
    )
    assert "version 1 token" in (sts_backend.calls[-1].explanation or "")


def test_version_1_tokens_work_where_regions_are_on_by_default(sts_backend: STSBackend) -> None:
    creds = _global_session()
    kwargs = {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }
    assert sts("eu-west-1", **kwargs).get_caller_identity()["Arn"]
    assert sts(endpoint_url="https://sts.amazonaws.com", **kwargs).get_caller_identity()["Arn"]


def test_version_2_tokens_work_in_opt_in_regions(sts_backend: STSBackend) -> None:
    creds = sts("us-east-1").get_session_token()["Credentials"]
    assert creds["SessionToken"].startswith("IQoJb3JpZ2luX2Vj")
    for region in sorted(OPT_IN_REGIONS)[:3]:
        assert sts(
            region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        ).get_caller_identity()["Arn"]
