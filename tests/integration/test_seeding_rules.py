"""IAM's rules at seeding: key quota, principals that exist, unique IDs, same-account PolicyArns."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, StsMockError
from tests.helpers.clients import error_of, sts
from tests.helpers.policies import ADMIN

ASSUME_ANY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


def _trusting(*arns: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": list(arns)}, "Action": "sts:AssumeRole"}
        ],
    }


def test_a_third_access_key_is_refused_as_iam_would() -> None:
    backend = STSBackend()
    user = backend.default_account.create_user("two-keys")
    user.create_access_key()
    user.create_access_key()
    with pytest.raises(StsMockError) as raised:
        user.create_access_key()
    assert str(raised.value) == (
        "arn:aws:iam::123456789012:user/two-keys already has 2 access keys, IAM's limit (IAM "
        "answers LimitExceeded for a third); reuse one of principal.access_keys instead."
    )
    assert len(user.access_keys) == 2
    root = backend.default_account.root
    root.create_access_key()
    root.create_access_key()
    with pytest.raises(StsMockError, match="IAM's limit"):
        root.create_access_key()


@pytest.mark.parametrize(
    "missing",
    [
        "arn:aws:iam::123456789012:user/nobody",
        "arn:aws:iam::123456789012:role/no-role",
        "arn:aws:iam::999988887777:user/in-an-unseeded-account",
        "arn:aws:iam::123456789012:user/wrong-path/stsmock",
    ],
)
def test_a_trust_policy_naming_a_principal_that_does_not_exist_is_refused(missing: str) -> None:
    backend = STSBackend()
    acct = backend.default_account
    with pytest.raises(StsMockError) as raised:
        acct.create_role("r", trust_policy=_trusting(backend.default_user.arn, missing))
    assert str(raised.value) == (
        f"The trust policy of arn:aws:iam::123456789012:role/r names {missing}, which does not "
        "exist; IAM refuses it (MalformedPolicyDocument: Invalid principal in policy): create "
        "that principal first."
    )
    assert "r" not in acct.roles
    role = acct.create_role("r", trust_policy=_trusting(backend.default_user.arn))
    with pytest.raises(StsMockError, match="which does not exist"):
        role.update_trust_policy(_trusting(missing))
    assert role.trust_policy == _trusting(backend.default_user.arn)


def test_accounts_wildcards_and_sessions_are_not_looked_up() -> None:
    acct = STSBackend().default_account
    acct.create_role(
        "r",
        trust_policy=_trusting(
            "999988887777",
            "arn:aws:iam::999988887777:root",
            "*",
            "arn:aws:sts::999988887777:assumed-role/some-role/some-session",
        ),
    )


def test_a_role_can_trust_itself_only_once_it_exists() -> None:
    acct = STSBackend().default_account
    arn = "arn:aws:iam::123456789012:role/self"
    with pytest.raises(StsMockError, match="which does not exist"):
        acct.create_role("self", trust_policy=_trusting(arn))
    role = acct.create_role("self", trust_policy=_trusting("123456789012"))
    role.update_trust_policy(_trusting(arn))


def test_a_recreated_user_of_the_same_name_is_no_longer_trusted(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    alice = acct.create_user("alice", policies=[ASSUME_ANY])
    role = acct.create_role("r", trust_policy=_trusting(alice.arn))
    sts(**alice.create_access_key().client_kwargs).assume_role(
        RoleArn=role.arn, RoleSessionName="before"
    )
    old_id = alice.unique_id
    acct.delete_user("alice")
    assert role.trust_policy["Statement"][0]["Principal"]["AWS"] == [old_id]  # as IAM shows it
    again = acct.create_user("alice", policies=[ASSUME_ANY])
    assert again.arn == alice.arn and again.unique_id != old_id
    with pytest.raises(ClientError) as denied:
        sts(**again.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="after"
        )
    assert error_of(denied)[0] == "AccessDenied"
    sts_backend.assert_called_once("AssumeRole", error_code=None, RoleSessionName="before")
    # Naming the new user again (as an IAM admin would) trusts it.
    role.update_trust_policy(_trusting(again.arn))
    sts(**again.access_keys[0].client_kwargs).assume_role(
        RoleArn=role.arn, RoleSessionName="renamed"
    )


def test_a_recreated_role_of_the_same_name_is_no_longer_trusted(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    trust_account = _trusting(acct.id)
    first = acct.create_role("hop", trust_policy=trust_account, policies=[ASSUME_ANY])
    target = acct.create_role("target", trust_policy=_trusting(first.arn))
    acct.delete_role("hop")
    acct.create_role("hop", trust_policy=trust_account, policies=[ADMIN])
    hop = sts().assume_role(RoleArn=first.arn, RoleSessionName="hop")["Credentials"]
    chained = sts(
        aws_access_key_id=hop["AccessKeyId"],
        aws_secret_access_key=hop["SecretAccessKey"],
        aws_session_token=hop["SessionToken"],
    )
    with pytest.raises(ClientError) as denied:
        chained.assume_role(RoleArn=target.arn, RoleSessionName="target")
    assert error_of(denied)[0] == "AccessDenied"


def test_deleting_what_does_not_exist_says_so() -> None:
    acct = STSBackend().default_account
    with pytest.raises(StsMockError, match="No user 'ghost' in account 123456789012"):
        acct.delete_user("ghost")
    with pytest.raises(StsMockError, match="No role 'ghost' in account 123456789012"):
        acct.delete_role("ghost")


def test_policy_arns_of_another_account_are_refused(sts_backend: STSBackend) -> None:
    other = sts_backend.account("444455556666")
    foreign = other.create_policy("Foreign", ADMIN)
    own = sts_backend.default_account.create_policy("Own", ADMIN)
    role = sts_backend.default_account.create_role(
        "r", trust_policy=_trusting(sts_backend.default_user.arn)
    )
    client = sts()
    client.assume_role(RoleArn=role.arn, RoleSessionName="own", PolicyArns=[{"arn": own.arn}])
    with pytest.raises(ClientError) as refused:
        client.assume_role(
            RoleArn=role.arn, RoleSessionName="foreign", PolicyArns=[{"arn": foreign.arn}]
        )
    assert error_of(refused) == (
        "MalformedPolicyDocument",
        f"Policy {foreign.arn} does not exist or is not attachable.",
        400,
    )
    call = sts_backend.assert_called_once("AssumeRole", error_code="MalformedPolicyDocument")
    assert call.explanation == (
        f"the managed policy {foreign.arn} is in account 444455556666, but PolicyArns must name "
        "policies of the same account as the session (123456789012)"
    )
    with pytest.raises(ClientError) as federated:
        client.get_federation_token(Name="fed", PolicyArns=[{"arn": foreign.arn}])
    assert error_of(federated)[0] == "MalformedPolicyDocument"
