"""Who made a request: the identity behind an access key or a session.

:class:`Caller` is what authentication hands to an operation.  It unifies
long-term keys (root or IAM user) and temporary credentials, and answers the
questions operations and policy evaluation ask: the ARN and UserId that
GetCallerIdentity reports, the account, whether the credentials are
temporary, and the MFA and tag context they carry.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .credentials import Session
from .policy.context import PrincipalInfo, PrincipalType
from .principals import AccessKey, Principal

if TYPE_CHECKING:
    from .policy.document import PolicyDocument
    from .policy.evaluate import LabeledPolicy

CallerKind = Literal["root", "user", "assumed-role", "federated-user", "root-session"]

_PRINCIPAL_TYPES: dict[CallerKind, PrincipalType] = {
    "root": "Account",
    "user": "User",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
    "root-session": "Account",
}


@dataclass(slots=True)
class AuthzMemo:
    """Values :mod:`.authz` derives once per caller (a Caller lives as long as its key)."""

    #: The condition keys a session fixes once and for all (aws:TokenIssueTime...).
    session_keys: dict[str, str] | None = None
    #: The labeled identity-side policies, with the documents they were built from.
    identity_policies: (
        tuple[tuple[tuple[PolicyDocument, ...], PolicyDocument | None], tuple[LabeledPolicy, ...]]
        | None
    ) = None


@dataclass(frozen=True, eq=False)
class Caller:
    """The authenticated identity of one request.

    One Caller is made per access key or session and reused for every request
    signed with it (see :func:`caller_for_key`); it holds only what cannot
    change (the identity), and reads tags and policies from the principal.
    """

    kind: CallerKind
    arn: str
    user_id: str
    account_id: str
    access_key_id: str
    principal: Principal
    session: Session | None = None

    @property
    def temporary(self) -> bool:
        """True for any temporary credentials, GetSessionToken's included."""
        return self.session is not None

    @property
    def is_root(self) -> bool:
        return self.kind == "root"

    @property
    def mfa_authenticated_at(self) -> _dt.datetime | None:
        return None if self.session is None else self.session.mfa_authenticated_at

    @functools.cached_property
    def memo(self) -> AuthzMemo:
        """What authorization derived from this caller and keeps (internal)."""
        return AuthzMemo()

    @functools.cached_property
    def policy_principal(self) -> PrincipalInfo:
        """The caller as the policy engine sees it (computed once per caller)."""
        return PrincipalInfo(
            arn=self.arn,
            account_id=self.account_id,
            type=self.principal_type,
            source_role_arn=self.principal.arn if self.kind == "assumed-role" else None,
            user_id=self.user_id,
        )

    @property
    def principal_type(self) -> PrincipalType:
        """aws:PrincipalType as AWS reports it."""
        return _PRINCIPAL_TYPES[self.kind]

    @property
    def principal_arn(self) -> str:
        """aws:PrincipalArn: the role ARN for role sessions, else the caller ARN."""
        if self.kind == "assumed-role":
            return self.principal.arn
        return self.arn


def caller_for_key(key: AccessKey) -> Caller:
    """The caller signing with a long-term key (made once per key)."""
    caller = key.cached_caller
    if caller is None or caller.principal is not key.principal:
        principal = key.principal
        caller = key.cached_caller = Caller(
            kind="root" if principal.principal_type == "Account" else "user",
            arn=principal.arn,
            user_id=principal.unique_id,
            account_id=principal.account_id,
            access_key_id=key.access_key_id,
            principal=principal,
        )
    return caller


def caller_for_session(session: Session) -> Caller:
    """The caller signing with temporary credentials (made once per session)."""
    caller = session.cached_caller
    if caller is None:
        caller = session.cached_caller = _session_caller(session)
    return caller


def _session_caller(session: Session) -> Caller:
    principal = session.role if session.role is not None else session.principal
    assert principal is not None, "every session has a principal or a role"
    if session.kind == "assumed-role":
        kind: CallerKind = "assumed-role"
    elif session.kind == "federated-user":
        kind = "federated-user"
    elif session.kind == "root-session":
        kind = "root-session"
    else:
        kind = "root" if principal.principal_type == "Account" else "user"
    return Caller(
        kind=kind,
        arn=session.arn,
        user_id=session.user_id,
        account_id=session.account_id,
        access_key_id=session.access_key_id,
        principal=principal,
        session=session,
    )
