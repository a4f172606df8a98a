"""The IAM subset without moto: inline and managed policies, boundaries, virtual MFA."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, mock_sts
from tests.helpers.iam import ACCOUNT, allow, codes, error_of, iam, key_kwargs, sts, trust


@pytest.fixture
def backend() -> Iterator[STSBackend]:
    with mock_sts(strict=True) as backend:
        yield backend


def _user_with_key(name: str) -> dict[str, str]:
    client = iam()
    client.create_user(UserName=name)
    key: dict[str, Any] = client.create_access_key(UserName=name)["AccessKey"]
    return key_kwargs(key)


# -- inline policies -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["User", "Group", "Role"])
def test_inline_policy_put_get_list_delete(backend: STSBackend, kind: str) -> None:
    client = iam()
    name_key = f"{kind}Name"
    if kind == "User":
        client.create_user(UserName="holder")
    elif kind == "Group":
        client.create_group(GroupName="holder")
    else:
        client.create_role(RoleName="holder", AssumeRolePolicyDocument=trust(ACCOUNT))
    put = getattr(client, f"put_{kind.lower()}_policy")
    get = getattr(client, f"get_{kind.lower()}_policy")
    listed = getattr(client, f"list_{kind.lower()}_policies")
    delete = getattr(client, f"delete_{kind.lower()}_policy")
    put(**{name_key: "holder"}, PolicyName="p1", PolicyDocument=allow("s3:GetObject"))
    put(**{name_key: "holder"}, PolicyName="p2", PolicyDocument=allow("s3:PutObject"))
    got = get(**{name_key: "holder"}, PolicyName="p1")
    assert got["PolicyDocument"]["Statement"][0]["Action"] == "s3:GetObject"
    assert got[name_key] == "holder"
    assert listed(**{name_key: "holder"})["PolicyNames"] == ["p1", "p2"]
    delete(**{name_key: "holder"}, PolicyName="p1")
    with pytest.raises(ClientError) as exc:
        get(**{name_key: "holder"}, PolicyName="p1")
    assert error_of(exc) == (
        "NoSuchEntity",
        f"The {kind.lower()} policy with name p1 cannot be found.",
        404,
    )


def test_an_inline_policy_counts_at_the_next_request(backend: STSBackend) -> None:
    creds = _user_with_key("gina")
    role = iam().create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]
    with pytest.raises(ClientError):
        sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    iam().put_user_policy(UserName="gina", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    assert sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s2")["Credentials"]
    iam().delete_user_policy(UserName="gina", PolicyName="p")
    with pytest.raises(ClientError):
        sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s3")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param("{", "This policy contains invalid Json", id="json"),
        pytest.param(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}',
            "Policy statement must contain resources.",
            id="no-resource",
        ),
        pytest.param(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}',
            "Syntax errors in policy.",
            id="effect",
        ),
    ],
)
def test_a_malformed_policy_is_refused_and_changes_nothing(
    backend: STSBackend, document: str, message: str
) -> None:
    iam().create_user(UserName="hal")
    with pytest.raises(ClientError) as exc:
        iam().put_user_policy(UserName="hal", PolicyName="p", PolicyDocument=document)
    assert error_of(exc) == ("MalformedPolicyDocument", message, 400)
    assert backend.default_account.users["hal"].inline_policies == {}
    with pytest.raises(ClientError) as exc:
        iam().create_policy(PolicyName="m", PolicyDocument=document)
    assert error_of(exc)[0] == "MalformedPolicyDocument"
    assert backend.default_account.managed_policies == {}


# -- managed policies ------------------------------------------------------------------


def test_managed_policy_lifecycle(backend: STSBackend) -> None:
    client = iam()
    made = client.create_policy(
        PolicyName="assume", Path="/x/", PolicyDocument=allow("sts:AssumeRole"), Description="d"
    )["Policy"]
    arn = made["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/x/assume"
    assert made["PolicyId"].startswith("ANPA") and made["DefaultVersionId"] == "v1"
    with pytest.raises(ClientError) as exc:
        client.create_policy(PolicyName="assume", Path="/x/", PolicyDocument=allow("s3:*"))
    assert error_of(exc) == (
        "EntityAlreadyExists",
        "A policy called assume already exists. Duplicate names are not allowed.",
        409,
    )
    creds = _user_with_key("ivy")
    role = client.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]
    client.attach_user_policy(UserName="ivy", PolicyArn=arn)
    assert client.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert client.list_attached_user_policies(UserName="ivy")["AttachedPolicies"] == [
        {"PolicyName": "assume", "PolicyArn": arn}
    ]
    assert sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]
    with pytest.raises(ClientError) as exc:
        client.delete_policy(PolicyArn=arn)
    assert error_of(exc) == ("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    client.detach_user_policy(UserName="ivy", PolicyArn=arn)
    with pytest.raises(ClientError):
        sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s2")
    client.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as exc:
        client.get_policy(PolicyArn=arn)
    assert error_of(exc) == ("NoSuchEntity", f"Policy {arn} was not found.", 404)
    with pytest.raises(ClientError) as exc:
        client.attach_role_policy(RoleName="r", PolicyArn=arn)
    assert error_of(exc) == (
        "NoSuchEntity",
        f"Policy {arn} does not exist or is not attachable.",
        404,
    )


def test_a_seeded_managed_policy_attaches_through_iam(backend: STSBackend) -> None:
    seeded = backend.default_account.create_policy("seeded", json.loads(allow("s3:*")))
    iam().create_group(GroupName="g")
    iam().attach_group_policy(GroupName="g", PolicyArn=seeded.arn)
    assert iam().list_attached_group_policies(GroupName="g")["AttachedPolicies"][0][
        "PolicyArn"
    ] == (seeded.arn)


def test_a_role_policy_attached_through_iam_limits_its_sessions_policy(backend: STSBackend) -> None:
    client = iam()
    managed = client.create_policy(PolicyName="m", PolicyDocument=allow("sts:GetCallerIdentity"))
    role = client.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust(backend.default_user.arn)
    )
    client.attach_role_policy(RoleName="r", PolicyArn=managed["Policy"]["Arn"])
    assert backend.default_account.roles["r"].attached_policies[0].name == "m"
    assert role["Role"]["RoleName"] == "r"


# -- permissions boundaries ----------------------------------------------------------------


def test_a_user_boundary_limits_what_its_policies_allow(backend: STSBackend) -> None:
    client = iam()
    creds = _user_with_key("jo")
    role = client.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]
    client.put_user_policy(UserName="jo", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    boundary = client.create_policy(PolicyName="b", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    client.put_user_permissions_boundary(UserName="jo", PermissionsBoundary=boundary)
    assert client.get_user(UserName="jo")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    with pytest.raises(ClientError) as exc:
        sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert error_of(exc)[0] == "AccessDenied"
    client.delete_user_permissions_boundary(UserName="jo")
    assert sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="s2")["Credentials"]


def test_a_role_boundary_limits_its_sessions(backend: STSBackend) -> None:
    client = iam()
    role = client.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust(backend.default_user.arn)
    )
    client.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=allow("sts:*"))
    target = client.create_role(RoleName="next", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]
    creds = sts().assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="a1")["Credentials"]
    session = sts(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert session.assume_role(RoleArn=target["Arn"], RoleSessionName="b1")["Credentials"]
    boundary = client.create_policy(PolicyName="b", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    client.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=boundary)
    with pytest.raises(ClientError) as exc:
        session.assume_role(RoleArn=target["Arn"], RoleSessionName="b2")
    assert error_of(exc)[0] == "AccessDenied"
    client.delete_role_permissions_boundary(RoleName="r")
    assert session.assume_role(RoleArn=target["Arn"], RoleSessionName="b3")["Credentials"]


# -- virtual MFA devices ----------------------------------------------------------------------


def test_virtual_mfa_device_enable_use_deactivate_delete(backend: STSBackend) -> None:
    client = iam()
    creds = _user_with_key("kim")
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="kim-phone")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT}:mfa/kim-phone"
    seed = device["Base32StringSeed"]
    now = time.time()
    first, second = codes(seed, now)

    with pytest.raises(ClientError) as exc:  # the same code twice is not two consecutive codes
        client.enable_mfa_device(
            UserName="kim",
            SerialNumber=serial,
            AuthenticationCode1=second,
            AuthenticationCode2=second,
        )
    assert error_of(exc) == (
        "InvalidAuthenticationCode",
        "Authentication code for device is not valid.",
        403,
    )
    assert backend.mfa_device(serial) is None

    client.enable_mfa_device(
        UserName="kim", SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
    )
    listed = client.list_mfa_devices(UserName="kim")["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]

    registered = backend.mfa_device(serial)
    assert registered is not None
    with pytest.raises(ClientError) as exc:  # a code used to enable the device is spent
        sts(**creds).get_session_token(SerialNumber=serial, TokenCode=second)
    assert error_of(exc)[0] == "AccessDenied"
    fresh = registered.code(now + 30)
    with pytest.raises(ClientError):  # wrong code
        sts(**creds).get_session_token(
            SerialNumber=serial, TokenCode="000000" if fresh != "000000" else "111111"
        )

    with pytest.raises(ClientError) as exc:
        client.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_of(exc) == ("DeleteConflict", "MFA Device is still in use.", 409)
    client.deactivate_mfa_device(UserName="kim", SerialNumber=serial)
    assert backend.mfa_device(serial) is None
    client.delete_virtual_mfa_device(SerialNumber=serial)
    assert client.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_a_device_enabled_through_iam_satisfies_an_mfa_trust_condition(backend: STSBackend) -> None:
    client = iam()
    creds = _user_with_key("lee")
    client.put_user_policy(UserName="lee", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    role = client.create_role(
        RoleName="mfa-only",
        AssumeRolePolicyDocument=trust(ACCOUNT, Bool={"aws:MultiFactorAuthPresent": "true"}),
    )["Role"]
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="lee")["VirtualMFADevice"]
    at = (int(time.time()) // 30) * 30 - 30  # the previous window: its successor is fresh
    first, second = codes(device["Base32StringSeed"], at)
    client.enable_mfa_device(
        UserName="lee",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=first,
        AuthenticationCode2=second,
    )
    with pytest.raises(ClientError):
        sts(**creds).assume_role(RoleArn=role["Arn"], RoleSessionName="no-mfa")
    code = backend.mfa_device(device["SerialNumber"]).code()  # type: ignore[union-attr]
    assumed = sts(**creds).assume_role(
        RoleArn=role["Arn"],
        RoleSessionName="mfa",
        SerialNumber=device["SerialNumber"],
        TokenCode=code,
    )
    assert assumed["Credentials"]


def test_a_virtual_device_name_is_unique(backend: STSBackend) -> None:
    iam().create_virtual_mfa_device(VirtualMFADeviceName="dup")
    with pytest.raises(ClientError) as exc:
        iam().create_virtual_mfa_device(VirtualMFADeviceName="dup")
    assert error_of(exc) == (
        "EntityAlreadyExists",
        "MFADevice entity at the same path and name already exists.",
        409,
    )
