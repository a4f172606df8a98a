"""Every activation form (README "Activating the mock"), and what activation does to the process."""

from __future__ import annotations

import asyncio
import os
import unittest

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.httpsession import URLLib3Session

from pytest_stsmock import DEFAULT_ACCOUNT_ID, STSBackend, StsMockError, mock_sts
from tests.helpers.clients import sts


def test_default_account_id_is_the_documented_one() -> None:
    assert DEFAULT_ACCOUNT_ID == "123456789012"


@mock_sts
def test_plain_decorator_answers_get_caller_identity() -> None:
    identity = sts().get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:user/stsmock"


@mock_sts(account_id="111122223333", region="eu-west-1")
def test_decorator_with_options() -> None:
    assert sts(region="eu-west-1").get_caller_identity()["Account"] == "111122223333"
    assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_async_function_decorator() -> None:
    @mock_sts
    async def work() -> str:
        account: str = sts().get_caller_identity()["Account"]
        return account

    assert asyncio.run(work()) == "123456789012"


def test_async_context_manager() -> None:
    async def work() -> str:
        async with mock_sts(account_id="444455556666") as backend:
            assert isinstance(backend, STSBackend)
            account: str = sts().get_caller_identity()["Account"]
            return account

    assert asyncio.run(work()) == "444455556666"


@mock_sts(account_id="777788889999")
class TestClassDecorator:
    def test_first(self) -> None:
        assert sts().get_caller_identity()["Account"] == "777788889999"

    def test_second(self) -> None:
        assert sts().get_caller_identity()["Account"] == "777788889999"

    def helper_not_a_test(self) -> bool:
        return True


def test_class_decorator_leaves_non_test_methods_alone() -> None:
    assert TestClassDecorator().helper_not_a_test() is True
    assert "mock" not in repr(TestClassDecorator.helper_not_a_test)


@mock_sts(account_id="222233334444")
class UnittestStyle(unittest.TestCase):
    def setUp(self) -> None:
        # setUp runs under the same activation as the test: seeding here works.
        self.client = sts()

    def test_identity(self) -> None:
        self.assertEqual(self.client.get_caller_identity()["Account"], "222233334444")


def test_context_manager_yields_the_backend_and_records_calls() -> None:
    with mock_sts() as backend:
        sts().get_caller_identity()
    assert [c.operation for c in backend.calls] == ["GetCallerIdentity"]


def test_start_stop() -> None:
    mock = mock_sts()
    backend = mock.start()
    try:
        assert sts().get_caller_identity()["Account"] == backend.account_id
    finally:
        mock.stop()
    assert botocore.endpoint.Endpoint._send.__name__ == "_send"
    assert botocore.endpoint.Endpoint._send.__qualname__ == "Endpoint._send"


def test_stop_without_start_is_a_clear_misuse_error() -> None:
    with pytest.raises(StsMockError, match="call start"):
        mock_sts().stop()


def test_invalid_account_id_is_rejected_where_written() -> None:
    with pytest.raises(StsMockError, match="exactly 12 digits"):
        mock_sts(account_id="12345")


def test_each_activation_starts_fresh() -> None:
    with mock_sts() as first:
        sts().get_caller_identity()
    with mock_sts() as second:
        pass
    assert first is not second
    assert second.calls == []


def test_existing_backend_can_be_reused() -> None:
    with mock_sts() as backend:
        sts().get_caller_identity()
    with mock_sts(backend=backend) as again:
        sts().get_caller_identity()
    assert again is backend
    assert len(backend.calls) == 2


def test_environment_is_set_while_active_and_restored_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREALREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    monkeypatch.setenv("AWS_PROFILE", "production")
    with mock_sts() as backend:
        key = backend.default_access_key
        assert os.environ["AWS_ACCESS_KEY_ID"] == key.access_key_id
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == key.secret_access_key
        assert "AWS_SESSION_TOKEN" not in os.environ
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALREALREALREAL"
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "real-secret"
    assert os.environ["AWS_SESSION_TOKEN"] == "real-token"
    assert os.environ["AWS_PROFILE"] == "production"
    assert "AWS_DEFAULT_REGION" not in os.environ


def test_region_option_does_not_override_an_explicit_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    with mock_sts(region="eu-west-1"):
        assert os.environ["AWS_DEFAULT_REGION"] == "ap-southeast-2"


def test_nested_activations_innermost_answers_and_exit_restores_outer() -> None:
    with mock_sts(account_id="111111111111"):
        with mock_sts(account_id="222222222222"):
            assert sts().get_caller_identity()["Account"] == "222222222222"
        assert sts().get_caller_identity()["Account"] == "111111111111"


def test_client_created_before_activation_is_intercepted() -> None:
    client = sts(aws_access_key_id="AKIAEXAMPLEEXAMPLE12", aws_secret_access_key="x" * 40)
    with mock_sts() as backend:
        client.get_caller_identity()
    assert backend.calls[0].operation == "GetCallerIdentity"


class _Transport:
    """Stands in for botocore's HTTP transport and records what reaches it."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def send(self, session: object, request: AWSPreparedRequest) -> AWSResponse:
        self.urls.append(request.url)
        raise ConnectionError("the request reached the network layer")


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> _Transport:
    fake = _Transport()
    monkeypatch.setattr(URLLib3Session, "send", lambda self, request: fake.send(self, request))
    return fake


def test_no_sts_request_reaches_the_network_while_active(transport: _Transport) -> None:
    with mock_sts():
        sts().get_caller_identity()
        sts(region="eu-west-1").get_session_token()
    assert transport.urls == []


def test_nothing_is_intercepted_after_exit(transport: _Transport) -> None:
    client = sts(aws_access_key_id="AKIAEXAMPLEEXAMPLE12", aws_secret_access_key="x" * 40)
    with mock_sts():
        pass
    with pytest.raises(ConnectionError):
        client.get_caller_identity()
    # botocore moved us-east-1 from the global to the regional endpoint in 1.3x.
    assert transport.urls in (
        ["https://sts.us-east-1.amazonaws.com/"],
        ["https://sts.amazonaws.com/"],
    )


def test_other_services_are_left_alone(transport: _Transport) -> None:
    with mock_sts():
        s3 = boto3.client("s3", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
        with pytest.raises(ConnectionError):
            s3.list_buckets()
    assert [url.split("/")[2] for url in transport.urls] == ["s3.amazonaws.com"]


def test_seed_makes_identifiers_reproducible() -> None:
    def run() -> tuple[str, str, str]:
        with mock_sts(seed=7) as backend:
            creds = boto3.client("sts", region_name="us-east-1").get_session_token()["Credentials"]
            return (
                backend.default_access_key.access_key_id,
                creds["AccessKeyId"],
                creds["SessionToken"],
            )

    assert run() == run()
    with mock_sts(seed=8) as other:
        assert other.default_access_key.access_key_id != run()[0]


def test_boto3_default_session_does_not_keep_stale_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mock_sts() as backend:
        boto3.client("sts", region_name="us-east-1").get_caller_identity()
        key = backend.default_account.create_user("late").create_access_key()
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key.access_key_id)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key.secret_access_key)
    with mock_sts(backend=backend):
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key.access_key_id)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key.secret_access_key)
        arn = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Arn"]
    assert arn == "arn:aws:iam::123456789012:user/late"


def test_exit_leaves_alone_what_another_mock_changed_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAORIGINALORIGINAL")
    mock = mock_sts()
    mock.start()
    os.environ["AWS_ACCESS_KEY_ID"] = "AKIASETBYANOTHERMOCK"  # as moto's mock_aws does
    mock.stop()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIASETBYANOTHERMOCK"
