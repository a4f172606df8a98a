"""AssumeRoot: organizations, delegated administrators, root-task policies, every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.assume_root import AssumeRootRequest, assume_root
from pytest_stsmock.backend.authz import evaluate_identity
from pytest_stsmock.backend.identity import caller_for_key, caller_for_session
from pytest_stsmock.backend.root_tasks import ROOT_TASK_POLICIES, TASK_POLICY_PREFIX
from pytest_stsmock.errors import AwsError, StsMockError
from tests.helpers.clients import client_for, error_of, sts
from tests.helpers.models import needs_sts_member
from tests.helpers.policies import ADMIN

MANAGEMENT = "111111111111"
MEMBER = "222222222222"
ADMIN_ACCOUNT = "333333333333"
OUTSIDER = "444444444444"
AUDIT = TASK_POLICY_PREFIX + "IAMAuditRootUserCredentials"
UNLOCK_S3 = TASK_POLICY_PREFIX + "S3UnlockBucketPolicy"
ASSUME_ROOT_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*"}],
}


def _operator(sts_backend: STSBackend, account: str, policy: Any = ADMIN) -> Any:
    user = sts_backend.account(account).create_user("operator", policies=[policy])
    return sts(**user.create_access_key().client_kwargs)


@pytest.fixture
def org(sts_backend: STSBackend) -> Any:
    organization = sts_backend.create_organization(MANAGEMENT, [MEMBER, ADMIN_ACCOUNT])
    return organization


def _assume_root(client: Any, target: str = MEMBER, task: str = AUDIT, **kw: Any) -> Any:
    return client.assume_root(TargetPrincipal=target, TaskPolicyArn={"arn": task}, **kw)


def _refusal(client: Any, target: str = MEMBER, task: str = AUDIT) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc:
        _assume_root(client, target, task)
    return error_of(exc)


def test_the_session_is_the_member_accounts_root(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc), tick=False):
        result = _assume_root(client)
        creds = result["Credentials"]
        identity = client_for(creds).get_caller_identity()
    assert creds["Expiration"] == dt.datetime(2026, 5, 1, 0, 15, tzinfo=dt.timezone.utc)
    assert creds["AccessKeyId"].startswith("ASIA")
    assert creds["SessionToken"].startswith("IQoJb3JpZ2luX2Vj")
    assert identity["Arn"] == f"arn:aws:iam::{MEMBER}:root"
    assert identity["UserId"] == MEMBER
    assert identity["Account"] == MEMBER
    session = sts_backend.session(creds["AccessKeyId"])
    assert session is not None and session.kind == "root-session"
    assert session.policy_arns == [AUDIT]
    call = sts_backend.assert_called("AssumeRoot", TargetPrincipal=MEMBER)
    assert call.error_code is None


def test_target_may_be_the_root_arn_and_duration_is_honoured(
    sts_backend: STSBackend, org: Any
) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc), tick=False):
        creds = _assume_root(client, f"arn:aws:iam::{MEMBER}:root", DurationSeconds=60)[
            "Credentials"
        ]
    assert creds["Expiration"] == dt.datetime(2026, 5, 1, 0, 1, tzinfo=dt.timezone.utc)


def test_duration_above_900_is_a_validation_error(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    with pytest.raises(ClientError) as exc:
        _assume_root(client, DurationSeconds=901)
    assert error_of(exc) == (
        "ValidationError",
        "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value less than or equal to 900",
        400,
    )


def test_a_delegated_administrator_may_call_it(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, ADMIN_ACCOUNT)
    assert _refusal(client)[0] == "AccessDenied"
    org.register_delegated_administrator(ADMIN_ACCOUNT)
    creds = _assume_root(client)["Credentials"]
    assert client_for(creds).get_caller_identity()["Arn"] == f"arn:aws:iam::{MEMBER}:root"


@pytest.mark.parametrize("task", sorted(ROOT_TASK_POLICIES))
def test_each_task_policy_allows_exactly_its_actions(
    sts_backend: STSBackend, org: Any, task: str
) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    creds = _assume_root(client, task=TASK_POLICY_PREFIX + task)["Credentials"]
    session = sts_backend.session(creds["AccessKeyId"])
    assert session is not None
    caller = caller_for_session(session)
    now = sts_backend.now()
    root_arn = f"arn:aws:iam::{MEMBER}:root"
    for action in ROOT_TASK_POLICIES[task]:
        assert evaluate_identity(sts_backend, caller, action, root_arn, now, {}).allowed, action
    for other in ("iam:CreateUser", "s3:GetObject", "sts:AssumeRole", "iam:CreateAccessKey"):
        verdict = evaluate_identity(sts_backend, caller, other, root_arn, now, {})
        assert not verdict.allowed, other
        assert f"can do only what {TASK_POLICY_PREFIX + task} allows" in verdict.explain()


def test_the_root_session_cannot_chain(sts_backend: STSBackend, org: Any) -> None:
    target = sts_backend.account(MEMBER).create_role(
        "anyone",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}],
        },
    )
    root = client_for(_assume_root(_operator(sts_backend, MANAGEMENT))["Credentials"])
    with pytest.raises(ClientError) as exc:
        root.assume_role(RoleArn=target.arn, RoleSessionName="chain")
    assert error_of(exc) == ("AccessDenied", "Roles may not be assumed by root accounts.", 403)
    for call in (root.get_session_token, lambda: root.get_federation_token(Name="fed")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc)[0] == "AccessDenied"
    with pytest.raises(ClientError) as exc:
        _assume_root(root)
    assert error_of(exc)[0] == "AccessDenied"
    with pytest.raises(ClientError) as exc:
        root.decode_authorization_message(EncodedMessage="x")
    assert error_of(exc) == (
        "AccessDenied",
        f"User: arn:aws:iam::{MEMBER}:root is not authorized to perform: "
        "sts:DecodeAuthorizationMessage",
        403,
    )


def _not_authorized(caller: str, target: str = MEMBER) -> tuple[str, str, int]:
    return (
        "AccessDenied",
        f"User: {caller} is not authorized to perform: sts:AssumeRoot on resource: "
        f"arn:aws:iam::{target}:root",
        403,
    )


def test_refused_outside_an_organization(sts_backend: STSBackend) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    assert _refusal(client) == _not_authorized(f"arn:aws:iam::{MANAGEMENT}:user/operator")
    explanation = sts_backend.calls[-1].explanation or ""
    assert "is in no organization" in explanation
    assert sts_backend.sessions == []
    decoded = sts().decode_authorization_message(
        EncodedMessage=sts_backend.calls[-1].encoded_authorization_message
    )["DecodedMessage"]
    assert '"explicitDeny":false' in decoded
    assert f'"resource":"arn:aws:iam::{MEMBER}:root"' in decoded


def test_refused_for_a_member_that_is_no_administrator(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, ADMIN_ACCOUNT)
    assert _refusal(client) == _not_authorized(f"arn:aws:iam::{ADMIN_ACCOUNT}:user/operator")
    assert "nor a delegated administrator" in (sts_backend.calls[-1].explanation or "")


def test_refused_for_a_target_outside_the_organization(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    assert _refusal(client, OUTSIDER) == _not_authorized(
        f"arn:aws:iam::{MANAGEMENT}:user/operator", OUTSIDER
    )
    assert "is not a member account" in (sts_backend.calls[-1].explanation or "")
    # The management account is not a member either.
    assert _refusal(client, MANAGEMENT)[0] == "AccessDenied"


def test_refused_when_centralized_root_access_is_off(sts_backend: STSBackend, org: Any) -> None:
    org.disable_centralized_root_access()
    client = _operator(sts_backend, MANAGEMENT)
    assert _refusal(client) == _not_authorized(f"arn:aws:iam::{MANAGEMENT}:user/operator")
    assert "centralized root access is turned off" in (sts_backend.calls[-1].explanation or "")
    org.enable_centralized_root_access()
    assert _assume_root(client)["Credentials"]


def test_refused_without_permission(sts_backend: STSBackend, org: Any) -> None:
    nothing = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
    }
    client = _operator(sts_backend, MANAGEMENT, nothing)
    assert _refusal(client) == _not_authorized(f"arn:aws:iam::{MANAGEMENT}:user/operator")
    call = sts_backend.calls[-1]
    assert "sts:AssumeRoot" in (call.explanation or "")
    assert call.encoded_authorization_message is not None


def test_the_task_policy_arn_is_a_condition_key(sts_backend: STSBackend, org: Any) -> None:
    only_audit = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoot",
                "Resource": f"arn:aws:iam::{MEMBER}:root",
                "Condition": {"StringEquals": {"sts:TaskPolicyArn": AUDIT}},
            }
        ],
    }
    client = _operator(sts_backend, MANAGEMENT, only_audit)
    assert _assume_root(client, task=AUDIT)["Credentials"]
    assert _refusal(client, task=UNLOCK_S3)[0] == "AccessDenied"
    assert "sts:TaskPolicyArn" in (sts_backend.calls[-1].explanation or "")


def test_refused_with_another_policy(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, MANAGEMENT, ASSUME_ROOT_ONLY)
    code, message, status = _refusal(client, task="arn:aws:iam::aws:policy/AdministratorAccess")
    assert (code, status) == ("InvalidParameterValue", 400)
    assert message.startswith(
        "TaskPolicyArn arn:aws:iam::aws:policy/AdministratorAccess is not a root task policy; "
        f"use one of {AUDIT}, "
    )


def test_refused_for_a_malformed_target(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    assert _refusal(client, "arn:aws:iam::222222222222:user/bob") == (
        "ValidationError",
        "TargetPrincipal arn:aws:iam::222222222222:user/bob is not valid: pass a 12-digit "
        "account id or arn:aws:iam::<account-id>:root.",
        400,
    )


def test_refused_with_root_credentials(sts_backend: STSBackend, org: Any) -> None:
    root = sts(**sts_backend.account(MANAGEMENT).root.create_access_key().client_kwargs)
    assert _refusal(root) == (
        "AccessDenied",
        "Root user credentials cannot call AssumeRoot; use credentials of an IAM user or role "
        "of the management account or of the delegated administrator for IAM.",
        403,
    )


def test_refused_at_the_global_endpoint(sts_backend: STSBackend, org: Any) -> None:
    user = sts_backend.account(MANAGEMENT).create_user("operator", policies=[ADMIN])
    client = sts(endpoint_url="https://sts.amazonaws.com", **user.create_access_key().client_kwargs)
    assert _refusal(client) == ("InvalidAction", "Unknown Operation", 400)
    assert sts_backend.sessions == []


def test_refused_when_the_member_has_sts_disabled_there(sts_backend: STSBackend, org: Any) -> None:
    sts_backend.account(MEMBER).disable_region("eu-west-1")
    user = sts_backend.account(MANAGEMENT).create_user("operator", policies=[ADMIN])
    client = sts("eu-west-1", **user.create_access_key().client_kwargs)
    code, message, status = _refusal(client)
    assert (code, status) == ("RegionDisabledException", 403)
    assert message.startswith(f"STS is not activated in this region for account:{MEMBER}.")


def test_a_role_session_of_the_management_account_may_call_it(
    sts_backend: STSBackend, org: Any
) -> None:
    role = sts_backend.account(MANAGEMENT).create_role(
        "root-operator",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        policies=[ASSUME_ROOT_ONLY],
    )
    operator = _operator(sts_backend, MANAGEMENT)
    creds = operator.assume_role(RoleArn=role.arn, RoleSessionName="ops")["Credentials"]
    root = _assume_root(client_for(creds))["Credentials"]
    assert client_for(root).get_caller_identity()["Arn"] == f"arn:aws:iam::{MEMBER}:root"


@needs_sts_member("AssumeRoot", "MinimumSessionTokenSize")
def test_minimum_session_token_size_is_reported(sts_backend: STSBackend, org: Any) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    result = _assume_root(client, MinimumSessionTokenSize=2048)
    assert len(result["Credentials"]["SessionToken"]) >= 2048
    assert result["SessionTokenSize"] == len(result["Credentials"]["SessionToken"])


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        pytest.param(
            ("12345", []), {}, "Management account id '12345' is not an account id", id="id"
        ),
        pytest.param(
            (MANAGEMENT, MEMBER), {}, "member_account_ids must be a list", id="members-a-string"
        ),
        pytest.param(
            (MANAGEMENT, [MANAGEMENT]), {}, "is the management account", id="management-member"
        ),
        pytest.param(
            (MANAGEMENT, []),
            {"centralized_root_access": "yes"},
            "centralized_root_access must be True or False",
            id="flag",
        ),
    ],
)
def test_create_organization_checks_its_input(
    sts_backend: STSBackend, args: Any, kwargs: Any, message: str
) -> None:
    with pytest.raises(StsMockError, match=message):
        sts_backend.create_organization(*args, **kwargs)
    assert list(sts_backend.organizations) == []


def test_an_account_is_in_one_organization_at_most(sts_backend: STSBackend, org: Any) -> None:
    with pytest.raises(StsMockError, match="already belongs to the organization of 111111111111"):
        sts_backend.create_organization(OUTSIDER, [MEMBER])
    with pytest.raises(StsMockError, match="not a member of the organization"):
        org.register_delegated_administrator(OUTSIDER)
    other = sts_backend.create_organization(OUTSIDER, [])
    with pytest.raises(StsMockError, match="already belongs"):
        other.add_member(MEMBER)
    assert len(list(sts_backend.organizations)) == 2
    assert MEMBER not in other.member_account_ids


def test_a_task_policy_without_its_arn_is_a_validation_error(
    sts_backend: STSBackend, org: Any
) -> None:
    client = _operator(sts_backend, MANAGEMENT)
    with pytest.raises(ClientError) as exc:
        client.assume_root(TargetPrincipal=MEMBER, TaskPolicyArn={})
    assert error_of(exc)[:2] == (
        "ValidationError",
        "1 validation error detected: Value null at 'taskPolicyArn' failed to satisfy "
        "constraint: Member must not be null",
    )
    # A TaskPolicyArn structure whose arn member is missing (a hand-made form).
    caller = caller_for_key(sts_backend.account(MANAGEMENT).users["operator"].access_keys[0])
    request = AssumeRootRequest(MEMBER, None, None, 0, "us-east-1", False, sts_backend.now(), {})
    with pytest.raises(AwsError) as raised:
        assume_root(sts_backend, caller, request)
    assert raised.value.message == (
        "1 validation error detected: Value null at 'taskPolicyArn.arn' failed to satisfy "
        "constraint: Member must not be null"
    )
