"""AWS Organizations as AssumeRoot needs it: who manages whose root user.

Design decisions:

* An organization is a management account, its member accounts, the
  accounts registered as delegated administrator for IAM, and whether
  centralized root access (IAM's ``EnableOrganizationsRootSessions``) is on.
  Nothing else of Organizations (OUs, SCPs, handshakes) is modelled.
* An account belongs to at most one organization, as in AWS; the management
  account is not one of its members, so it can never be the target of
  AssumeRoot (AWS: privileged tasks are performed *on member accounts*).
* A delegated administrator must be a member.  Both the management account
  and a delegated administrator may call AssumeRoot.
* Misuse (an account in two organizations, an administrator that is not a
  member, malformed ids) raises :class:`StsMockError` at seeding time and
  changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pytest_stsmock.errors import StsMockError

__all__ = ["Organization", "Organizations"]

_ACCOUNT_ID = re.compile(r"\d{12}")


def _account_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ACCOUNT_ID.fullmatch(value):
        raise StsMockError(
            f"{what} {value!r} is not an account id: pass a string of exactly 12 digits, "
            "e.g. '111122223333'."
        )
    return value


@dataclass(eq=False)
class Organization:
    """One organization (``sts.create_organization(...)``)."""

    management_account_id: str
    member_account_ids: set[str]
    centralized_root_access: bool = True
    delegated_administrators: set[str] = field(default_factory=set)
    _registry: Organizations | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (
            f"Organization(management={self.management_account_id!r}, "
            f"members={sorted(self.member_account_ids)!r}, "
            f"centralized_root_access={self.centralized_root_access})"
        )

    def add_member(self, account_id: str) -> None:
        """Invite ``account_id`` (12 digits) into this organization."""
        account_id = _account_id(account_id, "Member account id")
        if self._registry is not None:
            self._registry.check_free([account_id], self)
        self.member_account_ids.add(account_id)

    def register_delegated_administrator(self, account_id: str) -> None:
        """Make member ``account_id`` a delegated administrator for IAM (may call AssumeRoot)."""
        account_id = _account_id(account_id, "Delegated administrator account id")
        if account_id not in self.member_account_ids:
            raise StsMockError(
                f"Account {account_id} is not a member of the organization of "
                f"{self.management_account_id}; add it with add_member() first."
            )
        self.delegated_administrators.add(account_id)

    def deregister_delegated_administrator(self, account_id: str) -> None:
        self.delegated_administrators.discard(account_id)

    def enable_centralized_root_access(self) -> None:
        self.centralized_root_access = True

    def disable_centralized_root_access(self) -> None:
        """Turn off root sessions: AssumeRoot is refused for this organization."""
        self.centralized_root_access = False

    def manages_roots(self, account_id: str) -> bool:
        """True for the management account and the delegated administrators."""
        return account_id == self.management_account_id or account_id in (
            self.delegated_administrators
        )


class Organizations:
    """Every organization of one backend, and the account -> organization lookup."""

    def __init__(self) -> None:
        self._all: list[Organization] = []

    def __iter__(self) -> Iterator[Organization]:
        return iter(list(self._all))

    def of(self, account_id: str) -> Organization | None:
        """The organization ``account_id`` belongs to (as management account or member)."""
        for org in self._all:
            if account_id == org.management_account_id or account_id in org.member_account_ids:
                return org
        return None

    def check_free(self, account_ids: Iterable[str], joining: Organization | None) -> None:
        for account_id in account_ids:
            found = self.of(account_id)
            if found is not None and found is not joining:
                raise StsMockError(
                    f"Account {account_id} already belongs to the organization of "
                    f"{found.management_account_id}; an account is in one organization at most."
                )

    def create(
        self,
        management_account_id: str,
        member_account_ids: Iterable[str],
        *,
        centralized_root_access: bool = True,
    ) -> Organization:
        management = _account_id(management_account_id, "Management account id")
        if isinstance(member_account_ids, str):
            raise StsMockError(
                "member_account_ids must be a list of 12-digit account ids, not one string."
            )
        members = {_account_id(m, "Member account id") for m in member_account_ids}
        if management in members:
            raise StsMockError(
                f"Account {management} is the management account; list only the other "
                "accounts as members."
            )
        if not isinstance(centralized_root_access, bool):
            raise StsMockError("centralized_root_access must be True or False.")
        self.check_free([management, *sorted(members)], None)
        org = Organization(management, members, centralized_root_access, _registry=self)
        self._all.append(org)
        return org
