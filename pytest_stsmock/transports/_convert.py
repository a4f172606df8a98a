"""Request and response pieces that the botocore-based adapters convert alike.

botocore and aiobotocore hand over an ``AWSPreparedRequest``; ``requests``
hands over a ``PreparedRequest``.  Both carry header mappings whose values may
be bytes, and bodies that may be bytes, text or a file-like object.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from typing import Any

from pytest_stsmock import _fastpaths


class RawBody:
    """The minimal raw-stream object botocore's AWSResponse reads content from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def body_bytes(body: Any) -> bytes:
    """A request body as bytes; a file-like body is read and rewound."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        if hasattr(body, "seek"):
            body.seek(0)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    return bytes(body)


def headers(headers: Any) -> dict[str, str]:
    """Lower-cased header names; bytes values (botocore sends some) decoded."""
    return _fastpaths.header_dict(headers)


_lower = operator.attrgetter("_lower")
_is_bytes = bytes.__instancecheck__
_TEXT_OR_BYTES = frozenset({str, bytes})


def botocore_headers(mapping: Any) -> dict[str, str]:
    """:func:`headers` of botocore's ``HeadersDict``, with no Python step per header.

    botocore keeps its headers in ``_dict`` under keys carrying their lower-cased
    name in ``_lower``, and prepares most values as ASCII bytes (Content-Length
    stays a str).  The bytes values are joined, decoded once and split again:
    for ASCII text without a line break that is each value decoded on its own.
    Anything else (non-ASCII bytes, a line break, another value type or mapping)
    takes :func:`headers`, which gives the same mapping one header at a time.
    """
    inner = getattr(mapping, "_dict", None)
    if type(inner) is not dict:
        return headers(mapping)
    try:
        names = list(map(_lower, inner))
    except AttributeError:  # not botocore's key type
        return headers(mapping)
    values = list(inner.values())
    converted = dict(zip(names, values, strict=True))
    if not _TEXT_OR_BYTES.issuperset(map(type, values)) or len(converted) != len(values):
        return headers(mapping)
    flags = list(map(_is_bytes, values))
    raw = list(itertools.compress(values, flags))
    if raw:
        joined = b"\n".join(raw)
        texts = joined.decode("ascii").split("\n") if joined.isascii() else ()
        if len(texts) != len(raw):  # non-ASCII, or a value with a line break
            return headers(mapping)
        converted.update(zip(itertools.compress(names, flags), texts, strict=True))
    return converted
