"""The stateful STS backend: accounts, principals, sessions, MFA devices and the call log.

The backend is plain Python with no HTTP in sight.  It owns one seeded random
generator for every identifier and reads the clock at call time.  Requests
reach it through the operations layer; tests reach it directly to seed state
and to assert on calls.

The state of the rarer operations (organizations for AssumeRoot, trade-in
tokens for GetDelegatedAccessToken) is made, and its module imported, on first
use, under the backend's lock: a fresh interpreter's first activation does
not pay for them.  ``Organization`` is still importable from here (PEP 562).
The encoded authorization messages (their key drawn from ``secrets``) are
made the same way, at the first denial: most backends never have one.  The
default user and its key are built in one specialized step
(:mod:`.default_user`): every activation makes a backend.
"""

from __future__ import annotations

import functools
import os
import random
import re
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pytest_stsmock import _options
from pytest_stsmock.errors import StsMockError

from . import calls as _calls
from . import clock
from .accounts import Account
from .authorization_message import AuthorizationMessages, Denial
from .calls import Call
from .credentials import Session
from .default_user import new_default_user
from .mfa import MFADevice
from .principals import (
    AccessKey,
    LongTermPrincipal,
    ManagedPolicy,
    Principal,
    Role,
    Root,
    User,
    new_user,
)

if TYPE_CHECKING:
    from .delegation import TradeInTokens
    from .external import ExternalIam
    from .federation.oidc import OIDCProvider
    from .organizations import Organization, Organizations
    from .policy.document import PolicyDocument

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "AccessKey",
    "Account",
    "Call",
    "MFADevice",
    "ManagedPolicy",
    "Organization",
    "Principal",
    "Role",
    "Root",
    "STSBackend",
    "Session",
    "User",
]

DEFAULT_ACCOUNT_ID = _options.DEFAULT_ACCOUNT_ID
DEFAULT_REGION = _options.DEFAULT_REGION
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


def __getattr__(name: str) -> Any:
    if name == "Organization":  # its module loads with the first organization
        from .organizations import Organization

        return Organization
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The generator of every unseeded backend.  Seeding a Mersenne Twister costs more
#: than the rest of a backend's construction, and nothing about an unseeded
#: backend's identifiers is meant to be reproducible, so they share one
#: generator (seeded from the OS, and again in a forked child, as the random
#: module does with its own).  Each draw is one C call, atomic under the GIL, so
#: sharing across backends is as safe as sharing one backend across threads.
_UNSEEDED = random.Random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_UNSEEDED.seed)


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
        if not _options.are_defaults(account_id, region, strict, seed):
            _options.check(
                {"account_id": account_id, "region": region, "strict": strict, "seed": seed},
                _options.in_call("STSBackend"),
            )
        self.account_id = account_id
        self.region = region
        self.strict = strict
        self.seed = seed
        self.lock = threading.RLock()
        #: IAM state read beside the backend's own (moto's IAM while ``mock_aws`` is active).
        self.external: ExternalIam | None = None
        self._init_state()

    def _init_state(self, keep: AccessKey | None = None) -> None:
        self.rng = _UNSEEDED if self.seed is None else random.Random(self.seed)
        self.accounts: dict[str, Account] = {}
        self.calls: list[Call] = []
        self.sessions: list[Session] = []
        self._access_keys: dict[str, AccessKey] = {}
        self._sessions_by_key: dict[str, Session] = {}
        self._mfa_devices: dict[str, MFADevice] = {}
        self._organizations: Organizations | None = None
        self._trade_in_tokens: TradeInTokens | None = None
        self._authorization_messages: AuthorizationMessages | None = None
        self.default_user: User
        self.default_access_key: AccessKey
        if keep is None:  # every activation: one specialized step (see new_default_user)
            # __init__ has just checked the account id
            account = self.accounts[self.account_id] = Account(self, self.account_id)
            self.default_user, self.default_access_key = new_default_user(
                account, DEFAULT_USER_NAME, _allow_everything()
            )
            return
        account = self.default_account
        # reset(): the seeding API's checks cannot fail for these constants; new_user
        # draws from the rng exactly as create_user does.
        self.default_user = new_user(account, DEFAULT_USER_NAME, "/", None, ())
        self.default_user.policies.append(_allow_everything())
        account.users[DEFAULT_USER_NAME] = self.default_user
        self.default_access_key = self.default_user.create_access_key(
            keep.access_key_id, keep.secret_access_key
        )

    def __repr__(self) -> str:
        return (
            f"STSBackend(account_id={self.account_id!r}, region={self.region!r}, "
            f"strict={self.strict}, calls={len(self.calls)}, sessions={len(self.sessions)})"
        )

    @property
    def organizations(self) -> Organizations:
        """The organizations of this backend (AssumeRoot's management accounts)."""
        found = self._organizations
        if found is None:
            with self.lock:
                if self._organizations is None:
                    from .organizations import Organizations

                    self._organizations = Organizations()
                found = self._organizations
        return found

    @property
    def authorization_messages(self) -> AuthorizationMessages:
        """The encoded authorization messages of denied calls (made at the first denial
        or DecodeAuthorizationMessage: its key comes from ``secrets``, not the rng)."""
        found = self._authorization_messages
        if found is None:
            with self.lock:
                if self._authorization_messages is None:
                    self._authorization_messages = AuthorizationMessages()
                found = self._authorization_messages
        return found

    @property
    def trade_in_tokens(self) -> TradeInTokens:
        """The trade-in tokens issued (GetDelegatedAccessToken redeems them)."""
        found = self._trade_in_tokens
        if found is None:
            with self.lock:
                if self._trade_in_tokens is None:
                    from .delegation import TradeInTokens

                    self._trade_in_tokens = TradeInTokens()
                found = self._trade_in_tokens
        return found

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

    def create_organization(
        self,
        management_account_id: str,
        member_account_ids: Iterable[str],
        centralized_root_access: bool = True,
    ) -> Organization:
        """An organization whose management account (and delegated administrators,
        see :meth:`Organization.register_delegated_administrator`) may call AssumeRoot
        on its members."""
        with self.lock:
            return self.organizations.create(
                management_account_id,
                member_account_ids,
                centralized_root_access=centralized_root_access,
            )

    def issue_trade_in_token(self, principal: User | Role | str, *, expires_in: int = 300) -> str:
        """A trade-in token that GetDelegatedAccessToken redeems, once, for ``principal``'s
        credentials (a User or Role, or its ARN), valid ``expires_in`` seconds."""
        with self.lock:
            return self.trade_in_tokens.issue(self, principal, expires_in, self.now())

    def encode_authorization_message(self, call: Call) -> str:
        """The message DecodeAuthorizationMessage decodes for a call denied by a policy."""
        message = call.encoded_authorization_message
        if message is None:
            raise StsMockError(
                f"{call!r} was not refused by an authorization decision, so it has no "
                "encoded authorization message; pass a call whose error_code is AccessDenied."
            )
        return message

    def record_denial(self, call: Call, denial: object) -> None:
        """Give a denied call its encoded authorization message (used by the pipeline)."""
        if isinstance(denial, Denial):
            call.encoded_authorization_message = self.authorization_messages.encode(denial)

    def reset(self) -> None:
        """Forget every account, session and call; start again as freshly created.

        The default user's access key stays the same, so the environment an
        active mock set (and clients made from it) keep working, strict or not.
        """
        with self.lock:
            self._init_state(keep=self.default_access_key)

    # -- lookups used by the request pipeline --------------------------------

    def now(self) -> Any:
        return clock.now()

    def local_access_key(self, access_key_id: str) -> AccessKey | None:
        """A long-term key this backend holds itself (seeded or made through its IAM)."""
        return self._access_keys.get(access_key_id)

    def external_access_key(self, access_key_id: str) -> AccessKey | None:
        """A long-term key of the external IAM (moto's, beside mock_aws), or None."""
        return None if self.external is None else self.external.access_key(self, access_key_id)

    def access_key(self, access_key_id: str) -> AccessKey | None:
        """A long-term key this backend holds, else one of the external IAM's."""
        found = self._access_keys.get(access_key_id)
        return found if found is not None else self.external_access_key(access_key_id)

    def session(self, access_key_id: str) -> Session | None:
        """The temporary credentials with this access key id, or None."""
        return self._sessions_by_key.get(access_key_id)

    def mfa_device(self, serial_number: str) -> MFADevice | None:
        found = self._mfa_devices.get(serial_number)
        if found is None and self.external is not None:
            return self.external.mfa_device(self, serial_number)
        return found

    def managed_policy(self, arn: str) -> ManagedPolicy | None:
        """The customer (or, beside moto, AWS) managed policy an ARN names, or None."""
        parts = arn.split(":", 5)
        account = self.accounts.get(parts[4]) if len(parts) == 6 else None
        found = None if account is None else account.managed_policies.get(arn)
        if found is None and self.external is not None:
            return self.external.managed_policy(self, arn)
        return found

    def find_oidc_provider(self, account_id: str, issuer: str) -> OIDCProvider | None:
        """The OIDC provider of an account whose URL is ``issuer`` (with or without
        ``https://``): the seeding API's (or IAM subset's), else, beside moto, moto's."""
        from .federation.oidc import provider_id

        account = self.accounts.get(account_id)
        key = provider_id(issuer)
        found = None if account is None else account.oidc_providers.get(key)
        if found is None and self.external is not None:
            return self.external.oidc_provider(self, account_id, key)
        return found

    def find_role(self, arn: str) -> Role | None:
        """The role an ARN names, if its account and name exist (path must match)."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
            return None
        account = self.accounts.get(parts[4])
        found = None if account is None else account.role_by_arn(arn)
        if found is None and self.external is not None:
            found = self.external.role(self, parts[4], parts[5].rsplit("/", 1)[-1])
            if found is not None and found.arn != arn:  # the path is part of the ARN
                return None
        return found

    def _register_access_key(self, key: AccessKey) -> None:
        self._access_keys[key.access_key_id] = key

    def known_secrets(self) -> list[tuple[str, str]]:
        """(access key id, secret) of every key and session issued (for explanations)."""
        keys = [(k, key.secret_access_key) for k, key in self._access_keys.items()]
        return keys + [(k, s.secret_access_key) for k, s in self._sessions_by_key.items()]

    def _forget_credentials(self, principal: LongTermPrincipal) -> None:
        """A deleted principal's access keys and MFA devices are no longer known."""
        for key in principal.access_keys:
            self._access_keys.pop(key.access_key_id, None)
        for device in principal.mfa_devices:
            self._mfa_devices.pop(device.serial_number, None)

    def _register_mfa_device(self, device: MFADevice) -> None:
        self._mfa_devices[device.serial_number] = device

    def forget_access_key(self, access_key_id: str) -> None:
        """Stop accepting a deleted long-term key (IAM's DeleteAccessKey)."""
        self._access_keys.pop(access_key_id, None)

    def forget_mfa_device(self, serial_number: str) -> None:
        """Stop accepting codes of a device no longer assigned (IAM's DeactivateMFADevice)."""
        self._mfa_devices.pop(serial_number, None)

    def _register_session(self, session: Session) -> None:
        self.sessions.append(session)
        self._sessions_by_key[session.access_key_id] = session

    # -- assertions ----------------------------------------------------------
    # error_code left out: any outcome; error_code=None: success; "X": refused with X.

    def _filter(
        self, assertion: str, operation: str, params: Mapping[str, Any], error_code: Any
    ) -> _calls.Filter:
        # The names are the botocore model's, which only the operations layer knows.
        __tracebackhide__ = True
        from pytest_stsmock.operations import names

        code = None if error_code is _calls.ANY_OUTCOME else error_code
        names.check(assertion, operation, params, code)
        return _calls.Filter(operation, dict(params), error_code)

    def assert_called(
        self, operation: str, /, *, error_code: Any = _calls.ANY_OUTCOME, **params: Any
    ) -> Call:
        """Assert some call was ``operation`` with at least ``params``; return the first match."""
        __tracebackhide__ = True
        wanted = self._filter("assert_called", operation, params, error_code)
        return _calls.assert_called(self.calls, wanted)

    def assert_called_once(
        self, operation: str, /, *, error_code: Any = _calls.ANY_OUTCOME, **params: Any
    ) -> Call:
        """Assert exactly one call matches (the same filters as assert_called); return it."""
        __tracebackhide__ = True
        wanted = self._filter("assert_called_once", operation, params, error_code)
        return _calls.assert_called_once(self.calls, wanted)

    def assert_not_called(
        self, operation: str, /, *, error_code: Any = _calls.ANY_OUTCOME, **params: Any
    ) -> None:
        """Assert no call matches ``operation`` (with at least ``params`` and the outcome)."""
        __tracebackhide__ = True
        wanted = self._filter("assert_not_called", operation, params, error_code)
        _calls.assert_not_called(self.calls, wanted)

    def call_count(
        self, operation: str, /, *, error_code: Any = _calls.ANY_OUTCOME, **params: Any
    ) -> int:
        """How many calls match (the same filters as assert_called)."""
        wanted = self._filter("call_count", operation, params, error_code)
        return len(_calls.matching(self.calls, wanted))
