"""GetScopedCredentials: the same identity, narrower (layered) permissions, no longer life."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.authz import evaluate_identity
from pytest_stsmock.backend.identity import caller_for_session
from tests.helpers.clients import client_for, error_of, sts
from tests.helpers.models import needs_sts_operation
from tests.helpers.policies import ADMIN

pytestmark = needs_sts_operation("GetScopedCredentials")

T0 = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone.utc)
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


def _allow(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


def _role_session(sts_backend: STSBackend) -> dict[str, Any]:
    role = sts_backend.default_account.create_role("app", trust_policy=TRUST, policies=[ADMIN])
    creds: dict[str, Any] = sts().assume_role(RoleArn=role.arn, RoleSessionName="job")[
        "Credentials"
    ]
    return creds


def _may(sts_backend: STSBackend, creds: dict[str, Any], action: str) -> bool:
    session = sts_backend.session(creds["AccessKeyId"])
    assert session is not None
    caller = caller_for_session(session)
    return evaluate_identity(sts_backend, caller, action, "*", sts_backend.now(), {}).allowed


def test_the_identity_is_kept_and_the_expiration_inherited(sts_backend: STSBackend) -> None:
    with time_machine.travel(T0, tick=False):
        parent = _role_session(sts_backend)
        result = client_for(parent).get_scoped_credentials(Policy=_allow("s3:GetObject"))
        identity = client_for(result["Credentials"]).get_caller_identity()
    arn = "arn:aws:sts::123456789012:assumed-role/app/job"
    assert identity["Arn"] == arn
    assert result["SessionInfo"]["Arn"] == arn
    assert result["SessionInfo"]["ScopedSessionId"] == identity["UserId"]
    assert result["Credentials"]["AccessKeyId"] != parent["AccessKeyId"]
    assert result["Credentials"]["Expiration"] == parent["Expiration"]
    assert result["ScopedPoliciesCount"] == 1


def test_layers_intersect(sts_backend: STSBackend) -> None:
    parent = _role_session(sts_backend)
    first = client_for(parent).get_scoped_credentials(Policy=_allow("s3:GetObject", "s3:PutObject"))
    second = client_for(first["Credentials"]).get_scoped_credentials(
        Policy=_allow("s3:GetObject", "sqs:SendMessage")
    )
    assert second["ScopedPoliciesCount"] == 2
    assert _may(sts_backend, parent, "sqs:SendMessage")
    assert _may(sts_backend, first["Credentials"], "s3:PutObject")
    assert _may(sts_backend, second["Credentials"], "s3:GetObject")
    assert not _may(sts_backend, second["Credentials"], "s3:PutObject")
    assert not _may(sts_backend, second["Credentials"], "sqs:SendMessage")


def test_at_most_three_layers(sts_backend: STSBackend) -> None:
    creds = _role_session(sts_backend)
    for _ in range(3):
        creds = client_for(creds).get_scoped_credentials(Policy=_allow("s3:*"))["Credentials"]
    with pytest.raises(ClientError) as exc:
        client_for(creds).get_scoped_credentials(Policy=_allow("s3:*"))
    assert error_of(exc)[0] == "AccessDenied"
    shorter = client_for(creds).get_scoped_credentials(DurationSeconds=60)
    assert shorter["ScopedPoliciesCount"] == 3


def test_a_duration_may_shorten_but_not_extend(sts_backend: STSBackend) -> None:
    with time_machine.travel(T0, tick=False):
        parent = _role_session(sts_backend)
        shorter = client_for(parent).get_scoped_credentials(DurationSeconds=600)
        with pytest.raises(ClientError) as exc:
            client_for(parent).get_scoped_credentials(DurationSeconds=3601)
    assert shorter["Credentials"]["Expiration"] == T0 + dt.timedelta(minutes=10)
    assert shorter["ScopedPoliciesCount"] == 0
    assert error_of(exc) == (
        "InsufficientSessionLifetime",
        "The requested DurationSeconds (3601) exceeds the remaining lifetime of the calling "
        "session (3600 seconds).",
        400,
    )


def test_long_term_credentials_are_refused(sts_backend: STSBackend) -> None:
    with pytest.raises(ClientError) as exc:
        sts().get_scoped_credentials(DurationSeconds=60)
    assert error_of(exc) == (
        "InvalidSubjectCredentials",
        "GetScopedCredentials needs temporary security credentials; to scope down an IAM "
        "user's credentials, call GetSessionToken first.",
        400,
    )
    creds = sts().get_session_token()["Credentials"]
    assert client_for(creds).get_scoped_credentials(DurationSeconds=60)["Credentials"]


def test_policy_or_duration_is_needed_and_the_policy_is_checked(sts_backend: STSBackend) -> None:
    client = client_for(_role_session(sts_backend))
    with pytest.raises(ClientError) as exc:
        client.get_scoped_credentials()
    assert error_of(exc) == ("ValidationError", "Specify Policy, DurationSeconds or both.", 400)
    with pytest.raises(ClientError) as exc:
        client.get_scoped_credentials(Policy="{not json")
    assert error_of(exc) == (
        "MalformedPolicyDocument",
        "The policy is not in the valid JSON format.",
        400,
    )
    assert len(sts_backend.sessions) == 1


def test_not_on_the_global_endpoint(sts_backend: STSBackend) -> None:
    creds = _role_session(sts_backend)
    client = sts(
        endpoint_url="https://sts.amazonaws.com",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    with pytest.raises(ClientError) as exc:
        client.get_scoped_credentials(DurationSeconds=60)
    assert error_of(exc) == ("InvalidAction", "Unknown Operation", 400)
