"""Temporary credentials: every session the backend issues, with its context.

One registry keyed by access key id answers GetCallerIdentity, GetAccessKeyInfo,
expiry checks and every condition key a later request needs (tags, MFA, source
identity, chaining).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .identity import Caller
    from .policy.document import PolicyDocument
    from .principals import LongTermPrincipal, Role
    from .requests import ProvidedContext

SessionKind = Literal["session-token", "assumed-role", "federated-user", "root-session"]


@dataclass(eq=False, slots=True)
class Session:
    """Temporary credentials issued by GetSessionToken, AssumeRole*, GetFederationToken..."""

    kind: SessionKind
    access_key_id: str
    secret_access_key: str
    session_token: str
    arn: str
    user_id: str
    account_id: str
    principal_arn: str
    issued_at: _dt.datetime
    expiration: _dt.datetime
    principal: LongTermPrincipal | None = None
    role: Role | None = None
    session_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: list[str] = field(default_factory=list)
    source_identity: str | None = None
    mfa_authenticated: bool = False
    mfa_authenticated_at: _dt.datetime | None = None
    chained: bool = False
    policy: str | None = None
    policy_arns: list[str] = field(default_factory=list)
    session_policies: list[PolicyDocument] = field(default_factory=list)
    parent: Session | None = None
    #: Trusted context assertions passed to AssumeRole (ProvidedContexts), in order.
    provided_contexts: tuple[ProvidedContext, ...] = ()
    #: The OIDC or SAML provider ARN a federated sign-in came through (aws:FederatedProvider).
    federated_provider: str | None = None
    #: Issued by the global endpoint (a version 1 token, refused in opt-in regions).
    global_endpoint: bool = False
    #: GetScopedCredentials' scope-down policies, one layer each (every layer must allow).
    scope_policies: tuple[PolicyDocument, ...] = ()
    scoped_session_description: str | None = None
    #: The request pipeline's Caller for these credentials, made on first use (internal).
    cached_caller: Caller | None = field(default=None, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"Session({self.access_key_id!r}, arn={self.arn!r}, expires={self.expiration:%H:%M:%S})"
        )

    @property
    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.client("sts", **kwargs)``."""
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }

    def expired(self, now: _dt.datetime) -> bool:
        return now >= self.expiration
