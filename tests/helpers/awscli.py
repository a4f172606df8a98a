"""The AWS CLI in-process, for tests, without leaking what importing it changes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest


@contextmanager
def awscli_driver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Any]]:
    """Yield awscli's ``create_clidriver``, with ``os.environ`` and the import hooks restored after.

    Imported late, after botocore: importing awscli first makes its bundled copy
    of botocore (awscli >= 1.46) the process's ``botocore``. Its first import sets
    AWS_DATA_PATH (where the CLI's own data lives) and adds an import hook; both
    are undone after the block. Since a module is imported only once, every
    block sets AWS_DATA_PATH again, as the first import did.
    """
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    with mock.patch.dict(os.environ):
        import awscli
        from awscli.clidriver import create_clidriver

        data = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")
        paths = os.environ.get("AWS_DATA_PATH", "").split(os.pathsep)
        if data not in paths:
            os.environ["AWS_DATA_PATH"] = os.pathsep.join([p for p in paths if p] + [data])
        yield create_clidriver
