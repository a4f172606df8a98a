"""AWS-shaped identifiers drawn from a seeded :class:`random.Random`.

Design decisions:

* Every function takes the backend's ``rng``; nothing here touches
  ``os.urandom``, ``uuid.uuid4`` or module-level state, so ``seed=N`` reproduces
  every identifier a test sees.
* Access key IDs encode the account exactly as AWS's "new-generation" keys do:
  the 16 characters after the prefix are the RFC 4648 base32 form of 10 bytes;
  the first 6 bytes, big-endian, hold the account in bits 7..46.  The top bit is
  always set, as in every post-2019 key (the fifth character is Q-Z or 2-7); the
  7 low bits and the last 4 bytes are random.
* Decoding works on any 16 base32 characters.  Pre-2019 keys (such as the docs'
  ``AKIAIOSFODNN7EXAMPLE``) carry no account, and AWS answers GetAccessKeyInfo
  for them from a lookup; we decode them anyway and get a meaningless number.
* Unique IDs (AIDA, AROA, ...) are the prefix plus 17 random base32 characters.
* Session tokens only look right: a v2 token (regional endpoints) begins with
  ``IQoJb3JpZ2luX2Vj`` (``!\\n\\torigin_ec``) and carries the region as a
  length-prefixed field near the start, a v1 token (global endpoint) begins with
  ``FwoGZXIvYXdzE``.  The rest is random bytes: opaque, as for real tokens.
* Request IDs are version-4 UUIDs built from 128 random bits of the rng.
"""

from __future__ import annotations

import base64
import functools
import random
import re

__all__ = [
    "access_key_id",
    "account_from_access_key_id",
    "pad_token",
    "request_id",
    "secret_access_key",
    "session_token",
    "unique_id",
]

_ENCODED_KEY = re.compile(r"[A-Z2-7]{16}")
_ACCOUNT_MASK = 0x7FFFFFFFFF80
_TOP_BIT = 1 << 47

_V2_HEADER = b"!\n\torigin_ec"  # base64: IQoJb3JpZ2luX2Vj
_V1_HEADER = b"\x17\n\x06er/aws"  # base64: FwoGZXIvYXdz


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


_B32_PAIRS = [a + b for a in _B32 for b in _B32]  # every 10-bit value as two digits


def _base32(value: int, length: int) -> str:
    """The low ``5 * length`` bits of ``value`` as RFC 4648 base32 digits, most significant first.

    (base64.b32encode is pure Python and slower for these sizes; two digits per
    table lookup halves the work of one digit at a time.)
    """
    pairs = _B32_PAIRS
    even = length & ~1
    text = "".join([pairs[(value >> shift) & 1023] for shift in range(5 * even - 10, -1, -10)])
    return _B32[(value >> (5 * even)) & 31] + text if length & 1 else text


def _base32_16(value: int) -> str:
    """``_base32(value, 16)`` unrolled: the two sizes every backend draws at creation
    (a key ID's 16 digits, a unique ID's 17) without the loop's range and join."""
    p = _B32_PAIRS
    return (
        p[(value >> 70) & 1023]
        + p[(value >> 60) & 1023]
        + p[(value >> 50) & 1023]
        + p[(value >> 40) & 1023]
        + p[(value >> 30) & 1023]
        + p[(value >> 20) & 1023]
        + p[(value >> 10) & 1023]
        + p[value & 1023]
    )


def _base32_17(value: int) -> str:
    """``_base32(value, 17)``: see :func:`_base32_16`."""
    return _B32[(value >> 80) & 31] + _base32_16(value)


@functools.lru_cache(maxsize=1024)
def _account_bits(account_id: str) -> int:
    """The fixed bits of a key ID for ``account_id``: the top bit and the account, in place."""
    if len(account_id) != 12 or not (account_id.isascii() and account_id.isdigit()):
        raise ValueError(f"an account id is 12 digits, got {account_id!r}")
    return (_TOP_BIT | (int(account_id) << 7)) << 32


def _encode_account(rng: random.Random, account_id: str) -> str:
    """16 base32 characters whose decoding yields ``account_id``."""
    # The 7 random bits under the account and the 32 random bits of the last 4
    # bytes are contiguous: one draw of 39 bits fills both.
    return _base32_16(_account_bits(account_id) | rng.getrandbits(39))


def access_key_id(rng: random.Random, account_id: str, *, temporary: bool) -> str:
    """``AKIA`` (long-term) or ``ASIA`` (temporary) + 16 characters encoding the account."""
    return ("ASIA" if temporary else "AKIA") + _encode_account(rng, account_id)


def account_from_access_key_id(key_id: str) -> str | None:
    """The 12-digit account a key ID encodes, or None when it is not 4 + 16 base32 chars."""
    if len(key_id) != 20 or not _ENCODED_KEY.fullmatch(key_id, 4):
        return None
    data = base64.b32decode(key_id[4:])  # 16 characters: exactly 10 bytes, no padding
    account = (int.from_bytes(data[:6], "big") & _ACCOUNT_MASK) >> 7
    return f"{account:012d}"


def secret_access_key(rng: random.Random) -> str:
    """40 characters of ``[A-Za-z0-9+/]`` (30 random bytes in base64: no padding)."""
    return base64.b64encode(rng.randbytes(30)).decode("ascii")


def unique_id(rng: random.Random, prefix: str) -> str:
    """``prefix`` (AIDA, AROA, ...) + 17 base32 characters: 21 in all for AWS's prefixes."""
    return prefix + _base32_17(rng.getrandbits(85))


def _id_field(value: int) -> bytes:
    """Field tag 0x10 and ``value`` as a protobuf varint."""
    out = bytearray(b"\x10")
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def session_token(rng: random.Random, *, regional: bool, region: str) -> str:
    """An opaque, AWS-looking session token: v2 for regional endpoints, v1 for the global one.

    ``region`` is embedded in v2 tokens only (v1 tokens come from us-east-1).
    """
    field = _id_field(rng.getrandbits(40))
    if regional:
        head = _V2_HEADER + field + _region_field(region)
        size = 600
    else:
        head = _V1_HEADER + field + b"\x1a\x0c"
        size = 270
    return base64.b64encode(head + rng.randbytes(size - len(head))).decode("ascii")


@functools.lru_cache(maxsize=64)
def _region_field(region: str) -> bytes:
    name = region.encode("utf-8")[:127]
    return b"\x1a" + bytes([len(name)]) + name


def request_id(rng: random.Random) -> str:
    """A version-4 UUID string (``x-amzn-RequestId``) from the rng."""
    # RFC 4122 version 4 layout: version nibble 4, variant bits 10.
    value = (
        (rng.getrandbits(128) & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
    )
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def pad_token(rng: random.Random, token: str, minimum: int) -> str:
    """``token`` grown with random base64 to at least ``minimum`` bytes (MinimumSessionTokenSize).

    Tokens are ASCII, so bytes and characters are the same count; the result
    stays valid base64 (a multiple of four characters).
    """
    if len(token) >= minimum:
        return token
    missing = minimum - len(token)
    extra = base64.b64encode(rng.randbytes((missing + 3) // 4 * 3)).decode("ascii")
    return token + extra[: (missing + 3) // 4 * 4]
