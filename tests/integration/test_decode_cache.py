"""Identical request text decodes once: the cache in the pipeline, and what it must not change."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import _pipeline, mock_sts
from pytest_stsmock._http import HttpRequest
from pytest_stsmock.protocol import query
from tests.helpers.clients import error_of, sts

ROLE = "arn:aws:iam::123456789012:role/deployer"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:user/stsmock"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    ],
}


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The actions query.decode was really asked to decode, in order."""
    monkeypatch.setattr(_pipeline, "_DECODED", {})
    seen: list[str] = []
    real = query.decode

    def counting(model: Any, form: Any) -> Any:
        seen.append(form.get("Action", ""))
        return real(model, form)

    monkeypatch.setattr(query, "decode", counting)
    return seen


def test_identical_bodies_decode_once_and_each_call_owns_its_params(decodes: list[str]) -> None:
    with mock_sts() as backend:
        backend.default_account.create_role("deployer", trust_policy=TRUST)
        client = sts()
        for _ in range(3):
            client.assume_role(RoleArn=ROLE, RoleSessionName="ci", DurationSeconds=900)
    assert decodes == ["AssumeRole"]
    first, second, third = backend.calls
    assert first.params == second.params == third.params
    assert first.params["DurationSeconds"] == 900
    first.params["RoleSessionName"] = "changed"
    assert second.params["RoleSessionName"] == "ci" and third.params is not second.params


def test_rejected_bodies_are_decoded_every_time(decodes: list[str]) -> None:
    with mock_sts():
        client = sts()
        for _ in range(2):
            with pytest.raises(ClientError) as caught:
                client.assume_role(RoleArn="not-an-arn-at-all-really", RoleSessionName="ci")
            assert error_of(caught)[0] == "ValidationError"
    assert decodes == ["AssumeRole", "AssumeRole"]
    assert _pipeline._DECODED == {}


def test_bodies_with_lists_are_not_remembered(decodes: list[str]) -> None:
    with mock_sts() as backend:
        backend.default_account.create_role("deployer", trust_policy=TRUST)
        client = sts()
        for _ in range(2):
            client.assume_role(
                RoleArn=ROLE, RoleSessionName="ci", Tags=[{"Key": "team", "Value": "blue"}]
            )
    assert decodes == ["AssumeRole", "AssumeRole"]
    assert backend.calls[0].params["Tags"] is not backend.calls[1].params["Tags"]


def test_a_remembered_body_still_needs_a_signature(decodes: list[str]) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    with mock_sts() as backend:
        sts().get_caller_identity()
        unsigned = HttpRequest(
            "POST",
            "https://sts.us-east-1.amazonaws.com/",
            {"content-type": "application/x-www-form-urlencoded"},
            body,
        )
        response = _pipeline.handle(backend, unsigned)
    assert decodes == ["GetCallerIdentity"]  # the second request was a cache hit
    assert response.status == 403 and b"MissingAuthenticationToken" in response.body


def test_the_cache_is_bounded(decodes: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pipeline, "_DECODED_MAX", 3)
    with mock_sts() as backend:
        backend.default_account.create_role("deployer", trust_policy=TRUST)
        client = sts()
        for index in range(5):
            client.assume_role(RoleArn=ROLE, RoleSessionName=f"ci-{index}")
            assert len(_pipeline._DECODED) <= 3
    assert len(decodes) == 5
