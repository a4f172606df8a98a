"""IAM's rules that the seeding API enforces, as IAM would when you create the same things.

Design decisions:

* **Two access keys per principal.**  IAM answers ``LimitExceeded`` for a
  third; seeding raises StsMockError.
* **A trust policy may only name users and roles that exist.**  IAM refuses
  any other with ``MalformedPolicyDocument: Invalid principal in policy``;
  seeding raises StsMockError naming the principal.  Accounts, ``*``,
  services, identity providers and session ARNs are not looked up (IAM does
  not either).
* **A trust policy trusts the principal, not its name.**  IAM keeps the
  unique ID of every user or role a trust policy names; when that principal
  is deleted, the policy shows the unique ID instead of the ARN, and a new
  principal with the same name is *not* trusted (AWS documents this under
  the Principal element).  :func:`forget_principal` does the same: the
  source shown by ``role.trust_policy`` gets the unique ID, and the compiled
  document names a placeholder ARN that no principal can have.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pytest_stsmock.errors import StsMockError

if TYPE_CHECKING:
    from . import STSBackend
    from .policy.document import PolicyDocument
    from .principals import LongTermPrincipal, Role

MAX_ACCESS_KEYS = 2
#: The path of the placeholder a deleted principal's ARN becomes (never a real path).
_GONE_PATH = "/stsmock-deleted-principal/"


def check_access_key_quota(principal: LongTermPrincipal) -> None:
    if len(principal.access_keys) >= MAX_ACCESS_KEYS:
        raise StsMockError(
            f"{principal.arn} already has {MAX_ACCESS_KEYS} access keys, IAM's limit (IAM "
            "answers LimitExceeded for a third); reuse one of principal.access_keys instead."
        )


def _named_arns(document: PolicyDocument) -> Iterator[str]:
    for statement in document.statements:
        if statement.principal is not None:
            yield from (t for t in statement.principal.tokens if t.startswith("arn:"))


def _exists(backend: STSBackend, arn: str) -> bool | None:
    """True/False for a user or role ARN; None for any other kind (not looked up)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return None
    resource = parts[5]
    if not resource.startswith(("user/", "role/")):
        return None
    account = backend.accounts.get(parts[4])
    if account is None:
        return False
    if resource.startswith("role/"):
        return account.role_by_arn(arn) is not None
    user = account.users.get(resource.rsplit("/", 1)[-1])
    return user is not None and user.arn == arn


def missing_principal(backend: STSBackend, document: PolicyDocument) -> str | None:
    """The first user or role ARN that ``document`` names and that does not exist, or None."""
    return next((a for a in sorted(_named_arns(document)) if _exists(backend, a) is False), None)


def check_trust_principals(backend: STSBackend, document: PolicyDocument, role_arn: str) -> None:
    """StsMockError when the trust policy names a user or role that does not exist.

    A role naming itself is refused at creation (it does not exist yet, as in
    IAM) and accepted by ``update_trust_policy``.
    """
    for arn in sorted(_named_arns(document)):
        if _exists(backend, arn) is False:
            raise StsMockError(
                f"The trust policy of {role_arn} names {arn}, which does not exist; IAM refuses "
                "it (MalformedPolicyDocument: Invalid principal in policy): create that "
                "principal first."
            )


def _replace(value: Any, arn: str, by: str) -> Any:
    if isinstance(value, str):
        return by if value == arn else value
    if isinstance(value, list):
        return [_replace(v, arn, by) for v in value]
    return value


def _rewrite(source: dict[str, Any], arn: str, by: str) -> dict[str, Any]:
    statements = source.get("Statement")
    listed = statements if isinstance(statements, list) else [statements]
    out = []
    for statement in listed:
        if isinstance(statement, dict):
            statement = dict(statement)
            for key in ("Principal", "NotPrincipal"):
                element = statement.get(key)
                if isinstance(element, dict) and "AWS" in element:
                    statement[key] = {**element, "AWS": _replace(element["AWS"], arn, by)}
        out.append(statement)
    return {**source, "Statement": out if isinstance(statements, list) else out[0]}


def forget_principal(backend: STSBackend, arn: str, unique_id: str) -> None:
    """Every trust policy naming ``arn`` now names its (deleted) unique ID, as IAM shows it."""
    from .policy.document import PolicyDocument

    account_id = arn.split(":")[4]
    placeholder = f"arn:aws:iam::{account_id}:user{_GONE_PATH}{unique_id}"
    for account in backend.accounts.values():
        for role in list(account.roles.values()):
            if arn not in set(_named_arns(role.trust_policy_document)):
                continue
            _set_trust(
                role,
                PolicyDocument.parse(
                    _rewrite(role.trust_policy_source, arn, placeholder), kind="trust"
                ),
                _rewrite(role.trust_policy_source, arn, unique_id),
            )


def _set_trust(role: Role, document: PolicyDocument, source: dict[str, Any]) -> None:
    role.trust_policy_document = document
    role.trust_policy_source = source
