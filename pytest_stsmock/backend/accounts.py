"""Accounts: the namespace of users, roles, managed policies and enabled regions.

Design decision: an account's root user (``account.root``) is made at its first
use, under the backend's lock, not with the account: every backend makes its
default account at each activation, and few tests ever touch its root.  The
root draws nothing from the backend's generator, so seeded identifiers are the
same either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pytest_stsmock.errors import StsMockError

from . import ids, seeding_rules
from .names import NameTable
from .principals import (
    ManagedPolicy,
    Role,
    Root,
    User,
    new_role,
    new_user,
    parse_policy,
    policy_list,
)

if TYPE_CHECKING:
    from . import STSBackend
    from .federation.oidc import OIDCProvider
    from .federation.saml import SAMLProvider
    from .iam import Group
    from .mfa import MFADevice
    from .policy.document import PolicyDocument

_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_PATH = re.compile(r"/([\x21-\x7e]{0,510}/)?")


def _check_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StsMockError(
            f"{kind} name {name!r} is not valid in IAM: use 1 to 64 letters, digits or +=,.@_-."
        )
    return name


def _check_path(path: object) -> str:
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        raise StsMockError(f"IAM path {path!r} must start and end with '/', e.g. '/team/'.")
    return path


class Account:
    """One AWS account known to the backend (``sts.account(id)``)."""

    def __init__(self, backend: STSBackend, account_id: str) -> None:
        self.backend = backend
        self.id = account_id
        self.users: NameTable[User] = NameTable()
        self.roles: NameTable[Role] = NameTable()
        self.managed_policies: dict[str, ManagedPolicy] = {}
        #: IAM groups by name, and the account's virtual MFA devices by serial (``backend.iam``).
        self.groups: NameTable[Group] = NameTable()
        self.virtual_mfa_devices: dict[str, MFADevice] = {}
        self.disabled_regions: set[str] = set()
        self.oidc_providers: dict[str, OIDCProvider] = {}
        self.saml_providers: dict[str, SAMLProvider] = {}
        #: The issuer URL of GetWebIdentityToken, once outbound federation is enabled.
        self.outbound_issuer: str | None = None
        self._root: Root | None = None

    @property
    def root(self) -> Root:
        """The account root user, made at its first use (most backends never touch it)."""
        found = self._root
        if found is None:
            with self.backend.lock:  # two threads' first uses must get the same root
                if self._root is None:
                    self._root = Root(
                        account=self,
                        name="root",
                        arn=f"arn:aws:iam::{self.id}:root",
                        unique_id=self.id,
                        principal_type="Account",
                    )
                found = self._root
        return found

    def __repr__(self) -> str:
        return f"Account({self.id!r})"

    def create_user(
        self,
        name: str,
        *,
        path: str = "/",
        tags: Mapping[str, str] | None = None,
        policies: Iterable[Any] | None = None,
    ) -> User:
        """Create an IAM user; ``policies`` are identity policies (documents or ManagedPolicy)."""
        _check_name("User", name)
        _check_path(path)
        documents = policy_list(policies, f"user {name!r}")
        if self.users.folded(name) is not None:
            raise StsMockError(
                f"User {name!r} already exists in account {self.id}; pick another name."
            )
        user = new_user(self, name, path, tags, documents)
        self.users[name] = user
        return user

    def create_role(
        self,
        name: str,
        *,
        trust_policy: Mapping[str, Any] | str | PolicyDocument | None = None,
        path: str = "/",
        max_session_duration: int = 3600,
        tags: Mapping[str, str] | None = None,
        policies: Iterable[Any] | None = None,
        permissions_boundary: Mapping[str, Any] | str | ManagedPolicy | None = None,
    ) -> Role:
        """Create a role; the trust policy is validated now, not at the first AssumeRole."""
        _check_name("Role", name)
        _check_path(path)
        if trust_policy is None:
            raise StsMockError(
                f"create_role({name!r}) needs trust_policy=, the document that says who may "
                "assume the role, e.g. {'Version': '2012-10-17', 'Statement': [{'Effect': "
                "'Allow', 'Principal': {'AWS': user.arn}, 'Action': 'sts:AssumeRole'}]}."
            )
        documents = policy_list(policies, f"role {name!r}")
        if self.roles.folded(name) is not None:
            raise StsMockError(
                f"Role {name!r} already exists in account {self.id}; pick another name."
            )
        role = new_role(
            self,
            name,
            path=path,
            trust_policy=trust_policy,
            max_session_duration=max_session_duration,
            tags=tags,
            policies=documents,
            permissions_boundary=permissions_boundary,
        )
        self.roles[name] = role
        return role

    def create_policy(
        self,
        name: str,
        document: Mapping[str, Any] | str | PolicyDocument,
        *,
        path: str = "/",
        description: str | None = None,
    ) -> ManagedPolicy:
        """Create a customer managed policy (usable in policies=[...] and PolicyArns)."""
        _check_name("Policy", name)
        _check_path(path)
        arn = f"arn:aws:iam::{self.id}:policy{path}{name}"
        if arn in self.managed_policies:
            raise StsMockError(f"Policy {arn} already exists; pick another name.")
        parsed = parse_policy(document, "identity", f"Managed policy {name!r}")
        policy = ManagedPolicy(
            arn=arn,
            name=name,
            document=parsed,
            source=dict(document) if isinstance(document, Mapping) else _loads(parsed.text),
            path=path,
            policy_id=ids.unique_id(self.backend.rng, "ANPA"),
            description=description,
            create_date=self.backend.now(),
        )
        self.managed_policies[arn] = policy
        return policy

    def delete_user(self, name: str) -> None:
        """Delete a user: its keys and MFA devices stop working, trust policies forget it."""
        user = self.users.pop(name, None)
        if user is None:
            raise StsMockError(f"No user {name!r} in account {self.id}; nothing to delete.")
        self.backend._forget_credentials(user)
        seeding_rules.forget_principal(self.backend, user.arn, user.unique_id)

    def delete_role(self, name: str) -> None:
        """Delete a role: trust policies that name it no longer trust a role of that name."""
        role = self.roles.pop(name, None)
        if role is None:
            raise StsMockError(f"No role {name!r} in account {self.id}; nothing to delete.")
        seeding_rules.forget_principal(self.backend, role.arn, role.unique_id)

    def role_by_arn(self, arn: str) -> Role | None:
        """The role with exactly this ARN (path included), or None; O(1)."""
        role = self.roles.get(arn.rsplit("/", 1)[-1])
        return role if role is not None and role.arn == arn else None

    def create_oidc_provider(
        self,
        url: str,
        *,
        client_ids: Iterable[str],
        thumbprints: Iterable[str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> OIDCProvider:
        """Register an IAM OIDC provider (with its own signing keys, for ``.token()``)."""
        from .federation.oidc import OIDCProvider

        provider = OIDCProvider(
            self, url, client_ids=client_ids, thumbprints=thumbprints, tags=tags
        )
        if provider.id in self.oidc_providers:
            raise StsMockError(f"OIDC provider {provider.arn} already exists; use another url.")
        self.oidc_providers[provider.id] = provider
        return provider

    def oidc_provider(self, url: str) -> OIDCProvider:
        """The OIDC provider AssumeRoleWithWebIdentity meets for ``url`` (with or without
        ``https://``): this account's own (seeded or made through the IAM subset), else, beside
        moto, the one moto's IAM holds now, whose ``.token()`` signs with keys of its own."""
        found = self.backend.find_oidc_provider(self.id, url) if isinstance(url, str) else None
        if found is None:
            raise StsMockError(
                f"Account {self.id} has no OIDC provider with url {url!r}; create one with "
                "create_oidc_provider (or, beside moto, iam.create_open_id_connect_provider)."
            )
        return found

    def create_saml_provider(self, name: str, *, issuer: str | None = None) -> SAMLProvider:
        """Register an IAM SAML provider (its own key and certificate sign ``.assertion()``)."""
        from .federation.saml import SAMLProvider

        _check_name("SAML provider", name)
        if name in self.saml_providers:
            raise StsMockError(f"SAML provider {name!r} already exists in account {self.id}.")
        provider = self.saml_providers[name] = SAMLProvider(self, name, issuer=issuer)
        return provider

    def enable_outbound_web_identity_federation(self) -> str:
        """Turn on GetWebIdentityToken for this account; returns its issuer URL."""
        from .federation.outbound import issuer_url

        if self.outbound_issuer is None:
            self.outbound_issuer = issuer_url(self)
        return self.outbound_issuer

    @property
    def outbound_jwks(self) -> dict[str, Any]:
        """The keys that verify this account's GetWebIdentityToken tokens (a JWKS)."""
        from .federation.outbound import jwks

        return jwks(self)

    def disable_region(self, region: str) -> None:
        """Make STS in ``region`` answer RegionDisabledException for this account."""
        self.disabled_regions.add(_region(region, "disable_region"))

    def enable_region(self, region: str) -> None:
        self.disabled_regions.discard(_region(region, "enable_region"))


def _region(region: object, method: str) -> str:
    from pytest_stsmock import _options

    return _options.region(region, lambda option: f"{method}({option})")


def _loads(text: str) -> dict[str, Any]:
    import json

    loaded: dict[str, Any] = json.loads(text)
    return loaded
