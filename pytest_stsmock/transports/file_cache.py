"""botocore's file credential caches, kept out of the user's home while a mock is active.

Not a way in: a patch that goes in and out with the others.  The AWS CLI run
in-process caches the credentials of its ``role_arn`` profiles in
``~/.aws/cli/cache`` (botocore's ``JSONFileCache``).  Credentials a backend
issued would outlive it there, and a later run, with a new backend that never
issued that key, would reuse them.

Design decisions:

* While active, every ``JSONFileCache`` (made before activation or after)
  reads and writes a directory of the innermost backend's own, under one
  temporary directory (made on first use) that is deleted when the last mock
  stops.  Nothing is
  written to, or read from, the user's home.  A cache entry lives exactly as
  long as the backend that issued its credentials is active.
* The redirect is a data descriptor for the instances' ``_working_dir``
  attribute on the class: it wins over each instance's own value while
  installed, and removing it shows their own values again.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from typing import Any

from . import registry

_MISSING = object()

#: The temporary root (made on first use: most activations never touch a file cache)
#: and each backend's directory under it, while the patch is in.
_roots: list[str] = []
_directories: dict[int, tuple[object, str]] = {}


def _working_dir(self: Any) -> str:
    if not _roots:
        _roots.append(tempfile.mkdtemp(prefix="pytest-stsmock-cache-"))
    backend = registry.innermost()
    entry = _directories.get(id(backend))
    if entry is None or entry[0] is not backend:
        path = os.path.join(_roots[0], str(len(_directories)))
        entry = _directories[id(backend)] = (backend, path)
    return entry[1]


def _set_working_dir(self: Any, value: str) -> None:
    self.__dict__["_working_dir"] = value


#: Built once: installing the patch is one class attribute set.
_REDIRECT = property(_working_dir, _set_working_dir)
#: botocore's JSONFileCache (imported at the first patch) and its usual undo.
_cache_class: list[Any] = []


def patch() -> registry.Undo:
    """Redirect ``JSONFileCache`` into a temporary directory; return the undo."""
    if not _cache_class:
        from botocore.credentials import JSONFileCache  # type: ignore[import-untyped, unused-ignore]

        _cache_class.append(JSONFileCache)
        _cache_class.append(functools.partial(_undo, JSONFileCache, _MISSING))
    cache_class = _cache_class[0]
    original = cache_class.__dict__.get("_working_dir", _MISSING)
    cache_class._working_dir = _REDIRECT
    if original is _MISSING:  # as botocore defines it: the undo made once
        undo: registry.Undo = _cache_class[1]
        return undo
    return functools.partial(_undo, cache_class, original)


def _undo(cache_class: Any, original: object) -> None:
    if original is _MISSING:
        del cache_class._working_dir
    else:
        cache_class._working_dir = original
    _directories.clear()
    if not _roots:  # no cache was used while active, as nearly always
        return
    roots = _roots[:]
    _roots.clear()
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)
