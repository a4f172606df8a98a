"""Text for the query protocol's XML: escaping, and each scalar type's wire form.

* **Escaping is checked once per response** by :mod:`.xml`: :func:`plain`
  says whether text can be written as it is (a C table pass for long ASCII
  text, a regex scan for short text), and :func:`escape` escapes ``&``, ``<``,
  ``>`` and a carriage return (``&#xD;``, so it survives XML line-end
  normalisation).  Control characters XML 1.0 cannot carry, even escaped,
  become U+FFFD: AWS's own answer is unknown.
* Timestamps are ISO 8601 in UTC without fraction (naive datetimes are taken
  as UTC); times already in ``timezone.utc``, the backend's own, are
  formatted through a small cache.  Booleans are ``true``/``false``, blobs
  base64, floats their ``repr``.
"""

from __future__ import annotations

import base64
import datetime
import functools
import re
from collections.abc import Callable
from typing import Any

_UTC = datetime.timezone.utc


def plain(text: str) -> bool:
    """True when ``text`` can be written as it is (nothing to escape or replace)."""
    if len(text) > SHORT and text.isascii():  # a session token, say
        # bytes.translate is one C table pass: about five times a regex scan's speed
        # on long text (on short text the regex wins: no encoding to make).
        return len(text.encode("ascii").translate(None, UNSAFE_ASCII)) == len(text)
    return unsafe(text) is None


def escape(text: str) -> str:
    if (unsafe(text) is None) if len(text) <= SHORT else plain(text):  # nothing to escape
        return text
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#xD;")
    if not _XML_SAFE(text):
        # XML 1.0 cannot carry most control characters, even escaped; AWS's own
        # answer is unknown.  Replace them so the document stays parseable.
        text = _XML_UNSAFE.sub("\ufffd", text)
    return text


UNSAFE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
unsafe = UNSAFE.search
SHORT = 64
UNSAFE_ASCII = bytes([*range(0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20)]) + b"&<>"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_SAFE = re.compile("[^\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*").fullmatch


# --- scalar text --------------------------------------------------------------


def text(value: Any) -> str:
    return escape(value if isinstance(value, str) else str(value))


def _boolean(value: Any) -> str:
    if isinstance(value, str):
        return escape(value)
    return "true" if value else "false"


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is _UTC:  # the backend's own times
            return _iso_utc(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return _iso(value.astimezone(_UTC))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _iso(datetime.datetime.fromtimestamp(value, _UTC))
    return text(value)


def _iso(t: datetime.datetime) -> str:
    # isoformat is C code: "YYYY-MM-DDTHH:MM:SS" then the offset, which is UTC here.
    return t.isoformat(timespec="seconds")[:19] + "Z"


#: Formatting a time costs more than a look-up, and a test's answers carry the
#: same expiry again and again.  Only times in ``timezone.utc`` are cached:
#: equal keys then have equal text (times in other zones compare equal across
#: zones).
_iso_utc = functools.lru_cache(maxsize=256)(_iso)


def _blob(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def _number(value: Any) -> str:
    return repr(value) if isinstance(value, float) else text(value)


SCALARS: dict[str, Callable[[Any], str]] = {
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
    "float": _number,
    "double": _number,
}
