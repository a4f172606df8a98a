"""The one-step writers of ``protocol.xml``: straight-line code generated per structure.

A structure whose members are all scalars is written by one ``%`` template
(:func:`compile_leaf`); one whose members are scalars or such structures
(credentials and an assumed-role user in a result) by a generated function
that leaves absent members out (:func:`compile_nested`).  Either returns None
when a value is not what its model says, and ``xml``'s member loop writes the
structure instead, to the same bytes.  The code is ours, built from the
model's member names (never from request data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Leaf", "compile_leaf", "compile_nested"]

#: A structure of scalars written in one step: the whole element's text when
#: every member is present and every string member is a ``str`` (whose text is
#: then added to ``raw`` unescaped); else None, and the member loop writes it.
Leaf = Callable[[Any, list[str]], str | None]


def compile_leaf(
    names: tuple[str, ...], texts: list[Callable[[Any], str]], strings: list[bool], template: str
) -> Leaf:
    """The one-step writer of a structure of scalars, as straight-line code.

    For ``Arn`` and ``Expiration`` (a string and a timestamp) it reads::

        def leaf(value, raw):
            get = value.get
            v0 = get('Arn')
            v1 = get('Expiration')
            if type(v0) is not str or v1 is None:
                return None
            raw += (v0,)
            return template % (v0, t1(v1))

    Generated rather than looped: a loop over the members costs several times
    as many interpreter steps, and these structures (credentials, caller
    identity, an assumed-role user, a tag) are in nearly every answer.
    """
    lines = ["def leaf(value, raw):", "    get = value.get"]
    lines += [f"    v{i} = get({name!r})" for i, name in enumerate(names)]
    checks = [f"type(v{i}) is not str" if s else f"v{i} is None" for i, s in enumerate(strings)]
    lines += [f"    if {' or '.join(checks)}:", "        return None"]
    plain = [f"v{i}," for i, s in enumerate(strings) if s]
    if plain:
        lines.append(f"    raw += ({' '.join(plain)})")
    slots = [f"v{i}" if s else f"t{i}(v{i})" for i, s in enumerate(strings)]
    lines.append(f"    return template % ({', '.join(slots)},)")
    namespace: dict[str, Any] = {f"t{i}": text for i, text in enumerate(texts)}
    namespace["template"] = template
    exec("\n".join(lines), namespace)  # our own code, from the model's member names
    leaf: Leaf = namespace["leaf"]
    return leaf


def compile_nested(
    names: tuple[str, ...],
    members: list[tuple[str, str, Callable[[Any], str] | None, Leaf | None]],
    head: str,
    empty: str,
    close: str,
    plain_text: Callable[[Any], str],
) -> Leaf:
    """The one-step writer of a structure whose members are scalars or structures that
    have one-step writers themselves (a result holding credentials and a user, say).

    Straight-line code, as :func:`compile_leaf`; a member absent is left out, and a
    member structure whose writer declines (returns None) makes this one decline too,
    so that the member loop writes the whole structure.  For ``Credentials`` (a
    structure) and ``PackedPolicySize`` (an integer) it reads::

        def leaf(value, raw):
            get = value.get
            out = head
            v0 = get('Credentials')
            if v0 is not None:
                text = w0(v0, raw)
                if text is None:
                    return None
                out += text
            v1 = get('PackedPolicySize')
            if v1 is not None:
                out += o1 + t1(v1) + c1
            if len(out) == size:
                return empty
            return out + close
    """
    lines = ["def leaf(value, raw):", "    get = value.get", "    out = head"]
    namespace: dict[str, Any] = {"head": head, "empty": empty, "close": close, "size": len(head)}
    for i, (name, (open_, close_, text, leaf)) in enumerate(zip(names, members, strict=True)):
        lines += [f"    v{i} = get({name!r})", f"    if v{i} is not None:"]
        namespace[f"o{i}"], namespace[f"c{i}"] = open_, close_
        if leaf is not None:
            namespace[f"w{i}"] = leaf
            lines += [
                f"        text = w{i}(v{i}, raw)",
                "        if text is None:",
                "            return None",
                "        out += text",
            ]
        elif text is plain_text:
            namespace[f"t{i}"] = text
            lines += [
                f"        if type(v{i}) is str:",
                f"            raw.append(v{i})",
                f"            out += o{i} + v{i} + c{i}",
                "        else:",
                f"            out += o{i} + t{i}(v{i}) + c{i}",
            ]
        else:
            namespace[f"t{i}"] = text
            lines.append(f"        out += o{i} + t{i}(v{i}) + c{i}")
    lines += ["    if len(out) == size:", "        return empty", "    return out + close"]
    exec("\n".join(lines), namespace)  # our own code, from the model's member names
    compiled: Leaf = namespace["leaf"]
    return compiled
