"""XML encoding: our encoder -> botocore's parser, and AWS's exact envelopes."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.errors import AWS_FAULT_NAMESPACE, AwsError
from pytest_stsmock.protocol._xml_text import UNSAFE as _UNSAFE
from pytest_stsmock.protocol._xml_text import plain as _plain
from pytest_stsmock.protocol.model import load_service_model
from pytest_stsmock.protocol.xml import encode_error, encode_result
from tests.helpers.shapes import EXAMPLE_TIME, example_output, synthetic_model

STS = load_service_model()
SYNTHETIC = synthetic_model()  # built once: the codec caches per shape object
NS = "https://sts.amazonaws.com/doc/2011-06-15/"
RID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"


def parse(op: Any, body: bytes, status: int = 200) -> dict[str, Any]:
    response = {"status_code": status, "headers": {}, "body": body}
    parsed: dict[str, Any] = create_parser("query").parse(response, op.output_shape)
    return parsed


def round_trip(op: Any, result: dict[str, Any]) -> dict[str, Any]:
    parsed = parse(op, encode_result(op, result, RID))
    assert parsed.pop("ResponseMetadata")["RequestId"] == RID
    return parsed


@pytest.mark.parametrize("operation", STS.operation_names)
def test_botocore_parser_round_trip_sts(operation: str) -> None:
    op = STS.operation_model(operation)
    result = example_output(op)
    assert round_trip(op, result) == result


def test_synthetic_service_round_trip() -> None:
    op = SYNTHETIC.operation_model("Everything")
    result = example_output(op)
    assert round_trip(op, result) == result


def _iam_buildable() -> list[str]:
    iam = load_service_model("iam")
    names = []
    for name in iam.operation_names:
        try:
            example_output(iam.operation_model(name))
        except (ValueError, AssertionError):
            continue
        names.append(name)
    return names


IAM_OPERATIONS = _iam_buildable()


@pytest.mark.parametrize("operation", IAM_OPERATIONS)
def test_botocore_parser_round_trip_iam(operation: str) -> None:
    op = load_service_model("iam").operation_model(operation)
    result = example_output(op)
    assert round_trip(op, result) == result


# --- exact bytes --------------------------------------------------------------------------


def test_get_caller_identity_bytes_in_aws_order() -> None:
    op = STS.operation_model("GetCallerIdentity")
    result = {"UserId": "AIDAEXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::1:user/u"}
    assert encode_result(op, result, RID).decode() == (
        f'<GetCallerIdentityResponse xmlns="{NS}">\n'
        "  <GetCallerIdentityResult>\n"
        "    <Arn>arn:aws:iam::1:user/u</Arn>\n"
        "    <UserId>AIDAEXAMPLE</UserId>\n"
        "    <Account>123456789012</Account>\n"
        "  </GetCallerIdentityResult>\n"
        "  <ResponseMetadata>\n"
        f"    <RequestId>{RID}</RequestId>\n"
        "  </ResponseMetadata>\n"
        "</GetCallerIdentityResponse>\n"
    )


def test_assume_role_bytes_in_aws_order() -> None:
    op = STS.operation_model("AssumeRole")
    result = {
        "Credentials": {
            "AccessKeyId": "ASIAY34FZKBOKMUTVV7A",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": EXAMPLE_TIME,
        },
        "SourceIdentity": "alice",
        "PackedPolicySize": 16,
        "AssumedRoleUser": {"Arn": "arn:aws:sts::1:assumed-role/r/s", "AssumedRoleId": "AROA:s"},
        "SessionTokenSize": None,
    }
    assert encode_result(op, result, RID).decode() == (
        f'<AssumeRoleResponse xmlns="{NS}">\n'
        "  <AssumeRoleResult>\n"
        "    <AssumedRoleUser>\n"
        "      <AssumedRoleId>AROA:s</AssumedRoleId>\n"
        "      <Arn>arn:aws:sts::1:assumed-role/r/s</Arn>\n"
        "    </AssumedRoleUser>\n"
        "    <Credentials>\n"
        "      <AccessKeyId>ASIAY34FZKBOKMUTVV7A</AccessKeyId>\n"
        "      <SecretAccessKey>secret</SecretAccessKey>\n"
        "      <SessionToken>token</SessionToken>\n"
        "      <Expiration>2026-11-23T03:22:11Z</Expiration>\n"
        "    </Credentials>\n"
        "    <PackedPolicySize>16</PackedPolicySize>\n"
        "    <SourceIdentity>alice</SourceIdentity>\n"
        "  </AssumeRoleResult>\n"
        "  <ResponseMetadata>\n"
        f"    <RequestId>{RID}</RequestId>\n"
        "  </ResponseMetadata>\n"
        "</AssumeRoleResponse>\n"
    )


def test_empty_result_is_self_closing_and_parses_as_empty() -> None:
    op = STS.operation_model("GetCallerIdentity")
    body = encode_result(op, {}, RID)
    assert b"  <GetCallerIdentityResult/>\n  <ResponseMetadata>" in body
    assert round_trip(op, {}) == {}


def test_operation_without_output_has_no_result_element() -> None:
    op = SYNTHETIC.operation_model("Nothing")
    assert encode_result(op, {}, RID).decode() == (
        '<NothingResponse xmlns="https://example.com/doc/2020-01-01/">\n'
        "  <ResponseMetadata>\n"
        f"    <RequestId>{RID}</RequestId>\n"
        "  </ResponseMetadata>\n"
        "</NothingResponse>\n"
    )


def test_empty_list_and_flattened_list() -> None:
    op = SYNTHETIC.operation_model("Everything")
    body = encode_result(op, {"Named": [], "Flat": [], "Records": [{"Id": "r", "Tags": []}]}, RID)
    assert b"    <Named/>\n" in body
    assert b"<Flat" not in body
    assert round_trip(op, {"Named": [], "Records": [{"Id": "r", "Tags": []}]}) == {
        "Named": [],
        "Records": [{"Id": "r", "Tags": []}],
    }


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<a href=\"x\">&amp; 'q' </a>", id="markup"),
        pytest.param("line1\r\nline2\rline3\n", id="carriage-returns"),
        pytest.param("\u00e9\u4e2d\U0001f600", id="non-ascii"),
        pytest.param("", id="empty"),
    ],
)
def test_text_escaping_survives_botocore(text: str) -> None:
    op = STS.operation_model("DecodeAuthorizationMessage")
    assert round_trip(op, {"DecodedMessage": text}) == {"DecodedMessage": text}


@pytest.mark.parametrize(
    ("when", "wire"),
    [
        pytest.param(EXAMPLE_TIME.replace(microsecond=999999), "2026-11-23T03:22:11Z", id="drop"),
        pytest.param(
            datetime.datetime(2026, 11, 23, 3, 22, 11), "2026-11-23T03:22:11Z", id="naive"
        ),
        pytest.param(
            EXAMPLE_TIME.astimezone(datetime.timezone(datetime.timedelta(hours=-5))),
            "2026-11-23T03:22:11Z",
            id="offset",
        ),
    ],
)
def test_timestamps_are_utc_without_fraction(when: datetime.datetime, wire: str) -> None:
    op = STS.operation_model("GetSessionToken")
    credentials = {
        "AccessKeyId": "A",
        "SecretAccessKey": "S",
        "SessionToken": "T",
        "Expiration": when,
    }
    body = encode_result(op, {"Credentials": credentials}, RID)
    assert f"<Expiration>{wire}</Expiration>\n".encode() in body


# --- errors ---------------------------------------------------------------------------------


def error_bytes(namespace: str, kind: str, code: str, message: str) -> bytes:
    return (
        f'<ErrorResponse xmlns="{namespace}">\n'
        "  <Error>\n"
        f"    <Type>{kind}</Type>\n"
        f"    <Code>{code}</Code>\n"
        f"    <Message>{message}</Message>\n"
        "  </Error>\n"
        f"  <RequestId>{RID}</RequestId>\n"
        "</ErrorResponse>\n"
    ).encode()


ERRORS = [
    pytest.param(
        AwsError("ExpiredToken", "The security token included in the request is expired"),
        error_bytes(
            NS, "Sender", "ExpiredToken", "The security token included in the request is expired"
        ),
        id="sender",
    ),
    pytest.param(
        AwsError("InvalidAction", "Could not find operation X for version 2011-06-15",
                 namespace=AWS_FAULT_NAMESPACE),
        error_bytes(AWS_FAULT_NAMESPACE, "Sender", "InvalidAction",
                    "Could not find operation X for version 2011-06-15"),
        id="invalid-action-fault-namespace",
    ),
    pytest.param(
        AwsError("InternalFailure", "boom"),
        error_bytes(NS, "Receiver", "InternalFailure", "boom"),
        id="receiver",
    ),
    pytest.param(
        AwsError("MalformedPolicyDocument", "bad <policy> & more"),
        error_bytes(NS, "Sender", "MalformedPolicyDocument", "bad &lt;policy&gt; &amp; more"),
        id="escaped",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("error", "expected"), ERRORS)
def test_error_envelope_bytes(error: AwsError, expected: bytes) -> None:
    assert encode_error(error, RID, NS) == expected


@pytest.mark.parametrize(("error", "expected"), ERRORS)
def test_botocore_parses_our_errors(error: AwsError, expected: bytes) -> None:
    op = STS.operation_model("AssumeRole")
    parsed = parse(op, encode_error(error, RID, NS), error.status)
    assert parsed["Error"] == {
        "Type": "Sender" if error.sender else "Receiver",
        "Code": error.code,
        "Message": error.message,
    }
    assert parsed["ResponseMetadata"]["RequestId"] == RID


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def client_answering(status: int, body: bytes) -> Any:
    session = botocore.session.get_session()
    client = session.create_client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )

    def answer(request: Any, **_: Any) -> AWSResponse:
        headers = {"Content-Type": "text/xml", "x-amzn-RequestId": RID}
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send.sts", answer)
    return client


def test_botocore_client_raises_client_error() -> None:
    message = "Roles may not be assumed by root accounts."
    client = client_answering(403, encode_error(AwsError("AccessDenied", message, 403), RID, NS))
    with pytest.raises(ClientError) as caught:
        client.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="s1")
    assert caught.value.response["Error"] == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": message,
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert str(caught.value) == (
        f"An error occurred (AccessDenied) when calling the AssumeRole operation: {message}"
    )


def test_botocore_client_reads_our_result() -> None:
    op = STS.operation_model("AssumeRole")
    result = example_output(op)
    client = client_answering(200, encode_result(op, result, RID))
    response = client.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="s1")
    assert response.pop("ResponseMetadata")["RequestId"] == RID
    assert response == result


@given(
    st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x7F))
    | st.text(alphabet=st.characters(max_codepoint=0x7F), min_size=65)
    | st.text(min_size=65)
)
def test_plain_text_check_agrees_with_the_escaping_rules(text: str) -> None:
    """The ASCII fast path of the "nothing to escape" check never disagrees with the regex."""
    assert _plain(text) is (_UNSAFE.search(text) is None)


@pytest.mark.parametrize(
    ("code", "status", "sender"),
    [
        pytest.param("AccessDenied", 403, True, id="access-denied-403"),
        pytest.param("ValidationError", 400, True, id="unlisted-code-400"),
        pytest.param("InternalFailure", 500, False, id="server-fault-500-receiver"),
        pytest.param("NotImplemented", 501, False, id="not-implemented-501-receiver"),
    ],
)
def test_the_status_and_fault_side_come_from_the_code(code: str, status: int, sender: bool) -> None:
    error = AwsError(code, "m")
    assert (error.status, error.sender) == (status, sender)
