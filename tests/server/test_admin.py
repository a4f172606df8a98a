"""The admin API under /_stsmock/: health, calls (with filters), reset, state; JSON errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock._admin import call_json
from pytest_stsmock._admin import json_default as _admin_default
from pytest_stsmock.backend.calls import Call
from pytest_stsmock.server import StsServer
from tests.helpers.server import ROLE_ARN, admin


def test_health(server: StsServer) -> None:
    assert admin(server.endpoint_url, "GET", "health") == (
        200,
        {"status": "ok", "account_id": "123456789012", "region": "us-east-1", "strict": False,
         "calls": 0},
    )  # fmt: skip


def test_calls_lists_every_call_with_the_fields_of_call(
    server: StsServer, make_client: Callable[..., Any]
) -> None:
    sts = make_client(server.endpoint_url)
    sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="one")
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=ROLE_ARN.replace("deployer", "missing"), RoleSessionName="two")
    status, answer = admin(server.endpoint_url, "GET", "calls")
    assert status == 200
    ok, denied = answer["calls"]
    assert set(ok) == {
        "operation", "params", "caller_arn", "region", "time", "error_code", "error_message",
        "response", "explanation", "encoded_authorization_message",
    }  # fmt: skip
    assert ok["operation"] == "AssumeRole" and ok["error_code"] is None
    assert ok["params"] == {"RoleArn": ROLE_ARN, "RoleSessionName": "one"}
    assert ok["caller_arn"] == "arn:aws:iam::111122223333:user/alice"
    assert ok["time"].endswith("Z")
    assert ok["response"]["Credentials"]["Expiration"].endswith("Z")
    assert denied["error_code"] == "AccessDenied" and denied["explanation"]
    _, only_ok = admin(server.endpoint_url, "GET", "calls?error_code=none")
    assert [c["params"]["RoleSessionName"] for c in only_ok["calls"]] == ["one"]
    _, by_code = admin(
        server.endpoint_url, "GET", "calls?operation=AssumeRole&error_code=AccessDenied"
    )
    assert [c["params"]["RoleSessionName"] for c in by_code["calls"]] == ["two"]
    _, none = admin(server.endpoint_url, "GET", "calls?operation=GetSessionToken")
    assert none == {"calls": []}


@pytest.mark.parametrize(
    ("method", "name", "status", "code"),
    [
        ("GET", "nothing", 404, "NotFound"),
        ("POST", "calls", 405, "MethodNotAllowed"),
        ("GET", "reset", 405, "MethodNotAllowed"),
        ("GET", "calls?colour=red", 400, "InvalidParameter"),
    ],
)
def test_errors_are_json_with_a_message(
    server: StsServer, method: str, name: str, status: int, code: str
) -> None:
    got_status, answer = admin(server.endpoint_url, method, name, b"" if method == "POST" else None)
    assert got_status == status and answer["error"] == code and answer["message"]


def test_post_state_with_invalid_json(server: StsServer) -> None:
    status, answer = admin(server.endpoint_url, "POST", "state", b"{")
    assert status == 400 and answer["error"] == "InvalidState"
    assert "not valid JSON" in answer["message"]


def test_call_json_renders_every_value_as_json() -> None:
    call = Call(
        operation="AssumeRole",
        params={"Blob": b"\x00\x01", "Keys": {"b"}, "When": dt.datetime(2026, 1, 2, 3, 4, 5)},
        caller_arn=None,
        region="us-east-1",
        time=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        response={"Other": Decimal("1.5")},
    )
    rendered = json.loads(json.dumps(call_json(call), default=_admin_default))
    assert rendered["params"] == {"Blob": "AAE=", "Keys": ["b"], "When": "2026-01-02T03:04:05Z"}
    assert rendered["time"] == "2026-01-02T01:04:05Z"
    assert rendered["response"] == {"Other": "1.5"}
