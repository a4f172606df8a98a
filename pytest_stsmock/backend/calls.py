"""The record of every STS request the backend answered, and assertions over it."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass(eq=False)
class Call:
    """One STS request as the backend saw it, and how it was answered."""

    operation: str
    params: dict[str, Any]
    caller_arn: str | None
    region: str
    time: _dt.datetime
    error_code: str | None = None
    error_message: str | None = None
    response: dict[str, Any] | None = None
    explanation: str | None = None
    encoded_authorization_message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def __repr__(self) -> str:
        outcome = "ok" if self.error_code is None else self.error_code
        return f"Call({self.operation}, {outcome}, caller={self.caller_arn!r})"


def _differences(expected: Any, actual: Any, path: str) -> list[str]:
    """Where ``actual`` fails to contain ``expected`` (dicts match as subsets)."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{path} is {actual!r}, expected a mapping containing {dict(expected)!r}"]
        out: list[str] = []
        for key, value in expected.items():
            got = actual.get(key, _MISSING)
            if got is _MISSING:
                out.append(f"{path}{key} is missing (expected {value!r})")
            else:
                out.extend(_differences(value, got, f"{path}{key}."))
        return out
    if expected != actual:
        return [f"{path.rstrip('.')} is {actual!r}, expected {expected!r}"]
    return []


def match(call: Call, operation: str, params: Mapping[str, Any]) -> list[str]:
    """Empty when ``call`` is ``operation`` with at least ``params``; else what differs."""
    if call.operation != operation:
        return [f"operation is {call.operation}"]
    return _differences(params, call.params, "")


def describe_mismatch(calls: Sequence[Call], operation: str, params: Mapping[str, Any]) -> str:
    wanted = ", ".join(f"{k}={v!r}" for k, v in params.items())
    lines = [f"Expected an STS call {operation}({wanted}), but none matched."]
    if not calls:
        lines.append("No STS calls were made while the mock was active.")
        return "\n".join(lines)
    lines.append(f"The {len(calls)} STS call(s) made, in order:")
    for index, call in enumerate(calls, 1):
        outcome = "ok" if call.error_code is None else f"failed with {call.error_code}"
        shown = ", ".join(f"{k}={v!r}" for k, v in call.params.items())
        lines.append(f"  {index}. {call.operation}({shown}) -> {outcome}")
        for difference in match(call, operation, params):
            lines.append(f"       differs: {difference}")
    return "\n".join(lines)
