"""A backend's default user and its key, built in one step at every activation.

Design decision: every activation makes a backend, and every backend its
default user with one access key.  The seeding API's checks (name, path,
uniqueness, quota, policy parsing) cannot fail for these constants, and the two
dataclass ``__init__``s cost a third of a backend's construction, so this
module sets the attributes directly.  The generator is drawn from exactly as
the general road draws (the user's unique id, then the key's id, then its
secret), so seeded identifiers are the same; ``tests/backend/test_construction.py``
checks that both roads give equal objects, field by field, and that every
dataclass field is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ids
from .principals import AccessKey, User

if TYPE_CHECKING:
    from .accounts import Account
    from .policy.document import PolicyDocument

_new_object = object.__new__


def new_default_user(account: Account, name: str, policy: PolicyDocument) -> tuple[User, AccessKey]:
    """``new_user(account, name, "/", None, ())`` with ``policy`` attached and in
    ``account.users``, and its one access key (``create_access_key()``), registered
    with the backend.  Both dates are one reading of the clock."""
    backend = account.backend
    rng = backend.rng
    now = backend.now()
    user = _new_object(User)
    user.account = account
    user.name = name
    user.arn = f"arn:aws:iam::{account.id}:user/{name}"
    user.unique_id = ids.unique_id(rng, "AIDA")
    user.principal_type = "User"
    user.tags = {}
    user.policies = [policy]
    user.inline_policies = {}
    user.attached_policies = []
    user.mfa_devices = []
    user.path = "/"
    user.create_date = now
    user.permissions_boundary = None
    user.permissions_boundary_arn = None
    user.groups = []
    key = _new_object(AccessKey)
    key.access_key_id = ids.access_key_id(rng, account.id, temporary=False)
    key.secret_access_key = ids.secret_access_key(rng)
    key.principal = user
    key.active = True
    key.create_date = now
    key.cached_caller = None
    user.access_keys = [key]
    account.users[name] = user
    backend._register_access_key(key)
    return user, key
