"""Encoded authorization messages: what DecodeAuthorizationMessage decodes.

Every AccessDenied the backend produces for a policy decision carries a
:class:`Denial`: the request context the engine evaluated (principal,
action, resource, condition keys) and the Deny statements that decided, if
any.  :class:`AuthorizationMessages` turns a denial into the opaque text AWS
hands out and back into AWS's decoded JSON document.

Design decisions:

* Opaque means opaque.  The text is 24 random bytes and an HMAC-SHA256 tag
  over them, keyed by 32 bytes drawn from ``secrets`` when the backend is
  created (never from the seeded generator, so knowing the seed does not let
  a test mint a message).  The decoded document is kept by the backend; the
  text reveals nothing of it.  A message of another backend, one changed in
  any character, or one made up fails the tag check and is
  ``InvalidAuthorizationMessageException``.  ``reset()`` forgets every message.
* The document is AWS's shape, compact JSON with real booleans:
  ``allowed``, ``explicitDeny``, ``matchedStatements{items}``,
  ``failures{items}`` and ``context{principal{id, arn}, action, resource,
  conditions{items[{key, values{items[{value}]}}]}}``.  Each matched
  statement lists its Sid, effect, principals, actions, resources and
  conditions as written in its policy.  Condition keys are the ones the
  engine evaluated, with the names in lower case as the engine keeps them,
  sorted.
* Messages are made when a denied call is recorded, so
  ``Call.encoded_authorization_message`` is ready to hand to
  DecodeAuthorizationMessage, exactly as a real denial's message would be.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_stsmock.backend.secret_key import SecretKey

from .policy.document import Statement

__all__ = ["AuthorizationMessages", "Denial", "document", "implicit_denial"]

_ID_BYTES = 24
_TAG_BYTES = 32


@dataclass(frozen=True)
class Denial:
    """One refused authorization decision, as the engine made it."""

    principal_id: str | None
    principal_arn: str
    action: str
    resource: str
    explicit_deny: bool
    #: The statements that explicitly denied (empty for an implicit deny).
    statements: tuple[Statement, ...] = ()
    #: Condition keys of the request: lower-cased name -> value(s).
    conditions: Mapping[str, str | tuple[str, ...]] | None = None


def implicit_denial(
    principal_id: str | None, principal_arn: str, action: str, resource: str
) -> Denial:
    """A refusal no statement decided (a missing resource, an organization rule)."""
    return Denial(principal_id, principal_arn, action, resource, explicit_deny=False)


def _items(values: Any) -> dict[str, list[dict[str, str]]]:
    return {"items": [{"value": str(v)} for v in values]}


def _statement(stmt: Statement) -> dict[str, Any]:
    principals: list[str] = []
    if stmt.principal is not None:
        principals = ["*"] if stmt.principal.wildcard else sorted(stmt.principal.tokens)
    resources = [r.template.raw for r in stmt.resources or ()]
    conditions = [
        {
            "key": test.key,
            "operator": test.operator,
            "values": _items(test.raw_values),
        }
        for test in stmt.conditions
    ]
    return {
        "statementId": stmt.sid or f"Statement[{stmt.index}]",
        "effect": stmt.effect.upper(),
        "principals": _items(principals),
        "principalGroups": {"items": []},
        "actions": _items(stmt.actions.patterns),
        "resources": _items(resources),
        "conditions": {"items": conditions},
    }


def document(denial: Denial) -> dict[str, Any]:
    """The decoded message of ``denial``, as a dict (AWS's field names)."""
    conditions = []
    for key, value in sorted((denial.conditions or {}).items()):
        values = value if isinstance(value, tuple) else (value,)
        conditions.append({"key": key, "values": _items(values)})
    principal: dict[str, str] = {"arn": denial.principal_arn}
    if denial.principal_id:
        principal = {"id": denial.principal_id, "arn": denial.principal_arn}
    return {
        "allowed": False,
        "explicitDeny": denial.explicit_deny,
        "matchedStatements": {"items": [_statement(s) for s in denial.statements]},
        "failures": {"items": []},
        "context": {
            "principal": principal,
            "action": denial.action,
            "resource": denial.resource,
            "conditions": {"items": conditions},
        },
    }


class AuthorizationMessages:
    """Mints and redeems the opaque messages of one backend."""

    def __init__(self) -> None:
        self._secret = SecretKey()
        self._documents: dict[bytes, str] = {}

    def _tag(self, ident: bytes) -> bytes:
        return self._secret.tag(ident)

    def encode(self, denial: Denial) -> str:
        """A new opaque message that decodes to ``denial``'s document."""
        ident = secrets.token_bytes(_ID_BYTES)
        text = json.dumps(document(denial), separators=(",", ":"))
        self._documents[ident] = text
        return base64.urlsafe_b64encode(ident + self._tag(ident)).decode("ascii")

    def decode(self, message: str) -> str | None:
        """The decoded JSON text of a message this backend minted, else None."""
        try:
            raw = base64.urlsafe_b64decode(message.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return None
        if len(raw) != _ID_BYTES + _TAG_BYTES:
            return None
        if base64.urlsafe_b64encode(raw).decode("ascii") != message:
            return None  # not the canonical text we handed out
        ident, tag = raw[:_ID_BYTES], raw[_ID_BYTES:]
        if not hmac.compare_digest(tag, self._tag(ident)):
            return None
        return self._documents.get(ident)
