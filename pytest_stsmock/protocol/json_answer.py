"""Encode results and errors as the JSON STS sends when a request asks for it.

A query-protocol request with ``Accept: application/json`` is answered in
JSON (aws-iam-authenticator's verifier sends that header and parses the
answer; kubernetes-sigs/aws-iam-authenticator, pkg/token/token.go)::

    {"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"...",
    "Arn":"...","UserId":"..."},"ResponseMetadata":{"RequestId":"..."}}}

and an error as ``{"Error":{"Code":...,"Message":...,"Type":"Sender"},
"RequestId":...}`` (an STS error received with that header,
clousale/amazon-sp-api-php#58).

Design decisions:

* **Driven by the model**, like :mod:`.xml`: one writer per output shape,
  built once and cached by shape identity.  The envelope is the XML one
  (``<Operation>Response``, the result wrapper, ``ResponseMetadata``) and
  member names are the XML element names (``locationName`` when given).
* **Compact, keys sorted, absent members ``null``**: the layout of answers
  recorded from AWS (elerch/aws-sdk-for-zig, src/aws_test.zig: STS
  GetCallerIdentity with sorted keys, SQS ListQueues with ``null`` for every
  member it had no value for).  Every member of a structure is written.
* **Emulator-defined (OURS)**, as no STS answer with them is on record:
  timestamps are epoch seconds written as Java writes a double
  (``1.7647776E9``; AWS's JSON services send timestamps so, e.g. ECR's
  ``expiresAt`` in the same recordings), whole seconds as in the XML; blobs
  are base64 strings; lists are arrays (flattened or not), maps objects.
* Non-ASCII text is written as UTF-8; a lone surrogate becomes a ``\\uXXXX``
  escape, so the body is always valid UTF-8 and valid JSON.
* :func:`accepts_json` reads the Accept header: JSON when
  ``application/json`` is listed with a quality not lower than XML's (and
  not 0); anything else, including ``*/*`` and no header, stays XML.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import OperationModel  # type: ignore[import-untyped, unused-ignore]

from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol.model import wire_name

__all__ = ["CONTENT_TYPE", "accepts_json", "encode_error", "encode_result"]

CONTENT_TYPE = "application/json"

_Writer = Callable[[Any], str]
_UTC = datetime.timezone.utc
_XML_TYPES = ("text/xml", "application/xml")


def accepts_json(accept: str | None) -> bool:
    """True when an ``Accept`` header asks for JSON rather than XML."""
    if not accept:  # the common case: botocore sends none
        return False
    accept = accept.lower()
    if "json" not in accept:
        return False
    json_q = xml_q = -1.0
    for media_range in accept.split(","):
        kind, *parameters = (part.strip() for part in media_range.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind == CONTENT_TYPE:
            json_q = max(json_q, quality)
        elif kind in _XML_TYPES:
            xml_q = max(xml_q, quality)
    return json_q > 0 and json_q >= xml_q


def _dumps(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _encode(document: str) -> bytes:
    # A lone surrogate cannot be UTF-8; backslashreplace writes it as \udXXX,
    # which is the JSON escape of that code unit.
    return document.encode("utf-8", "backslashreplace")


def encode_result(op: OperationModel, result: Mapping[str, Any], request_id: str) -> bytes:
    """The success document for operation ``op`` carrying ``result``."""
    head, write = _plan(op)
    inner = f'"ResponseMetadata":{{"RequestId":{_dumps(request_id)}}}'
    if write is not None:
        inner = f"{head}{write(result)},{inner}"
    return _encode(f'{{"{op.name}Response":{{{inner}}}}}')


@functools.cache
def _plan(op: OperationModel) -> tuple[str, _Writer | None]:
    """The result member's key (``"XResult":``) and writer; None when ``op`` has no output."""
    shape = op.output_shape
    if shape is None:
        return "", None
    wrapper = shape.serialization.get("resultWrapper") or f"{op.name}Result"
    return f"{_dumps(wrapper)}:", _writer(shape)


def encode_error(error: AwsError, request_id: str) -> bytes:
    """AWS's JSON error document for ``error`` (``Type`` is ``Sender`` or ``Receiver``)."""
    fault = "Sender" if error.sender else "Receiver"
    return _encode(
        f'{{"Error":{{"Code":{_dumps(error.code)},"Message":{_dumps(error.message)},'
        f'"Type":"{fault}"}},"RequestId":{_dumps(request_id)}}}'
    )


# --- scalars ---------------------------------------------------------------------


def _java_double(value: float) -> str:
    """``value`` as Java's ``Double.toString`` writes it (``1.7E9``, ``12.5``, ``0.0``)."""
    if value != value or value in (float("inf"), float("-inf")):
        return "null"  # JSON has no NaN or infinity
    if value == 0:
        return "0.0"
    if 1e-3 <= abs(value) < 1e7:
        return repr(float(value))  # Python's plain form is Java's in this range
    number = decimal.Decimal(repr(abs(float(value))))
    digits = "".join(map(str, number.as_tuple().digits)).rstrip("0") or "0"
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{number.adjusted()}"


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return _java_double(float(int(value.timestamp())))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _java_double(float(int(value)))
    return _dumps(str(value))


def _boolean(value: Any) -> str:
    if isinstance(value, str):
        return _dumps(value)
    return "true" if value else "false"


def _integer(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _dumps(str(value))


def _float(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _java_double(float(value))
    return _dumps(str(value))


def _blob(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    return _dumps(base64.b64encode(value).decode("ascii"))


def _text(value: Any) -> str:
    return _dumps(value if isinstance(value, str) else str(value))


_SCALARS: dict[str, _Writer] = {
    "timestamp": _timestamp,
    "boolean": _boolean,
    "integer": _integer,
    "long": _integer,
    "float": _float,
    "double": _float,
    "blob": _blob,
}


# --- containers ------------------------------------------------------------------


@functools.cache
def _writer(shape: Any) -> _Writer:
    """A function writing one value of ``shape`` as JSON text."""
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape)
    if kind == "list":
        return _list(shape)
    if kind == "map":
        return _map(shape)
    return _SCALARS.get(kind, _text)


def _structure(shape: Any) -> _Writer:
    members = sorted(
        (wire_name(member, name), name, member) for name, member in shape.members.items()
    )
    # Keys are prepared once; writers are looked up on first use (shapes may recurse).
    keys = [(f"{_dumps(wire)}:", name, member) for wire, name, member in members]

    def write(value: Any) -> str:
        parts = []
        for key, name, member in keys:
            item = value.get(name) if isinstance(value, Mapping) else None
            parts.append(key + ("null" if item is None else _writer(member)(item)))
        return "{" + ",".join(parts) + "}"

    return write


def _list(shape: Any) -> _Writer:
    def write(value: Any) -> str:
        element = _writer(shape.member)
        return "[" + ",".join("null" if item is None else element(item) for item in value) + "]"

    return write


def _map(shape: Any) -> _Writer:
    def write(value: Any) -> str:
        element = _writer(shape.value)
        return (
            "{"
            + ",".join(
                f"{_text(key)}:{'null' if item is None else element(item)}"
                for key, item in value.items()
            )
            + "}"
        )

    return write
