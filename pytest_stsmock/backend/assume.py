"""AssumeRole as AWS decides it: who may assume which role, with what, for how long.

The decision for each action the request needs (sts:AssumeRole, and
sts:TagSession, sts:SetSourceIdentity, sts:SetContext when the request or the
calling session brings tags, a source identity or contexts):

* An explicit Deny in the trust policy or in the caller's own policies refuses.
* The trust policy must allow.  When it names the caller itself (its ARN, its
  role for a role session, or "*") and the role is in the caller's account,
  that is enough; a role session's session policies still limit it.
* When it names the caller's account, or the role is in another account, the
  caller's identity policies (with a role session's permissions boundary and
  session policies) must allow as well.

Order of checks (ours where AWS has not been observed): root callers, tag and
source-identity rules, session policies and packed size, MFA, the role's
existence and the policies above, then durations.  Nothing is changed before
the whole request has passed.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AwsError

from .authorization_message import implicit_denial
from .authz import Verdict, evaluate_identity, identity_may_deny, labeled_trust, lookup_context
from .credentials import Session
from .identity import Caller
from .issue import mint, register
from .policy.context import lookup_name
from .policy.evaluate import (
    Decision,
    LabeledPolicy,
    RequestContext,
    evaluate,
    evaluate_resource_policy,
)
from .principals import LongTermPrincipal, Role
from .requests import AssumeRoleRequest
from .rules import check_mfa, parse_session_policies, validate_tags

if TYPE_CHECKING:
    from . import STSBackend

CHAIN_LIMIT = 3600
DEFAULT_DURATION = 3600


@dataclass(slots=True)
class Assumed:
    session: Session
    packed_size: int | None


def _inherited(caller: Caller) -> tuple[dict[str, str], list[str], str | None]:
    """Transitive tags, their keys and the source identity a role session passes on."""
    session = caller.session
    if session is None or caller.kind != "assumed-role":
        return {}, [], None if session is None else session.source_identity
    keys = list(session.transitive_tag_keys)
    lowered = {k.lower() for k in keys}
    tags = {k: v for k, v in session.tags.items() if k.lower() in lowered}
    return tags, keys, session.source_identity


def _source_identity(requested: str | None, inherited: str | None) -> str | None:
    if requested is not None and requested.lower().startswith("aws:"):
        raise msg.reserved_source_identity(requested)
    if inherited is not None and requested is not None and requested != inherited:
        raise msg.source_identity_change()
    return inherited if inherited is not None else requested


def _duration(role: Role, requested: int | None, chained: bool) -> int:
    if requested is not None and requested > role.max_session_duration:
        raise AwsError(
            "ValidationError",
            msg.MAX_SESSION_DURATION,
            explanation=f"DurationSeconds {requested} is above the MaxSessionDuration of "
            f"{role.arn}, {role.max_session_duration} seconds",
        )
    if chained and requested is not None and requested > CHAIN_LIMIT:
        raise AwsError(
            "ValidationError",
            msg.CHAINING_LIMIT,
            explanation=f"DurationSeconds {requested} is above {CHAIN_LIMIT} seconds, AWS's cap "
            "for a role assumed with role-session credentials (role chaining)",
        )
    return requested if requested is not None else DEFAULT_DURATION


def decide(
    backend: STSBackend,
    caller: Caller,
    role: Role,
    action: str,
    now: _dt.datetime,
    keys: Mapping[str, Any],
) -> Verdict:
    """May ``caller`` perform ``action`` (an assume-role action) on ``role``?"""
    ctx = lookup_context(caller, action, role.arn, now, keys)
    trust = evaluate_resource_policy(labeled_trust(role), ctx)
    if trust.effect == "ExplicitDeny":
        return Verdict(
            "ExplicitDeny", lambda: trust.reasons, statements=trust.statements, context=ctx
        )
    same_account = caller.account_id == role.account_id
    named = trust.principal_match in ("explicit", "session")
    explicit = same_account and trust.allowed and named
    if not explicit or identity_may_deny(caller):
        # Named explicitly in its own account, the caller's policies matter only
        # through an explicit Deny: with no Deny statement among them, skip them.
        identity = evaluate_identity(backend, caller, action, role.arn, now, keys, context=ctx)
        if identity.effect == "ExplicitDeny":
            return identity
    if not trust.allowed:
        return Verdict("ImplicitDeny", lambda: trust.reasons, context=ctx)
    if explicit:
        return _named_grant(caller, trust.principal_match == "session", trust, ctx)
    why = (
        "the trust policy names only the caller's account, so the caller's own policies must allow"
        if same_account
        else "the role is in another account, so the caller's own policies must allow too"
    )
    return Verdict(
        identity.effect,
        lambda: (*trust.reasons, why, *identity.reasons),
        statements=identity.statements,
        context=ctx,
    )


def _named_grant(
    caller: Caller, names_session: bool, trust: Decision, ctx: RequestContext
) -> Verdict:
    """A trust policy naming the caller in the role's own account.

    Naming the session ARN itself grants to the session directly (AWS adds
    such grants after the session was made), so neither its session policies
    nor its role's permissions boundary limit it.  Naming the role or user
    behind the session (or ``"*"``) leaves the grant limited by both.
    """
    if names_session:
        return Verdict(
            "Allow",
            lambda: (
                *trust.reasons,
                f"the trust policy names the session {caller.arn} itself, so its session "
                "policies and permissions boundary do not limit this grant",
            ),
            context=ctx,
        )
    limits: list[LabeledPolicy] = []
    boundary = getattr(caller.principal, "permissions_boundary", None)
    if caller.kind == "assumed-role" and boundary is not None:
        limits.append(
            LabeledPolicy(f"the permissions boundary of {caller.principal.arn}", boundary)
        )
    session = caller.session
    if session is not None:
        limits.extend(
            LabeledPolicy(f"session policy {i + 1} of {caller.arn}", doc)
            for i, doc in enumerate(session.session_policies)
        )
    if limits:
        limited = evaluate(limits, ctx)
        if not limited.allowed:
            return Verdict(
                limited.effect,
                lambda: (
                    *trust.reasons,
                    *limited.reasons,
                    "the trust policy names the role or user behind the session, not the "
                    f"session {caller.arn} itself, so the session's permissions boundary and "
                    "session policies still limit the grant",
                ),
                statements=limited.statements,
                context=ctx,
            )
    return Verdict(
        "Allow",
        lambda: (*trust.reasons, "the trust policy names the caller in the role's own account"),
        context=ctx,
    )


def assume_role(
    backend: STSBackend,
    caller: Caller,
    request: AssumeRoleRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
    request_keys: Mapping[str, Any],
) -> Assumed:
    role_arn = request.role_arn
    session_name = request.session_name
    if caller.kind in ("root", "root-session"):  # a root session from AssumeRoot cannot chain
        raise AwsError("AccessDenied", msg.ROOT_ASSUME_ROLE)
    if caller.kind == "federated-user":
        raise msg.not_authorized(
            caller.arn,
            "sts:AssumeRole",
            role_arn,
            "credentials from GetFederationToken cannot call any STS operation except "
            "GetCallerIdentity",
        )
    transitive_keys = list(request.transitive_tag_keys)
    # (nothing to check in the usual request, which passes no tags)
    passed = validate_tags(request.tags, transitive_keys) if request.tags or transitive_keys else {}
    carried, carried_keys, carried_identity = _inherited(caller)
    if passed and carried_keys:
        carried_lower = {k.lower() for k in carried_keys}
        if any(k.lower() in carried_lower for k in passed):
            raise msg.invalid_parameter(msg.TRANSITIVE_CONFLICT)
    source_identity = _source_identity(request.source_identity, carried_identity)
    session_tags = {**carried, **passed}
    requested_policies = request.session_policies
    role_parts = role_arn.split(":", 5)
    policies = parse_session_policies(
        backend,
        caller,
        requested_policies,
        session_tags,
        home_account=role_parts[4] if len(role_parts) == 6 else None,
    )
    owner = caller.principal if isinstance(caller.principal, LongTermPrincipal) else None
    mfa = check_mfa(backend, owner, request.mfa, now)

    # The keys in the policy engine's lookup form (lower-case names, text values);
    # request_keys come that way.
    keys: dict[str, Any] = dict(request_keys)
    if passed:
        keys.update({lookup_name(f"aws:RequestTag/{k}"): v for k, v in passed.items()})
    keys["aws:tagkeys"] = tuple(passed)
    keys["sts:rolesessionname"] = session_name
    keys["sts:transitivetagkeys"] = tuple(transitive_keys)
    if request.external_id is not None:  # absent keys are simply left out
        keys["sts:externalid"] = request.external_id
    if source_identity is not None:
        keys["sts:sourceidentity"] = source_identity
    if mfa is not None:
        keys["aws:multifactorauthpresent"] = "true"
        keys["aws:multifactorauthage"] = "0"

    role = backend.find_role(role_arn)
    if role is None:
        raise msg.not_authorized(
            caller.arn,
            "sts:AssumeRole",
            role_arn,
            f"the role {role_arn} does not exist",
            denial=implicit_denial(caller.user_id, caller.arn, "sts:AssumeRole", role_arn),
        )
    if region in role.account.disabled_regions:
        raise msg.region_disabled(role.account_id)
    for name, value in role.tags.items():
        keys[lookup_name(f"aws:ResourceTag/{name}")] = value
        keys[lookup_name(f"iam:ResourceTag/{name}")] = value
    actions = ["sts:AssumeRole"]
    if session_tags or transitive_keys:
        actions.append("sts:TagSession")
    if source_identity is not None:
        actions.append("sts:SetSourceIdentity")
    if request.provided_contexts:
        actions.append("sts:SetContext")
    for action in actions:
        verdict = decide(backend, caller, role, action, now, keys)
        if not verdict.allowed:
            raise msg.not_authorized(
                caller.arn,
                action,
                role.arn,
                verdict.explain(),
                denial=verdict.denial(caller, action, role.arn),
            )

    chained = caller.kind == "assumed-role"
    duration = _duration(role, request.duration_seconds, chained)
    parent = caller.session
    if mfa is not None:
        mfa_at: _dt.datetime | None = now.replace(microsecond=0)
    else:
        mfa_at = None if parent is None else parent.mfa_authenticated_at
    partition = role_arn[4 : role_arn.index(":", 4)]  # (find_role checked its six parts)
    account_id = role.account_id
    with backend.lock:  # what changes state: the MFA code, the draws, the session
        if mfa is not None:
            mfa.consume()
        minted = mint(
            backend,
            account_id,
            now,
            duration,
            global_endpoint=global_endpoint,
            region=region,
            minimum_token_size=request.minimum_token_size,
        )
        session = Session(
            kind="assumed-role",
            access_key_id=minted.access_key_id,
            secret_access_key=minted.secret_access_key,
            session_token=minted.session_token,
            arn=f"arn:{partition}:sts::{account_id}:assumed-role/{role.name}/{session_name}",
            user_id=f"{role.unique_id}:{session_name}",
            account_id=account_id,
            principal_arn=role.arn,
            issued_at=minted.issued_at,
            expiration=minted.expiration,
            global_endpoint=global_endpoint,
            role=role,
            session_name=session_name,
            tags=session_tags,
            transitive_tag_keys=[*carried_keys, *transitive_keys],
            source_identity=source_identity,
            mfa_authenticated=mfa_at is not None,
            mfa_authenticated_at=mfa_at,
            chained=chained,
            policy=requested_policies.policy,
            policy_arns=list(requested_policies.policy_arns),
            session_policies=list(policies.documents),
            parent=parent,
            provided_contexts=request.provided_contexts,
        )
        register(backend, session)
    sends_packed = bool(requested_policies.policy or requested_policies.policy_arns or request.tags)
    return Assumed(session, policies.packed_size if sends_packed else None)
