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
* Names are looked up case-insensitively, as IAM's are unique that way
  (users, roles and groups through the folded index of ``names.NameTable``).
* Errors are AWS's (``AwsError``); their texts live in ``_messages``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg

from . import ids
from .names import NameTable

if TYPE_CHECKING:
    from .accounts import Account
    from .policy.document import PolicyDocument
    from .principals import AccessKey, LongTermPrincipal, ManagedPolicy, Principal, Role, User

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
    groups = getattr(principal, "groups", ())
    if not (principal.inline_policies or principal.attached_policies or groups):
        return tuple(principal.policies)  # seeding's only (the usual case): nothing to walk
    docs = list(principal.policies)
    _add(docs, principal.inline_policies.values(), principal.attached_policies)
    for group in groups:
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
        if isinstance(table, NameTable):  # users, roles, groups: an O(1) folded index
            return table.folded(name)
        lowered = name.lower()
        found = next((v for k, v in table.items() if k.lower() == lowered), None)
    return found


def user(account: Account, name: str) -> User:
    found = _find(account.users, name)
    if found is None:
        raise msg.iam_not_found("user", name)
    return found  # type: ignore[return-value]


def role(account: Account, name: str) -> Role:
    found = _find(account.roles, name)
    if found is None:
        raise msg.iam_not_found("role", name)
    return found  # type: ignore[return-value]


def group(account: Account, name: str) -> Group:
    found = _find(account.groups, name)
    if found is None:
        raise msg.iam_not_found("group", name)
    return found  # type: ignore[return-value]


def managed_policy(account: Account, arn: str, *, attaching: bool = True) -> ManagedPolicy:
    """The customer managed policy ``arn`` names (any account of the backend)."""
    parts = arn.split(":", 5)
    owner = account.backend.accounts.get(parts[4]) if len(parts) == 6 else None
    found = None if owner is None else owner.managed_policies.get(arn)
    if found is None:
        if attaching:
            raise msg.policy_not_attachable(arn)
        raise msg.policy_not_found(arn)
    return found


def inline_policy(holder: Principal | Role | Group, kind: str, name: str) -> InlinePolicy:
    found = _find(holder.inline_policies, name)
    if found is None:
        raise msg.iam_not_found(f"{kind} policy", name)
    return found  # type: ignore[return-value]


def access_key(owner: User, access_key_id: str) -> AccessKey:
    for key in owner.access_keys:
        if key.access_key_id == access_key_id:
            return key
    raise msg.access_key_not_found(access_key_id)


# -- creation --------------------------------------------------------------------


def check_new(table: Mapping[str, object], kind: str, name: str) -> None:
    """EntityAlreadyExists when ``table`` has ``name`` in any case."""
    if _find(table, name) is not None:
        raise msg.iam_exists(kind, name)


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


def check_key_quota(owner: LongTermPrincipal) -> None:
    if len(owner.access_keys) >= ACCESS_KEYS_PER_USER:
        raise msg.access_key_quota(ACCESS_KEYS_PER_USER)


# -- deletion --------------------------------------------------------------------


def delete_user(account: Account, target: User) -> None:
    """Remove ``target``; DeleteConflict while anything still hangs on it."""
    if target.access_keys:
        raise msg.delete_conflict(msg.MUST_DELETE_KEYS)
    if target.inline_policies:
        raise msg.delete_conflict(msg.MUST_DELETE_POLICIES)
    if target.attached_policies:
        raise msg.delete_conflict(msg.MUST_DETACH_POLICIES)
    if target.mfa_devices:
        raise msg.delete_conflict(msg.MUST_DELETE_MFA)
    if target.groups:
        raise msg.delete_conflict(msg.MUST_LEAVE_GROUPS)
    account.delete_user(target.name)  # trust policies that name it forget it, as in IAM


def delete_role(account: Account, target: Role) -> None:
    if target.inline_policies:
        raise msg.delete_conflict(msg.MUST_DELETE_POLICIES)
    if target.attached_policies:
        raise msg.delete_conflict(msg.MUST_DETACH_POLICIES)
    account.delete_role(target.name)


def delete_group(account: Account, target: Group) -> None:
    if target.members:
        raise msg.delete_conflict(msg.MUST_EMPTY_GROUP)
    if target.inline_policies:
        raise msg.delete_conflict(msg.MUST_DELETE_POLICIES)
    if target.attached_policies:
        raise msg.delete_conflict(msg.MUST_DETACH_POLICIES)
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
        raise msg.delete_conflict(msg.POLICY_ATTACHED)
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
    raise msg.policy_not_found(policy.arn)


def set_tags(tags: dict[str, str], new: Mapping[str, str]) -> None:
    """Add or overwrite tags (keys compared case-insensitively, as IAM does); 50 at most."""
    merged = dict(tags)
    for key, value in new.items():
        for existing in [k for k in merged if k.lower() == key.lower()]:
            del merged[existing]
        merged[key] = value
    if len(merged) > 50:
        raise msg.limit_exceeded(msg.TOO_MANY_TAGS)
    tags.clear()
    tags.update(merged)


def remove_tags(tags: dict[str, str], keys: Iterable[str]) -> None:
    lowered = {key.lower() for key in keys}
    for existing in [k for k in tags if k.lower() in lowered]:
        del tags[existing]


def not_a_member(user_name: str, group_name: str) -> Exception:
    """OURS: RemoveUserFromGroup for a user who is not in the group."""
    return msg.not_in_group(user_name, group_name)


def too_many_tags() -> Exception:
    return msg.limit_exceeded(msg.TOO_MANY_TAGS)


def policy_exists(name: str) -> Exception:
    return msg.policy_exists(name)
