"""``requests``' ``HTTPAdapter.send``: the adapter for presigned STS URLs fetched with requests.

Answers URLs on STS hosts (and IAM hosts, unless ``iam=False`` or moto's
``mock_aws`` is active: then moto answers IAM) and passes every other request to whatever
``requests`` would have done without it.  One class attribute is swapped, so
whatever patched ``HTTPAdapter.send`` earlier (a user's own ``responses``
mock, say) still sees the rest.  The wrapper is built once and reused while
``HTTPAdapter`` and the ``send`` it wraps are unchanged (a ``send`` replaced
between activations gets a wrapper of its own).  The response is built by requests' own
``build_response`` from a urllib3 response, as a real transport would.
(``responses`` was the first tool for this; a private RequestsMock cost tens
of microseconds per activation and fixed its pass-through target at
creation, so a plain reversible patch does the job better.)

``requests`` is never imported here (with its dependencies it cost about
half of a process's first activation): it is patched at activation when it
is already imported, and otherwise right after its adapters module is
imported while a mock is active (``install`` watches for that import with
``_late_import``; :func:`patch_if_active` is what it runs).
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Callable
from typing import Any

from pytest_stsmock import _moto
from pytest_stsmock._http import IAM_URL, STS_URL, HttpRequest

from . import _convert, registry

#: The module patched; ``install`` watches for its import when it is not imported yet.
MODULE = _MODULE = "requests.adapters"


#: The last wrapper made: (the class, the ``send`` it wraps, the wrapper, its undo).
#: Activations reuse it while ``HTTPAdapter.send`` is still that original (building the
#: closure and importing two modules again cost about a tenth of an activation).
_built: list[tuple[Any, Any, Any, Callable[[], None]]] = []


def patch() -> Callable[[], None]:
    """Answer ``requests`` calls to STS hosts while a mock is active; the undo."""
    # Not ``import requests.adapters``: right after a late import the package does not
    # have its ``adapters`` attribute yet (the module is in sys.modules already).
    adapters = sys.modules.get(_MODULE) or importlib.import_module(_MODULE)
    adapter_cls = adapters.HTTPAdapter
    original = adapter_cls.send
    if _built:
        built_cls, built_original, built_send, built_undo = _built[0]
        if built_cls is adapter_cls and built_original is original:
            adapter_cls.send = built_send
            return built_undo
    is_active = registry.is_active
    answer = registry.answer

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
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
        raw = importlib.import_module("urllib3").HTTPResponse(
            body=io.BytesIO(response.body),
            headers=response.headers,
            status=response.status,
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)

    adapter_cls.send = send

    def undo() -> None:
        adapter_cls.send = original

    _built[:] = [(adapter_cls, original, send, undo)]
    return undo


def patch_if_active() -> None:
    """Right after ``requests.adapters`` is imported: patch it if a mock is still active."""
    with registry.lock:
        if registry.is_active():
            registry.add_late_undo(patch())


def imported() -> bool:
    """True once ``requests.adapters`` is imported (it is then patched at once)."""
    return _MODULE in sys.modules
