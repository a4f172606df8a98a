"""aiobotocore's ``AioEndpoint._send``: the adapter for aiobotocore's STS and IAM clients.

aiobotocore's ``AioEndpoint`` overrides botocore's ``_send`` (and
``_send_request``) with coroutines, so the patch of ``Endpoint._send`` never
sees its requests.  Design decisions:

* aiobotocore is never imported here: importing it costs more than importing
  this plugin.  It is patched only when ``aiobotocore.endpoint`` is already in
  ``sys.modules``; a program that uses it has imported it by the time it makes
  a client.
* ``AioEndpoint._send`` is patched as a class attribute, so clients made
  before activation, the httpx backend's ``AnyioEndpoint`` (a subclass) and
  the STS clients of aiobotocore's own credential providers are caught too.
  The test is the endpoint prefix, as for botocore: ``sts``, and ``iam`` too
  unless the mock was started with ``iam=False`` (the IAM subset is answered
  here as for botocore, and an IAM operation outside it gets the mock's
  error, so no IAM request leaves the machine); other services go on to
  aiobotocore's HTTP session untouched.
* A request is converted exactly as for botocore (``_convert.headers``,
  ``_convert.body_bytes``, ``registry.answer``).  The answer is
  aiobotocore's own ``AioAWSResponse``, whose ``content`` is awaited by
  ``convert_to_response_dict`` and the parsers; its raw object has the two
  members aiobotocore reads from aiohttp's response: a coroutine ``read()``,
  and ``raw_headers`` as (bytes, bytes) pairs, from which aiobotocore 2.x
  builds the response headers.
* ``AioEndpoint._send_request`` is wrapped only to wrap moto's stubber when
  moto was imported after activation, as ``botocore_endpoint`` does:
  moto answers from ``before-send``, before ``_send`` is reached.
* aiobotocore imported after activation: every endpoint it makes runs
  botocore's ``Endpoint.__init__``, so once ``aiobotocore.endpoint`` is
  imported while the mock is active (``install`` watches for that import with
  ``_late_import``, so an activation in a process without aiobotocore swaps no
  class attribute for it), that is wrapped to install the patch at the first
  endpoint made after the import.  It costs a dictionary look-up per client
  created (a look-up and a lock once aiobotocore is in), nothing per request.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import botocore.endpoint

from pytest_stsmock import _moto
from pytest_stsmock._http import HttpRequest

from . import _convert, registry

#: The module patched; its import is watched (``_late_import``) when it comes later.
MODULE = _MODULE = "aiobotocore.endpoint"


class _AioRawBody:
    """The slice of aiohttp's ``ClientResponse`` that ``AioAWSResponse`` reads."""

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self._body = body
        self.raw_headers = tuple(
            (name.lower().encode("utf-8"), value.encode("utf-8")) for name, value in headers.items()
        )

    async def read(self, amt: int | None = None) -> bytes:
        if amt is None or amt < 0:
            body, self._body = self._body, b""
        else:
            body, self._body = self._body[:amt], self._body[amt:]
        return body


def patch_aiobotocore() -> Callable[[], None] | None:
    """Answer STS (and IAM) requests of aiobotocore clients; the undo, or None if nothing to do.

    None when aiobotocore is not imported or ``AioEndpoint`` is patched already.
    """
    module = sys.modules.get(_MODULE)
    endpoint_cls: Any = getattr(module, "AioEndpoint", None)
    if endpoint_cls is None or getattr(endpoint_cls._send, "_stsmock", False):
        return None
    response_cls: Any = importlib.import_module("aiobotocore.awsrequest").AioAWSResponse
    original = endpoint_cls._send
    original_send_request = endpoint_cls._send_request
    is_active = registry.is_active
    answers_iam = registry.answers_iam
    answer = registry.answer

    async def _send_request(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Runs before the before-send event, where moto would answer.
        if self._endpoint_prefix == "sts" and registry.is_active():
            _moto.patch_stubber_if_imported_late()
        return await original_send_request(self, *args, **kwargs)

    async def _send(self: Any, request: Any) -> Any:
        prefix = self._endpoint_prefix
        if prefix == "sts":
            if not is_active():
                return await original(self, request)
        elif prefix != "iam" or not answers_iam():
            return await original(self, request)
        response = answer(
            HttpRequest(
                request.method,
                request.url,
                _convert.headers(request.headers),
                _convert.body_bytes(request.body),
            ),
            prefix,
        )
        return response_cls(
            request.url,
            response.status,
            response.headers,
            _AioRawBody(response.body, response.headers),
        )

    _send._stsmock = True  # type: ignore[attr-defined]
    endpoint_cls._send = _send
    endpoint_cls._send_request = _send_request

    def undo() -> None:
        endpoint_cls._send = original
        endpoint_cls._send_request = original_send_request

    return undo


def _patch_if_imported_late() -> None:
    if _MODULE in sys.modules:
        with registry.lock:
            undo = patch_aiobotocore() if registry.is_active() else None
            if undo is not None:
                registry.add_late_undo(undo)


def watch_for_late_import() -> Callable[[], None]:
    """Patch aiobotocore at the first endpoint made after it is imported; the undo."""
    original = botocore.endpoint.Endpoint.__init__

    def __init__(self: botocore.endpoint.Endpoint, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if _MODULE in sys.modules:
            _patch_if_imported_late()

    botocore.endpoint.Endpoint.__init__ = __init__

    def undo() -> None:
        botocore.endpoint.Endpoint.__init__ = original

    return undo


def imported() -> bool:
    """True once ``aiobotocore.endpoint`` is imported."""
    return _MODULE in sys.modules


def watch_endpoints_if_active() -> None:
    """Right after ``aiobotocore.endpoint`` is imported while a mock is active: patch it at
    the first endpoint made from now on (:func:`watch_for_late_import`)."""
    with registry.lock:
        if registry.is_active():
            registry.add_late_undo(watch_for_late_import())


def install() -> Callable[[], None] | None:
    """At activation: patch aiobotocore now if it is imported, else watch its endpoints;
    None when it is not imported (``MODULE``'s import is then watched by the caller,
    which calls :func:`watch_endpoints_if_active` right after it)."""
    undo = patch_aiobotocore()
    if undo is not None:
        return undo
    return watch_for_late_import() if imported() else None
