"""Server-side AWS Signature Version 4 (AWS4-HMAC-SHA256) parsing and verification.

Use: ``parse`` (None: unsigned), ``check_scope``, ``check_time`` (the 15-minute
window), caller's key lookup, ``verify`` (False: SignatureDoesNotMatch).  Design decisions:

* Our own canonical request; botocore's signer is only the tests' client.
* Check order and wording follow AWS's SigV4 front end in pastes of real
  DynamoDB/Kinesis responses (not seen on STS: low confidence): key=value pairs,
  missing parts, date format, ``Host`` signed, algorithm, 5 credential elements;
  then ``check_scope``: region, service, terminator, scope date in one message.
  ``InvalidSignatureException`` there is ``SignatureDoesNotMatch`` 403 here.
* An ``Authorization`` header not starting with ``AWS4-`` counts as unsigned, as
  on AWS; so does SigV2 query signing (unsupported).
* Emulator-defined (OURS): the SigV4a (``AWS4-ECDSA-P256-SHA256``) message, the
  X-Amz-Expires message, and accepting an RFC 1123 ``Date`` header.
* Query strings are form-decoded (``+`` is a space, as ``requests`` and
  botocore's URL preparation send it) and re-encoded per RFC 3986 byte for byte.
* The path loses dot and empty segments and is encoded a second time (AWS's
  rule for every service but S3).  A signed ``host`` missing from the headers
  (botocore leaves it to urllib3) comes from the URL, default port dropped.
* Payload hash: ``x-amz-content-sha256`` when sent, else SHA-256 of the body.
  Presigned requests also accept ``UNSIGNED-PAYLOAD``: botocore presigns non-S3
  services with the empty-body hash, other SDKs with the constant.
* **One time window for both forms.**  Every service but S3 accepts a request
  whose X-Amz-Date lies within 15 minutes of its own clock, either way, and
  ignores X-Amz-Expires: a presigned STS URL lives 15 minutes whatever it says
  (aws/aws-sdk-go#2167, documented since aws/aws-sdk-go#2224; aws-iam-authenticator
  relies on it).  ``check_time`` applies that rule on the backend clock (the
  ``now`` the pipeline read with ``datetime.now(timezone.utc)``), so a client
  signing under freezegun or time-machine signs with the same moved clock and
  is accepted, and a URL replayed after the clock moved on is refused.  The
  wording ("Signature expired: ... - 15 min.") is AWS's for header-signed
  requests; that presigned ones get the same answer is our reading (the check
  is the same one in dacut/scratchstack-aws-signature's re-implementation).
  X-Amz-Expires is still parsed and bounded (OURS), only never obeyed.
* Signing keys sit in a bounded LRU cache as keyed HMAC objects (copied per
  request); the comparison is constant-time.  Headers as the SDKs write them
  are read by one regex, anything else token by token.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import hmac
import re
import urllib.parse
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes

from pytest_stsmock import _messages as msg
from pytest_stsmock._fastpaths import hmac_digest as _hmac_digest
from pytest_stsmock._fastpaths import hmac_new as _hmac_new
from pytest_stsmock._http import HttpRequest, plain_host
from pytest_stsmock._http import split_url as _split_url
from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol.query import parse_form

_UTC = timezone.utc

__all__ = ["ALGORITHM", "UNSIGNED_PAYLOAD", "SignedRequest", "check_scope", "parse"]
__all__ += ["WINDOW", "TimeProblem", "check_time", "verify"]

ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
TERMINATOR = "aws4_request"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

# -- protocol constants; the messages are in _messages (SIGV4_*) --------------
_INCOMPLETE = "IncompleteSignature"
_MISMATCH = "SignatureDoesNotMatch"
_HEADER_PARTS = ("Credential", "Signature")  # + SignedHeaders, which may be empty
_QUERY_PARTS = tuple(f"X-Amz-{p}" for p in ("Algorithm", "Credential", "Signature"))
_QUERY_PARTS += ("X-Amz-SignedHeaders", "X-Amz-Date")
#: SigV4 caps presigned URLs at seven days; the wording is S3's, STS's is unknown.
_MAX_EXPIRES = 604800


def _incomplete(template: str, *args: str) -> AwsError:
    return AwsError(_INCOMPLETE, template.format(*args))


class SignedRequest(NamedTuple):
    """What a SigV4 signature claims; nothing here is verified yet.

    (A named tuple: one is made per request, and it is cheaper than a frozen dataclass.)
    """

    access_key_id: str
    date: str  #: the scope date, nominally YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: datetime  #: request time (X-Amz-Date or Date), UTC
    session_token: str | None
    presigned: bool
    expires: int | None  #: X-Amz-Expires seconds, presigned only
    terminator: str = TERMINATOR  #: last scope element; check_scope insists on aws4_request
    #: ``amz_date`` in ISO 8601 basic format (YYYYMMDD'T'HHMMSS'Z'), as the signature uses it.
    amz_date_text: str = ""

    @property
    def amz_date_basic(self) -> str:
        """The request time as the signature uses it (kept from the request when parsed)."""
        return self.amz_date_text or _format_amz_date(self.amz_date)


def _iso_basic(text: str) -> datetime | None:
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        return None
    digits = text[:8] + text[9:15]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]),
            int(text[9:11]), int(text[11:13]), int(text[13:15]),
            tzinfo=_UTC,
        )  # fmt: skip
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _request_time(raw: str, allow_http_date: bool) -> tuple[datetime, str]:
    """The request time and its ISO 8601 basic form (cached: a test's calls share seconds)."""
    parsed = _iso_basic(raw)
    if parsed is not None:
        return parsed, raw
    if allow_http_date:
        try:  # a naive result means -0000, i.e. UTC
            http = email.utils.parsedate_to_datetime(raw)
            parsed = http.astimezone(_UTC) if http.tzinfo else http.replace(tzinfo=_UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
    if parsed is None:
        raise _incomplete(msg.SIGV4_BAD_DATE, raw)
    return parsed, _format_amz_date(parsed)


def _finish(
    algorithm: str,
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: tuple[datetime, str],
    session_token: str | None,
    expires: int | None,
    *,
    presigned: bool,
) -> SignedRequest:
    names, key_id, date, region, service, terminator = _scope(algorithm, credential, signed_headers)
    return _new_signed(
        SignedRequest,
        (
            key_id, date, region, service, names, signature, amz_date[0],
            session_token, presigned, expires, terminator, amz_date[1],
        ),
    )  # fmt: skip


_new_signed = tuple.__new__  # a NamedTuple without its Python-level __new__: one per request


@functools.lru_cache(maxsize=256)
def _scope(
    algorithm: str, credential: str, signed_headers: str
) -> tuple[tuple[str, ...], str, str, str, str, str]:
    """The signed header names and the five credential elements, checked in AWS's order.

    A pure function of the three strings, cached: every request a client signs
    with one key on one day repeats them (a refusal raises, and is not cached).
    """
    names = tuple(signed_headers.split(";")) if signed_headers else ()
    if "host" not in names and not any(name.lower() == "host" for name in names):
        raise AwsError(_MISMATCH, msg.SIGV4_HOST_NOT_SIGNED)
    if algorithm != ALGORITHM:
        sigv4a = algorithm == SIGV4A_ALGORITHM
        raise _incomplete(
            msg.SIGV4_UNSUPPORTED_SIGV4A if sigv4a else msg.SIGV4_UNSUPPORTED_ALGORITHM, algorithm
        )
    elements = credential.rstrip("/").split("/")
    if len(elements) != 5:
        raise _incomplete(msg.SIGV4_CREDENTIAL_ELEMENTS, credential)
    key_id, date, region, service, terminator = elements
    return names, key_id, date, region, service, terminator


#: The header as botocore and the other SDKs write it; anything else takes the general road.
_SDK_HEADER = re.compile(
    r"(AWS4-HMAC-SHA256) Credential=([^,\s=]+), SignedHeaders=([^,\s=]+), Signature=([^,\s=]+)"
)


def _parse_header(header: str, request: HttpRequest, query: dict[str, str]) -> SignedRequest:
    headers = request.headers
    sdk = _SDK_HEADER.fullmatch(header)
    if sdk is not None:
        algorithm, credential, signed_headers, signature = sdk.groups()
        raw_date = headers.get("x-amz-date")
        if raw_date:  # every part is there and non-empty: the SDKs' road, nothing to report
            return _finish(
                algorithm, credential, signed_headers, signature,
                _request_time(raw_date, False),
                headers.get("x-amz-security-token", query.get("X-Amz-Security-Token")),
                None, presigned=False,
            )  # fmt: skip
        parts = {"Credential": credential, "SignedHeaders": signed_headers, "Signature": signature}
    else:
        algorithm, _, rest = header.strip().partition(" ")
        parts = {}
        for token in rest.replace(",", " ").split():
            key, equals, value = token.partition("=")
            if not equals:
                raise _incomplete(msg.SIGV4_MISSING_EQUAL_SIGN, token, header)
            parts.setdefault(key, value)
    missing = ""
    if not (parts.get("Credential") and parts.get("Signature") and "SignedHeaders" in parts):
        missing = "".join(
            msg.SIGV4_HEADER_REQUIRES.format(p) for p in _HEADER_PARTS if not parts.get(p)
        )
        if "SignedHeaders" not in parts:  # may be empty: the Host check then fails
            missing += msg.SIGV4_HEADER_REQUIRES.format("SignedHeaders")
    raw_date = headers.get("x-amz-date") or ""
    http_date = not raw_date
    if http_date:
        raw_date = headers.get("date") or ""
        if not raw_date:
            missing += msg.SIGV4_HEADER_REQUIRES_DATE
    if missing:
        raise _incomplete("{0}Authorization={1}", missing, header)
    amz_date = _request_time(raw_date, http_date)
    session_token = headers.get("x-amz-security-token", query.get("X-Amz-Security-Token"))
    return _finish(
        algorithm, parts["Credential"], parts["SignedHeaders"], parts["Signature"],
        amz_date, session_token, None, presigned=False,
    )  # fmt: skip


def _parse_query(query: dict[str, str], request: HttpRequest) -> SignedRequest:
    missing = "".join(msg.SIGV4_QUERY_REQUIRES.format(p) for p in _QUERY_PARTS if not query.get(p))
    if missing:
        raise _incomplete("{0}{1}", missing, msg.SIGV4_QUERY_REQUIRES_END)
    amz_date = _request_time(query["X-Amz-Date"], False)
    raw_expires = query.get("X-Amz-Expires")
    expires: int | None = None
    if raw_expires is not None:
        if not (raw_expires.isascii() and raw_expires.isdigit()):
            raise _incomplete(msg.SIGV4_BAD_EXPIRES, raw_expires)
        expires = int(raw_expires)
        if expires > _MAX_EXPIRES:
            raise _incomplete(msg.SIGV4_LONG_EXPIRES)
    token = query.get("X-Amz-Security-Token", request.headers.get("x-amz-security-token"))
    return _finish(
        query["X-Amz-Algorithm"], query["X-Amz-Credential"], query["X-Amz-SignedHeaders"],
        query["X-Amz-Signature"], amz_date, token, expires, presigned=True,
    )  # fmt: skip


#: The header up to its signature, as the SDKs write it (``_SDK_HEADER`` less the last part).
_SDK_HEAD = re.compile(r"(AWS4-HMAC-SHA256) Credential=([^,\s=]+), SignedHeaders=([^,\s=]+)")


_Scope = tuple[tuple[str, str, str, str, tuple[str, ...]], str]


@functools.lru_cache(maxsize=256)
def _sdk_head(head: str) -> _Scope | None:
    """What an SDK-written header's text before ``, Signature=`` says: (key id, scope
    date, region, service, signed header names) and the scope's terminator.  A pure
    function of the text (one key's requests on one day repeat it), so cached.  None
    when it is not in the SDKs' form or is malformed: ``_parse_header`` then reads the
    whole header and reports the problems in AWS's order."""
    match = _SDK_HEAD.fullmatch(head)
    if match is None:
        return None
    try:
        names, key_id, date, region, service, terminator = _scope(*match.groups())
    except AwsError:
        return None
    return (key_id, date, region, service, names), terminator


def _parse_sdk(header: str, request: HttpRequest) -> SignedRequest | None:
    """The SDKs' header form with X-Amz-Date present and a hex signature, read with one
    cached look-up; None for anything else (``_parse_header`` then reads it).
    (:func:`parse` has this inline: a Python call per request fewer.)"""
    head, _, signature = header.rpartition(", Signature=")
    if not (signature.isascii() and signature.isalnum()):
        return None
    scope = _sdk_head(head)
    headers = request.headers
    raw_date = headers.get("x-amz-date")
    if scope is None or not raw_date:
        return None
    amz_date, amz_text = _request_time(raw_date, False)
    first, terminator = scope
    token = headers.get("x-amz-security-token")
    return _new_signed(
        SignedRequest,
        first + (signature, amz_date, token, False, None, terminator, amz_text),  # noqa: RUF005
    )


def parse(request: HttpRequest) -> SignedRequest | None:
    """Read the SigV4 signature a request carries (header or presigned query form).

    Returns None when the request carries no signature at all; raises
    :class:`AwsError` (IncompleteSignature, or SignatureDoesNotMatch for an
    unsigned ``Host``) when the signature is malformed.
    """
    url = request.url
    headers = request.headers
    header = headers.get("authorization", "")
    if "?" not in url:  # no query: a POST as the SDKs send it
        if header.startswith("AWS4-"):
            # _parse_sdk, inline
            head, _, signature = header.rpartition(", Signature=")
            if signature.isascii() and signature.isalnum():
                scope = _sdk_head(head)
                raw_date = headers.get("x-amz-date")
                if scope is not None and raw_date:
                    amz_date, amz_text = _request_time(raw_date, False)
                    first, terminator = scope
                    token = headers.get("x-amz-security-token")
                    return _new_signed(
                        SignedRequest,
                        first  # noqa: RUF005
                        + (signature, amz_date, token, False, None, terminator, amz_text),
                    )
            return _parse_header(header, request, {})
        if header.strip() and header.strip().startswith("AWS4-"):
            return _parse_header(header, request, {})
        return None
    raw_query = url.partition("?")[2].partition("#")[0]
    query = parse_form(raw_query) if "X-Amz-" in raw_query else {}
    if header.startswith("AWS4-") and "X-Amz-Algorithm" not in query:  # the SDKs' form
        return _parse_header(header, request, query)
    if header.strip():
        if "X-Amz-Algorithm" in query:
            raise AwsError(_MISMATCH, msg.SIGV4_BOTH_FORMS)
        if not header.strip().startswith("AWS4-"):
            return None
        return _parse_header(header, request, query)
    if "X-Amz-Algorithm" in query:
        return _parse_query(query, request)
    return None


def check_scope(signed: SignedRequest, *, region: str, service: str = "sts") -> None:
    """Raise SignatureDoesNotMatch when the credential scope is wrong for this endpoint.

    ``region`` is the endpoint's signing region (``us-east-1`` for the global
    STS endpoint).  All failing sentences are reported together, as AWS does.
    """
    problems = []
    if signed.region != region:
        problems.append(msg.SIGV4_SCOPE_REGION.format(signed.region))
    if signed.service != service:
        problems.append(msg.SIGV4_SCOPE_SERVICE.format(service))
    if signed.terminator != TERMINATOR:
        problems.append(msg.SIGV4_SCOPE_TERMINATOR.format(signed.terminator))
    amz = signed.amz_date_basic
    if signed.date != amz[:8]:
        problems.append(msg.SIGV4_SCOPE_DATE.format(signed.date, amz[:8], amz))
    if problems:
        raise AwsError(_MISMATCH, " ".join(problems))


#: How far X-Amz-Date may be from the backend clock, either way (AWS: 15 minutes).
WINDOW = timedelta(minutes=15)
_EARLIEST = -WINDOW


class TimeProblem(NamedTuple):
    """Why a request's X-Amz-Date is outside the window, with the times AWS's message names."""

    expired: bool  #: True: older than the window; False: later than it ("not yet current")
    amz_date: str  #: the request's time, ISO 8601 basic
    bound: str  #: the backend clock minus (expired) or plus the window
    now: str  #: the backend clock


def check_time(signed: SignedRequest, now: datetime) -> TimeProblem | None:
    """None when ``signed``'s X-Amz-Date lies within :data:`WINDOW` of ``now``.

    Header-signed and presigned requests alike; X-Amz-Expires plays no part.
    The edges are inside (a URL is good exactly 15 minutes after X-Amz-Date).
    A naive ``now`` is taken as UTC.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=_UTC)
    skew = signed.amz_date - now  # datetime subtraction cannot overflow
    if _EARLIEST <= skew <= WINDOW:
        return None
    expired = skew < _EARLIEST
    # now -/+ WINDOW lies between the request's time and now: it cannot overflow.
    bound = now - WINDOW if expired else now + WINDOW
    return TimeProblem(
        expired, signed.amz_date_basic, _format_amz_date(bound), _format_amz_date(now)
    )


# Already canonical: unreserved characters and upper-case %XX of other bytes only.
_HEX = r"%(?!2[DE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])[0-9A-F]{2}"
_CANONICAL = re.compile(rf"[\w.~-]*(?:{_HEX}[\w.~-]*)*", re.ASCII)
_CANONICAL_QUERY = re.compile(rf"[\w.~=&-]*(?:{_HEX}[\w.~=&-]*)*", re.ASCII)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _format_amz_date(m: datetime) -> str:  # parse() always yields UTC
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


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
