"""What ``@mock_sts`` does to a function or a class: every test it holds runs mocked.

Design decisions:

* **Functions of every kind.**  A plain or async function runs inside one
  activation.  A generator or async-generator function (a pytest fixture
  decorated with ``@mock_sts``) keeps its activation from the first step until
  it finishes or is closed, so the mock is active for the fixture's whole
  life; ``send``/``throw`` reach the wrapped generator unchanged.
* **Classes: every test, wherever it is defined.**  Every ``test*`` attribute
  of the class or its bases (a mixin's tests too) is wrapped on the decorated
  class, keeping static and class methods what they are; a base class's
  methods are not changed.  Already wrapped ones are left alone.
* **pytest classes.**  When the class has ``setup_method``/``teardown_method``,
  one activation spans setup, the test and teardown (seeding in
  ``setup_method`` is what the test sees).  ``setup_class``/``teardown_class``
  run under a class-wide activation, and while it lasts every test of the
  class runs on that class's backend, so what ``setup_class`` seeds is there.
* **unittest classes.**  ``TestCase.run`` is wrapped: ``setUp`` (and
  ``asyncSetUp``), the test and ``tearDown`` run under one activation, for
  every test, inherited ones included.  ``setUpClass``/``tearDownClass``,
  when the class defines them, get a class-wide activation as above.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import AsyncGenerator, Callable, Generator
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import STSBackend
    from .mock import MockSTS

Fresh = Callable[["STSBackend | None"], "MockSTS"]
Activate = Callable[[tuple[Any, ...]], AbstractContextManager[Any]]

_MARK = "__stsmock_wrapped__"
_INSTANCE = "_stsmock_method_activation"
_CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200


def decorate_function(func: Callable[..., Any], fresh: Fresh) -> Callable[..., Any]:
    """``func`` running under a fresh activation at each call."""
    return _wrap(func, lambda args: fresh(None))


def _kind(func: Callable[..., Any]) -> int:
    code = getattr(func, "__code__", None)
    if code is not None and type(func).__name__ == "function":
        return int(code.co_flags) & (_CO_GENERATOR | _CO_COROUTINE | _CO_ASYNC_GENERATOR)
    if inspect.iscoroutinefunction(func):
        return _CO_COROUTINE
    if inspect.isasyncgenfunction(func):
        return _CO_ASYNC_GENERATOR
    return _CO_GENERATOR if inspect.isgeneratorfunction(func) else 0


def _wrap(func: Callable[..., Any], activate: Activate) -> Callable[..., Any]:
    kind = _kind(func)
    if kind & _CO_COROUTINE:
        wrapper = _coroutine(func, activate)
    elif kind & _CO_ASYNC_GENERATOR:
        wrapper = _async_generator(func, activate)
    elif kind & _CO_GENERATOR:
        wrapper = _generator(func, activate)
    else:
        wrapper = _plain(func, activate)
    functools.update_wrapper(wrapper, func)
    setattr(wrapper, _MARK, True)
    return wrapper


def _plain(func: Callable[..., Any], activate: Activate) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with activate(args):
            return func(*args, **kwargs)

    return wrapper


def _coroutine(func: Callable[..., Any], activate: Activate) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        with activate(args):
            return await func(*args, **kwargs)

    return wrapper


def _generator(func: Callable[..., Any], activate: Activate) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        with activate(args):
            return (yield from func(*args, **kwargs))

    return wrapper


def _async_generator(func: Callable[..., Any], activate: Activate) -> Callable[..., Any]:
    """An async generator function that drives ``func``'s, forwarding asend/athrow/aclose."""

    async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        with activate(args):
            agen = func(*args, **kwargs)
            try:
                value = await agen.__anext__()
            except StopAsyncIteration:
                return
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    await agen.aclose()
                    raise
                except BaseException as exc:  # thrown in: hand it to the wrapped generator
                    try:
                        value = await agen.athrow(exc)
                    except StopAsyncIteration:
                        return
                else:
                    try:
                        value = await agen.asend(sent)
                    except StopAsyncIteration:
                        return

    return wrapper


# -- classes ------------------------------------------------------------------


def decorate_class(cls: type, fresh: Fresh) -> type:
    """Wrap every test of ``cls`` (and of its bases) so it runs mocked."""
    class_activations: dict[type, MockSTS] = {}

    def class_backend(owner: type) -> STSBackend | None:
        for klass in owner.__mro__:
            mock = class_activations.get(klass)
            if mock is not None:
                return mock.backend
        return None

    unittest = sys.modules.get("unittest")  # a TestCase exists only if unittest is loaded
    is_testcase = unittest is not None and issubclass(cls, unittest.TestCase)
    if is_testcase:
        _wrap_run(cls, fresh, class_backend)
        _wrap_class_hooks(cls, "setUpClass", "tearDownClass", fresh, class_activations)
        return cls

    def per_test(args: tuple[Any, ...]) -> AbstractContextManager[Any]:
        owner = cls
        if args:
            first = args[0]
            if getattr(first, _INSTANCE, None) is not None:
                return nullcontext()  # setup_method's activation spans this test
            owner = first if isinstance(first, type) else type(first)
        return fresh(class_backend(owner) if isinstance(owner, type) else None)

    for name in dir(cls):
        if name.startswith("test"):
            _wrap_attribute(cls, name, per_test)
    _wrap_method_hooks(cls, fresh, class_backend)
    _wrap_class_hooks(cls, "setup_class", "teardown_class", fresh, class_activations)
    return cls


def _wrap_attribute(cls: type, name: str, activate: Activate) -> None:
    raw = inspect.getattr_static(cls, name)
    if isinstance(raw, (staticmethod, classmethod)):
        inner = raw.__func__
        if not getattr(inner, _MARK, False) and callable(inner):
            setattr(cls, name, type(raw)(_wrap(inner, activate)))
    elif inspect.isfunction(raw) and not getattr(raw, _MARK, False):
        setattr(cls, name, _wrap(raw, activate))


def _wrap_run(cls: type, fresh: Fresh, class_backend: Callable[[type], Any]) -> None:
    original_run = cls.run  # type: ignore[attr-defined]
    if getattr(original_run, _MARK, False):
        return

    def run(self: Any, result: Any = None) -> Any:
        # setUp, the test and tearDown all run under one activation.
        with fresh(class_backend(type(self))):
            return original_run(self, result)

    setattr(run, _MARK, True)
    cls.run = run  # type: ignore[attr-defined]


def _own_hook(cls: type, name: str) -> Any:
    """The hook ``name`` as ``cls`` or a base defines it (None for unittest's no-ops)."""
    try:
        raw = inspect.getattr_static(cls, name)
    except AttributeError:
        return None
    unittest = sys.modules.get("unittest")
    if unittest is not None and raw is unittest.TestCase.__dict__.get(name):
        return None
    return raw


def _call_hook(raw: Any, owner: Any, arg: Any = None) -> None:
    """Call a hook as pytest would: bound to ``owner``, with ``arg`` if it takes one."""
    bound: Callable[..., Any]
    if isinstance(raw, staticmethod):
        bound = raw.__func__
    elif isinstance(raw, classmethod):
        bound = functools.partial(raw.__func__, owner if isinstance(owner, type) else type(owner))
    else:
        bound = functools.partial(raw, owner)
    try:
        takes_arg = bool(inspect.signature(bound).parameters)
    except (TypeError, ValueError):
        takes_arg = False
    if takes_arg:
        bound(arg)
    else:
        bound()


def _wrap_class_hooks(
    cls: type, setup: str, teardown: str, fresh: Fresh, activations: dict[type, MockSTS]
) -> None:
    raw_setup, raw_teardown = _own_hook(cls, setup), _own_hook(cls, teardown)
    if raw_setup is None or getattr(getattr(raw_setup, "__func__", raw_setup), _MARK, False):
        return

    def setup_hook(klass: type) -> None:
        mock = fresh(None)
        mock.start()
        activations[klass] = mock
        try:
            _call_hook(raw_setup, klass)
        except BaseException:
            del activations[klass]
            mock.stop()
            raise

    def teardown_hook(klass: type) -> None:
        mock = activations.pop(klass, None)
        try:
            if raw_teardown is not None:
                _call_hook(raw_teardown, klass)
        finally:
            if mock is not None:
                mock.stop()

    for hook in (setup_hook, teardown_hook):
        setattr(hook, _MARK, True)
    setattr(cls, setup, classmethod(setup_hook))
    setattr(cls, teardown, classmethod(teardown_hook))


def _wrap_method_hooks(cls: type, fresh: Fresh, class_backend: Callable[[type], Any]) -> None:
    raw_setup, raw_teardown = _own_hook(cls, "setup_method"), _own_hook(cls, "teardown_method")
    if raw_setup is None and raw_teardown is None:
        return
    if getattr(raw_setup, _MARK, False):
        return

    def setup_method(self: Any, method: Any = None) -> None:
        mock = fresh(class_backend(type(self)))
        mock.start()
        setattr(self, _INSTANCE, mock)
        try:
            if raw_setup is not None:
                _call_hook(raw_setup, self, method)
        except BaseException:
            setattr(self, _INSTANCE, None)
            mock.stop()
            raise

    def teardown_method(self: Any, method: Any = None) -> None:
        mock = getattr(self, _INSTANCE, None)
        try:
            if raw_teardown is not None:
                _call_hook(raw_teardown, self, method)
        finally:
            setattr(self, _INSTANCE, None)
            if mock is not None:
                mock.stop()

    for hook in (setup_method, teardown_method):
        setattr(hook, _MARK, True)
    cls.setup_method = setup_method  # type: ignore[attr-defined]
    cls.teardown_method = teardown_method  # type: ignore[attr-defined]
