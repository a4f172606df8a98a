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
  (Java ``matches()``).  They are translated to Python ``re`` once per pattern
  (:func:`java_regex`): ``\\w \\d \\s`` stay ASCII as in Java, ``\\p{L}`` and
  friends come from Python's ``unicodedata`` (its Unicode version may differ
  from AWS's Java), and the models' ``\\u10000-\\u10FFFF`` is read as
  U+10000..U+10FFFF, the evident intent (Java would read ``\\u1000`` then ``0``).
"""

from __future__ import annotations

import array
import base64
import datetime
import functools
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape  # type: ignore[import-untyped, unused-ignore]

from pytest_stsmock.errors import AwsError

__all__ = ["check", "java_regex", "violations"]

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
        raise AwsError("ValidationError", f"{role_arn} is invalid")
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


# --- Java regular expressions -> Python re --------------------------------

_Ranges = list[tuple[int, int]]

# Java's predefined classes are ASCII-only unless UNICODE_CHARACTER_CLASS is set.
_PREDEFINED: dict[str, _Ranges] = {
    "d": [(0x30, 0x39)],
    "w": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
    "s": [(0x09, 0x0D), (0x20, 0x20)],
}
_HEX = re.compile("[0-9a-fA-F]{4,6}")
_SIMPLE_ESCAPES = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "a": 0x07, "e": 0x1B}
# A dot in Java excludes every line terminator, not only "\n".
_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"
# Unicode general categories; L, Z, N, P, S and M only occur in planes 0-3 and 14.
_CATEGORIES = (
    "Cc Cf Cn Co Cs Ll Lm Lo Lt Lu Mc Me Mn Nd Nl No Pc Pd Pe Pf Pi Po Ps Sc Sk Sm So Zl Zp Zs"
)
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_WORD = "I" if array.array("I").itemsize == 4 else "L"
_SCAN = ((0, 0x40000), (0xE0000, 0xE1000))


@functools.cache
def _category_codes() -> tuple[tuple[int, bytes], ...]:
    """Per scanned block: its first code point and one byte per code point (category index).

    Built with C-level ``map`` over a decoded UTF-32 buffer: about 40 ms, once
    per process, and only when a pattern uses ``\\p{...}``.
    """
    index = {name: i for i, name in enumerate(_CATEGORIES.split())}
    blocks = []
    for start, stop in _SCAN:
        text = array.array(_WORD, range(start, stop)).tobytes().decode(_UTF32, "surrogatepass")
        blocks.append((start, bytes(map(index.__getitem__, map(unicodedata.category, text)))))
    return tuple(blocks)


@functools.cache
def _category(name: str) -> tuple[tuple[int, int], ...]:
    """Code point ranges of Unicode general category ``name`` (``L``, ``Lu``, ``Z``...)."""
    supported = name[:1] in ("L", "Z", "N", "P", "S", "M")
    wanted = bytes(i for i, cat in enumerate(_CATEGORIES.split()) if cat.startswith(name))
    if not supported or not wanted:
        raise ValueError(f"unsupported Unicode property \\p{{{name}}}")
    runs = re.compile(b"[" + re.escape(wanted) + b"]+")
    return tuple(
        (start + found.start(), start + found.end() - 1)
        for start, codes in _category_codes()
        for found in runs.finditer(codes)
    )


def _complement(ranges: _Ranges) -> _Ranges:
    out: _Ranges = []
    start = 0
    for low, high in sorted(ranges):
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= sys.maxunicode:
        out.append((start, sys.maxunicode))
    return out


def _char(cp: int) -> str:
    return f"\\U{cp:08X}"


def _class_text(ranges: _Ranges) -> str:
    return "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)


def _unicode_escape(pattern: str, i: int) -> tuple[int, int]:
    """Read ``\\uXXXX`` at ``pattern[i]`` (just past the ``u``); return (code point, next index).

    AWS models write supplementary characters with 5 or 6 hex digits
    (``\\u10000-\\u10FFFF``).  Java itself would read four digits; we read the
    longer form when it starts with ``1`` and names a code point above U+FFFF.
    """
    found = _HEX.match(pattern, i)
    if found is None:
        raise ValueError(f"bad \\u escape in Java pattern {pattern!r}")
    digits = found.group()
    for width in (6, 5):
        if digits[0] == "1" and len(digits) >= width and int(digits[:width], 16) <= 0x10FFFF:
            return int(digits[:width], 16), i + width
    return int(digits[:4], 16), i + 4


def _escape(pattern: str, i: int) -> tuple[int | _Ranges, int]:
    """Read the escape after the backslash at ``pattern[i - 1]``: one code point or a class."""
    c = pattern[i]
    if c == "u":
        return _unicode_escape(pattern, i + 1)
    if c == "x":
        return int(pattern[i + 1 : i + 3], 16), i + 3
    if c.lower() in _PREDEFINED:
        ranges = _PREDEFINED[c.lower()]
        return (ranges if c.islower() else _complement(ranges)), i + 1
    if c in "pP":
        if pattern[i + 1 : i + 2] == "{":
            end = pattern.index("}", i)
            name, nxt = pattern[i + 2 : end], end + 1
        else:
            name, nxt = pattern[i + 1], i + 2
        ranges = list(_category(name.removeprefix("Is")))
        return (ranges if c == "p" else _complement(ranges)), nxt
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 1
    if c.isalnum():
        raise ValueError(f"unsupported escape \\{c} in Java pattern {pattern!r}")
    return ord(c), i + 1


def _translate_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate the character class opening at ``pattern[i]`` (``[``)."""
    i += 1
    negate = pattern[i : i + 1] == "^"
    if negate:
        i += 1
    parts: list[str] = []
    first = True
    while True:
        if i >= len(pattern):
            raise ValueError(f"unterminated character class in Java pattern {pattern!r}")
        c = pattern[i]
        if c == "]" and not first:
            break
        first = False
        if c == "[" or pattern.startswith("&&", i):
            raise ValueError(f"nested classes are not supported: {pattern!r}")
        item: int | _Ranges
        if c == "\\":
            item, i = _escape(pattern, i + 1)
        else:
            item, i = ord(c), i + 1
        if isinstance(item, list):
            parts.append(_class_text(item))
            continue
        if pattern[i : i + 1] == "-" and pattern[i + 1 : i + 2] not in ("]", ""):
            end: int | _Ranges
            if pattern[i + 1] == "\\":
                end, i = _escape(pattern, i + 2)
            else:
                end, i = ord(pattern[i + 1]), i + 2
            if isinstance(end, list):
                raise ValueError(f"bad range in Java pattern {pattern!r}")
            parts.append(f"{_char(item)}-{_char(end)}")
        else:
            parts.append(_char(item))
    return "[" + ("^" if negate else "") + "".join(parts) + "]", i + 1


@functools.cache
def java_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Java regular expression from a service model as Python ``re``.

    Use ``fullmatch`` to get Java's ``matches()``.  Supported: character
    classes with ranges, ``\\uXXXX`` (and the models' ``\\u10000`` form),
    ``\\xHH``, ``\\d \\w \\s`` and their negations (ASCII, as in Java),
    ``\\p{L}``-style general categories, groups, alternation, quantifiers,
    anchors and lookarounds.  Nested classes and intersections raise
    ``ValueError``.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "[":
            text, i = _translate_class(pattern, i)
            out.append(text)
        elif c == "\\":
            if pattern[i + 1 : i + 2] in ("b", "B"):
                out.append(pattern[i : i + 2])
                i += 2
                continue
            item, i = _escape(pattern, i + 1)
            out.append("[" + _class_text(item) + "]" if isinstance(item, list) else _char(item))
        elif c == ".":
            out.append(_DOT)
            i += 1
        else:
            out.append(c)
            i += 1
    return re.compile("".join(out))
