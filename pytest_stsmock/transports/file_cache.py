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

import os
import shutil
import tempfile
from typing import Any

from . import registry

_MISSING = object()


def patch() -> registry.Undo:
    """Redirect ``JSONFileCache`` into a temporary directory; return the undo."""
    from botocore.credentials import JSONFileCache  # type: ignore[import-untyped, unused-ignore]

    roots: list[str] = []  # made on first use: most activations never touch a file cache
    directories: dict[int, tuple[object, str]] = {}

    def working_dir(self: Any) -> str:
        if not roots:
            roots.append(tempfile.mkdtemp(prefix="pytest-stsmock-cache-"))
        backend = registry.innermost()
        entry = directories.get(id(backend))
        if entry is None or entry[0] is not backend:
            path = os.path.join(roots[0], str(len(directories)))
            entry = directories[id(backend)] = (backend, path)
        return entry[1]

    def set_working_dir(self: Any, value: str) -> None:
        self.__dict__["_working_dir"] = value

    original = JSONFileCache.__dict__.get("_working_dir", _MISSING)
    JSONFileCache._working_dir = property(working_dir, set_working_dir)

    def undo() -> None:
        if original is _MISSING:
            del JSONFileCache._working_dir
        else:
            JSONFileCache._working_dir = original
        directories.clear()
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)

    return undo
