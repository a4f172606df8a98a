"""API members several operations share, read into domain values or written from them.

The request side turns the decoded parameters (API member names of the botocore
model, already checked against the model's constraints) into the backend's
request values (:mod:`pytest_stsmock.backend.requests`); the result side turns
backend objects into the members of a response.  One reader per member, so
AssumeRole, GetFederationToken and the federation operations read ``Tags`` or
``PolicyArns`` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend.credentials import Session
from pytest_stsmock.backend.requests import MfaCode, ProvidedContext, SessionPolicyRequest

__all__ = [
    "NO_MFA",
    "NO_POLICIES",
    "credentials",
    "mfa_code",
    "provided_contexts",
    "session_policies",
    "tags",
    "token_size",
]


# Absent members (the usual request) return these shared values: no work per request.
NO_POLICIES = SessionPolicyRequest()
NO_MFA = MfaCode()


def tags(params: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """``Tags``: the (key, value) pairs in request order, duplicates kept."""
    if "Tags" not in params:
        return ()
    return tuple((tag["Key"], tag["Value"]) for tag in params.get("Tags", ()))


def session_policies(params: Mapping[str, Any]) -> SessionPolicyRequest:
    """``Policy`` and ``PolicyArns``."""
    if "Policy" not in params and "PolicyArns" not in params:
        return NO_POLICIES
    arns = tuple(entry["arn"] for entry in params.get("PolicyArns", ()))
    return SessionPolicyRequest(policy=params.get("Policy"), policy_arns=arns)


def mfa_code(params: Mapping[str, Any]) -> MfaCode:
    """``SerialNumber`` and ``TokenCode``."""
    if "SerialNumber" not in params and "TokenCode" not in params:
        return NO_MFA
    return MfaCode(serial=params.get("SerialNumber"), code=params.get("TokenCode"))


def provided_contexts(params: Mapping[str, Any]) -> tuple[ProvidedContext, ...]:
    """``ProvidedContexts``."""
    if "ProvidedContexts" not in params:
        return ()
    return tuple(
        ProvidedContext(entry.get("ProviderArn"), entry.get("ContextAssertion"))
        for entry in params.get("ProvidedContexts", ())
    )


def credentials(session: Session) -> dict[str, Any]:
    """The ``Credentials`` member of a response."""
    return {
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
        "SessionToken": session.session_token,
        "Expiration": session.expiration,
    }


def token_size(params: Mapping[str, Any], token: str) -> dict[str, Any]:
    """``SessionTokenSize``/``SessionTokenUtilization``, sent when MinimumSessionTokenSize was."""
    if "MinimumSessionTokenSize" not in params:
        return {}
    size = len(token)
    return {"SessionTokenSize": size, "SessionTokenUtilization": min(100, -(-100 * size // 4096))}


def assumed_role(
    session: Session,
    params: Mapping[str, Any],
    *,
    packed_size: int | None,
    source_identity: str | None,
) -> dict[str, Any]:
    """What every AssumeRole* answer carries: the session, its user, and the optional sizes."""
    result: dict[str, Any] = {
        "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
        "Credentials": {  # credentials(session), inline
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "SessionToken": session.session_token,
            "Expiration": session.expiration,
        },
    }
    if packed_size is not None:
        result["PackedPolicySize"] = packed_size
    if source_identity is not None:
        result["SourceIdentity"] = source_identity
    if "MinimumSessionTokenSize" in params:
        result.update(token_size(params, session.session_token))
    return result
