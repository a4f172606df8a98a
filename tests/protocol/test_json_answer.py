"""JSON answers (Accept: application/json): envelope, member names and values, errors."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol.json_answer import (
    _java_double,
    accepts_json,
    encode_error,
    encode_result,
)
from pytest_stsmock.protocol.model import load_service_model, wire_name
from tests.helpers.shapes import EXAMPLE_TIME, example_output, synthetic_model

STS = load_service_model()
SYNTHETIC = synthetic_model()
RID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"


def read(shape: Any, value: Any) -> Any:
    """What a JSON consumer makes of our value, back in the result's Python terms."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict) and set(value) == {
            wire_name(member, name) for name, member in shape.members.items()
        }, "every member is written, absent ones as null"
        out = {}
        for name, member in shape.members.items():
            item = read(member, value[wire_name(member, name)])
            if item is not None:
                out[name] = item
        return out
    if kind == "list":
        assert isinstance(value, list)
        return [read(shape.member, item) for item in value]
    if kind == "map":
        assert isinstance(value, dict)
        return {key: read(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        assert isinstance(value, float)
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if kind == "blob":
        return base64.b64decode(value)
    return value


def envelope(op: Any, body: bytes) -> Any:
    document = json.loads(body)
    assert list(document) == [f"{op.name}Response"]
    response = document[f"{op.name}Response"]
    assert response.pop("ResponseMetadata") == {"RequestId": RID}
    if op.output_shape is None:
        assert response == {}
        return None
    wrapper = op.output_shape.serialization.get("resultWrapper") or f"{op.name}Result"
    assert list(response) == [wrapper]
    return response[wrapper]


def expected(result: Any) -> Any:
    """``result`` as the answer carries it: timestamps to whole seconds, blobs as bytes."""
    if isinstance(result, dict):
        return {key: expected(value) for key, value in result.items()}
    if isinstance(result, list):
        return [expected(value) for value in result]
    if isinstance(result, datetime.datetime):
        return result.replace(microsecond=0)
    return result


@pytest.mark.parametrize("operation", STS.operation_names)
def test_every_sts_result_round_trips(operation: str) -> None:
    op = STS.operation_model(operation)
    result = example_output(op)
    assert read(op.output_shape, envelope(op, encode_result(op, result, RID))) == expected(result)


def test_every_shape_feature_round_trips() -> None:
    op = SYNTHETIC.operation_model("Everything")
    result = example_output(op)
    result["Data"] = b"\x00\xffbytes"
    result["When"] = EXAMPLE_TIME.replace(microsecond=654321)
    document = envelope(op, encode_result(op, result, RID))
    assert "OtherName" in document and "Renamed" not in document  # the XML element name
    assert read(op.output_shape, document) == expected(result)


def test_an_operation_without_output_has_only_metadata() -> None:
    op = SYNTHETIC.operation_model("Nothing")
    assert encode_result(op, {}, RID) == (
        b'{"NothingResponse":{"ResponseMetadata":{"RequestId":"' + RID.encode() + b'"}}}'
    )


# --- exact bytes ----------------------------------------------------------------------


def test_get_caller_identity_bytes_as_aws_iam_authenticator_reads_them() -> None:
    op = STS.operation_model("GetCallerIdentity")
    result = {"UserId": "AIDAEXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::1:user/u"}
    assert encode_result(op, result, RID) == (
        b'{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012",'
        b'"Arn":"arn:aws:iam::1:user/u","UserId":"AIDAEXAMPLE"},'
        b'"ResponseMetadata":{"RequestId":"' + RID.encode() + b'"}}}'
    )


@pytest.mark.skipif(
    "SessionTokenSize" not in STS.operation_model("AssumeRole").output_shape.members,
    reason="this botocore's AssumeRole output has no SessionTokenSize (newer than the oldest)",
)
def test_assume_role_bytes_sorted_with_nulls_and_epoch_seconds() -> None:
    op = STS.operation_model("AssumeRole")
    result = {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": datetime.datetime(2026, 12, 1, 9, 0, 0, 500000, datetime.timezone.utc),
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:s", "Arn": "arn:aws:sts::1:r/s"},
    }
    assert encode_result(op, result, RID) == (
        b'{"AssumeRoleResponse":{"AssumeRoleResult":{"AssumedRoleUser":{"Arn":"arn:aws:sts::1:r/s",'
        b'"AssumedRoleId":"AROAEXAMPLE:s"},"Credentials":{"AccessKeyId":"ASIAEXAMPLE",'
        b'"Expiration":1.7961156E9,"SecretAccessKey":"secret","SessionToken":"token"},'
        b'"PackedPolicySize":null,"SessionTokenSize":null,"SessionTokenUtilization":null,'
        b'"SourceIdentity":null},'
        b'"ResponseMetadata":{"RequestId":"' + RID.encode() + b'"}}}'
    )


@pytest.mark.parametrize(
    ("error", "expected_body"),
    [
        (
            AwsError("AccessDenied", 'User: "a" <b> & é', 403),
            b'{"Error":{"Code":"AccessDenied","Message":"User: \\"a\\" <b> & \xc3\xa9",'
            b'"Type":"Sender"},"RequestId":"' + RID.encode() + b'"}',
        ),
        (
            AwsError("InternalFailure", "oops"),
            b'{"Error":{"Code":"InternalFailure","Message":"oops","Type":"Receiver"},'
            b'"RequestId":"' + RID.encode() + b'"}',
        ),
    ],
)
def test_error_bytes(error: AwsError, expected_body: bytes) -> None:
    assert encode_error(error, RID) == expected_body


@given(text=st.text())
def test_any_text_gives_valid_utf8_json_that_reads_back(text: str) -> None:
    body = encode_error(AwsError("ValidationError", text), RID)
    message = json.loads(body.decode("utf-8"))["Error"]["Message"]
    assert message == text


@pytest.mark.parametrize(
    ("value", "java"),
    [
        (1764579600.0, "1.7645796E9"),
        (1700000000.0, "1.7E9"),
        (1594932929.0, "1.594932929E9"),
        (12.5, "12.5"),
        (3.0, "3.0"),
        (0.0, "0.0"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (1e7, "1.0E7"),
        (9999999.0, "9999999.0"),
        (-2.5e10, "-2.5E10"),
        (float("nan"), "null"),
        (float("inf"), "null"),
    ],
)
def test_numbers_are_written_as_java_writes_doubles(value: float, java: str) -> None:
    assert _java_double(value) == java
    if java != "null":
        assert float(json.loads(java)) == value


# --- content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        ("application/json", True),
        ("Application/JSON", True),
        ("application/json; charset=utf-8", True),
        ("text/xml, application/json", True),
        ("application/json;q=0.9, text/xml;q=0.5", True),
        ("*/*", False),
        ("", False),
        (None, False),
        ("text/xml", False),
        ("application/json;q=0", False),
        ("application/json;q=0.5, text/xml", False),
        ("application/json;q=bad", False),
        ("application/jsonl", False),
        ("application/x-amz-json-1.1", False),
    ],
)
def test_accept_header_chooses_json(accept: str | None, wanted: bool) -> None:
    assert accepts_json(accept) is wanted


def test_values_of_other_python_types_are_written_as_the_xml_encoder_takes_them() -> None:
    """Results may carry a naive datetime, epoch seconds or text where the model has a type."""
    op = SYNTHETIC.operation_model("Everything")
    naive = datetime.datetime(2026, 12, 1, 9, 0, 0)
    for when, wire in ((naive, 1.7961156e9), (1796115600.7, 1.7961156e9), ("later", "later")):
        assert envelope(op, encode_result(op, {"When": when}, RID))["When"] == wire
    document = envelope(
        op,
        encode_result(op, {"Flag": "yes", "Count": "3", "Ratio": "1/2", "Data": "é"}, RID),
    )
    assert (document["Flag"], document["Count"], document["Ratio"]) == ("yes", "3", "1/2")
    assert document["Data"] == base64.b64encode("é".encode()).decode()
    document = envelope(op, encode_result(op, {"Flag": False, "Count": 3, "Ratio": 2}, RID))
    assert (document["Flag"], document["Count"], document["Ratio"]) == (False, 3, 2.0)
