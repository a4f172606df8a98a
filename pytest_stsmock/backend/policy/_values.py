"""Typed readings of condition values: numbers, dates, booleans, binary, IPs.

Design decisions:

* Every parser returns ``None`` for text it cannot read instead of raising, so
  a malformed value (in the policy or in the request) becomes "cannot
  evaluate" and the caller fails closed.  The grammar does not check these
  values when a policy is parsed (AWS documents no save-time check for them);
  a bad policy value is found, and explained, at evaluation time.
* Numbers are :class:`decimal.Decimal` (``1`` equals ``1.0``, large integers
  stay exact).  Only plain decimal notation is accepted: no exponent, no
  ``NaN`` or ``Infinity``, no thousands separators.
* Dates accept ISO 8601 (``2024-01-01``, ``2024-01-01T12:00:00Z``, fractional
  seconds, ``+hh:mm`` / ``+hhmm`` offsets, a space instead of ``T``) or epoch
  seconds (an integer, optionally fractional), on both sides of the
  comparison.  A date without an offset is UTC.  Values are compared as
  epoch seconds.
* Parsers of numbers, dates and addresses are memoized (bounded LRU), so a
  request value seen before costs a dictionary lookup.
* ``Bool`` reads ``true``/``false`` in any case; ``Null`` values use the same
  reader.  ``BinaryEquals`` compares the decoded bytes of standard base64 on
  both sides (the request carries binary values base64-encoded, as in the
  query protocol).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "IpNetwork",
    "parse_binary",
    "parse_bool",
    "parse_date",
    "parse_ip",
    "parse_network",
    "parse_number",
]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddr = ipaddress.IPv4Address | ipaddress.IPv6Address

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?")
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)
_EPOCH_START = datetime(1970, 1, 1, tzinfo=timezone.utc)


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """A decimal number, or ``None``."""
    if _NUMBER.fullmatch(text) is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """Epoch seconds for an ISO 8601 date or an epoch-seconds string, or ``None``."""
    if _EPOCH.fullmatch(text):
        try:
            value = float(text)
        except (OverflowError, ValueError):  # pragma: no cover - regex guards this
            return None
        return value if abs(value) < 1e14 else None
    m = _ISO.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        when = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
    seconds = (when - _EPOCH_START).total_seconds()
    if frac:
        seconds += int(frac) / 10 ** len(frac)
    if zone and zone not in "Zz":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            return None
        seconds -= sign * timedelta(hours=hours, minutes=minutes).total_seconds()
    return seconds


def parse_bool(text: str) -> bool | None:
    """``True``/``False`` for ``true``/``false`` in any case, else ``None``."""
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def parse_binary(text: str) -> bytes | None:
    """Bytes decoded from standard base64, or ``None``."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


@lru_cache(maxsize=4096)
def parse_network(text: str) -> IpNetwork | None:
    """An IPv4/IPv6 network from a CIDR block or a bare address, or ``None``."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_ip(text: str) -> IpAddr | None:
    """One IPv4/IPv6 address, or ``None``."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
