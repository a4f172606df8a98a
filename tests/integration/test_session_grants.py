"""A trust policy naming a session itself grants beyond that session's own limits.

AWS (IAM user guide, access_policies "Session policies" and the permissions
boundary page): a resource-based policy that names an assumed-role or
federated-user session ARN grants to the session directly, so the session's
session policies and permissions boundary do not limit it; one that names the
role behind the session is limited by both.  An explicit Deny still wins.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.assume import decide
from pytest_stsmock.backend.identity import caller_for_session
from tests.helpers.clients import client_for, error_of, sts
from tests.helpers.policies import ADMIN

ACCT = "123456789012"
S3_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}
DENY_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"},
    ],
}
SESSION_ARN = f"arn:aws:sts::{ACCT}:assumed-role/worker/job"
WORKER_ARN = f"arn:aws:iam::{ACCT}:role/worker"


def _trust(principal: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
        ],
    }


def _worker_session(sts_backend: STSBackend, *, boundary: Any = None, policy: Any = None) -> Any:
    sts_backend.default_account.create_role(
        "worker",
        trust_policy=_trust(f"arn:aws:iam::{ACCT}:root"),
        policies=[ADMIN],
        permissions_boundary=boundary,
    )
    kwargs = {"Policy": json.dumps(policy)} if policy is not None else {}
    creds = sts().assume_role(RoleArn=WORKER_ARN, RoleSessionName="job", **kwargs)["Credentials"]
    return client_for(creds)


def _target(sts_backend: STSBackend, principal: str) -> str:
    return sts_backend.default_account.create_role("target", trust_policy=_trust(principal)).arn


LIMITS = [
    pytest.param({"policy": S3_ONLY}, "session policy 1 of", id="session-policy"),
    pytest.param({"boundary": S3_ONLY}, f"the permissions boundary of {WORKER_ARN}", id="boundary"),
]


@pytest.mark.parametrize(("limit", "_label"), LIMITS)
def test_naming_the_session_grants_beyond_its_limits(
    sts_backend: STSBackend, limit: dict[str, Any], _label: str
) -> None:
    worker = _worker_session(sts_backend, **limit)
    target = _target(sts_backend, SESSION_ARN)
    creds = worker.assume_role(RoleArn=target, RoleSessionName="next")["Credentials"]
    assert client_for(creds).get_caller_identity()["Arn"].endswith(":assumed-role/target/next")


@pytest.mark.parametrize(("limit", "label"), LIMITS)
def test_naming_the_role_behind_the_session_stays_limited(
    sts_backend: STSBackend, limit: dict[str, Any], label: str
) -> None:
    worker = _worker_session(sts_backend, **limit)
    target = _target(sts_backend, WORKER_ARN)
    with pytest.raises(ClientError) as exc:
        worker.assume_role(RoleArn=target, RoleSessionName="next")
    assert error_of(exc) == (
        "AccessDenied",
        f"User: {SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: {target}",
        403,
    )
    explanation = sts_backend.calls[-1].explanation or ""
    assert label in explanation
    assert "names the role or user behind the session, not the session" in explanation


def test_the_session_grant_says_which_rule_applied(sts_backend: STSBackend) -> None:
    worker = _worker_session(sts_backend, policy=S3_ONLY)
    target = _target(sts_backend, SESSION_ARN)
    worker.assume_role(RoleArn=target, RoleSessionName="next")
    session = next(s for s in sts_backend.sessions if s.arn == SESSION_ARN)
    role = sts_backend.find_role(target)
    assert role is not None
    verdict = decide(
        sts_backend, caller_for_session(session), role, "sts:AssumeRole", sts_backend.now(), {}
    )
    assert verdict.allowed
    assert (
        f"the trust policy names the session {SESSION_ARN} itself, so its session policies "
        "and permissions boundary do not limit this grant"
    ) in verdict.explain()


def test_an_explicit_deny_in_the_session_policy_still_wins(sts_backend: STSBackend) -> None:
    worker = _worker_session(sts_backend, policy=DENY_ASSUME)
    target = _target(sts_backend, SESSION_ARN)
    with pytest.raises(ClientError) as exc:
        worker.assume_role(RoleArn=target, RoleSessionName="next")
    assert error_of(exc)[0] == "AccessDenied"
    assert "explicitly denies sts:AssumeRole" in (sts_backend.calls[-1].explanation or "")


def test_without_limits_naming_the_role_is_enough(sts_backend: STSBackend) -> None:
    worker = _worker_session(sts_backend)
    target = _target(sts_backend, WORKER_ARN)
    assert worker.assume_role(RoleArn=target, RoleSessionName="next")["Credentials"]
