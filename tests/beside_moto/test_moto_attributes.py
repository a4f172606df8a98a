"""One test per attribute of moto's IAM models that pytest-stsmock reads.

``pytest_stsmock._moto`` is the one module that knows moto's internals; each
reader there has a test here, so a moto release that moves one attribute
fails one named test.  State is made through boto3 under ``mock_aws``, as a
moto user makes it, then read through the reader.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from pytest_stsmock import _moto

ACCOUNT = "123456789012"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}
        ],
    }
)
DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


@pytest.fixture
def iam() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


def _backend() -> Any:
    backend = _moto._iam_backend(ACCOUNT)
    assert backend is not None
    return backend


def test_the_stubber_says_whether_mock_aws_is_active() -> None:
    assert not _moto.aws_mock_active()
    with mock_aws():
        assert _moto.aws_mock_active()
    assert not _moto.aws_mock_active()


def test_iam_backends_by_account_and_partition(iam: Any) -> None:
    iam.create_user(UserName="u")
    assert _moto._iam_backend(ACCOUNT) is not None
    assert _moto._iam_backend("999999999999") is None  # never made by a read


def test_roles_by_name(iam: Any) -> None:
    made = iam.create_role(RoleName="Finder", AssumeRolePolicyDocument=TRUST)["Role"]
    found = _moto.role_named(_backend(), "finder")
    assert found is not None and found.id == made["RoleId"]


def test_role_trust_policy_path_and_id(iam: Any) -> None:
    made = iam.create_role(RoleName="r", Path="/p/", AssumeRolePolicyDocument=TRUST)["Role"]
    role = _moto.role_named(_backend(), "r")
    assert json.loads(role.assume_role_policy_document) == json.loads(TRUST)
    assert (role.path, role.id, role.name) == ("/p/", made["RoleId"], "r")
    assert role.create_date is not None


def test_role_tags(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "k", "Value": "v"}])
    assert _moto.role_tags(_moto.role_named(_backend(), "r")) == {"k": "v"}


def test_role_max_session_duration(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST, MaxSessionDuration=7200)
    iam.create_role(RoleName="d", AssumeRolePolicyDocument=TRUST)
    assert _moto.max_session_duration(_moto.role_named(_backend(), "r")) == 7200
    assert _moto.max_session_duration(_moto.role_named(_backend(), "d")) == 3600


def test_role_permissions_boundary_arn(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="b", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST, PermissionsBoundary=arn)
    assert _moto.role_boundary_arn(_moto.role_named(_backend(), "r")) == arn
    iam.create_role(RoleName="none", AssumeRolePolicyDocument=TRUST)
    assert _moto.role_boundary_arn(_moto.role_named(_backend(), "none")) is None


def test_role_description(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST, Description="d")
    assert _moto.role_named(_backend(), "r").description == "d"


def test_inline_policies_of_users_roles_and_groups(iam: Any) -> None:
    iam.create_user(UserName="u")
    iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=DOC)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=DOC)
    iam.create_group(GroupName="g")
    iam.put_group_policy(GroupName="g", PolicyName="p", PolicyDocument=DOC)
    backend = _backend()
    holders = [backend.users["u"], _moto.role_named(backend, "r"), backend.groups["g"]]
    for holder in holders:
        assert json.loads(holder.policies["p"]) == json.loads(DOC)


def test_attached_managed_policies_and_their_default_version(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="m", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=DOC.replace("s3:*", "s3:x"), SetAsDefault=True
    )
    policy = _backend().users["u"].managed_policies[arn]
    assert (policy.arn, policy.name) == (arn, "m")
    assert "s3:x" in _moto.default_document(policy)
    assert _backend().managed_policies[arn] is policy


def test_users_path_id_and_tags(iam: Any) -> None:
    made = iam.create_user(UserName="u", Path="/t/", Tags=[{"Key": "k", "Value": "v"}])["User"]
    user = _backend().users["u"]
    assert (user.name, user.path, user.id) == ("u", "/t/", made["UserId"])
    assert _moto.user_tags(_backend(), user) == {"k": "v"}


def test_access_keys_with_secret_and_status(iam: Any) -> None:
    iam.create_user(UserName="u")
    key = iam.create_access_key(UserName="u")["AccessKey"]
    iam.update_access_key(UserName="u", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    (held,) = _backend().users["u"].access_keys
    assert (held.access_key_id, held.secret_access_key, held.status) == (
        key["AccessKeyId"],
        key["SecretAccessKey"],
        "Inactive",
    )
    assert held.create_date is not None


def test_groups_and_their_members(iam: Any) -> None:
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    backend = _backend()
    assert [g.name for g in _moto.groups_of(backend, backend.users["u"])] == ["g"]


def test_virtual_mfa_devices_with_seed_and_user(iam: Any) -> None:
    iam.create_user(UserName="u")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="d")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    iam.enable_mfa_device(
        UserName="u",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    held = _backend().virtual_mfa_devices[serial]
    assert held.serial_number == serial and held.user is _backend().users["u"]
    assert _moto.device_seed(held) == device["Base32StringSeed"].decode("ascii")
    assert serial in _backend().users["u"].mfa_devices


def test_device_seed_in_either_encoding() -> None:
    class Device:
        base32_string_seed = "JBSWY3DPEHPK3PXP"

    assert _moto.device_seed(Device()) == "JBSWY3DPEHPK3PXP"
    Device.base32_string_seed = base64.b64encode(b"JBSWY3DPEHPK3PXP").decode()  # moto 5.0
    assert _moto.device_seed(Device()) == "JBSWY3DPEHPK3PXP"


def test_saml_providers_by_name_and_their_metadata_document(iam: Any) -> None:
    metadata = "<md:EntityDescriptor/>" + " " * 1000
    iam.create_saml_provider(Name="corp", SAMLMetadataDocument=metadata)
    found = _backend().saml_providers["corp"]
    assert found.saml_metadata_document == metadata


def test_oidc_providers_by_arn_with_the_url_without_its_scheme(iam: Any) -> None:
    iam.create_open_id_connect_provider(
        Url="https://oidc.example.com/id/A", ClientIDList=["aud"], ThumbprintList=["a" * 40]
    )
    found = _moto.oidc_provider_named(_backend(), ACCOUNT, "oidc.example.com/id/A")
    assert found is not None and found.url == "oidc.example.com/id/A"
    assert _moto.oidc_provider_named(_backend(), ACCOUNT, "oidc.example.com") is None


def test_oidc_client_ids_thumbprints_and_tags(iam: Any) -> None:
    arn = iam.create_open_id_connect_provider(
        Url="https://oidc.example.com",
        ClientIDList=["one", "two"],
        ThumbprintList=["A" * 40],
        Tags=[{"Key": "team", "Value": "ci"}],
    )["OpenIDConnectProviderArn"]
    found = _backend().open_id_providers[arn]
    assert _moto.oidc_settings(found) == (["one", "two"], ["a" * 40], {"team": "ci"})
