"""The aio tests' fixture; aiobotocore is imported only by a test that uses it."""

from __future__ import annotations

import pytest

from tests.aio.network import Network


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    """aiobotocore's transport replaced by a :class:`Network` that records and fails."""
    import aiobotocore.httpsession

    fake = Network()
    monkeypatch.setattr(
        aiobotocore.httpsession.AIOHTTPSession, "send", lambda self, request: fake.send(request)
    )
    return fake
