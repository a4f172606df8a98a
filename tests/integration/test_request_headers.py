"""How a transport's request headers become the pipeline's lower-cased str-to-str mapping."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.compat import HTTPHeaders
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock._http import HttpResponse
from pytest_stsmock.transports import botocore_endpoint
from pytest_stsmock.transports._convert import botocore_headers
from pytest_stsmock.transports._convert import headers as _headers

EXPECTED = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    "x-amz-date": "20261123T041551Z",
    "content-length": "43",
}


def _pairs() -> list[tuple[str, Any]]:
    return [
        ("Content-Type", b"application/x-www-form-urlencoded; charset=utf-8"),
        ("X-Amz-Date", b"20261123T041551Z"),
        ("Content-Length", "43"),
    ]


class _OddKeys(MutableMapping[str, Any]):
    """A mapping with a private ``_dict`` whose keys are not botocore's key type."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self._dict = dict(pairs)

    def __getitem__(self, key: str) -> Any:
        return self._dict[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._dict[key] = value

    def __delitem__(self, key: str) -> None:
        del self._dict[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)


def _http_headers() -> HTTPHeaders:
    headers = HTTPHeaders()
    for name, value in _pairs():
        headers[name] = value
    return headers


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: HeadersDict(_pairs()), id="botocore-HeadersDict"),
        pytest.param(_http_headers, id="botocore-HTTPHeaders"),
        pytest.param(lambda: dict(_pairs()), id="plain-dict"),
        pytest.param(lambda: _OddKeys(_pairs()), id="mapping-with-unknown-key-type"),
    ],
)
def test_every_header_container_gives_lower_case_text(make: Any) -> None:
    assert _headers(make()) == EXPECTED


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: HeadersDict(_pairs()), id="botocore-HeadersDict"),
        pytest.param(_http_headers, id="botocore-HTTPHeaders"),
        pytest.param(lambda: dict(_pairs()), id="plain-dict"),
        pytest.param(lambda: _OddKeys(_pairs()), id="mapping-with-unknown-key-type"),
    ],
)
def test_the_botocore_conversion_gives_the_same_mapping(make: Any) -> None:
    assert botocore_headers(make()) == EXPECTED


_VALUE = st.one_of(
    st.text(max_size=12),
    st.text(max_size=12).map(lambda text: text.encode("utf-8")),
    st.binary(max_size=8),
    st.integers(),
)


@given(st.dictionaries(st.sampled_from(["A", "b-C", "X-Amz-Date", "Host", "d"]), _VALUE))
def test_the_botocore_conversion_agrees_with_the_general_one(pairs: dict[str, Any]) -> None:
    """Every value type, non-ASCII bytes, line breaks: the fast road or its fallback
    gives what the one-header-at-a-time conversion gives."""
    assert botocore_headers(HeadersDict(pairs)) == _headers(HeadersDict(pairs))


def test_the_endpoint_answer_is_what_botocores_constructor_makes() -> None:
    response = HttpResponse(
        403, b"<ErrorResponse/>", {"x-amzn-RequestId": "r-1", "Content-Type": "text/xml"}
    )
    made = botocore_endpoint.aws_response("https://sts.amazonaws.com/", response)
    expected = AWSResponse("https://sts.amazonaws.com/", 403, response.headers, None)
    assert botocore_endpoint._FAST_RESPONSE
    assert type(made) is AWSResponse and type(made.headers) is HeadersDict
    assert (made.url, made.status_code) == (expected.url, expected.status_code)
    assert dict(made.headers) == dict(expected.headers)
    assert made.headers["X-AMZN-REQUESTID"] == "r-1"  # still case-insensitive
    assert made.content == b"<ErrorResponse/>"
    # A second answer shares the key objects, never the header values.
    other = botocore_endpoint.aws_response(
        "https://sts.amazonaws.com/", HttpResponse(200, b"", {"x-amzn-RequestId": "r-2"})
    )
    assert other.headers["x-amzn-requestid"] == "r-2"
    assert made.headers["x-amzn-requestid"] == "r-1"
