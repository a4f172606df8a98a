"""IAM users, their access keys, and groups: one thin function per operation.

Users and keys made here are the seeding API's own objects
(``Account.create_user``, ``User.create_access_key``), so STS accepts a key
created through ``iam.create_access_key`` at the next request, and stops
accepting it once it is deactivated or deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend import iam
from pytest_stsmock.operations import _iam, _iam_entities
from pytest_stsmock.operations.context import Operation, OperationContext

Params = Mapping[str, Any]


def _user(ctx: OperationContext, action: str, params: Params) -> Any:
    return _iam_entities.named(ctx, action, iam.user, params["UserName"])


# -- users -----------------------------------------------------------------------


def create_user(ctx: OperationContext, params: Params) -> dict[str, Any]:
    name, path = params["UserName"], params.get("Path", "/")
    account = _iam.account(ctx, "CreateUser", _iam.arn(ctx, "user", name, path))
    iam.check_new(account.users, "User", name)
    boundary = params.get("PermissionsBoundary")
    managed = None if boundary is None else iam.managed_policy(account, boundary)
    user = account.create_user(name, path=path, tags=_iam.tags_in(params))
    if managed is not None:
        user.permissions_boundary = managed.boundary_document
        user.permissions_boundary_arn = managed.arn
    return {"User": _iam.user_out(user)}


def get_user(ctx: OperationContext, params: Params) -> dict[str, Any]:
    if "UserName" not in params:  # the caller itself
        principal = _iam.caller_user(ctx, "GetUser")
        if principal.principal_type == "Account":
            return {
                "User": {
                    "UserId": principal.account_id,
                    "Arn": principal.arn,
                    "CreateDate": ctx.now,
                }
            }
        return {"User": _iam.user_out(principal)}
    _, user = _user(ctx, "GetUser", params)
    return {"User": _iam.user_out(user)}


def list_users(ctx: OperationContext, params: Params) -> dict[str, Any]:
    return _iam_entities.listed(
        ctx,
        "ListUsers",
        params,
        lambda account: account.users.values(),
        lambda user: _iam.user_out(user, with_tags=False),
        "Users",
    )


def delete_user(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, user = _user(ctx, "DeleteUser", params)
    iam.delete_user(account, user)
    return {}


# -- access keys -----------------------------------------------------------------


def _key_owner(ctx: OperationContext, action: str, params: Params) -> Any:
    """The user named, or the caller's own user when UserName is absent (as IAM does)."""
    if "UserName" in params:
        return _user(ctx, action, params)[1]
    return _iam.caller_user(ctx, action)


def _key_out(user: Any, key: Any, *, secret: bool) -> dict[str, Any]:
    out = {
        "UserName": user.name,
        "AccessKeyId": key.access_key_id,
        "Status": "Active" if key.active else "Inactive",
        "CreateDate": key.create_date,
    }
    if secret:
        out["SecretAccessKey"] = key.secret_access_key
    return out


def create_access_key(ctx: OperationContext, params: Params) -> dict[str, Any]:
    user = _key_owner(ctx, "CreateAccessKey", params)
    iam.check_key_quota(user)
    key = user.create_access_key()
    return {"AccessKey": _key_out(user, key, secret=True)}


def list_access_keys(ctx: OperationContext, params: Params) -> dict[str, Any]:
    user = _key_owner(ctx, "ListAccessKeys", params)
    keys = [_key_out(user, key, secret=False) for key in user.access_keys]
    return _iam.page(keys, params, "AccessKeyMetadata")


def update_access_key(ctx: OperationContext, params: Params) -> dict[str, Any]:
    user = _key_owner(ctx, "UpdateAccessKey", params)
    key = iam.access_key(user, params["AccessKeyId"])
    key.active = params["Status"] == "Active"
    key.cached_caller = None
    return {}


def delete_access_key(ctx: OperationContext, params: Params) -> dict[str, Any]:
    user = _key_owner(ctx, "DeleteAccessKey", params)
    key = iam.access_key(user, params["AccessKeyId"])
    user.access_keys.remove(key)
    ctx.backend.forget_access_key(key.access_key_id)
    return {}


# -- groups ------------------------------------------------------------------------


def _group(ctx: OperationContext, action: str, params: Params) -> Any:
    return _iam_entities.named(ctx, action, iam.group, params["GroupName"])


def create_group(ctx: OperationContext, params: Params) -> dict[str, Any]:
    name, path = params["GroupName"], params.get("Path", "/")
    account = _iam.account(ctx, "CreateGroup", _iam.arn(ctx, "group", name, path))
    return {"Group": _iam.group_out(iam.create_group(account, name, path))}


def get_group(ctx: OperationContext, params: Params) -> dict[str, Any]:
    _, group = _group(ctx, "GetGroup", params)
    users = [_iam.user_out(u, with_tags=False) for u in group.members]
    return {"Group": _iam.group_out(group), **_iam.page(users, params, "Users")}


def delete_group(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, group = _group(ctx, "DeleteGroup", params)
    iam.delete_group(account, group)
    return {}


def add_user_to_group(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, group = _group(ctx, "AddUserToGroup", params)
    user = iam.user(account, params["UserName"])
    if group not in user.groups:
        user.groups.append(group)
        group.members.append(user)
    return {}


def remove_user_from_group(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, group = _group(ctx, "RemoveUserFromGroup", params)
    user = iam.user(account, params["UserName"])
    if group not in user.groups:
        raise iam.not_a_member(user.name, group.name)
    user.groups.remove(group)
    group.members.remove(user)
    return {}


def list_groups_for_user(ctx: OperationContext, params: Params) -> dict[str, Any]:
    _, user = _user(ctx, "ListGroupsForUser", params)
    return _iam.page([_iam.group_out(g) for g in user.groups], params, "Groups")


OPERATIONS: dict[str, Operation] = {
    "CreateUser": create_user,
    "GetUser": get_user,
    "ListUsers": list_users,
    "DeleteUser": delete_user,
    **_iam_entities.tag_operations("User", _user),
    "CreateAccessKey": create_access_key,
    "ListAccessKeys": list_access_keys,
    "UpdateAccessKey": update_access_key,
    "DeleteAccessKey": delete_access_key,
    "CreateGroup": create_group,
    "GetGroup": get_group,
    "DeleteGroup": delete_group,
    "AddUserToGroup": add_user_to_group,
    "RemoveUserFromGroup": remove_user_from_group,
    "ListGroupsForUser": list_groups_for_user,
}
