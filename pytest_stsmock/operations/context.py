"""What every operation receives besides its parameters, and the identity check they share."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import STSBackend, authz, clock
from pytest_stsmock.backend.identity import Caller
from pytest_stsmock.errors import AwsError


@dataclass
class OperationContext:
    """Everything an operation needs to know about the request besides its parameters."""

    backend: STSBackend
    caller: Caller | None
    region: str
    global_endpoint: bool
    now: _dt.datetime
    secure_transport: bool = True
    source_ip: str = "127.0.0.1"

    @property
    def request_keys(self) -> dict[str, Any]:
        """Global condition keys of this request (aws:CurrentTime, aws:RequestedRegion...)."""
        return {
            "aws:CurrentTime": clock.iso(self.now),
            "aws:EpochTime": str(int(self.now.timestamp())),
            "aws:RequestedRegion": self.region,
            "aws:SecureTransport": "true" if self.secure_transport else "false",
            "aws:SourceIp": self.source_ip,
        }

    def require_caller(self) -> Caller:
        if self.caller is None:  # the pipeline rejects unsigned requests first
            raise AwsError("MissingAuthenticationToken", msg.MISSING_AUTH)
        return self.caller


def authorize(ctx: OperationContext, caller: Caller, action: str, resource: str) -> None:
    """Refuse with AWS's generic AccessDenied unless the caller's policies allow ``action``."""
    authz.authorize(ctx.backend, caller, action, resource, ctx.now, ctx.request_keys)


Operation = Callable[[OperationContext, Mapping[str, Any]], dict[str, Any]]
