"""Policy evaluation: one statement matcher for every policy kind, with reasons.

Design decisions:

* One function decides whether a statement applies to a request: action
  (Action/NotAction, case-insensitive globs), principal (resource and trust
  policies only), resource (Resource/NotResource, case-sensitive ARN globs
  with policy variables) and conditions.  Its answer is three-valued; the
  ``None`` of an unevaluable condition makes an Allow statement not apply and
  a Deny statement apply, so a broken condition never grants access.
* A Resource entry whose policy variable has no value does not match; in
  NotResource it makes the statement not apply (AWS: an unresolvable variable
  makes the statement invalid).
* :func:`evaluate` combines identity-based policies the AWS way: an explicit
  Deny in any policy wins; otherwise every *kind* of policy present
  (identity, permissions boundary, session) must have an Allow, so passing a
  boundary or session policy intersects it with the identity policies.  With
  only identity policies this is "Deny beats Allow beats implicit deny".
* :func:`evaluate_resource_policy` answers for trust and resource policies
  and reports how the caller matched the Principal of the Allow that
  decided: ``"explicit"`` (named, a role naming its sessions, or ``"*"``) or
  ``"account"`` (only the account was named, so the caller's identity
  policies must also allow; the caller combines the two decisions).  When
  several Allows apply, an explicit match wins.  NotPrincipal appears only in
  Deny statements (the grammar refuses it with Allow), so it never produces
  a match kind.
* Reasons are plain sentences naming the policy label given by the caller,
  the statement (Sid and index), and the condition operator, key and actual
  value that decided.  Strings for statements that did not decide are built
  only when the outcome is an implicit deny.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from pytest_stsmock.errors import StsMockError

from ._principals import PrincipalMatch
from .conditions import ConditionTest, Outcome, Tri, describe_conditions, evaluate_conditions
from .context import PrincipalInfo, PrincipalType, RequestContext
from .document import PolicyDocument, Statement

__all__ = [
    "Decision",
    "DecisionEffect",
    "LabeledPolicy",
    "PrincipalInfo",
    "PrincipalType",
    "RequestContext",
    "ResourceDecision",
    "evaluate",
    "evaluate_resource_policy",
]

DecisionEffect = Literal["Allow", "ExplicitDeny", "ImplicitDeny"]
_IDENTITY_KINDS = ("identity", "boundary", "session")
_SESSION_TYPES = frozenset({"AssumedRole", "FederatedUser"})
_MATCH_RANK = {None: 0, "account": 1, "explicit": 2, "session": 3}


@dataclass(frozen=True, slots=True)
class LabeledPolicy:
    """A parsed policy and the words that name it in reasons (``identity policy "Ops"``)."""

    label: str
    document: PolicyDocument


Reasons = tuple[str, ...] | Callable[[], tuple[str, ...]]


def _resolve(owner: Decision, reasons: Reasons) -> tuple[str, ...]:
    if callable(reasons):
        reasons = reasons()
        owner._reasons = reasons
    return reasons


@dataclass(slots=True)
class Decision:
    """The outcome for a set of identity-based policies, with reasons.

    ``reasons`` may be given as a function: an Allow's sentences are only
    written if someone reads them (allowed requests are the hot path).
    Not frozen, like :class:`RequestContext`: one is made for every policy
    decision, and nothing changes it after it is made (except the reasons,
    written once when first read).
    """

    effect: DecisionEffect
    _reasons: Reasons
    #: The Deny statements that decided an ExplicitDeny (DecodeAuthorizationMessage lists them).
    statements: tuple[Statement, ...] = field(default=(), kw_only=True)

    @property
    def allowed(self) -> bool:
        return self.effect == "Allow"

    @property
    def reasons(self) -> tuple[str, ...]:
        return _resolve(self, self._reasons)


@dataclass(slots=True)
class ResourceDecision(Decision):
    """The outcome of a trust or resource policy, and how the principal matched."""

    principal_match: PrincipalMatch | None


class _Outcome(NamedTuple):
    applies: Tri
    #: Why the statement does not apply: the text, or a ``str.format`` template and its
    #: values, written out only when an explanation is read (the misses of a trust
    #: policy's other statements are the hot path's common case).
    why: str | tuple[str, ...]
    match: PrincipalMatch | None = None
    conditions: list[tuple[ConditionTest, Outcome]] | None = None

    def explain(self) -> str:
        if self.conditions is not None:
            return describe_conditions(self.conditions)
        why = self.why
        if isinstance(why, tuple):
            return why[0].format(*why[1:])
        return why


#: The templates of the commonest misses, by NotAction (True) or Action (False).
_ACTION_MISS = {True: "its NotAction excludes {}", False: "its Action does not include {}"}
_PRINCIPAL_MISS = "its Principal {} does not match {}"


_new = tuple.__new__  # a NamedTuple without its Python-level __new__: the hot path


def _check(stmt: Statement, ctx: RequestContext) -> _Outcome:
    """Does ``stmt`` apply to ``ctx``?  ``None`` means a condition cannot be evaluated."""
    hit = stmt.actions.match(ctx.action)
    if hit == stmt.not_action:
        return _new(_Outcome, (False, (_ACTION_MISS[stmt.not_action], ctx.action), None, None))
    match: PrincipalMatch | None = None
    if stmt.principal is not None:
        if stmt.not_principal:
            if stmt.principal.excludes(ctx.identities):
                return _Outcome(False, f"its NotPrincipal exempts {ctx.principal.arn}")
            match = "account"
        else:
            session = ctx.principal.arn if ctx.principal.type in _SESSION_TYPES else None
            match = stmt.principal.matches(ctx.identities, session)
            if match is None:
                why = (_PRINCIPAL_MISS, stmt.principal.display, ctx.principal.arn)
                return _new(_Outcome, (False, why, None, None))
    if stmt.resources is not None:
        results = [r.match(ctx.resource, ctx.lookup) for r in stmt.resources]
        if stmt.not_resource:
            if any(results):
                return _Outcome(False, f"its NotResource covers {ctx.resource}")
            if None in results:
                return _Outcome(False, "its NotResource has a policy variable with no value")
        elif not any(results):
            return _Outcome(False, f"its Resource does not match {ctx.resource}")
    if not stmt.conditions:
        return _new(_Outcome, (True, "", match, None))
    result, outcomes = evaluate_conditions(stmt.conditions, ctx.lookup)
    return _new(_Outcome, (result, "", match, outcomes))


def _applies(stmt: Statement, outcome: _Outcome) -> bool:
    if stmt.effect == "Deny":
        return outcome.applies is not False
    return outcome.applies is True


def _decided(label: str, stmt: Statement, outcome: _Outcome, ctx: RequestContext) -> str:
    verb = "allows" if stmt.effect == "Allow" else "explicitly denies"
    text = f"{stmt.label} in {label} {verb} {ctx.action} on {ctx.resource}"
    if stmt.not_principal:
        text += f" (its NotPrincipal does not exempt {ctx.principal.arn})"
    if outcome.conditions:
        text += f" (conditions: {outcome.explain()})"
    if outcome.applies is None:
        text += "; a condition that cannot be evaluated makes a Deny apply (fail closed)"
    return text


def _missed(label: str, stmt: Statement, outcome: _Outcome) -> str:
    what = outcome.explain()
    if outcome.conditions is not None:
        what = f"condition {what}"
    return f"{stmt.label} in {label} does not apply: {what}"


def _no_allow(label: str, ctx: RequestContext) -> str:
    return f"no statement in {label} allows {ctx.action} on {ctx.resource}"


def evaluate(policies: Sequence[LabeledPolicy], ctx: RequestContext) -> Decision:
    """Decide a request against identity, permissions-boundary and session policies."""
    if policies and _simple_allow(policies, ctx):
        return Decision("Allow", lambda: _evaluate(policies, ctx).reasons)
    return _evaluate(policies, ctx)


def _simple_allow(policies: Sequence[LabeledPolicy], ctx: RequestContext) -> bool:
    """True when every policy is :attr:`PolicyDocument.simple` and every kind given has
    a statement matching the action and resource: then the answer is Allow, and
    only its reasons (written if read) need the full walk."""
    allowed: dict[str, bool] = {}
    for policy in policies:
        doc = policy.document
        if not doc.simple or doc.kind not in _IDENTITY_KINDS:
            return False
        if allowed.get(doc.kind):
            continue
        allowed[doc.kind] = any(
            st.actions.match(ctx.action)
            and any(r.match(ctx.resource, ctx.lookup) for r in st.resources or ())
            for st in doc.statements
        )
    return all(allowed.values())


def _evaluate(policies: Sequence[LabeledPolicy], ctx: RequestContext) -> Decision:
    denies: list[str] = []
    denied_by: list[Statement] = []
    allowed_kinds: dict[str, list[tuple[str, Statement, _Outcome]]] = {}
    misses: list[tuple[str, LabeledPolicy, Statement, _Outcome]] = []
    for policy in policies:
        kind = policy.document.kind
        if kind not in _IDENTITY_KINDS:
            raise StsMockError(
                f"{policy.label} is a {kind} policy; evaluate it with "
                "evaluate_resource_policy(), not evaluate()."
            )
        allowed_kinds.setdefault(kind, [])
        for stmt in policy.document.statements:
            outcome = _check(stmt, ctx)
            if not _applies(stmt, outcome):
                misses.append((kind, policy, stmt, outcome))
            elif stmt.effect == "Deny":
                denies.append(_decided(policy.label, stmt, outcome, ctx))
                denied_by.append(stmt)
            else:
                allowed_kinds[kind].append((policy.label, stmt, outcome))
    if denies:
        return Decision("ExplicitDeny", tuple(denies), statements=tuple(denied_by))
    if not policies:
        return Decision(
            "ImplicitDeny",
            (f"no policy was given, so nothing allows {ctx.action} on {ctx.resource}",),
        )
    lacking = [k for k, reasons in allowed_kinds.items() if not reasons]
    if not lacking:
        decided = [d for k in _IDENTITY_KINDS for d in allowed_kinds.get(k, [])]
        return Decision("Allow", lambda: tuple(_decided(*d, ctx) for d in decided))
    reasons = [_no_allow(p.label, ctx) for p in policies if p.document.kind in lacking]
    reasons += [_missed(p.label, s, o) for k, p, s, o in misses if k in lacking]
    for other in _IDENTITY_KINDS:
        if other not in lacking and allowed_kinds.get(other):
            reasons.append(
                f"the {other} policies allow it, but every kind of policy given must allow it"
            )
    return Decision("ImplicitDeny", tuple(reasons))


def evaluate_resource_policy(
    policy: LabeledPolicy | PolicyDocument, ctx: RequestContext
) -> ResourceDecision:
    """Decide a request against one trust or resource policy."""
    if isinstance(policy, PolicyDocument):
        policy = LabeledPolicy(f"the {policy.kind} policy", policy)
    doc = policy.document
    if doc.kind not in ("trust", "resource"):
        raise StsMockError(
            f"{policy.label} is a {doc.kind} policy; evaluate it with evaluate(), "
            "not evaluate_resource_policy()."
        )
    denies: list[str] = []
    denied_by: list[Statement] = []
    allows: list[tuple[Statement, _Outcome]] = []
    best: PrincipalMatch | None = None
    misses: list[tuple[Statement, _Outcome]] = []
    for stmt in doc.statements:
        outcome = _check(stmt, ctx)
        applies = outcome[0]
        if not (applies is not False if stmt.effect == "Deny" else applies is True):
            misses.append((stmt, outcome))
        elif stmt.effect == "Deny":
            denies.append(_decided(policy.label, stmt, outcome, ctx))
            denied_by.append(stmt)
        else:
            allows.append((stmt, outcome))
            if _MATCH_RANK[outcome.match] > _MATCH_RANK[best]:
                best = outcome.match
    if denies:
        return ResourceDecision("ExplicitDeny", tuple(denies), None, statements=tuple(denied_by))
    if allows:
        label = policy.label

        def allow_reasons() -> tuple[str, ...]:
            reasons = [_decided(label, stmt, outcome, ctx) for stmt, outcome in allows]
            if best == "account":
                reasons.append(
                    f"the principal matched only through its account {ctx.principal.account_id}, "
                    f"so the caller's identity-based policies must also allow {ctx.action}"
                )
            elif best == "session":
                reasons.append(
                    f"the policy names the session {ctx.principal.arn} itself, so it grants "
                    "to the session directly"
                )
            else:
                reasons.append(f"the principal {ctx.principal.arn} matched explicitly")
            return tuple(reasons)

        return ResourceDecision("Allow", allow_reasons, best)
    reasons = [_no_allow(policy.label, ctx)]
    reasons += [_missed(policy.label, s, o) for s, o in misses]
    return ResourceDecision("ImplicitDeny", tuple(reasons), None)
