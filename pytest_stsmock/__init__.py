"""pytest-stsmock: a faithful, stateful in-process mock of AWS STS for pytest.

The public names load on first use (PEP 562), so the pytest plugin and a bare
``import pytest_stsmock`` stay cheap; ``from pytest_stsmock import mock_sts``
loads what it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import (
        DEFAULT_ACCOUNT_ID,
        AccessKey,
        Account,
        Call,
        ManagedPolicy,
        MFADevice,
        Principal,
        Role,
        Session,
        STSBackend,
        User,
    )
    from .errors import StsMockError, StsMockWarning
    from .mock import MockSTS, active_backend, mock_sts

__version__ = "0.1.0"

_WHERE = {
    "DEFAULT_ACCOUNT_ID": ".backend",
    "AccessKey": ".backend",
    "Account": ".backend",
    "Call": ".backend",
    "MFADevice": ".backend",
    "ManagedPolicy": ".backend",
    "MockSTS": ".mock",
    "Principal": ".backend",
    "Role": ".backend",
    "STSBackend": ".backend",
    "Session": ".backend",
    "StsMockError": ".errors",
    "StsMockWarning": ".errors",
    "active_backend": ".mock",
    "User": ".backend",
    "mock_sts": ".mock",
}

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "AccessKey",
    "Account",
    "Call",
    "MFADevice",
    "ManagedPolicy",
    "MockSTS",
    "Principal",
    "Role",
    "STSBackend",
    "Session",
    "StsMockError",
    "StsMockWarning",
    "User",
    "__version__",
    "active_backend",
    "mock_sts",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_stsmock' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
