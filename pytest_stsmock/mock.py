"""``mock_sts``: one object that is a decorator, a context manager and start()/stop().

Every activation starts a fresh :class:`~pytest_stsmock.backend.STSBackend`
unless one was passed in, points the AWS credential environment variables at
the default user's key (restoring the previous environment on exit), and asks
:mod:`.transports` to route STS requests to that backend.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar, overload

from . import _fastpaths
from .backend import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, STSBackend, check_options
from .errors import StsMockError

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_ENV_UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


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
    ) -> None:
        if backend is not None and not isinstance(backend, STSBackend):
            raise StsMockError(
                "backend= takes an STSBackend, e.g. the one a previous mock yielded."
            )
        self._options = _Options(account_id, region, strict, seed)
        if backend is None:
            check_options(account_id, region)  # fail where the user wrote them
        self._given = backend
        # (backend, environment before start, environment as start left it)
        self._stack: list[tuple[STSBackend, dict[str, str | None], dict[str, str | None]]] = []

    @property
    def backend(self) -> STSBackend:
        """The backend of the current activation."""
        if not self._stack:
            raise StsMockError("This mock_sts is not active; call start() or enter it with 'with'.")
        return self._stack[-1][0]

    # -- start / stop ---------------------------------------------------------

    def start(self) -> STSBackend:
        """Activate; return the backend now answering STS."""
        backend = self._given if self._given is not None else self._options.backend()
        environ = os.environ
        saved = _read_environ()
        key = backend.default_access_key
        ours: dict[str, str | None] = dict.fromkeys(_ENV_UNSET)
        ours["AWS_ACCESS_KEY_ID"] = key.access_key_id
        ours["AWS_SECRET_ACCESS_KEY"] = key.secret_access_key
        ours["AWS_DEFAULT_REGION"] = saved["AWS_DEFAULT_REGION"] or backend.region
        for name, value in ours.items():
            if value is None:
                if saved[name] is not None:
                    del environ[name]
            elif value != saved[name]:
                environ[name] = value
        from .transports import install  # imported on first use: keeps plugin import cheap

        _forget_boto3_default_session()
        install.activate(backend)
        self._stack.append((backend, saved, ours))
        return backend

    def stop(self) -> None:
        """Deactivate the most recent start(); restore the environment it changed."""
        if not self._stack:
            raise StsMockError(
                "stop() was called on a mock_sts that is not active; call start() first."
            )
        backend, saved, ours = self._stack.pop()
        from .transports import install

        try:
            install.deactivate(backend)
        finally:
            environ = os.environ
            current = _read_environ()
            for name, value in saved.items():
                now = current[name]
                if now != ours[name] or now == value:
                    continue  # changed since we set it (by moto, say), or nothing to undo
                if value is None:
                    del environ[name]
                else:
                    environ[name] = value
            _forget_boto3_default_session()

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
        """Decorate a function (sync or async) or a class (each test method is wrapped)."""
        if isinstance(target, type):
            return self._decorate_class(target)  # type: ignore[return-value]
        if not callable(target):
            raise StsMockError(
                "mock_sts decorates functions and classes; use 'with mock_sts():' otherwise."
            )
        return self._decorate_function(target)  # type: ignore[return-value]

    def _fresh(self) -> MockSTS:
        options = self._options
        return MockSTS(
            account_id=options.account_id,
            region=options.region,
            strict=options.strict,
            seed=options.seed,
            backend=self._given,
        )

    def _decorate_function(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if _is_coroutine_function(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self._fresh():
                    return await func(*args, **kwargs)

            return async_wrapper

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return func(*args, **kwargs)

        return wrapper

    def _decorate_class(self, cls: type) -> type:
        unittest = sys.modules.get("unittest")  # a TestCase exists only if unittest is loaded
        if unittest is not None and issubclass(cls, unittest.TestCase):
            original_run = cls.run  # type: ignore[attr-defined]
            mock = self

            def run(self: Any, result: Any = None) -> Any:
                # setUp, the test and tearDown all run under one activation.
                with mock._fresh():
                    return original_run(self, result)

            cls.run = run  # type: ignore[attr-defined]
            return cls
        for name, attribute in list(vars(cls).items()):
            if name.startswith("test") and callable(attribute):
                setattr(cls, name, self._decorate_function(attribute))
        return cls


_ENV_SET = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
_ENV_NAMES = (*_ENV_UNSET, *_ENV_SET)


def _read_environ() -> dict[str, str | None]:
    """The variables the mock sets or clears, as ``os.environ`` holds them now."""
    return _fastpaths.read_environ(_ENV_NAMES)


def _is_coroutine_function(func: Callable[..., Any]) -> bool:
    """inspect.iscoroutinefunction, without importing inspect for plain functions."""
    code = getattr(func, "__code__", None)
    if code is not None and not hasattr(func, "_is_coroutine_marker"):
        return bool(code.co_flags & 0x80)  # CO_COROUTINE
    import inspect

    return inspect.iscoroutinefunction(func)


def _forget_boto3_default_session() -> None:
    """Drop boto3's cached default session, which caches credentials from the environment.

    Without this, ``boto3.client(...)`` keeps the credentials it resolved before
    the environment changed (before activation, or in an earlier test).
    """
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None  # type: ignore[attr-defined]


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
) -> MockSTS: ...


def mock_sts(func: Any = None, /, **options: Any) -> Any:
    """Answer STS from an in-process backend: decorator, context manager or start()/stop().

    ``@mock_sts`` decorates a function or class directly; ``mock_sts(...)`` with
    options returns a :class:`MockSTS` usable as a decorator, ``with`` block
    (yielding the backend) or through ``start()`` / ``stop()``.
    """
    if func is None:
        return MockSTS(**options)
    if options:
        raise StsMockError("Use @mock_sts or @mock_sts(option=...), not both at once.")
    return MockSTS()(func)
