"""Encode results and errors as AWS query-protocol XML, driven by the model.

Layout (pinned byte for byte against real AWS STS answers)::

    <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <GetCallerIdentityResult>
        <Arn>...</Arn>
        ...
      </GetCallerIdentityResult>
      <ResponseMetadata>
        <RequestId>...</RequestId>
      </ResponseMetadata>
    </GetCallerIdentityResponse>

with 2-space indentation and a trailing newline; errors use the
``<ErrorResponse>`` document of :func:`encode_error`.

Design decisions:

* **Writers compiled once, no per-member inspection per response.**  Each
  output shape gets an element writer, built once (cached by shape identity
  and tag) from the model, and each structure a plan per indentation: every
  member's indented open and close tag and its text function.  Element names
  follow botocore's query parser: ``locationName`` when given, list items
  ``<member>`` (or the member's ``locationName``), flattened lists as
  repeated elements, maps as ``<entry><key/><value/></entry>``.
* **A structure of scalars is written in one step** (credentials, the caller
  identity, an assumed-role user, a tag): straight-line code generated from
  the model's member names (``protocol._xml_compile``) reads every member and
  fills one ``%`` template.  When a member is absent or not of its model type,
  the member loop writes it instead, to the same bytes.
* **Escaping is checked once per response.**  String members are written as
  they are and collected; one pass over their joined text (``_plain``: a C
  table pass for ASCII) decides.  Should any need escaping (rare: ours are
  ARNs, ids and tokens), the document is written again with every string
  escaped.  The bytes are those of escaping each string, as before:
  ``tests/protocol/xml_reference.py`` keeps that encoder and a hypothesis
  test compares the two on random results of every output shape.
* Times in UTC, the backend's own, are formatted through a small cache
  (formatting costs more than the look-up and answers repeat an expiry).
  Escaping and each scalar type's text live in ``protocol._xml_text``.
* **Member order is the model's**, except where AWS was recorded answering
  in another order: :data:`WIRE_ORDER` lists those (GetCallerIdentity sends
  Arn, UserId, Account; AssumeRole sends AssumedRoleUser before
  Credentials).  Members it does not name follow in model order.
* Members missing from the result or ``None`` are omitted.  An empty
  structure or list is written as a self-closing element (``<XResult/>``,
  ``<Tags/>``); an operation without an output shape has no result element
  at all (as IAM's DeleteRole).  AWS's rendering of an *empty* result
  structure has not been observed: ``<XResult/>`` is emulator-defined and
  botocore parses it as ``{}``.  A flattened empty list cannot be written
  and is omitted.
* Timestamps are ISO 8601 in UTC without fraction (``2026-11-23T03:22:11Z``;
  naive datetimes are taken as UTC), booleans ``true``/``false``, blobs
  base64.  Text is escaped for ``&``, ``<`` and ``>``, and a carriage return
  is written ``&#xD;`` so that it survives XML line-end normalisation.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from botocore.model import OperationModel

from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol._xml_compile import Leaf as _Leaf
from pytest_stsmock.protocol._xml_compile import compile_leaf, compile_nested
from pytest_stsmock.protocol._xml_text import SCALARS as _SCALARS
from pytest_stsmock.protocol._xml_text import SHORT as _SHORT
from pytest_stsmock.protocol._xml_text import UNSAFE_ASCII as _UNSAFE_ASCII
from pytest_stsmock.protocol._xml_text import escape as _escape
from pytest_stsmock.protocol._xml_text import plain as _plain
from pytest_stsmock.protocol._xml_text import text as _text
from pytest_stsmock.protocol._xml_text import unsafe as _unsafe
from pytest_stsmock.protocol.model import wire_name

__all__ = ["WIRE_ORDER", "encode_error", "encode_result"]

_Writer = Callable[[Any, str, list[str], list[str] | None], None]
_UTC = datetime.timezone.utc

#: Output shapes whose members AWS sends in an order other than the model's,
#: as observed in responses of real AWS.
WIRE_ORDER: dict[str, tuple[str, ...]] = {
    "GetCallerIdentityResponse": ("Arn", "UserId", "Account"),
    "AssumeRoleResponse": ("AssumedRoleUser", "Credentials", "PackedPolicySize", "SourceIdentity"),
}


def encode_result(op: OperationModel, result: Mapping[str, Any], request_id: str) -> bytes:
    """The success document for operation ``op`` carrying ``result``."""
    head, write, tail, leaf = _plan(op)
    raw: list[str] = [request_id]
    body = None if leaf is None else leaf(result, raw)
    if body is not None:  # the result's one-step writer took it (nearly always)
        text = f"{head}{body}  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>{tail}"
        joined = "".join(raw)
        if (  # _plain, inline
            len(joined.encode("ascii").translate(None, _UNSAFE_ASCII)) == len(joined)
            if len(joined) > _SHORT and joined.isascii()
            else _unsafe(joined) is None
        ):
            return text.encode()
    else:
        parts = [head]
        if write is not None:
            write(result, "  ", parts, raw)
        parts.append(f"  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>{tail}")
        if _plain("".join(raw)):
            return "".join(parts).encode()
    # rare: some text needs escaping; write it escaped
    parts = [head]
    if write is not None:
        write(result, "  ", parts, None)
    parts.append(f"  <ResponseMetadata>\n    <RequestId>{_escape(request_id)}</RequestId>{tail}")
    return "".join(parts).encode()


@functools.cache
def _plan(op: OperationModel) -> tuple[str, _Writer | None, str, _Leaf | None]:
    """An operation's opening line, result writer (None: no output shape), closing text,
    and the result's one-step writer (None: it has none)."""
    name = op.name
    shape = op.output_shape
    write = None
    if shape is not None:
        write = _writer(shape, shape.serialization.get("resultWrapper") or f"{name}Result")
    head = f'<{name}Response xmlns="{op.metadata["xmlNamespace"]}">\n'
    leaf = None if write is None else _leaf_of(write, "  ")
    return head, write, f"\n  </ResponseMetadata>\n</{name}Response>\n", leaf


def encode_error(error: AwsError, request_id: str, default_namespace: str) -> bytes:
    """AWS's ``<ErrorResponse>`` document for ``error``.

    The namespace is ``error.namespace`` when set (``InvalidAction`` uses
    AWS's fault namespace), else ``default_namespace`` (the model's
    ``xmlNamespace``).  ``<Type>`` is ``Sender`` or ``Receiver``.
    """
    namespace = error.namespace or default_namespace
    fault = "Sender" if error.sender else "Receiver"
    code, message = error.code, error.message
    if not _plain(code + message + request_id):
        code, message, request_id = _escape(code), _escape(message), _escape(request_id)
    return (
        f'<ErrorResponse xmlns="{namespace}">\n'
        f"  <Error>\n"
        f"    <Type>{fault}</Type>\n"
        f"    <Code>{code}</Code>\n"
        f"    <Message>{message}</Message>\n"
        f"  </Error>\n"
        f"  <RequestId>{request_id}</RequestId>\n"
        f"</ErrorResponse>\n"
    ).encode()


# --- element writers ------------------------------------------------------------

_CONTAINERS = frozenset({"structure", "list", "map"})


def _member_order(shape: Any) -> list[str]:
    names = list(shape.members)
    first = [n for n in WIRE_ORDER.get(shape.name, ()) if n in shape.members]
    return first + [n for n in names if n not in first]


def _text_of(shape: Any) -> Callable[[Any], str] | None:
    """The (escaping) text function of a scalar shape; None for a container."""
    kind = shape.type_name
    return None if kind in _CONTAINERS else _SCALARS.get(kind, _text)


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

    def scalar(value: Any, indent: str, parts: list[str], raw: list[str] | None) -> None:
        parts.append(f"{indent}{open_}{fmt(value)}{close}")

    return scalar


def _container(tag: str, indent: str, parts: list[str], mark: int) -> None:
    """Close the element opened at ``parts[mark]``, self-closing it if it stayed empty."""
    if len(parts) == mark + 1:
        parts[mark] = f"{indent}<{tag}/>\n"
    else:
        parts.append(f"{indent}</{tag}>\n")


#: A structure member at one indentation: its indented open tag, its close tag
#: and newline, its text function (None: a container) and its element writer.
_Member = tuple[str, str, Callable[[Any], str] | None, _Writer]


class _Prepared(NamedTuple):
    """A structure's writing plan at one indentation."""

    head: str  # the opening line
    inner: str  # the members' indentation
    members: list[_Member]
    empty: str  # the self-closing line
    close: str  # the closing line
    leaf: _Leaf | None  # for a structure of scalars only: its one-step writer


def _structure(shape: Any, tag: str) -> _Writer:
    names = tuple(_member_order(shape))
    #: Per indentation, prepared on first use (a member's writer cannot be made
    #: before this one: shapes may recurse).
    prepared: dict[str, _Prepared] = {}
    text_string = _text

    def prepare(indent: str) -> _Prepared:
        inner = indent + "  "
        members: list[_Member] = []
        lines: list[str] = []
        strings: list[bool] = []  # per member: its model type is string
        for name in names:
            member = shape.members[name]
            wire = wire_name(member, name)
            open_, close_ = f"{inner}<{wire}>", f"</{wire}>\n"
            members.append((open_, close_, _text_of(member), _writer(member, wire)))
            lines.append(open_.replace("%", "%%") + "%s" + close_.replace("%", "%%"))
            strings.append(member.type_name == "string")
        head, close = f"{indent}<{tag}>\n", f"{indent}</{tag}>\n"
        empty = f"{indent}<{tag}/>\n"
        leaf = None
        texts = [text for _, _, text, _ in members if text is not None]
        if names and len(texts) == len(names):
            template = head.replace("%", "%%") + "".join(lines) + close.replace("%", "%%")
            leaf = compile_leaf(names, texts, strings, template)
        elif names and shape.name not in _COMPILING:
            # A shape inside itself (botocore makes new member shapes at every level)
            # is not compiled: the member loop writes it, as deep as the value goes.
            _COMPILING.add(shape.name)
            try:
                nested = [
                    (open_, close_, text, None if text is not None else _leaf_of(write_, inner))
                    for open_, close_, text, write_ in members
                ]
            finally:
                _COMPILING.discard(shape.name)
            if all(text is not None or leaf_ is not None for _, _, text, leaf_ in nested):
                leaf = compile_nested(names, nested, head, empty, close, _text)
        entry = _Prepared(head, inner, members, empty, close, leaf)
        prepared[indent] = entry
        return entry

    def write(value: Any, indent: str, parts: list[str], raw: list[str] | None) -> None:
        plan = prepared.get(indent) or prepare(indent)
        if plan.leaf is not None and raw is not None:
            body = plan.leaf(value, raw)
            if body is not None:
                parts.append(body)
                return
        mark = len(parts)
        parts.append(plan.head)
        inner = plan.inner
        for item, (open_, close_, text, member) in zip(
            map(value.get, names), plan.members, strict=True
        ):
            if item is None:
                continue
            if text is None:
                member(item, inner, parts, raw)
            elif text is text_string and type(item) is str and raw is not None:
                raw.append(item)  # written as it is; encode_result checks it
                parts.append(open_ + item + close_)
            else:
                parts.append(open_ + text(item) + close_)
        if len(parts) == mark + 1:  # nothing inside: self-closing
            parts[mark] = plan.empty
        else:
            parts.append(plan.close)

    def leaf_at(indent: str) -> _Leaf | None:
        return (prepared.get(indent) or prepare(indent)).leaf

    _LEAVES[write] = leaf_at
    return write


#: The structures whose one-step writers are being made (see ``prepare``).
_COMPILING: set[str] = set()

#: Each structure writer's way to its one-step writer at an indentation (None: it has none).
_LEAVES: dict[_Writer, Callable[[str], _Leaf | None]] = {}


def _leaf_of(write: _Writer, indent: str) -> _Leaf | None:
    """The one-step writer of a member's structure writer at ``indent``; None when the
    member is no structure or has none (lists and maps are written by their loops)."""
    leaf_at = _LEAVES.get(write)
    return None if leaf_at is None else leaf_at(indent)


def _list(shape: Any, tag: str) -> _Writer:
    flattened = bool(shape.serialization.get("flattened"))
    element_tag = tag if flattened else shape.member.serialization.get("name", "member")
    text = _text_of(shape.member)
    open_ = f"<{tag}>\n"
    start_tag, end_tag = f"<{element_tag}>", f"</{element_tag}>\n"

    def write(value: Any, indent: str, parts: list[str], raw: list[str] | None) -> None:
        mark = len(parts)
        if flattened:
            inner = indent
        else:
            parts.append(indent + open_)
            inner = indent + "  "
        if text is None:
            element = _writer(shape.member, element_tag)
            for item in value:
                element(item, inner, parts, raw)
        else:
            start = inner + start_tag
            for item in value:
                if text is _text and type(item) is str and raw is not None:
                    raw.append(item)  # written as it is; encode_result checks it
                    parts.append(start + item + end_tag)
                else:
                    parts.append(start + text(item) + end_tag)
        if not flattened:
            _container(tag, indent, parts, mark)

    return write


def _map(shape: Any, tag: str) -> _Writer:
    flattened = bool(shape.serialization.get("flattened"))
    key_tag = shape.key.serialization.get("name", "key")
    value_tag = shape.value.serialization.get("name", "value")
    entry_tag = tag if flattened else "entry"

    def write(value: Any, indent: str, parts: list[str], raw: list[str] | None) -> None:
        write_key = _writer(shape.key, key_tag)
        write_value = _writer(shape.value, value_tag)
        mark = len(parts)
        if not flattened:
            parts.append(f"{indent}<{tag}>\n")
            indent += "  "
        inner = indent + "  "
        for key, item in value.items():
            parts.append(f"{indent}<{entry_tag}>\n")
            write_key(key, inner, parts, raw)
            if item is not None:
                write_value(item, inner, parts, raw)
            parts.append(f"{indent}</{entry_tag}>\n")
        if not flattened:
            _container(tag, indent[:-2], parts, mark)

    return write
