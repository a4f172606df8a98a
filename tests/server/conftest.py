"""Fixtures of the server tests: one StsServer seeded with the example state per test."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pytest_stsmock.backend import STSBackend
from pytest_stsmock.server import StsServer
from tests.helpers.server import client, connection, state


@pytest.fixture
def server() -> Iterator[StsServer]:
    """A started server on a free loopback port, seeded with server_helpers.state()."""
    with StsServer(STSBackend(seed=7), state=state(), request_timeout=2.0) as running:
        yield running


@pytest.fixture
def conn(server: StsServer) -> Iterator[http.client.HTTPConnection]:
    """A keep-alive HTTP connection to ``server``, closed after the test."""
    opened = connection(server.endpoint_url)
    yield opened
    opened.close()


@pytest.fixture
def make_client() -> Iterator[Callable[..., Any]]:
    """``server_helpers.client`` whose clients are closed (their sockets too) after the test."""
    made: list[Any] = []

    def make(*args: Any, **kwargs: Any) -> Any:
        made.append(client(*args, **kwargs))
        return made[-1]

    yield make
    for sts in made:
        sts.close()
