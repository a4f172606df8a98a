"""GetScopedCredentials: the caller's own session, narrowed and optionally shortened.

Rules (the botocore model's documentation of the operation):

* Only temporary credentials may call it (assumed-role, federated-user,
  GetSessionToken and AssumeRoot sessions); long-term credentials are
  ``InvalidSubjectCredentials``.  Not on the global endpoint (``InvalidAction``
  ``Unknown Operation``, as for AssumeRoot).
* At least one of Policy and DurationSeconds is sent (``ValidationError``).
* The identity is preserved: same ARN, same user id (``ScopedSessionId``),
  same tags, source identity and MFA state; the new credentials are a new
  access key.  Without DurationSeconds they expire with the calling session;
  a longer duration than the calling session has left is
  ``InsufficientSessionLifetime``.
* The policy is one more scope-down layer.  Layers intersect: every layer,
  and everything that limited the calling session, must allow a request.
  At most three layers; a Policy that would add a fourth is ``AccessDenied``.
  ``ScopedPoliciesCount`` is the number of layers.

Messages are ours where AWS's are not on record (see ``_messages``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AWS_FAULT_NAMESPACE, AwsError

from .credentials import Session
from .identity import Caller
from .issue import issue_session
from .requests import SessionPolicyRequest
from .rules import parse_session_policies

if TYPE_CHECKING:
    from . import STSBackend

__all__ = ["MAX_SCOPE_LAYERS", "ScopedCredentialsRequest", "get_scoped_credentials"]

MAX_SCOPE_LAYERS = 3


@dataclass(frozen=True)
class ScopedCredentialsRequest:
    """GetScopedCredentials in domain terms."""

    policy: str | None
    duration_seconds: int | None
    description: str | None
    minimum_token_size: int
    region: str
    global_endpoint: bool
    now: _dt.datetime


def get_scoped_credentials(
    backend: STSBackend, caller: Caller, request: ScopedCredentialsRequest
) -> Session:
    if request.global_endpoint:
        raise AwsError("InvalidAction", msg.UNKNOWN_OPERATION, namespace=AWS_FAULT_NAMESPACE)
    parent = caller.session
    if parent is None:
        raise AwsError("InvalidSubjectCredentials", msg.SCOPED_NEEDS_SESSION)
    if request.policy is None and request.duration_seconds is None:
        raise AwsError("ValidationError", msg.SCOPED_NEEDS_POLICY_OR_DURATION)
    layers = parent.scope_policies
    if request.policy is not None:
        if len(layers) >= MAX_SCOPE_LAYERS:
            raise msg.not_authorized_action(
                caller.arn,
                "sts:GetScopedCredentials",
                f"{caller.arn} already has {MAX_SCOPE_LAYERS} scope-down policies, the most "
                "AWS allows",
            )
        parsed = parse_session_policies(
            backend, caller, SessionPolicyRequest(policy=request.policy), {}
        )
        layers = (*layers, *parsed.documents)
    now = request.now.replace(microsecond=0)
    remaining = int((parent.expiration - now).total_seconds())
    duration = request.duration_seconds
    if duration is not None and duration > remaining:
        raise AwsError("InsufficientSessionLifetime", msg.scoped_lifetime(duration, remaining))
    return issue_session(
        backend,
        kind=parent.kind,
        account_id=parent.account_id,
        arn=parent.arn,
        user_id=parent.user_id,
        principal_arn=parent.principal_arn,
        now=now,
        duration_seconds=remaining if duration is None else duration,
        global_endpoint=False,
        region=request.region,
        principal=parent.principal,
        role=parent.role,
        session_name=parent.session_name,
        tags=dict(parent.tags),
        transitive_tag_keys=list(parent.transitive_tag_keys),
        source_identity=parent.source_identity,
        mfa_authenticated=parent.mfa_authenticated,
        mfa_authenticated_at=parent.mfa_authenticated_at,
        chained=parent.chained,
        policy=parent.policy,
        policy_arns=list(parent.policy_arns),
        session_policies=list(parent.session_policies),
        parent=parent,
        provided_contexts=parent.provided_contexts,
        scope_policies=layers,
        scoped_session_description=request.description,
        minimum_token_size=request.minimum_token_size,
    )
