"""Authorization: who the caller is in policy terms, and what their policies allow.

Builds the policy engine's :class:`RequestContext` from a :class:`Caller`
(principal-derived keys: tags, MFA, token issue time, source identity) and
picks the identity-side policies that govern the caller: a user's policies; a
role session's role policies, permissions boundary and session policies; a
federated user's federating policies intersected with its session policy.

What never changes for one set of credentials (a session's fixed keys, the
labeled policies while the principal's policies are the same objects) is kept
in ``Caller.memo``; tags and policies are read afresh otherwise.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_stsmock import _messages as msg

from . import clock
from .authorization_message import Denial
from .iam import effective_policies
from .identity import Caller
from .policy.context import lookup_name
from .policy.evaluate import (
    Decision,
    DecisionEffect,
    LabeledPolicy,
    RequestContext,
    evaluate,
)
from .principals import Principal, Role, User

if TYPE_CHECKING:
    from . import STSBackend
    from .policy.document import PolicyDocument, Statement


@dataclass(frozen=True)
class Verdict:
    """A decision with its explanation in plain words (one reason a line)."""

    effect: DecisionEffect
    #: The sentences, or a function writing them (only read when a call is denied).
    _reasons: tuple[str, ...] | Callable[[], tuple[str, ...]]
    #: The Deny statements that decided, and the request the engine evaluated.
    statements: tuple[Statement, ...] = field(default=(), kw_only=True)
    context: RequestContext | None = field(default=None, kw_only=True)

    @property
    def allowed(self) -> bool:
        return self.effect == "Allow"

    @property
    def reasons(self) -> tuple[str, ...]:
        reasons = self._reasons
        if callable(reasons):
            reasons = reasons()
            object.__setattr__(self, "_reasons", reasons)
        return reasons

    def explain(self) -> str:
        return "\n".join(self.reasons)

    @classmethod
    def of(cls, decision: Decision, context: RequestContext | None = None) -> Verdict:
        return cls(
            decision.effect,
            lambda: decision.reasons,
            statements=decision.statements,
            context=context,
        )

    def denial(self, caller: Caller, action: str, resource: str) -> Denial:
        """This refusal as DecodeAuthorizationMessage reports it."""
        ctx = self.context
        return Denial(
            principal_id=caller.user_id,
            principal_arn=caller.arn,
            action=ctx.action if ctx is not None else action,
            resource=ctx.resource if ctx is not None else resource,
            explicit_deny=self.effect == "ExplicitDeny",
            statements=self.statements,
            conditions=dict(ctx.lookup) if ctx is not None else None,
        )


def principal_tags(caller: Caller) -> dict[str, str]:
    """aws:PrincipalTag values: the principal's tags, overridden by session tags (any case)."""
    tags = dict(caller.principal.tags)
    if caller.session is not None and caller.session.tags:
        for key, value in caller.session.tags.items():
            for existing in [k for k in tags if k.lower() == key.lower()]:
                del tags[existing]
            tags[key] = value
    return tags


#: The labeled trust policy of each role ARN, with the document it labels: a pure
#: function of the ARN and the parsed document, remade when the document is replaced.
_LABELED: dict[str, LabeledPolicy] = {}
_LABELED_MAX = 512


def labeled_trust(role: Role) -> LabeledPolicy:
    """``role``'s trust policy, labelled for reasons (made once per role and document)."""
    document = role.trust_policy_document
    found = _LABELED.get(role.arn)
    if found is None or found.document is not document:
        if len(_LABELED) >= _LABELED_MAX:
            _LABELED.clear()
        found = _LABELED[role.arn] = LabeledPolicy(f"the trust policy of {role.arn}", document)
    return found


def principal_keys(caller: Caller, now: _dt.datetime) -> dict[str, Any]:
    """Condition keys that describe the caller (beyond the engine's own aws:Principal* keys),
    in the engine's lookup form (lower-case names, text values)."""
    tags = principal_tags(caller)
    keys: dict[str, Any] = (
        {lookup_name(f"aws:PrincipalTag/{k}"): v for k, v in tags.items()} if tags else {}
    )
    session = caller.session
    if session is not None:
        keys.update(_session_keys(caller))
        if session.mfa_authenticated_at is not None:
            age = int((now - session.mfa_authenticated_at).total_seconds())
            keys["aws:multifactorauthage"] = str(max(age, 0))
    return keys


def _session_keys(caller: Caller) -> dict[str, str]:
    """The keys a session's credentials fix once and for all (kept on its Caller)."""
    memo = caller.memo
    found = memo.session_keys
    if found is None:
        session = caller.session
        assert session is not None
        found = {
            "aws:tokenissuetime": clock.iso(session.issued_at),
            "aws:multifactorauthpresent": "true" if session.mfa_authenticated else "false",
        }
        if session.source_identity is not None:
            found["aws:sourceidentity"] = session.source_identity
        if session.federated_provider is not None:
            found["aws:federatedprovider"] = session.federated_provider
        memo.session_keys = found
    return found


def identity_policies(caller: Caller) -> list[LabeledPolicy]:
    """The identity-side policies that bound what ``caller`` may do.

    Kept on the Caller while the principal's policies and boundary are the
    same objects (a test may attach or replace policies between calls).
    """
    principal = caller.principal
    docs = (effective_policies(principal), _boundary(principal))
    memo = caller.memo
    found = memo.identity_policies
    if found is not None and found[0] == docs:
        return list(found[1])
    policies = _identity_policies(caller)
    memo.identity_policies = (docs, tuple(policies))
    return policies


def _boundary(principal: Principal) -> PolicyDocument | None:
    return principal.permissions_boundary if isinstance(principal, (Role, User)) else None


def _identity_policies(caller: Caller) -> list[LabeledPolicy]:
    principal = caller.principal
    policies = [
        LabeledPolicy(f"identity policy {i + 1} of {principal.arn}", doc)
        for i, doc in enumerate(effective_policies(principal))
    ]
    boundary = _boundary(principal)
    if caller.kind in ("assumed-role", "user") and boundary is not None:
        policies.append(LabeledPolicy(f"the permissions boundary of {principal.arn}", boundary))
    if caller.session is not None:
        policies.extend(
            LabeledPolicy(f"session policy {i + 1} of {caller.arn}", doc)
            for i, doc in enumerate(caller.session.session_policies)
        )
    return policies


def identity_may_deny(caller: Caller) -> bool:
    """True when some identity-side policy of ``caller`` has a Deny statement."""
    return any(policy.document.has_deny for policy in identity_policies(caller))


def _only_allow_everything(caller: Caller) -> bool:
    """True when ``caller`` has identity policies and every identity-side policy
    allows every request."""
    policies = identity_policies(caller)
    memo = caller.memo.identity_policies  # set by identity_policies: (effective, boundary)
    effective = memo[0][0] if memo is not None else effective_policies(caller.principal)
    return bool(effective) and all(policy.document.allows_everything for policy in policies)


def request_context(
    caller: Caller,
    action: str,
    resource: str,
    now: _dt.datetime,
    keys: Mapping[str, Any],
) -> RequestContext:
    merged = principal_keys(caller, now)
    merged.update(keys)
    return RequestContext(
        action=action, resource=resource, principal=caller.policy_principal, keys=merged
    )


def lookup_context(
    caller: Caller,
    action: str,
    resource: str,
    now: _dt.datetime,
    lookup: Mapping[str, str | tuple[str, ...]],
) -> RequestContext:
    """:func:`request_context` for keys already in the engine's lookup form (lower-case
    names, text or tuples of text): nothing is normalized again."""
    merged = principal_keys(caller, now)
    merged.update(lookup)
    return RequestContext.of_lookup(action, resource, caller.policy_principal, merged)


def evaluate_identity(
    backend: STSBackend,
    caller: Caller,
    action: str,
    resource: str,
    now: _dt.datetime,
    keys: Mapping[str, Any],
    *,
    context: RequestContext | None = None,
) -> Verdict:
    """May ``caller``'s own policies perform ``action`` on ``resource``?"""
    verdict = _evaluate_identity(backend, caller, action, resource, now, keys, context=context)
    session = caller.session
    if session is None or not session.scope_policies:
        return verdict
    return _scoped(verdict, caller, context or request_context(caller, action, resource, now, keys))


def _scoped(verdict: Verdict, caller: Caller, ctx: RequestContext) -> Verdict:
    """Each scope-down layer of GetScopedCredentials must allow too (layers intersect)."""
    session = caller.session
    assert session is not None
    for index, doc in enumerate(session.scope_policies):
        label = f"scope-down policy {index + 1} (GetScopedCredentials) of {caller.arn}"
        layer = evaluate([LabeledPolicy(label, doc)], ctx)
        if layer.effect == "ExplicitDeny" or (verdict.allowed and not layer.allowed):
            return _layer_refuses(
                layer, ctx, "scoped credentials can do only what every scope-down policy allows"
            )
    return verdict


def _layer_refuses(layer: Decision, ctx: RequestContext, why: str) -> Verdict:
    """The refusal of a policy layer that caps a session: its own reasons, then ``why``."""
    return Verdict(
        layer.effect,
        lambda: (*layer.reasons, why),
        statements=layer.statements,
        context=ctx,
    )


def _evaluate_identity(
    backend: STSBackend,
    caller: Caller,
    action: str,
    resource: str,
    now: _dt.datetime,
    keys: Mapping[str, Any],
    *,
    context: RequestContext | None = None,
) -> Verdict:
    if caller.kind == "root" and resource.split(":")[4:5] in ([caller.account_id], [""], []):
        return Verdict(
            "Allow", (f"the root user of {caller.account_id} may do anything in its account",)
        )
    if caller.kind == "root-session":
        ctx = context or request_context(caller, action, resource, now, keys)
        return _root_session(caller, ctx)
    if caller.kind == "federated-user" and caller.session and not caller.session.session_policies:
        return Verdict(
            "ImplicitDeny",
            (
                f"{caller.arn} was created by GetFederationToken without a session policy, "
                "so it has no permissions (AWS grants none in that case)",
            ),
        )
    if _only_allow_everything(caller):  # the default user's policy, say: no statement to walk
        return Verdict(
            "Allow",
            lambda: (
                Verdict.of(
                    evaluate(
                        identity_policies(caller),
                        context or request_context(caller, action, resource, now, keys),
                    )
                ).reasons
            ),
        )
    policies = identity_policies(caller)
    if not policies:
        return Verdict(
            "ImplicitDeny",
            (
                f"{caller.principal.arn} has no identity policy, "
                f"so nothing allows {action} on {resource}",
            ),
        )
    ctx = context or request_context(caller, action, resource, now, keys)
    return Verdict.of(evaluate(policies, ctx), ctx)


def _root_session(caller: Caller, ctx: RequestContext) -> Verdict:
    """A session from AssumeRoot may do only what its task policy allows."""
    session = caller.session
    assert session is not None
    task = session.policy_arns[0] if session.policy_arns else "its task policy"
    policies = [
        LabeledPolicy(f"the task policy {task} of the root session {caller.arn}", doc)
        for doc in session.session_policies
    ]
    decision = evaluate(policies, ctx)
    if decision.allowed:
        return Verdict.of(decision, ctx)
    return _layer_refuses(
        decision, ctx, f"a root session from AssumeRoot can do only what {task} allows"
    )


def authorize(
    backend: STSBackend,
    caller: Caller,
    action: str,
    resource: str,
    now: _dt.datetime,
    keys: Mapping[str, Any],
) -> None:
    """Refuse with AWS's generic AccessDenied unless ``caller``'s own policies allow ``action``."""
    verdict = evaluate_identity(backend, caller, action, resource, now, keys)
    if not verdict.allowed:
        raise msg.not_authorized(
            caller.arn,
            action,
            resource,
            verdict.explain(),
            denial=verdict.denial(caller, action, resource),
        )
