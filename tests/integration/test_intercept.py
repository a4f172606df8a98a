"""The interception surface (README "Activating the mock"): what is answered in-process, and not.

Every test here puts a recording fake where the request would otherwise leave
the process (botocore's ``URLLib3Session.send`` or ``requests``'
``HTTPAdapter.send``), so each one fails if the request it makes is not
answered by the mock.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import botocore.session
import moto
import pytest
import requests
import requests.adapters
import responses
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.client import BaseClient
from botocore.config import Config
from botocore.httpsession import URLLib3Session

from pytest_stsmock import StsMockError, mock_sts
from tests.helpers.awscli import awscli_driver
from tests.helpers.clients import sts

DEFAULT_USER_ARN = "arn:aws:iam::123456789012:user/stsmock"
MOTO_STS_ARN = "arn:aws:sts::123456789012:user/moto"
STS_NS = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}


# -- fakes for the two ways a request can leave the process ----------------------


class _Network:
    """Stands in for botocore's HTTP transport: records the URL, then fails the call."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def send(self, request: AWSPreparedRequest) -> AWSResponse:
        self.urls.append(request.url)
        raise ConnectionError(f"the request to {request.url} reached the network layer")


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> _Network:
    fake = _Network()
    monkeypatch.setattr(URLLib3Session, "send", lambda self, request: fake.send(request))
    return fake


class _Adapter:
    """Stands in for ``requests``' transport: records the URL, answers 200 'passed through'."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def send(self, request: requests.PreparedRequest) -> requests.Response:
        assert request.url is not None
        self.urls.append(request.url)
        response = requests.Response()
        response.status_code = 200
        response._content = b"passed through"
        response.url = request.url
        response.request = request
        return response


@pytest.fixture
def adapter(monkeypatch: pytest.MonkeyPatch) -> _Adapter:
    """Installed before any activation, as a user's own transport would be."""
    fake = _Adapter()

    def send(self: requests.adapters.HTTPAdapter, request: Any, **kwargs: Any) -> Any:
        return fake.send(request)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return fake


def _client(region: str, *, endpoint_url: str | None = None, **config: Any) -> BaseClient:
    """Like ``tests.helpers.clients.sts`` but with extra ``Config`` options (FIPS, dual-stack)."""
    return boto3.client(
        "sts",
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(retries={"max_attempts": 1}, **config),
    )


def _xml_arn(body: str) -> str | None:
    return ET.fromstring(body).findtext(".//sts:Arn", namespaces=STS_NS)


# -- every endpoint form ----------------------------------------------------------

ENDPOINT_FORMS = [
    # (region, endpoint_url, Config options, environment, expected endpoint, expected Call.region)
    pytest.param(
        "us-east-1", None, {}, {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
        "https://sts.amazonaws.com", "us-east-1", id="global-legacy-env-us-east-1",
    ),
    pytest.param(
        "eu-west-1", None, {}, {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
        "https://sts.amazonaws.com", "us-east-1", id="global-legacy-env-eu-west-1",
    ),
    pytest.param(
        "us-east-1", "https://sts.amazonaws.com", {}, {},
        "https://sts.amazonaws.com", "us-east-1", id="global-explicit-endpoint-url",
    ),
    pytest.param(
        "us-east-1", None, {}, {},
        "https://sts.us-east-1.amazonaws.com", "us-east-1", id="regional-us-east-1",
    ),
    pytest.param(
        "eu-west-1", None, {}, {},
        "https://sts.eu-west-1.amazonaws.com", "eu-west-1", id="regional-eu-west-1",
    ),
    pytest.param(
        "ap-southeast-2", None, {}, {},
        "https://sts.ap-southeast-2.amazonaws.com", "ap-southeast-2", id="regional-ap-southeast-2",
    ),
    pytest.param(
        "sa-east-1", None, {}, {},
        "https://sts.sa-east-1.amazonaws.com", "sa-east-1", id="regional-sa-east-1",
    ),
    pytest.param(
        "ap-east-1", None, {}, {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
        "https://sts.ap-east-1.amazonaws.com", "ap-east-1", id="opt-in-region-stays-regional",
    ),
    pytest.param(
        "us-east-2", None, {"use_fips_endpoint": True}, {},
        "https://sts-fips.us-east-2.amazonaws.com", "us-east-2", id="fips",
    ),
    pytest.param(
        "eu-central-1", None, {"use_dualstack_endpoint": True}, {},
        "https://sts.eu-central-1.api.aws", "eu-central-1", id="dual-stack",
    ),
    pytest.param(
        "us-west-2", None, {"use_fips_endpoint": True, "use_dualstack_endpoint": True}, {},
        "https://sts-fips.us-west-2.api.aws", "us-west-2", id="fips-dual-stack",
    ),
    pytest.param(
        "cn-north-1", None, {}, {},
        "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1", id="aws-cn",
    ),
    pytest.param(
        "us-gov-west-1", None, {}, {},
        "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1", id="aws-us-gov",
    ),
    pytest.param(
        "eu-west-3", "http://localhost:4566", {}, {},
        "http://localhost:4566", "eu-west-3", id="custom-localhost",
    ),
    pytest.param(
        "eu-west-3", "https://sts.example.internal", {}, {},
        "https://sts.example.internal", "eu-west-3", id="custom-sts-host",
    ),
    pytest.param(
        # A custom host whose first label is "sts" is not an AWS regional host:
        # its second label is not a region, the signing region is.
        "eu-west-3", "https://sts.corp.example.internal", {}, {},
        "https://sts.corp.example.internal", "eu-west-3", id="custom-sts-host-four-labels",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("region", "endpoint_url", "config", "env", "endpoint", "call_region"), ENDPOINT_FORMS
)
def test_every_endpoint_form_is_answered_in_process(
    network: _Network,
    monkeypatch: pytest.MonkeyPatch,
    region: str,
    endpoint_url: str | None,
    config: dict[str, Any],
    env: dict[str, str],
    endpoint: str,
    call_region: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with mock_sts() as backend:
        client = _client(region, endpoint_url=endpoint_url, **config)
        assert client.meta.endpoint_url == endpoint  # the form under test is really used
        identity = client.get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["UserId"] == backend.default_user.unique_id
    [call] = backend.calls
    assert (call.operation, call.error_code, call.region) == (
        "GetCallerIdentity",
        None,
        call_region,
    )
    assert network.urls == []


def test_legacy_global_endpoint_from_the_config_file(
    network: _Network, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[default]\nsts_regional_endpoints = legacy\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.delenv("AWS_STS_REGIONAL_ENDPOINTS", raising=False)  # it would win
    with mock_sts() as backend:
        # A new session: boto3's default one may have read another test's config file.
        client = boto3.Session(region_name="eu-west-1").client("sts")
        assert client.meta.endpoint_url == "https://sts.amazonaws.com"
        creds = client.get_session_token()["Credentials"]
    assert backend.session(creds["AccessKeyId"]) is not None
    assert backend.calls[-1].region == "us-east-1"
    assert network.urls == []


# -- how the client was made ------------------------------------------------------


def test_client_created_before_activation_is_answered_then_released(network: _Network) -> None:
    client = sts(
        "eu-west-2", aws_access_key_id="AKIAEXAMPLEEXAMPLE12", aws_secret_access_key="x" * 40
    )
    with mock_sts() as backend:
        assert client.get_caller_identity()["Arn"] == DEFAULT_USER_ARN
        assert client.get_session_token()["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert [(c.operation, c.region) for c in backend.calls] == [
        ("GetCallerIdentity", "eu-west-2"),
        ("GetSessionToken", "eu-west-2"),
    ]
    assert network.urls == []
    with pytest.raises(ConnectionError):
        client.get_caller_identity()
    assert network.urls == ["https://sts.eu-west-2.amazonaws.com/"]
    assert len(backend.calls) == 2


def test_botocore_level_client_is_answered(network: _Network) -> None:
    with mock_sts() as backend:
        client = botocore.session.get_session().create_client("sts", region_name="ca-central-1")
        identity = client.get_caller_identity()
    assert identity["Arn"] == DEFAULT_USER_ARN
    assert backend.calls[-1].region == "ca-central-1"
    assert network.urls == []


def test_botocore_level_client_created_before_activation_is_answered(network: _Network) -> None:
    client = botocore.session.get_session().create_client(
        "sts",
        region_name="eu-north-1",
        aws_access_key_id="AKIAEXAMPLEEXAMPLE12",
        aws_secret_access_key="x" * 40,
    )
    with mock_sts() as backend:
        assert client.get_caller_identity()["Arn"] == DEFAULT_USER_ARN
    assert backend.calls[-1].region == "eu-north-1"
    assert network.urls == []


def test_boto3_session_with_its_own_credentials_is_answered_as_that_principal(
    network: _Network,
) -> None:
    with mock_sts() as backend:
        alice = backend.default_account.create_user("alice")
        key = alice.create_access_key()
        session = boto3.Session(
            aws_access_key_id=key.access_key_id,
            aws_secret_access_key=key.secret_access_key,
            region_name="eu-south-1",
        )
        identity = session.client("sts").get_caller_identity()
    # The session's own key was used, not the environment's default user.
    assert identity["Arn"] == alice.arn == "arn:aws:iam::123456789012:user/alice"
    assert backend.calls[-1].caller_arn == alice.arn
    assert backend.calls[-1].region == "eu-south-1"
    assert network.urls == []


def test_boto3_session_created_before_activation_is_answered(network: _Network) -> None:
    session = boto3.Session(
        aws_access_key_id="AKIAEXAMPLEEXAMPLE12",
        aws_secret_access_key="x" * 40,
        region_name="us-west-1",
    )
    client = session.client("sts", config=Config(retries={"max_attempts": 1}))
    with mock_sts() as backend:
        assert client.get_caller_identity()["Arn"] == DEFAULT_USER_ARN
    assert backend.calls[-1].region == "us-west-1"
    assert network.urls == []


# -- the AWS CLI, in-process ------------------------------------------------------


def test_awscli_in_process(
    network: _Network, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with awscli_driver(monkeypatch) as create_clidriver, mock_sts() as backend:
        assert create_clidriver().main(["sts", "get-caller-identity"]) == 0
        identity = json.loads(capsys.readouterr().out)
        code = create_clidriver().main(
            ["sts", "get-session-token", "--region", "eu-west-2", "--output", "json"]
        )
        assert code == 0
        creds = json.loads(capsys.readouterr().out)["Credentials"]
    assert identity["Arn"] == DEFAULT_USER_ARN
    assert identity["Account"] == "123456789012"
    assert backend.session(creds["AccessKeyId"]) is not None
    assert [(c.operation, c.region) for c in backend.calls] == [
        ("GetCallerIdentity", "us-east-1"),
        ("GetSessionToken", "eu-west-2"),
    ]
    assert network.urls == []


def _run_python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def test_awscli_with_its_own_botocore_imported_first() -> None:
    """A fresh process that imports awscli before anything else (so, on awscli >= 1.46,
    ``botocore`` is awscli's bundled copy) is still answered in-process."""
    result = _run_python(
        """
        import json, sys
        from awscli.clidriver import create_clidriver
        import botocore, botocore.httpsession
        def no_network(self, request):
            raise ConnectionError("reached the network: " + request.url)
        botocore.httpsession.URLLib3Session.send = no_network
        from pytest_stsmock import StsMockError, mock_sts
        with mock_sts() as backend:
            code = create_clidriver().main(["sts", "get-caller-identity"])
        print(json.dumps({"code": code, "calls": len(backend.calls), "botocore": botocore.__file__}))
        """
    )
    assert result.returncode == 0, result.stderr
    *_, summary = result.stdout.strip().splitlines()
    outcome = json.loads(summary)
    assert (outcome["code"], outcome["calls"]) == (0, 1), (result.stdout, result.stderr)
    assert DEFAULT_USER_ARN in result.stdout


# -- composition with moto --------------------------------------------------------


def _s3_round_trip(**keys: str) -> list[str]:
    s3 = boto3.client(
        "s3", region_name="us-east-1", config=Config(retries={"max_attempts": 1}), **keys
    )
    s3.create_bucket(Bucket="stsmock-composition")
    return [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def test_moto_outside_ours_inside(network: _Network) -> None:
    with moto.mock_aws():
        with mock_sts() as backend:
            assert sts().get_caller_identity()["Arn"] == DEFAULT_USER_ARN
            assert sts("eu-west-1").get_session_token()["Credentials"]["AccessKeyId"]
            assert [c.operation for c in backend.calls] == ["GetCallerIdentity", "GetSessionToken"]
            assert _s3_round_trip() == ["stsmock-composition"]  # moto's
        # Ours has exited, moto is still active: STS is moto's again.
        assert sts().get_caller_identity()["Arn"] == MOTO_STS_ARN
        assert len(backend.calls) == 2
    assert network.urls == []


def test_ours_outside_moto_inside(network: _Network) -> None:
    with mock_sts() as backend:
        with moto.mock_aws():
            assert sts().get_caller_identity()["Arn"] == DEFAULT_USER_ARN
            assert len(backend.calls) == 1
            assert _s3_round_trip() == ["stsmock-composition"]
        # moto has exited, ours is still active: STS is still ours, S3 is nobody's.
        assert sts().get_caller_identity()["Arn"] == DEFAULT_USER_ARN
        assert len(backend.calls) == 2
        with pytest.raises(ConnectionError):
            _s3_round_trip()
    assert [url.split("/")[2] for url in network.urls] == ["stsmock-composition.s3.amazonaws.com"]


def test_ours_started_first_and_stopped_first_while_moto_stays(network: _Network) -> None:
    # Explicit keys: stopping ours restores the environment ours found, which
    # had no credentials, although moto (started later) is still active.
    keys = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE12", "aws_secret_access_key": "x" * 40}
    with mock.patch.dict(os.environ):  # moto's stop() restores its own snapshot, ours' key
        ours = mock_sts()
        backend = ours.start()
        theirs = moto.mock_aws()
        try:
            theirs.start()
            assert sts(**keys).get_caller_identity()["Arn"] == DEFAULT_USER_ARN
            ours.stop()
            assert sts(**keys).get_caller_identity()["Arn"] == MOTO_STS_ARN
            assert _s3_round_trip(**keys) == ["stsmock-composition"]
        finally:
            theirs.stop()
            with contextlib.suppress(StsMockError):
                ours.stop()  # only still active if an assertion above failed
    assert len(backend.calls) == 1
    assert network.urls == []


def test_moto_imported_after_activation_still_leaves_sts_to_us() -> None:
    """moto imported (in a fresh process) while the mock is already active."""
    result = _run_python(
        """
        import boto3
        from pytest_stsmock import StsMockError, mock_sts
        with mock_sts() as backend:
            import moto
            with moto.mock_aws():
                arn = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Arn"]
        print(arn, len(backend.calls))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [DEFAULT_USER_ARN, "1"]


# -- requests ---------------------------------------------------------------------

PRESIGN_FORMS = [
    pytest.param("eu-west-1", {}, {}, "eu-west-1", id="regional"),
    pytest.param(
        "us-east-1", {}, {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, "us-east-1", id="global"
    ),
    pytest.param("us-east-2", {"use_fips_endpoint": True}, {}, "us-east-2", id="fips"),
    pytest.param("eu-central-1", {"use_dualstack_endpoint": True}, {}, "eu-central-1", id="dual"),
    pytest.param("cn-northwest-1", {}, {}, "cn-northwest-1", id="aws-cn"),
    pytest.param("us-gov-east-1", {}, {}, "us-gov-east-1", id="aws-us-gov"),
]


@pytest.mark.parametrize(("region", "config", "env", "call_region"), PRESIGN_FORMS)
def test_presigned_url_fetched_with_requests_is_answered(
    adapter: _Adapter,
    monkeypatch: pytest.MonkeyPatch,
    region: str,
    config: dict[str, Any],
    env: dict[str, str],
    call_region: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with mock_sts() as backend:
        url = _client(region, **config).generate_presigned_url(
            "get_caller_identity", HttpMethod="GET"
        )
        response = requests.get(url, timeout=5)
    assert response.status_code == 200, response.text
    assert _xml_arn(response.text) == DEFAULT_USER_ARN
    [call] = backend.calls
    assert (call.operation, call.error_code, call.region) == (
        "GetCallerIdentity",
        None,
        call_region,
    )
    assert adapter.urls == []


def test_requests_to_other_hosts_pass_through_and_nothing_is_kept_after_exit(
    adapter: _Adapter,
) -> None:
    with mock_sts() as backend:
        presigned = sts().generate_presigned_url("get_caller_identity", HttpMethod="GET")
        assert requests.get(presigned, timeout=5).status_code == 200
        other = requests.get("https://api.example.com/items?x=1", timeout=5)
        assert other.text == "passed through"
        s3 = requests.get("https://s3.amazonaws.com/bucket/key", timeout=5)
        assert s3.text == "passed through"
    assert adapter.urls == [
        "https://api.example.com/items?x=1",
        "https://s3.amazonaws.com/bucket/key",
    ]
    assert len(backend.calls) == 1
    # After exit the same presigned URL goes to the transport.
    assert requests.get(presigned, timeout=5).text == "passed through"
    assert adapter.urls[-1] == presigned
    assert len(backend.calls) == 1


def test_a_users_responses_mock_started_first_keeps_working() -> None:
    with responses.RequestsMock() as user_mock:
        user_mock.add(responses.GET, "https://api.example.com/ping", json={"pong": True})
        with mock_sts() as backend:
            presigned = sts().generate_presigned_url("get_caller_identity", HttpMethod="GET")
            sts_response = requests.get(presigned, timeout=5)
            assert requests.get("https://api.example.com/ping", timeout=5).json() == {"pong": True}
        # Ours has exited; the user's mock is still in place.
        assert requests.get("https://api.example.com/ping", timeout=5).json() == {"pong": True}
        assert [call.request.url for call in user_mock.calls] == [
            "https://api.example.com/ping",
            "https://api.example.com/ping",
        ]
    assert _xml_arn(sts_response.text) == DEFAULT_USER_ARN
    assert [c.operation for c in backend.calls] == ["GetCallerIdentity"]


# -- threads ----------------------------------------------------------------------


def test_many_threads_share_one_activation(network: _Network) -> None:
    threads, rounds = 8, 25
    errors: list[BaseException] = []
    key_ids: list[str] = []
    with mock_sts() as backend:
        clients = [sts("eu-west-1") for _ in range(threads)]
        start = threading.Barrier(threads)

        def work(client: BaseClient) -> None:
            try:
                start.wait()
                for _ in range(rounds):
                    key_ids.append(client.get_session_token()["Credentials"]["AccessKeyId"])
                    assert client.get_caller_identity()["Arn"] == DEFAULT_USER_ARN
            except BaseException as error:  # collected and asserted below
                errors.append(error)

        workers = [threading.Thread(target=work, args=(c,)) for c in clients]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
    assert errors == []
    assert len(backend.sessions) == threads * rounds
    assert len(set(key_ids)) == threads * rounds
    assert {s.access_key_id for s in backend.sessions} == set(key_ids)
    assert len(backend.calls) == 2 * threads * rounds
    assert all(c.error_code is None for c in backend.calls)
    assert network.urls == []
