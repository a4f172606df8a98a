"""Malformed and hostile HTTP: answered or closed, the server keeps serving, state untouched.

The ``server`` fixture's request deadline is 2 s, so each case is bounded in time.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_stsmock.server import StsServer
from tests.helpers.server import signed_headers

BODY = b"Action=GetCallerIdentity&Version=2011-06-15"


@pytest.fixture
def raw(server: StsServer) -> Iterator[Callable[[], socket.socket]]:
    """Open raw sockets to the server; all closed after the test."""
    opened: list[socket.socket] = []
    host, port = server.endpoint_url.removeprefix("http://").split(":")

    def open_() -> socket.socket:
        opened.append(socket.create_connection((host, int(port)), timeout=10))
        return opened[-1]

    yield open_
    for sock in opened:
        sock.close()


def _head(server: StsServer, body: bytes = BODY, /, **replace: str) -> bytes:
    headers = signed_headers(server.endpoint_url + "/", body)
    headers["Content-Length"] = str(len(body))
    headers.update(replace)
    lines = ["POST / HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def _still_serving(server: StsServer, make_client: Callable[..., Any]) -> None:
    before = len(server.backend.calls)
    assert make_client(server.endpoint_url).get_caller_identity()["Account"] == "111122223333"
    assert len(server.backend.calls) == before + 1


def test_a_truncated_body_is_closed_unanswered(
    server: StsServer, raw: Callable[[], socket.socket], make_client: Callable[..., Any]
) -> None:
    sock = raw()
    sock.sendall(_head(server) + BODY[:10])
    sock.shutdown(socket.SHUT_WR)  # the client gives up mid-body
    assert _read_all(sock) == b""
    assert server.backend.calls == []
    _still_serving(server, make_client)


def test_a_content_length_longer_than_the_body_times_out_and_closes(
    server: StsServer, raw: Callable[[], socket.socket], make_client: Callable[..., Any]
) -> None:
    sock = raw()
    started = time.monotonic()
    sock.sendall(_head(server, **{"Content-Length": str(len(BODY) + 50)}) + BODY)
    assert _read_all(sock) == b""  # closed at the request deadline, nothing answered
    assert 1.5 < time.monotonic() - started < 6
    assert server.backend.calls == []
    _still_serving(server, make_client)


def test_a_content_length_shorter_than_the_body_answers_then_refuses_the_rest(
    server: StsServer, raw: Callable[[], socket.socket], make_client: Callable[..., Any]
) -> None:
    sock = raw()
    sock.sendall(_head(server, **{"Content-Length": "10"}) + BODY)
    sock.shutdown(socket.SHUT_WR)
    answer = _read_all(sock)
    # The first ten bytes are a (signature-breaking) body; the rest is no request line.
    assert answer.count(b"HTTP/1.1 ") == 2
    assert b"<Code>SignatureDoesNotMatch</Code>" in answer
    assert b"<Code>MalformedRequest</Code>" in answer and answer.rstrip().endswith(
        b"</ErrorResponse>"
    )
    assert [c.error_code for c in server.backend.calls] == ["SignatureDoesNotMatch"]
    _still_serving(server, make_client)


@pytest.mark.parametrize("chunked", [False, True])
def test_a_ten_megabyte_body_is_refused_with_413(
    server: StsServer,
    raw: Callable[[], socket.socket],
    make_client: Callable[..., Any],
    chunked: bool,
) -> None:
    sock = raw()
    big = b"Action=GetCallerIdentity&Pad=" + b"x" * (10 * 1024 * 1024)
    if chunked:
        head = _head(server, big, **{"Transfer-Encoding": "chunked"}).replace(
            f"Content-Length: {len(big)}\r\n".encode(), b""
        )
        assert b"Content-Length" not in head
        payload = b"".join(
            b"%x\r\n%s\r\n" % (len(big[i : i + 65536]), big[i : i + 65536])
            for i in range(0, len(big), 65536)
        )
    else:
        head, payload = _head(server, big), big

    def send() -> None:
        with contextlib.suppress(OSError):  # the server stops reading and closes: expected
            sock.sendall(head + payload)

    sender = threading.Thread(target=send)
    sender.start()
    answer = _read_all(sock)
    sender.join(timeout=30)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"<Code>RequestEntityTooLarge</Code>" in answer
    assert server.backend.calls == []
    _still_serving(server, make_client)


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\xff\xfe binary \r\n\r\n", b"GET\r\n\r\n", b"POST / HTTP/9.9\r\n\r\n", b"\r\n" * 3],
)
def test_garbage_is_refused_or_closed(
    server: StsServer,
    raw: Callable[[], socket.socket],
    make_client: Callable[..., Any],
    garbage: bytes,
) -> None:
    sock = raw()
    sock.sendall(garbage)
    sock.shutdown(socket.SHUT_WR)
    answer = _read_all(sock)
    assert answer == b"" or (
        (answer.startswith(b"HTTP/1.1 4") or answer.startswith(b"HTTP/1.1 5"))
        and b"<ErrorResponse" in answer
    )
    assert b"<html" not in answer.lower()
    assert server.backend.calls == []
    _still_serving(server, make_client)


def test_a_client_sending_one_byte_a_second_is_closed_and_others_are_served(
    server: StsServer, raw: Callable[[], socket.socket], make_client: Callable[..., Any]
) -> None:
    sock = raw()
    request = _head(server) + BODY
    closed_after: list[float] = []

    def trickle() -> None:
        started = time.monotonic()
        try:
            for byte in request:
                sock.send(bytes([byte]))
                time.sleep(1.0)
        except OSError:
            pass
        closed_after.append(time.monotonic() - started)

    slow = threading.Thread(target=trickle, daemon=True)
    slow.start()
    time.sleep(0.5)
    _still_serving(server, make_client)  # while the slow client holds its connection
    sock.settimeout(10)
    assert _read_all(sock) == b""  # the server closed it at the request deadline
    slow.join(timeout=10)
    assert closed_after and closed_after[0] < 8
    assert [c.error_code for c in server.backend.calls] == [None]
    _still_serving(server, make_client)


def test_expect_100_continue_is_honoured(
    server: StsServer, raw: Callable[[], socket.socket]
) -> None:
    sock = raw()
    sock.sendall(_head(server, **{"Expect": "100-continue"}))
    assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
    sock.sendall(BODY)
    sock.shutdown(socket.SHUT_WR)
    answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"user/alice</Arn>" in answer


_FRAGMENTS = st.sampled_from(
    [
        b"POST", b"GET", b" ", b"/", b"/_stsmock/calls", b"HTTP/1.1", b"HTTP/1.0", b"\r\n",
        b"\n", b"Host: 127.0.0.1", b"Content-Length: ", b"5", b"99999999999", b"-1",
        b"Transfer-Encoding: chunked", b"0\r\n\r\n", b"ff;ext\r\n", b"Connection: close",
        b"Action=GetCallerIdentity", b"&Version=2011-06-15", b":", b"\x00", b"\xff",
        b"Authorization: AWS4-HMAC-SHA256 Credential=", b"Expect: 100-continue",
    ]
)  # fmt: skip


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_FRAGMENTS | st.binary(max_size=8), max_size=30))
def test_random_bytes_never_get_html_a_500_or_a_stopped_server(
    server: StsServer, raw: Callable[[], socket.socket], pieces: list[bytes]
) -> None:
    sock = raw()
    with contextlib.suppress(OSError):
        sock.sendall(b"".join(pieces))
        sock.shutdown(socket.SHUT_WR)
    answer = _read_all(sock)
    sock.close()
    assert b"<html" not in answer.lower()
    assert b"InternalFailure" not in answer and b"Traceback" not in answer
    for status in re.findall(rb"HTTP/1.1 (\d{3}) ", answer):
        assert int(status) < 500 or int(status) == 505
    probe = socket.create_connection(_address(server), timeout=10)
    with probe:
        probe.sendall(b"GET /_stsmock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(probe).startswith(b"HTTP/1.1 200 OK")


def _address(server: StsServer) -> tuple[str, int]:
    host, port = server.endpoint_url.removeprefix("http://").split(":")
    return host, int(port)


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (b"X-Long: " + b"a" * 70000 + b"\r\n\r\n", b"<Code>RequestHeaderFieldsTooLarge</Code>"),
        (b"NoColonHere\r\n\r\n", b"<Code>MalformedRequest</Code>"),
        (b" folded: obsolete\r\n\r\n", b"<Code>MalformedRequest</Code>"),
        (b"Host: x\r\n", b""),  # the client stops inside the headers
        (b"Transfer-Encoding: chunked\r\n\r\n-5\r\n", b"<Code>MalformedRequest</Code>"),
        (
            b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
            b"<Code>MalformedRequest</Code>",
        ),
        (b"Transfer-Encoding: chunked\r\n\r\n" + b"1" * 2000, b"<Code>MalformedRequest</Code>"),
        (b"Transfer-Encoding: chunked\r\n\r\n3\r\nab", b""),  # the client stops inside a chunk
        (b"Transfer-Encoding: chunked\r\n\r\n3", b""),  # ... inside a chunk-size line
        (b"Transfer-Encoding: chunked\r\n\r\n0\r\nTrailer: x\r\n", b""),  # ... in the trailers
    ],
)
def test_bad_headers_and_chunks_are_refused_or_closed(
    server: StsServer,
    raw: Callable[[], socket.socket],
    make_client: Callable[..., Any],
    tail: bytes,
    expected: bytes,
) -> None:
    sock = raw()
    with contextlib.suppress(OSError):
        sock.sendall(b"POST / HTTP/1.1\r\n" + tail)
        sock.shutdown(socket.SHUT_WR)
    answer = _read_all(sock)
    assert (expected in answer) if expected else answer == b""
    assert server.backend.calls == []
    _still_serving(server, make_client)


def test_an_absolute_form_target_is_answered(
    server: StsServer, raw: Callable[[], socket.socket]
) -> None:
    sock = raw()
    url = server.endpoint_url + "/"
    request = _head(server).replace(b"POST / HTTP/1.1", f"POST {url} HTTP/1.1".encode(), 1)
    sock.sendall(request + BODY)
    sock.shutdown(socket.SHUT_WR)
    answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 200 OK") and b"user/alice</Arn>" in answer
