"""The --state format: what it seeds, how a bad field is named, all or nothing, merging."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import StsMockError
from pytest_stsmock.backend import STSBackend
from pytest_stsmock.server import StsServer
from tests.helpers.server import (
    ACCOUNT,
    ALICE_KEY,
    ALICE_MFA_SECRET,
    ALICE_SECRET,
    ALLOW_STS,
    ROLE_ARN,
    admin,
    state,
)

USERS = ("accounts", ACCOUNT, "users")


def test_the_example_state_seeds_users_keys_mfa_roles_and_policies(
    server: StsServer, make_client: Callable[..., Any]
) -> None:
    account = server.backend.account(ACCOUNT)
    alice = account.users["alice"]
    assert alice.tags == {"team": "blue"}
    assert [k.access_key_id for k in alice.access_keys] == [ALICE_KEY]
    device = alice.mfa_devices[0]
    assert device.secret == ALICE_MFA_SECRET
    assert device.code() == pyotp.TOTP(ALICE_MFA_SECRET).now()
    role = account.roles["deployer"]
    assert role.max_session_duration == 7200
    assert list(account.managed_policies) == [f"arn:aws:iam::{ACCOUNT}:policy/AllowSts"]
    sts = make_client(server.endpoint_url)
    creds = sts.assume_role(
        RoleArn=ROLE_ARN,
        RoleSessionName="mfa",
        SerialNumber=device.serial_number,
        TokenCode=pyotp.TOTP(ALICE_MFA_SECRET).now(),  # computed outside the backend
        DurationSeconds=7200,
    )["Credentials"]
    session = server.backend.session(creds["AccessKeyId"])
    assert session is not None and session.mfa_authenticated


def test_root_keys_boundaries_and_disabled_regions(make_client: Callable[..., Any]) -> None:
    doc = {
        "accounts": {
            "444455556666": {
                "policies": {"Boundary": {"document": ALLOW_STS, "path": "/b/"}},
                "root": {
                    "access_keys": [
                        {"access_key_id": "AKIAROOT000000000001", "secret_access_key": "r" * 40}
                    ]
                },
                "roles": {
                    "bounded": {
                        "trust_policy": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"AWS": "*"},
                                    "Action": "sts:AssumeRole",
                                }
                            ],
                        },
                        "permissions_boundary": "arn:aws:iam::444455556666:policy/b/Boundary",
                    }
                },
                "disabled_regions": ["ap-east-1"],
            }
        }
    }
    with StsServer(state=doc) as server:
        account = server.backend.account("444455556666")
        assert account.roles["bounded"].permissions_boundary is not None
        assert account.disabled_regions == {"ap-east-1"}
        root = make_client(server.endpoint_url, "AKIAROOT000000000001", "r" * 40)
        assert root.get_caller_identity()["Arn"] == "arn:aws:iam::444455556666:root"
        in_disabled = make_client(
            server.endpoint_url, "AKIAROOT000000000001", "r" * 40, region_name="ap-east-1"
        )
        # Credentials are refused in a disabled region; the caller's identity is not.
        with pytest.raises(ClientError, match="RegionDisabledException"):
            in_disabled.get_session_token()


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = state()
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _without(path: tuple[Any, ...]) -> dict[str, Any]:
    doc = state()
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


ALICE = (*USERS, "alice")
KEY0 = (*ALICE, "access_keys", 0)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_with(("accounts", "12"), {}), 'accounts["12"]: an account id is exactly 12 digits'),
        (
            _without((*KEY0, "secret_access_key")),
            'accounts["111122223333"].users["alice"].access_keys[0].secret_access_key: is required',
        ),
        (
            _with((*KEY0, "access_key_id"), "XYZ"),
            'accounts["111122223333"].users["alice"].access_keys[0]: access_key_id \'XYZ\' '
            "must be AKIA",
        ),
        (
            _with((*ALICE, "acess_keys"), []),
            'accounts["111122223333"].users["alice"].acess_keys: unknown field; '
            "did you mean 'access_keys'?",
        ),
        (
            _with((*ALICE, "tags"), {"team": 1}),
            'accounts["111122223333"].users["alice"].tags["team"]: must be a string, not a number',
        ),
        (
            _with((*ALICE, "policies"), ["Nope"]),
            'accounts["111122223333"].users["alice"].policies[0]: no managed policy \'Nope\'',
        ),
        (
            _with((*ALICE, "mfa_devices"), [{"secret": "not base32!"}]),
            'accounts["111122223333"].users["alice"].mfa_devices[0]: An MFA secret must be base32',
        ),
        (
            _with(("accounts", ACCOUNT, "roles", "deployer", "trust_policy"), {"Statement": 3}),
            'accounts["111122223333"].roles["deployer"]: ',
        ),
        (
            _without(("accounts", ACCOUNT, "roles", "deployer", "trust_policy")),
            'accounts["111122223333"].roles["deployer"].trust_policy: is required',
        ),
        (
            _with(("accounts", ACCOUNT, "roles", "deployer", "max_session_duration"), 60),
            'accounts["111122223333"].roles["deployer"]: max_session_duration',
        ),
        (_with(("version",), 2), "version: must be 1"),
        (_with(("accounts",), []), "accounts: must be a JSON object, not an array"),
        (_with((*ALICE, "access_keys"), {}), 'users["alice"].access_keys: must be a JSON array'),
        (
            _with(("accounts", ACCOUNT, "policies", "AllowSts"), {"path": "/"}),
            'policies["AllowSts"].document: is required',
        ),
        (_with((*ALICE, "policies"), [3]), 'users["alice"].policies[0]: must be a policy document'),
        (
            _with(("accounts", ACCOUNT, "roles", "deployer", "max_session_duration"), "1h"),
            "max_session_duration: must be a whole number of seconds",
        ),
        (
            _with(("accounts", ACCOUNT, "roles", "deployer", "permissions_boundary"), 5),
            "permissions_boundary: must be a policy document",
        ),
        (_with(("organisations",), []), "organisations: unknown field"),
        (_with(("accounts", ACCOUNT, "users", "bad name!"), {}), 'users["bad name!"]: User name'),
    ],
)
def test_a_bad_field_is_named_by_its_path(document: dict[str, Any], message: str) -> None:
    with pytest.raises(StsMockError) as raised:
        StsServer(state=document)
    assert str(raised.value).startswith(message) or message in str(raised.value), raised.value


def test_a_bad_document_changes_nothing(server: StsServer) -> None:
    before = copy.copy(server.backend.accounts)
    doc = {
        "accounts": {
            "999988887777": {"users": {"bob": {}}},
            ACCOUNT: {
                "users": {"carol": {}},
                "roles": {"broken": {"trust_policy": {"Statement": "nope"}}},
            },
        }
    }
    status, answer = admin(server.endpoint_url, "POST", "state", doc)
    assert status == 400 and answer["error"] == "InvalidState"
    assert answer["message"].startswith('accounts["111122223333"].roles["broken"]')
    assert server.backend.accounts == before
    assert "carol" not in server.backend.account(ACCOUNT).users


def test_post_state_merges_and_refuses_what_exists(
    server: StsServer, make_client: Callable[..., Any]
) -> None:
    bob_key = {"access_key_id": "AKIABOB0000000000001", "secret_access_key": "b" * 40}
    doc = {"accounts": {ACCOUNT: {"users": {"bob": {"access_keys": [bob_key]}}}}}
    status, answer = admin(server.endpoint_url, "POST", "state", doc)
    assert status == 200 and answer["added"]["users"] == 1 and answer["added"]["access_keys"] == 1
    account = server.backend.account(ACCOUNT)
    assert set(account.users) == {"alice", "bob"}
    bob = make_client(server.endpoint_url, bob_key["access_key_id"], "b" * 40)
    assert bob.get_caller_identity()["Arn"].endswith(":user/bob")
    again = admin(server.endpoint_url, "POST", "state", doc)
    assert again == (
        400,
        {
            "error": "InvalidState",
            "message": 'accounts["111122223333"].users["bob"]: '
            "User 'bob' already exists in account 111122223333; pick another name.",
        },
    )
    reused = {"accounts": {"999988887777": {"users": {"dave": {"access_keys": [bob_key]}}}}}
    status, answer = admin(server.endpoint_url, "POST", "state", reused)
    assert status == 400 and "access key AKIABOB0000000000001 already exists" in answer["message"]
    assert "999988887777" not in server.backend.accounts
    # a later document may attach a managed policy an earlier one created
    later = {"accounts": {ACCOUNT: {"users": {"erin": {"policies": ["AllowSts"]}}}}}
    assert admin(server.endpoint_url, "POST", "state", later)[0] == 200


def test_reset_returns_to_the_state_the_server_started_with(
    server: StsServer, make_client: Callable[..., Any]
) -> None:
    make_client(server.endpoint_url).get_caller_identity()
    admin(server.endpoint_url, "POST", "state", {"accounts": {ACCOUNT: {"users": {"bob": {}}}}})
    assert admin(server.endpoint_url, "POST", "reset") == (200, {"status": "reset"})
    assert server.backend.calls == []
    assert set(server.backend.account(ACCOUNT).users) == {"alice"}
    assert make_client(server.endpoint_url).get_caller_identity()["Account"] == ACCOUNT


def test_fixed_keys_through_the_seeding_api() -> None:
    backend = STSBackend()
    user = backend.default_account.create_user("fixed")
    key = user.create_access_key(ALICE_KEY, ALICE_SECRET)
    assert backend.access_key(ALICE_KEY) is key
    with pytest.raises(StsMockError, match="already exists"):
        user.create_access_key(ALICE_KEY, ALICE_SECRET)
    with pytest.raises(StsMockError, match="both"):
        user.create_access_key(ALICE_KEY)
    with pytest.raises(StsMockError, match="secret_access_key must be"):
        user.create_access_key("AKIAFIXED00000000002", "short")
    device = user.add_mfa_device(secret=ALICE_MFA_SECRET)
    assert device.code() == pyotp.TOTP(ALICE_MFA_SECRET).now()


def test_the_readmes_state_example_loads_and_works(make_client: Callable[..., Any]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    (example,) = re.findall(r"```json\n(.*?)```", readme, flags=re.DOTALL)
    with StsServer(state=json.loads(example)) as server:
        account = server.backend.account(ACCOUNT)
        assert account.roles["deployer"].permissions_boundary is not None
        assert account.users["alice"].mfa_devices[0].secret == ALICE_MFA_SECRET
        sts = make_client(server.endpoint_url)
        assert sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="readme")["Credentials"]
        root = make_client(server.endpoint_url, "AKIAROOT000000000001", "rootsecret" * 4)
        assert root.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_inline_documents_and_conflicts_with_existing_policies_and_devices(
    server: StsServer,
) -> None:
    inline = {"accounts": {ACCOUNT: {"users": {"inline": {"policies": [ALLOW_STS]}}}}}
    assert admin(server.endpoint_url, "POST", "state", inline)[0] == 200
    assert len(server.backend.account(ACCOUNT).users["inline"].policies) == 1
    again = {"accounts": {ACCOUNT: {"policies": {"AllowSts": {"document": ALLOW_STS}}}}}
    status, answer = admin(server.endpoint_url, "POST", "state", again)
    assert status == 400
    assert answer["message"] == (
        'accounts["111122223333"].policies["AllowSts"]: '
        "Policy arn:aws:iam::111122223333:policy/AllowSts already exists; pick another name."
    )
    serial = server.backend.account(ACCOUNT).users["alice"].mfa_devices[0].serial_number
    device = {"accounts": {ACCOUNT: {"root": {"mfa_devices": [{"serial_number": serial}]}}}}
    status, answer = admin(server.endpoint_url, "POST", "state", device)
    assert status == 400 and f"MFA device {serial} already exists" in answer["message"]
    status, answer = admin(server.endpoint_url, "POST", "state", b"\xff\xfe")
    assert status == 400 and "not valid JSON" in answer["message"]


def test_trust_may_name_users_on_the_server_or_later_in_the_document(server: StsServer) -> None:
    trusting = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        f"arn:aws:iam::{ACCOUNT}:user/alice",  # on the server already
                        "arn:aws:iam::999988887777:user/zed",  # in a later account of this doc
                    ]
                },
                "Action": "sts:AssumeRole",
            }
        ],
    }
    doc = {
        "accounts": {
            "444455556666": {"roles": {"shared": {"trust_policy": trusting}}},
            "999988887777": {"users": {"zed": {}}},
        }
    }
    status, answer = admin(server.endpoint_url, "POST", "state", doc)
    assert status == 200, answer
    missing = {"accounts": {"444455556666": {"roles": {"other": {"trust_policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"AWS": "arn:aws:iam::999988887777:user/nobody"}}],
    }}}}}}  # fmt: skip
    status, answer = admin(server.endpoint_url, "POST", "state", missing)
    assert status == 400 and answer["message"].startswith('accounts["444455556666"].roles["other"]')
    assert "which does not exist" in answer["message"]
