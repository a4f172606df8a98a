"""Query-protocol decoding: botocore's serializer -> our decoder, and AWS's request-level errors."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import pytest
from botocore.awsrequest import AWSRequest
from botocore.serialize import create_serializer
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.errors import AWS_FAULT_NAMESPACE, AwsError
from pytest_stsmock.protocol.model import load_service_model
from pytest_stsmock.protocol.query import MissingAction, _unquote_plus, decode, parse_form
from tests.helpers.shapes import example_input, synthetic_model

STS = load_service_model()
SYNTHETIC = synthetic_model()  # built once: the codec caches per shape object
V = "2011-06-15"
ROLE = "arn:aws:iam::123456789012:role/demo"


def wire(model: Any, operation: str, params: dict[str, Any]) -> str:
    """The form body botocore itself would send for ``params``."""
    op = model.operation_model(operation)
    request = create_serializer("query").serialize_to_request(params, op)
    body = AWSRequest(method="POST", url="https://example.com", data=request["body"]).prepare()
    assert isinstance(body.body, str)
    return body.body


def decoded(form: str | dict[str, str], model: Any = STS) -> dict[str, Any]:
    _, params = decode(model, parse_form(form) if isinstance(form, str) else form)
    return params


def aws_error(form: dict[str, str], model: Any = STS) -> AwsError:
    with pytest.raises(AwsError) as caught:
        decode(model, form)
    return caught.value


# --- round trips through botocore's serializer --------------------------------------


@pytest.mark.parametrize("operation", STS.operation_names)
def test_botocore_serializer_round_trip_sts(operation: str) -> None:
    op = STS.operation_model(operation)
    params = example_input(op)
    got_op, got = decode(STS, parse_form(wire(STS, operation, params)))
    assert got_op is op
    assert got == params


def test_synthetic_service_round_trip() -> None:
    model = SYNTHETIC
    params = example_input(model.operation_model("Everything"))
    assert decoded(wire(model, "Everything", params), model) == params


def _iam_buildable() -> list[str]:
    iam = load_service_model("iam")
    names = []
    for name in iam.operation_names:
        try:  # skip examples our builder or botocore (tagged unions) cannot make
            wire(iam, name, example_input(iam.operation_model(name)))
        except Exception:
            continue
        names.append(name)
    return names


IAM_OPERATIONS = _iam_buildable()


def test_most_iam_operations_are_covered() -> None:
    assert len(IAM_OPERATIONS) > 100


@pytest.mark.parametrize("operation", IAM_OPERATIONS)
def test_botocore_serializer_round_trip_iam(operation: str) -> None:
    iam = load_service_model("iam")
    params = example_input(iam.operation_model(operation))
    assert decoded(wire(iam, operation, params), iam) == params


def test_operation_without_input_shape() -> None:
    model = SYNTHETIC
    op, params = decode(model, {"Action": "Nothing", "Version": "2020-01-01", "X": "1"})
    assert (op.name, params) == ("Nothing", {})


# --- form parsing ------------------------------------------------------------------------

FORMS = [
    pytest.param("A=1&A=2", {"A": "1"}, id="duplicate-first-wins"),
    pytest.param("A=&B", {"A": "", "B": ""}, id="blank-values-kept"),
    pytest.param("A=a+b%2Bc%26d%3D", {"A": "a b+c&d="}, id="url-decoding"),
    pytest.param("?Action=X&&Version=1", {"Action": "X", "Version": "1"}, id="get-query-string"),
    pytest.param(b"N=%C3%A9%E4%B8%AD", {"N": "\u00e9\u4e2d"}, id="utf8-bytes"),
    pytest.param("K%2E1=v=w", {"K.1": "v=w"}, id="encoded-key-and-equals-in-value"),
    pytest.param("A=%FF", {"A": "\ufffd"}, id="invalid-utf8-replaced"),
    pytest.param("", {}, id="empty"),
]


@pytest.mark.parametrize(("raw", "expected"), FORMS)
def test_parse_form(raw: str | bytes, expected: dict[str, str]) -> None:
    assert parse_form(raw) == expected


# --- Action and Version -----------------------------------------------------------------

INVALID_ACTIONS = [
    pytest.param({"Action": "Nope", "Version": V}, "Nope for version 2011-06-15", id="unknown"),
    pytest.param(
        {"Action": "GetCallerIdentity"},
        "GetCallerIdentity for version NO_VERSION_SPECIFIED",
        id="missing-version",
    ),
    pytest.param(
        {"Action": "GetCallerIdentity", "Version": ""},
        "GetCallerIdentity for version ",
        id="empty-version-trailing-space",
    ),
    pytest.param(
        {"Action": "GetCallerIdentity", "Version": "2010-01-01"},
        "GetCallerIdentity for version 2010-01-01",
        id="other-version-echoed",
    ),
    pytest.param({"Action": "", "Version": V}, " for version 2011-06-15", id="empty-action"),
]


@pytest.mark.parametrize(("form", "tail"), INVALID_ACTIONS)
def test_invalid_action(form: dict[str, str], tail: str) -> None:
    error = aws_error(form)
    assert (error.code, error.status) == ("InvalidAction", 400)
    assert error.namespace == AWS_FAULT_NAMESPACE
    assert error.message == "Could not find operation " + tail


@pytest.mark.parametrize("raw", ["", "Version=2011-06-15", "RoleArn=x&action=AssumeRole"])
def test_missing_action_is_not_an_aws_error(raw: str) -> None:
    with pytest.raises(MissingAction):
        decode(STS, parse_form(raw))


# --- scalars ---------------------------------------------------------------------------------


def assume(**extra: str) -> dict[str, str]:
    return {"Action": "AssumeRole", "Version": V, "RoleArn": ROLE, "RoleSessionName": "s1", **extra}


@pytest.mark.parametrize("text", ["900", "+900", "0900", "000000000000000000900"])
def test_integers_accepted_like_aws(text: str) -> None:
    assert decoded(assume(DurationSeconds=text))["DurationSeconds"] == 900


MALFORMED = [
    pytest.param("", "missing value for decimal type", id="empty-aws-text"),
    *(
        pytest.param(text, f"invalid value '{text}' for decimal type", id=f"garbage-{text}")
        for text in ["abc", "900.0", "2147483648", " 900", "9_00", "\u0669\u0660\u0660", "1e3"]
    ),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED)
def test_malformed_integers(text: str, expected: str) -> None:
    error = aws_error(assume(DurationSeconds=text))
    assert (error.code, error.status, error.message) == ("MalformedInput", 400, expected)


def test_malformed_input_comes_before_validation() -> None:
    error = aws_error({"Action": "AssumeRole", "Version": V, "DurationSeconds": "x"})
    assert error.code == "MalformedInput"


def test_validation_errors_are_raised_after_decoding() -> None:
    error = aws_error(assume(DurationSeconds="899"))
    assert (error.code, error.status) == ("ValidationError", 400)
    assert error.message == (
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value greater than or equal to 900"
    )


SYNTHETIC_SCALARS = [
    pytest.param("Flag", "true", True, id="bool-true"),
    pytest.param("Flag", "FALSE", False, id="bool-any-case"),
    pytest.param("Big", "-9223372036854775808", -(2**63), id="long-min"),
    pytest.param("Ratio", "-1.5e3", -1500.0, id="double-exponent"),
    pytest.param("Data", "aGk=", b"hi", id="blob-base64"),
    pytest.param("Data", "", b"", id="blob-empty"),
]


@pytest.mark.parametrize(("member", "text", "expected"), SYNTHETIC_SCALARS)
def test_other_scalar_types(member: str, text: str, expected: Any) -> None:
    form = {"Action": "Everything", "Version": "2020-01-01", member: text}
    assert decoded(form, SYNTHETIC)[member] == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-23T03:22:11Z", "2026-11-23T03:22:11+00:00"),
        ("2026-11-23T03:22:11.5Z", "2026-11-23T03:22:11.500000+00:00"),
        ("2026-11-23T05:22:11+02:00", "2026-11-23T03:22:11+00:00"),
        ("2026-11-23T03:22:11", "2026-11-23T03:22:11+00:00"),
        ("1795404131", "2026-11-23T03:22:11+00:00"),
    ],
)
def test_timestamps(text: str, iso: str) -> None:
    form = {"Action": "Everything", "Version": "2020-01-01", "When": text}
    assert decoded(form, SYNTHETIC)["When"].isoformat() == iso


SCALAR_ERRORS = [
    pytest.param("Flag", "yes", "invalid value 'yes' for boolean type", id="bool"),
    pytest.param("Flag", "", "missing value for boolean type", id="bool-empty"),
    pytest.param("When", "2026-13-01T00:00:00Z", "invalid value '2026-13-01T00:00:00Z' for "
                 "timestamp type", id="month-13"),
    pytest.param("When", "", "missing value for timestamp type", id="timestamp-empty"),
    pytest.param("Data", "not base64!", "invalid value 'not base64!' for blob type", id="blob"),
    pytest.param("Big", "9223372036854775808", "invalid value '9223372036854775808' for "
                 "decimal type", id="long-overflow"),
    pytest.param("Ratio", "nan", "invalid value 'nan' for decimal type", id="double-nan"),
]  # fmt: skip


@pytest.mark.parametrize(("member", "text", "expected"), SCALAR_ERRORS)
def test_scalar_errors(member: str, text: str, expected: str) -> None:
    form = {"Action": "Everything", "Version": "2020-01-01", member: text}
    error = aws_error(form, SYNTHETIC)
    assert (error.code, error.message) == ("MalformedInput", expected)


# --- lists, structures and maps ----------------------------------------------------------

SHAPES = [
    pytest.param(
        "Tags.member.3.Key=c&Tags.member.3.Value=3&Tags.member.1.Value=1&Tags.member.1.Key=a",
        {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "c", "Value": "3"}]},
        id="gaps-and-order-by-index",
    ),
    pytest.param(
        "TransitiveTagKeys.member.10=j&TransitiveTagKeys.member.9=i",
        {"TransitiveTagKeys": ["i", "j"]},
        id="numeric-not-lexical-order",
    ),
    pytest.param("Tags=", {"Tags": []}, id="empty-list"),
    pytest.param(
        "TransitiveTagKeys.member.1=a&TransitiveTagKeys.member.01=b"
        "&TransitiveTagKeys.member.x=c&TransitiveTagKeys.item.2=d&TransitiveTagKeys.member.3.Q=e",
        {"TransitiveTagKeys": ["a"]},
        id="duplicate-index-and-junk-ignored",
    ),
    pytest.param(
        "Unknown=1&RoleArn.member.1=x&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.1.Z=z",
        {"Tags": [{"Key": "k", "Value": "v"}]},
        id="unknown-parameters-ignored",
    ),
    pytest.param(
        "PolicyArns.member.1.arn=" + ROLE,
        {"PolicyArns": [{"arn": ROLE}]},
        id="lowercase-member-name",
    ),
]


@pytest.mark.parametrize(("extra", "expected"), SHAPES)
def test_lists_and_structures(extra: str, expected: dict[str, Any]) -> None:
    base = f"Action=AssumeRole&Version={V}&RoleArn={ROLE}&RoleSessionName=s1&"
    assert decoded(base + extra) == {"RoleArn": ROLE, "RoleSessionName": "s1", **expected}


def test_nested_structure_member() -> None:
    form = (
        f"Action=AssumeRoot&Version={V}&TargetPrincipal=123456789012"
        f"&TaskPolicyArn.arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
    )
    assert decoded(form)["TaskPolicyArn"] == {
        "arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
    }


def test_element_without_members_reports_its_required_members() -> None:
    error = aws_error(assume(**{"Tags.member.1.Unknown": "x"}))
    assert error.message == (
        "2 validation errors detected: Value null at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must not be null; Value null at 'tags.1.member.value' failed to "
        "satisfy constraint: Member must not be null"
    )


def test_synthetic_maps_and_flattened_lists() -> None:
    form = {
        "Action": "Everything",
        "Version": "2020-01-01",
        "Attrs.entry.2.Name": "b",
        "Attrs.entry.2.Val": "2",
        "Attrs.entry.1.Name": "a",
        "Attrs.entry.1.Val": "1",
        "Attrs.entry.3.Val": "no key",
        "FlatAttrs.1.key": "k",
        "FlatAttrs.1.value.Id": "r",
        "FlatAttrs.2.key": "no value",
        "Flat.2": "y",
        "Flat.1": "x",
        "Item.1": "renamed flattened",
        "OtherName": "renamed",
        "Nested.member.1.Item.1": "deep",
        "Child.Child.Count": "3",
    }
    assert decoded(form, SYNTHETIC) == {
        "Attrs": {"a": "1", "b": "2"},
        "FlatAttrs": {"k": {"Id": "r"}},
        "Flat": ["x", "y"],
        "FlatNamed": ["renamed flattened"],
        "Renamed": "renamed",
        "Nested": [["deep"]],
        "Child": {"Child": {"Count": 3}},
    }


# --- robustness -------------------------------------------------------------------------------

# fmt: off
_STS_KEYS = [
    "RoleArn", "RoleSessionName", "DurationSeconds", "Policy", "Tags", "Tags.member.1.Key",
    "Tags.member.1.Value", "Tags.member.x.Key", "Tags.member.2", "TransitiveTagKeys.member.1",
    "PolicyArns.member.1.arn", "TaskPolicyArn.arn", "TokenCode", "SerialNumber",
    "ProvidedContexts.member.1.ProviderArn", "Audience.member.1", "Name", "Tags.member.1.Key.x",
]
_SYNTHETIC_KEYS = [
    "Flag", "When", "Data", "Big", "Ratio", "Count", "OtherName", "Flat", "Flat.1", "Item.2",
    "Named.Item.1", "Nested.member.1.Item.1", "Attrs.entry.1.Name", "Attrs.entry.1.Val",
    "FlatAttrs.1.key", "FlatAttrs.1.value.Id", "FlatAttrs.1.value", "Records.member.1.Id",
    "Records.member.4.Tags.Item.1", "Child.Flag", "Child.Child.When", "Child.Records",
]
_VALUES = ["", "900", "+1", "-0", "true", "1e3", "aGk=", "2026-11-23T03:22:11Z", ROLE, "s1"]
# fmt: on


def forms(model: Any, keys: list[str]) -> st.SearchStrategy[dict[str, str]]:
    version = model.metadata["apiVersion"]
    head = st.fixed_dictionaries(
        {},
        optional={
            "Action": st.sampled_from([*model.operation_names, "", "Nope"]),
            "Version": st.sampled_from([version, version, "", "2010-01-01"]),
        },
    )
    rest = st.dictionaries(
        st.sampled_from(keys) | st.text(max_size=20),
        st.sampled_from(_VALUES) | st.text(max_size=30),
        max_size=8,
    )
    return st.tuples(head, rest).map(lambda pair: {**pair[1], **pair[0]})


@given(forms(STS, _STS_KEYS))
def test_random_sts_forms_only_raise_aws_errors(form: dict[str, str]) -> None:
    with contextlib.suppress(AwsError, MissingAction):
        decode(STS, form)


@given(forms(SYNTHETIC, _SYNTHETIC_KEYS))
def test_random_synthetic_forms_only_raise_aws_errors(form: dict[str, str]) -> None:
    with contextlib.suppress(AwsError, MissingAction):
        decode(SYNTHETIC, form)


@given(st.text() | st.text(alphabet="%%3aAF2f+x\u00e9"))
def test_form_unquoting_agrees_with_the_standard_library(text: str) -> None:
    """The ASCII fast path and its fallback decode exactly as unquote_plus does."""
    assert _unquote_plus(text) == unquote_plus(text)
    encoded = quote_plus(text)
    assert _unquote_plus(encoded) == unquote_plus(encoded) == text


@pytest.mark.parametrize(
    "raw",
    [
        *("%", "%4", "%zz", "a%3Ab%3ac", "%E2%82%AC", "+%2B+", "%%41", "%41%"),
        *("%7B%22Version%22%3A%222012-10-17%22%7D", "%5C%22%5Cx41", "a\\b%41", "%80", "%7f"),
        *("%00%0A%0d", "caf\u00e9%41", "%4%41", "%x41"),
    ],
)
def test_form_unquoting_of_odd_escapes(raw: str) -> None:
    assert _unquote_plus(raw) == unquote_plus(raw)
