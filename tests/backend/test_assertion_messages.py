"""The failure messages of the assertion helpers outside ``backend/calls.py``, pinned."""

from __future__ import annotations

import pytest

from pytest_stsmock import STSBackend, mock_sts
from tests.helpers.clients import sts

USER = "arn:aws:iam::123456789012:user/stsmock"


def _calls(backend: STSBackend) -> None:
    client = sts()
    client.get_caller_identity()
    client.get_session_token(DurationSeconds=900)
    client.get_caller_identity()


def test_assert_not_called_names_every_matching_call() -> None:
    with mock_sts() as backend:
        _calls(backend)
        with pytest.raises(AssertionError) as exc:
            backend.assert_not_called("GetCallerIdentity")
    assert str(exc.value) == (
        "Expected no STS call GetCallerIdentity, but call(s) 1, 3 of 3 matched: "
        f"[Call(GetCallerIdentity, ok, caller={USER!r}), "
        f"Call(GetCallerIdentity, ok, caller={USER!r})]"
    )


def test_assert_not_called_with_params_shows_them() -> None:
    with mock_sts() as backend:
        _calls(backend)
        with pytest.raises(AssertionError) as exc:
            backend.assert_not_called("GetSessionToken", DurationSeconds=900)
        backend.assert_not_called("GetSessionToken", DurationSeconds=3600)
    assert str(exc.value) == (
        "Expected no STS call GetSessionToken with DurationSeconds=900, "
        f"but call(s) 2 of 3 matched: [Call(GetSessionToken, ok, caller={USER!r})]"
    )
