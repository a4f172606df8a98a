"""The state every transport shares: the stack of active backends, its lock and the undo list.

Each adapter (botocore, aiobotocore, ``requests``, the HTTP server) asks this
module whether a mock is active and hands it the requests it caught; none of
them imports another.  ``transports.activate`` / ``transports.deactivate``
install the adapters' patches through :func:`push` and remove them through
:func:`pop`.

Design decisions:

* Nesting is counted: the patches go in when the first backend is pushed and
  come out when the last is popped, in the reverse order they went in.  The
  innermost (most recently pushed, still active) backend answers.
* A patch installed late (moto or aiobotocore imported after activation) adds
  its undo with :func:`add_late_undo`; it runs after the others, since it
  wraps something that an earlier patch may also touch.
* One re-entrant lock guards the stack and the undo list.  It is not held
  while a request is answered: the backend takes its own lock for what it
  changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from pytest_stsmock import _pipeline
from pytest_stsmock._http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend

Undo = Callable[[], None]

lock = threading.RLock()
#: The active backends, outermost first: the live list, changed in place by
#: :func:`push` and :func:`pop` only.  An adapter may keep a reference and read it
#: per request (``if stack:`` ... ``stack[-1]``), one frame fewer than
#: :func:`is_active` and :func:`answer`.
stack: list[STSBackend] = []
_active = stack
#: Beside each active backend: does it answer IAM too (``mock_sts(iam=...)``)?
_iam: list[bool] = []
_undo: list[Undo] = []


def is_active() -> bool:
    """True while at least one mock is active (the adapters' per-request test)."""
    return bool(_active)


def answers_iam() -> bool:
    """True while the innermost activation answers IAM requests as well."""
    return bool(_iam) and _iam[-1]


def active() -> list[STSBackend]:
    """The active backends, outermost first (a copy)."""
    with lock:
        return _active[:]


def innermost() -> STSBackend | None:
    """The backend that answers now, or None when no mock is active."""
    return _active[-1] if _active else None


def answer(request: HttpRequest, service: str | None = None) -> HttpResponse:
    """Answer ``request`` (``service`` "sts" or "iam" when known) from the innermost backend."""
    return _pipeline.handle(_active[-1], request, service)


def push(backend: STSBackend, install: Callable[[], list[Undo]], *, iam: bool = True) -> None:
    """Make ``backend`` the innermost; call ``install`` (the patches) if none was active."""
    with lock:
        if not _active:
            _undo.extend(install())
        _active.append(backend)
        _iam.append(iam)


def pop(backend: STSBackend) -> None:
    """Remove the innermost entry of ``backend``; undo every patch when none is left."""
    with lock:
        if _active and _active[-1] is backend:  # as nearly always
            _active.pop()
            _iam.pop()
        else:
            for index in range(len(_active) - 1, -1, -1):
                if _active[index] is backend:
                    del _active[index]
                    del _iam[index]
                    break
        if not _active:
            while _undo:
                _undo.pop()()


def add_late_undo(undo: Undo) -> None:
    """Record the undo of a patch installed while active; it runs after the others."""
    with lock:
        _undo.insert(0, undo)
