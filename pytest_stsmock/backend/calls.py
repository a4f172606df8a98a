"""The record of every STS request the backend answered, and assertions over it.

Design decisions:

* **A filter is an operation, a subset of parameters and an outcome.**
  ``error_code`` left out means whatever the answer; ``error_code=None``
  requires success; ``error_code="AccessDenied"`` requires that refusal.
* **A typo can never make an assertion pass.**  Before matching, the
  operation, every parameter name and the error code are checked against the
  botocore model's names (``operations.names``, the one layer that knows API
  member names; the STSBackend asks it); an unknown one is a StsMockError
  naming the closest valid one.
* **A failure says why.**  It lists every call made, its outcome, and for
  each what differs from the filter (:func:`differences`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_MISSING = object()
#: ``error_code`` not given: any outcome matches.
ANY_OUTCOME: Any = object()


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
    #: "sts", or "iam" for the IAM subset answered by the mock.
    service: str = "sts"

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def __repr__(self) -> str:
        outcome = "ok" if self.error_code is None else self.error_code
        return f"Call({self.operation}, {outcome}, caller={self.caller_arn!r})"


@dataclass(frozen=True)
class Filter:
    """What an assertion looks for: operation, parameters (a subset) and outcome."""

    operation: str
    params: Mapping[str, Any]
    error_code: Any = ANY_OUTCOME

    def describe(self) -> str:
        wanted = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        outcome = ""
        if self.error_code is None:
            outcome = " that succeeded"
        elif self.error_code is not ANY_OUTCOME:
            outcome = f" refused with {self.error_code}"
        return f"{self.operation}({wanted}){outcome}"


def _params_differences(expected: Any, actual: Any, path: str) -> list[str]:
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
                out.extend(_params_differences(value, got, f"{path}{key}."))
        return out
    if expected != actual:
        return [f"{path.rstrip('.')} is {actual!r}, expected {expected!r}"]
    return []


def differences(call: Call, wanted: Filter) -> list[str]:
    """How ``call`` differs from ``wanted``; empty when it matches."""
    if call.operation != wanted.operation:
        return [f"operation is {call.operation}"]
    out = _params_differences(wanted.params, call.params, "")
    if wanted.error_code is not ANY_OUTCOME and call.error_code != wanted.error_code:
        if wanted.error_code is None:
            out.append(f"it was refused with {call.error_code}, expected success")
        elif call.error_code is None:
            out.append(f"it succeeded, expected {wanted.error_code}")
        else:
            out.append(f"it was refused with {call.error_code}, expected {wanted.error_code}")
    return out


def _outcome(call: Call) -> str:
    return "ok" if call.error_code is None else call.error_code


def _listing(calls: Sequence[Call], wanted: Filter, *, why: bool) -> list[str]:
    if not calls:
        return ["No STS calls were made while the mock was active."]
    lines = [f"The {len(calls)} STS call(s) made, in order:"]
    for index, call in enumerate(calls, 1):
        shown = ", ".join(f"{k}={v!r}" for k, v in call.params.items())
        lines.append(f"  {index}. {call.operation}({shown}) -> {_outcome(call)}")
        if why:
            lines.extend(f"       differs: {d}" for d in differences(call, wanted))
    return lines


def matching(calls: Sequence[Call], wanted: Filter) -> list[int]:
    """1-based positions of the calls that match ``wanted``."""
    return [index for index, call in enumerate(calls, 1) if not differences(call, wanted)]


def assert_called(calls: Sequence[Call], wanted: Filter) -> Call:
    __tracebackhide__ = True
    found = matching(calls, wanted)
    if found:
        return calls[found[0] - 1]
    lines = [f"Expected an STS call {wanted.describe()}, but none matched."]
    raise AssertionError("\n".join(lines + _listing(calls, wanted, why=True)))


def assert_called_once(calls: Sequence[Call], wanted: Filter) -> Call:
    __tracebackhide__ = True
    found = matching(calls, wanted)
    if len(found) == 1:
        return calls[found[0] - 1]
    if not found:
        lines = [f"Expected exactly one STS call {wanted.describe()}, but none matched."]
        raise AssertionError("\n".join(lines + _listing(calls, wanted, why=True)))
    where = ", ".join(map(str, found))
    lines = [
        f"Expected exactly one STS call {wanted.describe()}, "
        f"but {len(found)} matched: call(s) {where}."
    ]
    raise AssertionError("\n".join(lines + _listing(calls, wanted, why=False)))


def assert_not_called(calls: Sequence[Call], wanted: Filter) -> None:
    __tracebackhide__ = True
    found = matching(calls, wanted)
    if found:
        where = ", ".join(map(str, found))
        lines = [f"Expected no STS call {wanted.describe()}, but call(s) {where} matched."]
        raise AssertionError("\n".join(lines + _listing(calls, wanted, why=False)))
