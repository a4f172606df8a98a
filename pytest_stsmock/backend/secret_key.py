"""A per-backend HMAC key drawn from the OS on first use, for the opaque texts tests must not forge.

Authorization messages and trade-in tokens are authenticated with it. It is
not derived from ``seed``: a known seed must not let a test forge either.
Drawn lazily (most backends never mint one), since reading OS entropy is a
system call every activation would otherwise pay for; a lock makes two
threads' first uses agree on one key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

_LOCK = threading.Lock()


class SecretKey:
    """HMAC-SHA256 tags under a key of 32 random bytes, drawn at the first tag."""

    __slots__ = ("_drawn",)

    def __init__(self) -> None:
        self._drawn: bytes | None = None

    def tag(self, ident: bytes) -> bytes:
        key = self._drawn
        if key is None:
            with _LOCK:
                key = self._drawn
                if key is None:
                    key = self._drawn = secrets.token_bytes(32)
        return hmac.new(key, ident, hashlib.sha256).digest()
