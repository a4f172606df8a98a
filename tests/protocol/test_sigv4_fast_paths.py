"""The SigV4 reader's cached pieces never stand in for a check.

``protocol.sigv4`` caches what is a pure function of a request's text: the
SDK header's part before the signature, the URL's canonical lines, the
header template.  These tests make sure that a request which differs where
it matters (the signature, a signed header, the URL, the body) is still
refused after an identical-looking one passed, and that the fast readings
are the general ones.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock._http import HttpRequest
from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol import _sigv4_canonical, sigv4

from .test_sigv4 import AKID, AMZ_DATE, SECRET, TOKEN, URL, sign

HOST = "sts.us-east-1.amazonaws.com"


def _with(request: HttpRequest, **headers: str) -> HttpRequest:
    return request._replace(headers={**request.headers, **headers})


def _parsed(request: HttpRequest) -> sigv4.SignedRequest:
    signed = sigv4.parse(request)
    assert signed is not None
    return signed


def test_a_changed_signature_is_refused_after_the_genuine_one_passed() -> None:
    request = sign()
    assert sigv4.verify(request, _parsed(request), SECRET)
    header = request.headers["authorization"]
    forged = _with(request, authorization=header[:-1] + ("0" if header[-1] != "0" else "1"))
    assert _parsed(forged).signature != _parsed(request).signature
    assert not sigv4.verify(forged, _parsed(forged), SECRET)
    assert sigv4.verify(request, _parsed(request), SECRET)  # and the genuine one still passes


def test_a_changed_signed_header_body_or_url_is_refused_with_the_same_signature() -> None:
    request = sign()
    assert sigv4.verify(request, _parsed(request), SECRET)
    for changed in (
        _with(request, **{"content-type": "text/plain"}),
        _with(request, **{"x-amz-date": "20261123T101113Z"}),
        request._replace(body=request.body + b"&X=1"),
        request._replace(url=URL + "other"),
        request._replace(url=URL.replace("us-east-1", "us-west-2")),
        request._replace(method="PUT"),
    ):
        assert not sigv4.verify(changed, _parsed(changed), SECRET), changed


def test_the_sdk_header_reading_is_the_general_one() -> None:
    for request in (sign(), sign(token=TOKEN), sign(region="eu-west-1")):
        header = request.headers["authorization"]
        head = header.rpartition(", Signature=")[0]
        assert sigv4._sdk_head(head) is not None  # the cached road is the one taken
        fast = _parsed(request)
        assert fast == sigv4._parse_header(header, request, {})
        assert fast.amz_date_text == request.headers["x-amz-date"]


def test_headers_the_cached_reading_does_not_take_go_the_general_way() -> None:
    request = sign()
    header = request.headers["authorization"]
    plus = header[:-1] + "+"  # not hex: the general reader (which takes it as written)
    assert _parsed(_with(request, authorization=plus)).signature.endswith("+")
    undated = request._replace(
        headers={k: v for k, v in request.headers.items() if k != "x-amz-date"}
    )
    with pytest.raises(AwsError) as missing_date:
        sigv4.parse(undated)
    assert missing_date.value.code == "IncompleteSignature"
    assert "X-Amz-Date" in missing_date.value.message or "Date" in missing_date.value.message
    no_host = header.replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;")
    assert no_host != header
    assert sigv4._sdk_head(no_host.rpartition(", Signature=")[0]) is None
    with pytest.raises(AwsError) as unsigned_host:
        sigv4.parse(_with(request, authorization=no_host))
    assert unsigned_host.value.code == "SignatureDoesNotMatch"


_HEADER_VALUE = st.one_of(
    st.text(alphabet="ab ;=\t\n\r\x00\xa0\u2003é", max_size=10),
    st.sampled_from(["application/x-www-form-urlencoded; charset=utf-8", "", " ", "a  b"]),
)


def _reference_signature(request: HttpRequest, names: list[str]) -> str:
    """SigV4 as the specification spells it, for a POST to ``/`` with no query: each
    signed header's value folded with ``" ".join(value.split())``."""
    lines = "".join(f"{name}:{' '.join(request.headers.get(name, '').split())}\n" for name in names)
    amz = request.headers["x-amz-date"]
    canonical = f"POST\n/\n\n{lines}\n{';'.join(names)}\n{hashlib.sha256(request.body).hexdigest()}"
    scope = f"{amz[:8]}/us-east-1/sts/aws4_request"
    to_sign = (
        f"AWS4-HMAC-SHA256\n{amz}\n{scope}\n"
        + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
    )
    key = ("AWS4" + SECRET).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), "sha256").digest()
    return hmac.new(key, to_sign.encode(), "sha256").hexdigest()


@given(st.lists(_HEADER_VALUE, min_size=1, max_size=3))
def test_header_values_are_folded_as_the_specification_says(values: list[str]) -> None:
    """The values are checked together for folding; the signature must be the one
    made by folding each on its own (and a changed value is refused)."""
    names = sorted(["host", "x-amz-date", *(f"x-h{index}" for index in range(len(values)))])
    headers = {"x-amz-date": AMZ_DATE, **{f"x-h{i}": v for i, v in enumerate(values)}}
    request = HttpRequest("POST", URL, headers, b"Action=GetCallerIdentity")
    signature = _reference_signature(request._replace(headers={**headers, "host": HOST}), names)
    scope = f"{AKID}/{AMZ_DATE[:8]}/us-east-1/sts/aws4_request"
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={';'.join(names)}, "
        f"Signature={signature}"
    )
    signed_request = _with(request, authorization=authorization)
    assert sigv4.verify(signed_request, _parsed(signed_request), SECRET)
    changed = _with(signed_request, **{"x-h0": values[0] + "z"})
    assert not sigv4.verify(changed, _parsed(changed), SECRET)


def test_a_missing_signed_header_is_empty_and_host_comes_from_the_url() -> None:
    lines = _sigv4_canonical._header_lines(
        {"x-a": "1"}, ("host", "x-missing", "x-a"), "sts.amazonaws.com"
    )
    assert lines == "host:sts.amazonaws.com\nx-missing:\nx-a:1\n"
