"""The Principal / NotPrincipal element: validated at parse time, matched as sets.

Design decisions:

* Each principal value is normalized once into a token comparable with
  :meth:`PrincipalInfo.identities`: a bare account id and
  ``arn:<partition>:iam::<acct>:root`` both become ``account:<acct>``;
  user, role, assumed-role and federated-user ARNs stay ARNs; services become
  ``service:<name>`` (lower-cased), identity providers ``federated:<name>``,
  canonical users ``canonical:<id>``.  Matching is then a set lookup.
* ``"*"`` and ``{"AWS": "*"}`` are the same wildcard (as AWS documents) and
  match every caller.
* A role ARN matches the role's own sessions, because an assumed-role caller
  answers to its session ARN *and* its role ARN.  An account token matches
  every IAM identity of that account; the match is then reported as
  ``"account"`` (the account delegated the decision to its identity
  policies), any other match as ``"explicit"``.  The partition of a root ARN
  is not compared with the caller's.
* NotPrincipal excludes a caller only when *every* identity of the caller is
  listed (AWS's documented behaviour: exempting a role session needs the
  session ARN, the role ARN and the account).
* AWS principals are checked for shape: wildcards inside ARNs, groups,
  malformed account ids and other ARNs are rejected with IAM's
  ``Invalid principal in policy`` text.  Whether the principal exists is the
  caller's business.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ._errors import MSG_INVALID_PRINCIPAL, PolicyError

__all__ = ["PrincipalMatch", "PrincipalSet", "parse_principal"]

#: How a caller matched: ``"session"`` (the policy names the caller's own
#: session ARN: an assumed-role or federated-user session), ``"explicit"``
#: (named, through its role, or ``"*"``), or ``"account"`` (only its account).
PrincipalMatch = Literal["session", "explicit", "account"]

_ACCOUNT = re.compile(r"\d{12}")
_AWS_ARN = re.compile(
    r"arn:(aws[a-z-]*):(?:"
    r"iam::(\d{12}):(?:(root)|(?:user|role)/[\w+=,.@/-]*[\w+=,.@-])"
    r"|sts::(\d{12}):(?:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+|federated-user/[\w+=,.@-]+)"
    r")"
)
_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


@dataclass(frozen=True, slots=True)
class PrincipalSet:
    """A compiled Principal or NotPrincipal element."""

    wildcard: bool
    tokens: frozenset[str]
    display: str
    #: The tokens that name a principal itself, not only its account.
    explicit: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        explicit = frozenset(t for t in self.tokens if not t.startswith("account:"))
        object.__setattr__(self, "explicit", explicit)

    def matches(
        self, identities: frozenset[str], session_arn: str | None = None
    ) -> PrincipalMatch | None:
        """How the caller matches this Principal element, if at all.

        ``session_arn`` is the caller's ARN when the caller is a session.
        """
        if session_arn is not None and session_arn in self.explicit:
            return "session"
        if self.wildcard or not self.explicit.isdisjoint(identities):
            return "explicit"
        if self.tokens.isdisjoint(identities):
            return None
        return "account"

    def excludes(self, identities: frozenset[str]) -> bool:
        """True if a NotPrincipal element exempts the caller (all identities listed)."""
        return self.wildcard or (bool(identities) and identities <= self.tokens)


def _aws_token(value: str, where: str) -> str | None:
    if value == "*":
        return None
    if _ACCOUNT.fullmatch(value):
        return f"account:{value}"
    m = _AWS_ARN.fullmatch(value)
    if m is None:
        raise PolicyError(
            f'{where} has AWS principal "{value}", which is not "*", a 12-digit account id, '
            "or the ARN of an account root, IAM user, IAM role, assumed-role session or "
            "federated user (wildcards are not allowed inside principal ARNs; use a "
            "condition on aws:PrincipalArn instead).",
            MSG_INVALID_PRINCIPAL.format(type="AWS", value=value),
        )
    if m.group(3):
        return f"account:{m.group(2)}"
    return value


def _values(raw: object, where: str, kind: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise PolicyError(f'{where} has an empty "{kind}" list; name at least one principal.')
    for item in items:
        if not isinstance(item, str) or not item or item != item.strip():
            raise PolicyError(
                f'{where} "{kind}" values must be non-empty strings without surrounding '
                f"spaces, not {json.dumps(item, default=repr)}."
            )
    return [str(item) for item in items]


def parse_principal(raw: object, *, where: str) -> PrincipalSet:
    """Validate and compile a Principal/NotPrincipal value."""
    display = json.dumps(raw, default=repr, sort_keys=True)
    if raw == "*":
        return PrincipalSet(True, frozenset(), display)
    if not isinstance(raw, Mapping) or not raw:
        raise PolicyError(
            f'{where} must be "*" or an object such as {{"AWS": "arn:aws:iam::123456789012:root"}}'
            f" with keys among {', '.join(_TYPES)}; got {display}."
        )
    tokens: set[str] = set()
    wildcard = False
    for kind, value in raw.items():
        if kind not in _TYPES:
            raise PolicyError(
                f'{where} has principal type "{kind}"; use one of {", ".join(_TYPES)} '
                "(case-sensitive)."
            )
        for item in _values(value, where, kind):
            if kind == "AWS":
                token = _aws_token(item, where)
                if token is None:
                    wildcard = True
                else:
                    tokens.add(token)
                continue
            if "*" in item or any(ch.isspace() for ch in item):
                raise PolicyError(
                    f'{where} has {kind} principal "{item}"; wildcards and spaces are not '
                    f"allowed there.",
                    MSG_INVALID_PRINCIPAL.format(type=kind.upper(), value=item),
                )
            if kind == "Service":
                tokens.add(f"service:{item.lower()}")
            elif kind == "Federated":
                tokens.add(f"federated:{item}")
            else:
                tokens.add(f"canonical:{item}")
    return PrincipalSet(wildcard, frozenset(tokens), display)
