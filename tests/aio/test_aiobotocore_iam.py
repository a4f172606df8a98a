"""aiobotocore's IAM clients are answered by the mock's IAM subset, as botocore's are.

Run where aiobotocore is installed (``tox -e aio``).  aiobotocore's HTTP
transport is replaced by a recording fake that fails, so an IAM request the
mock does not answer fails the test and never reaches the network.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

pytest.importorskip(
    "aiobotocore", reason="aiobotocore is not installed (pip install -e '.[test,aio]')"
)

import aiobotocore.httpsession
import aiobotocore.session
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, mock_sts
from tests.aio.network import Network
from tests.helpers.clients import error_of

ACCOUNT = "123456789012"
USER = f"arn:aws:iam::{ACCOUNT}:user/stsmock"
# A key the backend never issued: it acts as the default user (not strict).
FOREIGN_KEY = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE12", "aws_secret_access_key": "x" * 40}
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"}],
    }
)


@asynccontextmanager
async def aio_client(service: str, **kwargs: Any) -> AsyncIterator[Any]:
    session = aiobotocore.session.get_session()
    async with session.create_client(
        service, region_name="us-east-1", config=AioConfig(retries={"max_attempts": 1}), **kwargs
    ) as client:
        yield client


def test_iam_calls_are_answered_and_drive_sts(network: Network) -> None:
    async def main() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        async with aio_client("iam") as iam, aio_client("sts") as sts:
            created = await iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=TRUST)
            got = await iam.get_role(RoleName="DEPLOYER")
            assumed = await sts.assume_role(RoleArn=created["Role"]["Arn"], RoleSessionName="aio")
        return created, got, assumed

    with mock_sts() as backend:
        created, got, assumed = asyncio.run(main())
        assert backend.default_account.roles["deployer"].arn == created["Role"]["Arn"]
    assert created["Role"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/deployer"
    assert got["Role"]["RoleId"] == created["Role"]["RoleId"]
    assert got["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST)  # decoded by botocore
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/aio"
    assert [c.operation for c in backend.calls] == ["CreateRole", "GetRole", "AssumeRole"]
    assert network.urls == []


def test_iam_errors_come_through_aiobotocores_parser(network: Network) -> None:
    async def get_missing() -> None:
        async with aio_client("iam") as iam:
            await iam.get_role(RoleName="missing")

    async def outside_the_subset() -> None:
        async with aio_client("iam") as iam:
            await iam.get_account_summary()

    with mock_sts():
        with pytest.raises(ClientError) as missing:
            asyncio.run(get_missing())
        with pytest.raises(ClientError) as unanswered:
            asyncio.run(outside_the_subset())
    assert error_of(missing) == (
        "NoSuchEntity",
        "The role with name missing cannot be found.",
        404,
    )
    code, message, status = error_of(unanswered)
    assert (code, status) == ("NotImplemented", 501)
    assert "GetAccountSummary" in message
    assert network.urls == []


def test_paginators_page_through_the_mock(sts_backend: STSBackend, network: Network) -> None:
    for n in range(5):
        sts_backend.default_account.create_role(f"r{n}", trust_policy=json.loads(TRUST))

    async def main() -> list[str]:
        names: list[str] = []
        async with aio_client("iam") as iam:
            async for page in iam.get_paginator("list_roles").paginate(
                PaginationConfig={"PageSize": 2}
            ):
                names.extend(role["RoleName"] for role in page["Roles"])
        return names

    assert asyncio.run(main()) == [f"r{n}" for n in range(5)]
    assert [c.operation for c in sts_backend.calls] == ["ListRoles"] * 3
    assert network.urls == []


def test_iam_false_leaves_aiobotocores_iam_alone(network: Network) -> None:
    async def main() -> None:
        async with aio_client("iam") as iam:
            await iam.list_roles()

    with mock_sts(iam=False) as backend, pytest.raises(ConnectionError, match="network layer"):
        asyncio.run(main())
    assert network.urls == ["https://iam.amazonaws.com/"]
    assert backend.calls == []


def test_after_exit_iam_is_left_alone(network: Network) -> None:
    async def main() -> None:
        async with aio_client("iam", **FOREIGN_KEY) as iam:
            await iam.list_roles()

    with mock_sts():
        asyncio.run(main())
    with pytest.raises(ConnectionError, match="network layer"):
        asyncio.run(main())
    assert network.urls == ["https://iam.amazonaws.com/"]
