"""Java regular expressions (the service models' ``pattern`` traits) as Python ``re``.

The models' patterns are Java regexes that must match a whole value (Java's
``matches()``).  :func:`java_regex` translates one once (cached) into a
compiled Python pattern meant for ``fullmatch``.

Design decisions:

* ``\\w \\d \\s`` stay ASCII, as in Java without UNICODE_CHARACTER_CLASS; a
  dot excludes every Java line terminator, not only ``\\n``.
* ``\\p{L}`` and the other general categories are expanded to code-point
  ranges from Python's ``unicodedata`` (its Unicode version may differ from
  AWS's Java), computed once by a scan of planes 0-3 and 14.
* The models' ``\\u10000-\\u10FFFF`` is read as U+10000..U+10FFFF, the evident
  intent (Java would read ``\\u1000`` then ``0``).
* Anything the translator does not understand raises ``ValueError`` when the
  pattern is first used, never a silently different pattern.
"""

from __future__ import annotations

import array
import functools
import re
import sys
import unicodedata

__all__ = ["category_ranges", "java_regex"]

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
def category_ranges(name: str) -> tuple[tuple[int, int], ...]:
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
        ranges = list(category_ranges(name.removeprefix("Is")))
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
