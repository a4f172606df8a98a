"""The IAM policy grammar: parse, validate and compile a policy document once.

Design decisions:

* :meth:`PolicyDocument.parse` is the only way in.  It validates the whole
  grammar for the given kind (identity, trust, session, boundary, resource)
  and compiles every pattern and condition, so evaluation does no parsing.
  The result is immutable; ``text`` keeps the document as given (or as
  compact JSON when a mapping was given).
* Every rejection is a :class:`PolicyError` whose ``reason`` names the
  element (``Statement[1].Action``) and the fix, and whose ``aws_message`` is
  AWS's ``MalformedPolicyDocument`` text: the specific IAM sentence where one
  is known (see ``_errors``), ``Syntax errors in policy.`` otherwise.  Session
  policies (STS) and resource policies (other services) get the generic
  sentence, except "Missing required field Principal", which services share.
* JSON text is read strictly: ``NaN``/``Infinity`` and duplicate object keys
  are rejected (the first as invalid JSON, the second as a syntax error).
* Policy variables are live only in ``"Version": "2012-10-17"`` documents;
  with ``2008-10-17`` or no Version, ``${...}`` is literal text, as in AWS.
* Sids must be unique and, in IAM documents (identity, boundary, trust),
  alphanumeric.  An empty Sid counts as no Sid.
* Trust policies: Principal required, NotPrincipal refused (AWS does not
  support it in role trust policies), Resource/NotResource refused, and every
  Action must be able to match an assume-role action; NotAction is refused.
  Resource policies: Principal or NotPrincipal required, NotPrincipal only
  with Deny (AWS does not support it with Allow).
* Unknown condition operators are rejected; ``lenient_operators=True`` keeps
  them instead (for documents written for operators this engine does not
  know yet), and they evaluate as "cannot evaluate" (fail closed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pytest_stsmock.errors import StsMockError

from . import _errors as m
from ._errors import PolicyError
from ._patterns import ActionMatcher, ArnMatcher
from ._principals import PrincipalSet, parse_principal
from .conditions import ConditionTest, compile_conditions

__all__ = ["TRUST_ACTIONS", "PolicyDocument", "PolicyError", "PolicyKind", "Statement"]

PolicyKind = Literal["identity", "trust", "session", "boundary", "resource"]
_KINDS: tuple[str, ...] = get_args(PolicyKind)
_IAM_KINDS = frozenset({"identity", "boundary", "trust"})
_VERSIONS = ("2012-10-17", "2008-10-17")
_TOP = ("Version", "Id", "Statement")
_ELEMENTS = (
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
    "Resource", "NotResource", "Condition",
)  # fmt: skip
_ACTION = re.compile(r"\*|[A-Za-z0-9_-]+:[A-Za-z0-9_*?.-]+")
_SID = re.compile(r"[0-9A-Za-z]*")
TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement; ``index`` is its position in the document."""

    index: int
    sid: str | None
    effect: Literal["Allow", "Deny"]
    actions: ActionMatcher
    not_action: bool
    resources: tuple[ArnMatcher, ...] | None
    not_resource: bool
    principal: PrincipalSet | None
    not_principal: bool
    conditions: tuple[ConditionTest, ...]

    @property
    def label(self) -> str:
        """``statement "Sid" (Statement[1])`` or ``Statement[1]``."""
        where = f"Statement[{self.index}]"
        return f'statement "{self.sid}" ({where})' if self.sid else where


class _Dupes(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Dupes(key)
        out[key] = value
    return out


def _bad_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _load(text: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_bad_constant)
    except _Dupes as exc:
        raise PolicyError(
            f'The policy JSON repeats the key "{exc.key}" in one object; give each key once.'
        ) from None
    except (ValueError, RecursionError) as exc:
        raise PolicyError(
            f"The policy is not valid JSON ({exc}); check quotes, commas and brackets.",
            m.MSG_INVALID_JSON,
        ) from None


def _plain(value: object) -> object:
    """Mappings of any type as dicts, so a validated document serializes."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _strings(raw: object, where: str, empty_message: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise PolicyError(f"{where} is an empty list; give at least one value.", empty_message)
    for item in items:
        if not isinstance(item, str):
            raise PolicyError(
                f"{where} must be a string or a list of strings, not {type(item).__name__}."
            )
    return [str(i) for i in items]


class _Parser:
    def __init__(self, kind: PolicyKind, variables: bool, lenient: bool) -> None:
        self.kind, self.variables, self.lenient = kind, variables, lenient
        self.iam = kind in _IAM_KINDS

    def msg(self, specific: str) -> str:
        """IAM's specific text for IAM documents; the generic one for STS and services."""
        return specific if self.iam else m.MSG_SYNTAX

    def statement(self, index: int, raw: object, sids: set[str]) -> Statement:
        where = f"Statement[{index}]"
        if not isinstance(raw, Mapping):
            raise PolicyError(f"{where} must be an object, not {type(raw).__name__}.")
        for name in raw:
            if name not in _ELEMENTS:
                raise PolicyError(
                    f'{where} has unknown element "{name}"; statement elements are '
                    f"{', '.join(_ELEMENTS)} (case-sensitive)."
                )
        sid = self.sid(raw.get("Sid"), where, sids)
        raw_effect = raw.get("Effect")
        if raw_effect not in ("Allow", "Deny"):
            raise PolicyError(f'{where}.Effect must be "Allow" or "Deny", not {raw_effect!r}.')
        effect: Literal["Allow", "Deny"] = "Allow" if raw_effect == "Allow" else "Deny"
        actions, not_action = self.actions(raw, where)
        principal, not_principal = self.principal(raw, where, effect)
        resources, not_resource = self.resources(raw, where)
        conditions: tuple[ConditionTest, ...] = ()
        if "Condition" in raw:
            conditions = compile_conditions(
                raw["Condition"],
                where=f"{where}.Condition",
                variables=self.variables,
                lenient=self.lenient,
                prefix_message=m.MSG_VENDOR_PREFIX if self.iam else m.MSG_SYNTAX,
            )
        return Statement(
            index=index,
            sid=sid,
            effect=effect,
            actions=actions,
            not_action=not_action,
            resources=resources,
            not_resource=not_resource,
            principal=principal,
            not_principal=not_principal,
            conditions=conditions,
        )

    def sid(self, sid: object, where: str, sids: set[str]) -> str | None:
        if sid is None:
            return None
        if not isinstance(sid, str):
            raise PolicyError(f"{where}.Sid must be a string, not {type(sid).__name__}.")
        if self.iam and _SID.fullmatch(sid) is None:
            raise PolicyError(
                f'{where}.Sid "{sid}" may contain only letters and digits in IAM policies.',
                m.MSG_SID_ALNUM,
            )
        if sid in sids:
            raise PolicyError(
                f'Sid "{sid}" is used by two statements; Sids must be unique in a policy.',
                self.msg(m.MSG_DUPLICATE_SID),
            )
        if sid:
            sids.add(sid)
        return sid or None

    def actions(self, raw: Mapping[str, object], where: str) -> tuple[ActionMatcher, bool]:
        has, has_not = "Action" in raw, "NotAction" in raw
        if has == has_not:
            text = "both Action and NotAction" if has else "neither Action nor NotAction"
            raise PolicyError(
                f"{where} has {text}; give exactly one of them.",
                m.MSG_SYNTAX if has else self.msg(m.MSG_MISSING_ACTIONS),
            )
        name = "Action" if has else "NotAction"
        values = _strings(raw[name], f"{where}.{name}", self.msg(m.MSG_MISSING_ACTIONS))
        for action in values:
            if _ACTION.fullmatch(action) is None:
                raise PolicyError(
                    f'{where}.{name} "{action}" is not "*" or "service:Action" '
                    '(for example "sts:AssumeRole").',
                    m.MSG_VENDOR_PREFIX if self.iam else m.MSG_SYNTAX,
                )
        if self.kind == "trust":
            self.trust_actions(values, where, has_not)
        return ActionMatcher(values), has_not

    def trust_actions(self, values: list[str], where: str, negated: bool) -> None:
        if negated:
            raise PolicyError(
                f"{where} uses NotAction; trust policies must list their sts: assume-role "
                "actions in Action.",
                m.MSG_TRUST_ACTIONS,
            )
        for action in values:
            if not any(ActionMatcher([action]).match(a) for a in TRUST_ACTIONS):
                raise PolicyError(
                    f'{where}.Action "{action}" is not an assume-role action; trust policies '
                    f"may only use {', '.join(TRUST_ACTIONS)} (or wildcards matching them).",
                    m.MSG_TRUST_ACTIONS,
                )

    def principal(
        self, raw: Mapping[str, object], where: str, effect: str
    ) -> tuple[PrincipalSet | None, bool]:
        has, has_not = "Principal" in raw, "NotPrincipal" in raw
        if self.kind in ("identity", "session", "boundary"):
            if has or has_not:
                field = "Principal" if has else "NotPrincipal"
                raise PolicyError(
                    f"{where} has {field}, but {self.kind} policies apply to the identity "
                    f"they are attached to; remove {field}.",
                    self.msg(m.MSG_PROHIBITED_FIELD.format(field=field)),
                )
            return None, False
        if has and has_not:
            raise PolicyError(f"{where} has both Principal and NotPrincipal; give one.")
        if not (has or has_not):
            raise PolicyError(
                f"{where} has no Principal; {self.kind} policies must say who they apply to, "
                'for example "Principal": {"AWS": "arn:aws:iam::123456789012:root"}.',
                m.MSG_MISSING_PRINCIPAL,
            )
        if has_not and self.kind == "trust":
            raise PolicyError(
                f"{where} uses NotPrincipal, which role trust policies do not support; "
                "use Principal with a condition on aws:PrincipalArn instead.",
                m.MSG_PROHIBITED_FIELD.format(field="NotPrincipal"),
            )
        if has_not and effect == "Allow":
            raise PolicyError(
                f'{where} uses NotPrincipal with "Allow"; AWS supports NotPrincipal only '
                'with "Deny".'
            )
        name = "Principal" if has else "NotPrincipal"
        return parse_principal(raw[name], where=f"{where}.{name}"), has_not

    def resources(
        self, raw: Mapping[str, object], where: str
    ) -> tuple[tuple[ArnMatcher, ...] | None, bool]:
        has, has_not = "Resource" in raw, "NotResource" in raw
        if self.kind == "trust":
            if has or has_not:
                field = "Resource" if has else "NotResource"
                raise PolicyError(
                    f"{where} has {field}; a trust policy's resource is always its role, "
                    f"so remove {field}.",
                    m.MSG_PROHIBITED_FIELD.format(field=field),
                )
            return None, False
        if has == has_not:
            text = "both Resource and NotResource" if has else "neither Resource nor NotResource"
            raise PolicyError(
                f'{where} has {text}; give exactly one (use "Resource": "*" for all).',
                m.MSG_SYNTAX if has else self.msg(m.MSG_MISSING_RESOURCES),
            )
        name = "Resource" if has else "NotResource"
        values = _strings(raw[name], f"{where}.{name}", self.msg(m.MSG_MISSING_RESOURCES))
        for value in values:
            if value != "*" and not (value.startswith("arn:") and value.count(":") >= 5):
                raise PolicyError(
                    f'{where}.{name} "{value}" must be "*" or an ARN '
                    '("arn:partition:service:region:account:resource").',
                    m.MSG_RESOURCE_ARN.format(resource=value)
                    if self.kind in ("identity", "boundary")
                    else m.MSG_SYNTAX,
                )
        return tuple(ArnMatcher(v, variables=self.variables) for v in values), has_not


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A validated, compiled policy document."""

    kind: PolicyKind
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    text: str
    _everything: bool | None = field(default=None, init=False, repr=False, compare=False)
    _simple: bool | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only in version 2012-10-17 documents."""
        return self.version == "2012-10-17"

    @property
    def allows_everything(self) -> bool:
        """True when this document allows every request: no Deny, and an Allow of
        ``"Action": "*"`` on ``"Resource": "*"`` without Principal or conditions.

        Evaluation may then skip the statements (AdministratorAccess, the
        default user's policy); the reasons are still written the long way.
        """
        if self._everything is None:
            object.__setattr__(self, "_everything", self._allows_everything())
        return bool(self._everything)

    @property
    def has_deny(self) -> bool:
        """True when some statement is a Deny."""
        return any(st.effect == "Deny" for st in self.statements)

    @property
    def simple(self) -> bool:
        """True when every statement is an Allow of Action on Resource, with no
        conditions, no Not* element, no Principal and no policy variable: such a
        document allows a request exactly when one statement's action and resource
        match it, which evaluation can test without writing outcomes.
        """
        if self._simple is None:
            object.__setattr__(
                self,
                "_simple",
                all(
                    st.effect == "Allow"
                    and not st.not_action
                    and st.resources is not None
                    and not st.not_resource
                    and st.principal is None
                    and not st.conditions
                    and not any(r.template.has_variables for r in st.resources)
                    for st in self.statements
                ),
            )
        return bool(self._simple)

    def _allows_everything(self) -> bool:
        if any(s.effect == "Deny" for s in self.statements):
            return False
        return any(
            not s.not_action
            and "*" in s.actions.patterns
            and s.resources is not None
            and not s.not_resource
            and any(r.template.raw == "*" for r in s.resources)
            and s.principal is None
            and not s.conditions
            for s in self.statements
        )

    @classmethod
    def parse(
        cls,
        doc: Mapping[str, Any] | str,
        *,
        kind: PolicyKind,
        lenient_operators: bool = False,
    ) -> PolicyDocument:
        """Validate and compile ``doc`` (JSON text or a mapping) as a ``kind`` policy."""
        if kind not in _KINDS:
            raise StsMockError(f"kind must be one of {', '.join(_KINDS)}, not {kind!r}.")
        if isinstance(doc, str):
            text = doc
            data = _load(doc)
        else:
            data, text = doc, ""
        if not isinstance(data, Mapping):
            raise PolicyError(
                f"A policy must be a JSON object with Version and Statement, "
                f"not {type(data).__name__}."
            )
        for name in data:
            if name not in _TOP:
                raise PolicyError(
                    f'The policy has unknown top-level element "{name}"; use only Version, '
                    "Id and Statement (case-sensitive)."
                )
        version = data.get("Version")
        if version is not None and version not in _VERSIONS:
            raise PolicyError(f'Version must be "2012-10-17" or "2008-10-17", not {version!r}.')
        pid = data.get("Id")
        if pid is not None and not isinstance(pid, str):
            raise PolicyError(f"Id must be a string, not {type(pid).__name__}.")
        if "Statement" not in data:
            raise PolicyError("The policy has no Statement; add at least one statement.")
        raw = data["Statement"]
        raws = raw if isinstance(raw, list) else [raw]
        if not raws:
            raise PolicyError("Statement is an empty list; add at least one statement.")
        parser = _Parser(kind, version == "2012-10-17", lenient_operators)
        sids: set[str] = set()
        statements = tuple(parser.statement(i, s, sids) for i, s in enumerate(raws))
        if not text:
            text = json.dumps(_plain(data), separators=(",", ":"), default=str)
        return cls(kind, version, pid, statements, text)
