"""Real clients in other runtimes against the server: the AWS CLI, the JS and Ruby SDKs.

A test here is skipped only when its runtime is absent (no node or no installed
SDK, no ruby or no aws-sdk-core); ``.ci/sdks.sh`` installs both, and with
``STSMOCK_REQUIRE_SDKS=1`` (set by CI) an absent runtime fails instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_stsmock.backend import STSBackend
from pytest_stsmock.server import StsServer
from tests.helpers.server import state


@pytest.fixture
def server() -> Iterator[StsServer]:
    with StsServer(STSBackend(seed=11), state=state()) as running:
        yield running
