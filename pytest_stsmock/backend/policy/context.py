"""Who is asking and what they ask for: the input of every policy evaluation.

Design decisions:

* :class:`PrincipalInfo` describes the caller once; its :meth:`identities`
  are the normalized names a Principal element can match: the caller's own
  ARN, the role behind an assumed-role session, the account, the service, or
  the identity provider.  Principal matching is then a set lookup.
* :class:`RequestContext` normalizes its condition keys once at
  construction: names are lower-cased (AWS key names are case-insensitive;
  if two names differ only in case the later one wins), lists become tuples,
  booleans become ``"true"``/``"false"``, numbers become text and ``None``
  means absent.  An empty list is treated as an absent key.
* The request context also carries the principal-derived global keys AWS
  always sets (``aws:PrincipalArn``, ``aws:PrincipalAccount``,
  ``aws:PrincipalType``, ``aws:username``, ``aws:userid``,
  ``aws:PrincipalIsAWSService``, ``aws:PrincipalServiceName``), computed
  from the principal.  Keys passed explicitly win.  For an assumed-role
  session ``aws:PrincipalArn`` is the role ARN, as in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = ["ContextValue", "PrincipalInfo", "PrincipalType", "RequestContext"]

PrincipalType = Literal[
    "Account", "User", "AssumedRole", "FederatedUser", "Service", "WebIdentity", "SAML"
]
_Scalar: TypeAlias = "str | bool | int | float"
#: A condition-key value: text, a list of texts (multi-valued key), a bool
#: (``"true"``/``"false"``), a number, or ``None`` for "absent".
ContextValue: TypeAlias = "_Scalar | Sequence[_Scalar] | None"
_AWS_TYPES = frozenset({"Account", "User", "AssumedRole", "FederatedUser"})


@dataclass(frozen=True, slots=True)
class PrincipalInfo:
    """The caller.

    ``arn`` is the caller's ARN (``arn:aws:iam::<acct>:root`` for the account
    root, the session ARN for an assumed role, the service name or provider
    for service and federated callers).  ``source_role_arn`` is the role ARN
    (with its path) behind an assumed-role session; ``service`` names the
    service principal (``ec2.amazonaws.com``); ``federated_provider`` the
    identity provider (an IAM OIDC/SAML provider ARN or
    ``accounts.google.com``, ``cognito-identity.amazonaws.com``...).
    """

    arn: str
    account_id: str
    type: PrincipalType
    source_role_arn: str | None = None
    service: str | None = None
    federated_provider: str | None = None
    user_id: str | None = None
    canonical_user: str | None = None
    # What identities() and global_keys() computed, kept: the principal of one
    # set of credentials is reused for every request they sign.
    _identities: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)
    _global: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def identities(self) -> frozenset[str]:
        """Normalized names this principal answers to in a Principal element."""
        if self._identities is None:
            object.__setattr__(self, "_identities", self._compute_identities())
        return self._identities  # type: ignore[return-value]

    def global_keys(self) -> dict[str, str]:
        """The ``aws:`` condition keys AWS derives from the principal (lower-cased names)."""
        return dict(self._global_keys())

    def _global_keys(self) -> dict[str, str]:
        if self._global is None:
            object.__setattr__(self, "_global", self._compute_global_keys())
        return self._global  # type: ignore[return-value]

    def _compute_identities(self) -> frozenset[str]:
        out: set[str] = set()
        if self.type in _AWS_TYPES:
            if self.account_id:
                out.add(f"account:{self.account_id}")
            if self.type != "Account":
                out.add(self.arn)
            if self.type == "AssumedRole" and self.source_role_arn:
                out.add(self.source_role_arn)
        elif self.type == "Service":
            out.add(f"service:{(self.service or self.arn).lower()}")
        else:
            out.add(f"federated:{self.federated_provider or self.arn}")
        if self.canonical_user:
            out.add(f"canonical:{self.canonical_user}")
        return frozenset(out)

    def _compute_global_keys(self) -> dict[str, str]:
        keys: dict[str, str] = {
            "aws:principalisawsservice": "true" if self.type == "Service" else "false"
        }
        if self.type in _AWS_TYPES:
            keys["aws:principaltype"] = self.type
            if self.account_id:
                keys["aws:principalaccount"] = self.account_id
            if self.type == "AssumedRole":
                if self.source_role_arn:
                    keys["aws:principalarn"] = self.source_role_arn
            else:
                keys["aws:principalarn"] = self.arn
            if self.type == "User":
                keys["aws:username"] = self.arn.rsplit("/", 1)[-1]
            if self.user_id:
                keys["aws:userid"] = self.user_id
            elif self.type == "Account" and self.account_id:
                keys["aws:userid"] = self.account_id
        elif self.type == "Service":
            keys["aws:principalservicename"] = self.service or self.arn
        return keys


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _normalize(value: object) -> str | tuple[str, ...] | None:
    if type(value) is str:
        return value
    if type(value) is tuple and (not value or all(type(v) is str for v in value)):
        return value
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return tuple(_scalar(v) for v in items if v is not None)
    return _scalar(value)


@dataclass(slots=True)
class RequestContext:
    """One request: action, target resource ARN, caller and condition keys.

    ``keys`` maps condition-key names (any case) to a value or a list of
    values (multi-valued keys such as ``aws:TagKeys``).  Not frozen (a frozen
    dataclass pays an ``object.__setattr__`` per field, and one is made for
    every policy decision); nothing changes a context after it is made.
    """

    action: str
    resource: str
    principal: PrincipalInfo
    keys: Mapping[str, ContextValue] = field(default_factory=dict)
    lookup: Mapping[str, str | tuple[str, ...]] = field(init=False, repr=False, compare=False)
    identities: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        merged: dict[str, str | tuple[str, ...]] = dict(self.principal._global_keys())
        lower = _LOWER.__getitem__
        for name, value in self.keys.items():
            if type(value) is str:  # most values: nothing to normalize
                merged[lower(name)] = value
                continue
            normalized = _normalize(value)
            if normalized is None:
                merged.pop(lower(name), None)
            else:
                merged[lower(name)] = normalized
        self.lookup = merged
        self.identities = self.principal.identities()

    @classmethod
    def of_lookup(
        cls,
        action: str,
        resource: str,
        principal: PrincipalInfo,
        lookup: Mapping[str, str | tuple[str, ...]],
    ) -> RequestContext:
        """A context from keys already in :attr:`lookup`'s form: lower-case names, values
        text or tuples of text (see :func:`normalize_value`), absent keys left out.

        The request path builds its keys this way, so no name is lower-cased
        and no value normalized per request; ``keys`` is then ``lookup`` itself.
        """
        ctx: RequestContext = _new_object(cls)
        ctx.action = action
        ctx.resource = resource
        ctx.principal = principal
        ctx.keys = lookup
        merged = ctx.lookup = dict(principal._global_keys())
        merged.update(lookup)
        ctx.identities = principal.identities()
        return ctx


def normalize_value(value: object) -> str | tuple[str, ...] | None:
    """A condition-key value as :attr:`RequestContext.lookup` holds it (None: absent)."""
    return _normalize(value)


def lookup_name(name: str) -> str:
    """A condition-key name as :attr:`RequestContext.lookup` holds it (lower case)."""
    return _LOWER[name]


_new_object = object.__new__


class _Lowered(dict[object, str]):
    """Condition-key names lower-cased, remembered: a pure function of the name, and
    requests use the same few dozen names again and again (bounded, cleared when full)."""

    def __missing__(self, name: object) -> str:
        lowered = name.lower() if type(name) is str else str(name).lower()
        if len(self) >= _LOWER_MAX:
            self.clear()
        if type(name) is str:  # a str subclass may compare equal yet lower() differently
            self[name] = lowered
        return lowered


_LOWER = _Lowered()
_LOWER_MAX = 4096
