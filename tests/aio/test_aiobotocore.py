"""aiobotocore's STS clients are answered by the mock, as the README's Compatibility section says.

These run only where aiobotocore is installed (``pip install -e '.[test,aio]'``,
``tox -e aio``); elsewhere the module is skipped.  Each test is written as a user
would write it: a sync test that runs its coroutine with ``asyncio.run``.  Every
STS test runs with aiobotocore's HTTP transport replaced by a recording fake
that fails, so a request the mock does not answer fails the test (and never
reaches the network).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import botocore.endpoint
import pytest

pytest.importorskip(
    "aiobotocore", reason="aiobotocore is not installed (pip install -e '.[test,aio]')"
)

import aiobotocore.endpoint
import aiobotocore.httpsession
import aiobotocore.session
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError, EndpointConnectionError

from pytest_stsmock import STSBackend, mock_sts
from tests.aio.network import Network
from tests.helpers.clients import error_of
from tests.helpers.policies import trust

DEFAULT_USER_ARN = "arn:aws:iam::123456789012:user/stsmock"
# A key the backend never issued: it acts as the default user (not strict).
FOREIGN_KEY = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE12", "aws_secret_access_key": "x" * 40}


@asynccontextmanager
async def aio_client(
    service: str = "sts", session: Any = None, **kwargs: Any
) -> AsyncIterator[Any]:
    """An aiobotocore client, no retries (so errors surface at once)."""
    session = session or aiobotocore.session.get_session()
    async with session.create_client(
        service,
        region_name="us-east-1",
        config=AioConfig(retries={"max_attempts": 1}),
        **kwargs,
    ) as client:
        yield client


def aio_client_for(creds: dict[str, Any]) -> Any:
    """An aiobotocore STS client signing with temporary credentials from an STS response."""
    return aio_client(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


async def caller_arn(**kwargs: Any) -> str:
    async with aio_client(**kwargs) as client:
        return str((await client.get_caller_identity())["Arn"])


def _run_python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


# -- the forms of activation ------------------------------------------------------


@mock_sts
def test_get_caller_identity_under_the_decorator(network: Network) -> None:
    assert asyncio.run(caller_arn()) == DEFAULT_USER_ARN
    assert network.urls == []


def test_get_caller_identity_is_recorded_on_the_backend(network: Network) -> None:
    with mock_sts() as backend:
        assert asyncio.run(caller_arn()) == DEFAULT_USER_ARN
    assert [c.operation for c in backend.calls] == ["GetCallerIdentity"]
    assert backend.calls[0].caller_arn == DEFAULT_USER_ARN
    assert network.urls == []


def test_async_with_inside_a_coroutine(network: Network) -> None:
    async def main() -> tuple[str, STSBackend]:
        async with mock_sts() as backend:
            return await caller_arn(), backend

    arn, backend = asyncio.run(main())
    assert arn == DEFAULT_USER_ARN
    assert len(backend.calls) == 1
    assert network.urls == []


def test_client_created_before_activation_is_intercepted(network: Network) -> None:
    async def main() -> tuple[str, STSBackend]:
        async with aio_client(**FOREIGN_KEY) as client:  # made with no mock active
            with mock_sts() as backend:
                identity = await client.get_caller_identity()
                await client.get_session_token()
            return identity["Arn"], backend

    arn, backend = asyncio.run(main())
    assert arn == DEFAULT_USER_ARN
    assert [c.operation for c in backend.calls] == ["GetCallerIdentity", "GetSessionToken"]
    assert network.urls == []


def test_nested_activation_answers_from_the_innermost_backend(network: Network) -> None:
    with mock_sts() as outer:
        with mock_sts(account_id="111122223333") as inner:
            assert asyncio.run(caller_arn()) == "arn:aws:iam::111122223333:user/stsmock"
        assert asyncio.run(caller_arn()) == DEFAULT_USER_ARN
    assert (len(outer.calls), len(inner.calls)) == (1, 1)
    assert network.urls == []


# -- AssumeRole, errors and credentials -------------------------------------------


def test_assume_role_of_a_seeded_role_and_its_credentials(
    sts_backend: STSBackend, network: Network
) -> None:
    role = sts_backend.default_account.create_role(
        "deployer", trust_policy=trust({"AWS": DEFAULT_USER_ARN})
    )

    async def main() -> tuple[dict[str, Any], str]:
        async with aio_client() as client:
            assumed = await client.assume_role(RoleArn=role.arn, RoleSessionName="aio")
        async with aio_client_for(assumed["Credentials"]) as second:
            identity = await second.get_caller_identity()
        return assumed, identity["Arn"]

    assumed, arn = asyncio.run(main())
    session_arn = "arn:aws:sts::123456789012:assumed-role/deployer/aio"
    assert assumed["AssumedRoleUser"]["Arn"] == session_arn
    assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert arn == session_arn
    sts_backend.assert_called("AssumeRole", RoleSessionName="aio")
    assert sts_backend.calls[-1].caller_arn == session_arn
    assert network.urls == []


def test_missing_role_is_access_denied_through_aiobotocores_parser(
    sts_backend: STSBackend, network: Network
) -> None:
    missing = "arn:aws:iam::123456789012:role/missing"

    async def main() -> None:
        async with aio_client() as client:
            await client.assume_role(RoleArn=missing, RoleSessionName="aio")

    with pytest.raises(ClientError) as denied:
        asyncio.run(main())
    assert error_of(denied) == (
        "AccessDenied",
        f"User: {DEFAULT_USER_ARN} is not authorized to perform: sts:AssumeRole on resource: {missing}",
        403,
    )
    assert denied.value.operation_name == "AssumeRole"
    assert denied.value.response["Error"]["Type"] == "Sender"
    assert sts_backend.calls[-1].error_code == "AccessDenied"
    assert network.urls == []


def test_strict_mode_refuses_an_unknown_key(network: Network) -> None:
    async def main() -> None:
        async with aio_client(
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40
        ) as client:
            await client.get_caller_identity()

    with mock_sts(strict=True), pytest.raises(ClientError) as refused:
        asyncio.run(main())
    assert error_of(refused)[0] == "InvalidClientTokenId"
    assert error_of(refused)[2] == 403
    assert network.urls == []


def test_aiobotocores_assume_role_credential_provider(
    sts_backend: STSBackend,
    network: Network,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A profile with role_arn + source_profile: aiobotocore's own provider makes the STS call."""
    user = sts_backend.default_account.create_user("dev")
    key = user.create_access_key()
    role = sts_backend.default_account.create_role(
        "deployer", trust_policy=trust({"AWS": user.arn})
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[base]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n"
    )
    config = tmp_path / "config"
    config.write_text(
        f"[profile deploy]\nrole_arn = {role.arn}\nsource_profile = base\n"
        "role_session_name = from-profile\nregion = us-east-1\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    session = aiobotocore.session.AioSession(profile="deploy")
    arn = asyncio.run(caller_arn(session=session))

    assert arn == "arn:aws:sts::123456789012:assumed-role/deployer/from-profile"
    assert [c.operation for c in sts_backend.calls] == ["AssumeRole", "GetCallerIdentity"]
    assert sts_backend.calls[0].caller_arn == user.arn
    assert network.urls == []


# -- what is left alone -----------------------------------------------------------


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_other_services_are_not_answered(sts_backend: STSBackend) -> None:
    """S3 goes to aiobotocore's real transport: a closed port on 127.0.0.1 refuses it."""
    endpoint = f"http://127.0.0.1:{_closed_port()}"

    async def main() -> None:
        async with aio_client("s3", endpoint_url=endpoint) as s3:
            await s3.list_buckets()

    with pytest.raises(EndpointConnectionError) as refused:
        asyncio.run(main())
    assert endpoint in str(refused.value)
    assert sts_backend.calls == []


def test_nothing_is_intercepted_after_exit_and_the_original_send_is_restored(
    network: Network,
) -> None:
    cls = aiobotocore.endpoint.AioEndpoint
    originals = (cls._send, cls._send_request, botocore.endpoint.Endpoint.__init__)
    with mock_sts() as backend:
        assert cls._send is not originals[0]
        assert asyncio.run(caller_arn(**FOREIGN_KEY)) == DEFAULT_USER_ARN
    assert (cls._send, cls._send_request, botocore.endpoint.Endpoint.__init__) == originals
    assert cls._send is originals[0]  # identity, not only equality

    with pytest.raises(ConnectionError, match="reached the network layer"):
        asyncio.run(caller_arn(**FOREIGN_KEY))
    assert len(backend.calls) == 1
    assert network.urls == ["https://sts.us-east-1.amazonaws.com/"]


def test_moto_active_too_sts_is_still_ours(network: Network) -> None:
    import moto

    with moto.mock_aws(), mock_sts() as backend:
        arn = asyncio.run(caller_arn())
    assert arn == DEFAULT_USER_ARN
    assert len(backend.calls) == 1
    assert network.urls == []


# -- import order: fresh processes ------------------------------------------------

# Replaces aiobotocore's transport in a fresh process; indented to sit inside a ``with`` block.
_NO_NETWORK = """
    import aiobotocore.httpsession
    async def no_network(self, request):
        raise ConnectionError("reached the network: " + request.url)
    aiobotocore.httpsession.AIOHTTPSession.send = no_network
"""


def test_activation_does_not_import_aiobotocore() -> None:
    result = _run_python(
        """
        import sys
        from pytest_stsmock import mock_sts
        with mock_sts():
            pass
        print("aiobotocore" in sys.modules)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]


def test_aiobotocore_imported_after_activation_is_intercepted() -> None:
    """The limitation-free case: the first endpoint made after the import installs the patch."""
    result = _run_python(
        """
import asyncio, botocore.endpoint
from pytest_stsmock import mock_sts
original_init = botocore.endpoint.Endpoint.__init__
async def main():
    async with aiobotocore.session.get_session().create_client(
        "sts", region_name="us-east-1"
    ) as client:
        return (await client.get_caller_identity())["Arn"]
with mock_sts() as backend:
    import aiobotocore.endpoint, aiobotocore.session
    original_send = aiobotocore.endpoint.AioEndpoint._send
"""
        + _NO_NETWORK
        + """
    arn = asyncio.run(main())
restored = (
    aiobotocore.endpoint.AioEndpoint._send is original_send
    and botocore.endpoint.Endpoint.__init__ is original_init
)
print(arn, len(backend.calls), restored)
"""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [DEFAULT_USER_ARN, "1", "True"]


def test_moto_imported_after_activation_still_leaves_aiobotocores_sts_to_us() -> None:
    result = _run_python(
        """
import asyncio, aiobotocore.httpsession, aiobotocore.session
from pytest_stsmock import mock_sts
async def main():
    async with aiobotocore.session.get_session().create_client(
        "sts", region_name="us-east-1"
    ) as client:
        return (await client.get_caller_identity())["Arn"]
async def no_network(self, request):
    raise ConnectionError("reached the network: " + request.url)
aiobotocore.httpsession.AIOHTTPSession.send = no_network
with mock_sts() as backend:
    import moto
    with moto.mock_aws():
        arn = asyncio.run(main())
print(arn, len(backend.calls))
"""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [DEFAULT_USER_ARN, "1"]
