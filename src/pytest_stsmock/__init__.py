"""pytest-stsmock: a faithful, stateful in-process mock of AWS STS for pytest."""

from __future__ import annotations

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
from .errors import StsMockError
from .mock import MockSTS, mock_sts

__version__ = "0.1.0"

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
    "User",
    "__version__",
    "mock_sts",
]
