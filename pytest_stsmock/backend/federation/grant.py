"""The second half of every federated sign-in: trust decision, session rules, credentials.

Web identity and SAML differ in how the caller proves who it is; once the
token or assertion has been verified, both come here with a
:class:`FederatedRequest` of domain values, and the same rules apply:

* session tags and transitive keys are checked as AssumeRole checks them;
  session policies (Policy, PolicyArns) are parsed and packed;
* the role must exist and its trust policy alone decides (a federated
  principal has no identity policies): the sign-in action, plus
  sts:TagSession when tags are passed and sts:SetSourceIdentity when a source
  identity is, each evaluated with the provider's condition keys;
* DurationSeconds may not exceed the role's maximum (default one hour); a
  SAML SessionNotOnOrAfter shortens the session further.

Nothing changes in the backend unless every check passed.

The request type is a plain (not frozen) slotted dataclass: one is made on
every sign-in, and a frozen dataclass's ``__init__`` pays an
``object.__setattr__`` per field.  Nothing mutates it after construction.  The
result is a NamedTuple made without its Python-level ``__new__``.

The per-call path is kept lean (a sign-in is benchmarked against botocore's
floor): callers build :class:`FederatedRequest` with its six required fields
positionally and pass only the optional ones they set; the :class:`Session`
takes its ten required fields positionally (CPython matches each keyword
against every parameter name) and only the optional fields a federated session
sets; a sign-in without tags or session policies skips the policy parser; the
``request_keys`` dict the operation made for this request is extended in place
rather than copied.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend.authz import labeled_trust
from pytest_stsmock.backend.credentials import Session
from pytest_stsmock.backend.issue import Minted, mint, register
from pytest_stsmock.backend.policy.context import lookup_name
from pytest_stsmock.backend.policy.evaluate import (
    PrincipalInfo,
    RequestContext,
    evaluate_resource_policy,
)
from pytest_stsmock.backend.requests import SessionPolicyRequest
from pytest_stsmock.backend.rules import parse_session_policies, validate_tags
from pytest_stsmock.errors import AwsError

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend
    from pytest_stsmock.backend.policy.document import PolicyDocument
    from pytest_stsmock.backend.principals import Role

DEFAULT_DURATION = 3600
#: No Policy and no PolicyArns (frozen, so one value serves every request).
NO_SESSION_POLICIES = SessionPolicyRequest()


@dataclass(slots=True)
class FederatedRequest:
    """A verified federated caller asking for a role session."""

    action: str
    role_arn: str
    session_name: str
    principal: PrincipalInfo
    #: Condition keys the token or assertion supplies (provider keys, aws:FederatedProvider...),
    #: in the policy engine's lookup form: lower-case names, text or tuples of text.
    keys: Mapping[str, str | tuple[str, ...]]
    #: The AccessDenied to answer when the role is missing or trust refuses.
    denied: Callable[[str], AwsError]
    duration_seconds: int | None = None
    session_policies: SessionPolicyRequest = NO_SESSION_POLICIES
    #: Session tags as (key, value) pairs, duplicates kept for the rules to see.
    tags: Sequence[tuple[str, str]] = ()
    transitive_tag_keys: Sequence[str] = ()
    source_identity: str | None = None
    #: The latest end the identity provider allows (SAML SessionNotOnOrAfter).
    not_after: _dt.datetime | None = None
    minimum_token_size: int = 0


class Granted(NamedTuple):
    """The new session and the PackedPolicySize to send (None: not sent)."""

    session: Session
    packed_size: int | None


_new_tuple = tuple.__new__  # a NamedTuple without its Python-level __new__


def _trust(
    role: Role, action: str, request: FederatedRequest, keys: Mapping[str, str | tuple[str, ...]]
) -> None:
    ctx = RequestContext.of_lookup(action, role.arn, request.principal, keys)
    decision = evaluate_resource_policy(labeled_trust(role), ctx)
    if not decision.allowed:
        raise request.denied("\n".join(decision.reasons))


def _duration(role: Role, request: FederatedRequest, now: _dt.datetime) -> int:
    requested = request.duration_seconds
    if requested is None and request.not_after is None:
        return DEFAULT_DURATION  # the usual sign-in
    if requested is not None and requested > role.max_session_duration:
        raise AwsError("ValidationError", msg.MAX_SESSION_DURATION)
    duration = requested if requested is not None else DEFAULT_DURATION
    if request.not_after is not None:
        duration = min(duration, int((request.not_after - now).total_seconds()))
    return duration


def grant(
    backend: STSBackend,
    request: FederatedRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
    request_keys: Mapping[str, Any],
) -> Granted:
    """Check everything after the sign-in proof and issue the role session.

    ``request_keys``, when a dict, is this request's own (each
    ``OperationContext.request_keys`` read makes a new one): it is extended in
    place with the sign-in's keys and becomes the evaluation's key set.
    """
    tags: dict[str, str] = {}
    transitive = request.transitive_tag_keys
    if request.tags or transitive:  # nothing to check in the usual sign-in
        tags = validate_tags(request.tags, transitive)
    requested = request.session_policies
    sent = requested.sent
    if tags or sent:
        policies = parse_session_policies(backend, None, requested, tags)  # type: ignore[arg-type]
        documents = list(policies.documents)
        packed_size = policies.packed_size
    else:  # the usual sign-in: nothing to parse or pack, and no PackedPolicySize sent
        documents = []
        packed_size = None

    role = backend.find_role(request.role_arn)
    if role is None:
        raise request.denied(f"the role {request.role_arn} does not exist")
    if region in role.account.disabled_regions:
        raise msg.region_disabled(role.account_id)

    # The keys in the policy engine's lookup form (lower-case names, text values):
    # request_keys and request.keys come that way.
    keys: dict[str, str | tuple[str, ...]] = (
        request_keys if type(request_keys) is dict else dict(request_keys)
    )
    keys.update(request.keys)
    if tags:
        keys.update({lookup_name(f"aws:RequestTag/{k}"): v for k, v in tags.items()})
        keys["aws:tagkeys"] = tuple(tags)
    else:
        keys["aws:tagkeys"] = ()
    keys["sts:transitivetagkeys"] = tuple(transitive)
    session_name = request.session_name
    keys["sts:rolesessionname"] = session_name
    source_identity = request.source_identity
    if source_identity is not None:
        if source_identity.lower().startswith("aws:"):
            raise msg.reserved_source_identity(source_identity)
        keys["sts:sourceidentity"] = source_identity
    if role.tags:
        for name, value in role.tags.items():
            keys[lookup_name(f"aws:ResourceTag/{name}")] = value
            keys[lookup_name(f"iam:ResourceTag/{name}")] = value
    _trust(role, request.action, request, keys)
    if tags:
        _trust(role, "sts:TagSession", request, keys)
    if source_identity is not None:
        _trust(role, "sts:SetSourceIdentity", request, keys)

    duration = _duration(role, request, now)
    arn = request.role_arn
    partition = arn[4 : arn.index(":", 4)]  # (find_role checked the ARN's six parts)
    account_id = role.account_id
    minted = mint(
        backend,
        account_id,
        now,
        duration,
        global_endpoint=global_endpoint,
        region=region,
        minimum_token_size=request.minimum_token_size,
    )
    session = new_federated_session(
        minted,
        f"arn:{partition}:sts::{account_id}:assumed-role/{role.name}/{session_name}",
        f"{role.unique_id}:{session_name}",
        account_id,
        role,
        session_name,
        tags,
        list(transitive),
        source_identity,
        requested,
        documents,
        request.principal.federated_provider,
        global_endpoint,
    )
    register(backend, session)
    return _new_tuple(Granted, (session, packed_size if sent or tags else None))


_new_object = object.__new__


def new_federated_session(
    minted: Minted,
    arn: str,
    user_id: str,
    account_id: str,
    role: Role,
    session_name: str,
    tags: dict[str, str],
    transitive_tag_keys: list[str],
    source_identity: str | None,
    requested: SessionPolicyRequest,
    session_policies: list[PolicyDocument],
    federated_provider: str | None,
    global_endpoint: bool,
) -> Session:
    """``Session(kind="assumed-role", ...)`` for a federated sign-in, its attributes set
    directly: a dataclass ``__init__`` called by keyword goes through a keyword dict
    and a match of each name (as ``default_user`` does for the default user).
    ``tests/federation/test_grant_session.py`` checks that every field is set and
    equal to what the constructor makes.
    """
    session: Session = _new_object(Session)
    session.kind = "assumed-role"
    session.access_key_id = minted[0]
    session.secret_access_key = minted[1]
    session.session_token = minted[2]
    session.arn = arn
    session.user_id = user_id
    session.account_id = account_id
    session.principal_arn = role.arn
    session.issued_at = minted[3]
    session.expiration = minted[4]
    session.principal = None
    session.role = role
    session.session_name = session_name
    session.tags = tags
    session.transitive_tag_keys = transitive_tag_keys
    session.source_identity = source_identity
    session.mfa_authenticated = False
    session.mfa_authenticated_at = None
    session.chained = False
    session.policy = requested.policy
    session.policy_arns = list(requested.policy_arns)
    session.session_policies = session_policies
    session.parent = None
    session.provided_contexts = ()
    session.federated_provider = federated_provider
    session.global_endpoint = global_endpoint
    session.scope_policies = ()
    session.scoped_session_description = None
    session.cached_caller = None
    return session
