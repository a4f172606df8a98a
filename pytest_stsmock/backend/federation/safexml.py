"""A hardened XML parser for documents from outside: no DTD, no entities, no network, a size cap.

Design decisions:

* Refuse rather than neutralize: a document with a DOCTYPE (and so any entity
  declaration: billion laughs, XXE), a processing instruction or a comment is
  not parsed further.  Real IdPs send none of these, and a comment inside a
  signed value is the classic way to make a verifier and a reader disagree.
* The parser never loads a DTD, never resolves entities, never touches the
  network, and refuses huge trees; the input is capped at :data:`MAX_BYTES`
  before parsing and must be UTF-8 without NUL characters.
* Element IDs must be unique in the document, so a reference can only mean
  one element.
* One parser per thread, made on first use (lxml parsers can be reused but
  not shared between threads); :func:`parser` still makes a fresh one.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree

__all__ = ["MAX_BYTES", "UnsafeXml", "parse", "parser", "thread_parser"]

MAX_BYTES = 100_000
_LOCAL = threading.local()
#: The values of every ID and Id attribute (no namespace), in document order.
_IDS = etree.XPath("//@ID | //@Id")
_NODES = (etree.Comment, etree.ProcessingInstruction, etree.Entity)


class UnsafeXml(ValueError):
    """The document is refused; the message says why, in plain words."""


def parser() -> Any:
    """A new parser with the settings above (parsers are not shared between threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        collect_ids=False,
    )


def thread_parser() -> Any:
    """This thread's parser, made once (lxml parsers may be reused, not shared)."""
    found = getattr(_LOCAL, "parser", None)
    if found is None:
        found = _LOCAL.parser = parser()
    return found


def parse(data: bytes) -> Any:
    """The root element of ``data``, or :class:`UnsafeXml` saying why it is refused."""
    if len(data) > MAX_BYTES:
        raise UnsafeXml(f"the document is {len(data)} bytes, more than the {MAX_BYTES} accepted")
    if b"\x00" in data:
        raise UnsafeXml("the document contains NUL bytes (only UTF-8 is accepted)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafeXml("the document is not UTF-8") from None
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise UnsafeXml("the document has a DOCTYPE or entity declaration (DTDs are refused)")
    try:
        root = etree.fromstring(data, thread_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"the document is not well-formed XML: {exc}") from None
    if root is None:
        raise UnsafeXml("the document is empty")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXml("the document has a DOCTYPE (DTDs are refused)")
    # Two C-level scans decide the common case; a document they flag is walked in
    # Python to name the first offence, as the walk always did.
    ids = _IDS(root)
    if len(set(ids)) != len(ids) or next(tree.iter(*_NODES), None) is not None:
        _walk(tree)
    for sibling in (root.getprevious(), root.getnext()):
        if sibling is not None:
            raise UnsafeXml("the document has comments or processing instructions around its root")
    return root


def _walk(tree: Any) -> None:
    """Refuse the first comment, processing instruction, entity or repeated ID."""
    ids: set[str] = set()
    for node in tree.iter():
        if isinstance(node, (etree._Comment, etree._ProcessingInstruction, etree._Entity)):
            raise UnsafeXml(
                "the document contains a comment, processing instruction or entity reference"
            )
        for name in ("ID", "Id"):
            value = node.get(name)
            if value is not None:
                if value in ids:
                    raise UnsafeXml(f"the ID {value!r} appears twice in the document")
                ids.add(value)
