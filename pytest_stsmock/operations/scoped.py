"""GetScopedCredentials: the caller's session in, a narrower copy of it out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend.scoped import ScopedCredentialsRequest, get_scoped_credentials
from pytest_stsmock.operations import members
from pytest_stsmock.operations.context import Operation, OperationContext


def get_scoped_credentials_operation(
    ctx: OperationContext, params: Mapping[str, Any]
) -> dict[str, Any]:
    session = get_scoped_credentials(
        ctx.backend,
        ctx.require_caller(),
        ScopedCredentialsRequest(
            policy=params.get("Policy"),
            duration_seconds=params.get("DurationSeconds"),
            description=params.get("ScopedSessionDescription"),
            minimum_token_size=params.get("MinimumSessionTokenSize", 0),
            region=ctx.region,
            global_endpoint=ctx.global_endpoint,
            now=ctx.now,
        ),
    )
    result: dict[str, Any] = {
        "Credentials": members.credentials(session),
        "SessionInfo": {"ScopedSessionId": session.user_id, "Arn": session.arn},
        "ScopedPoliciesCount": len(session.scope_policies),
    }
    if session.source_identity is not None:
        result["SourceIdentity"] = session.source_identity
    result.update(members.token_size(params, session.session_token))
    return result


#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {"GetScopedCredentials": get_scoped_credentials_operation}
