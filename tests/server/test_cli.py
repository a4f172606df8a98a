"""``python -m pytest_stsmock serve``: first stdout line, signals, exit statuses, options."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_stsmock.server import main
from tests.helpers.server import ALICE_KEY, ALICE_SECRET, client, connection, state

SERVE = [sys.executable, "-m", "pytest_stsmock", "serve"]


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def health(self) -> dict[str, object]:
        with urllib.request.urlopen(self.url + "/_stsmock/health", timeout=5) as answer:
            loaded: dict[str, object] = json.load(answer)
        return loaded


@pytest.fixture
def serve() -> Iterator[object]:
    """Start ``serve`` with extra arguments; read the URL from its first stdout line."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Served:
        process = subprocess.Popen(
            [*SERVE, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://"), (url, process.stderr.read() if process.stderr else "")
        return Served(process, url)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_the_url_first_and_ends_cleanly_on_a_signal(
    serve: object, sig: signal.Signals
) -> None:
    # The shutdown's speed (well under a second on a quiet machine) is not timed
    # here: a loaded CI machine would make such a bound flaky. The test fails if
    # a kept-alive connection holds the server up (the wait would time out).
    served = serve()  # type: ignore[operator]
    assert served.url.startswith("http://127.0.0.1:")
    assert served.health()["status"] == "ok"
    kept = connection(served.url)  # a kept-alive connection does not hold the server up
    try:
        kept.request("GET", "/_stsmock/health")
        assert kept.getresponse().read()
        served.process.send_signal(sig)
        assert served.process.wait(timeout=5) == 0
    finally:
        kept.close()
    out, err = served.process.communicate()
    assert out == "" and err == ""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVE, *args], capture_output=True, text=True, timeout=30)


def test_a_bad_state_file_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    bad = state()
    bad["accounts"]["111122223333"]["users"]["alice"]["access_keys"][0].pop("secret_access_key")
    path = tmp_path / "state.json"
    path.write_text(json.dumps(bad))
    done = _run("--state", str(path))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert 'accounts["111122223333"].users["alice"].access_keys[0].secret_access_key' in done.stderr
    assert "is required" in done.stderr and str(path) in done.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ('{"accounts": {}, "accounts": {}}', "appears twice"),
        ('{"version": 2}', "version: must be 1"),
        ("[]", "must be a JSON object"),
    ],
)
def test_unreadable_state_files_exit_2(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "state.json"
    if content is not None:
        path.write_text(content)
    done = _run("--state", str(path))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_one_line_on_stderr_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run("--port", str(port))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert f"127.0.0.1:{port}" in done.stderr and "in use" in done.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "70000"], "not a port number"),
        (["--account-id", "12"], "12 digits"),
        (["--host", "no-such-host.invalid"], "cannot listen on no-such-host.invalid"),
    ],
)
def test_bad_options_exit_2(args: list[str], expected: str) -> None:
    done = _run(*args)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr


def test_another_host_only_when_named_and_with_a_warning(serve: object) -> None:
    served = serve("--host", "127.0.0.2")  # type: ignore[operator]
    assert served.url.startswith("http://127.0.0.2:")
    served.process.terminate()
    _, err = served.process.communicate(timeout=5)
    assert "warning" in err and "reachable from other machines" in err


def test_state_seed_and_strict_options(serve: object, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state()))
    keys = []
    for _ in range(2):
        served = serve("--state", str(path), "--seed", "42", "--strict")  # type: ignore[operator]
        sts = client(served.url, ALICE_KEY, ALICE_SECRET)
        keys.append(sts.get_session_token()["Credentials"]["AccessKeyId"])
        unknown = client(served.url, "AKIAUNKNOWN000000000", ALICE_SECRET)
        with pytest.raises(Exception, match="InvalidClientTokenId"):
            unknown.get_caller_identity()
        sts.close()
        unknown.close()
        served.process.terminate()
    assert keys[0] == keys[1] and keys[0].startswith("ASIA")


# -- the same command in this process (coverage sees it; signals go to this process) --


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_main_serves_until_sigterm_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state()))
    port = _free_port()
    seen: list[int] = []

    def signal_when_listening() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stsmock/health") as answer:
                    seen.append(json.load(answer)["calls"])
                break
            except OSError:
                time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)  # the handler is in before the port listens

    watcher = threading.Thread(target=signal_when_listening)
    watcher.start()
    status = main(["serve", "--port", str(port), "--state", str(path), "--seed", "1"])
    watcher.join(timeout=30)
    assert status == 0 and seen == [0]
    out, err = capsys.readouterr()
    assert out == f"http://127.0.0.1:{port}\n" and err == ""
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve", "--state", "/nonexistent/state.json"], "bad --state file"),
        (["serve", "--port", "-1"], "not a port number"),
        (["serve", "--region", ""], "region"),
    ],
)
def test_main_refuses_in_process(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and expected in err


def test_main_refuses_a_port_in_use_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    before = signal.getsignal(signal.SIGTERM)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", "--port", str(taken.getsockname()[1])]) == 2
    assert "in use" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) == before
