"""Glob matching of literal pieces with ``*`` and ``?``, without regular expressions.

Design decisions:

* Used only for patterns that contain policy variables, whose substituted
  text must stay literal and cannot be compiled ahead of time; patterns
  without variables are precompiled to regexes in ``_patterns``.
* The pattern is cut at each ``*`` into fixed-length segments (literal text
  and ``?``).  The first segment is anchored at the start, the last at the
  end, and each middle segment is taken at its leftmost position, which is
  correct for globs and linear in practice.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TypeAlias

__all__ = ["Piece", "Wild", "glob_match"]


class Wild(enum.Enum):
    """A wildcard in a pattern."""

    STAR = "*"
    QMARK = "?"


Piece: TypeAlias = "str | Wild"


def _seg_len(seg: Sequence[Piece]) -> int:
    return sum(1 if isinstance(p, Wild) else len(p) for p in seg)


def _seg_at(seg: Sequence[Piece], text: str, pos: int) -> bool:
    for p in seg:
        if isinstance(p, Wild):
            if pos >= len(text):
                return False
            pos += 1
        else:
            if not text.startswith(p, pos):
                return False
            pos += len(p)
    return True


def glob_match(pieces: Sequence[Piece], text: str) -> bool:
    """Match ``text`` against literal pieces, ``*`` and ``?`` (no regex)."""
    segs: list[list[Piece]] = [[]]
    for p in pieces:
        if p is Wild.STAR:
            segs.append([])
        elif p != "":
            segs[-1].append(p)
    first, last = segs[0], segs[-1]
    if len(segs) == 1:
        return _seg_len(first) == len(text) and _seg_at(first, text, 0)
    start, end = _seg_len(first), len(text) - _seg_len(last)
    if end < start or not _seg_at(first, text, 0) or not _seg_at(last, text, end):
        return False
    for mid in segs[1:-1]:
        length = _seg_len(mid)
        pos = start
        while pos + length <= end and not _seg_at(mid, text, pos):
            pos += 1
        if pos + length > end:
            return False
        start = pos + length
    return True
