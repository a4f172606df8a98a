"""SigV4's canonical request and signature check (``verify``), for ``protocol.sigv4``.

``sigv4`` reads what a request's signature claims; this module recomputes the
signature over the request with the caller's secret and compares it, on every
request.  Only pure functions of a request's text are cached: the URL's
canonical path and query lines and the ``host`` urllib3 would send (per URL),
the header template (per signed header set), the body's SHA-256 (per body) and
the keyed signer (per secret and scope).  Header values are checked for
whitespace to fold together; any that needs folding sends all of them through
the one-by-one road (``_header_lines``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import urllib.parse
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes

from pytest_stsmock._fastpaths import hmac_digest as _hmac_digest
from pytest_stsmock._fastpaths import hmac_new as _hmac_new
from pytest_stsmock._http import HttpRequest, plain_host
from pytest_stsmock._http import split_url as _split_url

if TYPE_CHECKING:
    from pytest_stsmock.protocol.sigv4 import SignedRequest

__all__ = ["ALGORITHM", "UNSIGNED_PAYLOAD", "verify"]

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

# Already canonical: unreserved characters and upper-case %XX of other bytes only.
_HEX = r"%(?!2[DE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])[0-9A-F]{2}"
_CANONICAL = re.compile(rf"[\w.~-]*(?:{_HEX}[\w.~-]*)*", re.ASCII)
_CANONICAL_QUERY = re.compile(rf"[\w.~=&-]*(?:{_HEX}[\w.~=&-]*)*", re.ASCII)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _encode_component(text: str) -> str:
    """Form-decode one query component, then RFC 3986-encode its bytes."""
    if _CANONICAL.fullmatch(text):  # what botocore and requests send: no work to do
        return text
    return quote_from_bytes(unquote_to_bytes(text.replace("+", " ")), safe="-_.~")


def _canonical_query(raw_query: str, presigned: bool) -> str:
    if not raw_query:
        return ""
    canonical = _CANONICAL_QUERY.fullmatch(raw_query) is not None
    pairs = []
    for part in raw_query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if not canonical or "=" in value:
            name, value = _encode_component(name), _encode_component(value)
        if not (presigned and name == "X-Amz-Signature"):
            pairs.append((name, value))
    pairs.sort()
    return "&".join([f"{name}={value}" for name, value in pairs])


def _canonical_path(path: str) -> str:
    if path in ("", "/"):
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    normalised = "/" + "/".join(kept)
    if kept and path.endswith("/"):
        normalised += "/"
    return quote(normalised, safe="/~")


def _host_from_url(parts: urllib.parse.SplitResult) -> str:
    """The Host header urllib3 would send: lower case, default port dropped."""
    plain = plain_host(parts.netloc)
    if plain is not None:
        return plain
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:  # not a number: nothing sensible to sign
        return parts.netloc
    return host if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"


@functools.lru_cache(maxsize=64)
def _signer(secret: str, date: str, region: str, service: str, terminator: str) -> tuple[Any, str]:
    """An HMAC-SHA256 object keyed with the SigV4 signing key (``copy()`` it to sign), and
    the credential scope line of the string to sign.

    Keying costs OpenSSL a digest look-up each time; a keyed object copied per
    request costs about half of a fresh ``hmac.digest``.
    """
    key = ("AWS4" + secret).encode("utf-8", "surrogatepass")
    for part in (date, region, service, terminator):
        key = _hmac_digest(key, part.encode("utf-8", "surrogatepass"), "sha256")
    return _hmac_new(key, digestmod="sha256"), f"{date}/{region}/{service}/{terminator}\n"


@functools.lru_cache(maxsize=256)
def _payload_hash(body: bytes) -> str:
    """The hex SHA-256 of a body: a pure function of it, and the bodies of a test repeat
    (a GetCallerIdentity is always the same 43 bytes, a refresher's AssumeRole too)."""
    return hashlib.sha256(body).hexdigest()


@functools.lru_cache(maxsize=64)
def _lowered(signed_headers: tuple[str, ...]) -> tuple[tuple[str, ...], str, str, int]:
    """The signed header names lower-cased, the canonical request's SignedHeaders line,
    the ``%`` template of the canonical header lines, and where ``host`` is (-1: not)."""
    names = tuple(name.lower() for name in signed_headers)
    template = "".join(name.replace("%", "%%") + ":%s\n" for name in names)
    return names, ";".join(names) + "\n", template, names.index("host") if "host" in names else -1


@functools.lru_cache(maxsize=256)
def _url_lines(url: str, presigned: bool) -> tuple[str, str] | None:
    """The canonical request's path and query lines of a URL, and the ``host`` value
    urllib3 would send for it: a pure function of the URL; None when it cannot be parsed."""
    parts = _split_url(url)
    if parts is None:
        return None
    query = _canonical_query(parts.query, presigned)
    return f"{_canonical_path(parts.path)}\n{query}\n", _host_from_url(parts)


def _header_lines(headers: Any, names: tuple[str, ...], host: str) -> str:
    """The canonical header lines one by one: each signed header's value with its
    whitespace folded (a value missing is empty, ``host`` comes from the URL).
    :func:`verify` takes the values together first and comes here when any needs work."""
    lines = []
    for lname in names:
        value = headers.get(lname)
        if value is None:
            value = host if lname == "host" else ""
        if " " in value or not value.isprintable():  # whitespace to trim and fold
            value = " ".join(value.split())
        lines.append(f"{lname}:{value}\n")
    return "".join(lines)


def verify(request: HttpRequest, signed: SignedRequest, secret_access_key: str) -> bool:
    """Recompute the signature with ``secret_access_key``; True when it matches.

    Every call recomputes and compares it: only the pieces that are pure
    functions of their text (the URL's canonical lines, the header template,
    the body's hash, the signing key) are cached.
    """
    url_lines = _url_lines(request.url, signed.presigned)
    if url_lines is None:
        return False
    headers = request.headers
    names, signed_line, template, host_at = _lowered(signed.signed_headers)
    path_and_query, host = url_lines
    # The header lines: when the values' text is printable (so its only whitespace is
    # plain spaces) and no value starts or ends with a space or holds two in a row,
    # folding changes nothing and the values fill the template as they are.
    values: list[Any] = list(map(headers.get, names))
    if host_at >= 0 and values[host_at] is None:
        values[host_at] = host
    lines = None
    if None not in values:
        joined = "\n".join(values)
        if (
            " " not in joined
            or (
                "  " not in joined
                and " \n" not in joined
                and "\n " not in joined
                and joined[0] != " "
                and joined[-1] != " "
            )
        ) and "".join(values).isprintable():
            lines = template % tuple(values)
    if lines is None:
        lines = _header_lines(headers, names, host)
    prefix = f"{request.method.upper()}\n{path_and_query}{lines}\n{signed_line}"
    declared = headers.get("x-amz-content-sha256")
    if declared is not None:
        payloads = [declared]
    else:
        payloads = [_payload_hash(request.body)]
        if signed.presigned:
            payloads.append(UNSIGNED_PAYLOAD)
    signer, scope = _signer(
        secret_access_key, signed.date, signed.region, signed.service, signed.terminator
    )
    scope_line = f"{ALGORITHM}\n{signed.amz_date_text or signed.amz_date_basic}\n{scope}"
    claimed = signed.signature.encode("utf-8", "surrogatepass")
    for payload in payloads:
        canonical = (prefix + payload).encode("utf-8", "surrogatepass")
        mac = signer.copy()
        mac.update((scope_line + _sha256(canonical).hexdigest()).encode("utf-8", "surrogatepass"))
        if _compare(mac.hexdigest().encode("ascii"), claimed):
            return True
    return False


_sha256 = hashlib.sha256
_compare = hmac.compare_digest
