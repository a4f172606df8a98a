"""What every operation receives besides its parameters, and the identity check they share."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import STSBackend, authz, clock
from pytest_stsmock.backend.identity import Caller
from pytest_stsmock.errors import AwsError


@dataclass(slots=True)
class OperationContext:
    """Everything an operation needs to know about the request besides its parameters.

    Slotted: one is made per request, and operations only read it.
    """

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
        return _request_keys(self.now, self.region, self.secure_transport, self.source_ip)

    def require_caller(self) -> Caller:
        if self.caller is None:  # the pipeline rejects unsigned requests first
            raise AwsError("MissingAuthenticationToken", msg.MISSING_AUTH)
        return self.caller


def _request_keys(
    now: _dt.datetime, region: str, secure_transport: bool, source_ip: str
) -> dict[str, Any]:
    """The keys in the policy engine's lookup form (lower-case names, text values), so
    :meth:`RequestContext.of_lookup` can take them as they are."""
    epoch = int(now.timestamp())
    times = _TIMES.get(epoch)
    if times is None:
        times = (clock.iso(now), str(epoch))
        if epoch > 0:  # (int() truncates: before 1970 two seconds share an epoch)
            if len(_TIMES) >= 64:
                _TIMES.clear()
            _TIMES[epoch] = times
    return {
        "aws:currenttime": times[0],
        "aws:epochtime": times[1],
        "aws:requestedregion": region,
        "aws:securetransport": "true" if secure_transport else "false",
        "aws:sourceip": source_ip,
    }


#: (aws:CurrentTime, aws:EpochTime) by whole second: a pure function of the second
#: (``now`` is the backend's clock, always UTC), and a test's calls mostly fall
#: within one second.
_TIMES: dict[int, tuple[str, str]] = {}


class _LazyKeys(Mapping[str, Any]):
    """The request's condition keys, made at the first read.

    An IAM call by a caller whose policies allow everything (the default user)
    is allowed without reading a key, so the keys are not made for it; the
    values are the request's, captured now, whenever they are read.
    """

    __slots__ = ("_args", "_keys")

    def __init__(self, ctx: OperationContext) -> None:
        self._args = (ctx.now, ctx.region, ctx.secure_transport, ctx.source_ip)
        self._keys: dict[str, Any] | None = None

    def _made(self) -> dict[str, Any]:
        if self._keys is None:
            self._keys = _request_keys(*self._args)
        return self._keys

    def __getitem__(self, key: str) -> Any:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


def authorize(ctx: OperationContext, caller: Caller, action: str, resource: str) -> None:
    """Refuse with AWS's generic AccessDenied unless the caller's policies allow ``action``."""
    authz.authorize(ctx.backend, caller, action, resource, ctx.now, _LazyKeys(ctx))


Operation = Callable[[OperationContext, Mapping[str, Any]], dict[str, Any]]
