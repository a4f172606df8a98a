"""The ``--state`` format: seed a backend from JSON, checked first, applied all or nothing.

Used by ``python -m pytest_stsmock serve --state FILE`` and ``POST
/_stsmock/state``; the README documents the schema.  Design decisions:

* Objects keyed by name (accounts by id, users, roles and policies by name), so
  an error names its place as a path: ``accounts["111122223333"].users["alice"]
  .access_keys[0].secret_access_key: ...``.  Duplicate keys in the JSON text are
  an error, not silently the last one.
* All or nothing.  The document is first applied to a scratch backend, which
  runs every check of the seeding API (names, paths, policy grammar, key and
  MFA formats) with the path of each entry; then it is checked against the
  target (an access key or MFA serial that already exists there is an error;
  the scratch backend holds copies of the target's users, roles and managed
  policies, so a clash with those is caught there); only then is it applied
  to the target, under its lock.  A bad document leaves the target untouched.
* Sections are applied one kind at a time across all accounts (policies,
  root, users, roles, regions), so a trust policy may name a user of an
  account that comes later in the document, as well as one on the server.
* Merging: ``POST /_stsmock/state`` adds to what exists; it never replaces.
  Accounts that exist are extended.
* Managed policies are referred to by name (same account) or ARN, from the
  ``policies`` lists and ``permissions_boundary``; a JSON object there is an
  inline document.
* Extension: each section is one entry of ``ACCOUNT_SECTIONS`` (or
  ``TOP_SECTIONS``) with a checker and an applier, so a new kind of entity
  slots in without touching the others.  Appliers run in table order:
  policies before the users and roles that attach them, providers before the
  roles that trust them; top-level sections (``organizations``) after every
  account.  The scratch copy a merge is tried on holds the target's
  providers and organizations, so a clash with them is refused before
  anything is applied.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pytest_stsmock.backend import STSBackend

from .sections import ACCOUNT_SECTIONS, TOP_SECTIONS
from .shape import StateError, as_object, entry_of, member, only

STATE_VERSION = 1
_ACCOUNT_ID = re.compile(r"\d{12}")


# -- the document ----------------------------------------------------------------


def check(document: object) -> dict[str, Any]:
    """The document's shape, checked without a backend; StateError names the bad field."""
    root = as_object(document, "")
    if not isinstance(document, dict):  # pragma: no cover - _object raised
        raise StateError("", "must be a JSON object")
    only(root, ("version", "accounts", *TOP_SECTIONS), "")
    version = root.get("version", STATE_VERSION)
    if version != STATE_VERSION or isinstance(version, bool):
        raise StateError("version", f"must be {STATE_VERSION} (the only format so far)")
    for name, top in TOP_SECTIONS.items():
        if name in root:
            top.check(root[name], name)
    for account_id, account in as_object(root.get("accounts", {}), "accounts").items():
        account_path = entry_of("accounts", account_id)
        if not _ACCOUNT_ID.fullmatch(account_id):
            raise StateError(account_path, "an account id is exactly 12 digits")
        only(as_object(account, account_path), tuple(ACCOUNT_SECTIONS), account_path)
        for name, section in ACCOUNT_SECTIONS.items():
            if name in account:
                section.check(account[name], member(account_path, name))
    return root


def _apply(backend: STSBackend, document: dict[str, Any]) -> None:
    # Section by section across every account: a trust policy may name a user of an
    # account that comes later in the document.
    accounts = document.get("accounts", {})
    for name, section in ACCOUNT_SECTIONS.items():
        for account_id, sections in accounts.items():
            if name in sections:
                section.apply(
                    backend.account(account_id),
                    sections[name],
                    member(entry_of("accounts", account_id), name),
                )
    for name, top in TOP_SECTIONS.items():
        if name in document:
            top.apply(backend, document[name], name)


#: The trust policy of a scratch copy of an existing role (only its existence matters).
_ANYONE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
}


def _copy_existing(target: STSBackend, scratch: STSBackend) -> None:
    """Give the scratch backend what of the target a document may refer to: managed
    policies (attached by name or ARN) and the users and roles a trust policy may name."""
    for account_id, existing in target.accounts.items():
        copy = scratch.account(account_id)
        copy.managed_policies.update(existing.managed_policies)
        copy.oidc_providers.update(existing.oidc_providers)
        copy.saml_providers.update(existing.saml_providers)
        for name, user in existing.users.items():
            if name not in copy.users:
                copy.create_user(name, path=user.path)
        for name, role in existing.roles.items():
            if name not in copy.roles:
                copy.create_role(name, path=role.path, trust_policy=_ANYONE)
    for org in target.organizations:  # an account is in one organization at most
        scratch.create_organization(org.management_account_id, org.member_account_ids)


def _conflicts(target: STSBackend, document: dict[str, Any]) -> None:
    """StateError for the first entity the document adds that the target already has.

    Access keys and MFA serial numbers are unique across the whole backend, which the
    scratch copy does not hold; its users, roles and policies catch the other clashes.
    """
    for account_id, sections in document.get("accounts", {}).items():
        account_path = entry_of("accounts", account_id)
        holders = [("root", sections.get("root", {}))]
        holders += [(f'users["{n}"]', e) for n, e in sections.get("users", {}).items()]
        for where, entry in holders:
            for index, key in enumerate(entry.get("access_keys", [])):
                if target.access_key(key["access_key_id"]) is not None:
                    raise StateError(
                        f"{account_path}.{where}.access_keys[{index}].access_key_id",
                        f"access key {key['access_key_id']} already exists on this server",
                    )
            for index, device in enumerate(entry.get("mfa_devices", [])):
                serial = device.get("serial_number")
                if serial is not None and target.mfa_device(serial) is not None:
                    raise StateError(
                        f"{account_path}.{where}.mfa_devices[{index}].serial_number",
                        f"MFA device {serial} already exists on this server",
                    )


def apply(backend: STSBackend, document: object) -> dict[str, int]:
    """Merge ``document`` into ``backend``, all or nothing; counts of what was added."""
    checked = check(document)
    with backend.lock:
        scratch = STSBackend(account_id=backend.account_id, region=backend.region, seed=0)
        _copy_existing(backend, scratch)
        _apply(scratch, checked)
        _conflicts(backend, checked)
        before = _counts(backend)
        _apply(backend, checked)
        after = _counts(backend)
    return {name: after[name] - before[name] for name in after}


def _counts(backend: STSBackend) -> dict[str, int]:
    accounts = list(backend.accounts.values())
    return {
        "accounts": len(accounts),
        "users": sum(len(a.users) for a in accounts),
        "roles": sum(len(a.roles) for a in accounts),
        "policies": sum(len(a.managed_policies) for a in accounts),
        "oidc_providers": sum(len(a.oidc_providers) for a in accounts),
        "saml_providers": sum(len(a.saml_providers) for a in accounts),
        "organizations": len(list(backend.organizations)),
        "access_keys": sum(
            len(p.access_keys) for a in accounts for p in (a.root, *a.users.values())
        ),
        "mfa_devices": sum(
            len(p.mfa_devices) for a in accounts for p in (a.root, *a.users.values())
        ),
    }


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise StateError("", f"the key {name!r} appears twice in one object")
        result[name] = value
    return result


def loads(text: str | bytes) -> Any:
    """Parse JSON text of the format; StateError for invalid JSON or a duplicate key."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise StateError(
            "", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except UnicodeDecodeError:
        raise StateError("", "not valid JSON: the text is not UTF-8") from None


def load_file(path: str | Path) -> Any:
    """Read and parse a ``--state`` file; StateError saying what is wrong with it."""
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise StateError("", f"cannot read {path}: {error.strerror or error}") from None
    return loads(text)


__all__ = ["ACCOUNT_SECTIONS", "TOP_SECTIONS", "StateError", "apply", "check", "load_file"]
__all__ += ["loads"]
