"""Every speed path that reads a private attribute of the standard library or botocore.

Each function here has a public twin (``*_public``) computing the same answer
through documented APIs only; the fast version checks that the private
attribute looks as expected and otherwise takes the public road, so a Python
or botocore release that renames or reshapes the attribute costs speed, never
correctness.  ``tests/test_fastpaths.py`` checks that both roads agree, and
that the fallback is taken when the attribute is missing.

The uses, what each saves (per request on the benchmark machine, see
``benchmarks/``) and what happens without the attribute:

* ``os.environ._data`` (:func:`read_environ`): POSIX keeps the environment
  as a dict of bytes.  Reading it directly skips ``os.environ.get``'s
  Python-level key encoding and value decoding for each of the ~10 variables
  the mock saves and restores at every start/stop (a few µs per test).  If
  ``_data`` is absent or not a dict (Windows, a future CPython): one
  ``os.environ.get`` per name.  Writing (:func:`write_environ`) does what
  ``os.environ.__setitem__``/``pop`` do (``os.putenv``/``os.unsetenv`` and
  the same dict) without their Python-level encoding calls: about 1.5 µs
  per set and restore, three of each per activation.  Another mapping than
  ``os.environ`` always takes the public road.  :func:`write_environ_many`
  makes those checks once for all of an activation's writes, and
  :func:`environ_names_any` (is a profile variable set?) reads the same
  mapping.  The mock's own save and restore go one step further
  (:func:`read_environ_raw`, :func:`write_environ_raw`): they keep the
  values in the environment's own storage (:func:`environ_raw`: bytes where
  ``os.supports_bytes_environ``, text elsewhere), so a start and a stop
  decode nothing and compare bytes; the public road there is
  ``os.environb`` (``os.environ`` without bytes support).
* botocore's ``HeadersDict._dict`` and its keys' ``_lower``
  (:func:`header_dict`): ``HeadersDict.items()`` runs through Python-level
  ``__iter__``/``__getitem__`` (about 8 µs a request); its inner dict already
  holds each name lower-cased.  ``http.client.HTTPMessage._headers`` (a list
  of pairs) saves the same for ``email.message.Message`` headers.  If either
  attribute is gone or of another type: ``headers.items()``.
* ``_hashlib.hmac_digest`` / ``_hashlib.hmac_new`` (:data:`hmac_digest`,
  :data:`hmac_new`): OpenSSL's HMAC without the pure-Python ``hmac`` module
  wrapping it; SigV4 derives a key with four HMACs and signs with one.
  Without ``_hashlib`` (a CPython built without OpenSSL): ``hmac.digest`` and
  ``hmac.new``, the same results, slower.
"""

from __future__ import annotations

import functools
import hmac
import os
import sys
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = [
    "environ_names_any",
    "environ_names_any_public",
    "environ_raw",
    "header_dict",
    "header_dict_public",
    "hmac_digest",
    "hmac_new",
    "read_environ",
    "read_environ_public",
    "read_environ_raw",
    "read_environ_raw_public",
    "write_environ_raw",
    "write_environ_raw_public",
]

_POSIX = os.name == "posix"
_FS_ENCODING = sys.getfilesystemencoding()
_FS_ERRORS = sys.getfilesystemencodeerrors()

HmacDigest = Callable[[bytes, bytes, str], bytes]
HmacNew = Callable[..., Any]

try:  # OpenSSL's HMAC, without the pure-Python wrappers around it
    from _hashlib import hmac_digest as _openssl_digest
    from _hashlib import hmac_new as _openssl_new
except ImportError:  # pragma: no cover - CPython without OpenSSL
    hmac_digest: HmacDigest = hmac.digest
    hmac_new: HmacNew = hmac.new
else:
    hmac_digest = _openssl_digest
    hmac_new = _openssl_new


def read_environ_public(
    names: tuple[str, ...], environ: Mapping[str, str] = os.environ
) -> dict[str, str | None]:
    """The value of each variable in ``names`` (None when unset), through ``environ.get``."""
    return {name: environ.get(name) for name in names}


@functools.cache
def _encoded(names: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    return tuple((name, os.fsencode(name)) for name in names)


def read_environ(
    names: tuple[str, ...], environ: Mapping[str, str] = os.environ
) -> dict[str, str | None]:
    """:func:`read_environ_public`, reading POSIX's bytes mapping directly when it is there."""
    data = getattr(environ, "_data", None)
    if not _POSIX or type(data) is not dict:
        return read_environ_public(names, environ)
    get = data.get
    out: dict[str, str | None] = {}
    for name, key in _encoded(names):
        raw = get(key)
        # os.fsdecode's own decoding, without its Python-level type checks
        out[name] = None if raw is None else raw.decode(_FS_ENCODING, _FS_ERRORS)
    return out


def environ_names_any_public(
    names: tuple[str, ...], environ: Mapping[str, str] = os.environ
) -> bool:
    """True when a variable of ``names`` is set to a non-empty value."""
    return any(environ.get(name) for name in names)


def environ_names_any(names: tuple[str, ...], environ: Mapping[str, str] = os.environ) -> bool:
    """:func:`environ_names_any_public`, reading POSIX's bytes mapping directly."""
    data = getattr(environ, "_data", None)
    if not _POSIX or type(data) is not dict:
        return environ_names_any_public(names, environ)
    get = data.get
    for _, key in _encoded(names):  # noqa: SIM110 - a plain loop is cheaper than any()
        if get(key):
            return True
    return False


def write_environ_public(
    name: str, value: str | None, environ: MutableMapping[str, str] = os.environ
) -> None:
    """Set ``name`` to ``value`` in ``environ``, or remove it when ``value`` is None."""
    if value is None:
        environ.pop(name, None)
    else:
        environ[name] = value


_encoded_name = functools.cache(os.fsencode)


def write_environ(
    name: str, value: str | None, environ: MutableMapping[str, str] = os.environ
) -> None:
    """:func:`write_environ_public`, for ``os.environ`` on POSIX writing its bytes mapping
    and the process environment directly (as ``os.environ.__setitem__`` does)."""
    write_environ_many([(name, value)], environ)


def write_environ_many(
    changes: list[tuple[str, str | None]], environ: MutableMapping[str, str] = os.environ
) -> None:
    """:func:`write_environ` for each (name, value) of ``changes``, in order, checking
    once that ``environ`` is POSIX's ``os.environ``."""
    data = getattr(environ, "_data", None)
    if environ is not os.environ or not _POSIX or type(data) is not dict:
        for name, value in changes:
            write_environ_public(name, value, environ)
        return
    for name, value in changes:
        key = _encoded_name(name)
        if value is None:
            if data.pop(key, None) is not None:
                os.unsetenv(key)
        else:
            raw = value.encode(_FS_ENCODING, _FS_ERRORS)
            os.putenv(key, raw)
            data[key] = raw


#: A variable's name or value as the environment stores it (see :func:`environ_raw`).
Raw = Any
_BYTES_ENVIRON = os.supports_bytes_environ


def environ_raw(text: str) -> Raw:
    """``text`` as the environment stores it: ``os.fsencode`` where the environment is
    bytes (POSIX), the text itself elsewhere.  Names and values alike; fixed per process."""
    return text.encode(_FS_ENCODING, _FS_ERRORS) if _BYTES_ENVIRON else text


def _raw_mapping() -> MutableMapping[Any, Any]:
    return os.environb if _BYTES_ENVIRON else os.environ


def read_environ_raw_public(keys: tuple[Raw, ...]) -> list[Raw | None]:
    """The stored value of each variable of ``keys`` (raw names), None when unset."""
    return list(map(_raw_mapping().get, keys))


def read_environ_raw(keys: tuple[Raw, ...]) -> list[Raw | None]:
    """:func:`read_environ_raw_public`, reading POSIX's bytes mapping directly."""
    data = getattr(os.environ, "_data", None)
    if not _BYTES_ENVIRON or type(data) is not dict:
        return read_environ_raw_public(keys)
    return list(map(data.get, keys))  # no comprehension: no function object per call


def write_environ_raw_public(changes: list[tuple[Raw, Raw | None]]) -> None:
    """Set each raw name of ``changes`` to its raw value, or remove it for None, in order."""
    mapping = _raw_mapping()
    for key, value in changes:
        if value is None:
            mapping.pop(key, None)
        else:
            mapping[key] = value


def write_environ_raw(changes: list[tuple[Raw, Raw | None]]) -> None:
    """:func:`write_environ_raw_public`, writing POSIX's bytes mapping and the process
    environment directly (as ``os.environ.__setitem__`` and ``pop`` do)."""
    data = getattr(os.environ, "_data", None)
    if not _BYTES_ENVIRON or type(data) is not dict:
        write_environ_raw_public(changes)
        return
    for key, value in changes:
        if value is None:
            if data.pop(key, None) is not None:
                os.unsetenv(key)
        else:
            os.putenv(key, value)
            data[key] = value


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def header_dict_public(headers: Any) -> dict[str, str]:
    """Lower-cased header names to text values (bytes decoded), through ``items()``."""
    return {str(k).lower(): _text(v) for k, v in headers.items()}


def header_dict(headers: Any) -> dict[str, str]:
    """:func:`header_dict_public`, reading botocore's and ``http.client``'s storage directly."""
    inner = getattr(headers, "_dict", None)
    if type(inner) is dict:
        try:
            return {
                key._lower: v.decode("utf-8", "replace") if type(v) is bytes else str(v)
                for key, v in inner.items()
            }
        except AttributeError:  # not the key type we know: take the public road
            pass
    pairs = getattr(headers, "_headers", None)
    if isinstance(pairs, list):
        return {str(k).lower(): _text(v) for k, v in pairs}
    return header_dict_public(headers)
