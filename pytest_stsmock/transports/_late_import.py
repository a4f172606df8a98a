"""Run a callback right after a module is first imported, without importing it ourselves.

Used for libraries the plugin patches but must not import: importing
``requests`` (with urllib3, charset_normalizer, idna and http.cookiejar) cost
about half of the first activation in a process that never uses it.

Design decisions:

* One ``sys.meta_path`` finder, first in the list while it watches, for every
  module name of an activation (one insert and one removal per activation,
  not one per library).  For a name it watches, it asks the finders after it for the real spec and
  wraps that spec's loader, so the module is found, created and executed
  exactly as without it; the callback runs after the module's code has run
  (its classes exist) and before the importer sees it.  Every other name is
  declined at once (one dictionary look-up per import).
* A loader without ``exec_module`` (a legacy loader) is left alone: the
  callback then never runs, which leaves that library unpatched rather than
  broken.  The transports' tests cover the loaders CPython ships.
* Each callback runs at most once per watch (taken out of the finder's table
  as it fires); the undo removes the finder.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any


class _Loader(importlib.abc.Loader):
    """The real loader, with ``callback`` run after ``exec_module``."""

    def __init__(self, real: Any, callback: Callable[[], None]) -> None:
        self._real = real
        self._callback = callback

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._real.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self._real.exec_module(module)
        self._callback()

    def __getattr__(self, name: str) -> Any:  # get_source, is_package, get_resource_reader...
        return getattr(self._real, name)


class _Watch(importlib.abc.MetaPathFinder):
    def __init__(self, callbacks: Mapping[str, Callable[[], None]]) -> None:
        self._callbacks = dict(callbacks)

    def _fire(self, name: str) -> None:
        callback = self._callbacks.pop(name, None)  # atomic under the GIL: at most once
        if callback is not None:
            callback()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._callbacks:
            return None
        for finder in list(sys.meta_path):
            if finder is self or isinstance(finder, _Watch):
                continue
            find = getattr(finder, "find_spec", None)
            spec: importlib.machinery.ModuleSpec | None = (
                find(fullname, path, target) if find is not None else None
            )
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader, functools.partial(self._fire, fullname))
        return spec


#: The last watch made and its undo: the next call with the same callbacks, once that
#: watch is out of ``sys.meta_path`` and none of its callbacks fired, puts it back
#: instead of making another (as an activation after the previous one's stop does).
_last: list[tuple[_Watch, Callable[[], None]]] = []


def after_imports(callbacks: Mapping[str, Callable[[], None]]) -> Callable[[], None]:
    """For each module name, call its callback once, right after that module is imported
    (one finder watches them all); the undo."""
    if _last:
        last, last_undo = _last[0]
        if last._callbacks == callbacks and last not in sys.meta_path:
            sys.meta_path.insert(0, last)
            return last_undo
    watch = _Watch(callbacks)
    sys.meta_path.insert(0, watch)

    def undo() -> None:
        try:  # noqa: SIM105 - contextlib.suppress costs three Python calls at every stop
            sys.meta_path.remove(watch)
        except ValueError:  # someone reset sys.meta_path meanwhile
            pass

    _last[:] = [(watch, undo)]
    return undo


def after_import(name: str, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback()`` once, right after module ``name`` is imported; the undo."""
    return after_imports({name: callback})
