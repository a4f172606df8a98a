"""IAM's side of the backend: groups, inline and attached policies, deletion rules.

The seeding API (``Account.create_user`` and friends) and the IAM operations
answered over the wire change the same objects: one state, two ways in.  This
module holds what only IAM's API needs: named inline policies, managed policies
attached by ARN, groups and their members, and the rules that refuse a change
(an entity that exists already, a deletion that would leave something behind,
the two-keys-per-user quota).  Every rule is checked before anything changes,
so a refused request leaves the state as it was.

Design decisions:

* The policies that govern a principal are :func:`effective_policies`: what
  the seeding API attached (``policies=[...]``, ``attach_policy``), then the
  inline policies, then the attached managed policies, then (for a user) the
  inline and attached policies of each of its groups.  Authorization reads
  this, so a policy put through IAM counts at the next request.
* Names are looked up case-insensitively, as IAM's are unique that way.
* Errors are AWS's (``AwsError``); their texts live in ``_messages``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg

from . import ids

if TYPE_CHECKING:
    from .accounts import Account
    from .policy.document import PolicyDocument
    from .principals import AccessKey, ManagedPolicy, Principal, Role, User

#: IAM's quota of access keys per user.
ACCESS_KEYS_PER_USER = 2


@dataclass(eq=False)
class InlinePolicy:
    """A policy embedded in one user, group or role under a name."""

    name: str
    document: PolicyDocument


@dataclass(eq=False)
class Group:
    """An IAM group: its members get its inline and attached policies."""

    account: Account
    name: str
    path: str
    arn: str
    unique_id: str
    create_date: _dt.datetime
    members: list[User] = field(default_factory=list)
    inline_policies: dict[str, InlinePolicy] = field(default_factory=dict)
    attached_policies: list[ManagedPolicy] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Group({self.arn!r})"


def effective_policies(principal: Principal | Role) -> tuple[PolicyDocument, ...]:
    """Every identity policy that applies to ``principal``, seeding's first."""
    docs = list(principal.policies)
    _add(docs, principal.inline_policies.values(), principal.attached_policies)
    for group in getattr(principal, "groups", ()):
        _add(docs, group.inline_policies.values(), group.attached_policies)
    return tuple(docs)


def _add(
    docs: list[PolicyDocument], inline: Iterable[InlinePolicy], attached: Iterable[ManagedPolicy]
) -> None:
    docs.extend(policy.document for policy in inline)
    docs.extend(policy.document for policy in attached)


# -- look-ups ------------------------------------------------------------------


def _find(table: Mapping[str, object], name: str) -> object | None:
    found = table.get(name)
    if found is None:
        lowered = name.lower()
        found = next((v for k, v in table.items() if k.lower() == lowered), None)
    return found


def user(account: Account, name: str) -> User:
    found = _find(account.users, name)
    if found is None:
        raise msg.no_such_entity(f"The user with name {name} cannot be found.")
    return found  # type: ignore[return-value]


def role(account: Account, name: str) -> Role:
    found = _find(account.roles, name)
    if found is None:
        raise msg.no_such_entity(f"The role with name {name} cannot be found.")
    return found  # type: ignore[return-value]


def group(account: Account, name: str) -> Group:
    found = _find(account.groups, name)
    if found is None:
        raise msg.no_such_entity(f"The group with name {name} cannot be found.")
    return found  # type: ignore[return-value]


def managed_policy(account: Account, arn: str, *, attaching: bool = True) -> ManagedPolicy:
    """The customer managed policy ``arn`` names (any account of the backend)."""
    parts = arn.split(":", 5)
    owner = account.backend.accounts.get(parts[4]) if len(parts) == 6 else None
    found = None if owner is None else owner.managed_policies.get(arn)
    if found is None:
        if attaching:
            raise msg.no_such_entity(f"Policy {arn} does not exist or is not attachable.")
        raise msg.no_such_entity(f"Policy {arn} was not found.")
    return found


def inline_policy(holder: Principal | Role | Group, kind: str, name: str) -> InlinePolicy:
    found = _find(holder.inline_policies, name)
    if found is None:
        raise msg.no_such_entity(f"The {kind} policy with name {name} cannot be found.")
    return found  # type: ignore[return-value]


def access_key(owner: User, access_key_id: str) -> AccessKey:
    for key in owner.access_keys:
        if key.access_key_id == access_key_id:
            return key
    raise msg.no_such_entity(f"The Access Key with id {access_key_id} cannot be found.")


# -- creation --------------------------------------------------------------------


def check_new(table: Mapping[str, object], kind: str, name: str) -> None:
    """EntityAlreadyExists when ``table`` has ``name`` in any case."""
    if _find(table, name) is not None:
        raise msg.entity_already_exists(f"{kind} with name {name} already exists.")


def create_group(account: Account, name: str, path: str) -> Group:
    check_new(account.groups, "Group", name)
    created = Group(
        account=account,
        name=name,
        path=path,
        arn=f"arn:aws:iam::{account.id}:group{path}{name}",
        unique_id=ids.unique_id(account.backend.rng, "AGPA"),
        create_date=account.backend.now(),
    )
    account.groups[name] = created
    return created


def check_key_quota(owner: Principal) -> None:
    if len(owner.access_keys) >= ACCESS_KEYS_PER_USER:
        raise msg.limit_exceeded(
            f"Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}"
        )


# -- deletion --------------------------------------------------------------------


def delete_user(account: Account, target: User) -> None:
    """Remove ``target``; DeleteConflict while anything still hangs on it."""
    if target.access_keys:
        raise msg.delete_conflict("Cannot delete entity, must delete access keys first.")
    if target.inline_policies:
        raise msg.delete_conflict("Cannot delete entity, must delete policies first.")
    if target.attached_policies:
        raise msg.delete_conflict("Cannot delete entity, must detach all policies first.")
    if target.mfa_devices:
        raise msg.delete_conflict("Cannot delete entity, must delete MFA device first.")
    if target.groups:
        raise msg.delete_conflict("Cannot delete entity, must remove user from all groups first.")
    del account.users[target.name]


def delete_role(account: Account, target: Role) -> None:
    if target.inline_policies:
        raise msg.delete_conflict("Cannot delete entity, must delete policies first.")
    if target.attached_policies:
        raise msg.delete_conflict("Cannot delete entity, must detach all policies first.")
    del account.roles[target.name]


def delete_group(account: Account, target: Group) -> None:
    if target.members:
        raise msg.delete_conflict("Cannot delete entity, must remove users from group first.")
    if target.inline_policies:
        raise msg.delete_conflict("Cannot delete entity, must delete policies first.")
    if target.attached_policies:
        raise msg.delete_conflict("Cannot delete entity, must detach all policies first.")
    del account.groups[target.name]


def attachment_count(policy: ManagedPolicy, account: Account) -> int:
    """How many users, groups and roles of ``account`` have ``policy`` attached."""
    holders: list[Principal | Role | Group] = [
        *account.users.values(),
        *account.roles.values(),
        *account.groups.values(),
    ]
    return sum(1 for holder in holders if any(p is policy for p in holder.attached_policies))


def boundary_usage_count(policy: ManagedPolicy, account: Account) -> int:
    holders: list[User | Role] = [*account.users.values(), *account.roles.values()]
    return sum(1 for holder in holders if holder.permissions_boundary_arn == policy.arn)


def delete_managed_policy(account: Account, policy: ManagedPolicy) -> None:
    if attachment_count(policy, account) or boundary_usage_count(policy, account):
        raise msg.delete_conflict("Cannot delete a policy attached to entities.")
    del account.managed_policies[policy.arn]


def attach(holder: Principal | Role | Group, policy: ManagedPolicy) -> None:
    """Attach ``policy`` once (attaching it again changes nothing, as in IAM)."""
    if not any(p is policy for p in holder.attached_policies):
        holder.attached_policies.append(policy)


def detach(holder: Principal | Role | Group, policy: ManagedPolicy) -> None:
    for index, attached in enumerate(holder.attached_policies):
        if attached is policy:
            del holder.attached_policies[index]
            return
    raise msg.no_such_entity(f"Policy {policy.arn} was not found.")


def set_tags(tags: dict[str, str], new: Mapping[str, str]) -> None:
    """Add or overwrite tags (keys compared case-insensitively, as IAM does); 50 at most."""
    merged = dict(tags)
    for key, value in new.items():
        for existing in [k for k in merged if k.lower() == key.lower()]:
            del merged[existing]
        merged[key] = value
    if len(merged) > 50:
        raise msg.limit_exceeded("The number of tags has reached the maximum limit.")
    tags.clear()
    tags.update(merged)


def remove_tags(tags: dict[str, str], keys: Iterable[str]) -> None:
    lowered = {key.lower() for key in keys}
    for existing in [k for k in tags if k.lower() in lowered]:
        del tags[existing]


def not_a_member(user_name: str, group_name: str) -> Exception:
    """OURS: RemoveUserFromGroup for a user who is not in the group."""
    return msg.no_such_entity(f"The user with name {user_name} is not in group {group_name}.")


def too_many_tags() -> Exception:
    return msg.limit_exceeded("The number of tags has reached the maximum limit.")


def policy_exists(name: str) -> Exception:
    return msg.entity_already_exists(
        f"A policy called {name} already exists. Duplicate names are not allowed."
    )
