"""Condition operators, wildcards, policy variables and value parsing, unit by unit."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.backend.policy._patterns import (
    ActionMatcher,
    ArnMatcher,
    LikeMatcher,
    Template,
    Var,
    Wild,
    glob_match,
    tokenize,
)
from pytest_stsmock.backend.policy._values import (
    parse_binary,
    parse_bool,
    parse_date,
    parse_network,
    parse_number,
)
from pytest_stsmock.backend.policy.conditions import (
    OPERATORS,
    ConditionTest,
    compile_conditions,
    describe_conditions,
    evaluate_conditions,
)


def compile_one(operator: str, key: str, values: Any, *, variables: bool = True) -> ConditionTest:
    (test,) = compile_conditions({operator: {key: values}}, where="Condition", variables=variables)
    return test


def lookup(**keys: Any) -> dict[str, Any]:
    return {k.replace("__", ":").lower(): v for k, v in keys.items()}


# ------------------------------------------------------------ absent keys, every operator
NEGATED = {name for name, (_, negated) in OPERATORS.items() if negated}
BASES = sorted(name for name in OPERATORS if name != "Null")
SAMPLE = {
    "String": "x", "Numeric": "1", "Date": "2024-01-01", "Bool": "true", "Binary": "aGk=",
    "IpAddress": "10.0.0.0/8", "NotIpAddress": "10.0.0.0/8", "Arn": "arn:aws:s3:::b",
}  # fmt: skip


def _sample(base: str) -> str:
    return next(v for prefix, v in SAMPLE.items() if base.startswith(prefix))


ABSENT_MATRIX = [
    pytest.param(f"{qualifier}{base}{suffix}", expected, id=f"{qualifier}{base}{suffix}-absent")
    for base in BASES
    for qualifier, suffix, expected in [
        ("", "", base in NEGATED),
        ("", "IfExists", True),
        ("ForAnyValue:", "", False),
        ("ForAnyValue:", "IfExists", True),
        ("ForAllValues:", "", True),
        ("ForAllValues:", "IfExists", True),
    ]
]


@pytest.mark.parametrize(("operator", "expected"), ABSENT_MATRIX)
def test_absent_key_for_every_operator_form(operator: str, expected: bool) -> None:
    base = operator.split(":")[-1].removesuffix("IfExists")
    test = compile_one(operator, "k:key", _sample(base))
    for context in ({}, {"k:key": ()}):
        result, text = test.evaluate(context)
        assert result is expected, text
        assert text.startswith(f"{operator} k:key: key is absent")


def test_every_aws_operator_is_known() -> None:
    assert set(OPERATORS) == {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
        "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
        "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
        "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
    }  # fmt: skip
    assert {
        "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
        "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike",
    } == NEGATED  # fmt: skip


# ------------------------------------------------------------ one test per operator
# fmt: off
OPERATOR_CASES = [
    ("StringEquals", "abc", "abc", True), ("StringEquals", "abc", "ABC", False),
    ("StringNotEquals", "abc", "abd", True), ("StringEqualsIgnoreCase", "ÄBC", "äbc", True),
    ("StringNotEqualsIgnoreCase", "abc", "ABC", False), ("StringLike", "a*c", "abbbc", True),
    ("StringLike", "a?c", "ac", False), ("StringNotLike", "a*", "ba", True),
    ("NumericEquals", "10", "10.00", True), ("NumericNotEquals", "10", "11", True),
    ("NumericLessThan", "10", "9.99", True), ("NumericLessThanEquals", "10", "10", True),
    ("NumericGreaterThan", "10", "10", False), ("NumericGreaterThanEquals", "-1", "-1", True),
    ("DateEquals", "1704067200", "2024-01-01T00:00:00Z", True),
    ("DateNotEquals", "2024-01-01", "2024-01-01T00:00:01Z", True),
    ("DateLessThan", "2024-01-01T00:00:00+02:00", "2023-12-31T21:59:59Z", True),
    ("DateLessThanEquals", "2024-01-01", "2024-01-01T00:00:00.000Z", True),
    ("DateGreaterThan", "2024-01-01", "2024-01-01T00:00:00.5Z", True),
    ("DateGreaterThanEquals", "2024-01-01", "2023-12-31", False),
    ("Bool", "false", "False", True), ("BinaryEquals", "aGk=", "aGk=", True),
    ("IpAddress", "2001:db8::/32", "2001:db8:0:1::5", True), ("NotIpAddress", "192.0.2.0/24", "192.0.3.1", True),
    ("ArnEquals", "arn:aws:sns:*:123456789012:topic", "arn:aws:sns:us-east-1:123456789012:topic", True),
    ("ArnLike", "arn:aws:sns:us-*:*:*", "arn:aws:sns:eu-west-1:1:t", False),
    ("ArnNotEquals", "arn:aws:s3:::a", "arn:aws:s3:::b", True), ("ArnNotLike", "arn:aws:s3:::a*", "arn:aws:s3:::ab", False),
]
# fmt: on


@pytest.mark.parametrize(
    ("operator", "policy", "actual", "expected"), OPERATOR_CASES, ids=lambda v: str(v)
)
def test_operator_semantics(operator: str, policy: str, actual: str, expected: bool) -> None:
    result, text = compile_one(operator, "k:key", policy).evaluate({"k:key": actual})
    assert result is expected, text


def test_multiple_tests_are_anded_and_explained() -> None:
    tests = compile_conditions(
        {"StringEquals": {"a:x": "1", "a:y": "2"}, "Bool": {"a:z": "true"}},
        where="C",
        variables=True,
    )
    result, outcomes = evaluate_conditions(tests, {"a:x": "1", "a:y": "2", "a:z": "true"})
    assert result is True
    assert describe_conditions(outcomes) == (
        'StringEquals a:x: actual value "1" matches "1"; StringEquals a:y: actual value "2" matches "2"; '
        'Bool a:z: actual value "true" matches "true"'
    )
    result, outcomes = evaluate_conditions(tests, {"a:x": "1", "a:y": "3", "a:z": "bad"})
    assert result is False
    assert describe_conditions(outcomes) == 'StringEquals a:y: actual value "3" does not match "2"'


def test_unknown_and_false_is_false_unknown_and_true_is_unknown() -> None:
    tests = compile_conditions(
        {"Bool": {"a:x": "true"}, "IpAddress": {"a:ip": "bad"}}, where="C", variables=True
    )
    assert evaluate_conditions(tests, {"a:x": "false", "a:ip": "10.0.0.1"})[0] is False
    assert evaluate_conditions(tests, {"a:x": "true", "a:ip": "10.0.0.1"})[0] is None


def test_quotes_in_values_are_escaped_in_reasons() -> None:
    _, text = compile_one("StringEquals", "a:x", 'say "hi"').evaluate({"a:x": "back\\slash"})
    assert text == 'StringEquals a:x: actual value "back\\\\slash" does not match "say \\"hi\\""'


# ------------------------------------------------------------ tokenizer and variables
# fmt: off
TOKENS = [
    ("plain", "abc", ("abc",)),
    ("wildcards", "a*b?", ("a", Wild.STAR, "b", Wild.QMARK)),
    ("variable", "x/${aws:username}", ("x/", Var("aws:username", None))),
    ("variable-key-lowercased", "${AWS:UserName}", (Var("aws:username", None),)),
    ("default", "${aws:username, 'anon'}", (Var("aws:username", "anon"),)),
    ("default-spaces", "${ aws:username ,'a b' }", (Var("aws:username", "a b"),)),
    ("default-quote", "${k:k, 'it''s'}", (Var("k:k", "it's"),)),
    ("default-is-not-substituted", "${k:k, '${k:j}'}", (Var("k:k", "${k:j}"),)),
    ("escapes", "${*}${?}${$}", ("*?$",)),
    ("unterminated", "a${aws:username", ("a", Var(None, None))),
    ("empty", "${}x", (Var(None, None), "x")),
    ("space-in-key", "${aws:user name}", (Var(None, None),)),
    ("default-unquoted", "${k:k, v}z", (Var(None, None), "z")),
    ("default-unterminated", "${k:k, 'v}", (Var(None, None),)),
    ("dollar-alone", "$5 {x}", ("$5 {x}",)),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in TOKENS])
def test_tokenize(text: str, expected: tuple[Any, ...]) -> None:
    assert tokenize(text, variables=True, wildcards=True) == expected


def test_tokenize_without_variables_or_wildcards_is_literal() -> None:
    assert tokenize("a*${x:y}", variables=False, wildcards=False) == ("a*${x:y}",)


def test_template_resolution() -> None:
    template = Template(
        "t", tokenize("${k:a}-${k:b, 'dflt'}-${k:m, 'm'}*", variables=True, wildcards=True)
    )
    assert template.resolve({"k:a": "A", "k:m": ("1", "2")}) == (
        "A",
        "-",
        "dflt",
        "-",
        "m",
        Wild.STAR,
    )
    assert template.resolve({}) is None
    assert template.resolve({"k:a": ()}) is None


# ------------------------------------------------------------ glob matching
def _reference(pattern: str, text: str) -> bool:
    rx = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(rx, text, re.DOTALL) is not None


_glob_text = st.text(alphabet="ab*?:", max_size=8)


@given(pattern=_glob_text, text=st.text(alphabet="ab:", max_size=8))
def test_glob_match_agrees_with_regex(pattern: str, text: str) -> None:
    pieces = tokenize(pattern, variables=False, wildcards=True)
    assert glob_match([p for p in pieces if not isinstance(p, Var)], text) == _reference(
        pattern, text
    )
    assert LikeMatcher(pattern, variables=False).match(text, {}) == _reference(pattern, text)


@given(
    parts=st.lists(st.text(alphabet="ab*?", max_size=3), min_size=6, max_size=6),
    value=st.lists(st.text(alphabet="ab:", max_size=3), min_size=1, max_size=7),
    which=st.integers(min_value=0, max_value=5),
)
def test_arn_matcher_static_and_variable_paths_agree(
    parts: list[str], value: list[str], which: int
) -> None:
    """The precompiled regex and the per-request glob give the same answer."""
    static = ArnMatcher(":".join(parts), variables=True)
    with_var = parts.copy()
    literal = with_var[which].replace("*", "${*}").replace("?", "${?}")
    with_var[which] = "${k:v}"
    dynamic = ArnMatcher(":".join(with_var), variables=True)
    text = ":".join(value)
    expected = static.match(text, {})
    resolved_literal = parts[which]
    # Substituted text is literal: compare with a pattern whose part is escaped.
    escaped = parts.copy()
    escaped[which] = literal
    assert dynamic.match(text, {"k:v": resolved_literal}) == ArnMatcher(
        ":".join(escaped), variables=True
    ).match(text, {})
    if "*" not in parts[which] and "?" not in parts[which]:
        assert dynamic.match(text, {"k:v": resolved_literal}) == expected


# fmt: off
ARNS = [
    ("star-matches-anything", "*", "not even an arn", True),
    ("exact", "arn:aws:s3:::b", "arn:aws:s3:::b", True),
    ("star-in-region", "arn:aws:sns:*:1:t", "arn:aws:sns:us-east-1:1:t", True),
    ("star-does-not-cross-colon", "arn:aws:iam::*:role/x", "arn:aws:iam::1:2:role/x", False),
    ("resource-part-keeps-colons", "arn:aws:logs:*:*:log-group:*", "arn:aws:logs:r:1:log-group:g:log-stream:s", True),
    ("too-few-components", "arn:aws:s3:::*", "arn:aws:s3", False),
    ("case-sensitive", "arn:aws:iam::1:role/X", "arn:aws:iam::1:role/x", False),
    ("short-pattern-is-whole-glob", "arn:aws:*", "arn:aws:iam::1:role/x", True),
]
# fmt: on


@pytest.mark.parametrize(
    ("pattern", "text", "expected"), [pytest.param(p, t, e, id=i) for i, p, t, e in ARNS]
)
def test_arn_matching(pattern: str, text: str, expected: bool) -> None:
    assert ArnMatcher(pattern, variables=True).match(text, {}) is expected


def test_arn_variable_with_colon_cannot_fill_a_component() -> None:
    matcher = ArnMatcher("arn:aws:iam::${k:acct}:role/x", variables=True)
    assert matcher.match("arn:aws:iam::1:role/x", {"k:acct": "1"}) is True
    assert matcher.match("arn:aws:iam::1:2:role/x", {"k:acct": "1:2"}) is False
    assert matcher.match("arn:aws:iam::1:role/x", {}) is None
    whole = ArnMatcher("${aws:principalarn}", variables=True)
    assert (
        whole.match("arn:aws:iam::1:role/x", {"aws:principalarn": "arn:aws:iam::1:role/x"}) is True
    )


def test_action_matcher() -> None:
    matcher = ActionMatcher(["sts:AssumeRole", "s3:Get*", "ec2:Describe?nstances"])
    assert matcher.match("STS:ASSUMEROLE")
    assert matcher.match("s3:getobject")
    assert matcher.match("ec2:DescribeInstances")
    assert not matcher.match("s3:PutObject")
    assert not matcher.match("sts:AssumeRoleWithSAML")
    assert ActionMatcher(["*"]).match("anything:at all")


# ------------------------------------------------------------ value parsers
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "1"),
        ("-2.50", "-2.50"),
        (".5", "0.5"),
        ("+3", "3"),
        ("1e3", None),
        ("NaN", None),
        ("inf", None),
        ("", None),
        ("1,000", None),
        (" 1", None),
    ],
)
def test_parse_number(text: str, expected: str | None) -> None:
    value = parse_number(text)
    assert (None if value is None else str(value)) == (
        None if expected is None else str(parse_number(expected))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1704067200", 1704067200.0), ("-1", -1.0), ("1704067200.5", 1704067200.5),
        ("2024-01-01", 1704067200.0), ("2024-01-01T00:00:00Z", 1704067200.0),
        ("2024-01-01T00:00:00.250Z", 1704067200.25), ("2024-01-01 00:00:00", 1704067200.0),
        ("2024-01-01T02:00:00+02:00", 1704067200.0), ("2024-01-01T02:00:00+0200", 1704067200.0),
        ("2023-12-31T22:00:00-02", 1704067200.0), ("2024-01-01T00:00Z", 1704067200.0),
        ("2024-02-30", None), ("2024-01-01T25:00:00Z", None), ("2024-01-01T00:00:00+24:00", None),
        ("yesterday", None), ("", None), ("1e9", None), ("99999999999999999999", None),
    ],
)  # fmt: skip
def test_parse_date(text: str, expected: float | None) -> None:
    assert parse_date(text) == expected


def test_parse_bool_binary_network() -> None:
    assert parse_bool("TRUE") is True and parse_bool("false") is False and parse_bool("1") is None
    assert parse_binary("aGk=") == b"hi" and parse_binary("a") is None and parse_binary("é") is None
    assert str(parse_network("10.1.2.3/8")) == "10.0.0.0/8"
    assert str(parse_network("2001:db8::1")) == "2001:db8::1/128"
    assert parse_network("10.0.0.0/33") is None and parse_network("host") is None


# ------------------------------------------------------------ random values never raise
_any_text = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["1", "true", "aGk=", "10.0.0.1", "2024-01-01", "arn:aws:s3:::b", "${k:a}"]),
)


@given(
    operator=st.sampled_from(sorted(OPERATORS)),
    qualifier=st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]),
    if_exists=st.booleans(),
    policy=st.lists(_any_text, min_size=1, max_size=3),
    actual=st.one_of(st.none(), _any_text, st.lists(_any_text, max_size=3).map(tuple)),
)
def test_random_condition_values_never_raise(
    operator: str, qualifier: str, if_exists: bool, policy: list[str], actual: Any
) -> None:
    if operator == "Null":
        qualifier, if_exists = "", False
    test = compile_one(f"{qualifier}{operator}{'IfExists' if if_exists else ''}", "k:key", policy)
    context = {} if actual is None else {"k:key": actual, "k:a": "x"}
    result, text = test.evaluate(context)
    assert result in (True, False, None)
    assert text.startswith(test.operator)


_GLOB_CHARS = st.sampled_from([*"ab*?.+()[]\\$^|{}\n:/", "${", "}", "ab"])


@given(
    st.sampled_from(["StringLike", "StringNotLike", "StringLikeIfExists"]),
    st.lists(st.lists(_GLOB_CHARS, max_size=6).map("".join), min_size=1, max_size=3),
    st.one_of(
        st.text(st.sampled_from(list("ab.*?+()\n:/$")), max_size=6),
        st.lists(st.text(st.sampled_from(list("ab.\n")), max_size=4), max_size=3),
    ),
)
def test_string_like_as_one_regex_agrees_with_each_pattern(
    operator: str, patterns: list[str], actual: Any
) -> None:
    # StringLike without policy variables is one combined regex (ConditionTest.like);
    # its outcome must be exactly what matching each pattern in turn gives.
    test = compile_one(operator, "aws:userid", patterns, variables=False)
    assert test.like is not None
    slow = dataclasses.replace(test, like=None)
    keys = lookup(**{"aws:userid": actual})
    assert test.outcome(keys) == slow.outcome(keys)
    assert test.describe(test.outcome(keys)) == slow.describe(slow.outcome(keys))


@pytest.mark.parametrize(
    ("pattern", "actual"),
    [
        ("a*", "a\nb"),  # * and ? match a newline (DOTALL)
        ("a?", "a\n"),
        ("a.b", "axb"),  # regex metacharacters are literal
        ("(x)|y", "y"),
        ("(x)|y", "(x)|y"),
        ("a+", "aa"),
        ("", ""),
    ],
)
def test_string_like_as_one_regex_at_the_edges(pattern: str, actual: str) -> None:
    test = compile_one("StringLike", "aws:userid", [pattern, "zzz"], variables=False)
    slow = dataclasses.replace(test, like=None)
    keys = lookup(**{"aws:userid": actual})
    assert test.outcome(keys) == slow.outcome(keys)


def test_string_like_with_a_policy_variable_keeps_the_per_pattern_path() -> None:
    assert compile_one("StringLike", "aws:userid", ["${aws:username}-*"]).like is None
    assert compile_one("StringLike", "aws:userid", ["a*"]).like is not None
