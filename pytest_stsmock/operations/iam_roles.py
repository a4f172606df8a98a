"""IAM roles: one thin function per operation.

A role created here is the seeding API's ``Role`` (``Account.create_role``),
so the next AssumeRole meets its trust policy; UpdateAssumeRolePolicy,
UpdateRole and DeleteRole are seen by the next STS request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend import iam
from pytest_stsmock.operations import _iam, _iam_entities
from pytest_stsmock.operations.context import Operation, OperationContext

Params = Mapping[str, Any]


def _role(ctx: OperationContext, action: str, params: Params) -> Any:
    return _iam_entities.named(ctx, action, iam.role, params["RoleName"])


def create_role(ctx: OperationContext, params: Params) -> dict[str, Any]:
    name, path = params["RoleName"], params.get("Path", "/")
    account = _iam.account(ctx, "CreateRole", _iam.arn(ctx, "role", name, path))
    iam.check_new(account.roles, "Role", name)
    trust = _iam.trust_policy(ctx, params["AssumeRolePolicyDocument"])
    boundary = params.get("PermissionsBoundary")
    managed = None if boundary is None else iam.managed_policy(account, boundary)
    tags = _iam.tags_in(params)
    if len(tags) > 50:
        raise iam.too_many_tags()
    role = account.create_role(
        name,
        trust_policy=trust,
        path=path,
        max_session_duration=params.get("MaxSessionDuration", 3600),
        tags=tags,
        permissions_boundary=managed,
    )
    role.description = params.get("Description")
    return {"Role": _iam.role_out(role)}


def get_role(ctx: OperationContext, params: Params) -> dict[str, Any]:
    _, role = _role(ctx, "GetRole", params)
    return {"Role": _iam.role_out(role)}


def list_roles(ctx: OperationContext, params: Params) -> dict[str, Any]:
    return _iam_entities.listed(
        ctx,
        "ListRoles",
        params,
        lambda account: account.roles.values(),
        lambda role: _iam.role_out(role, with_tags=False),
        "Roles",
    )


def delete_role(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, role = _role(ctx, "DeleteRole", params)
    iam.delete_role(account, role)
    return {}


def update_assume_role_policy(ctx: OperationContext, params: Params) -> dict[str, Any]:
    _, role = _role(ctx, "UpdateAssumeRolePolicy", params)
    role.update_trust_policy(_iam.trust_policy(ctx, params["PolicyDocument"]))
    return {}


def update_role(ctx: OperationContext, params: Params) -> dict[str, Any]:
    _, role = _role(ctx, "UpdateRole", params)
    if "Description" in params:
        role.description = params["Description"]
    if "MaxSessionDuration" in params:
        role.max_session_duration = params["MaxSessionDuration"]
    return {}


def update_role_description(ctx: OperationContext, params: Params) -> dict[str, Any]:
    _, role = _role(ctx, "UpdateRoleDescription", params)
    role.description = params["Description"]
    return {"Role": _iam.role_out(role)}


OPERATIONS: dict[str, Operation] = {
    "CreateRole": create_role,
    "GetRole": get_role,
    "ListRoles": list_roles,
    "DeleteRole": delete_role,
    "UpdateAssumeRolePolicy": update_assume_role_policy,
    "UpdateRole": update_role,
    "UpdateRoleDescription": update_role_description,
    **_iam_entities.tag_operations("Role", _role),
}
