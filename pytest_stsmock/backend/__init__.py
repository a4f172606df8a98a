"""The stateful STS backend: accounts, principals, sessions, MFA devices and the call log.

The backend is plain Python with no HTTP in sight.  It owns one seeded random
generator for every identifier and reads the clock at call time.  Requests
reach it through the operations layer; tests reach it directly to seed state
and to assert on calls.
"""

from __future__ import annotations

import functools
import os
import random
import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_stsmock.errors import StsMockError

from . import clock
from .accounts import Account
from .calls import Call, describe_mismatch, match
from .credentials import Session
from .mfa import MFADevice
from .principals import AccessKey, ManagedPolicy, Principal, Role, Root, User

if TYPE_CHECKING:
    from .policy.document import PolicyDocument

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "AccessKey",
    "Account",
    "Call",
    "MFADevice",
    "ManagedPolicy",
    "Principal",
    "Role",
    "Root",
    "STSBackend",
    "Session",
    "User",
]

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_USER_NAME = "stsmock"
_ACCOUNT_ID = re.compile(r"\d{12}")

ALLOW_EVERYTHING: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "StsMockDefaultUser", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


@functools.cache
def _allow_everything() -> PolicyDocument:
    """The default user's policy, parsed once per process (documents are immutable)."""
    from .policy.document import PolicyDocument

    return PolicyDocument.parse(ALLOW_EVERYTHING, kind="identity")


def check_options(account_id: object, region: object) -> None:
    """Raise StsMockError for an account id or region the backend would refuse."""
    _check_account_id(account_id)
    if not isinstance(region, str) or not region:
        raise StsMockError(f"region {region!r} must be a region name such as 'eu-west-1'.")


def _check_account_id(account_id: object) -> str:
    if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
        raise StsMockError(
            f"Account id {account_id!r} is not valid: pass a string of exactly 12 digits, "
            "e.g. '111122223333'."
        )
    return account_id


class STSBackend:
    """All the state one activation of the mock answers from."""

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        strict: bool = False,
        seed: int | None = None,
    ) -> None:
        check_options(account_id, region)
        self.account_id = account_id
        self.region = region
        self.strict = bool(strict)
        self.seed = seed
        self.lock = threading.RLock()
        self._init_state()

    def _init_state(self) -> None:
        # Unseeded: 128 bits of OS entropy (Random(None) reads 2.5 KB of it, 7 us slower).
        seed = self.seed if self.seed is not None else int.from_bytes(os.urandom(16), "big")
        self.rng = random.Random(seed)
        self.accounts: dict[str, Account] = {}
        self.calls: list[Call] = []
        self.sessions: list[Session] = []
        self._access_keys: dict[str, AccessKey] = {}
        self._sessions_by_key: dict[str, Session] = {}
        self._mfa_devices: dict[str, MFADevice] = {}
        self.default_user: User = self.default_account.create_user(
            DEFAULT_USER_NAME, policies=[_allow_everything()]
        )
        self.default_access_key: AccessKey = self.default_user.create_access_key()

    def __repr__(self) -> str:
        return (
            f"STSBackend(account_id={self.account_id!r}, region={self.region!r}, "
            f"strict={self.strict}, calls={len(self.calls)}, sessions={len(self.sessions)})"
        )

    # -- seeding -----------------------------------------------------------

    @property
    def default_account(self) -> Account:
        return self.account(self.account_id)

    def account(self, account_id: str) -> Account:
        """The account with this 12-digit id, created on first use."""
        found = self.accounts.get(account_id)
        if found is None:
            found = self.accounts[_check_account_id(account_id)] = Account(self, account_id)
        return found

    def reset(self) -> None:
        """Forget every account, session and call; start again as freshly created."""
        with self.lock:
            self._init_state()

    # -- lookups used by the request pipeline --------------------------------

    def now(self) -> Any:
        return clock.now()

    def access_key(self, access_key_id: str) -> AccessKey | None:
        return self._access_keys.get(access_key_id)

    def session(self, access_key_id: str) -> Session | None:
        """The temporary credentials with this access key id, or None."""
        return self._sessions_by_key.get(access_key_id)

    def mfa_device(self, serial_number: str) -> MFADevice | None:
        return self._mfa_devices.get(serial_number)

    def find_role(self, arn: str) -> Role | None:
        """The role an ARN names, if its account and name exist (path must match)."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
            return None
        account = self.accounts.get(parts[4])
        return None if account is None else account.role_by_arn(arn)

    def _register_access_key(self, key: AccessKey) -> None:
        self._access_keys[key.access_key_id] = key

    def _register_mfa_device(self, device: MFADevice) -> None:
        self._mfa_devices[device.serial_number] = device

    def _register_session(self, session: Session) -> None:
        self.sessions.append(session)
        self._sessions_by_key[session.access_key_id] = session

    # -- assertions ----------------------------------------------------------

    def assert_called(self, operation: str, /, **params: Any) -> Call:
        """Assert some call was ``operation`` with at least ``params``; return the first match."""
        __tracebackhide__ = True
        for call in self.calls:
            if not match(call, operation, params):
                return call
        raise AssertionError(describe_mismatch(self.calls, operation, params))

    def assert_not_called(self, operation: str, /, **params: Any) -> None:
        """Assert no call was ``operation`` (with at least ``params``, if given)."""
        __tracebackhide__ = True
        matching = [c for c in self.calls if not match(c, operation, params)]
        if matching:
            where = ", ".join(str(self.calls.index(c) + 1) for c in matching)
            raise AssertionError(
                f"Expected no STS call {operation}"
                + (f" with {_show(params)}" if params else "")
                + f", but call(s) {where} of {len(self.calls)} matched: {matching!r}"
            )


def _show(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items())
