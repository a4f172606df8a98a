"""Wildcards, policy variables and the precompiled matchers built from them.

Design decisions:

* Every pattern in a policy (Action, Resource, String*/Arn* condition values)
  is tokenized once, at parse time, into literal text, wildcards (``*``,
  ``?``) and policy variables (``${key}``, ``${key, 'default'}``).  Patterns
  without variables are compiled to one regular expression (or a plain string
  when they have no wildcard either); evaluation never compiles anything.
* Patterns with variables cannot be compiled ahead of time, because the
  substituted value is literal text (a user name ``a*b`` is not a wildcard).
  They are resolved per request into literal pieces and wildcards and matched
  by :func:`glob_match`, a small segment matcher with no regex at all.
* Variables follow AWS's rules: key names are case-insensitive; ``${*}``,
  ``${?}`` and ``${$}`` are the literal characters; a default value is in
  single quotes with ``''`` for a quote; whitespace around the key and the
  default is ignored; substitution happens once (a default that looks like a
  variable stays text).  A key that is absent or multi-valued, or a variable
  that is malformed (``${foo``, ``${}``, ``${a b}``, ``${k, v}``), resolves to
  its default or, without one, makes the value unresolvable (``None``), which
  callers treat as "does not match".
* ARN patterns (Resource, ``Arn*`` operators) match component by component:
  wildcards in the first five colon-separated components never cross a colon;
  the sixth (the resource part) may contain colons.  A pattern with fewer than
  six components (``*``, ``arn:*``) is matched as a whole-string glob.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from ._glob import Piece, Wild, glob_match

__all__ = [
    "ActionMatcher",
    "ArnMatcher",
    "ExactMatcher",
    "LikeMatcher",
    "Lookup",
    "Template",
    "Var",
    "Wild",
    "glob_match",
    "tokenize",
]


@dataclass(frozen=True, slots=True)
class Var:
    """A policy variable; ``key`` is lower-cased, ``None`` when the syntax is broken."""

    key: str | None
    default: str | None


Token: TypeAlias = "str | Wild | Var"
#: Request-context values keyed by lower-cased key name.
Lookup: TypeAlias = "Mapping[str, str | tuple[str, ...]]"

_LITERAL_SPECIALS = {"*": "*", "?": "?", "$": "$"}


def _parse_variable(text: str, start: int) -> tuple[Var | str, int]:
    """Parse ``${...}`` starting at ``start`` (the ``$``); return it and the next index."""
    n = len(text)
    i = start + 2
    while i < n and text[i] == " ":
        i += 1
    key_start = i
    while i < n and text[i] not in ",} \t\r\n":
        i += 1
    key = text[key_start:i]
    while i < n and text[i] == " ":
        i += 1
    default: str | None = None
    if i < n and text[i] == ",":
        i += 1
        while i < n and text[i] == " ":
            i += 1
        if i >= n or text[i] != "'":
            return _broken(text, start)
        i += 1
        chars: list[str] = []
        while True:
            if i >= n:
                return _broken(text, start)
            if text[i] == "'":
                if i + 1 < n and text[i + 1] == "'":
                    chars.append("'")
                    i += 2
                    continue
                i += 1
                break
            chars.append(text[i])
            i += 1
        default = "".join(chars)
        while i < n and text[i] == " ":
            i += 1
    if i >= n or text[i] != "}" or not key:
        return _broken(text, start)
    if default is None and key in _LITERAL_SPECIALS:
        return _LITERAL_SPECIALS[key], i + 1
    return Var(key.lower(), default), i + 1


def _broken(text: str, start: int) -> tuple[Var, int]:
    end = text.find("}", start)
    return Var(None, None), (len(text) if end < 0 else end + 1)


def tokenize(text: str, *, variables: bool, wildcards: bool) -> tuple[Token, ...]:
    """Split ``text`` into literal runs, wildcards and variables."""
    out: list[Token] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if variables and ch == "$" and text.startswith("${", i):
            token, i = _parse_variable(text, i)
            if isinstance(token, str):
                buf.append(token)
            else:
                if buf:
                    out.append("".join(buf))
                    buf = []
                out.append(token)
            continue
        if wildcards and ch in "*?":
            if buf:
                out.append("".join(buf))
                buf = []
            out.append(Wild.STAR if ch == "*" else Wild.QMARK)
        else:
            buf.append(ch)
        i += 1
    if buf:
        out.append("".join(buf))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Template:
    """A tokenized pattern; ``resolve`` substitutes variables for one request."""

    raw: str
    tokens: tuple[Token, ...]

    @property
    def has_variables(self) -> bool:
        return any(isinstance(t, Var) for t in self.tokens)

    def resolve(self, lookup: Lookup) -> tuple[Piece, ...] | None:
        """Literal pieces and wildcards, or ``None`` if a variable has no value."""
        out: list[Piece] = []
        for tok in self.tokens:
            if isinstance(tok, Var):
                value = lookup.get(tok.key) if tok.key is not None else None
                if not isinstance(value, str):
                    if tok.default is None:
                        return None
                    value = tok.default
                out.append(value)
            else:
                out.append(tok)
        return tuple(out)


def pieces_text(pieces: Sequence[Piece]) -> str:
    """Join pieces back into text (wildcards as their characters)."""
    return "".join(p.value if isinstance(p, Wild) else p for p in pieces)


def _regex(pieces: Sequence[Piece], star: str, qmark: str) -> str:
    return "".join(
        star if p is Wild.STAR else qmark if p is Wild.QMARK else re.escape(p) for p in pieces
    )


def _arn_components(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split tokens at literal colons into at most six ARN components."""
    comps: list[list[Token]] = [[]]
    for tok in tokens:
        if not isinstance(tok, str):
            comps[-1].append(tok)
            continue
        parts = tok.split(":", 6 - len(comps)) if len(comps) < 6 else [tok]
        comps[-1].append(parts[0])
        for part in parts[1:]:
            comps.append([part])
    return comps


def _static(tokens: Sequence[Token]) -> list[Piece]:
    return [t for t in tokens if not isinstance(t, Var)]


class ExactMatcher:
    """``StringEquals``-style equality, optionally case-insensitive; no wildcards."""

    __slots__ = ("_fold", "_static", "template")

    def __init__(self, raw: str, *, variables: bool, fold: bool) -> None:
        self.template = Template(raw, tokenize(raw, variables=variables, wildcards=False))
        self._fold = fold
        static: str | None = None
        if not self.template.has_variables:
            static = "".join(t for t in self.template.tokens if isinstance(t, str))
            static = static.lower() if fold else static
        self._static = static

    @property
    def static(self) -> str | None:
        """The value to compare with (lower-cased if folding), when it has no variables."""
        return self._static

    def match(self, text: str, lookup: Lookup) -> bool | None:
        if self._fold:
            text = text.lower()
        if self._static is not None:
            return text == self._static
        pieces = self.template.resolve(lookup)
        if pieces is None:
            return None
        value = pieces_text(pieces)
        return text == (value.lower() if self._fold else value)


class LikeMatcher:
    """``StringLike``: case-sensitive glob over the whole string."""

    __slots__ = ("_literal", "_rx", "template")

    def __init__(self, raw: str, *, variables: bool) -> None:
        self.template = Template(raw, tokenize(raw, variables=variables, wildcards=True))
        self._literal: str | None = None
        self._rx: re.Pattern[str] | None = None
        if not self.template.has_variables:
            pieces = _static(self.template.tokens)
            if all(isinstance(p, str) for p in pieces):
                self._literal = "".join(p for p in pieces if isinstance(p, str))
            else:
                self._rx = re.compile(_regex(pieces, ".*", "."), re.DOTALL)

    def match(self, text: str, lookup: Lookup) -> bool | None:
        if self._literal is not None:
            return text == self._literal
        if self._rx is not None:
            return self._rx.fullmatch(text) is not None
        pieces = self.template.resolve(lookup)
        return None if pieces is None else glob_match(pieces, text)

    @property
    def static_regex(self) -> str | None:
        """A regex source matching exactly what this pattern matches (with ``re.DOTALL``,
        by ``fullmatch``), or None when the pattern has policy variables."""
        if self._literal is not None:
            return re.escape(self._literal)
        return None if self._rx is None else self._rx.pattern


_Component: TypeAlias = "str | re.Pattern[str] | Template"


def _component(tokens: list[Token]) -> _Component:
    if any(isinstance(t, Var) for t in tokens):
        return Template("", tuple(tokens))
    pieces = _static(tokens)
    if all(isinstance(p, str) for p in pieces):
        return "".join(p for p in pieces if isinstance(p, str))
    return re.compile(_regex(pieces, ".*", "."), re.DOTALL)


class ArnMatcher:
    """ARN glob, component by component; used for Resource and ``Arn*`` operators.

    Without variables the whole pattern is one regex.  With variables each
    of the six components is precompiled on its own (literal, regex, or a
    template resolved per request); a variable whose value contains a colon
    cannot match one of the first five components.
    """

    __slots__ = ("_comps", "_rx", "template")

    def __init__(self, raw: str, *, variables: bool) -> None:
        self.template = Template(raw, tokenize(raw, variables=variables, wildcards=True))
        self._rx: re.Pattern[str] | None = None
        self._comps: tuple[_Component, ...] | None = None
        comps = _arn_components(self.template.tokens)
        if not self.template.has_variables:
            pieces = _static(self.template.tokens)
            if len(comps) < 6:
                source = _regex(pieces, ".*", ".")
            else:
                source = ":".join(
                    _regex(_static(c), "[^:]*", "[^:]") if i < 5 else _regex(_static(c), ".*", ".")
                    for i, c in enumerate(comps)
                )
            self._rx = re.compile(source, re.DOTALL)
        elif len(comps) == 6:
            self._comps = tuple(_component(c) for c in comps)

    def match(self, text: str, lookup: Lookup) -> bool | None:
        if self._rx is not None:
            return self._rx.fullmatch(text) is not None
        if self._comps is None:
            pieces = self.template.resolve(lookup)
            return None if pieces is None else glob_match(pieces, text)
        resolved: list[tuple[Piece, ...] | None] = []
        for comp in self._comps:
            if isinstance(comp, Template):
                value = comp.resolve(lookup)
                if value is None:
                    return None
                resolved.append(value)
            else:
                resolved.append(None)
        parts = text.split(":", 5)
        if len(parts) != 6:
            return False
        for comp, part, pieces in zip(self._comps, parts, resolved, strict=True):
            if isinstance(comp, str):
                if comp != part:
                    return False
            elif isinstance(comp, Template):
                if pieces is None or not glob_match(pieces, part):
                    return False
            elif comp.fullmatch(part) is None:
                return False
        return True


class ActionMatcher:
    """Action names: case-insensitive globs, folded into one set and one regex."""

    __slots__ = ("_exact", "_rx", "patterns")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        exact: set[str] = set()
        globs: list[str] = []
        for pat in self.patterns:
            if "*" in pat or "?" in pat:
                toks = tokenize(pat, variables=False, wildcards=True)
                globs.append(_regex(_static(toks), ".*", "."))
            else:
                exact.add(pat.lower())
        self._exact = frozenset(exact)
        self._rx = (
            re.compile("(?:" + "|".join(globs) + ")", re.IGNORECASE | re.DOTALL) if globs else None
        )

    def match(self, action: str) -> bool:
        if action.lower() in self._exact:
            return True
        return self._rx is not None and self._rx.fullmatch(action) is not None
