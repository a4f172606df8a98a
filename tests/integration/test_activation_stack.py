"""botocore's patched ``_send`` reads the registry's live stack of backends per request.

It keeps a reference to ``registry.stack`` instead of calling ``is_active`` and
``answer``; these tests fail if that reference ever stops being the list the
registry changes, or if the backend read from it is not the innermost one.
"""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time

from pytest_stsmock import mock_sts
from pytest_stsmock.transports import registry
from tests.helpers.clients import sts


def test_stopping_the_outer_mock_first_leaves_the_inner_one_answering() -> None:
    outer, inner = mock_sts(account_id="111111111111"), mock_sts(account_id="222222222222")
    outer.start()
    client = sts()
    inner_backend = inner.start()
    try:
        outer.stop()  # out of order: removed from the middle of the stack
        assert registry.stack == [inner_backend]
        assert client.get_caller_identity()["Account"] == "222222222222"
    finally:
        inner.stop()
    assert registry.stack == []


def test_a_third_mock_started_later_answers_a_client_made_earlier() -> None:
    with mock_sts(account_id="111111111111"):
        client = sts()
        assert client.get_caller_identity()["Account"] == "111111111111"
        with mock_sts(account_id="333333333333") as third:
            assert client.get_caller_identity()["Account"] == "333333333333"
        assert third.calls[0].operation == "GetCallerIdentity"
        assert client.get_caller_identity()["Account"] == "111111111111"


def test_the_call_record_takes_the_frozen_time_of_the_request() -> None:
    moment = dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    with mock_sts() as backend, freeze_time(moment):
        sts().get_caller_identity()
    assert backend.calls[0].time == moment


def test_a_refused_call_is_recorded_complete() -> None:
    with mock_sts(region="eu-west-1") as backend:
        client = sts(region="eu-west-2")
        arn = client.get_caller_identity()["Arn"]
        try:
            client.assume_role(RoleArn="arn:aws:iam::123456789012:role/none", RoleSessionName="ss")
        except client.exceptions.ClientError as error:
            code = error.response["Error"]["Code"]
        else:  # pragma: no cover - the role does not exist
            raise AssertionError("AssumeRole of a missing role succeeded")
    call = backend.calls[1]
    assert (call.operation, call.error_code, call.region, call.service) == (
        "AssumeRole",
        code,
        "eu-west-2",
        "sts",
    )
    assert call.params == {
        "RoleArn": "arn:aws:iam::123456789012:role/none",
        "RoleSessionName": "ss",
    }
    assert call.caller_arn == arn
    assert call.response is None and call.explanation and call.error_message
