"""Request and response pieces that the botocore-based adapters convert alike.

botocore and aiobotocore hand over an ``AWSPreparedRequest``; ``requests``
hands over a ``PreparedRequest``.  Both carry header mappings whose values may
be bytes, and bodies that may be bytes, text or a file-like object.
"""

from __future__ import annotations

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


def botocore_headers(mapping: Any) -> dict[str, str]:
    """:func:`headers` of botocore's ``HeadersDict``, read from its storage.

    botocore keeps its headers in ``_dict`` under keys carrying their lower-cased
    name in ``_lower``, and prepares most values as bytes.  A strict UTF-8 decode
    (``bytes.decode()`` with no arguments, the quickest call) gives what the
    lenient one gives whenever it succeeds; when it fails, or the mapping is
    another kind, :func:`headers` converts it.
    """
    inner = getattr(mapping, "_dict", None)
    if type(inner) is dict:
        converted = {}
        try:  # a loop, not a comprehension: one Python frame fewer per request
            for key, value in inner.items():
                converted[key._lower] = value.decode() if type(value) is bytes else str(value)
        except (AttributeError, UnicodeDecodeError):  # another key type; not UTF-8
            pass
        else:
            return converted
    return headers(mapping)
