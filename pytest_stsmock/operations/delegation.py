"""GetDelegatedAccessToken: a trade-in token in, credentials of the delegating principal out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend.delegation import DelegatedAccessRequest, redeem
from pytest_stsmock.operations import members
from pytest_stsmock.operations.context import Operation, OperationContext


def get_delegated_access_token(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    ctx.require_caller()
    session = redeem(
        ctx.backend,
        DelegatedAccessRequest(
            trade_in_token=params["TradeInToken"],
            region=ctx.region,
            global_endpoint=ctx.global_endpoint,
            now=ctx.now,
        ),
    )
    return {"Credentials": members.credentials(session), "AssumedPrincipal": session.arn}


#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {"GetDelegatedAccessToken": get_delegated_access_token}
