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
  are read through one cached look-up of their text before ``, Signature=``
  (a pure function of it), anything else token by token.  The canonical
  request's URL lines and header template are cached per URL and per signed
  header set; the header values are checked for whitespace to fold together.
  Nothing cached is a verdict: every request's signature is recomputed and
  compared (``tests/protocol/test_sigv4_fast_paths.py``).
"""

from __future__ import annotations

import email.utils
import functools
import re
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from pytest_stsmock import _messages as msg
from pytest_stsmock._http import HttpRequest
from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol._sigv4_canonical import ALGORITHM, UNSIGNED_PAYLOAD, verify
from pytest_stsmock.protocol.query import parse_form

_UTC = timezone.utc

__all__ = ["ALGORITHM", "UNSIGNED_PAYLOAD", "SignedRequest", "check_scope", "parse"]
__all__ += ["WINDOW", "TimeProblem", "check_time", "verify"]

SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
TERMINATOR = "aws4_request"

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


def _format_amz_date(m: datetime) -> str:  # parse() always yields UTC
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"
