"""The sections of one account in the --state format: a shape check and an applier each.

Appliers use only the public seeding API (``Account.create_user`` and the
like), each call wrapped by ``shape.at`` so a refusal names its path.  A new
kind of entity is one more entry of ``ACCOUNT_SECTIONS``; a top-level one
(``organizations``) one of ``TOP_SECTIONS``.  OIDC providers are keyed by URL
and SAML providers by name; their signing keys are drawn from the server's
seeded generator, as the seeding API's are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_stsmock.backend import STSBackend
from pytest_stsmock.backend.accounts import Account
from pytest_stsmock.backend.principals import LongTermPrincipal

from .shape import StateError, as_list, as_object, as_string, as_tags, at, entry_of, member, only


@dataclass(frozen=True)
class Section:
    """One key of the format: ``check`` the JSON shape, ``apply`` it to an account."""

    check: Callable[[Any, str], None]
    apply: Callable[[Account, Any, str], None]


def _check_keys_and_devices(entry: dict[str, Any], path: str) -> None:
    for index, key in enumerate(as_list(entry.get("access_keys", []), member(path, "access_keys"))):
        key_path = f"{member(path, 'access_keys')}[{index}]"
        only(as_object(key, key_path), ("access_key_id", "secret_access_key"), key_path)
        for name in ("access_key_id", "secret_access_key"):
            if name not in key:
                raise StateError(member(key_path, name), "is required")
            as_string(key[name], member(key_path, name))
    devices = as_list(entry.get("mfa_devices", []), member(path, "mfa_devices"))
    for index, device in enumerate(devices):
        device_path = f"{member(path, 'mfa_devices')}[{index}]"
        only(as_object(device, device_path), ("serial_number", "secret"), device_path)
        for name in ("serial_number", "secret"):
            if name in device:
                as_string(device[name], member(device_path, name))


def _apply_keys_and_devices(principal: LongTermPrincipal, entry: dict[str, Any], path: str) -> None:
    for index, key in enumerate(entry.get("access_keys", [])):
        with at(f"{member(path, 'access_keys')}[{index}]"):
            principal.create_access_key(key["access_key_id"], key["secret_access_key"])
    for index, device in enumerate(entry.get("mfa_devices", [])):
        with at(f"{member(path, 'mfa_devices')}[{index}]"):
            principal.add_mfa_device(device.get("serial_number"), secret=device.get("secret"))


def _policy_ref(account: Account, value: object, path: str) -> object:
    """An inline document as given, or the ManagedPolicy a name or ARN refers to."""
    if isinstance(value, dict):
        return value
    name = as_string(value, path)
    arn = name if name.startswith("arn:") else None
    for policy in account.managed_policies.values():
        if policy.arn == arn or (arn is None and policy.name == name):
            return policy
    known = ", ".join(p.name for p in account.managed_policies.values()) or "none"
    raise StateError(
        path, f"no managed policy {name!r} in account {account.id} (its policies: {known})"
    )


def _check_policies(value: object, path: str) -> None:
    for name, entry in as_object(value, path).items():
        entry_path = entry_of(path, name)
        only(as_object(entry, entry_path), ("document", "path"), entry_path)
        if "document" not in entry:
            raise StateError(member(entry_path, "document"), "is required")
        as_object(entry["document"], member(entry_path, "document"))


def _apply_policies(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        with at(entry_of(path, name)):
            account.create_policy(name, entry["document"], path=entry.get("path", "/"))


_USER_FIELDS = ("path", "tags", "policies", "access_keys", "mfa_devices")


def _check_policy_list(entry: dict[str, Any], path: str) -> None:
    for index, item in enumerate(as_list(entry.get("policies", []), member(path, "policies"))):
        if not isinstance(item, (dict, str)):
            raise StateError(
                f"{member(path, 'policies')}[{index}]",
                "must be a policy document (object) or a managed policy's name or ARN (string)",
            )


def _check_users(value: object, path: str) -> None:
    for name, entry in as_object(value, path).items():
        entry_path = entry_of(path, name)
        only(as_object(entry, entry_path), _USER_FIELDS, entry_path)
        if "tags" in entry:
            as_tags(entry["tags"], member(entry_path, "tags"))
        _check_policy_list(entry, entry_path)
        _check_keys_and_devices(entry, entry_path)


def _apply_users(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        entry_path = entry_of(path, name)
        policies = [
            _policy_ref(account, item, f"{member(entry_path, 'policies')}[{index}]")
            for index, item in enumerate(entry.get("policies", []))
        ]
        with at(entry_path):
            user = account.create_user(
                name, path=entry.get("path", "/"), tags=entry.get("tags"), policies=policies
            )
        _apply_keys_and_devices(user, entry, entry_path)


_ROLE_FIELDS: tuple[str, ...] = ("trust_policy", "path", "max_session_duration", "tags")
_ROLE_FIELDS += ("policies", "permissions_boundary")


def _check_roles(value: object, path: str) -> None:
    for name, entry in as_object(value, path).items():
        entry_path = entry_of(path, name)
        only(as_object(entry, entry_path), _ROLE_FIELDS, entry_path)
        if "trust_policy" not in entry:
            raise StateError(member(entry_path, "trust_policy"), "is required")
        as_object(entry["trust_policy"], member(entry_path, "trust_policy"))
        if "tags" in entry:
            as_tags(entry["tags"], member(entry_path, "tags"))
        _check_policy_list(entry, entry_path)
        duration = entry.get("max_session_duration", 3600)
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise StateError(
                member(entry_path, "max_session_duration"), "must be a whole number of seconds"
            )
        boundary = entry.get("permissions_boundary")
        if boundary is not None and not isinstance(boundary, (dict, str)):
            raise StateError(
                member(entry_path, "permissions_boundary"),
                "must be a policy document (object) or a managed policy's name or ARN (string)",
            )


def _apply_roles(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        entry_path = entry_of(path, name)
        policies = [
            _policy_ref(account, item, f"{member(entry_path, 'policies')}[{index}]")
            for index, item in enumerate(entry.get("policies", []))
        ]
        boundary = entry.get("permissions_boundary")
        if boundary is not None:
            boundary = _policy_ref(account, boundary, member(entry_path, "permissions_boundary"))
        with at(entry_path):
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
    entry = as_object(value, path)
    only(entry, ("access_keys", "mfa_devices"), path)
    _check_keys_and_devices(entry, path)


def _apply_root(account: Account, value: dict[str, Any], path: str) -> None:
    _apply_keys_and_devices(account.root, value, path)


def _check_regions(value: object, path: str) -> None:
    for index, region in enumerate(as_list(value, path)):
        as_string(region, f"{path}[{index}]")


def _apply_regions(account: Account, value: list[str], path: str) -> None:
    for region in value:
        account.disable_region(region)


def _check_strings(entry: dict[str, Any], name: str, path: str) -> None:
    for index, item in enumerate(as_list(entry.get(name, []), member(path, name))):
        as_string(item, f"{member(path, name)}[{index}]")


def _check_oidc(value: object, path: str) -> None:
    for url, entry in as_object(value, path).items():
        entry_path = entry_of(path, url)
        only(as_object(entry, entry_path), ("client_ids", "thumbprints", "tags"), entry_path)
        if "client_ids" not in entry:
            raise StateError(member(entry_path, "client_ids"), "is required")
        _check_strings(entry, "client_ids", entry_path)
        _check_strings(entry, "thumbprints", entry_path)
        if "tags" in entry:
            as_tags(entry["tags"], member(entry_path, "tags"))


def _apply_oidc(account: Account, value: dict[str, Any], path: str) -> None:
    for url, entry in value.items():
        with at(entry_of(path, url)):
            account.create_oidc_provider(
                url,
                client_ids=entry["client_ids"],
                thumbprints=entry.get("thumbprints"),
                tags=entry.get("tags"),
            )


def _check_saml(value: object, path: str) -> None:
    for name, entry in as_object(value, path).items():
        entry_path = entry_of(path, name)
        only(as_object(entry, entry_path), ("issuer",), entry_path)
        if "issuer" in entry:
            as_string(entry["issuer"], member(entry_path, "issuer"))


def _apply_saml(account: Account, value: dict[str, Any], path: str) -> None:
    for name, entry in value.items():
        with at(entry_of(path, name)):
            account.create_saml_provider(name, issuer=entry.get("issuer"))


#: The sections of one account, applied in this order.  New kinds of entity
#: (``oidc_providers``, ``saml_providers``) are new entries here.
ACCOUNT_SECTIONS: dict[str, Section] = {
    "policies": Section(_check_policies, _apply_policies),
    "root": Section(_check_root, _apply_root),
    "oidc_providers": Section(_check_oidc, _apply_oidc),
    "saml_providers": Section(_check_saml, _apply_saml),
    "users": Section(_check_users, _apply_users),
    "roles": Section(_check_roles, _apply_roles),
    "disabled_regions": Section(_check_regions, _apply_regions),
}

_ORG_FIELDS: tuple[str, ...] = ("management_account", "members", "delegated_administrators")
_ORG_FIELDS += ("centralized_root_access",)


def _check_organizations(value: object, path: str) -> None:
    for index, entry in enumerate(as_list(value, path)):
        entry_path = f"{path}[{index}]"
        only(as_object(entry, entry_path), _ORG_FIELDS, entry_path)
        if "management_account" not in entry:
            raise StateError(member(entry_path, "management_account"), "is required")
        as_string(entry["management_account"], member(entry_path, "management_account"))
        _check_strings(entry, "members", entry_path)
        _check_strings(entry, "delegated_administrators", entry_path)
        if not isinstance(entry.get("centralized_root_access", True), bool):
            raise StateError(member(entry_path, "centralized_root_access"), "must be true or false")


def _apply_organizations(backend: STSBackend, value: list[dict[str, Any]], path: str) -> None:
    for index, entry in enumerate(value):
        with at(f"{path}[{index}]"):
            org = backend.create_organization(
                entry["management_account"],
                entry.get("members", []),
                centralized_root_access=entry.get("centralized_root_access", True),
            )
            for admin in entry.get("delegated_administrators", []):
                org.register_delegated_administrator(admin)


@dataclass(frozen=True)
class TopSection:
    """A top-level key of the format: ``check`` its shape, ``apply`` it to the backend."""

    check: Callable[[Any, str], None]
    apply: Callable[[STSBackend, Any, str], None]


#: Top-level sections besides ``version`` and ``accounts``, applied after the accounts.
TOP_SECTIONS: dict[str, TopSection] = {
    "organizations": TopSection(_check_organizations, _apply_organizations),
}
