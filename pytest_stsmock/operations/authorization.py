"""DecodeAuthorizationMessage: an encoded message of this backend in, AWS's JSON document out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend.authz import evaluate_identity
from pytest_stsmock.errors import AwsError
from pytest_stsmock.operations.context import Operation, OperationContext

ACTION = "sts:DecodeAuthorizationMessage"


def decode_authorization_message(
    ctx: OperationContext, params: Mapping[str, Any]
) -> dict[str, Any]:
    caller = ctx.require_caller()
    verdict = evaluate_identity(ctx.backend, caller, ACTION, "*", ctx.now, ctx.request_keys)
    if not verdict.allowed:
        raise msg.not_authorized_action(
            caller.arn, ACTION, verdict.explain(), denial=verdict.denial(caller, ACTION, "*")
        )
    decoded = ctx.backend.authorization_messages.decode(params["EncodedMessage"])
    if decoded is None:
        raise AwsError("InvalidAuthorizationMessageException", msg.INVALID_AUTHORIZATION_MESSAGE)
    return {"DecodedMessage": decoded}


#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {"DecodeAuthorizationMessage": decode_authorization_message}
