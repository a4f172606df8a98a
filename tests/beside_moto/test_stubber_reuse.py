"""The wrapper of moto's stubber is built once and reused, never once it is stale.

Activations reuse the ``BotocoreStubber.__call__`` wrapper while the class
still has the ``__call__`` it wrapped; moto's ``mock_aws`` entered and exited
between activations, or another tool's wrapper installed meanwhile, must not
make the mock answer less (or more) than a fresh wrapper would.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from pytest_stsmock import mock_sts


def _sts() -> Any:
    return boto3.client("sts", region_name="us-east-1")


def _iam() -> Any:
    return boto3.client("iam", region_name="us-east-1")


def test_the_wrapper_is_reused_and_the_original_comes_back() -> None:
    original = BotocoreStubber.__call__
    with mock_sts():
        first = BotocoreStubber.__call__
        assert first is not original
    assert BotocoreStubber.__call__ is original
    with mock_sts():
        assert BotocoreStubber.__call__ is first
    assert BotocoreStubber.__call__ is original


def test_mock_aws_between_activations_leaves_the_reused_wrapper_correct() -> None:
    with mock_sts() as backend:
        _sts().get_caller_identity()
        assert backend.calls[-1].operation == "GetCallerIdentity"
    with mock_aws():  # moto alone: moto answers STS, with its own account
        assert _sts().get_caller_identity()["Account"] == "123456789012"
    with mock_aws(), mock_sts() as backend:
        _iam().create_user(UserName="kept-by-moto")  # IAM is still moto's
        assert _iam().get_user(UserName="kept-by-moto")["User"]["UserName"] == "kept-by-moto"
        _sts().get_caller_identity()  # STS is ours
        assert backend.calls[-1].operation == "GetCallerIdentity"
        assert [c.operation for c in backend.calls] == ["GetCallerIdentity"]
    with mock_aws():  # and moto's again after our exit
        assert _sts().get_caller_identity()["Account"] == "123456789012"


def test_a_call_patched_between_activations_is_wrapped_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = BotocoreStubber.__call__
    with mock_sts():
        first = BotocoreStubber.__call__
    seen: list[str] = []

    def spy(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        seen.append(event_name)
        return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", spy)
    with mock_aws(), mock_sts() as backend:
        wrapper = BotocoreStubber.__call__
        assert wrapper not in (first, spy)
        _sts().get_caller_identity()  # ours: declined before the spy is reached
        assert backend.calls[-1].operation == "GetCallerIdentity"
        assert not any(name.startswith("before-send.sts.") for name in seen)
        _iam().list_users()  # moto's, through the spy
        assert any(name.startswith("before-send.iam.") for name in seen)
    assert BotocoreStubber.__call__ is spy
    monkeypatch.undo()
    with mock_sts():
        assert BotocoreStubber.__call__ not in (wrapper, spy, original)
    assert BotocoreStubber.__call__ is original
