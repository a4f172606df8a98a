"""Where STS requests are caught.  The only module that patches process-global state.

Patch points, installed when the first mock activates and removed when the
last one exits (nesting is counted; the innermost active backend answers):

* ``botocore.endpoint.Endpoint._send``, as a class attribute, so clients made
  before activation are caught too, and so are the STS clients botocore makes
  for its own credential providers.  The test is the endpoint's prefix
  (``sts``), not the host, so every endpoint form is caught: global, regional,
  FIPS, dual-stack, the aws-cn and aws-us-gov partitions and any custom
  ``endpoint_url``.  Requests for other services go on untouched.
* moto answers from a ``before-send`` handler, which runs before
  ``Endpoint._send``.  When moto is imported its stubber class is wrapped so
  that it declines STS requests (everything else is still moto's), so with
  both mocks active STS is answered here and S3 by moto.
* aiobotocore's ``AioEndpoint._send``, a coroutine that bypasses the one
  above: see ``_intercept_aio``.
* ``requests`` (a presigned GetCallerIdentity URL, for example):
  ``HTTPAdapter.send`` answers URLs on STS hosts and passes every other request
  to whatever ``requests`` would have done without it.  (``responses`` was the
  first tool for this; a private RequestsMock cost tens of microseconds per
  activation and fixed its pass-through target at creation, so a plain
  reversible patch does the job better.)
"""

from __future__ import annotations

import io
import re
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import botocore.endpoint
import requests.adapters
import urllib3

from . import _intercept_aio, _observe, _pipeline
from ._http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from .backend import STSBackend

STS_HOST = re.compile(
    r"^https?://sts(?:-fips)?(?:\.[a-z0-9-]+)?\."
    r"(?:amazonaws\.com(?:\.cn)?|api\.aws|api\.amazonwebservices\.com\.cn|amazonaws\.eu)"
    r"(?::\d+)?(?:/|\?|$)"
)

_lock = threading.RLock()
_active: list[STSBackend] = []
_undo: list[Callable[[], None]] = []


class _RawBody:
    """The minimal raw-stream object botocore's AWSResponse reads content from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        if hasattr(body, "seek"):
            body.seek(0)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    return bytes(body)


def _headers(headers: Any) -> dict[str, str]:
    """Lower-cased header names; bytes values (botocore sends some) decoded."""
    # A botocore request's HeadersDict is a MutableMapping whose items() runs
    # through Python-level __iter__/__getitem__ (about 8 µs a request); its
    # inner dict already holds each name lower-cased.  HTTPHeaders (an
    # email.message.Message) keeps a plain list of pairs.  Anything else: items().
    inner = getattr(headers, "_dict", None)
    if type(inner) is dict:
        try:
            return {
                key._lower: v.decode("utf-8", "replace") if type(v) is bytes else str(v)
                for key, v in inner.items()
            }
        except AttributeError:  # not the key type we know: take the public road
            pass
    pairs = getattr(headers, "_headers", None)
    if not isinstance(pairs, list):
        pairs = headers.items()
    return {
        str(k).lower(): v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        for k, v in pairs
    }


def answer(request: HttpRequest) -> HttpResponse:
    """Answer from the innermost active backend."""
    return _pipeline.handle(_active[-1], request)


def _patch_botocore() -> Callable[[], None]:
    original = botocore.endpoint.Endpoint._send
    original_send_request = botocore.endpoint.Endpoint._send_request

    def _send_request(self: botocore.endpoint.Endpoint, *args: Any, **kwargs: Any) -> Any:
        # Runs before the before-send event, where moto would answer.
        if self._endpoint_prefix == "sts" and _active:
            _patch_moto_if_imported_late()
        return original_send_request(self, *args, **kwargs)

    def _send(self: botocore.endpoint.Endpoint, request: Any) -> Any:
        if self._endpoint_prefix != "sts" or not _active:
            return original(self, request)
        response = answer(
            HttpRequest(
                request.method, request.url, _headers(request.headers), _body_bytes(request.body)
            )
        )
        return botocore.awsrequest.AWSResponse(
            request.url, response.status, response.headers, _RawBody(response.body)
        )

    botocore.endpoint.Endpoint._send = _send
    botocore.endpoint.Endpoint._send_request = _send_request

    def undo() -> None:
        botocore.endpoint.Endpoint._send = original
        botocore.endpoint.Endpoint._send_request = original_send_request

    return undo


def _patch_moto() -> Callable[[], None] | None:
    module = sys.modules.get("moto.core.botocore_stubber")
    stubber = getattr(module, "BotocoreStubber", None)
    if stubber is None or getattr(stubber.__call__, "_stsmock", False):
        return None
    original = stubber.__call__

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if _active and event_name.startswith("before-send.sts."):
            return None  # STS is ours; let the request reach Endpoint._send
        return original(self, event_name, request, **kwargs)

    __call__._stsmock = True  # type: ignore[attr-defined]
    stubber.__call__ = __call__

    def undo() -> None:
        stubber.__call__ = original

    return undo


def _patch_moto_if_imported_late() -> None:
    """moto may be imported after activation: wrap its stubber before its first STS request."""
    module = sys.modules.get("moto.core.botocore_stubber")
    stubber = getattr(module, "BotocoreStubber", None)
    if stubber is not None and not getattr(stubber.__call__, "_stsmock", False):
        with _lock:
            undo = _patch_moto() if _active else None
            if undo is not None:
                _undo.insert(0, undo)


def _patch_requests() -> Callable[[], None]:
    """Answer ``requests`` calls to STS hosts; pass everything else to what was there before.

    One class attribute is swapped, so whatever patched ``HTTPAdapter.send``
    earlier (a user's own ``responses`` mock, say) still sees the rest.  The
    response is built by requests' own ``build_response`` from a urllib3
    response, as a real transport would.
    """
    original = requests.adapters.HTTPAdapter.send

    def send(self: requests.adapters.HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not _active or not STS_HOST.match(request.url or ""):
            return original(self, request, *args, **kwargs)
        response = answer(
            HttpRequest(
                request.method or "GET",
                request.url,
                _headers(request.headers),
                _body_bytes(request.body),
            )
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


def push(backend: STSBackend) -> None:
    """Make ``backend`` answer STS; install the patches if this is the first activation."""
    with _lock:
        if not _active:
            _undo.append(_patch_botocore())
            moto_undo = _patch_moto()
            if moto_undo is not None:
                _undo.append(moto_undo)
            _undo.append(_intercept_aio.install())
            _undo.append(_patch_requests())
        _active.append(backend)
        _observe.activated(backend)


def pop(backend: STSBackend) -> None:
    """Stop ``backend`` answering; remove every patch when no mock is left active."""
    with _lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is backend:
                del _active[index]
                break
        if not _active:
            while _undo:
                _undo.pop()()


def active_backend() -> STSBackend | None:
    return _active[-1] if _active else None
