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
from pytest_stsmock.operations import authorization, delegation, root_sessions, scoped, sts
from pytest_stsmock.operations.context import Operation, OperationContext

__all__ = ["OPERATIONS", "UNSIGNED_OPERATIONS", "Operation", "OperationContext", "lookup"]

#: Every operation answered, by the model's operation name.
OPERATIONS: dict[str, Operation] = {
    **sts.OPERATIONS,
    **root_sessions.OPERATIONS,
    **authorization.OPERATIONS,
    **delegation.OPERATIONS,
    **scoped.OPERATIONS,
}

#: Operations of the model that need no signature (AWS accepts them unsigned).
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})


def not_implemented(name: str) -> Operation:
    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise msg.not_implemented(name)

    operation.__name__ = f"not_implemented_{name}"
    return operation


def lookup(name: str) -> Operation:
    """The function for ``name``; an operation of the model we do not build answers 501."""
    return OPERATIONS.get(name) or not_implemented(name)
