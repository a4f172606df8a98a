"""Decode AWS query-protocol requests, driven by the service model.

A query request is a flat form (``Action=AssumeRole&Version=2011-06-15&
RoleArn=...&Tags.member.1.Key=team``).  :func:`decode` turns it into the
parameters a boto3 user passed, keyed by the model's member names, with Python
values (``{"RoleArn": ..., "Tags": [{"Key": ..., "Value": ...}],
"DurationSeconds": 900}``), then runs the model's constraint checks.

Design decisions:

* **One walker per shape, built once.**  Each shape gets a small decoder
  closure (cached by shape identity, resolved lazily so recursive shapes
  work); a request only does dictionary look-ups and ``str.partition``.  A
  structure groups its keys by their first dotted segment, so the whole form
  is read in one pass per nesting level.
* **Wire names follow botocore's query serializer**: ``locationName`` when
  the model gives one, lists as ``Name.member.N`` (``Name.N`` when
  flattened, with the member's ``locationName`` replacing the list's name),
  maps as ``Name.entry.N.key`` / ``.value``, an empty list as ``Name=``.
* **Forgiving like AWS**: duplicate keys keep the first value, unknown keys
  are ignored, list indices may have gaps and are ordered numerically, an
  element without members decodes to ``{}`` (the constraint check then
  reports its missing required members).
* **Action and Version** give AWS's ``InvalidAction`` texts.  A request with
  no ``Action`` at all is answered by AWS with a 302 redirect and no body;
  that is not an AWS error document, so it is the separate exception
  :class:`MissingAction` that the request pipeline turns into the redirect.
* **Scalars that do not parse** give ``MalformedInput`` (400) before any
  constraint check.  ``missing value for decimal type`` (an empty number) is
  AWS's text; the others are emulator-defined: ``missing value for <type>
  type`` for other empty values and ``invalid value '<v>' for <type> type``
  for garbage, where type is ``decimal`` (all numbers), ``boolean``,
  ``timestamp`` or ``blob``.  Integers accept ``+900`` and ``0900`` (as AWS
  does) and must fit Java's int (``long``: 64 bits); booleans are ``true`` /
  ``false`` in any case; timestamps are ISO 8601 (no offset means UTC) or
  epoch seconds; blobs are base64.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel

from pytest_stsmock import _messages as msg
from pytest_stsmock.protocol import constraints
from pytest_stsmock.protocol.model import wire_name

__all__ = ["MissingAction", "decode", "parse_form"]

_Scalar = Callable[[str], Any]
_Node = Callable[[Mapping[str, str]], Any]
# How a member is read: its shape's type name (as botocore's serializers dispatch on
# it) and a decoder: of one form value for a scalar type, of the sub-form under the
# member's name for "structure", "list" and "map".  A list also accepts the bare key
# with an empty value as [].
_Reader = tuple[str, Callable[[Any], Any]]
_CONTAINERS = frozenset({"structure", "list", "map"})


class MissingAction(Exception):
    """The request carries no ``Action`` parameter at all.

    AWS answers this with ``302 Found``, no body and ``Location:
    https://aws.amazon.com/iam`` (GET: ``...?Version=2011-06-15``), not with
    an error document, so it is not an :class:`AwsError`; the request
    pipeline turns it into that redirect.
    """


def parse_form(raw: bytes | str) -> dict[str, str]:
    """Parse an ``application/x-www-form-urlencoded`` body or a GET query string.

    Keys and values are URL-decoded (``+`` is a space, invalid UTF-8 is
    replaced); the first value of a repeated key wins; blank values are kept.
    """
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.startswith("?"):
        text = text[1:]
    form: dict[str, str] = {}
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        if "%" in key or "+" in key:
            key = _unquote_plus(key)
        if key in form:
            continue
        if "%" in value or "+" in value:
            value = _unquote_plus(value)
        form[key] = value
    return form


def _unquote_plus(text: str) -> str:
    """``urllib.parse.unquote_plus``, with fast paths when every escape is an ASCII byte."""
    text = text.replace("+", " ")
    # An ARN's colons and slashes, as botocore and requests escape them: two C-level
    # replaces.  (The replacements are not hex digits, so no new escape can appear.)
    if "%3A" in text:
        text = text.replace("%3A", ":")
    if "%2F" in text:
        text = text.replace("%2F", "/")
    if "%" not in text:
        return text
    if text.isascii() and "\\" not in text:
        # A policy document's many escapes, decoded by C code: each ``%XX`` becomes a
        # ``\xXX`` escape of Python's unicode_escape codec (the text holds no other
        # backslash).  A stray ``%`` is a truncated escape there; an escape of a byte
        # above 0x7F would be read as Latin-1, not as UTF-8: both take the stdlib's path.
        try:
            decoded = text.replace("%", "\\x").encode("ascii").decode("unicode_escape")
        except UnicodeDecodeError:
            return unquote(text)
        if decoded.isascii():
            return decoded
    return unquote(text)


def decode(model: ServiceModel, form: Mapping[str, str]) -> tuple[OperationModel, dict[str, Any]]:
    """Return the operation a query form names and its validated parameters.

    Raises :class:`MissingAction` without an ``Action``, and :class:`AwsError`
    for an unknown action or version (``InvalidAction``), a malformed value
    (``MalformedInput``) or a constraint violation (``ValidationError``).
    """
    action = form.get("Action")
    if action is None:
        raise MissingAction
    version = form.get("Version")
    operation = _operations(model).get(action)
    if operation is None or version != model.metadata["apiVersion"]:
        shown = "NO_VERSION_SPECIFIED" if version is None else version
        raise msg.invalid_action(action, shown)
    shape = operation.input_shape
    params: dict[str, Any] = {} if shape is None else _reader(shape)[1](form)
    constraints.check(operation, params)
    return operation, params


@functools.cache
def _operations(model: ServiceModel) -> dict[str, OperationModel]:
    return {name: model.operation_model(name) for name in model.operation_names}


# --- scalars ----------------------------------------------------------------


def _string(text: str) -> str:
    return text


_INTEGER = re.compile(r"[+-]?[0-9]{1,25}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?"
)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _integer(bits: int) -> _Scalar:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def run(text: str) -> int:
        if not text:
            raise msg.missing_value("decimal")
        if _INTEGER.fullmatch(text) is None or not low <= (value := int(text)) <= high:
            raise msg.invalid_value(text, "decimal")
        return value

    return run


def _float(text: str) -> float:
    if not text:
        raise msg.missing_value("decimal")
    if _FLOAT.fullmatch(text) is None:
        raise msg.invalid_value(text, "decimal")
    return float(text)


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if not text:
        raise msg.missing_value("boolean")
    raise msg.invalid_value(text, "boolean")


def _timestamp(text: str) -> datetime.datetime:
    if not text:
        raise msg.missing_value("timestamp")
    try:
        if _FLOAT.fullmatch(text):
            return _EPOCH + datetime.timedelta(seconds=float(text))
        found = _TIMESTAMP.fullmatch(text)
        if found is not None:
            year, month, day, hour, minute, second, fraction, _, sign, oh, om = found.groups()
            offset = datetime.timedelta(hours=int(oh or 0), minutes=int(om or 0))
            zone = datetime.timezone(-offset if sign == "-" else offset)
            micro = int((fraction or "0")[:6].ljust(6, "0"))
            when = datetime.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second), micro, zone
            )
            return when.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):
        pass
    raise msg.invalid_value(text, "timestamp")


def _blob(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise msg.invalid_value(text, "blob") from None


_SCALARS: dict[str, _Scalar] = {
    "string": _string,
    "integer": _integer(32),
    "long": _integer(64),
    "float": _float,
    "double": _float,
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
}


# --- structures, lists and maps --------------------------------------------


def _index(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None


@functools.cache
def _reader(shape: Any) -> _Reader:
    kind: str = shape.type_name
    if kind == "structure":
        return kind, _structure(shape)
    if kind == "list":
        return kind, _list(shape)
    if kind == "map":
        return kind, _map(shape)
    return kind, _SCALARS.get(kind, _string)


def _structure(shape: Any) -> _Node:
    table: dict[str, tuple[str, str, Callable[[Any], Any]]] | None = None

    def build() -> dict[str, tuple[str, str, Callable[[Any], Any]]]:
        return {
            wire_name(member, name): (name, *_reader(member))
            for name, member in shape.members.items()
        }

    def run(sub: Mapping[str, str]) -> dict[str, Any]:
        nonlocal table
        if table is None:
            table = build()
        out: dict[str, Any] = {}
        nested: dict[str, dict[str, str]] = {}
        for key, value in sub.items():
            entry = table.get(key)
            if entry is not None:
                name, how, read = entry
                if how not in _CONTAINERS:
                    out[name] = read(value)
                elif how == "list" and not value:
                    out[name] = []
                continue
            head, dot, rest = key.partition(".")
            if dot and head in table and table[head][1] in _CONTAINERS:
                nested.setdefault(head, {})[rest] = value
        for head, part in nested.items():
            name, _, read = table[head]
            out[name] = read(part)
        return out

    return run


def _list(shape: Any) -> _Node:
    flattened = bool(shape.serialization.get("flattened"))
    element_name = None if flattened else shape.member.serialization.get("name", "member")

    element: _Reader | None = None

    def run(sub: Mapping[str, str]) -> list[Any]:
        nonlocal element
        if element is None:
            element = _reader(shape.member)
        how, read = element
        scalars: dict[int, str] = {}
        nodes: dict[int, dict[str, str]] = {}
        for key, value in sub.items():
            if element_name is not None:
                head, dot, key = key.partition(".")
                if head != element_name or not dot:
                    continue
            number, dot, rest = key.partition(".")
            index = _index(number)
            if index is None:
                continue
            if how not in _CONTAINERS:
                if not dot:
                    scalars.setdefault(index, value)
            elif dot:
                nodes.setdefault(index, {}).setdefault(rest, value)
        if how not in _CONTAINERS:
            return [read(scalars[i]) for i in sorted(scalars)]
        return [read(nodes[i]) for i in sorted(nodes)]

    return run


def _map(shape: Any) -> _Node:
    flattened = bool(shape.serialization.get("flattened"))
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")

    def run(sub: Mapping[str, str]) -> dict[Any, Any]:
        read_key = _reader(shape.key)[1]
        how, read_value = _reader(shape.value)
        entries: dict[int, dict[str, str]] = {}
        for key, value in sub.items():
            if not flattened:
                head, dot, key = key.partition(".")
                if head != "entry" or not dot:
                    continue
            number, dot, rest = key.partition(".")
            index = _index(number)
            if index is not None and dot:
                entries.setdefault(index, {}).setdefault(rest, value)
        out: dict[Any, Any] = {}
        for index in sorted(entries):
            entry = entries[index]
            if key_name not in entry:
                continue
            if how not in _CONTAINERS:
                if value_name in entry:
                    out[read_key(entry[key_name])] = read_value(entry[value_name])
                continue
            prefix = value_name + "."
            part = {k[len(prefix) :]: v for k, v in entry.items() if k.startswith(prefix)}
            if part or (how == "list" and entry.get(value_name) == ""):
                out[read_key(entry[key_name])] = read_value(part)
        return out

    return run
