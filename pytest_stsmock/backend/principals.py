"""IAM principals that can call STS or be assumed: the account root, users, roles.

The hierarchy: :class:`Principal` is every IAM identity with an ARN, tags and
identity policies (what a caller's policies are read from);
:class:`LongTermPrincipal` adds what only the root and users have, long-term
access keys and MFA devices; :class:`Role` adds the trust policy, the maximum
session duration and the permissions boundary.  ``principal_type`` names the
IAM entity (:data:`EntityType`), not the ``aws:PrincipalType`` of a request,
which the caller decides (an assumed role's is ``AssumedRole``).

Every principal is created through its :class:`~.accounts.Account`, which owns
the backend's seeded random generator and registers access keys and MFA
devices with the backend so requests can find them.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pytest_stsmock.errors import StsMockError

from . import ids, seeding_rules
from .mfa import MFADevice, check_serial_number

if TYPE_CHECKING:
    from .accounts import Account
    from .iam import Group, InlinePolicy
    from .identity import Caller
    from .policy.document import PolicyDocument

PolicyInput = Mapping[str, Any] | str
#: The IAM entity behind a principal: the account root, a user or a role.
EntityType = Literal["Account", "User", "Role"]


def parse_policy(document: object, kind: Any, what: str) -> PolicyDocument:
    """Parse a seeding-time policy document or raise StsMockError naming the fix."""
    from .policy.document import PolicyDocument, PolicyError  # the engine loads on first use

    if isinstance(document, ManagedPolicy):
        return document.boundary_document if kind == "boundary" else document.document
    if isinstance(document, PolicyDocument) and document.kind == kind:
        return document
    if not isinstance(document, (str, Mapping)):
        raise StsMockError(
            f"{what} must be a policy document (a dict or JSON string), "
            f"not {type(document).__name__}."
        )
    try:
        return PolicyDocument.parse(document, kind=kind)
    except PolicyError as exc:
        raise StsMockError(f"{what} is not a valid IAM policy: {exc.reason}") from None


def _as_tags(tags: Mapping[str, str] | None, what: str) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise StsMockError(f"{what} tags must be a dict of str to str, e.g. {{'team': 'blue'}}.")
    return dict(tags)


_FIXED_KEY_ID = re.compile(r"AKIA[A-Z0-9]{12,124}")
_SECRET = re.compile(r"[A-Za-z0-9+/=]{16,128}")
_BASE32 = re.compile(r"(?:[A-Z2-7]{8})*(?:[A-Z2-7]{2,7}=*)?")


def check_fixed_key(access_key_id: object, secret_access_key: object) -> None:
    """StsMockError unless these make a long-term key as AWS shapes them."""
    if not isinstance(access_key_id, str) or not _FIXED_KEY_ID.fullmatch(access_key_id):
        raise StsMockError(
            f"access_key_id {access_key_id!r} must be AKIA followed by 12 to 124 upper-case "
            "letters or digits, e.g. 'AKIAIOSFODNN7EXAMPLE'."
        )
    if not isinstance(secret_access_key, str) or not _SECRET.fullmatch(secret_access_key):
        raise StsMockError(
            "secret_access_key must be 16 to 128 characters of A-Z, a-z, 0-9, '+', '/' or '='."
        )


def check_mfa_secret(secret: object) -> None:
    """StsMockError unless ``secret`` is a base32 TOTP seed of at least 80 bits."""
    if not isinstance(secret, str) or len(secret.rstrip("=")) < 16 or not _BASE32.fullmatch(secret):
        raise StsMockError(
            "An MFA secret must be base32 (A-Z and 2-7), at least 16 characters "
            "(80 bits), as AWS shows a virtual device's seed."
        )


@dataclass(eq=False)
class ManagedPolicy:
    """A customer managed policy, usable in ``policies=[...]`` and as a PolicyArns entry."""

    arn: str
    name: str
    document: PolicyDocument
    source: dict[str, Any]
    path: str = "/"
    policy_id: str = ""
    description: str | None = None
    create_date: _dt.datetime | None = None

    @functools.cached_property
    def session_document(self) -> PolicyDocument:
        """The same document read as a session policy (when passed in PolicyArns)."""
        return parse_policy(self.source, "session", f"Managed policy {self.arn}")

    @functools.cached_property
    def boundary_document(self) -> PolicyDocument:
        """The same document read as a permissions boundary."""
        return parse_policy(self.source, "boundary", f"Managed policy {self.arn}")


@dataclass(eq=False)
class AccessKey:
    """A long-term access key of a user or of the account root."""

    access_key_id: str
    secret_access_key: str
    principal: LongTermPrincipal
    active: bool = True
    create_date: _dt.datetime | None = None
    #: The request pipeline's Caller for this key, made on first use (internal).
    cached_caller: Caller | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.client("sts", **kwargs)``."""
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
        }

    def __repr__(self) -> str:
        return f"AccessKey({self.access_key_id!r}, principal={self.principal.arn!r})"


@dataclass(eq=False, kw_only=True)
class Principal:
    """Every IAM identity: an ARN, a unique id, tags and identity policies."""

    account: Account
    name: str
    arn: str
    unique_id: str
    principal_type: EntityType
    tags: dict[str, str] = field(default_factory=dict)
    policies: list[PolicyDocument] = field(default_factory=list)
    #: IAM's inline policies by name and attached managed policies (see ``backend.iam``);
    #: ``policies`` are the ones the seeding API attached.
    inline_policies: dict[str, InlinePolicy] = field(default_factory=dict)
    attached_policies: list[ManagedPolicy] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.arn!r})"

    @property
    def account_id(self) -> str:
        return self.account.id

    def attach_policy(self, document: PolicyInput | ManagedPolicy) -> None:
        """Attach one more identity policy (document or ManagedPolicy)."""
        self.policies.append(parse_policy(document, "identity", f"A policy for {self.arn}"))


@dataclass(eq=False, repr=False, kw_only=True)
class LongTermPrincipal(Principal):
    """The account root and IAM users: principals with access keys and MFA devices."""

    access_keys: list[AccessKey] = field(default_factory=list)
    mfa_devices: list[MFADevice] = field(default_factory=list)

    def create_access_key(
        self, access_key_id: str | None = None, secret_access_key: str | None = None
    ) -> AccessKey:
        """Issue a long-term access key (AKIA..., encoding this account) for this principal.

        ``access_key_id`` and ``secret_access_key`` fix the key (both or neither), so a
        client in another process or language can be configured with it in advance.
        """
        backend = self.account.backend
        seeding_rules.check_access_key_quota(self)
        if (access_key_id is None) != (secret_access_key is None):
            raise StsMockError(
                "Pass both access_key_id and secret_access_key to fix a key, or neither."
            )
        if access_key_id is None or secret_access_key is None:
            access_key_id = ids.access_key_id(backend.rng, self.account.id, temporary=False)
            secret_access_key = ids.secret_access_key(backend.rng)
        else:
            check_fixed_key(access_key_id, secret_access_key)
            if backend.access_key(access_key_id) is not None:
                raise StsMockError(
                    f"Access key {access_key_id!r} already exists; give each key its own id."
                )
        key = AccessKey(
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            principal=self,
            create_date=backend.now(),
        )
        self.access_keys.append(key)
        backend._register_access_key(key)
        return key

    def add_mfa_device(
        self, serial_number: str | None = None, *, secret: str | None = None
    ) -> MFADevice:
        """Assign a virtual TOTP MFA device; its ``code()`` gives the current code.

        ``secret`` (base32) fixes the device's seed, so an authenticator outside the
        process can compute the same codes; by default it comes from the backend's rng.
        """
        if secret is not None:
            check_mfa_secret(secret)
        if serial_number is None:
            suffix = "root-account-mfa-device" if self.principal_type == "Account" else self.name
            if any(d.serial_number.endswith(f":mfa/{suffix}") for d in self.mfa_devices):
                suffix = f"{suffix}-{len(self.mfa_devices) + 1}"
            serial_number = f"arn:aws:iam::{self.account.id}:mfa/{suffix}"
        check_serial_number(serial_number)
        backend = self.account.backend
        if backend.mfa_device(serial_number) is not None:
            raise StsMockError(
                f"An MFA device with serial number {serial_number!r} already exists; "
                "pass another serial_number or omit it."
            )
        device = MFADevice(serial_number, self, backend.rng, secret=secret)
        self.mfa_devices.append(device)
        backend._register_mfa_device(device)
        return device


@dataclass(eq=False, repr=False, kw_only=True)
class Root(LongTermPrincipal):
    """The account root user, ``arn:aws:iam::<id>:root``."""


@dataclass(eq=False, repr=False, kw_only=True)
class User(LongTermPrincipal):
    """An IAM user, ``arn:aws:iam::<id>:user/<path><name>``."""

    path: str = "/"
    create_date: _dt.datetime | None = None
    permissions_boundary: PolicyDocument | None = None
    permissions_boundary_arn: str | None = None
    groups: list[Group] = field(default_factory=list)


@dataclass(eq=False, repr=False, kw_only=True)
class Role(Principal):
    """An IAM role that sessions can assume, subject to its trust policy."""

    path: str
    trust_policy_document: PolicyDocument
    trust_policy_source: dict[str, Any]
    max_session_duration: int = 3600
    permissions_boundary: PolicyDocument | None = None
    principal_type: EntityType = "Role"
    permissions_boundary_arn: str | None = None
    description: str | None = None
    create_date: _dt.datetime | None = None

    @property
    def trust_policy(self) -> dict[str, Any]:
        """The trust policy as the JSON object it was given."""
        return self.trust_policy_source

    def update_trust_policy(self, document: PolicyInput) -> None:
        """Replace the trust policy; an invalid one raises StsMockError and changes nothing."""
        parsed = parse_policy(document, "trust", f"The trust policy of {self.arn}")
        seeding_rules.check_trust_principals(self.account.backend, parsed, self.arn)
        self.trust_policy_document = parsed
        self.trust_policy_source = _source(document)


def _source(document: object) -> dict[str, Any]:
    from .policy.document import PolicyDocument

    if isinstance(document, PolicyDocument):
        document = document.text
    if isinstance(document, str):
        import json

        loaded: dict[str, Any] = json.loads(document)
        return loaded
    assert isinstance(document, Mapping)
    return dict(document)


def policy_list(policies: object, what: str) -> list[Any]:
    """``policies=`` as a list; a lone document (dict or str) is a mistake worth naming."""
    if policies is None:
        return []
    if isinstance(policies, (Mapping, str, bytes, ManagedPolicy)):
        raise StsMockError(
            f"policies= of {what} takes a list of policy documents or ManagedPolicy objects, "
            "not one document; wrap it in a list: policies=[document]."
        )
    try:
        items: list[Any] = list(policies)  # type: ignore[call-overload]
        return items
    except TypeError:
        raise StsMockError(
            f"policies= of {what} takes a list of policy documents or ManagedPolicy objects, "
            f"not {type(policies).__name__}."
        ) from None


def new_user(
    account: Account, name: str, path: str, tags: Mapping[str, str] | None, policies: Iterable[Any]
) -> User:
    arn = f"arn:aws:iam::{account.id}:user{path}{name}"
    user = User(
        account=account,
        name=name,
        arn=arn,
        unique_id=ids.unique_id(account.backend.rng, "AIDA"),
        principal_type="User",
        tags={} if tags is None else _as_tags(tags, f"User {name!r}"),
        policies=[parse_policy(p, "identity", f"A policy for {arn}") for p in policies]
        if policies
        else [],
        path=path,
        create_date=account.backend.now(),
    )
    return user


def new_role(
    account: Account,
    name: str,
    *,
    path: str,
    trust_policy: object,
    max_session_duration: int,
    tags: Mapping[str, str] | None,
    policies: Iterable[Any],
    permissions_boundary: object | None,
) -> Role:
    arn = f"arn:aws:iam::{account.id}:role{path}{name}"
    if (
        isinstance(max_session_duration, bool)
        or not isinstance(max_session_duration, int)
        or not 3600 <= max_session_duration <= 43200
    ):
        raise StsMockError(
            f"max_session_duration of role {name!r} must be an int from 3600 to 43200 seconds, "
            "as IAM allows."
        )
    trust = parse_policy(trust_policy, "trust", f"The trust policy of {arn}")
    seeding_rules.check_trust_principals(account.backend, trust, arn)
    boundary = (
        None
        if permissions_boundary is None
        else parse_policy(permissions_boundary, "boundary", f"The permissions boundary of {arn}")
    )
    return Role(
        account=account,
        name=name,
        path=path,
        arn=arn,
        unique_id=ids.unique_id(account.backend.rng, "AROA"),
        trust_policy_document=trust,
        trust_policy_source=_source(trust_policy)
        if not isinstance(trust_policy, ManagedPolicy)
        else trust_policy.source,
        max_session_duration=max_session_duration,
        tags=_as_tags(tags, f"Role {name!r}"),
        policies=[parse_policy(p, "identity", f"A policy for {arn}") for p in policies],
        permissions_boundary=boundary,
        permissions_boundary_arn=permissions_boundary.arn
        if isinstance(permissions_boundary, ManagedPolicy)
        else None,
        create_date=account.backend.now(),
    )
