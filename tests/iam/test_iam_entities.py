"""The IAM subset without moto: users, access keys, groups and roles through boto3.

One state, two ways in: what IAM calls create is what STS answers from, and
the seeding API's objects are visible to IAM calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, mock_sts
from tests.helpers.iam import ACCOUNT, allow, error_of, iam, key_kwargs, sts, trust


@pytest.fixture
def backend() -> Iterator[STSBackend]:
    with mock_sts(strict=True) as backend:
        yield backend


# -- users ------------------------------------------------------------------------


def test_user_lifecycle_and_what_aws_answers(backend: STSBackend) -> None:
    client = iam()
    made = client.create_user(UserName="alice", Path="/team/", Tags=[{"Key": "k", "Value": "v"}])
    user = made["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    assert user["Tags"] == [{"Key": "k", "Value": "v"}]
    assert client.get_user(UserName="alice")["User"]["UserId"] == user["UserId"]
    assert backend.default_account.users["alice"].unique_id == user["UserId"]

    with pytest.raises(ClientError) as exc:
        client.create_user(UserName="ALICE")
    assert error_of(exc) == ("EntityAlreadyExists", "User with name ALICE already exists.", 409)

    client.tag_user(UserName="alice", Tags=[{"Key": "K", "Value": "w"}, {"Key": "x", "Value": "y"}])
    client.untag_user(UserName="alice", TagKeys=["x"])
    assert backend.default_account.users["alice"].tags == {"K": "w"}

    client.delete_user(UserName="alice")
    with pytest.raises(ClientError) as exc:
        client.get_user(UserName="alice")
    assert error_of(exc) == ("NoSuchEntity", "The user with name alice cannot be found.", 404)


def test_get_user_without_a_name_is_the_caller(backend: STSBackend) -> None:
    assert iam().get_user()["User"]["Arn"] == backend.default_user.arn


def test_a_seeded_user_is_seen_by_iam(backend: STSBackend) -> None:
    backend.default_account.create_user("seeded", path="/p/")
    names = [u["UserName"] for u in iam().list_users(PathPrefix="/p/")["Users"]]
    assert names == ["seeded"]


@pytest.mark.parametrize(
    ("attach", "message"),
    [
        pytest.param("key", "Cannot delete entity, must delete access keys first.", id="keys"),
        pytest.param("inline", "Cannot delete entity, must delete policies first.", id="inline"),
        pytest.param(
            "group", "Cannot delete entity, must remove user from all groups first.", id="group"
        ),
    ],
)
def test_deleting_a_user_with_something_attached_conflicts(
    backend: STSBackend, attach: str, message: str
) -> None:
    client = iam()
    client.create_user(UserName="bob")
    if attach == "key":
        client.create_access_key(UserName="bob")
    elif attach == "inline":
        client.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow("s3:*"))
    else:
        client.create_group(GroupName="g")
        client.add_user_to_group(GroupName="g", UserName="bob")
    with pytest.raises(ClientError) as exc:
        client.delete_user(UserName="bob")
    assert error_of(exc) == ("DeleteConflict", message, 409)
    assert "bob" in backend.default_account.users


# -- access keys --------------------------------------------------------------------


def test_a_key_created_through_iam_signs_sts_requests(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="carol")
    key = client.create_access_key(UserName="carol")["AccessKey"]
    assert key["Status"] == "Active" and key["AccessKeyId"].startswith("AKIA")
    identity = sts(**key_kwargs(key)).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/carol"

    wrong = dict(key, SecretAccessKey="x" * 40)
    with pytest.raises(ClientError) as exc:
        sts(**key_kwargs(wrong)).get_caller_identity()
    assert error_of(exc)[0] == "SignatureDoesNotMatch"


def test_an_inactive_or_deleted_key_is_refused(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="dan")
    key = client.create_access_key(UserName="dan")["AccessKey"]
    client.update_access_key(UserName="dan", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    listed = client.list_access_keys(UserName="dan")["AccessKeyMetadata"]
    assert [k["Status"] for k in listed] == ["Inactive"]
    with pytest.raises(ClientError) as exc:
        sts(**key_kwargs(key)).get_caller_identity()
    assert error_of(exc)[0] == "InvalidClientTokenId"

    client.update_access_key(UserName="dan", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert sts(**key_kwargs(key)).get_caller_identity()["Account"] == ACCOUNT

    client.delete_access_key(UserName="dan", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as exc:
        sts(**key_kwargs(key)).get_caller_identity()
    assert error_of(exc)[0] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as exc:
        client.delete_access_key(UserName="dan", AccessKeyId=key["AccessKeyId"])
    assert error_of(exc) == (
        "NoSuchEntity",
        f"The Access Key with id {key['AccessKeyId']} cannot be found.",
        404,
    )


def test_a_third_access_key_exceeds_the_quota(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="erin")
    client.create_access_key(UserName="erin")
    client.create_access_key(UserName="erin")
    with pytest.raises(ClientError) as exc:
        client.create_access_key(UserName="erin")
    assert error_of(exc) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
    assert len(backend.default_account.users["erin"].access_keys) == 2


# -- groups ------------------------------------------------------------------------------


def test_a_group_policy_governs_its_members(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="frank")
    key = client.create_access_key(UserName="frank")["AccessKey"]
    role = client.create_role(RoleName="target", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]
    frank = sts(**key_kwargs(key))
    with pytest.raises(ClientError) as exc:  # an account trust needs the caller's own allow
        frank.assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert error_of(exc)[0] == "AccessDenied"

    group = client.create_group(GroupName="assumers", Path="/g/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/g/assumers"
    client.put_group_policy(
        GroupName="assumers", PolicyName="p", PolicyDocument=allow("sts:AssumeRole")
    )
    client.add_user_to_group(GroupName="assumers", UserName="frank")
    assert [u["UserName"] for u in client.get_group(GroupName="assumers")["Users"]] == ["frank"]
    assert frank.assume_role(RoleArn=role["Arn"], RoleSessionName="s2")["Credentials"]

    client.remove_user_from_group(GroupName="assumers", UserName="frank")
    with pytest.raises(ClientError):
        frank.assume_role(RoleArn=role["Arn"], RoleSessionName="s3")
    with pytest.raises(ClientError) as exc:
        client.delete_group(GroupName="assumers")
    assert error_of(exc) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        409,
    )
    client.delete_group_policy(GroupName="assumers", PolicyName="p")
    client.delete_group(GroupName="assumers")
    with pytest.raises(ClientError) as exc:
        client.get_group(GroupName="assumers")
    assert error_of(exc) == ("NoSuchEntity", "The group with name assumers cannot be found.", 404)


# -- roles ---------------------------------------------------------------------------------


def test_role_answers_and_what_sts_makes_of_them(backend: STSBackend) -> None:
    client = iam()
    made = client.create_role(
        RoleName="deploy",
        Path="/ci/",
        AssumeRolePolicyDocument=trust(backend.default_user.arn),
        MaxSessionDuration=7200,
        Description="for CI",
        Tags=[{"Key": "team", "Value": "blue"}],
    )["Role"]
    assert made["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/ci/deploy"
    assert made["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": backend.default_user.arn
    }
    got = client.get_role(RoleName="deploy")["Role"]
    assert (got["RoleId"], got["MaxSessionDuration"], got["Description"]) == (
        made["RoleId"],
        7200,
        "for CI",
    )
    assumed = sts().assume_role(RoleArn=made["Arn"], RoleSessionName="s0", DurationSeconds=7200)
    assert assumed["AssumedRoleUser"]["AssumedRoleId"] == f"{made['RoleId']}:s0"

    client.update_role(RoleName="deploy", MaxSessionDuration=3600)
    with pytest.raises(ClientError) as exc:
        sts().assume_role(RoleArn=made["Arn"], RoleSessionName="s0", DurationSeconds=7200)
    assert error_of(exc)[0] == "ValidationError"


def test_update_assume_role_policy_is_seen_by_the_next_assume_role(backend: STSBackend) -> None:
    client = iam()
    arn = client.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust("arn:aws:iam::999999999999:root")
    )["Role"]["Arn"]
    with pytest.raises(ClientError) as exc:
        sts().assume_role(RoleArn=arn, RoleSessionName="s1")
    assert error_of(exc)[0] == "AccessDenied"
    client.update_assume_role_policy(RoleName="r", PolicyDocument=trust(backend.default_user.arn))
    assert sts().assume_role(RoleArn=arn, RoleSessionName="s2")["Credentials"]
    client.delete_role(RoleName="r")
    with pytest.raises(ClientError) as exc:
        sts().assume_role(RoleArn=arn, RoleSessionName="s3")
    assert error_of(exc)[0] == "AccessDenied"
    assert backend.assert_called("DeleteRole", RoleName="r").service == "iam"


def test_role_tags_count_for_sessions(backend: STSBackend) -> None:
    client = iam()
    client.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust(backend.default_user.arn))
    client.tag_role(RoleName="tagged", Tags=[{"Key": "env", "Value": "prod"}])
    assert backend.default_account.roles["tagged"].tags == {"env": "prod"}
    client.untag_role(RoleName="tagged", TagKeys=["ENV"])
    assert backend.default_account.roles["tagged"].tags == {}


def test_deleting_a_role_with_policies_conflicts(backend: STSBackend) -> None:
    client = iam()
    client.create_role(RoleName="busy", AssumeRolePolicyDocument=trust(ACCOUNT))
    client.put_role_policy(RoleName="busy", PolicyName="p", PolicyDocument=allow("s3:*"))
    with pytest.raises(ClientError) as exc:
        client.delete_role(RoleName="busy")
    assert error_of(exc) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        409,
    )
    assert "busy" in backend.default_account.roles


def test_a_role_with_a_trust_policy_the_grammar_refuses_is_not_created(backend: STSBackend) -> None:
    client = iam()
    with pytest.raises(ClientError) as exc:
        client.create_role(RoleName="bad", AssumeRolePolicyDocument="{not json")
    assert error_of(exc) == ("MalformedPolicyDocument", "This policy contains invalid Json", 400)
    no_principal = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}'
    )
    with pytest.raises(ClientError) as exc:
        client.create_role(RoleName="bad", AssumeRolePolicyDocument=no_principal)
    assert error_of(exc) == ("MalformedPolicyDocument", "Missing required field Principal", 400)
    assert "bad" not in backend.default_account.roles
    assert backend.calls[-1].explanation  # our sentence saying what to fix


def test_create_date_follows_the_backend_clock(backend: STSBackend) -> None:
    before = time.time()
    made = iam().create_role(RoleName="dated", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]
    assert before - 2 <= made["CreateDate"].timestamp() <= time.time() + 2


def test_without_a_user_name_the_operation_is_about_the_caller(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="self")
    client.put_user_policy(UserName="self", PolicyName="iam", PolicyDocument=allow("iam:*"))
    key = client.create_access_key(UserName="self")["AccessKey"]
    own = iam(**key_kwargs(key))
    assert [k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]] == [
        key["AccessKeyId"]
    ]
    assert own.get_user()["User"]["UserName"] == "self"

    role = client.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust(backend.default_user.arn)
    )
    creds = sts().assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="rs")["Credentials"]
    session = iam(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    for call in (session.list_access_keys, session.get_user, session.list_mfa_devices):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (
            "ValidationError",
            "Must specify userName when calling with non-User credentials",
            400,
        )


def test_a_trust_policy_naming_a_missing_principal_is_refused(backend: STSBackend) -> None:
    client = iam()
    ghost = f"arn:aws:iam::{ACCOUNT}:user/ghost"
    with pytest.raises(ClientError) as exc:
        client.create_role(RoleName="haunted", AssumeRolePolicyDocument=trust(ghost))
    assert error_of(exc) == (
        "MalformedPolicyDocument",
        f'Invalid principal in policy: "AWS":"{ghost}"',
        400,
    )
    assert "haunted" not in backend.default_account.roles
    client.create_role(RoleName="ok", AssumeRolePolicyDocument=trust(ACCOUNT))
    with pytest.raises(ClientError) as exc:
        client.update_assume_role_policy(RoleName="ok", PolicyDocument=trust(ghost))
    assert error_of(exc)[0] == "MalformedPolicyDocument"


def test_a_user_deleted_through_iam_is_forgotten_by_trust_policies(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="leaver")
    arn = f"arn:aws:iam::{ACCOUNT}:user/leaver"
    client.create_role(RoleName="r", AssumeRolePolicyDocument=trust(arn))
    client.delete_user(UserName="leaver")
    client.create_user(UserName="leaver")  # same name, a new principal
    key = client.create_access_key(UserName="leaver")["AccessKey"]
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/r"
    with pytest.raises(ClientError) as exc:
        sts(**key_kwargs(key)).assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert error_of(exc)[0] == "AccessDenied"


def test_one_document_text_serves_many_roles_and_a_refused_one_is_refused_each_time(
    backend: STSBackend,
) -> None:
    # Parsed documents are kept per text (a speed measure): what each role answers and
    # what each refusal says must not depend on whether the text was seen before.
    client = iam()
    text = trust(f"arn:aws:iam::{ACCOUNT}:user/stsmock")
    first = client.create_role(RoleName="one", AssumeRolePolicyDocument=text)["Role"]
    second = client.create_role(RoleName="two", AssumeRolePolicyDocument=text)["Role"]
    assert first["AssumeRolePolicyDocument"] == second["AssumeRolePolicyDocument"]
    assert client.get_role(RoleName="two")["Role"]["AssumeRolePolicyDocument"] == json.loads(text)
    client.update_assume_role_policy(RoleName="one", PolicyDocument=trust("111122223333"))
    assert backend.default_account.roles["two"].trust_policy_source == json.loads(text)
    bad = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    for attempt in ("three", "four"):
        with pytest.raises(ClientError) as refused:
            client.create_role(RoleName=attempt, AssumeRolePolicyDocument=bad)
        assert error_of(refused)[0] == "MalformedPolicyDocument"
        assert attempt not in backend.default_account.roles
    assert [c.error_code for c in backend.calls[-2:]] == ["MalformedPolicyDocument"] * 2
