"""Bad IAM input: the decoder and the IAM operations under Hypothesis.

Requests for the IAM subset, built from the model with values drawn from a
pool that hits existing and missing entities, valid and broken policy
documents, and garbage, are signed for service ``iam`` and sent straight into
the pipeline.  Every answer must be an AWS answer botocore parses (never a
500), and a refused request must leave the IAM state exactly as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from pytest_stsmock import STSBackend, _pipeline
from pytest_stsmock._http import HttpRequest
from pytest_stsmock.backend import iam
from pytest_stsmock.operations import IAM_OPERATIONS
from pytest_stsmock.protocol.model import load_service_model
from tests.fuzz.strategies import World, new_world, sign

IAM = load_service_model("iam")
SUBSET = sorted(IAM_OPERATIONS)
FUZZ = settings(  # example counts come from the profile (conftest.py)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ACCOUNT = "123456789012"
GOOD_DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}
        ],
    }
)
NAMES = [
    "alice",
    "ALICE",
    "ops",
    "deployer",
    "read-only",
    "stsmock",
    "bob",
    "missing",
    "p",
    "m",
    "phone",
    "x" * 64,
    "x" * 65,
]
TEXTS = [
    GOOD_DOC,
    TRUST,
    "{",
    "[]",
    '{"Statement": []}',
    '{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"*","Resource":"*"}}',
    f"arn:aws:iam::{ACCOUNT}:policy/m",
    f"arn:aws:iam::{ACCOUNT}:policy/missing",
    f"arn:aws:iam::{ACCOUNT}:mfa/phone",
    f"arn:aws:iam::{ACCOUNT}:mfa/alice",
    f"arn:aws:iam::{ACCOUNT}:policy/read-only",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "/",
    "/team/",
    "Active",
    "Inactive",
    "123456",
    "stsmock-1",
    "stsmock-999",
    "",
    "\u00e9\u2603<&>",
]


SIGNERS = ["default", "alice", "root", "bob", "session", "federated"]


def world() -> World:
    """The STS fuzz world (users, a role, managed policies, MFA devices, sessions), plus
    a group and an inline policy for IAM to find."""
    world = new_world()
    account = world.backend.default_account
    account.create_policy("m", GOOD_DOC)
    alice = account.users["alice"]
    group = iam.create_group(account, "ops", "/")
    group.members.append(alice)
    alice.groups.append(group)
    return world


def snapshot(backend: STSBackend) -> Any:
    """Everything IAM operations may change, as plain values."""
    out: list[Any] = []
    for account in backend.accounts.values():
        holders: list[Any] = [
            *account.users.values(),
            *account.roles.values(),
            *account.groups.values(),
        ]
        for h in holders:
            out.append(
                (
                    type(h).__name__,
                    h.name,
                    getattr(h, "path", None),
                    dict(getattr(h, "tags", {})),
                    {n: p.document.text for n, p in h.inline_policies.items()},
                    [p.arn for p in h.attached_policies],
                    getattr(h, "permissions_boundary_arn", None),
                    [g.name for g in getattr(h, "groups", ())],
                    [m.name for m in getattr(h, "members", ())],
                    [(k.access_key_id, k.active) for k in getattr(h, "access_keys", ())],
                    [d.serial_number for d in getattr(h, "mfa_devices", ())],
                    getattr(getattr(h, "trust_policy_document", None), "text", None),
                    getattr(h, "max_session_duration", None),
                    getattr(h, "description", None),
                )
            )
        out.append(sorted(account.managed_policies))
        out.append({s: d.owner is not None for s, d in account.virtual_mfa_devices.items()})
    return out


def _value(draw: st.DrawFn, shape: Any, depth: int = 0) -> Any:
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        chosen = draw(st.lists(st.sampled_from(sorted(members)), unique=True)) if members else []
        required = list(shape.required_members)
        return {n: _value(draw, members[n], depth + 1) for n in {*required, *chosen}}
    if kind == "list":
        return [_value(draw, shape.member, depth + 1) for _ in range(draw(st.integers(0, 3)))]
    if kind in ("integer", "long"):
        return draw(st.sampled_from([0, 1, 2, 100, 1000, 1001, 3600, 43200, 43201, -1]))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "blob":
        return draw(st.binary(max_size=8))
    return draw(st.one_of(st.sampled_from(NAMES + TEXTS), st.text(max_size=12)))


@st.composite
def requests_for_the_subset(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    operation = draw(st.sampled_from(SUBSET))
    shape = IAM.operation_model(operation).input_shape
    return operation, ({} if shape is None else _value(draw, shape))


def _signed(world: World, signer: str, body: dict[str, Any]) -> HttpRequest:
    request: HttpRequest = sign(
        world.creds[signer], body, url="https://iam.amazonaws.com/", service="iam"
    )
    return request


def _check(backend: STSBackend, operation: str | None, request: HttpRequest) -> None:
    before = snapshot(backend)
    response = _pipeline.handle(backend, request)
    note(response.body.decode("utf-8", "replace")[:400])
    event(f"{operation}: {response.status}" if response.status != 200 else "200")
    assert response.status in {200, 400, 403, 404, 409, 501}, response.body
    model = IAM.operation_model(operation) if operation in SUBSET else None
    parsed = create_parser("query").parse(
        {"status_code": response.status, "headers": response.headers, "body": response.body},
        model.output_shape if model is not None and response.status == 200 else None,
    )
    if response.status != 200:
        assert parsed["Error"]["Code"] and parsed["Error"]["Message"]
        assert snapshot(backend) == before, "a refused request changed the IAM state"


@FUZZ
@given(requests_for_the_subset(), st.sampled_from(SIGNERS))
def test_iam_operations_answer_aws_errors_and_refusals_change_nothing(
    case: tuple[str, dict[str, Any]], signer: str
) -> None:
    operation, params = case
    fuzz_world = world()
    try:
        serialized = create_serializer("query").serialize_to_request(
            params, IAM.operation_model(operation)
        )
    except Exception:  # botocore cannot write it (a blob where text goes...): not a request
        return
    _check(fuzz_world.backend, operation, _signed(fuzz_world, signer, serialized["body"]))


@FUZZ
@given(
    st.sampled_from(SUBSET),
    st.dictionaries(
        st.sampled_from(
            [
                "UserName",
                "RoleName",
                "GroupName",
                "PolicyArn",
                "PolicyDocument",
                "Tags.member.1.Key",
                "Tags.member.1",
                "TagKeys.member.1",
                "MaxItems",
                "Marker",
                "Path",
                "Status",
                "AccessKeyId",
                "SerialNumber",
                "AuthenticationCode1",
                "AssumeRolePolicyDocument",
                "Tags.member.x.Key",
                "MaxSessionDuration",
            ]
        ),
        st.one_of(st.sampled_from(NAMES + TEXTS), st.text(max_size=8)),
        max_size=6,
    ),
    st.sampled_from(SIGNERS),
)
def test_the_iam_decoder_takes_any_form(
    operation: str, fields: dict[str, str], signer: str
) -> None:
    fuzz_world = world()
    body = {"Action": operation, "Version": "2010-05-08", **fields}
    _check(fuzz_world.backend, operation, _signed(fuzz_world, signer, body))


@pytest.mark.parametrize("version", ["2011-06-15", "", None])
def test_a_wrong_iam_version_is_invalid_action(version: str | None) -> None:
    fuzz_world = world()
    body = (
        {"Action": "ListUsers"} if version is None else {"Action": "ListUsers", "Version": version}
    )
    response = _pipeline.handle(fuzz_world.backend, _signed(fuzz_world, "default", body))
    assert response.status == 400 and b"<Code>InvalidAction</Code>" in response.body
