"""Real clients in other runtimes against the server: the AWS CLI, the JS and Ruby SDKs.

A test here is skipped only when its runtime is absent (no node or no installed
SDK, no ruby or no aws-sdk-core); ``.ci/sdks.sh`` installs both, and with
``STSMOCK_REQUIRE_SDKS=1`` (set by CI) an absent runtime fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from server_helpers import state

from pytest_stsmock.backend import STSBackend
from pytest_stsmock.server import StsServer


@pytest.fixture
def server() -> Iterator[StsServer]:
    with StsServer(STSBackend(seed=11), state=state()) as running:
        yield running


def require(available: bool, reason: str) -> None:
    """Skip unless ``available``; with STSMOCK_REQUIRE_SDKS=1, fail instead."""
    if available:
        return
    if os.environ.get("STSMOCK_REQUIRE_SDKS") == "1":
        pytest.fail(f"{reason} (STSMOCK_REQUIRE_SDKS=1: run .ci/sdks.sh)")
    pytest.skip(f"{reason}; .ci/sdks.sh installs it")
