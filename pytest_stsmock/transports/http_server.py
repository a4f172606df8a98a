"""The standalone HTTP server: the adapter for clients in other processes and languages.

A stdlib ``ThreadingHTTPServer`` (one thread per connection) turns each
HTTP/1.1 request into an :class:`~pytest_stsmock._http.HttpRequest` and answers
it through ``_pipeline.handle`` for the server's own backend, which need not be
the in-process active one.  Paths under ``/_stsmock/`` go to the admin callable
instead.  Design decisions:

* The standard library, not a dependency: the pipeline's own work dominates
  each request, and the stdlib server with keep-alive, TCP_NODELAY and one
  ``sendall`` per response answers several times faster than moto's werkzeug
  server (``benchmarks/bench_server.py``).
* The URL handed to the pipeline is ``http://<Host header><request path>``, so
  SigV4 verifies the Host with its port and the path of a custom endpoint
  (the JavaScript SDK posts to ``/`` or the endpoint's path with its slash).
* Bodies: Content-Length or ``Transfer-Encoding: chunked``, at most
  ``max_body`` bytes (413 beyond, and the connection is closed unread).
* Every read runs against a deadline: ``idle_timeout`` for the first byte of a
  request on a kept-alive connection, then ``request_timeout`` for the whole
  request (line, headers and body), so a client trickling one byte a second
  costs one thread for a bounded time.  A truncated body (the client closes
  early) or a missed deadline closes the connection without calling the
  pipeline: a request that never fully arrived changes no state.
* Requests the server cannot read (garbage request line, bad Content-Length,
  unknown method) get an AWS-shaped XML error (``_messages.HTTP_REFUSALS``),
  never the stdlib's HTML page, and the connection is closed.  An exception of
  ours is logged and answered as the pipeline would (500 ``InternalFailure``).
* ``close_connections()`` (after ``shutdown``) closes the listening socket and
  shuts down every open connection; handler threads are daemons.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from pytest_stsmock import _messages as msg
from pytest_stsmock import _pipeline
from pytest_stsmock._http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend

log = logging.getLogger("pytest_stsmock.server")

Admin = Callable[[HttpRequest], HttpResponse]
ADMIN_PREFIX = "/_stsmock"
MAX_BODY = 1024 * 1024  #: bytes; STS's largest request (a SAML assertion) is ~100 KB
_CHUNK_LINE = 1024
_MAX_LINE = 65536
_MAX_HEADERS = 100
_REASONS = {status.value: status.phrase for status in HTTPStatus}


class _Deadline(io.RawIOBase):
    """A socket reader whose every ``recv`` must finish before ``deadline`` (monotonic)."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self.deadline = float("inf")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request deadline passed")
        self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)


class _Incomplete(Exception):
    """The client closed or stalled before the request was complete: close, answer nothing."""


class _Refused(Exception):
    """A request we can read no further: answer ``status`` and close."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: StsHttpServer
    rfile: io.BufferedReader
    fields: dict[str, str]  #: the request's headers, names lower-cased
    raw_requestline: bytes

    def setup(self) -> None:
        super().setup()
        self._raw = _Deadline(self.connection)
        self.rfile = io.BufferedReader(self._raw, 65536)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def handle_one_request(self) -> None:
        server = self.server
        self._raw.deadline = time.monotonic() + server.idle_timeout
        try:
            if not self.rfile.peek(1):  # the client closed its kept-alive connection
                self.close_connection = True
                return
            self._raw.deadline = time.monotonic() + server.request_timeout
            super().handle_one_request()
        except (OSError, _Incomplete):  # OSError includes TimeoutError
            self.close_connection = True

    def parse_request(self) -> bool:
        """The request line and headers, without the stdlib's email parser (a third of the
        server's time per request); header names lower-cased, repeated ones joined by commas.
        """
        self.command = ""
        self.close_connection = True
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = line
        words = line.split()
        if not words:  # a stray empty line: nothing to answer
            return False
        if len(words) != 3 or not words[2].startswith("HTTP/"):
            self.send_error(400, f"bad request line {line[:100]!r}")
            return False
        command, target, version = words
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            self.send_error(505, repr(version[:20]))
            return False
        self.command, self.request_version = command, version
        self.path = "/" + target.lstrip("/") if target.startswith("//") else target
        fields: dict[str, str] = {}
        for _ in range(_MAX_HEADERS + 1):
            raw = self.rfile.readline(_MAX_LINE + 1)
            if len(raw) > _MAX_LINE:
                self.send_error(431, "a header line is too long")
                return False
            if not raw:
                raise _Incomplete()
            if raw in (b"\r\n", b"\n"):
                break
            name, colon, value = str(raw, "iso-8859-1").partition(":")
            name = name.lower()
            if not colon or not name or name != name.strip() or name[0] in " \t":
                self.send_error(400, f"bad header line {raw[:100]!r}")
                return False
            value = value.strip()
            fields[name] = f"{fields[name]},{value}" if name in fields else value
        else:
            self.send_error(431, f"more than {_MAX_HEADERS} headers")
            return False
        self.fields = fields
        connection = fields.get("connection", "").lower()
        self.close_connection = (
            connection == "close" if version == "HTTP/1.1" else connection != "keep-alive"
        )
        if fields.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    # Every method reaches one dispatcher; the stdlib answers others with send_error(501).
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except _Refused as refused:
            self.send_error(refused.status, refused.detail)
            return
        try:
            response = self._answer(body)
        except Exception:  # a bug of ours: never a traceback or an HTML page on the wire
            log.exception("pytest-stsmock's server failed to answer a request")
            response = _pipeline.error_response(self.server.backend, msg.internal_failure())
        self._write(response)

    def _answer(self, body: bytes) -> HttpResponse:
        target = self.path
        if target.startswith("/"):
            host = self.fields.get("host") or "{}:{}".format(*self.server.server_address[:2])
            url = f"http://{host}{target}"
        else:  # absolute-form request target (a proxy-style client)
            url = target
        request = HttpRequest(self.command, url, self.fields, body)
        if target == ADMIN_PREFIX or target.startswith(ADMIN_PREFIX + "/"):
            return self.server.admin(request)
        return _pipeline.handle(self.server.backend, request)

    def _read_body(self) -> bytes:
        encoding = self.fields.get("transfer-encoding")
        if encoding is not None:
            if encoding.strip().lower() != "chunked":
                raise _Refused(400, f"unsupported Transfer-Encoding {encoding!r}")
            return self._read_chunked()
        length_text = self.fields.get("content-length")
        if length_text is None:
            return b""
        length_text = length_text.strip()
        if not (length_text.isascii() and length_text.isdigit()):
            raise _Refused(400, f"Content-Length {length_text!r} is not a number")
        length = int(length_text)
        if length > self.server.max_body:
            raise _Refused(413, str(self.server.max_body))
        return self._read_exactly(length)

    def _read_exactly(self, length: int) -> bytes:
        data = self.rfile.read(length)
        if len(data) < length:
            raise _Incomplete()
        return data

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_CHUNK_LINE)
            if not line.endswith(b"\n"):
                raise _Incomplete() if len(line) < _CHUNK_LINE else _Refused(400, "bad chunk")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _Refused(400, f"chunk size {size_text!r} is not hexadecimal") from None
            if size < 0:
                raise _Refused(400, "negative chunk size")
            if size == 0:
                break
            total += size
            if total > self.server.max_body:
                raise _Refused(413, str(self.server.max_body))
            chunk = self._read_exactly(size + 2)
            if chunk[-2:] != b"\r\n":
                raise _Refused(400, "a chunk does not end with CRLF")
            parts.append(chunk[:-2])
        while True:  # trailers, up to the empty line
            line = self.rfile.readline(_CHUNK_LINE)
            if not line:
                raise _Incomplete()
            if line in (b"\r\n", b"\n"):
                return b"".join(parts)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's refusals (bad request line, headers, method) as AWS-shaped XML."""
        self.close_connection = True
        detail = repr(self.command) if code == 501 else (message or "unknown fault")
        error = msg.http_refusal(code, detail)
        with contextlib.suppress(OSError):
            self._write(_pipeline.error_response(self.server.backend, error))

    def _write(self, response: HttpResponse) -> None:
        reason = _REASONS.get(response.status, "")
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        lines += [
            f"{key}: {value}"
            for key, value in response.headers.items()
            if key.lower() not in ("content-length", "connection")
        ]
        lines.append(f"Content-Length: {len(response.body)}")
        lines.append(f"Date: {_http_date()}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + response.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


class StsHttpServer(ThreadingHTTPServer):
    """An HTTP/1.1 STS endpoint for one backend; ``serve_forever`` in a thread, ``close``."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        backend: STSBackend,
        admin: Admin,
        *,
        request_timeout: float = 10.0,
        idle_timeout: float = 60.0,
        max_body: int = MAX_BODY,
    ) -> None:
        self.backend = backend
        self.admin = admin
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.max_body = max_body
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._closed = False
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host's FQDN (a DNS query): not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
                if self._closed:
                    _shut(connection)
            else:
                self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_connections(self) -> None:
        """After ``shutdown``: close the listening socket and every open connection."""
        self.server_close()
        with self._connections_lock:
            self._closed = True
            for connection in self._connections:
                _shut(connection)


def _shut(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
