"""The standalone STS endpoint: ``python -m pytest_stsmock serve`` and the ``sts_server`` fixture.

:class:`StsServer` runs :mod:`.transports.http_server` for one backend in a
background thread; ``main`` is the command line.  Design decisions:

* 127.0.0.1 unless ``--host`` names another address; then a warning on stderr
  says the endpoint, which accepts any key in non-strict mode, is reachable
  from elsewhere.
* The URL is the first line on stdout, flushed, once the socket listens; a
  client may connect as soon as it has read it.
* SIGINT and SIGTERM set an event that the main thread waits on; it then
  stops the serving thread (which polls every 0.1 s) and exits with status 0.
* A bad ``--state`` file, an address that cannot be bound (port in use, unknown
  host) or a bad option value is one line on stderr and exit status 2, with
  nothing served.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType, TracebackType
from typing import Any

from . import _state
from ._admin import Admin
from .backend import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, STSBackend
from .errors import StsMockError
from .transports.http_server import StsHttpServer

LOOPBACK = "127.0.0.1"
_POLL = 0.1


class StsServer:
    """A real HTTP STS endpoint answering from ``backend``, on ``host:port`` (0: a free port)."""

    def __init__(
        self,
        backend: STSBackend | None = None,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        state: dict[str, Any] | None = None,
        request_timeout: float = 10.0,
        idle_timeout: float = 60.0,
    ) -> None:
        if backend is not None and not isinstance(backend, STSBackend):
            raise StsMockError("backend= takes an STSBackend, e.g. the sts_backend fixture's.")
        self.backend = backend if backend is not None else STSBackend()
        if state is not None:
            _state.apply(self.backend, state)
        self._host, self._port = host, port
        self._admin = Admin(self.backend, state)
        self._timeouts = (request_timeout, idle_timeout)
        self._http: StsHttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://<host>:<port>``, for ``endpoint_url=`` / ``--endpoint-url``."""
        if self._http is None:
            raise StsMockError("This StsServer is not running; call start() first.")
        host, port = str(self._http.server_address[0]), self._http.server_address[1]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    def start(self) -> StsServer:
        """Bind and serve in a background thread; OSError if the address cannot be bound."""
        if self._http is not None:
            raise StsMockError("This StsServer is already running; stop() it first.")
        request_timeout, idle_timeout = self._timeouts
        self._http = StsHttpServer(
            (self._host, self._port),
            self.backend,
            self._admin,
            request_timeout=request_timeout,
            idle_timeout=idle_timeout,
        )
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": _POLL},
            name=f"stsmock-server-{self._http.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        http, thread = self._http, self._thread
        self._http = self._thread = None
        if http is None:
            return
        http.shutdown()
        http.close_connections()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> StsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.endpoint_url if self._http is not None else "stopped"
        return f"StsServer({where}, {self.backend!r})"


# -- the command line --------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_stsmock",
        description="pytest-stsmock: a faithful AWS STS mock.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve one STS backend over HTTP (the first stdout line is its URL)"
    )
    serve.add_argument("--host", default=LOOPBACK, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    serve.add_argument("--state", metavar="FILE", help="JSON file to seed from (see the README)")
    serve.add_argument("--seed", type=int, default=None, help="seed for every generated id")
    serve.add_argument(
        "--strict", action="store_true", help="refuse access keys the backend never issued"
    )
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="the default account")
    serve.add_argument("--region", default=DEFAULT_REGION, help="the default region")
    return parser


def _fail(message: str) -> int:
    print(f"pytest-stsmock serve: {message}", file=sys.stderr, flush=True)
    return 2


def serve(args: argparse.Namespace) -> int:
    """Run the ``serve`` command until SIGINT or SIGTERM; the exit status."""
    if not 0 <= args.port <= 65535:
        return _fail(f"--port {args.port} is not a port number (0 to 65535; 0 picks a free one).")
    try:
        backend = STSBackend(
            account_id=args.account_id, region=args.region, strict=args.strict, seed=args.seed
        )
        state = _state.load_file(args.state) if args.state else None
        server = StsServer(backend, host=args.host, port=args.port, state=state)
    except _state.StateError as error:
        return _fail(f"bad --state file {args.state}: {error}")
    except StsMockError as error:
        return _fail(str(error))
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # The handlers go in before the port listens: a client may signal as soon as it connects.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            server.start()
        except OSError as error:
            return _fail(
                f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
                + (" (pick another --port, or 0 for a free one)." if args.port else ".")
            )
        if args.host != LOOPBACK:
            print(
                f"pytest-stsmock serve: warning: listening on {args.host}, reachable from other "
                "machines; it answers STS for any caller (use --strict, or 127.0.0.1).",
                file=sys.stderr,
                flush=True,
            )
        print(server.endpoint_url, flush=True)
        while not stop.wait(_POLL):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pytest_stsmock``; the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return _fail(f"unknown command {args.command!r}")  # pragma: no cover - argparse refuses
