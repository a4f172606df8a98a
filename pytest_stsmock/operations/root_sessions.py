"""AssumeRoot: the operation's parameters in, a root session of a member account out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend.assume_root import AssumeRootRequest, assume_root
from pytest_stsmock.operations import members
from pytest_stsmock.operations.context import Operation, OperationContext


def assume_root_operation(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller = ctx.require_caller()
    session = assume_root(
        ctx.backend,
        caller,
        AssumeRootRequest(
            target_principal=params["TargetPrincipal"],
            task_policy_arn=params["TaskPolicyArn"].get("arn"),
            duration_seconds=params.get("DurationSeconds"),
            minimum_token_size=params.get("MinimumSessionTokenSize", 0),
            region=ctx.region,
            global_endpoint=ctx.global_endpoint,
            now=ctx.now,
            request_keys=ctx.request_keys,
        ),
    )
    result: dict[str, Any] = {"Credentials": members.credentials(session)}
    if session.source_identity is not None:
        result["SourceIdentity"] = session.source_identity
    result.update(members.token_size(params, session.session_token))
    return result


#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {"AssumeRoot": assume_root_operation}
