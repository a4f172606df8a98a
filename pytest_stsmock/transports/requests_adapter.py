"""``requests``' ``HTTPAdapter.send``: the adapter for presigned STS URLs fetched with requests.

Answers URLs on STS hosts (and IAM hosts, unless ``iam=False`` or moto's
``mock_aws`` is active: then moto answers IAM) and passes every other request to whatever
``requests`` would have done without it.  One class attribute is swapped, so
whatever patched ``HTTPAdapter.send`` earlier (a user's own ``responses``
mock, say) still sees the rest.  The response is built by requests' own
``build_response`` from a urllib3 response, as a real transport would.
(``responses`` was the first tool for this; a private RequestsMock cost tens
of microseconds per activation and fixed its pass-through target at
creation, so a plain reversible patch does the job better.)
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import requests.adapters
import urllib3

from pytest_stsmock import _moto
from pytest_stsmock._http import IAM_URL, STS_URL, HttpRequest

from . import _convert, registry


def patch() -> Callable[[], None]:
    """Answer ``requests`` calls to STS hosts while a mock is active; the undo."""
    original = requests.adapters.HTTPAdapter.send
    is_active = registry.is_active
    answer = registry.answer

    def send(self: requests.adapters.HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_active():
            return original(self, request, *args, **kwargs)
        url = request.url or ""
        if STS_URL.match(url):
            service = "sts"
        elif IAM_URL.match(url) and registry.answers_iam() and not _moto.aws_mock_active():
            service = "iam"
        else:
            return original(self, request, *args, **kwargs)
        response = answer(
            HttpRequest(
                request.method or "GET",
                request.url,
                _convert.headers(request.headers),
                _convert.body_bytes(request.body),
            ),
            service,
        )
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(response.body),
            headers=response.headers,
            status=response.status,
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]

    def undo() -> None:
        requests.adapters.HTTPAdapter.send = original  # type: ignore[method-assign]

    return undo
