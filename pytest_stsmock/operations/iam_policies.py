"""IAM policies: inline policies of users, groups and roles, managed policies and
their attachments, and permissions boundaries.  One thin function per operation.

Inline and attached policies count for authorization at the next request
(``backend.iam.effective_policies``); a boundary limits the user or role it is
put on, as the seeding API's ``permissions_boundary`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_stsmock.backend import iam
from pytest_stsmock.backend.iam import InlinePolicy
from pytest_stsmock.operations import _iam
from pytest_stsmock.operations.context import Operation, OperationContext

Params = Mapping[str, Any]

#: The three kinds of holder: (API word, its name parameter, the look-up).
_KINDS: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "User": ("UserName", iam.user),
    "Group": ("GroupName", iam.group),
    "Role": ("RoleName", iam.role),
}


def _holder(ctx: OperationContext, kind: str, action: str, params: Params) -> Any:
    member, find = _KINDS[kind]
    account = _iam.caller_account(ctx)
    found = find(account, params[member])
    _iam.account(ctx, action, found.arn)
    return account, found


# -- inline policies ---------------------------------------------------------------


def _put(kind: str) -> Operation:
    def put(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, holder = _holder(ctx, kind, f"Put{kind}Policy", params)
        document = _iam.policy(params["PolicyDocument"], "identity")
        name = params["PolicyName"]
        for existing in [k for k in holder.inline_policies if k.lower() == name.lower()]:
            del holder.inline_policies[existing]
        holder.inline_policies[name] = InlinePolicy(name, document)
        return {}

    return put


def _get(kind: str) -> Operation:
    member = _KINDS[kind][0]

    def get(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, holder = _holder(ctx, kind, f"Get{kind}Policy", params)
        found = iam.inline_policy(holder, kind.lower(), params["PolicyName"])
        return {
            member: holder.name,
            "PolicyName": found.name,
            "PolicyDocument": _iam.encoded(found.document),
        }

    return get


def _list(kind: str) -> Operation:
    def list_(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, holder = _holder(ctx, kind, f"List{kind}Policies", params)
        return _iam.page(list(holder.inline_policies), params, "PolicyNames")

    return list_


def _delete(kind: str) -> Operation:
    def delete(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, holder = _holder(ctx, kind, f"Delete{kind}Policy", params)
        found = iam.inline_policy(holder, kind.lower(), params["PolicyName"])
        del holder.inline_policies[found.name]
        return {}

    return delete


# -- managed policies ----------------------------------------------------------------


def _policy_out(policy: Any, account: Any) -> dict[str, Any]:
    return {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": "v1",
        "AttachmentCount": iam.attachment_count(policy, account),
        "PermissionsBoundaryUsageCount": iam.boundary_usage_count(policy, account),
        "IsAttachable": True,
        "Description": policy.description,
        "CreateDate": policy.create_date,
        "UpdateDate": policy.create_date,
    }


def create_policy(ctx: OperationContext, params: Params) -> dict[str, Any]:
    name, path = params["PolicyName"], params.get("Path", "/")
    arn = _iam.arn(ctx, "policy", name, path)
    account = _iam.account(ctx, "CreatePolicy", arn)
    if arn in account.managed_policies:
        raise iam.policy_exists(name)
    document = _iam.policy(params["PolicyDocument"], "identity")
    created = account.create_policy(
        name, document, path=path, description=params.get("Description")
    )
    return {"Policy": _policy_out(created, account)}


def _managed(ctx: OperationContext, action: str, params: Params, attaching: bool) -> Any:
    account = _iam.caller_account(ctx)
    _iam.account(ctx, action, params["PolicyArn"])
    return account, iam.managed_policy(account, params["PolicyArn"], attaching=attaching)


def get_policy(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, policy = _managed(ctx, "GetPolicy", params, attaching=False)
    return {"Policy": _policy_out(policy, account)}


def delete_policy(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, policy = _managed(ctx, "DeletePolicy", params, attaching=False)
    iam.delete_managed_policy(account, policy)
    return {}


def _attach(kind: str) -> Operation:
    def attach(ctx: OperationContext, params: Params) -> dict[str, Any]:
        account, holder = _holder(ctx, kind, f"Attach{kind}Policy", params)
        iam.attach(holder, iam.managed_policy(account, params["PolicyArn"]))
        return {}

    return attach


def _detach(kind: str) -> Operation:
    def detach(ctx: OperationContext, params: Params) -> dict[str, Any]:
        account, holder = _holder(ctx, kind, f"Detach{kind}Policy", params)
        iam.detach(holder, iam.managed_policy(account, params["PolicyArn"], attaching=False))
        return {}

    return detach


def _list_attached(kind: str) -> Operation:
    def list_attached(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, holder = _holder(ctx, kind, f"ListAttached{kind}Policies", params)
        return _iam.attached_out(holder.attached_policies, params)

    return list_attached


# -- permissions boundaries -------------------------------------------------------------


def _put_boundary(kind: str) -> Operation:
    def put(ctx: OperationContext, params: Params) -> dict[str, Any]:
        account, holder = _holder(ctx, kind, f"Put{kind}PermissionsBoundary", params)
        policy = iam.managed_policy(account, params["PermissionsBoundary"])
        holder.permissions_boundary = policy.boundary_document
        holder.permissions_boundary_arn = policy.arn
        return {}

    return put


def _delete_boundary(kind: str) -> Operation:
    def delete(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, holder = _holder(ctx, kind, f"Delete{kind}PermissionsBoundary", params)
        holder.permissions_boundary = None
        holder.permissions_boundary_arn = None
        return {}

    return delete


def _named(kind: str, name: str, operation: Operation) -> tuple[str, Operation]:
    operation.__name__ = name.lower()
    return name, operation


OPERATIONS: dict[str, Operation] = dict(
    [
        *(_named(k, f"Put{k}Policy", _put(k)) for k in _KINDS),
        *(_named(k, f"Get{k}Policy", _get(k)) for k in _KINDS),
        *(_named(k, f"List{k}Policies", _list(k)) for k in _KINDS),
        *(_named(k, f"Delete{k}Policy", _delete(k)) for k in _KINDS),
        *(_named(k, f"Attach{k}Policy", _attach(k)) for k in _KINDS),
        *(_named(k, f"Detach{k}Policy", _detach(k)) for k in _KINDS),
        *(_named(k, f"ListAttached{k}Policies", _list_attached(k)) for k in _KINDS),
        *(_named(k, f"Put{k}PermissionsBoundary", _put_boundary(k)) for k in ("User", "Role")),
        *(
            _named(k, f"Delete{k}PermissionsBoundary", _delete_boundary(k))
            for k in ("User", "Role")
        ),
        ("CreatePolicy", create_policy),
        ("GetPolicy", get_policy),
        ("DeletePolicy", delete_policy),
    ]
)
