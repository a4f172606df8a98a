"""Run a callback right after a module is first imported, without importing it ourselves.

Used for libraries the plugin patches but must not import: importing
``requests`` (with urllib3, charset_normalizer, idna and http.cookiejar) cost
about half of the first activation in a process that never uses it.

Design decisions:

* A ``sys.meta_path`` finder, first in the list while it watches.  For the one
  module name it watches, it asks the finders after it for the real spec and
  wraps that spec's loader, so the module is found, created and executed
  exactly as without it; the callback runs after the module's code has run
  (its classes exist) and before the importer sees it.  Every other name is
  declined at once (one string comparison per import).
* A loader without ``exec_module`` (a legacy loader) is left alone: the
  callback then never runs, which leaves that library unpatched rather than
  broken.  The transports' tests cover the loaders CPython ships.
* The callback runs at most once per watch; the undo removes the finder.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
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
    def __init__(self, name: str, callback: Callable[[], None]) -> None:
        self._name = name
        self._callback = callback
        self._lock = threading.Lock()
        self._fired = False

    def _fire(self) -> None:
        with self._lock:
            if self._fired:
                return
            self._fired = True
        self._callback()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self._name:
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
            spec.loader = _Loader(spec.loader, self._fire)
        return spec


def after_import(name: str, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback()`` once, right after module ``name`` is imported; the undo."""
    watch = _Watch(name, callback)
    sys.meta_path.insert(0, watch)

    def undo() -> None:
        with contextlib.suppress(ValueError):  # someone reset sys.meta_path meanwhile
            sys.meta_path.remove(watch)

    return undo
