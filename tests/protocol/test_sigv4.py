"""SigV4 verification against requests signed by botocore, boto3 and requests."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import boto3
import botocore.auth
import freezegun
import pytest
import requests
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.credentials import Credentials
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock._http import HttpRequest
from pytest_stsmock.errors import AwsError
from pytest_stsmock.protocol import _sigv4_canonical, sigv4

AKID = "AKIAQNZGKIQY56JQ7WML"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJj//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+tok/en=="
URL = "https://sts.us-east-1.amazonaws.com/"
FORM = "Action=GetCallerIdentity&Version=2011-06-15"
AMZ_DATE = "20261123T101112Z"
UNSIGNED = "UNSIGNED-PAYLOAD"


def to_http(prepared: AWSPreparedRequest | requests.PreparedRequest) -> HttpRequest:
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    assert isinstance(body, bytes)
    headers = {
        k.lower(): v.decode("utf-8") if isinstance(v, bytes) else v
        for k, v in prepared.headers.items()
    }
    return HttpRequest(str(prepared.method), str(prepared.url), headers, body)


def credentials(token: str | None = None) -> Credentials:
    return Credentials(AKID, SECRET, token)


def sign(
    method: str = "POST",
    url: str = URL,
    *,
    body: bytes | str = FORM,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    token: str | None = None,
    region: str = "us-east-1",
    context: Mapping[str, Any] | None = None,
) -> HttpRequest:
    """Sign with botocore's SigV4Auth, then prepare as botocore sends it."""
    hdrs = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    hdrs.update(headers or {})
    request = AWSRequest(method=method, url=url, data=body, headers=hdrs, params=params or {})
    request.context.update(context or {})
    botocore.auth.SigV4Auth(credentials(token), "sts", region).add_auth(request)
    return to_http(request.prepare())


def presign(
    url: str = URL + "?" + FORM,
    *,
    token: str | None = None,
    expires: int = 900,
    headers: Mapping[str, str] | None = None,
) -> HttpRequest:
    request = AWSRequest(method="GET", url=url, headers=dict(headers or {}))
    auth = botocore.auth.SigV4QueryAuth(credentials(token), "sts", "us-east-1", expires=expires)
    auth.add_auth(request)
    return to_http(request.prepare())


def replace(request: HttpRequest, **changes: Any) -> HttpRequest:
    return request._replace(**changes)


def with_header(request: HttpRequest, name: str, value: str) -> HttpRequest:
    return replace(request, headers={**request.headers, name: value})


def with_query(request: HttpRequest, name: str, value: str) -> HttpRequest:
    parts = urlsplit(request.url)
    pairs = [(k, value if k == name else v) for k, v in parse_qsl(parts.query, True)]
    return replace(request, url=urlunsplit(parts._replace(query=urlencode(pairs))))


def check(request: HttpRequest, secret: str = SECRET) -> bool:
    signed = sigv4.parse(request)
    assert signed is not None
    return sigv4.verify(request, signed, secret)


def error(request: HttpRequest) -> AwsError:
    with pytest.raises(AwsError) as info:
        sigv4.parse(request)
    return info.value


def authorized(authorization: str, **headers: str) -> HttpRequest:
    hdrs = {"x-amz-date": AMZ_DATE, "authorization": authorization, **headers}
    return HttpRequest("POST", URL, hdrs, FORM.encode())


GOOD_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/sts/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


# -- header form ----------------------------------------------------------------


@pytest.mark.parametrize("token", [None, TOKEN])
def test_post_form_body(token: str | None) -> None:
    request = sign(token=token)
    signed = sigv4.parse(request)
    assert signed is not None
    assert (signed.access_key_id, signed.date, signed.region, signed.service) == (
        AKID, signed.amz_date.strftime("%Y%m%d"), "us-east-1", "sts",
    )  # fmt: skip
    assert "host" in signed.signed_headers and "x-amz-date" in signed.signed_headers
    assert signed.session_token == token and not signed.presigned and signed.expires is None
    assert signed.amz_date.tzinfo is not None
    assert sigv4.verify(request, signed, SECRET)
    assert not sigv4.verify(request, signed, SECRET[:-1] + "X")
    assert sigv4.verify(request, signed, SECRET)  # the cached key is the right one
    sigv4.check_scope(signed, region="us-east-1")


QUERY_VALUES = [
    "plain",
    "with space",
    "a/b/c",
    "1+1=2",
    "a=b&c=d",
    "tilde~dash-dot.under_",
    "unicodé ☃ 日本",
    "100% sure",
    "",
    "*'()!$,;:@",
]


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_get_with_params_dict(value: str) -> None:
    """Botocore signs params RFC 3986-encoded but sends them urlencoded (space as '+')."""
    params = {"Action": "GetCallerIdentity", "Version": "2011-06-15", "Odd Name/+": value}
    request = sign("GET", body=b"", params=params)
    assert check(request)
    assert not check(request, "another-secret")
    assert not check(with_query(request, "Odd Name/+", value + "x"))


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_get_with_rfc3986_encoded_url(value: str) -> None:
    """A URL already encoded per RFC 3986 is signed raw by botocore."""
    from urllib.parse import quote

    query = f"Action=GetCallerIdentity&Z={quote(value, safe='-_.~')}&A=1&A=0"
    request = sign("GET", URL + "?" + query, body=b"")
    assert check(request)
    assert not check(replace(request, url=request.url.replace("A=0", "A=2")))


def test_equivalent_query_encodings_verify() -> None:
    request = sign("GET", body=b"", params={"Action": "GetCallerIdentity", "V": "b=c d~"})
    assert "V=b%3Dc+d~" in request.url
    for variant in ["V=b=c+d~", "V=b%3dc%20d%7E", "V=b%3Dc%20d~"]:
        assert check(replace(request, url=request.url.replace("V=b%3Dc+d~", variant))), variant


def test_get_survives_requests_reencoding() -> None:
    params = {"Action": "GetCallerIdentity", "Name": "a b/c+d=é~"}
    request = sign("GET", body=b"", params=params)
    again = to_http(requests.Request("GET", request.url, headers=dict(request.headers)).prepare())
    assert check(again)


@pytest.mark.parametrize(
    "path", ["/", "", "/foo/./bar/../baz", "/a%20b/c~d", "/x//y/", "/%E2%98%83", "/a b/"]
)
def test_paths_are_normalised_and_double_encoded(path: str) -> None:
    request = sign("GET", "https://sts.amazonaws.com" + path, body=b"")
    assert check(request)
    assert not check(replace(request, url="https://sts.amazonaws.com/other"))


@pytest.mark.parametrize(
    "url", ["https://sts.amazonaws.com:443/", "http://localhost:8080/", "https://[::1]:9000/"]
)
def test_host_derived_from_url_when_not_sent(url: str) -> None:
    request = sign(url=url)
    assert "host" not in request.headers
    assert check(request)
    assert check(with_header(request, "host", urlsplit(url).netloc.removesuffix(":443")))
    assert not check(with_header(request, "host", "evil.example.com"))


def test_header_values_are_trimmed_and_collapsed() -> None:
    request = sign(headers={"X-Custom": "  a   b\t c  "})
    signed = sigv4.parse(request)
    assert signed is not None and "x-custom" in signed.signed_headers
    assert check(request)
    assert check(with_header(request, "x-custom", "a b c"))
    assert not check(with_header(request, "x-custom", "a b  d"))


@given(st.text(alphabet=" \t\x0b\x0c\x1c\x85\xa0ab-;=", max_size=16))
def test_any_header_value_verifies_as_botocore_folds_it(value: str) -> None:
    """Values without whitespace skip the folding; every other value is folded as botocore does."""
    request = sign(headers={"X-Custom": value})
    assert check(request)
    assert not check(with_header(request, "x-custom", value + "z"))


def test_unsigned_payload_header() -> None:
    request = sign(context={"payload_signing_enabled": False})
    assert request.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert check(request)
    assert check(replace(request, body=b"Action=Anything"))  # the body is not signed


def test_tampering_fails() -> None:
    request = sign(token=TOKEN, headers={"X-Extra": "v"})
    signed = sigv4.parse(request)
    assert signed is not None
    assert check(request)
    for name in signed.signed_headers:
        if name != "host":
            changed = request.headers[name] + "0" if name != "x-amz-date" else "20200101T000000Z"
            assert not check(with_header(request, name, changed)), name
    assert not check(replace(request, body=request.body + b"&x=1"))
    assert not check(replace(request, method="PUT"))
    assert not check(replace(request, url=URL + "?x=1"))
    assert not check(replace(request, url=URL.replace("us-east-1", "eu-west-1")))
    tampered = request.headers["authorization"].replace("Signature=", "Signature=0")[:-1]
    assert not check(with_header(request, "authorization", tampered))


def test_unsigned_headers_may_change() -> None:
    request = sign()
    assert check(with_header(request, "user-agent", "anything"))


def test_frozen_clock_signatures_verify() -> None:
    """Request time skew is deliberately not checked."""
    with freezegun.freeze_time("2001-02-03 04:05:06"):
        request = sign()
    signed = sigv4.parse(request)
    assert signed is not None
    assert signed.amz_date == datetime(2001, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    assert sigv4.verify(request, signed, SECRET)


def test_rfc1123_date_header() -> None:
    request = sign()
    stamp = request.headers["x-amz-date"]
    headers = {k: v for k, v in request.headers.items() if k != "x-amz-date"}
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    headers["date"] = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    auth = headers["authorization"].replace("x-amz-date", "date")
    signed = sigv4.parse(replace(request, headers={**headers, "authorization": auth}))
    assert signed is not None and signed.amz_date == when


# -- full boto3 client ------------------------------------------------------------


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


CALLER_IDENTITY = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::029608264753:user/alice</Arn>
    <UserId>AIDAQNZGKIQY56JQ7WMLX</UserId>
    <Account>029608264753</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
"""


def sts_client(token: str | None, region: str = "eu-west-3") -> Any:
    return boto3.session.Session().client(
        "sts",
        region_name=region,
        aws_access_key_id=AKID,
        aws_secret_access_key=SECRET,
        aws_session_token=token,
    )


@pytest.mark.parametrize("token", [None, TOKEN])
def test_boto3_client_request(token: str | None) -> None:
    captured: list[HttpRequest] = []

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        captured.append(to_http(request))
        return AWSResponse(request.url, 200, {"Content-Type": "text/xml"}, _Raw(CALLER_IDENTITY))

    client = sts_client(token)
    client.meta.events.register("before-send.sts", before_send)
    assert client.get_caller_identity()["Account"] == "029608264753"
    (request,) = captured
    signed = sigv4.parse(request)
    assert signed is not None
    assert signed.session_token == token
    sigv4.check_scope(signed, region="eu-west-3")
    assert sigv4.verify(request, signed, SECRET)
    assert not sigv4.verify(request, signed, "wrong")
    assert not check(replace(request, body=request.body.replace(b"GetCaller", b"GetXCaller")))


# -- presigned --------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, TOKEN])
def test_generate_presigned_url(token: str | None) -> None:
    client = sts_client(token, "us-east-1")
    url = client.generate_presigned_url("get_caller_identity", HttpMethod="GET")
    request = HttpRequest("GET", url, {}, b"")
    signed = sigv4.parse(request)
    assert signed is not None
    assert signed.presigned and signed.expires == 3600 and signed.session_token == token
    assert signed.signed_headers == ("host",)
    assert sigv4.verify(request, signed, SECRET)
    assert not sigv4.verify(request, signed, SECRET + "x")
    # the same URL as requests prepares and sends it
    assert check(to_http(requests.Request("GET", url).prepare()))
    assert not check(with_query(request, "Action", "GetSessionToken"))
    assert not check(with_query(request, "X-Amz-Expires", "7200"))
    assert not check(replace(request, url=request.url + "&Extra=1"))


def test_presigned_url_is_bound_to_its_method() -> None:
    """Without HttpMethod botocore presigns STS for POST (the model's method), as AWS sees it."""
    url = sts_client(None, "us-east-1").generate_presigned_url("get_caller_identity")
    assert check(HttpRequest("POST", url, {}, b""))
    assert not check(HttpRequest("GET", url, {}, b""))


def test_presigned_with_signed_header_and_requests_shape() -> None:
    """The aws-iam-authenticator pattern: a presigned URL with an extra signed header."""
    request = presign(headers={"x-k8s-aws-id": "my-cluster"}, token=TOKEN)
    signed = sigv4.parse(request)
    assert signed is not None and signed.signed_headers == ("host", "x-k8s-aws-id")
    prepared = requests.Request("GET", request.url, headers={"x-k8s-aws-id": "my-cluster"})
    assert check(to_http(prepared.prepare()))
    assert not check(with_header(request, "x-k8s-aws-id", "other"))


def test_presigned_unsigned_payload_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other SDKs presign with UNSIGNED-PAYLOAD; botocore with the empty-body hash."""
    assert check(presign())
    monkeypatch.setattr(botocore.auth.SigV4Auth, "payload", lambda self, request: UNSIGNED)
    assert check(presign())
    assert not check(sign())  # the header form only takes it from x-amz-content-sha256


@pytest.mark.parametrize("expires", [1, 60, 900, 3600, 604800])
def test_presigned_window_is_15_minutes_whatever_x_amz_expires_says(expires: int) -> None:
    """AWS ignores X-Amz-Expires outside S3 (aws/aws-sdk-go#2167): 15 minutes, edges inside."""
    signed = sigv4.parse(presign(expires=expires))
    assert signed is not None and signed.presigned and signed.expires == expires
    start = signed.amz_date
    assert sigv4.check_time(signed, start) is None
    assert sigv4.check_time(signed, start + timedelta(seconds=2)) is None
    assert sigv4.check_time(signed, start + timedelta(minutes=15)) is None
    late = sigv4.check_time(signed, start + timedelta(minutes=15, seconds=1))
    assert late is not None and late.expired
    assert late.amz_date == signed.amz_date_basic
    assert late.now == (start + timedelta(minutes=15, seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    assert late.bound == (start + timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    naive = (start + timedelta(minutes=16)).replace(tzinfo=None)
    assert sigv4.check_time(signed, naive) == sigv4.check_time(
        signed, start + timedelta(minutes=16)
    )


@pytest.mark.parametrize("form", ["header", "presigned"])
def test_a_request_time_too_far_from_the_clock_is_refused(form: str) -> None:
    signed = sigv4.parse(sign() if form == "header" else presign())
    assert signed is not None
    start = signed.amz_date
    assert sigv4.check_time(signed, start - timedelta(minutes=15)) is None
    early = sigv4.check_time(signed, start - timedelta(minutes=15, seconds=1))
    assert early is not None and not early.expired
    assert early.bound == (start - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    late = sigv4.check_time(signed, start + timedelta(days=400))
    assert late is not None and late.expired


def test_the_time_window_at_the_ends_of_the_calendar() -> None:
    with freezegun.freeze_time("9999-12-31 23:59:59"):
        signed = sigv4.parse(sign())
    assert signed is not None
    assert sigv4.check_time(signed, signed.amz_date) is None
    early = sigv4.check_time(signed, datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert early is not None and not early.expired and early.bound == "20260101T001500Z"
    assert sigv4.check_time(signed, datetime.max.replace(tzinfo=timezone.utc)) is None
    late = sigv4.check_time(signed, datetime(1, 1, 1, tzinfo=timezone.utc))
    assert late is not None and not late.expired and late.bound == "00010101T001500Z"


# -- parse errors and unsigned requests ---------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        HttpRequest("POST", URL, {}, FORM.encode()),
        HttpRequest("POST", URL, {"authorization": "   "}, b""),
        HttpRequest("POST", URL, {"authorization": "Bearer abc"}, b""),
        HttpRequest("POST", URL, {"authorization": "AWS AKID:sig"}, b""),
        HttpRequest("GET", URL + "?X-Amz-Signature=abc&X-Amz-Credential=x", {}, b""),
        HttpRequest("GET", URL + "?AWSAccessKeyId=x&Signature=y&SignatureVersion=2", {}, b""),
    ],
)
def test_unsigned_requests_parse_to_none(request_: HttpRequest) -> None:
    assert sigv4.parse(request_) is None


def test_missing_parts_message() -> None:
    auth = "AWS4-HMAC-SHA256 SignedHeaders=host"
    err = error(HttpRequest("POST", URL, {"authorization": auth}, b""))
    assert (err.code, err.status) == ("IncompleteSignature", 400)
    assert err.message == (
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={auth}"
    )
    only_credential = GOOD_AUTH.replace(", Signature=" + "0" * 64, "")
    assert error(authorized(only_credential)).message == (
        f"Authorization header requires 'Signature' parameter. Authorization={only_credential}"
    )


def test_missing_parts_in_order() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/sts/aws4_request"
    assert error(HttpRequest("POST", URL, {"authorization": auth})).message == (
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={auth}"
    )


def test_empty_signed_headers_fails_the_host_check() -> None:
    err = error(authorized(GOOD_AUTH.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=")))
    assert err.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


def test_missing_equal_sign() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=not valid/20180109/us-east-1/sts/aws4_request"
    err = error(authorized(auth))
    assert err.code == "IncompleteSignature"
    assert err.message == (
        "'valid/20180109/us-east-1/sts/aws4_request' not a valid key=value pair "
        f"(missing equal-sign) in Authorization header: '{auth}'."
    )


def test_bad_date() -> None:
    err = error(authorized(GOOD_AUTH, **{"x-amz-date": "2026-11-23T10:11:12Z"}))
    assert err.message == (
        "Date must be in ISO-8601 'basic format'. Got '2026-11-23T10:11:12Z'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )
    assert error(authorized(GOOD_AUTH, **{"x-amz-date": "20261323T101112Z"})).code == (
        "IncompleteSignature"
    )


def test_host_must_be_signed() -> None:
    err = error(authorized(GOOD_AUTH.replace("host;", "")))
    assert (err.code, err.status) == ("SignatureDoesNotMatch", 403)
    assert err.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        (
            "AWS4-ECDSA-P256-SHA256",
            "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (pytest-stsmock verifies "
            "only AWS4-HMAC-SHA256; sign requests to the mock with SigV4, not SigV4a).",
        ),
        (
            "AWS4-HMAC-SHA512",
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
        ),
    ],
)
def test_unsupported_algorithm(algorithm: str, expected: str) -> None:
    err = error(authorized(GOOD_AUTH.replace("AWS4-HMAC-SHA256", algorithm)))
    assert (err.code, err.status, err.message) == ("IncompleteSignature", 400, expected)


def test_credential_needs_five_elements() -> None:
    auth = GOOD_AUTH.replace("AKID/20261123/us-east-1/sts/aws4_request", "AKID/20261123/sts")
    err = error(authorized(auth))
    assert err.message == (
        "Credential must have exactly 5 slash-delimited elements, "
        "e.g. keyid/date/region/service/term, got 'AKID/20261123/sts'"
    )
    trailing = GOOD_AUTH.replace("aws4_request", "aws4_request/")
    assert sigv4.parse(authorized(trailing)) is not None  # trailing slashes are ignored


def test_both_forms() -> None:
    request = presign()
    err = error(with_header(request, "authorization", GOOD_AUTH))
    assert (err.code, err.status) == ("SignatureDoesNotMatch", 403)
    assert err.message.startswith("Found both 'X-Amz-Algorithm' as a query-string param")


def test_presigned_missing_parameters() -> None:
    err = error(HttpRequest("GET", URL + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=", {}))
    assert (err.code, err.status) == ("IncompleteSignature", 400)
    assert err.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "AWS query-string parameters must include 'X-Amz-Date'. "
        "Re-examine the query-string parameters."
    )


@pytest.mark.parametrize("expires", ["-1", "soon", "1.5"])
def test_presigned_bad_expires(expires: str) -> None:
    err = error(with_query(presign(), "X-Amz-Expires", expires))
    assert err.code == "IncompleteSignature" and "X-Amz-Expires" in err.message


def test_session_token_from_either_place() -> None:
    header_token = sigv4.parse(authorized(GOOD_AUTH, **{"x-amz-security-token": "T1"}))
    assert header_token is not None and header_token.session_token == "T1"
    presigned = sigv4.parse(presign(token=TOKEN))
    assert presigned is not None and presigned.session_token == TOKEN


def test_check_scope_reports_every_problem() -> None:
    auth = GOOD_AUTH.replace("20261123/us-east-1/sts/aws4_request", "20261122/eu-west-1/s3/x")
    signed = sigv4.parse(authorized(auth))
    assert signed is not None and signed.terminator == "x"
    with pytest.raises(AwsError) as info:
        sigv4.check_scope(signed, region="us-east-1")
    assert (info.value.code, info.value.status) == ("SignatureDoesNotMatch", 403)
    assert info.value.message == (
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
        "Credential should be scoped to correct service: 'sts'. "
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'x'. "
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '20261122' != '20261123', from '20261123T101112Z'."
    )
    good = sigv4.parse(authorized(GOOD_AUTH))
    assert good is not None
    sigv4.check_scope(good, region="us-east-1")


# -- properties ---------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    ["AWS4-HMAC-SHA256", "AWS4-", "Credential=", "SignedHeaders=", "Signature=", "host",
     "x-amz-date", "/", ";", ",", " ", "=", "aws4_request", "AKID", "20261123", "\t", "é"]
)  # fmt: skip
_AUTH = st.one_of(st.text(), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=3))).map("".join))
_HEADER_NAMES = st.sampled_from(
    ["authorization", "x-amz-date", "date", "x-amz-security-token", "host", "x-amz-content-sha256"]
)
_QUERY = st.lists(
    st.tuples(
        st.one_of(st.sampled_from((*sigv4._QUERY_PARTS, "X-Amz-Expires")), st.text()),
        st.one_of(st.text(), _AUTH),
    ),
    max_size=8,
).map(urlencode)


@given(
    headers=st.dictionaries(_HEADER_NAMES, st.one_of(_AUTH, st.text())),
    query=st.one_of(st.just(""), _QUERY),
    body=st.binary(max_size=20),
)
def test_random_requests_only_raise_aws_errors(
    headers: dict[str, str], query: str, body: bytes
) -> None:
    request = HttpRequest("POST", URL + "?" + query, headers, body)
    try:
        signed = sigv4.parse(request)
    except AwsError:
        return
    if signed is not None:
        assert sigv4.verify(request, signed, SECRET) in (True, False)
        problem = sigv4.check_time(signed, datetime.now(timezone.utc))
        assert problem is None or isinstance(problem, sigv4.TimeProblem)


_PARAM_TEXT = st.text(max_size=12)  # no surrogates: they cannot go on the wire


@given(params=st.dictionaries(_PARAM_TEXT, _PARAM_TEXT, max_size=6))
def test_any_params_verify(params: dict[str, str]) -> None:
    request = sign("GET", body=b"", params={"Action": "GetCallerIdentity", **params})
    assert check(request)
    assert not check(request, "not-the-secret")


def test_signer_cache_is_bounded() -> None:
    request = sign()
    signed = sigv4.parse(request)
    assert signed is not None
    for secret in itertools.islice(map(str, itertools.count()), 200):
        sigv4.verify(request, signed, secret)
    info = _sigv4_canonical._signer.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize


_PIECE = st.text(alphabet="AKIa0/=,; -_.x\t", min_size=0, max_size=12)


@given(_PIECE, _PIECE, _PIECE, st.sampled_from(["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"]))
def test_header_fast_path_reads_as_the_general_parser(
    credential: str, signed_headers: str, signature: str, algorithm: str
) -> None:
    """The regex for SDK-written headers never disagrees with the token-by-token reader."""
    header = f"{algorithm} Credential={credential}, SignedHeaders={signed_headers}, Signature={signature}"
    request = HttpRequest(
        "POST",
        "https://sts.amazonaws.com/",
        {"authorization": header, "x-amz-date": "20261123T041551Z"},
    )

    def outcome() -> Any:
        try:
            return sigv4.parse(request)
        except AwsError as error:
            return (error.code, error.message)

    fast = outcome()
    real = sigv4._SDK_HEADER
    sigv4._SDK_HEADER = re.compile(r"(?!)")  # never matches: the general road only
    try:
        general = outcome()
    finally:
        sigv4._SDK_HEADER = real
    assert fast == general
