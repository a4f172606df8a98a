"""The query-protocol XML encoder as it was before its writers were compiled: the reference.

A copy of ``pytest_stsmock/protocol/xml.py`` at the commit before the
compiled writers (one recursive writer per shape, every member inspected and
every string escaped per response).  ``test_xml_differential`` asserts that
the package's encoder writes exactly these bytes for random results of every
output shape.  Kept as it was on purpose: do not "improve" it.  What the rewrite left as it
was (the wire order of members, and the escaping of one string) is imported
from the package rather than copied: the walk over the shapes is what is
compared.
"""

from __future__ import annotations

import base64
import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import OperationModel

from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol._xml_text import SHORT as _SHORT
from pytest_stsmock.protocol._xml_text import escape as _escape
from pytest_stsmock.protocol._xml_text import plain as _plain
from pytest_stsmock.protocol._xml_text import unsafe as _unsafe
from pytest_stsmock.protocol.model import wire_name
from pytest_stsmock.protocol.xml import WIRE_ORDER

__all__ = ["encode_error", "encode_result"]

_Writer = Callable[[Any, str, list[str]], None]
_UTC = datetime.timezone.utc


def encode_result(op: OperationModel, result: Mapping[str, Any], request_id: str) -> bytes:
    """The success document for operation ``op`` carrying ``result``."""
    head, write, tail = _plan(op)
    parts = [head]
    if write is not None:
        write(result, "  ", parts)
    parts.append(f"  <ResponseMetadata>\n    <RequestId>{_escape(request_id)}</RequestId>{tail}")
    return "".join(parts).encode()


@functools.cache
def _plan(op: OperationModel) -> tuple[str, _Writer | None, str]:
    """An operation's opening line, result writer (None: no output shape) and closing text."""
    name = op.name
    shape = op.output_shape
    write = None
    if shape is not None:
        write = _writer(shape, shape.serialization.get("resultWrapper") or f"{name}Result")
    head = f'<{name}Response xmlns="{op.metadata["xmlNamespace"]}">\n'
    return head, write, f"\n  </ResponseMetadata>\n</{name}Response>\n"


def encode_error(error: AwsError, request_id: str, default_namespace: str) -> bytes:
    """AWS's ``<ErrorResponse>`` document for ``error``.

    The namespace is ``error.namespace`` when set (``InvalidAction`` uses
    AWS's fault namespace), else ``default_namespace`` (the model's
    ``xmlNamespace``).  ``<Type>`` is ``Sender`` or ``Receiver``.
    """
    namespace = error.namespace or default_namespace
    fault = "Sender" if error.sender else "Receiver"
    return (
        f'<ErrorResponse xmlns="{namespace}">\n'
        f"  <Error>\n"
        f"    <Type>{fault}</Type>\n"
        f"    <Code>{_escape(error.code)}</Code>\n"
        f"    <Message>{_escape(error.message)}</Message>\n"
        f"  </Error>\n"
        f"  <RequestId>{_escape(request_id)}</RequestId>\n"
        f"</ErrorResponse>\n"
    ).encode()


# --- scalar text --------------------------------------------------------------


def _text(value: Any) -> str:
    return _escape(value if isinstance(value, str) else str(value))


def _boolean(value: Any) -> str:
    if isinstance(value, str):
        return _escape(value)
    return "true" if value else "false"


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is _UTC:  # the backend's own times
            return _iso(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return _iso(value.astimezone(_UTC))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _iso(datetime.datetime.fromtimestamp(value, _UTC))
    return _text(value)


def _iso(t: datetime.datetime) -> str:
    # isoformat is C code: "YYYY-MM-DDTHH:MM:SS" then the offset, which is UTC here.
    return t.isoformat(timespec="seconds")[:19] + "Z"


def _blob(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def _number(value: Any) -> str:
    return repr(value) if isinstance(value, float) else _text(value)


_SCALARS: dict[str, Callable[[Any], str]] = {
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
    "float": _number,
    "double": _number,
}


# --- element writers ------------------------------------------------------------


def _member_order(shape: Any) -> list[str]:
    names = list(shape.members)
    first = [n for n in WIRE_ORDER.get(shape.name, ()) if n in shape.members]
    return first + [n for n in names if n not in first]


@functools.cache
def _writer(shape: Any, tag: str) -> _Writer:
    """A function writing ``value`` as element(s) named ``tag`` at an indentation."""
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, tag)
    if kind == "list":
        return _list(shape, tag)
    if kind == "map":
        return _map(shape, tag)
    fmt = _SCALARS.get(kind, _text)
    open_, close = f"<{tag}>", f"</{tag}>\n"

    def scalar(value: Any, indent: str, parts: list[str]) -> None:
        parts.append(f"{indent}{open_}{fmt(value)}{close}")

    return scalar


def _container(tag: str, indent: str, parts: list[str], mark: int) -> None:
    """Close the element opened at ``parts[mark]``, self-closing it if it stayed empty."""
    if len(parts) == mark + 1:
        parts[mark] = f"{indent}<{tag}/>\n"
    else:
        parts.append(f"{indent}</{tag}>\n")


def _structure(shape: Any, tag: str) -> _Writer:
    #: Per indentation: the opening line, the members' indentation, the members
    #: (name, writer, and for string members their indented open tag and close
    #: tag), the self-closing line and the closing line.  Prepared on first use.
    _Members = list[tuple[str, _Writer, str | None, str]]
    prepared: dict[str, tuple[str, str, _Members, str, str]] = {}
    plain, unsafe = _plain, _unsafe

    def prepare(indent: str) -> tuple[str, str, _Members, str, str]:
        inner = indent + "  "
        members: _Members = []
        for name in _member_order(shape):
            member = shape.members[name]
            wire = wire_name(member, name)
            open_string = f"{inner}<{wire}>" if member.type_name == "string" else None
            members.append((name, _writer(member, wire), open_string, f"</{wire}>\n"))
        entry = (f"{indent}<{tag}>\n", inner, members, f"{indent}<{tag}/>\n", f"{indent}</{tag}>\n")
        prepared[indent] = entry
        return entry

    def write(value: Any, indent: str, parts: list[str]) -> None:
        head, inner, members, empty, close = prepared.get(indent) or prepare(indent)
        mark = len(parts)
        parts.append(head)
        for name, member, open_string, close_string in members:
            item = value.get(name)
            if item is None:
                continue
            if (
                open_string is not None
                and type(item) is str
                and ((unsafe(item) is None) if len(item) <= _SHORT else plain(item))
            ):
                parts.append(open_string + item + close_string)  # the common case, inline
            else:
                member(item, inner, parts)
        if len(parts) == mark + 1:  # nothing inside: self-closing
            parts[mark] = empty
        else:
            parts.append(close)

    return write


def _list(shape: Any, tag: str) -> _Writer:
    flattened = bool(shape.serialization.get("flattened"))
    element_tag = tag if flattened else shape.member.serialization.get("name", "member")
    open_ = f"<{tag}>\n"

    def write(value: Any, indent: str, parts: list[str]) -> None:
        element = _writer(shape.member, element_tag)
        if flattened:
            for item in value:
                element(item, indent, parts)
            return
        mark = len(parts)
        parts.append(indent + open_)
        inner = indent + "  "
        for item in value:
            element(item, inner, parts)
        _container(tag, indent, parts, mark)

    return write


def _map(shape: Any, tag: str) -> _Writer:
    flattened = bool(shape.serialization.get("flattened"))
    key_tag = shape.key.serialization.get("name", "key")
    value_tag = shape.value.serialization.get("name", "value")
    entry_tag = tag if flattened else "entry"

    def write(value: Any, indent: str, parts: list[str]) -> None:
        write_key = _writer(shape.key, key_tag)
        write_value = _writer(shape.value, value_tag)
        mark = len(parts)
        if not flattened:
            parts.append(f"{indent}<{tag}>\n")
            indent += "  "
        inner = indent + "  "
        for key, item in value.items():
            parts.append(f"{indent}<{entry_tag}>\n")
            write_key(key, inner, parts)
            if item is not None:
                write_value(item, inner, parts)
            parts.append(f"{indent}</{entry_tag}>\n")
        if not flattened:
            _container(tag, indent[:-2], parts, mark)

    return write
