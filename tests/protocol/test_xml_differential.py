"""The compiled XML writers write exactly the bytes of the recursive reference encoder.

``tests/protocol/xml_reference.py`` is the encoder as it was before its
writers were compiled (every member inspected, every string escaped, per
response).  For every output shape of every STS operation, of every IAM
operation the mock answers and of the synthetic model (maps, flattened lists,
blobs, recursion), hypothesis builds random results: strings with XML
specials, control characters, lone surrogates and non-ASCII text, long plain
strings (the one-pass check's ASCII path), ints, bools, floats, timestamps in
and out of UTC, nested structures and lists, members absent or ``None``, and
now and then a value of another type than the model's.  Both encoders must
give the same bytes, or raise the same exception type.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.errors import AwsError
from pytest_stsmock.operations import IAM_OPERATIONS, OPERATIONS
from pytest_stsmock.protocol import xml
from pytest_stsmock.protocol.model import load_service_model
from tests.helpers.shapes import synthetic_model
from tests.protocol import xml_reference

STS = load_service_model()
IAM = load_service_model("iam")
SYNTHETIC = synthetic_model()

_SPECIALS = list("&<>\r\n\t\"'\x00\x01\x08\x0b\x0c\x1f\x7f\x85é€\ud800\udfff\ufffe\uffff")
_CHAR = st.characters(codec=None) | st.sampled_from(_SPECIALS)
_PLAIN = st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(lambda c: c not in "&<>")
_TEXT = (
    st.text(_CHAR, max_size=12)
    | st.text(_PLAIN, max_size=12)
    | st.text(_PLAIN, min_size=60, max_size=90)  # past the short-text limit: the ASCII path
    | st.builds(
        lambda a, c, b: a + c + b,
        st.text(_PLAIN, min_size=70, max_size=80),
        _CHAR,
        st.text(_PLAIN, max_size=4),
    )
)
_ZONES: st.SearchStrategy[Any] = st.sampled_from(
    [None, datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-7, minutes=-30))]
)
_TIMES = st.datetimes(
    min_value=datetime.datetime(1971, 1, 1),
    max_value=datetime.datetime(2200, 1, 1),
    timezones=_ZONES,
)
_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": _TEXT,
    "integer": st.integers() | st.booleans(),
    "long": st.integers(),
    "boolean": st.booleans(),
    "float": st.floats() | st.integers(-5, 5),
    "double": st.floats(),
    "timestamp": _TIMES | st.integers(0, 2**32) | st.floats(0, 2**32),
    "blob": st.binary(max_size=16),
}


@functools.cache
def _value(shape: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        if depth > 3:
            return st.just({})
        members = {name: _value(member, depth + 1) for name, member in shape.members.items()}
        full = st.fixed_dictionaries(members)  # the compiled one-step path wants every member
        some = st.fixed_dictionaries(
            {}, optional={name: st.none() | value for name, value in members.items()}
        )
        return full | some
    if kind == "list":
        return st.lists(_value(shape.member, depth + 1), max_size=0 if depth > 3 else 2)
    if kind == "map":
        values = st.none() | _value(shape.value, depth + 1)
        return st.dictionaries(_TEXT, values, max_size=0 if depth > 3 else 2)
    scalar = _SCALARS.get(kind, _TEXT)
    return scalar | (_TEXT if kind in ("boolean", "timestamp", "integer", "long") else scalar)


def _operations() -> list[Any]:
    ops = [STS.operation_model(name) for name in STS.operation_names]
    ops += [IAM.operation_model(name) for name in sorted(IAM_OPERATIONS)]
    ops += [SYNTHETIC.operation_model(name) for name in SYNTHETIC.operation_names]
    return [op for op in ops if op.output_shape is not None]


def _outcome(encode: Any, *args: Any) -> bytes | type[BaseException]:
    try:
        body: bytes = encode(*args)
    except Exception as exc:  # compared, not hidden: both must fail alike
        return type(exc)
    return body


_REQUEST_IDS = st.just("c6104cbe-af31-11e0-8154-cbc7ccf896c7") | _TEXT


def test_every_answered_operation_is_covered() -> None:
    names = {op.name for op in _operations()}
    # An older botocore (the min environment) lacks the newest STS operations; every
    # operation its model has and the mock answers must be covered.
    assert set(OPERATIONS) & set(STS.operation_names) <= names
    assert {n for n in IAM_OPERATIONS if IAM.operation_model(n).output_shape} <= names
    assert {"GetCallerIdentity", "AssumeRoleWithWebIdentity", "GetRole", "CreateRole"} <= names


@pytest.mark.parametrize(
    "op", [op for op in _operations() if op.service_model is not IAM], ids=lambda op: op.name
)
@given(data=st.data())
def test_compiled_writers_match_the_reference(op: Any, data: st.DataObject) -> None:
    _same_bytes(op, data)


_IAM_OPERATIONS = [op for op in _operations() if op.service_model is IAM]


@given(data=st.data())
def test_compiled_writers_match_the_reference_iam(data: st.DataObject) -> None:
    """Some forty IAM operations: each example picks one (a test per operation would
    cost the suite half a minute)."""
    op = data.draw(st.sampled_from(_IAM_OPERATIONS), label="operation")
    _same_bytes(op, data)


def _same_bytes(op: Any, data: st.DataObject) -> None:
    result = data.draw(_value(op.output_shape), label="result")
    request_id = data.draw(_REQUEST_IDS, label="request_id")
    new = _outcome(xml.encode_result, op, result, request_id)
    old = _outcome(xml_reference.encode_result, op, result, request_id)
    assert new == old


@pytest.mark.parametrize("name", ["GetCallerIdentity", "AssumeRole", "GetSessionToken"])
def test_a_full_result_is_written_in_one_step_and_escaped_when_needed(name: str) -> None:
    """The one-step path and the escaping rewrite, each taken on purpose."""
    op = STS.operation_model(name)
    plain = {"Arn": "arn:aws:iam::123456789012:user/a", "UserId": "AIDA", "Account": "1"}
    creds = {
        "AccessKeyId": "ASIA",
        "SecretAccessKey": "s" * 40,
        "SessionToken": "t" * 800,
        "Expiration": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    }
    results: dict[str, dict[str, Any]] = {
        "GetCallerIdentity": plain,
        "GetSessionToken": {"Credentials": creds},
        "AssumeRole": {"Credentials": creds, "AssumedRoleUser": {"Arn": "a", "AssumedRoleId": "b"}},
    }
    result = results[name]
    rid = "r"
    assert xml.encode_result(op, result, rid) == xml_reference.encode_result(op, result, rid)
    for special in ("&", "<", ">", "\r", "\x01", "\ud800", "\ufffe"):  # in the last text checked
        rid = "r" + special
        assert xml.encode_result(op, result, rid) == xml_reference.encode_result(op, result, rid)
    assert b"<RequestId>r&amp;</RequestId>" in xml.encode_result(op, result, "r&")


@given(code=_TEXT, message=_TEXT, request_id=_REQUEST_IDS, status=st.sampled_from([400, 500]))
def test_errors_match_the_reference(code: str, message: str, request_id: str, status: int) -> None:
    error = AwsError(code, message, status=status)
    new = _outcome(xml.encode_error, error, request_id, "https://sts.amazonaws.com/doc/2011-06-15/")
    old = _outcome(
        xml_reference.encode_error, error, request_id, "https://sts.amazonaws.com/doc/2011-06-15/"
    )
    assert new == old
