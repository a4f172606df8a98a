"""Tests for the deployer, written the way a user of pytest-stsmock writes them."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from deployer import Target, assume, deploy, whoami

from pytest_stsmock import STSBackend, mock_sts

PROD, STAGING, LEGACY = "111111111111", "222222222222", "333333333333"


def deployer_trust(
    ci_user_arn: str, external_id: str = "acme-ci", **condition: object
) -> dict[str, object]:
    """The trust policy each target account gives its Deployer role."""
    conditions: dict[str, object] = {"StringEquals": {"sts:ExternalId": external_id}}
    conditions.update(condition)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ci_user_arn},
                "Action": "sts:AssumeRole",
                "Condition": conditions,
            }
        ],
    }


@pytest.fixture
def ci_user(sts_backend: STSBackend, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The CI user in the tooling account, allowed to assume Deployer roles anywhere."""
    user = sts_backend.default_account.create_user(
        "ci",
        policies=[
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": "arn:aws:iam::*:role/Deployer",
                    }
                ],
            }
        ],
    )
    key = user.create_access_key()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key.secret_access_key)
    return user


def test_deploys_to_every_account_that_trusts_us(sts_backend: STSBackend, ci_user: Any) -> None:
    for account in (PROD, STAGING):
        sts_backend.account(account).create_role(
            "Deployer", trust_policy=deployer_trust(ci_user.arn)
        )

    report = deploy([Target(PROD), Target(STAGING)], external_id="acme-ci")

    assert report.entered == {
        PROD: f"arn:aws:sts::{PROD}:assumed-role/Deployer/deployer",
        STAGING: f"arn:aws:sts::{STAGING}:assumed-role/Deployer/deployer",
    }
    sts_backend.assert_called(
        "AssumeRole", RoleArn=f"arn:aws:iam::{PROD}:role/Deployer", ExternalId="acme-ci"
    )


def test_reports_accounts_it_cannot_enter(sts_backend: STSBackend, ci_user: Any) -> None:
    sts_backend.account(PROD).create_role("Deployer", trust_policy=deployer_trust(ci_user.arn))
    sts_backend.account(STAGING).create_role(
        "Deployer", trust_policy=deployer_trust(ci_user.arn, external_id="someone-else")
    )
    # LEGACY has no Deployer role at all: AWS answers AccessDenied, not "not found".

    report = deploy([Target(PROD), Target(STAGING), Target(LEGACY)], external_id="acme-ci")

    assert report.refused == {STAGING: "AccessDenied", LEGACY: "AccessDenied"}
    assert (
        report.summary().splitlines()[0]
        == f"OK   {PROD} as arn:aws:sts::{PROD}:assumed-role/Deployer/deployer"
    )
    # Why was STAGING refused?  The mock says, even though AWS does not.
    staging_call = next(
        c
        for c in sts_backend.calls
        if c.params.get("RoleArn", "").startswith(f"arn:aws:iam::{STAGING}")
    )
    assert "sts:ExternalId" in (staging_call.explanation or "")


def test_production_requires_mfa(sts_backend: STSBackend, ci_user: Any) -> None:
    device = ci_user.add_mfa_device()
    sts_backend.account(PROD).create_role(
        "Deployer",
        trust_policy=deployer_trust(ci_user.arn, Bool={"aws:MultiFactorAuthPresent": "true"}),
    )

    without = deploy([Target(PROD)], external_id="acme-ci")
    with_mfa = deploy(
        [Target(PROD)], external_id="acme-ci", mfa_serial=device.serial_number, mfa_code=device.code
    )

    assert without.refused == {PROD: "AccessDenied"}
    assert with_mfa.entered == {PROD: f"arn:aws:sts::{PROD}:assumed-role/Deployer/deployer"}


@pytest.mark.stsmock(account_id=STAGING, seed=1)
def test_whoami_with_the_marker_only() -> None:
    # The marker alone turns the mock on; the default user may do anything.
    assert whoami(boto3.Session(region_name="us-east-1")) == f"arn:aws:iam::{STAGING}:user/stsmock"


@mock_sts
def test_decorator_form() -> None:
    with pytest.raises(ClientError) as exc:
        assume(f"arn:aws:iam::{PROD}:role/Deployer", "deployer")
    assert exc.value.response["Error"]["Code"] == "AccessDenied"


def test_context_manager_form() -> None:
    with mock_sts(account_id=LEGACY) as backend:
        role = backend.default_account.create_role(
            "Deployer", trust_policy=deployer_trust(backend.default_user.arn)
        )
        session = assume(role.arn, "deployer", external_id="acme-ci")
        assert whoami(session) == f"arn:aws:sts::{LEGACY}:assumed-role/Deployer/deployer"
