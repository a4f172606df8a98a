"""What a caller asks the backend for, in domain values: no API member names.

The operations layer (``pytest_stsmock/operations/``) is the only code that
knows the botocore model's member names (``RoleArn``, ``TransitiveTagKeys``,
``PolicyArns``...).  It turns the decoded parameters into one of these small
dataclasses and hands it to the backend, so the backend reads attributes,
never a params dict, and can be driven and tested without the wire format.

Design decisions:

* Absent and empty are kept apart where AWS keeps them apart: ``None`` for an
  optional scalar that was not sent, ``()`` for a list that was not sent (AWS
  treats an absent list and an empty one the same way).
* Session tags stay a sequence of ``(key, value)`` pairs, not a dict, because
  duplicate keys (in any case) are an error the backend must still see.
* The parts shared as defaults (``MfaCode``, ``SessionPolicyRequest``,
  ``ProvidedContext``) are frozen; the three made for every request
  (``AssumeRoleRequest``, ``SessionTokenRequest``, ``FederationTokenRequest``)
  are not, since a frozen dataclass's ``__init__`` pays an
  ``object.__setattr__`` per field and nothing changes a request once made.
* Values are already validated against the model's constraints (lengths,
  patterns, enums) by the protocol layer; the backend checks the rules that
  depend on state (a role exists, a tag conflicts with the calling session).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AssumeRoleRequest",
    "FederationTokenRequest",
    "MfaCode",
    "ProvidedContext",
    "SessionPolicyRequest",
    "SessionTokenRequest",
]


@dataclass(frozen=True, slots=True)
class MfaCode:
    """An MFA device serial number and the one-time code read from it (either may be absent)."""

    serial: str | None = None
    code: str | None = None

    @property
    def sent(self) -> bool:
        """True when the request carried a serial number, a code or both."""
        return self.serial is not None or self.code is not None


@dataclass(frozen=True, slots=True)
class SessionPolicyRequest:
    """Session policies asked for: an inline JSON document and managed policy ARNs."""

    policy: str | None = None
    policy_arns: tuple[str, ...] = ()

    @property
    def sent(self) -> bool:
        return self.policy is not None or bool(self.policy_arns)


@dataclass(frozen=True, slots=True)
class ProvidedContext:
    """A trusted context assertion passed to AssumeRole (recorded on the session)."""

    provider_arn: str | None
    assertion: str | None


@dataclass(slots=True)
class AssumeRoleRequest:
    """AssumeRole: which role, under what session name, with what the caller passes."""

    role_arn: str
    session_name: str
    duration_seconds: int | None = None
    tags: tuple[tuple[str, str], ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    session_policies: SessionPolicyRequest = SessionPolicyRequest()
    external_id: str | None = None
    mfa: MfaCode = MfaCode()
    source_identity: str | None = None
    provided_contexts: tuple[ProvidedContext, ...] = ()
    #: Pad the session token to at least this many characters (0: no padding).
    minimum_token_size: int = 0


@dataclass(slots=True)
class SessionTokenRequest:
    """GetSessionToken: long-term credentials exchanged for a session, optionally with MFA."""

    duration_seconds: int | None = None
    mfa: MfaCode = MfaCode()
    minimum_token_size: int = 0


@dataclass(slots=True)
class FederationTokenRequest:
    """GetFederationToken: a federated user's name, its session policies and tags."""

    name: str
    duration_seconds: int | None = None
    tags: tuple[tuple[str, str], ...] = ()
    session_policies: SessionPolicyRequest = SessionPolicyRequest()
    minimum_token_size: int = 0
