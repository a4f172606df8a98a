"""Each speed path of pytest_stsmock._fastpaths gives the public road's answer."""

from __future__ import annotations

import email.parser
import hmac
import os
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict

from pytest_stsmock import _fastpaths

NAMES = ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "STSMOCK_NOT_SET_ANYWHERE")


class NoDataEnviron(dict[str, str]):
    """A mapping shaped like os.environ minus its private ``_data``."""


class OddDataEnviron(dict[str, str]):
    _data = ((b"AWS_PROFILE", b"wrong"),)  # present, but not the dict the fast path expects


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod-\u00e9t\u00e9")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.mark.usefixtures("environment")
def test_environment_read_matches_os_environ_get() -> None:
    fast = _fastpaths.read_environ(NAMES)
    assert fast == _fastpaths.read_environ_public(NAMES) == {n: os.environ.get(n) for n in NAMES}
    assert fast["AWS_PROFILE"] == "prod-\u00e9t\u00e9" and fast["AWS_SESSION_TOKEN"] is None


@pytest.mark.parametrize("value", [None, "", "dev"], ids=["unset", "empty", "set"])
def test_environment_any_matches_os_environ_get(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    if value is None:
        monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)
    else:
        monkeypatch.setenv("AWS_DEFAULT_PROFILE", value)
    names = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
    expected = bool(value)
    assert _fastpaths.environ_names_any(names) is expected
    assert _fastpaths.environ_names_any_public(names) is expected
    assert _fastpaths.environ_names_any(names, NoDataEnviron(AWS_PROFILE="x")) is True
    assert _fastpaths.environ_names_any(names, OddDataEnviron(AWS_PROFILE="")) is False


@pytest.mark.parametrize("kind", [NoDataEnviron, OddDataEnviron], ids=["no-data", "odd-data"])
def test_environment_read_takes_the_public_road_without_a_dict_data(kind: type) -> None:
    environ = kind(AWS_PROFILE="dev")
    assert _fastpaths.read_environ(NAMES, environ) == {
        "AWS_PROFILE": "dev",
        "AWS_DEFAULT_REGION": None,
        "AWS_SESSION_TOKEN": None,
        "STSMOCK_NOT_SET_ANYWHERE": None,
    }


def _child_sees(name: str) -> str | None:
    """The value of ``name`` in a child process's environment (what putenv changed)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", f"import os; print(repr(os.environ.get({name!r})))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    value: str | None = eval(out)  # the repr of a str or None, printed by our own child
    return value


def test_environment_write_sets_and_removes_like_os_environ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "STSMOCK_FASTPATH_WRITE"
    monkeypatch.delenv(name, raising=False)
    _fastpaths.write_environ(name, "caf\u00e9-\udcff")  # non-ASCII and a surrogate escape
    assert os.environ[name] == "caf\u00e9-\udcff"
    assert os.environb[os.fsencode(name)] == "caf\u00e9-\udcff".encode("utf-8", "surrogateescape")
    assert _child_sees(name) == "caf\u00e9-\udcff"  # the process environment itself
    _fastpaths.write_environ(name, None)
    assert name not in os.environ and _child_sees(name) is None
    _fastpaths.write_environ(name, None)  # removing what is not there is no error
    assert name not in os.environ


def test_environment_write_takes_the_public_road_for_another_mapping() -> None:
    environ = NoDataEnviron(AWS_PROFILE="dev")
    _fastpaths.write_environ("AWS_PROFILE", None, environ)
    _fastpaths.write_environ("STSMOCK_OTHER_MAPPING_ONLY", "eu-west-3", environ)
    assert environ == {"STSMOCK_OTHER_MAPPING_ONLY": "eu-west-3"}
    assert "STSMOCK_OTHER_MAPPING_ONLY" not in os.environ  # the process is left alone


def _botocore_headers() -> HeadersDict:
    headers = HeadersDict()
    headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    headers["X-Amz-Date"] = b"20261201T000000Z"
    headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIA/20261201/us-east-1/sts/aws4"
    return headers


def _http_message() -> Any:
    text = "Host: sts.amazonaws.com\r\nX-Amz-Date: 20261201T000000Z\r\nX-Dup: a\r\nX-Dup: b\r\n\r\n"
    return email.parser.Parser().parsestr(text)


class KeysWithoutLower:
    """Has a ``_dict`` of plain str keys: the fast path's AttributeError fallback."""

    def __init__(self) -> None:
        self._dict = {"Host": "sts.amazonaws.com"}

    def items(self) -> Any:
        return self._dict.items()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_botocore_headers, id="botocore-headersdict"),
        pytest.param(_http_message, id="http-message"),
        pytest.param(lambda: {"Host": b"sts.amazonaws.com", "X-N": 3}, id="plain-dict"),
        pytest.param(KeysWithoutLower, id="private-dict-of-unknown-keys"),
    ],
)
def test_header_dict_matches_the_public_road(make: Any) -> None:
    fast = _fastpaths.header_dict(make())
    assert fast == _fastpaths.header_dict_public(make())
    assert all(key == key.lower() and isinstance(value, str) for key, value in fast.items())


def test_botocore_headers_fast_path_decodes_bytes() -> None:
    assert _fastpaths.header_dict(_botocore_headers())["x-amz-date"] == "20261201T000000Z"


def test_openssl_hmac_matches_the_hmac_module() -> None:
    key, message = b"AWS4secret", b"20261201"
    assert _fastpaths.hmac_digest(key, message, "sha256") == hmac.digest(key, message, "sha256")
    fast = _fastpaths.hmac_new(key, digestmod="sha256").copy()
    fast.update(message)
    assert fast.digest() == hmac.new(key, message, "sha256").digest()


RAW_NAMES = ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "STSMOCK_NOT_SET_ANYWHERE")


@pytest.mark.usefixtures("environment")
def test_raw_environment_read_matches_os_environ_get() -> None:
    keys = tuple(_fastpaths.environ_raw(name) for name in RAW_NAMES)
    fast = _fastpaths.read_environ_raw(keys)
    assert fast == _fastpaths.read_environ_raw_public(keys)
    expected = [os.environ.get(name) for name in RAW_NAMES]
    assert [None if v is None else _fastpaths.environ_raw(v) for v in expected] == fast
    if os.supports_bytes_environ:  # POSIX: the stored form is os.fsencode's
        assert fast[0] == os.fsencode("prod-\u00e9t\u00e9")


def test_raw_environment_write_sets_and_removes_like_os_environ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "STSMOCK_FASTPATH_RAW_WRITE"
    monkeypatch.delenv(name, raising=False)
    key = _fastpaths.environ_raw(name)
    value = "caf\u00e9-\udcff"  # non-ASCII and a surrogate escape
    _fastpaths.write_environ_raw([(key, _fastpaths.environ_raw(value))])
    assert os.environ[name] == value
    assert _child_sees(name) == value  # the process environment itself
    _fastpaths.write_environ_raw([(key, None), (key, None)])  # a second removal is no error
    assert name not in os.environ and _child_sees(name) is None


def test_raw_environment_takes_the_public_road_without_a_dict_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "STSMOCK_FASTPATH_RAW_PUBLIC"
    monkeypatch.delenv(name, raising=False)
    key = _fastpaths.environ_raw(name)
    raw = _fastpaths.environ_raw("public-road")
    calls: list[str] = []
    real = _fastpaths._raw_mapping

    def counted() -> Any:
        calls.append("public")
        return real()

    monkeypatch.setattr(_fastpaths, "_raw_mapping", counted)
    monkeypatch.setattr(os.environ, "_data", list(os.environ._data.items()), raising=False)  # type: ignore[attr-defined]
    _fastpaths.write_environ_raw([(key, raw)])
    assert _fastpaths.read_environ_raw((key,)) == [raw]
    monkeypatch.undo()
    assert calls == ["public", "public"]
    try:  # the public road wrote the real environment
        assert os.environ.get(name) == "public-road" and _child_sees(name) == "public-road"
    finally:
        os.environ.pop(name, None)
