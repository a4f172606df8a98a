"""The SigV4 reader's cached pieces never stand in for a check.

``protocol.sigv4`` caches what is a pure function of a request's text: the
SDK header's part before the signature, the URL's canonical lines, the
header template.  These tests make sure that a request which differs where
it matters (the signature, a signed header, the URL, the body) is still
refused after an identical-looking one passed, and that the fast readings
are the general ones.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock._http import HttpRequest
from pytest_stsmock.protocol import sigv4

from .test_sigv4 import SECRET, TOKEN, URL, sign


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
        fast = sigv4._parse_sdk(header, request)
        assert fast is not None
        assert fast == sigv4._parse_header(header, request, {})
        assert fast.amz_date_text == request.headers["x-amz-date"]


def test_headers_the_fast_reading_does_not_take_go_the_general_way() -> None:
    request = sign()
    header = request.headers["authorization"]
    plus = header[:-1] + "+"  # not hex: the general reader (which takes it as written)
    assert sigv4._parse_sdk(plus, request) is None
    assert _parsed(_with(request, authorization=plus)).signature.endswith("+")
    undated = request._replace(
        headers={k: v for k, v in request.headers.items() if k != "x-amz-date"}
    )
    assert sigv4._parse_sdk(header, undated) is None
    no_host = header.replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;")
    assert no_host != header
    assert sigv4._parse_sdk(no_host, request) is None  # the general reader reports it


_HEADER_VALUE = st.one_of(
    st.text(alphabet="ab ;=\t\n\r\x00\xa0\u2003é", max_size=10),
    st.sampled_from(["application/x-www-form-urlencoded; charset=utf-8", "", " ", "a  b"]),
)


@given(st.lists(_HEADER_VALUE, min_size=1, max_size=4))
def test_the_header_lines_are_each_value_folded(values: list[str]) -> None:
    names = tuple(f"x-h{index}" for index in range(len(values)))
    _, _, template, host_at = sigv4._lowered(names)
    headers = dict(zip(names, values, strict=True))
    expected = "".join(
        f"{name}:{' '.join(value.split())}\n" for name, value in zip(names, values, strict=True)
    )
    assert sigv4._header_lines(headers, names, template, host_at, "h") == expected


def test_a_missing_signed_header_is_empty_and_host_comes_from_the_url() -> None:
    names = ("host", "x-missing", "x-a")
    _, _, template, host_at = sigv4._lowered(names)
    lines = sigv4._header_lines({"x-a": "1"}, names, template, host_at, "sts.amazonaws.com")
    assert lines == "host:sts.amazonaws.com\nx-missing:\nx-a:1\n"
