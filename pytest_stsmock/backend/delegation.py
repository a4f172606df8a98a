"""IAM temporary delegation: trade-in tokens and their redemption (GetDelegatedAccessToken).

In AWS a customer accepts a partner's delegation request (IAM
AcceptDelegationRequest), IAM records the accepting identity, and the
partner trades the token it receives for credentials of that identity with
STS GetDelegatedAccessToken.  Here ``sts.issue_trade_in_token(principal)``
stands for the accepted request.

Design decisions:

* A token is 24 random bytes and an HMAC-SHA256 tag over them, keyed by 32
  bytes from ``secrets`` (never the seeded generator), base64url-encoded.
  What it grants is kept by the backend, so the text reveals nothing and a
  made-up, altered or foreign token fails the tag check.
* A token is redeemed once.  Past its lifetime on the backend clock it is
  ``ExpiredTradeInTokenException``; a token that is unknown, altered or
  already redeemed is ``AccessDenied`` (AWS's text for these is not on
  record; ours is in ``_messages``).  A refused redemption changes nothing.
* The credentials act as the principal: for a role, an assumed-role session
  named ``DelegatedAccess``; for a user, temporary credentials of the user
  itself (as GetSessionToken's).  They last one hour.  ``AssumedPrincipal``
  is the ARN GetCallerIdentity then reports.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend.secret_key import SecretKey
from pytest_stsmock.errors import AwsError, StsMockError

from .credentials import Session
from .issue import issue_session
from .principals import Role, User
from .regions import check_region_active

if TYPE_CHECKING:
    from . import STSBackend

__all__ = ["DELEGATED_DURATION", "DelegatedAccessRequest", "TradeInTokens", "redeem"]

DELEGATED_DURATION = 3600
DELEGATED_SESSION_NAME = "DelegatedAccess"
_ID_BYTES = 24
_TAG_BYTES = 32


@dataclass(frozen=True)
class DelegatedAccessRequest:
    """GetDelegatedAccessToken in domain terms."""

    trade_in_token: str
    region: str
    global_endpoint: bool
    now: _dt.datetime


@dataclass(eq=False)
class _Grant:
    principal: User | Role
    expires_at: _dt.datetime
    redeemed: bool = False


def _resolve(backend: STSBackend, principal: object) -> User | Role:
    if isinstance(principal, (User, Role)):
        return principal
    if isinstance(principal, str):
        role = backend.find_role(principal)
        if role is not None:
            return role
        parts = principal.split(":", 5)
        if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("user/"):
            account = backend.accounts.get(parts[4])
            if account is not None:
                for user in account.users.values():
                    if user.arn == principal:
                        return user
    raise StsMockError(
        f"issue_trade_in_token() needs a User or Role of this backend, or its ARN; "
        f"{principal!r} is neither (create the user or role first)."
    )


class TradeInTokens:
    """The trade-in tokens of one backend."""

    def __init__(self) -> None:
        self._secret = SecretKey()
        self._grants: dict[bytes, _Grant] = {}

    def _tag(self, ident: bytes) -> bytes:
        return self._secret.tag(ident)

    def issue(
        self, backend: STSBackend, principal: object, expires_in: object, now: _dt.datetime
    ) -> str:
        target = _resolve(backend, principal)
        if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
            raise StsMockError(
                f"expires_in must be a positive number of seconds, not {expires_in!r}."
            )
        ident = secrets.token_bytes(_ID_BYTES)
        self._grants[ident] = _Grant(target, now + _dt.timedelta(seconds=expires_in))
        return base64.urlsafe_b64encode(ident + self._tag(ident)).decode("ascii")

    def find(self, token: str, now: _dt.datetime) -> _Grant:
        """The grant a token names, or the AWS error that refuses it (nothing changes)."""
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        ident, tag = raw[:_ID_BYTES], raw[_ID_BYTES:]
        canonical = base64.urlsafe_b64encode(raw).decode("ascii") == token
        grant = None
        well_formed = canonical and len(raw) == _ID_BYTES + _TAG_BYTES
        if well_formed and hmac.compare_digest(tag, self._tag(ident)):
            grant = self._grants.get(ident)
        if grant is None:
            raise AwsError("AccessDenied", msg.TRADE_IN_TOKEN_INVALID)
        if grant.redeemed:
            raise AwsError("AccessDenied", msg.TRADE_IN_TOKEN_USED)
        if now >= grant.expires_at:
            raise AwsError("ExpiredTradeInTokenException", msg.TRADE_IN_TOKEN_EXPIRED)
        return grant


def redeem(backend: STSBackend, request: DelegatedAccessRequest) -> Session:
    """Trade a token for credentials of its principal; the token is then used up."""
    grant = backend.trade_in_tokens.find(request.trade_in_token, request.now)
    principal = grant.principal
    check_region_active(principal.account, request.region)
    common = {
        "account_id": principal.account_id,
        "principal_arn": principal.arn,
        "now": request.now,
        "duration_seconds": DELEGATED_DURATION,
        "global_endpoint": request.global_endpoint,
        "region": request.region,
    }
    if isinstance(principal, Role):
        partition = principal.arn.split(":")[1]
        name = DELEGATED_SESSION_NAME
        session = issue_session(
            backend,
            kind="assumed-role",
            arn=f"arn:{partition}:sts::{principal.account_id}:assumed-role/{principal.name}/{name}",
            user_id=f"{principal.unique_id}:{name}",
            role=principal,
            session_name=name,
            **common,  # type: ignore[arg-type]
        )
    else:
        session = issue_session(
            backend,
            kind="session-token",
            arn=principal.arn,
            user_id=principal.unique_id,
            principal=principal,
            **common,  # type: ignore[arg-type]
        )
    grant.redeemed = True
    return session
