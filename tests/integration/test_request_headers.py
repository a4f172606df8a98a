"""How a transport's request headers become the pipeline's lower-cased str-to-str mapping."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.compat import HTTPHeaders

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
