"""Property tests for AssumeRoot, DecodeAuthorizationMessage, GetDelegatedAccessToken and
GetScopedCredentials: any input gets AWS's answer, and a refusal changes nothing.

Altered authorization messages and trade-in tokens are attacks: every change
of a real one (a character replaced, dropped or added, a prefix or suffix) is
refused, and the real one still works afterwards.  Requests go through real
boto3 clients with botocore's own parameter validation turned off, so the
server-side checks see whatever Hypothesis draws.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pytest_stsmock import STSBackend, mock_sts
from pytest_stsmock.backend.root_tasks import ROOT_TASK_POLICIES, TASK_POLICY_PREFIX
from tests.fuzz.strategies import snapshot
from tests.helpers.models import needs_sts_operation

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONFIG = Config(retries={"max_attempts": 1}, parameter_validation=False)
MANAGEMENT, MEMBER, ADMIN, OUTSIDER = "111111111111", "222222222222", "333333333333", "444444444444"
ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
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
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="


def client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client("sts", region_name=region, config=CONFIG, **kwargs)


def session_client(creds: dict[str, Any], region: str = "us-east-1") -> Any:
    return client(
        region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def state(backend: STSBackend) -> dict[str, Any]:
    """snapshot() plus what these operations own."""
    found = snapshot(backend)
    found["organizations"] = [
        (o.management_account_id, sorted(o.member_account_ids), o.centralized_root_access)
        for o in backend.organizations
    ]
    found["trade_in_tokens"] = sorted(
        (g.principal.arn, g.expires_at, g.redeemed)
        for g in backend.trade_in_tokens._grants.values()
    )
    return found


@contextmanager
def refused(backend: STSBackend, *codes: str) -> Iterator[None]:
    """The block's call fails with one of ``codes`` and leaves the backend as it was."""
    before = state(backend)
    try:
        yield
    except ClientError as exc:
        error = exc.response["Error"]
        assert error["Code"] in codes, error
        assert error["Message"]
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
    else:
        raise AssertionError(f"expected one of {codes}")
    assert state(backend) == before


@st.composite
def altered(draw: st.DrawFn, text: str) -> str:
    """``text`` changed somehow (never equal to it)."""
    kind = draw(st.sampled_from(["replace", "drop", "insert", "prefix", "suffix", "swap"]))
    index = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from(B64URL + "+/ é\x00"))
    if kind == "replace":
        out = text[:index] + char + text[index + 1 :]
    elif kind == "drop":
        out = text[:index] + text[index + 1 :]
    elif kind == "insert":
        out = text[:index] + char + text[index:]
    elif kind == "prefix":
        out = char + text
    elif kind == "suffix":
        out = text + char
    else:
        other = draw(st.integers(0, len(text) - 1))
        chars = list(text)
        chars[index], chars[other] = chars[other], chars[index]
        out = "".join(chars)
    assume(out != text and out)
    return out


@dataclass
class World:
    """One backend and its clients, made once per module (examples share them)."""

    backend: STSBackend
    default: Any
    message: str
    operators: dict[tuple[str, str], Any]
    app_creds: dict[str, Any]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with mock_sts() as backend:
        role = backend.default_account.create_role("target", trust_policy=TRUST)
        nothing = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}],
        }
        user = backend.default_account.create_user("denied", policies=[nothing])
        with suppress(ClientError):
            client(**user.create_access_key().client_kwargs).assume_role(
                RoleArn=role.arn, RoleSessionName="ss"
            )
        message = backend.calls[-1].encoded_authorization_message
        assert message is not None
        org = backend.create_organization(MANAGEMENT, [MEMBER, ADMIN])
        org.register_delegated_administrator(ADMIN)
        keys = {"root": backend.account(MANAGEMENT).root.create_access_key().client_kwargs}
        for account in (MANAGEMENT, ADMIN, MEMBER, OUTSIDER):
            ops = backend.account(account).create_user("ops", policies=[ADMIN_POLICY])
            keys[account] = ops.create_access_key().client_kwargs
        operators = {}
        for name, kwargs in keys.items():
            for region in ("us-east-1", "eu-west-1"):
                operators[(name, region)] = client(region, **kwargs)
            operators[(name, "global")] = client(endpoint_url="https://sts.amazonaws.com", **kwargs)
        app = backend.default_account.create_role(
            "app", trust_policy=TRUST, policies=[ADMIN_POLICY]
        )
        default = client()
        app_creds = default.assume_role(RoleArn=app.arn, RoleSessionName="job")["Credentials"]
        yield World(backend, default, message, operators, app_creds)


@SETTINGS
@given(data=st.data())
def test_altered_authorization_messages_are_refused(world: World, data: st.DataObject) -> None:
    forged = data.draw(altered(world.message))
    with refused(world.backend, "InvalidAuthorizationMessageException", "ValidationError"):
        world.default.decode_authorization_message(EncodedMessage=forged)
    decoded = world.default.decode_authorization_message(EncodedMessage=world.message)
    assert json.loads(decoded["DecodedMessage"])["explicitDeny"] is True


@SETTINGS
@given(text=st.text(max_size=120))
def test_made_up_authorization_messages_are_refused(world: World, text: str) -> None:
    with refused(world.backend, "InvalidAuthorizationMessageException", "ValidationError"):
        world.default.decode_authorization_message(EncodedMessage=text)


@needs_sts_operation("GetDelegatedAccessToken")
@SETTINGS
@given(data=st.data())
def test_altered_trade_in_tokens_are_refused(world: World, data: st.DataObject) -> None:
    backend = world.backend
    token = backend.issue_trade_in_token(backend.default_user)
    forged = data.draw(st.one_of(altered(token), st.text(max_size=100)))
    assume(forged != token)
    with refused(backend, "AccessDenied", "ValidationError"):
        world.default.get_delegated_access_token(TradeInToken=forged)
    result = world.default.get_delegated_access_token(TradeInToken=token)
    assert result["AssumedPrincipal"] == backend.default_user.arn


TARGETS = st.one_of(
    st.sampled_from([MEMBER, ADMIN, MANAGEMENT, OUTSIDER, f"arn:aws:iam::{MEMBER}:root"]),
    st.sampled_from([f"arn:aws:iam::{MEMBER}:user/x", f"arn:aws-cn:iam::{MEMBER}:root", "12"]),
    st.text(max_size=40),
)
TASKS = st.one_of(
    st.sampled_from([TASK_POLICY_PREFIX + name for name in ROOT_TASK_POLICIES]),
    st.sampled_from(
        [TASK_POLICY_PREFIX + "Other", "arn:aws:iam::aws:policy/AdministratorAccess", ""]
    ),
    st.text(max_size=40),
)


@SETTINGS
@given(
    caller=st.sampled_from([MANAGEMENT, ADMIN, MEMBER, OUTSIDER, "root"]),
    target=TARGETS,
    task=TASKS,
    duration=st.one_of(st.none(), st.integers(-10, 1000)),
    centralized=st.booleans(),
    region=st.sampled_from(["us-east-1", "eu-west-1", "global"]),
)
@example(  # the paths that succeed, so every run checks them
    caller=MANAGEMENT,
    target=MEMBER,
    task=TASK_POLICY_PREFIX + "IAMAuditRootUserCredentials",
    duration=None,
    centralized=True,
    region="eu-west-1",
)
@example(
    caller=ADMIN,
    target=f"arn:aws:iam::{ADMIN}:root",
    task=TASK_POLICY_PREFIX + "SQSUnlockQueuePolicy",
    duration=0,
    centralized=True,
    region="us-east-1",
)
def test_assume_root_answers_every_input(
    world: World,
    caller: str,
    target: str,
    task: str,
    duration: int | None,
    centralized: bool,
    region: str,
) -> None:
    backend = world.backend
    org = backend.organizations.of(MANAGEMENT)
    assert org is not None
    org.centralized_root_access = centralized
    kwargs: dict[str, Any] = {"TargetPrincipal": target, "TaskPolicyArn": {"arn": task}}
    if duration is not None:
        kwargs["DurationSeconds"] = duration
    before = state(backend)
    try:
        result = world.operators[(caller, region)].assume_root(**kwargs)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] in (
            "AccessDenied",
            "ValidationError",
            "InvalidParameterValue",
            "InvalidAction",
        ), exc.response["Error"]
        assert state(backend) == before
        return
    member = target.split(":")[4] if target.startswith("arn:") else target
    partition = target.split(":")[1] if target.startswith("arn:") else "aws"
    assert region != "global" and caller in (MANAGEMENT, ADMIN) and centralized
    assert member in (MEMBER, ADMIN)
    assert task[len(TASK_POLICY_PREFIX) :] in ROOT_TASK_POLICIES
    assert duration is None or 0 <= duration <= 900
    session = backend.session(result["Credentials"]["AccessKeyId"])
    assert session is not None
    assert session.arn == f"arn:{partition}:iam::{member}:root"
    lifetime = (session.expiration - session.issued_at).total_seconds()
    assert lifetime == (900 if duration is None else duration)


@needs_sts_operation("GetScopedCredentials")
@SETTINGS
@given(
    policy=st.one_of(
        st.none(),
        st.text(max_size=60),
        st.sampled_from(
            [
                json.dumps(ADMIN_POLICY),
                '{"Version":"2012-10-17","Statement":[]}',
                '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",'
                '"Resource":"*"}}',
            ]
        ),
    ),
    duration=st.one_of(st.none(), st.integers(-5, 130000)),
    layers=st.integers(0, 4),
)
@example(policy=None, duration=60, layers=0)
@example(policy='{"Version":"2012-10-17","Statement":[]}', duration=None, layers=2)
def test_get_scoped_credentials_answers_every_input(
    world: World, policy: str | None, duration: int | None, layers: int
) -> None:
    backend = world.backend
    creds = world.app_creds
    for _ in range(layers):
        try:
            creds = session_client(creds).get_scoped_credentials(Policy=json.dumps(ADMIN_POLICY))[
                "Credentials"
            ]
        except ClientError:
            break
    kwargs: dict[str, Any] = {}
    if policy is not None:
        kwargs["Policy"] = policy
    if duration is not None:
        kwargs["DurationSeconds"] = duration
    parent = backend.session(creds["AccessKeyId"])
    assert parent is not None
    before = state(backend)
    try:
        result = session_client(creds).get_scoped_credentials(**kwargs)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] in (
            "AccessDenied",
            "ValidationError",
            "MalformedPolicyDocument",
            "InsufficientSessionLifetime",
            "PackedPolicyTooLarge",
        ), exc.response["Error"]
        assert state(backend) == before
        return
    child = backend.session(result["Credentials"]["AccessKeyId"])
    assert child is not None
    assert child.arn == parent.arn and child.user_id == parent.user_id
    assert child.expiration <= parent.expiration
    assert result["ScopedPoliciesCount"] == len(child.scope_policies) <= 3
