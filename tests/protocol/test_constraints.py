"""Constraint checks: AWS's validation wording, byte for byte, and the Java regex translation."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Any

import pytest

from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol.constraints import check, violations
from pytest_stsmock.protocol.java_regex import category_ranges, java_regex
from pytest_stsmock.protocol.model import load_service_model

ROLE = "arn:aws:iam::123456789012:role/demo"
ARN_PATTERN = r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"


def message(operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(AwsError) as caught:
        check(load_service_model().operation_model(operation), params)
    assert (caught.value.code, caught.value.status) == ("ValidationError", 400)
    return caught.value.message


def assume(**params: Any) -> dict[str, Any]:
    return {"RoleArn": ROLE, "RoleSessionName": "s1", **params}


AWS_MESSAGES = [
    pytest.param(
        "AssumeRole",
        {"RoleSessionName": "s1"},
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
        "Member must not be null",
        id="missing-role-arn",
    ),
    pytest.param(
        "AssumeRole",
        {},
        "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: "
        "Member must not be null; Value null at 'roleSessionName' failed to satisfy "
        "constraint: Member must not be null",
        id="missing-both-in-model-order",
    ),
    pytest.param(
        "AssumeRole",
        assume(RoleArn=""),
        "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E"
        "\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+; Value '' at 'roleArn' failed "
        "to satisfy constraint: Member must have length greater than or equal to 20",
        id="empty-role-arn-pattern-before-length",
    ),
    pytest.param(
        "AssumeRole",
        assume(RoleArn="not-an-arn"),
        "1 validation error detected: Value 'not-an-arn' at 'roleArn' failed to satisfy "
        "constraint: Member must have length greater than or equal to 20",
        id="short-role-arn",
    ),
    pytest.param(
        "AssumeRole",
        assume(RoleSessionName="Session1:2"),
        "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        id="session-name-pattern",
    ),
    pytest.param(
        "AssumeRole",
        assume(RoleSessionName="s" * 65),
        f"1 validation error detected: Value '{'s' * 65}' at 'roleSessionName' failed to "
        "satisfy constraint: Member must have length less than or equal to 64",
        id="session-name-65-chars",
    ),
    pytest.param(
        "AssumeRole",
        assume(RoleSessionName="s"),
        "1 validation error detected: Value 's' at 'roleSessionName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 2",
        id="session-name-1-char",
    ),
    *(
        pytest.param(
            "AssumeRole",
            assume(DurationSeconds=value),
            f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to "
            f"satisfy constraint: Member must have value {rule}",
            id=f"duration-{value}",
        )
        for value, rule in [
            (899, "greater than or equal to 900"),
            (20, "greater than or equal to 900"),
            (-1, "greater than or equal to 900"),
            (43201, "less than or equal to 43200"),
            (345600, "less than or equal to 43200"),
            (2147483647, "less than or equal to 43200"),
        ]
    ),
    pytest.param(
        "GetSessionToken",
        {"DurationSeconds": 129601},
        "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value less than or equal to 129600",
        id="session-token-duration",
    ),
    pytest.param(
        "GetFederationToken",
        {"Name": "bob", "Policy": "p" * 2049},
        f"1 validation error detected: Value '{'p' * 2049}' at 'policy' failed to satisfy "
        "constraint: Member must have length less than or equal to 2048",
        id="policy-2049-chars-echoed-whole",
    ),
]


@pytest.mark.parametrize(("operation", "params", "expected"), AWS_MESSAGES)
def test_aws_validation_messages_verbatim(
    operation: str, params: dict[str, Any], expected: str
) -> None:
    assert message(operation, params) == expected


OUR_MESSAGES = [
    pytest.param(
        assume(Tags=[{"Key": "bad!key", "Value": "v"}]),
        "1 validation error detected: Value 'bad!key' at 'tags.1.member.key' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {TAG_PATTERN}",
        id="tag-key-pattern-nested-path",
    ),
    pytest.param(
        assume(Tags=[{"Key": "a", "Value": "v"}, {"Key": "b"}]),
        "1 validation error detected: Value null at 'tags.2.member.value' failed to satisfy "
        "constraint: Member must not be null",
        id="tag-value-missing",
    ),
    pytest.param(
        assume(Tags=[{"Key": "k", "Value": "v" * 257}]),
        f"1 validation error detected: Value '{'v' * 257}' at 'tags.1.member.value' failed to "
        "satisfy constraint: Member must have length less than or equal to 256",
        id="tag-value-too-long",
    ),
    pytest.param(
        assume(TransitiveTagKeys=["ok", ""]),
        "2 validation errors detected: Value '' at 'transitiveTagKeys.2.member' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {TAG_PATTERN}; "
        "Value '' at 'transitiveTagKeys.2.member' failed to satisfy constraint: Member must "
        "have length greater than or equal to 1",
        id="string-list-element",
    ),
    pytest.param(
        assume(Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]),
        "1 validation error detected: Value '["
        + ", ".join(f"{{Key=k{i}, Value=v}}" for i in range(51))
        + "]' at 'tags' failed to satisfy constraint: Member must have length less than or "
        "equal to 50",
        id="51-tags-java-style-list",
    ),
    pytest.param(
        assume(PolicyArns=[{"arn": "short"}], ProvidedContexts=[]),
        "2 validation errors detected: Value 'short' at 'policyArns.1.member.arn' failed to "
        "satisfy constraint: Member must have length greater than or equal to 20; Value '[]' "
        "at 'providedContexts' failed to satisfy constraint: Member must have length greater "
        "than or equal to 1",
        id="list-min-and-lowercase-member",
        marks=pytest.mark.skipif(
            "min"
            not in load_service_model()
            .operation_model("AssumeRole")
            .input_shape.members["ProvidedContexts"]
            .metadata,
            reason="this botocore's model has no minimum on ProvidedContexts (added in later models)",
        ),
    ),
]


@pytest.mark.parametrize(("params", "expected"), OUR_MESSAGES)
def test_nested_and_list_messages(params: dict[str, Any], expected: str) -> None:
    assert message("AssumeRole", params) == expected


def test_saml_member_path_lowercases_only_the_first_letter() -> None:
    text = message(
        "AssumeRoleWithSAML",
        {"RoleArn": ROLE, "PrincipalArn": ROLE + "x", "SAMLAssertion": "abc"},
    )
    assert "at 'sAMLAssertion' failed" in text


def test_violations_with_prefix_and_valid_input() -> None:
    shape = load_service_model().operation_model("AssumeRole").input_shape
    assert violations(shape, assume(DurationSeconds=900, Tags=[])) == []
    assert violations(shape, {"RoleSessionName": "s1", "RoleArn": ROLE + "x"}, "outer") == []
    assert violations(shape, {"RoleArn": ROLE}, "outer") == [
        "Value null at 'outer.roleSessionName' failed to satisfy constraint: "
        "Member must not be null"
    ]


def test_enum_wording_on_an_iam_shape() -> None:
    iam = load_service_model("iam")
    op = iam.operation_model("UpdateAccessKey")
    allowed = ", ".join(op.input_shape.members["Status"].enum)
    with pytest.raises(AwsError) as caught:
        check(op, {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Sleeping"})
    assert caught.value.message == (
        "1 validation error detected: Value 'Sleeping' at 'status' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{allowed}]"
    )


def test_operation_without_input_passes() -> None:
    check(load_service_model().operation_model("GetCallerIdentity"), {})


# --- Java regex translation -------------------------------------------------------

PATTERN_CASES = [
    pytest.param(ARN_PATTERN, "arn:aws:iam::1:role/x\u00e9\u4e2d", True, id="arn-bmp"),
    pytest.param(ARN_PATTERN, "arn-\U0001f600-\U0010fffd", True, id="arn-supplementary"),
    pytest.param(ARN_PATTERN, "arn\u0000", False, id="arn-nul"),
    pytest.param(ARN_PATTERN, "arn\ud800", False, id="arn-lone-surrogate"),
    pytest.param(ARN_PATTERN, "", False, id="arn-empty-plus"),
    pytest.param(r"[\w+=,.@-]*", "Session_1+=,.@-", True, id="session-ok"),
    pytest.param(r"[\w+=,.@-]*", "Sessi\u00f3n", False, id="java-w-is-ascii"),
    pytest.param(r"[\w+=,.@-]*", "a:b", False, id="colon-rejected"),
    pytest.param(r"[\w+=,.@-]*", "ok\n", False, id="whole-value-match"),
    pytest.param(r"[\d]*", "123456", True, id="digits"),
    pytest.param(r"[\d]*", "\u0663\u0664", False, id="java-d-is-ascii"),
    pytest.param(TAG_PATTERN, "Team \u00e9quipe\u3000\u0663\u2167:/=+-@_.", True, id="tag-ok"),
    pytest.param(TAG_PATTERN, "a!b", False, id="tag-bang"),
    pytest.param(TAG_PATTERN, "a\tb", False, id="tag-tab-not-Z"),
    pytest.param(r"[\w+=/:,.@-]*", "arn:aws:iam::1:mfa/u", True, id="serial-slash"),
    pytest.param(r"[\u0009\u000A\u000D\u0020-\u00FF]+", "{\r\n\u00ff}", True, id="policy-latin1"),
    pytest.param(r"[\u0009\u000A\u000D\u0020-\u00FF]+", "\u0100", False, id="policy-0100"),
    pytest.param(r"\u002F[\u0021-\u007F]*", "/path/", True, id="escape-outside-class"),
    pytest.param(r"[\s\S]*", "any\u2028thing", True, id="s-and-not-s"),
    pytest.param(r"^\S{6,9}$", "abcdef", True, id="not-space-outside-class"),
    pytest.param(r"^\S{6,9}$", "abc def", False, id="not-space-rejects-space"),
    pytest.param(r"a.b", "a\u0085b", False, id="dot-excludes-java-line-terminators"),
    pytest.param(r"[^_]*", "abc", True, id="negated-class"),
]


@pytest.mark.parametrize(("pattern", "value", "matches"), PATTERN_CASES)
def test_java_regex_translation(pattern: str, value: str, matches: bool) -> None:
    assert (java_regex(pattern).fullmatch(value) is not None) is matches


@pytest.mark.parametrize("service", ["sts", "iam"])
def test_every_model_pattern_translates(service: str) -> None:
    model = load_service_model(service)
    shapes = [model.shape_for(name) for name in model.shape_names]
    patterns = {shape.metadata["pattern"] for shape in shapes if "pattern" in shape.metadata}
    assert patterns
    for pattern in patterns:
        assert isinstance(java_regex(pattern), re.Pattern)


@pytest.mark.parametrize("pattern", [r"[a-z&&[^e]]", r"[a[b]]", r"\k<x>", r"\p{Cn}"])
def test_unsupported_java_constructs_fail_loudly(pattern: str) -> None:
    with pytest.raises(ValueError):
        java_regex(pattern)


@functools.cache
def all_categories() -> list[str]:
    return [unicodedata.category(chr(cp)) for cp in range(sys.maxunicode + 1)]


@pytest.mark.parametrize("category", ["L", "N", "Z", "Nd"])
def test_unicode_category_tables_match_unicodedata(category: str) -> None:
    table: set[int] = set()
    for low, high in category_ranges(category):
        table.update(range(low, high + 1))
    expected = {cp for cp, cat in enumerate(all_categories()) if cat.startswith(category)}
    assert table == expected
