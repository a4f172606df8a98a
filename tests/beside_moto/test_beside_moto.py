"""With moto's ``mock_aws`` active: moto answers IAM (and everything else), and STS
meets AWS's checks against moto's IAM state, read at the moment it answers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pyotp
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pytest_stsmock import STSBackend, mock_sts
from tests.helpers.iam import ACCOUNT, allow, session_kwargs, trust


@pytest.fixture(params=["moto-outside", "moto-inside"])
def backend(request: pytest.FixtureRequest) -> Iterator[STSBackend]:
    """Both orders of activation, as both decorator orders give."""
    if request.param == "moto-outside":
        with mock_aws(), mock_sts() as backend:
            yield backend
    else:
        with mock_sts() as backend, mock_aws():
            yield backend


def iam() -> Any:
    return boto3.client("iam", region_name="us-east-1")


def sts(**kwargs: Any) -> Any:
    return boto3.client("sts", region_name="us-east-1", **kwargs)


def user_with_key(name: str, policy: str | None = None) -> dict[str, str]:
    iam().create_user(UserName=name)
    if policy is not None:
        iam().put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    key = iam().create_access_key(UserName=name)["AccessKey"]
    return {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }


def role_chain(backend: STSBackend) -> tuple[str, str]:
    """ARNs of a role ``first`` the default user may assume, allowed to assume the role ``next``."""
    first = iam().create_role(
        RoleName="first", AssumeRolePolicyDocument=trust(backend.default_user.arn)
    )["Role"]["Arn"]
    iam().put_role_policy(RoleName="first", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    target = iam().create_role(RoleName="next", AssumeRolePolicyDocument=trust())["Role"]["Arn"]
    return first, target


def assumed_sts(role: str, name: str) -> Any:
    """An STS client signing with a new session of ``role`` (the default user assumes it)."""
    creds = sts().assume_role(RoleArn=role, RoleSessionName=name)["Credentials"]
    return sts(**session_kwargs(creds))


def code(exc: Any) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_moto_answers_iam_and_the_mock_does_not(backend: STSBackend) -> None:
    iam().create_role(RoleName="r", AssumeRolePolicyDocument=trust())
    assert "r" not in backend.default_account.roles  # moto holds it
    assert all(call.service == "sts" for call in backend.calls)


def test_a_moto_user_and_key_sign_sts_requests(backend: STSBackend) -> None:
    creds = user_with_key("alice")
    identity = sts(**creds).get_caller_identity()
    moto_user = iam().get_user(UserName="alice")["User"]
    assert (identity["Arn"], identity["UserId"]) == (moto_user["Arn"], moto_user["UserId"])
    with pytest.raises(ClientError) as exc:
        sts(
            aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key="x" * 40
        ).get_caller_identity()
    assert code(exc) == "SignatureDoesNotMatch"


def test_a_key_deactivated_through_moto_is_refused_at_the_next_call(backend: STSBackend) -> None:
    creds = user_with_key("bob")
    assert sts(**creds).get_caller_identity()
    iam().update_access_key(
        UserName="bob", AccessKeyId=creds["aws_access_key_id"], Status="Inactive"
    )
    with pytest.raises(ClientError) as exc:
        sts(**creds).get_caller_identity()
    assert code(exc) == "InvalidClientTokenId"


def test_moto_roles_with_trust_path_id_tags_and_max_duration(backend: STSBackend) -> None:
    role = iam().create_role(
        RoleName="deploy",
        Path="/ci/",
        AssumeRolePolicyDocument=trust(
            backend.default_user.arn, StringEquals={"aws:PrincipalTag/team": "blue"}
        ),
        MaxSessionDuration=7200,
        Tags=[{"Key": "env", "Value": "prod"}],
    )["Role"]
    with pytest.raises(ClientError):  # the default user has no team tag
        sts().assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    backend.default_user.tags["team"] = "blue"
    assumed = sts().assume_role(RoleArn=role["Arn"], RoleSessionName="s2", DurationSeconds=7200)
    assert assumed["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:s2"
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/s2"
    with pytest.raises(ClientError) as exc:
        sts().assume_role(RoleArn=role["Arn"], RoleSessionName="s3", DurationSeconds=7201)
    assert code(exc) == "ValidationError"
    with pytest.raises(ClientError):  # the path is part of the ARN
        sts().assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/deploy", RoleSessionName="s4")


def test_changes_through_moto_are_seen_by_the_next_call(backend: STSBackend) -> None:
    arn = iam().create_role(
        RoleName="r", AssumeRolePolicyDocument=trust("arn:aws:iam::999999999999:root")
    )["Role"]["Arn"]
    with pytest.raises(ClientError):
        sts().assume_role(RoleArn=arn, RoleSessionName="s1")
    iam().update_assume_role_policy(RoleName="r", PolicyDocument=trust(backend.default_user.arn))
    assert sts().assume_role(RoleArn=arn, RoleSessionName="s2")["Credentials"]
    iam().delete_role(RoleName="r")
    with pytest.raises(ClientError) as exc:
        sts().assume_role(RoleArn=arn, RoleSessionName="s3")
    assert code(exc) == "AccessDenied"


def test_inline_managed_and_group_policies_of_moto_users(backend: STSBackend) -> None:
    creds = user_with_key("carol")
    role = iam().create_role(RoleName="r", AssumeRolePolicyDocument=trust())["Role"]["Arn"]
    with pytest.raises(ClientError):  # an account trust needs the caller's own allow
        sts(**creds).assume_role(RoleArn=role, RoleSessionName="s1")

    managed = iam().create_policy(PolicyName="m", PolicyDocument=allow("sts:AssumeRole"))["Policy"][
        "Arn"
    ]
    iam().attach_user_policy(UserName="carol", PolicyArn=managed)
    assert sts(**creds).assume_role(RoleArn=role, RoleSessionName="s2")["Credentials"]
    iam().detach_user_policy(UserName="carol", PolicyArn=managed)
    with pytest.raises(ClientError):
        sts(**creds).assume_role(RoleArn=role, RoleSessionName="s3")

    iam().create_group(GroupName="g")
    iam().put_group_policy(GroupName="g", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    iam().add_user_to_group(GroupName="g", UserName="carol")
    assert sts(**creds).assume_role(RoleArn=role, RoleSessionName="s4")["Credentials"]
    iam().remove_user_from_group(GroupName="g", UserName="carol")
    with pytest.raises(ClientError):
        sts(**creds).assume_role(RoleArn=role, RoleSessionName="s5")


def test_a_moto_role_boundary_limits_its_sessions(backend: STSBackend) -> None:
    boundary = iam().create_policy(PolicyName="b", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    first, target = role_chain(backend)
    session = assumed_sts(first, "aa")
    assert session.assume_role(RoleArn=target, RoleSessionName="bb")["Credentials"]
    iam().put_role_permissions_boundary(RoleName="first", PermissionsBoundary=boundary)
    bounded = assumed_sts(first, "cc")
    with pytest.raises(ClientError) as exc:
        bounded.assume_role(RoleArn=target, RoleSessionName="dd")
    assert code(exc) == "AccessDenied"


def test_session_policy_arns_name_moto_managed_policies(backend: STSBackend) -> None:
    role = iam().create_role(RoleName="r", AssumeRolePolicyDocument=trust(backend.default_user.arn))
    arn = iam().create_policy(PolicyName="m", PolicyDocument=allow("s3:GetObject"))["Policy"]["Arn"]
    assumed = sts().assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="ss", PolicyArns=[{"arn": arn}]
    )
    session = backend.session(assumed["Credentials"]["AccessKeyId"])
    assert session is not None and session.session_policies


def test_a_moto_virtual_mfa_device_checks_codes_from_its_seed(backend: STSBackend) -> None:
    creds = user_with_key("dan", allow("sts:AssumeRole"))
    role = iam().create_role(
        RoleName="mfa",
        AssumeRolePolicyDocument=trust(ACCOUNT, Bool={"aws:MultiFactorAuthPresent": "true"}),
    )["Role"]["Arn"]
    device = iam().create_virtual_mfa_device(VirtualMFADeviceName="dan")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    iam().enable_mfa_device(
        UserName="dan",
        SerialNumber=serial,
        AuthenticationCode1="111111",
        AuthenticationCode2="222222",
    )
    totp = pyotp.TOTP(device["Base32StringSeed"].decode("ascii"), interval=30)
    now = time.time()
    wrong = "000000" if totp.at(now) != "000000" else "999999"
    with pytest.raises(ClientError) as exc:
        sts(**creds).assume_role(
            RoleArn=role, RoleSessionName="s1", SerialNumber=serial, TokenCode=wrong
        )
    assert exc.value.response["Error"]["Message"] == (
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    )
    good = sts(**creds).assume_role(
        RoleArn=role, RoleSessionName="s2", SerialNumber=serial, TokenCode=totp.at(now)
    )
    assert good["Credentials"]
    with pytest.raises(ClientError):  # a code is used once
        sts(**creds).assume_role(
            RoleArn=role, RoleSessionName="s3", SerialNumber=serial, TokenCode=totp.at(now)
        )


def test_the_seeding_api_wins_over_moto_for_the_same_role(backend: STSBackend) -> None:
    seeded = backend.default_account.create_role(
        "same", trust_policy=json.loads(trust("arn:aws:iam::999999999999:root"))
    )
    iam().create_role(RoleName="same", AssumeRolePolicyDocument=trust(backend.default_user.arn))
    with pytest.raises(ClientError) as exc:  # the seeded trust policy decides
        sts().assume_role(RoleArn=seeded.arn, RoleSessionName="ss")
    assert code(exc) == "AccessDenied"


def test_seeded_and_moto_state_are_seen_side_by_side(backend: STSBackend) -> None:
    seeded = backend.default_account.create_role(
        "seeded", trust_policy=json.loads(trust(backend.default_user.arn))
    )
    moto_role = iam().create_role(
        RoleName="moto", AssumeRolePolicyDocument=trust(backend.default_user.arn)
    )
    assert sts().assume_role(RoleArn=seeded.arn, RoleSessionName="aa")["Credentials"]
    assert sts().assume_role(RoleArn=moto_role["Role"]["Arn"], RoleSessionName="bb")["Credentials"]


def test_moto_still_answers_the_services_that_check_roles(backend: STSBackend) -> None:
    role = iam().create_role(
        RoleName="exec",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]
    events = boto3.client("events", region_name="us-east-1")
    events.put_rule(Name="r", ScheduleExpression="rate(5 minutes)", RoleArn=role["Arn"])
    assert events.describe_rule(Name="r")["RoleArn"] == role["Arn"]


def test_a_policy_changed_in_moto_bounds_the_roles_existing_sessions(backend: STSBackend) -> None:
    first, target = role_chain(backend)
    session = assumed_sts(first, "aa")
    assert session.assume_role(RoleArn=target, RoleSessionName="bb")["Credentials"]
    iam().delete_role_policy(RoleName="first", PolicyName="p")
    with pytest.raises(ClientError) as exc:
        session.assume_role(RoleArn=target, RoleSessionName="dd")
    assert code(exc) == "AccessDenied"


def test_a_moto_users_tags_are_its_principal_tags(backend: STSBackend) -> None:
    iam().create_user(UserName="tagged", Tags=[{"Key": "team", "Value": "blue"}])
    iam().put_user_policy(UserName="tagged", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    key = iam().create_access_key(UserName="tagged")["AccessKey"]
    creds = {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }
    role = iam().create_role(
        RoleName="blue-only",
        AssumeRolePolicyDocument=trust(ACCOUNT, StringEquals={"aws:PrincipalTag/team": "blue"}),
    )["Role"]["Arn"]
    assert sts(**creds).assume_role(RoleArn=role, RoleSessionName="t1")["Credentials"]
    iam().tag_user(UserName="tagged", Tags=[{"Key": "team", "Value": "red"}])
    with pytest.raises(ClientError) as exc:
        sts(**creds).assume_role(RoleArn=role, RoleSessionName="t2")
    assert code(exc) == "AccessDenied"
