"""Condition operators with AWS semantics, compiled once and evaluated per request.

Design decisions:

* Each ``{operator: {key: values}}`` entry compiles to one :class:`ConditionTest`
  at parse time: the operator is split into set qualifier (``ForAnyValue:`` /
  ``ForAllValues:``), base operator and ``IfExists``; policy values are parsed
  (numbers, dates, networks...) or compiled into matchers once.
* Evaluation is three-valued: ``True``, ``False`` or ``None`` ("cannot
  evaluate").  ``None`` comes only from an unknown operator, a malformed
  policy value or a malformed request value; the statement layer turns it
  into "does not apply" for Allow and "applies" for Deny, so an unreadable
  condition can never grant access.
* Multiple values for one key are ORed; for negated operators (``...Not...``,
  ``NotIpAddress``) the result is the negation, so the values are NORed.
* Absent key (not in the request, or an empty list): ``...IfExists`` is true;
  ``ForAllValues:`` is true; ``ForAnyValue:`` is false; a negated operator is
  true; every other operator is false.  ``Null`` tests presence itself.
* A multi-valued request key used without a set qualifier behaves like a
  single comparison that matches if any request value matches; a negated
  operator is its exact negation (no request value matches).  With
  ``ForAnyValue:``/``ForAllValues:`` each request value is tested on its own
  (negation applied per value), then combined with OR / AND.  A single-valued
  key under a qualifier is a one-element set.
* Policy variables are substituted in ``String*`` and ``Arn*`` values only
  (and only in version 2012-10-17 documents).  A variable without a value
  makes that policy value not match; under a negated operator it makes the
  test false, because AWS treats a statement whose variable cannot be
  resolved as not applying.
* Operators are case-sensitive (``stringequals`` is rejected with a hint);
  condition keys are case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

from ._errors import MSG_SYNTAX, PolicyError
from ._operators import OPERATORS, Family, MatchResult, alts, quote
from ._patterns import ExactMatcher, LikeMatcher, Lookup
from ._values import parse_bool

__all__ = [
    "OPERATORS",
    "ConditionTest",
    "Outcome",
    "Tri",
    "compile_conditions",
    "describe_conditions",
    "evaluate_conditions",
]

#: ``True``/``False``, or ``None`` when the condition cannot be evaluated.
Tri: TypeAlias = "bool | None"


# Results by MatchResult (NOMATCH, UNRESOLVED, BAD, MATCH).  An unresolved policy
# variable makes both polarities false: AWS treats the statement as invalid.
_POSITIVE: tuple[Tri, Tri, Tri, Tri] = (False, False, None, True)
_NEGATED: tuple[Tri, Tri, Tri, Tri] = (True, False, None, False)
_MATCH, _NOMATCH = MatchResult.MATCH, MatchResult.NOMATCH
_new = tuple.__new__


class Outcome(NamedTuple):
    """What one test saw; :meth:`ConditionTest.describe` turns it into words."""

    result: Tri
    case: str  # "unknown", "absent", "null", "single" or "set"
    values: tuple[str, ...] = ()
    match: MatchResult = MatchResult.NOMATCH
    actual: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ConditionTest:
    """One ``operator / key / values`` triple of a Condition block, compiled."""

    operator: str
    key: str
    raw_values: tuple[str, ...]
    base: str | None
    qualifier: str
    if_exists: bool
    negated: bool
    family: Family | None
    compiled: tuple[Any, ...]
    key_lower: str
    #: For String(Not)Equals(IgnoreCase) without variables: the set of values.
    fast: frozenset[str] | None = None
    #: For String(Not)Like without variables: one regex of every value (fullmatch).
    like: re.Pattern[str] | None = None
    fold: bool = False
    #: The test's result for each :class:`MatchResult`, negation applied.
    polar: tuple[Tri, Tri, Tri, Tri] = _POSITIVE

    def evaluate(self, lookup: Lookup) -> tuple[Tri, str]:
        """``(result, explanation)`` for one request."""
        outcome = self.outcome(lookup)
        return outcome.result, self.describe(outcome)

    def outcome(self, lookup: Lookup) -> Outcome:
        """The result for one request, without building any text."""
        if self.base is None:
            return Outcome(None, "unknown")
        found = lookup.get(self.key_lower)
        values: tuple[str, ...] = (
            () if found is None else (found,) if isinstance(found, str) else found
        )
        if self.family is None:
            return self._null(values)
        if not values:
            return Outcome(self._absent(), "absent")
        if self.qualifier:
            return self._set(values, lookup)
        if self.fast is not None:
            fast = self.fast
            if len(values) == 1:
                hit = (values[0].lower() if self.fold else values[0]) in fast
            else:
                hit = any((v.lower() if self.fold else v) in fast for v in values)
            verdict = _MATCH if hit else _NOMATCH
            return _new(Outcome, (self.polar[verdict], "single", values, verdict, "", ""))
        if self.like is not None:
            fullmatch = self.like.fullmatch
            if len(values) == 1:
                hit = fullmatch(values[0]) is not None
            else:
                hit = any(fullmatch(v) is not None for v in values)
            verdict = _MATCH if hit else _NOMATCH
            return _new(Outcome, (self.polar[verdict], "single", values, verdict, "", ""))
        best, note = _NOMATCH, ""
        for actual in values:
            verdict, why = self.family.test(self.compiled, self.raw_values, actual, lookup)
            if verdict > best:
                best, note = verdict, why
                if best is _MATCH:
                    break
        return _new(Outcome, (self.polar[best], "single", values, best, "", note))

    def _absent(self) -> Tri:
        if self.if_exists or self.qualifier == "ForAllValues":
            return True
        return self.negated and not self.qualifier

    def _null(self, values: tuple[str, ...]) -> Outcome:
        absent = not values
        bad = ""
        for raw, expected in zip(self.raw_values, self.compiled, strict=True):
            if expected is None:
                bad = bad or f'policy value {quote(raw)} is not "true" or "false"'
            elif expected is absent:
                return Outcome(True, "null", values, MatchResult.MATCH, raw)
        if bad:
            return Outcome(None, "null", values, MatchResult.BAD, "", bad)
        return Outcome(False, "null", values)

    def _set(self, values: tuple[str, ...], lookup: Lookup) -> Outcome:
        assert self.family is not None
        unknown = ""
        decisive = self.qualifier == "ForAnyValue"  # the per-value result that decides
        for actual in values:
            verdict, note = self.family.test(self.compiled, self.raw_values, actual, lookup)
            result = self.polar[verdict]
            if result is None:
                unknown = unknown or note
            elif result is decisive:
                return Outcome(result, "set", values, verdict, actual)
        if unknown:
            return Outcome(None, "set", values, MatchResult.BAD, "", unknown)
        return Outcome(not decisive, "set", values)

    def describe(self, o: Outcome) -> str:
        """Plain words for an :class:`Outcome` of this test."""
        name = f"{self.operator} {self.key}"
        expected = alts(self.raw_values)
        if o.case == "unknown":
            return (
                f"{name}: unknown condition operator {quote(self.operator)}; "
                "cannot evaluate, failing closed"
            )
        if o.result is None:
            return f"{name}: {o.note}; cannot evaluate, failing closed"
        if o.case == "absent":
            if self.if_exists:
                return f"{name}: key is absent, so the IfExists test passes"
            if self.qualifier == "ForAllValues":
                return f"{name}: key is absent, and ForAllValues holds for an empty set"
            if self.qualifier == "ForAnyValue":
                return f"{name}: key is absent from the request, and ForAnyValue needs a value"
            if self.negated:
                return f"{name}: key is absent, and a negated operator holds for an absent key"
            return f"{name}: key is absent from the request"
        if o.case == "null":
            state = "present" if o.values else "absent"
            if o.result:
                return f"{name}: key is {state}, as {quote(o.actual)} requires"
            return f"{name}: key is {state}, but the policy requires {expected}"
        if o.case == "set":
            shown = _q_list(o.values)
            if o.actual:
                which = "value" if o.result else "but value"
                relation = "matches" if o.match is MatchResult.MATCH else "does not match"
                return f"{name}: {which} {quote(o.actual)} of {shown} {relation} {expected}"
            every = "every value" if o.result else "no value"
            return f"{name}: {every} of {shown} satisfies the test against {expected}"
        shown = quote(o.values[0]) if len(o.values) == 1 else _q_list(o.values)
        if o.match is MatchResult.MATCH:
            return f"{name}: actual value {shown} matches {expected}"
        extra = f" ({o.note})" if o.note else ""
        if o.match is MatchResult.UNRESOLVED and self.negated:
            return f"{name}: actual value {shown} cannot be compared{extra}"
        if self.negated:
            return f"{name}: actual value {shown} matches none of {expected}"
        return f"{name}: actual value {shown} does not match {expected}{extra}"


def _q_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(quote(v) for v in values) + "]"


def _split_operator(op: str) -> tuple[str, str, bool]:
    qualifier = ""
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        if op.startswith(prefix):
            qualifier, op = prefix[:-1], op[len(prefix) :]
            break
    if_exists = op.endswith("IfExists") and len(op) > len("IfExists")
    return qualifier, (op[: -len("IfExists")] if if_exists else op), if_exists


def _scalar(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    raise PolicyError(f"{where} must be a string, number or boolean, not {type(value).__name__}.")


def _operator_error(op: str, where: str) -> PolicyError:
    qualifier, base, if_exists = _split_operator(op)
    hint = ""
    for known in OPERATORS:
        if known.lower() == base.lower() and known != base:
            hint = f' Operator names are case-sensitive: did you mean "{known}"?'
    if base == "Null" and (qualifier or if_exists):
        hint = " Null cannot take ForAnyValue:/ForAllValues: or IfExists."
    return PolicyError(
        f'{where} uses unknown condition operator "{op}".{hint} '
        "Use an AWS operator such as StringEquals, StringLike, ArnLike, Bool or Null."
    )


def compile_conditions(
    block: object,
    *,
    where: str,
    variables: bool,
    lenient: bool = False,
    prefix_message: str = MSG_SYNTAX,
) -> tuple[ConditionTest, ...]:
    """Compile a statement's ``Condition`` element; raise :class:`PolicyError` if malformed.

    ``lenient`` keeps unknown operators (they evaluate to "cannot evaluate")
    instead of rejecting them; ``prefix_message`` is the AWS text for a
    condition key without a service prefix.
    """
    if not isinstance(block, Mapping):
        raise PolicyError(f"{where} must be an object mapping operators to {{key: value}} objects.")
    tests: list[ConditionTest] = []
    for op, keys in block.items():
        if not isinstance(op, str):
            raise PolicyError(f"{where} has a non-string operator name.")
        qualifier, base, if_exists = _split_operator(op)
        spec = OPERATORS.get(base)
        if spec is None or (spec[0] is None and (qualifier or if_exists)):
            if not lenient:
                raise _operator_error(op, where)
            spec = None
        if not isinstance(keys, Mapping):
            raise PolicyError(f'{where}."{op}" must be an object mapping condition keys to values.')
        for key, raw in keys.items():
            here = f'{where}."{op}"."{key}"'
            if not isinstance(key, str) or ":" not in key.strip(":") or key != key.strip():
                raise PolicyError(
                    f'{where}."{op}" has condition key {key!r}; keys look like "service:name", '
                    'for example "aws:SourceIp" or "sts:ExternalId".',
                    prefix_message,
                )
            items = raw if isinstance(raw, list) else [raw]
            if not items:
                raise PolicyError(f"{here} is an empty list; give at least one value.")
            raws = tuple(_scalar(v, here) for v in items)
            family = None if spec is None else spec[0]
            use_vars = variables and family is not None and family.variables
            compiled: tuple[Any, ...]
            if spec is None:
                compiled = ()
            elif family is None:
                compiled = tuple(parse_bool(r) for r in raws)
            else:
                compiled = tuple(family.compile(r, use_vars) for r in raws)
            fast: frozenset[str] | None = None
            if base.startswith("String") and "Equals" in base and spec is not None:
                statics = [c.static for c in compiled if isinstance(c, ExactMatcher)]
                if len(statics) == len(compiled) and None not in statics:
                    fast = frozenset(v for v in statics if v is not None)
            like = _like_regex(base, compiled) if spec is not None else None
            tests.append(
                ConditionTest(
                    operator=op,
                    key=key,
                    raw_values=raws,
                    base=None if spec is None else base,
                    qualifier=qualifier,
                    if_exists=if_exists,
                    negated=False if spec is None else spec[1],
                    family=family,
                    compiled=compiled,
                    key_lower=key.lower(),
                    fast=fast,
                    like=like,
                    fold="IgnoreCase" in base,
                    polar=_NEGATED if spec is not None and spec[1] else _POSITIVE,
                )
            )
    return tuple(tests)


def _like_regex(base: str, compiled: Sequence[Any]) -> re.Pattern[str] | None:
    """For String(Not)Like whose values have no policy variables: one regex that
    full-matches what any value matches, so a test costs one C call."""
    if base not in ("StringLike", "StringNotLike") or not compiled:
        return None
    sources = [c.static_regex if isinstance(c, LikeMatcher) else None for c in compiled]
    if None in sources:
        return None
    return re.compile("|".join(f"(?:{source})" for source in sources), re.DOTALL)


def evaluate_conditions(
    tests: Sequence[ConditionTest], lookup: Lookup
) -> tuple[Tri, list[tuple[ConditionTest, Outcome]]]:
    """AND of all tests (Kleene logic) and the outcomes that explain it.

    On ``False`` only the first failing test is returned; otherwise every test.
    """
    result: Tri = True
    seen: list[tuple[ConditionTest, Outcome]] = []
    for test in tests:
        outcome = test.outcome(lookup)
        verdict = outcome[0]  # .result
        if verdict is False:
            return False, [(test, outcome)]
        if verdict is None:
            result = None
        seen.append((test, outcome))
    return result, seen


def describe_conditions(outcomes: Sequence[tuple[ConditionTest, Outcome]]) -> str:
    """Join the explanations of :func:`evaluate_conditions` outcomes."""
    return "; ".join(test.describe(outcome) for test, outcome in outcomes)
