"""A stand-in for aiobotocore's aiohttp transport, shared by the aio tests.

It records each URL that reaches it, then fails the call, so a request the
mock does not answer fails its test and never reaches the network.  The
``network`` fixture (``conftest.py``) puts it in place.
"""

from __future__ import annotations

from typing import Any


class Network:
    """Records the URL, then fails the call."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def send(self, request: Any) -> Any:
        self.urls.append(request.url)
        raise ConnectionError(f"the request to {request.url} reached the network layer")
