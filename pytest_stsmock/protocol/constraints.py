"""Server-side constraint checks read from the service model, in AWS's words.

This module is the one place that writes AWS's validation wording::

    1 validation error detected: Value 'x' at 'roleSessionName' failed to
    satisfy constraint: Member must have length greater than or equal to 2

Design decisions:

* **Checkers are built once per shape** (cached by shape identity, resolved
  lazily so recursive shapes work) and then only compare values.
* **Order** follows the model: members in model order, depth first; within one
  value: pattern, then length (min, max), then value range (min, max), then
  enum.  "pattern before length" is pinned by a real AWS answer for an empty
  RoleArn; the position of the enum check is ours (STS has no enums).  A list's
  own length check comes before the checks of its elements.
* **Paths** are the member name with its first letter lower-cased (``RoleArn``
  -> ``roleArn``, ``SAMLAssertion`` -> ``sAMLAssertion``), joined with dots.
  List elements are ``<list>.<N>.member`` with N counted from 1, so a tag key
  is ``tags.1.member.key``; map entries are ``<map>.entry.<N>.key`` / ``.value``.
  AWS has not been observed answering for nested members: these paths are
  emulator-defined.
* **Values are echoed whole**, sensitive members included (whether AWS hides
  sensitive values is unknown).  Strings as they are, numbers in decimal,
  booleans ``true``/``false``, lists Java-style ``[a, b]``, structures
  ``{Key=a, Value=b}``, timestamps ISO 8601 and blobs base64: the rendering of
  anything but strings and numbers is emulator-defined.
* **Length** is ``len()`` of the Python string (Unicode code points); Java
  counts UTF-16 code units, so a value with characters outside the BMP may be
  judged slightly differently.  Blob length is the byte count.
* **Patterns** are Java regular expressions and must match the whole value
  (Java ``matches()``), translated to Python ``re`` once per pattern by
  :mod:`pytest_stsmock.protocol.java_regex`.
"""

from __future__ import annotations

import base64
import datetime
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol.java_regex import java_regex

__all__ = ["check", "violations"]

_Out = list[str]
_Check = Callable[[Any, str, _Out], None]

_CONSTRAINT = "' failed to satisfy constraint: Member must "


# --- messages -------------------------------------------------------------


def _render(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def _fail(out: _Out, value: Any, path: str, rule: str) -> None:
    out.append(f"Value '{_render(value)}' at '{path}{_CONSTRAINT}{rule}")


def _message(parts: list[str]) -> str:
    count = len(parts)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(parts)


def violations(shape: StructureShape, params: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every constraint ``params`` break in structure ``shape``, in AWS's order and words."""
    out: _Out = []
    _checker(shape)(params, prefix, out)
    return out


#: AWS checks that a RoleArn that passed the model's own checks looks like an
#: ARN (``arn:<partition>:<service>:<region>:<account>:<resource>``, partition,
#: service and resource non-empty), before reporting any other member's
#: violations; a failure is ``<value> is invalid``.
_ARN_SHAPE = re.compile(r"arn:[^:]+:[^:]+:[^:]*:[^:]*:[^:]+", re.DOTALL)


#: Limits AWS documents that the model does not carry: "You can pass up to 10
#: managed policy ARNs" for PolicyArns.  Reported in the model's wording (ours).
_DOCUMENTED_MAX_LENGTH = {"PolicyArns": 10}
#: A PolicyArns entry without its ARN names no policy; the model leaves the
#: member optional, we report it as AWS reports a missing required member (ours).
_DOCUMENTED_REQUIRED = {"PolicyArns": "arn"}


def check(op_model: OperationModel, params: Mapping[str, Any]) -> None:
    """Raise ``AwsError("ValidationError", ...)`` if ``params`` break the input shape."""
    shape = op_model.input_shape
    out = [] if shape is None else violations(shape, params)
    for member, field in _DOCUMENTED_REQUIRED.items():
        for index, entry in enumerate(params.get(member) or (), 1):
            if isinstance(entry, Mapping) and entry.get(field) is None:
                path = f"{_camel(member)}.{index}.member.{field}"
                out.append(f"Value null at '{path}{_CONSTRAINT}not be null")
    for member, limit in _DOCUMENTED_MAX_LENGTH.items():
        value = params.get(member)
        if isinstance(value, list) and len(value) > limit:
            _fail(out, value, _camel(member), f"have length less than or equal to {limit}")
    role_arn = params.get("RoleArn")
    if (
        isinstance(role_arn, str)
        and not _ARN_SHAPE.fullmatch(role_arn)
        and not any(" at 'roleArn' " in part for part in out)
    ):
        raise msg.role_arn_invalid(role_arn)
    if out:
        raise AwsError("ValidationError", _message(out))


# --- checkers, one per shape ----------------------------------------------


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


@functools.cache
def _checker(shape: Shape) -> _Check:
    kind = shape.type_name
    if kind == "structure":
        return _structure_checker(shape)
    if kind == "list":
        return _list_checker(shape)
    if kind == "map":
        return _map_checker(shape)
    return _scalar_checker(shape)


def _structure_checker(shape: Any) -> _Check:
    members: list[tuple[str, str, bool, Any]] | None = None

    def resolve() -> list[tuple[str, str, bool, Any]]:
        required = set(shape.required_members)
        return [
            (name, _camel(name), name in required, member) for name, member in shape.members.items()
        ]

    def run(value: Any, path: str, out: _Out) -> None:
        nonlocal members
        if not isinstance(value, Mapping):
            return
        if members is None:
            members = resolve()
        for name, camel, required, member in members:
            item = value.get(name)
            if item is None and not required:
                continue
            where = f"{path}.{camel}" if path else camel
            if item is None:
                out.append(f"Value null at '{where}{_CONSTRAINT}not be null")
                continue
            _checker(member)(item, where, out)

    return run


def _limits(out: _Out, value: Any, path: str, measured: Any, bounds: Any, noun: str) -> None:
    low, high = bounds
    if low is not None and measured < low:
        _fail(out, value, path, f"have {noun} greater than or equal to {low}")
    if high is not None and measured > high:
        _fail(out, value, path, f"have {noun} less than or equal to {high}")


def _bounds(shape: Any) -> tuple[Any, Any]:
    meta = shape.metadata
    return meta.get("min"), meta.get("max")


def _list_checker(shape: Any) -> _Check:
    bounds = _bounds(shape)
    element: _Check | None = None

    def run(value: Any, path: str, out: _Out) -> None:
        if not isinstance(value, (list, tuple)):
            return
        _limits(out, value, path, len(value), bounds, "length")
        nonlocal element
        if element is None:
            element = _checker(shape.member)
        for index, item in enumerate(value, 1):
            if item is not None:
                element(item, f"{path}.{index}.member", out)

    return run


def _map_checker(shape: Any) -> _Check:
    bounds = _bounds(shape)

    def run(value: Any, path: str, out: _Out) -> None:
        if not isinstance(value, Mapping):
            return
        _limits(out, value, path, len(value), bounds, "length")
        key_check, value_check = _checker(shape.key), _checker(shape.value)
        for index, (key, item) in enumerate(value.items(), 1):
            key_check(key, f"{path}.entry.{index}.key", out)
            if item is not None:
                value_check(item, f"{path}.entry.{index}.value", out)

    return run


def _scalar_checker(shape: Any) -> _Check:
    meta = shape.metadata
    bounds = _bounds(shape)
    kind = shape.type_name
    pattern_text: str | None = meta.get("pattern") if kind == "string" else None
    pattern = java_regex(pattern_text) if pattern_text is not None else None
    enum: list[str] = list(meta.get("enum") or ()) if kind == "string" else []
    enum_rule = "satisfy enum value set: [" + ", ".join(enum) + "]"
    measure_length = kind in ("string", "blob")

    low = -math.inf if bounds[0] is None else bounds[0]
    high = math.inf if bounds[1] is None else bounds[1]

    def run(value: Any, path: str, out: _Out) -> None:
        if pattern is not None and isinstance(value, str) and pattern.fullmatch(value) is None:
            _fail(out, value, path, f"satisfy regular expression pattern: {pattern_text}")
        if measure_length:
            if isinstance(value, (str, bytes, bytearray)) and not low <= len(value) <= high:
                _limits(out, value, path, len(value), bounds, "length")
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and not low <= value <= high
        ):
            _limits(out, value, path, value, bounds, "value")
        if enum and value not in enum:
            _fail(out, value, path, enum_rule)

    return run
