"""The admin API under ``/_stsmock/``: seed and assert from a test suite in any language.

``GET /_stsmock/health``, ``GET /_stsmock/calls``, ``POST /_stsmock/reset``,
``POST /_stsmock/state`` (the ``--state`` format, merged in).  Every answer is
JSON; an error is ``{"error": <code>, "message": <one sentence>}`` with a 4xx
status.  Design decisions:

* ``calls`` lists every recorded call with the fields of ``Call`` (datetimes as
  ISO 8601 UTC with ``Z``, bytes as base64); ``?operation=`` and
  ``?error_code=`` (``none`` for successes) filter it, so a count needs no
  client-side code.
* ``reset`` returns the backend to the state the server started with: the
  backend is reset and the ``--state`` document, if any, is applied again.
* The admin API is not signed: it is a test tool on a loopback port.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from ._http import HttpRequest, HttpResponse
from ._state import StateError, apply, loads
from .backend import STSBackend
from .backend.calls import Call

PREFIX = "/_stsmock/"
_FIELDS: tuple[str, ...] = ("operation", "params", "caller_arn", "region", "time", "error_code")
_FIELDS += ("error_message", "response", "explanation", "encoded_authorization_message")


def json_default(value: object) -> Any:
    """``json.dumps``'s fallback for the values a Call holds (datetimes, bytes, sets)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _json(status: int, payload: object) -> HttpResponse:
    body = json.dumps(payload, default=json_default).encode("utf-8")
    return HttpResponse(status, body, {"Content-Type": "application/json"})


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _json(status, {"error": code, "message": message})


def call_json(call: Call) -> dict[str, Any]:
    """One call as the admin API shows it."""
    return {name: getattr(call, name) for name in _FIELDS}


class Admin:
    """The admin API of one server's backend; ``initial`` is re-applied at each reset."""

    def __init__(self, backend: STSBackend, initial: dict[str, Any] | None = None) -> None:
        self.backend = backend
        self.initial = initial
        self._routes: dict[tuple[str, str], Callable[[HttpRequest], HttpResponse]] = {
            ("GET", "health"): self.health,
            ("GET", "calls"): self.calls,
            ("POST", "reset"): self.reset,
            ("POST", "state"): self.state,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parts = request.url_parts
        path = parts.path if parts is not None else ""
        name = path[len(PREFIX) :].rstrip("/") if path.startswith(PREFIX) else ""
        route = self._routes.get((request.method.upper(), name))
        if route is not None:
            return route(request)
        methods = sorted(m for m, n in self._routes if n == name)
        if methods:
            return _error(
                405, "MethodNotAllowed", f"{PREFIX}{name} takes {' or '.join(methods)} only."
            )
        known = ", ".join(f"{m} {PREFIX}{n}" for m, n in self._routes)
        return _error(404, "NotFound", f"No admin endpoint {path!r}; there are: {known}.")

    def health(self, request: HttpRequest) -> HttpResponse:
        backend = self.backend
        return _json(
            200,
            {
                "status": "ok",
                "account_id": backend.account_id,
                "region": backend.region,
                "strict": backend.strict,
                "calls": len(backend.calls),
            },
        )

    def calls(self, request: HttpRequest) -> HttpResponse:
        parts = request.url_parts
        query = parse_qs(parts.query if parts is not None else "", keep_blank_values=True)
        unknown = sorted(set(query) - {"operation", "error_code"})
        if unknown:
            return _error(
                400, "InvalidParameter", f"calls takes operation= and error_code=, not {unknown}."
            )
        with self.backend.lock:
            calls = list(self.backend.calls)
        for operation in query.get("operation", []):
            calls = [c for c in calls if c.operation == operation]
        for code in query.get("error_code", []):
            wanted = None if code.lower() in ("none", "null", "") else code
            calls = [c for c in calls if c.error_code == wanted]
        return _json(200, {"calls": [call_json(c) for c in calls]})

    def reset(self, request: HttpRequest) -> HttpResponse:
        with self.backend.lock:
            self.backend.reset()
            if self.initial is not None:
                apply(self.backend, self.initial)
        return _json(200, {"status": "reset"})

    def state(self, request: HttpRequest) -> HttpResponse:
        try:
            added = apply(self.backend, loads(request.body))
        except StateError as error:
            return _error(400, "InvalidState", str(error))
        return _json(200, {"added": added})
