"""Operations in a module per family, and the table the pipeline looks them up in.

This is the only layer that knows both the backend (domain objects) and the
shape of requests and responses (API member names of the botocore model).
Each module keeps an ``OPERATIONS`` table; this one merges them.  An operation
of the model that no module answers gets the AWS-shaped NotImplemented answer
(501) naming it, so a newer botocore's operation is noticed, not crashed on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AwsError, StsMockError
from pytest_stsmock.operations import (
    authorization,
    delegation,
    federation,
    iam_mfa,
    iam_policies,
    iam_providers,
    iam_roles,
    iam_users,
    root_sessions,
    scoped,
    sts,
)
from pytest_stsmock.operations.context import Operation, OperationContext

__all__ = [
    "IAM_OPERATIONS",
    "OPERATIONS",
    "UNSIGNED_OPERATIONS",
    "Operation",
    "OperationContext",
    "lookup",
]

#: Every STS operation answered, by the model's operation name.
OPERATIONS: dict[str, Operation] = {
    **sts.OPERATIONS,
    **root_sessions.OPERATIONS,
    **authorization.OPERATIONS,
    **delegation.OPERATIONS,
    **scoped.OPERATIONS,
    **federation.OPERATIONS,
}

#: The IAM subset answered (the README's list), by IAM's operation name.
IAM_OPERATIONS: dict[str, Operation] = {
    **iam_users.OPERATIONS,
    **iam_roles.OPERATIONS,
    **iam_policies.OPERATIONS,
    **iam_mfa.OPERATIONS,
    **iam_providers.OPERATIONS,
}

#: Operations of the model that need no signature (AWS accepts them unsigned).
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})


def not_implemented(name: str) -> Operation:
    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise msg.not_implemented(name)

    operation.__name__ = f"not_implemented_{name}"
    return operation


def _iam_outside_subset(name: str) -> Operation:
    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise msg.iam_not_in_subset(name)

    return operation


def _iam(operation: Operation) -> Operation:
    """An IAM operation whose seeding-API refusals (a rule the model's constraints do
    not carry) answer ValidationError, never a server fault."""

    def run(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return operation(ctx, params)
        except StsMockError as error:
            raise AwsError("ValidationError", str(error)) from None

    run.__name__ = operation.__name__
    return run


_IAM_WRAPPED = {name: _iam(op) for name, op in IAM_OPERATIONS.items()}


def lookup(name: str, service: str = "sts") -> Operation:
    """The function for ``name``; an operation of the model we do not build answers 501."""
    if service == "iam":
        return _IAM_WRAPPED.get(name) or _iam_outside_subset(name)
    return OPERATIONS.get(name) or not_implemented(name)
