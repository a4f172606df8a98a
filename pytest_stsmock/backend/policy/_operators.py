"""The condition-operator families and the table of AWS operators.

Design decisions:

* Each family knows how to compile one policy value (once, at parse time)
  and how to compare one request value with all the compiled policy values,
  returning a MatchResult ordered by precedence: a match beats "cannot evaluate"
  beats "unresolved variable" beats "no match".  The caller applies negation,
  set qualifiers and ``IfExists``, so each family is written once.
* String and ARN families work through the precompiled matchers in
  ``_patterns``; typed families (numbers, dates, booleans, binary, IP) parse
  both sides with ``_values`` and report unreadable text instead of raising.
* ``ArnEquals`` and ``ArnLike`` are the same operator in AWS (both accept
  wildcards), as are ``ArnNotEquals`` and ``ArnNotLike``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from ._patterns import ArnMatcher, ExactMatcher, LikeMatcher, Lookup
from ._values import parse_binary, parse_bool, parse_date, parse_ip, parse_network, parse_number

__all__ = ["OPERATORS", "Family", "MatchResult", "alts", "quote"]


class MatchResult(enum.IntEnum):
    """Outcome of comparing request value(s) with policy values; higher wins."""

    NOMATCH = 0
    UNRESOLVED = 1
    BAD = 2
    MATCH = 3


class Family(Protocol):
    variables: bool

    def compile(self, raw: str, variables: bool) -> Any: ...

    def test(
        self, compiled: Sequence[Any], raws: Sequence[str], actual: str, lookup: Lookup
    ) -> tuple[MatchResult, str]: ...


class _Matching:
    """String and ARN families: a matcher per policy value."""

    variables = True

    def __init__(
        self, make: Callable[[str, bool], ExactMatcher | LikeMatcher | ArnMatcher]
    ) -> None:
        self._make = make

    def compile(self, raw: str, variables: bool) -> Any:
        return self._make(raw, variables)

    def test(
        self, compiled: Sequence[Any], raws: Sequence[str], actual: str, lookup: Lookup
    ) -> tuple[MatchResult, str]:
        best, note = MatchResult.NOMATCH, ""
        for matcher, raw in zip(compiled, raws, strict=True):
            hit = matcher.match(actual, lookup)
            if hit:
                return MatchResult.MATCH, ""
            if hit is None:
                best, note = (
                    MatchResult.UNRESOLVED,
                    f"policy value {quote(raw)} has an unresolved policy variable",
                )
        return best, note


class _Typed:
    """Numeric, date, bool, binary and IP families: parse, then compare."""

    variables = False

    def __init__(
        self,
        parse: Callable[[str], Any],
        compare: Callable[[Any, Any], bool],
        what: str,
        *,
        parse_actual: Callable[[str], Any] | None = None,
        actual_what: str | None = None,
    ) -> None:
        self._parse, self._compare = parse, compare
        self._parse_actual = parse_actual or parse
        self._what, self._actual_what = what, actual_what or what

    def compile(self, raw: str, variables: bool) -> Any:
        return self._parse(raw)

    def test(
        self, compiled: Sequence[Any], raws: Sequence[str], actual: str, lookup: Lookup
    ) -> tuple[MatchResult, str]:
        value = self._parse_actual(actual)
        if value is None:
            return MatchResult.BAD, f"actual value {quote(actual)} is not {self._actual_what}"
        best, note = MatchResult.NOMATCH, ""
        for expected, raw in zip(compiled, raws, strict=True):
            if expected is None:
                best, note = MatchResult.BAD, f"policy value {quote(raw)} is not {self._what}"
            elif self._compare(value, expected):
                return MatchResult.MATCH, ""
        return best, note


def _eq(a: Any, b: Any) -> bool:
    return bool(a == b)


def _num(cmp: Callable[[Decimal, Decimal], bool]) -> _Typed:
    return _Typed(parse_number, cmp, "a number")


def _date(cmp: Callable[[float, float], bool]) -> _Typed:
    return _Typed(parse_date, cmp, "a date (ISO 8601 or epoch seconds)")


def _exact(fold: bool) -> _Matching:
    return _Matching(lambda raw, var: ExactMatcher(raw, variables=var, fold=fold))


def _ip() -> _Typed:
    return _Typed(
        parse_network,
        lambda addr, net: addr in net,
        "an IP address or CIDR block",
        parse_actual=parse_ip,
        actual_what="an IP address",
    )


_LIKE = _Matching(lambda raw, var: LikeMatcher(raw, variables=var))
_ARN = _Matching(lambda raw, var: ArnMatcher(raw, variables=var))

#: base operator -> (family or None for Null, negated)
OPERATORS: dict[str, tuple[Family | None, bool]] = {
    "StringEquals": (_exact(False), False),
    "StringNotEquals": (_exact(False), True),
    "StringEqualsIgnoreCase": (_exact(True), False),
    "StringNotEqualsIgnoreCase": (_exact(True), True),
    "StringLike": (_LIKE, False),
    "StringNotLike": (_LIKE, True),
    "NumericEquals": (_num(lambda a, b: a == b), False),
    "NumericNotEquals": (_num(lambda a, b: a == b), True),
    "NumericLessThan": (_num(lambda a, b: a < b), False),
    "NumericLessThanEquals": (_num(lambda a, b: a <= b), False),
    "NumericGreaterThan": (_num(lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_num(lambda a, b: a >= b), False),
    "DateEquals": (_date(lambda a, b: a == b), False),
    "DateNotEquals": (_date(lambda a, b: a == b), True),
    "DateLessThan": (_date(lambda a, b: a < b), False),
    "DateLessThanEquals": (_date(lambda a, b: a <= b), False),
    "DateGreaterThan": (_date(lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_date(lambda a, b: a >= b), False),
    "Bool": (_Typed(parse_bool, _eq, '"true" or "false"'), False),
    "BinaryEquals": (_Typed(parse_binary, _eq, "valid base64"), False),
    "IpAddress": (_ip(), False),
    "NotIpAddress": (_ip(), True),
    "ArnEquals": (_ARN, False),
    "ArnLike": (_ARN, False),
    "ArnNotEquals": (_ARN, True),
    "ArnNotLike": (_ARN, True),
    "Null": (None, False),
}


def quote(text: str) -> str:
    """``text`` in double quotes, with backslashes and quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def alts(raws: Sequence[str]) -> str:
    return " or ".join(quote(r) for r in raws)
