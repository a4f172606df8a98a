"""``mock_sts``: one object that is a decorator, a context manager and start()/stop().

Every activation starts a fresh :class:`~pytest_stsmock.backend.STSBackend`
unless one was passed in, points the AWS credential environment variables at
the default user's key (:mod:`._environ` restores them, in any stop order),
and asks :mod:`.transports` to route STS requests to that backend.

Design decisions:

* **Activations are process-wide.**  The innermost active one answers every
  thread.  Within one thread, two asyncio tasks that are not nested (say two
  decorated coroutines under ``asyncio.gather``) cannot each have their own
  mock: ``os.environ`` holds one default key.  Rather than let them silently
  share one backend, the second start raises :class:`StsMockError`.  A task
  started inside an active mock (the mock's context is inherited) nests.
* **One backend per test.**  ``@mock_sts`` on a test that also uses the
  ``sts_backend`` fixture (or the marker) shares the fixture's backend when
  its options agree; when they differ, it warns (:class:`StsMockWarning`),
  since seeding one backend would be invisible to the other.
* Decoration of functions and classes lives in :mod:`._decorate`.
"""

from __future__ import annotations

import contextvars
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any, TypeVar, overload

from . import _environ, _options
from ._boto3_session import forget_resolved_credentials
from .backend import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, STSBackend
from .errors import StsMockError, StsMockWarning

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_WHERE = _options.in_call("mock_sts")


@dataclass(frozen=True)
class _Options:
    account_id: str
    region: str
    strict: bool
    seed: int | None

    def backend(self) -> STSBackend:
        return STSBackend(
            account_id=self.account_id, region=self.region, strict=self.strict, seed=self.seed
        )

    def agree_with(self, backend: STSBackend) -> bool:
        return (self.account_id, self.region, self.strict, self.seed) == (
            backend.account_id,
            backend.region,
            backend.strict,
            backend.seed,
        )


_DEFAULT_OPTIONS = _Options(DEFAULT_ACCOUNT_ID, DEFAULT_REGION, False, None)


class _Activation:
    """One start(): its backend, environment layer, thread and asyncio task (a plain
    class with slots: one is made at every activation)."""

    __slots__ = ("backend", "fixture", "layer", "task", "thread")

    def __init__(
        self, backend: STSBackend, layer: _environ.Layer, thread: int, task: Any, fixture: bool
    ) -> None:
        self.backend = backend
        self.layer = layer
        self.thread = thread
        self.task = task
        self.fixture = fixture


#: Every active activation, outermost first (all threads).
_active: list[_Activation] = []
_lock = threading.RLock()
#: The activations the current asyncio task (or thread) runs inside of.
_inside: contextvars.ContextVar[tuple[_Activation, ...]] = contextvars.ContextVar(
    "pytest_stsmock_inside", default=()
)


class MockSTS:
    """An activation of the STS mock.  Use ``mock_sts(...)`` to make one."""

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        strict: bool = False,
        seed: int | None = None,
        backend: STSBackend | None = None,
        iam: bool = True,
        _where: _options.Where = _WHERE,
        _explicit: bool = True,
    ) -> None:
        if not isinstance(iam, bool):
            raise StsMockError(f"{_where('iam')} must be True or False, not {iam!r}.")
        #: Answer IAM too (the subset in the README) unless moto does; False leaves it alone.
        self._iam = iam
        if backend is not None and not isinstance(backend, STSBackend):
            raise StsMockError(
                "mock_sts(backend=...) takes an STSBackend, e.g. the one a previous mock yielded."
            )
        if _options.are_defaults(account_id, region, strict, seed):
            self._options = _DEFAULT_OPTIONS  # immutable: one for every default mock
        else:
            options = {"account_id": account_id, "region": region, "strict": strict, "seed": seed}
            _options.check(options, _where)  # fail where the user wrote them
            self._options = _Options(account_id, region, strict, seed)
        self._given = backend
        self._explicit = _explicit
        #: Set by the pytest plugin on the ``sts_backend`` fixture's activation.
        self.fixture = False
        self._stack: list[_Activation] = []

    @property
    def backend(self) -> STSBackend:
        """The backend of the current activation."""
        if not self._stack:
            raise StsMockError("This mock_sts is not active; call start() or enter it with 'with'.")
        return self._stack[-1].backend

    # -- start / stop ---------------------------------------------------------

    def start(self) -> STSBackend:
        """Activate; return the backend now answering STS."""
        with _lock:
            task = _current_task()
            thread = threading.get_ident()
            _refuse_concurrent(thread, task)
            backend = self._given if self._given is not None else self._shared_backend(thread)
            if backend is None:
                backend = self._options.backend()
            key = backend.default_access_key
            layer = _environ.push(key.access_key_id, key.secret_access_key, backend.region)
            install = _transports()
            forget_resolved_credentials(profile_unset=True)  # push unset both
            try:
                install.activate(backend, iam=self._iam)
            except BaseException:
                _environ.pop(layer)
                raise
            activation = _Activation(backend, layer, thread, task, self.fixture)
            _active.append(activation)
            self._stack.append(activation)
            _inside.set((*_inside.get(), activation))
            return backend

    def _shared_backend(self, thread: int) -> STSBackend | None:
        """The ``sts_backend`` fixture's backend when this decorator runs inside its test."""
        if self.fixture or not _active:
            return None
        outer = next((a for a in reversed(_active) if a.thread == thread), None)
        if outer is None or not outer.fixture:
            return None
        if not self._explicit or self._options.agree_with(outer.backend):
            return outer.backend
        warnings.warn(
            StsMockWarning(
                "This test uses both @mock_sts(...) and the sts_backend fixture (or the "
                "stsmock marker) with different options, so they are two backends and what "
                "you seed in one is invisible to the other; use only one of them."
            ),
            stacklevel=4,
        )
        return None

    def stop(self) -> None:
        """Deactivate the most recent start(); restore the environment it changed."""
        with _lock:
            if not self._stack:
                raise StsMockError(
                    "stop() was called on a mock_sts that is not active; call start() first."
                )
            activation = self._stack.pop()
            if _active[-1] is activation:  # stopped in order, as nearly always
                _active.pop()
            else:
                _active[:] = [other for other in _active if other is not activation]
            inside = _inside.get()
            if inside and inside[-1] is activation:
                _inside.set(inside[:-1])
            elif activation in inside:
                _inside.set(tuple(a for a in inside if a is not activation))
            try:
                _transports().deactivate(activation.backend)
            finally:
                no_profile = _environ.pop(activation.layer)
                forget_resolved_credentials(profile_unset=no_profile)

    # -- context managers -----------------------------------------------------

    def __enter__(self) -> STSBackend:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> STSBackend:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- decorator --------------------------------------------------------------

    def __call__(self, target: T) -> T:
        """Decorate a function (sync, async, generator) or a class (every test is wrapped)."""
        from . import _decorate

        if isinstance(target, type):
            return _decorate.decorate_class(target, self._fresh)  # type: ignore[return-value]
        if not callable(target):
            raise StsMockError(
                "mock_sts decorates functions and classes; use 'with mock_sts():' otherwise."
            )
        return _decorate.decorate_function(target, self._fresh)  # type: ignore[return-value]

    def _fresh(self, backend: STSBackend | None = None) -> MockSTS:
        """A new activation with these options (on ``backend``, or on the one given, if any)."""
        options = self._options
        return MockSTS(
            account_id=options.account_id,
            region=options.region,
            strict=options.strict,
            seed=options.seed,
            backend=backend if backend is not None else self._given,
            iam=self._iam,
            _explicit=self._explicit,
        )


_install: ModuleType | None = None


def _transports() -> ModuleType:
    """``transports.install``, imported at the first activation: keeps plugin import cheap."""
    global _install
    if _install is None:
        from .transports import install

        _install = install
    return _install


def _current_task() -> Any:
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return None
    # asyncio's own test for a running loop; raising and catching current_task()'s
    # RuntimeError costs more than the rest of a start when no loop runs.
    running_loop = getattr(asyncio, "_get_running_loop", None)
    if running_loop is not None and running_loop() is None:
        return None
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running event loop in this thread
        return None


def _refuse_concurrent(thread: int, task: Any) -> None:
    """StsMockError when another live task of this thread has a mock we are not inside of."""
    if task is None:
        return
    inside = _inside.get()
    for other in _active:
        if (
            other.thread == thread
            and other.task is not None
            and other.task is not task
            and not other.task.done()
            and other not in inside
        ):
            raise StsMockError(
                "mock_sts is already active in another asyncio task of this thread, and "
                "concurrent tasks would share one environment and one backend: activate the "
                "mock once around asyncio.gather(...) (or pass backend= to share one on purpose)."
            )


def active_backend() -> STSBackend:
    """The innermost active backend (for tests decorated with ``@mock_sts``)."""
    with _lock:
        if not _active:
            raise StsMockError(
                "No mock_sts is active; decorate the test with @mock_sts, use the sts_backend "
                "fixture, or enter 'with mock_sts() as backend:'."
            )
        return _active[-1].backend


def sweep_environment() -> None:
    """Undo the mock's environment where a tool restored it after the mock stopped."""
    with _lock:
        if not _active:
            _environ.sweep()


def _default_mock() -> MockSTS:
    """``MockSTS(_explicit=False)``, the commonest mock, without the keyword-argument call
    and the option checks it would skip anyway (``tests/integration`` checks that both
    give the same attributes)."""
    mock: MockSTS = object.__new__(MockSTS)
    mock._iam = True
    mock._options = _DEFAULT_OPTIONS
    mock._given = None
    mock._explicit = False
    mock.fixture = False
    mock._stack = []
    return mock


@overload
def mock_sts(func: F, /) -> F: ...


@overload
def mock_sts(
    *,
    account_id: str = ...,
    region: str = ...,
    strict: bool = ...,
    seed: int | None = ...,
    backend: STSBackend | None = ...,
    iam: bool = ...,
) -> MockSTS: ...


def mock_sts(func: Any = None, /, **options: Any) -> Any:
    """Answer STS from an in-process backend: decorator, context manager or start()/stop().

    ``@mock_sts`` decorates a function or class directly; ``mock_sts(...)`` with
    options returns a :class:`MockSTS` usable as a decorator, ``with`` block
    (yielding the backend) or through ``start()`` / ``stop()``.
    """
    if func is None:
        if not options:
            return _default_mock()
        _options.reject_unknown(options, "mock_sts(...)", (*_options.NAMES, "backend", "iam"))
        return MockSTS(**options, _explicit=bool(set(options) - {"backend"}))
    if options:
        raise StsMockError("Use @mock_sts or @mock_sts(option=...), not both at once.")
    return MockSTS(_explicit=False)(func)
