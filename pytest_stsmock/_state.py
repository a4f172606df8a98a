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
  target (a user, role, policy, access key or MFA serial that already exists
  there is an error); only then is it applied to the target, under its lock.
  A bad document leaves the target untouched.
* Merging: ``POST /_stsmock/state`` adds to what exists; it never replaces.
  Accounts that exist are extended.
* Managed policies are referred to by name (same account) or ARN, from the
  ``policies`` lists and ``permissions_boundary``; a JSON object there is an
  inline document.
* Extension: each section is one entry of ``ACCOUNT_SECTIONS`` (or
  ``TOP_SECTIONS``) with a checker and an applier, so OIDC and SAML providers
  (per account) and organizations (top level) slot in as new entries without
  touching the others.  Appliers run in table order: policies before the users
  and roles that attach them.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .backend import STSBackend
from .backend.accounts import Account
from .backend.principals import Principal
from .errors import StsMockError

STATE_VERSION = 1
_ACCOUNT_ID = re.compile(r"\d{12}")


class StateError(StsMockError):
    """A ``--state`` document that cannot be applied; ``path`` names the bad field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.detail = message


def _key(path: str, name: str) -> str:
    return f'{path}["{name}"]' if path else name


def _field(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@contextmanager
def _at(path: str) -> Iterator[None]:
    """Re-raise the seeding API's StsMockError with the path of the entry being applied."""
    try:
        yield
    except StateError:
        raise
    except StsMockError as error:
        raise StateError(path, str(error)) from None


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StateError(path, f"must be a JSON object, not {_kind(value)}")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateError(path, f"must be a JSON array, not {_kind(value)}")
    return value


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise StateError(path, f"must be a string, not {_kind(value)}")
    return value


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    names.update({int: "a number", float: "a number", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _only(value: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for name in value:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise StateError(
                _field(path, name), f"unknown field; {hint}expected one of {', '.join(allowed)}"
            )


def _tags(value: object, path: str) -> dict[str, str]:
    tags = _object(value, path)
    for name, tag in tags.items():
        _string(tag, _key(path, name))
    return tags


# -- one account's sections ------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One key of the format: ``check`` the JSON shape, ``apply`` it to an account."""

    check: Callable[[Any, str], None]
    apply: Callable[[Account, Any, str], None]


def _check_keys_and_devices(entry: dict[str, Any], path: str) -> None:
    for index, key in enumerate(_list(entry.get("access_keys", []), _field(path, "access_keys"))):
        key_path = f"{_field(path, 'access_keys')}[{index}]"
        _only(_object(key, key_path), ("access_key_id", "secret_access_key"), key_path)
        for name in ("access_key_id", "secret_access_key"):
            if name not in key:
                raise StateError(_field(key_path, name), "is required")
            _string(key[name], _field(key_path, name))
    devices = _list(entry.get("mfa_devices", []), _field(path, "mfa_devices"))
    for index, device in enumerate(devices):
        device_path = f"{_field(path, 'mfa_devices')}[{index}]"
        _only(_object(device, device_path), ("serial_number", "secret"), device_path)
        for name in ("serial_number", "secret"):
            if name in device:
                _string(device[name], _field(device_path, name))


def _apply_keys_and_devices(principal: Principal, entry: dict[str, Any], path: str) -> None:
    for index, key in enumerate(entry.get("access_keys", [])):
        with _at(f"{_field(path, 'access_keys')}[{index}]"):
            principal.create_access_key(key["access_key_id"], key["secret_access_key"])
    for index, device in enumerate(entry.get("mfa_devices", [])):
        with _at(f"{_field(path, 'mfa_devices')}[{index}]"):
            principal.add_mfa_device(device.get("serial_number"), secret=device.get("secret"))


def _policy_ref(account: Account, value: object, path: str) -> object:
    """An inline document as given, or the ManagedPolicy a name or ARN refers to."""
    if isinstance(value, dict):
        return value
    name = _string(value, path)
    arn = name if name.startswith("arn:") else None
    for policy in account.managed_policies.values():
        if policy.arn == arn or (arn is None and policy.name == name):
            return policy
    known = ", ".join(p.name for p in account.managed_policies.values()) or "none"
    raise StateError(
        path, f"no managed policy {name!r} in account {account.id} (its policies: {known})"
    )


def _check_policies(value: object, path: str) -> None:
    for name, entry in _object(value, path).items():
        entry_path = _key(path, name)
        _only(_object(entry, entry_path), ("document", "path"), entry_path)
        if "document" not in entry:
            raise StateError(_field(entry_path, "document"), "is required")
        _object(entry["document"], _field(entry_path, "document"))


def _apply_policies(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        with _at(_key(path, name)):
            account.create_policy(name, entry["document"], path=entry.get("path", "/"))


_USER_FIELDS = ("path", "tags", "policies", "access_keys", "mfa_devices")


def _check_policy_list(entry: dict[str, Any], path: str) -> None:
    for index, item in enumerate(_list(entry.get("policies", []), _field(path, "policies"))):
        if not isinstance(item, (dict, str)):
            raise StateError(
                f"{_field(path, 'policies')}[{index}]",
                "must be a policy document (object) or a managed policy's name or ARN (string)",
            )


def _check_users(value: object, path: str) -> None:
    for name, entry in _object(value, path).items():
        entry_path = _key(path, name)
        _only(_object(entry, entry_path), _USER_FIELDS, entry_path)
        if "tags" in entry:
            _tags(entry["tags"], _field(entry_path, "tags"))
        _check_policy_list(entry, entry_path)
        _check_keys_and_devices(entry, entry_path)


def _apply_users(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        entry_path = _key(path, name)
        policies = [
            _policy_ref(account, item, f"{_field(entry_path, 'policies')}[{index}]")
            for index, item in enumerate(entry.get("policies", []))
        ]
        with _at(entry_path):
            user = account.create_user(
                name, path=entry.get("path", "/"), tags=entry.get("tags"), policies=policies
            )
        _apply_keys_and_devices(user, entry, entry_path)


_ROLE_FIELDS: tuple[str, ...] = ("trust_policy", "path", "max_session_duration", "tags")
_ROLE_FIELDS += ("policies", "permissions_boundary")


def _check_roles(value: object, path: str) -> None:
    for name, entry in _object(value, path).items():
        entry_path = _key(path, name)
        _only(_object(entry, entry_path), _ROLE_FIELDS, entry_path)
        if "trust_policy" not in entry:
            raise StateError(_field(entry_path, "trust_policy"), "is required")
        _object(entry["trust_policy"], _field(entry_path, "trust_policy"))
        if "tags" in entry:
            _tags(entry["tags"], _field(entry_path, "tags"))
        _check_policy_list(entry, entry_path)
        duration = entry.get("max_session_duration", 3600)
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise StateError(
                _field(entry_path, "max_session_duration"), "must be a whole number of seconds"
            )
        boundary = entry.get("permissions_boundary")
        if boundary is not None and not isinstance(boundary, (dict, str)):
            raise StateError(
                _field(entry_path, "permissions_boundary"),
                "must be a policy document (object) or a managed policy's name or ARN (string)",
            )


def _apply_roles(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        entry_path = _key(path, name)
        policies = [
            _policy_ref(account, item, f"{_field(entry_path, 'policies')}[{index}]")
            for index, item in enumerate(entry.get("policies", []))
        ]
        boundary = entry.get("permissions_boundary")
        if boundary is not None:
            boundary = _policy_ref(account, boundary, _field(entry_path, "permissions_boundary"))
        with _at(entry_path):
            account.create_role(
                name,
                trust_policy=entry["trust_policy"],
                path=entry.get("path", "/"),
                max_session_duration=entry.get("max_session_duration", 3600),
                tags=entry.get("tags"),
                policies=policies,
                permissions_boundary=boundary,
            )


def _check_root(value: object, path: str) -> None:
    entry = _object(value, path)
    _only(entry, ("access_keys", "mfa_devices"), path)
    _check_keys_and_devices(entry, path)


def _apply_root(account: Account, value: dict[str, Any], path: str) -> None:
    _apply_keys_and_devices(account.root, value, path)


def _check_regions(value: object, path: str) -> None:
    for index, region in enumerate(_list(value, path)):
        _string(region, f"{path}[{index}]")


def _apply_regions(account: Account, value: list[str], path: str) -> None:
    for region in value:
        account.disable_region(region)


#: The sections of one account, applied in this order.  New kinds of entity
#: (``oidc_providers``, ``saml_providers``) are new entries here.
ACCOUNT_SECTIONS: dict[str, Section] = {
    "policies": Section(_check_policies, _apply_policies),
    "root": Section(_check_root, _apply_root),
    "users": Section(_check_users, _apply_users),
    "roles": Section(_check_roles, _apply_roles),
    "disabled_regions": Section(_check_regions, _apply_regions),
}

#: Top-level sections besides ``version`` and ``accounts`` (``organizations`` goes here).
TOP_SECTIONS: dict[str, Callable[[STSBackend, Any, str], None]] = {}


# -- the document ----------------------------------------------------------------


def check(document: object) -> dict[str, Any]:
    """The document's shape, checked without a backend; StateError names the bad field."""
    root = _object(document, "")
    if not isinstance(document, dict):  # pragma: no cover - _object raised
        raise StateError("", "must be a JSON object")
    _only(root, ("version", "accounts", *TOP_SECTIONS), "")
    version = root.get("version", STATE_VERSION)
    if version != STATE_VERSION or isinstance(version, bool):
        raise StateError("version", f"must be {STATE_VERSION} (the only format so far)")
    for account_id, account in _object(root.get("accounts", {}), "accounts").items():
        account_path = _key("accounts", account_id)
        if not _ACCOUNT_ID.fullmatch(account_id):
            raise StateError(account_path, "an account id is exactly 12 digits")
        _only(_object(account, account_path), tuple(ACCOUNT_SECTIONS), account_path)
        for name, section in ACCOUNT_SECTIONS.items():
            if name in account:
                section.check(account[name], _field(account_path, name))
    return root


def _apply(backend: STSBackend, document: dict[str, Any]) -> None:
    for account_id, sections in document.get("accounts", {}).items():
        account = backend.account(account_id)
        for name, section in ACCOUNT_SECTIONS.items():
            if name in sections:
                section.apply(account, sections[name], _field(_key("accounts", account_id), name))
    for name, apply in TOP_SECTIONS.items():
        if name in document:
            apply(backend, document[name], name)


def _copy_existing(target: STSBackend, scratch: STSBackend, document: dict[str, Any]) -> None:
    """Give the scratch backend the target's managed policies, so references to them resolve."""
    for account_id in document.get("accounts", {}):
        existing = target.accounts.get(account_id)
        if existing is not None:
            scratch.account(account_id).managed_policies.update(existing.managed_policies)


def _conflicts(target: STSBackend, document: dict[str, Any]) -> None:
    """StateError for the first entity the document adds that the target already has."""
    for account_id, sections in document.get("accounts", {}).items():
        account_path = _key("accounts", account_id)
        account = target.accounts.get(account_id)
        kinds: tuple[tuple[str, dict[str, Any]], ...] = (
            ("users", account.users if account else {}),
            ("roles", account.roles if account else {}),
        )
        for kind, existing in kinds:
            lowered = {name.lower() for name in existing}
            for name in sections.get(kind, {}):
                if name.lower() in lowered:
                    raise StateError(
                        _key(_field(account_path, kind), name), "already exists on this server"
                    )
        for name, entry in sections.get("policies", {}).items():
            arn = f"arn:aws:iam::{account_id}:policy{entry.get('path', '/')}{name}"
            if account is not None and arn in account.managed_policies:
                raise StateError(
                    _key(_field(account_path, "policies"), name), "already exists on this server"
                )
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
        _copy_existing(backend, scratch, checked)
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
