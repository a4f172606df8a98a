"""Operations in a module per family, and the table the pipeline looks them up in.

This is the only layer that knows both the backend (domain objects) and the
shape of requests and responses (API member names of the botocore model).
Each module keeps an ``OPERATIONS`` table; this one merges them.  An operation
of the model that no module answers gets the AWS-shaped NotImplemented answer
(501) naming it, so a newer botocore's operation is noticed, not crashed on.

Design decisions:

* **Families load with their first request.**  Only ``sts`` (GetCallerIdentity,
  AssumeRole, GetSessionToken...) is imported with this module.  Every other
  STS family (named per operation in :data:`_LATER`) is imported by its
  operation's first request, and the IAM families by the first IAM request.
  They bring in code a test suite's first activation does not need
  (federation: PyJWT, cryptography's X.509, signxml and lxml; IAM: its
  providers and entities), some 100 ms of a fresh interpreter.
  ``tests/test_lazy_imports.py`` checks that every operation of those modules
  is in the tables and that the first call leaves them unimported.
* :data:`OPERATIONS` still names every STS operation answered: the entry of a
  family not imported yet is a stand-in that imports it, answers, and puts
  the real operation in its place.  So a test may replace or delete an entry
  (``monkeypatch``) whether or not its family was loaded.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AwsError, StsMockError
from pytest_stsmock.operations import sts
from pytest_stsmock.operations.context import Operation, OperationContext

__all__ = [
    "IAM_OPERATIONS",
    "LOCK_FREE_OPERATIONS",
    "OPERATIONS",
    "UNSIGNED_OPERATIONS",
    "Operation",
    "OperationContext",
    "iam_operations",
    "lookup",
]

#: The module (of this package) answering each STS operation not in ``sts``.
_LATER: dict[str, str] = {
    "AssumeRoot": "root_sessions",
    "DecodeAuthorizationMessage": "authorization",
    "GetDelegatedAccessToken": "delegation",
    "GetScopedCredentials": "scoped",
    "AssumeRoleWithWebIdentity": "federation",
    "AssumeRoleWithSAML": "federation",
    "GetWebIdentityToken": "federation",
}


def _later(family: str, name: str) -> Operation:
    """A stand-in for ``name`` of a family not imported yet: imports it, then answers as it
    (and leaves the real operation in :data:`OPERATIONS`, unless a test replaced it)."""

    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        real: Operation = importlib.import_module(f"{__name__}.{family}").OPERATIONS[name]
        if OPERATIONS.get(name) is operation:
            OPERATIONS[name] = real
        return real(ctx, params)

    operation.__name__ = f"import_{family}_then_{name}"
    return operation


#: Every STS operation answered, by the model's operation name.
OPERATIONS: dict[str, Operation] = {
    **sts.OPERATIONS,
    **{name: _later(family, name) for name, family in _LATER.items()},
}


def __getattr__(name: str) -> Any:
    if name == "IAM_OPERATIONS":  # loaded with the first IAM request (or this look-up)
        return iam_operations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def iam_operations() -> dict[str, Operation]:
    """The IAM subset answered (the README's list), by IAM's operation name."""
    from pytest_stsmock.operations import (
        iam_mfa,
        iam_policies,
        iam_providers,
        iam_roles,
        iam_users,
    )

    return {
        **iam_users.OPERATIONS,
        **iam_roles.OPERATIONS,
        **iam_policies.OPERATIONS,
        **iam_mfa.OPERATIONS,
        **iam_providers.OPERATIONS,
    }


#: Operations of the model that need no signature (AWS accepts them unsigned).
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})

#: STS operations the pipeline runs without the backend's lock (the threads
#: design: the lock covers what changes state).  GetCallerIdentity and
#: GetAccessKeyInfo change nothing; the others take the lock themselves around
#: what they change (the MFA code, the session's draws and registration), last,
#: after every check, so a thread's policy decision never waits for another's.
LOCK_FREE_OPERATIONS = frozenset(
    {
        "GetCallerIdentity",
        "GetAccessKeyInfo",
        "GetSessionToken",
        "GetFederationToken",
        "AssumeRole",
    }
)


def not_implemented(name: str) -> Operation:
    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise msg.not_implemented(name)

    operation.__name__ = f"not_implemented_{name}"
    return operation


def _iam_outside_subset(name: str) -> Operation:
    def operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise msg.iam_not_in_subset(name)

    return operation


def _validation_errors(operation: Operation) -> Operation:
    """An IAM operation whose seeding-API refusals (a rule the model's constraints do
    not carry) answer ValidationError, never a server fault."""

    def run(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return operation(ctx, params)
        except StsMockError as error:
            raise AwsError("ValidationError", str(error)) from None

    run.__name__ = operation.__name__
    return run


@functools.cache
def _iam_wrapped() -> dict[str, Operation]:
    return {name: _validation_errors(op) for name, op in iam_operations().items()}


def lookup(name: str, service: str = "sts") -> Operation:
    """The function for ``name``; an operation of the model we do not build answers 501."""
    if service == "iam":
        return _iam_wrapped().get(name) or _iam_outside_subset(name)
    return OPERATIONS.get(name) or not_implemented(name)
