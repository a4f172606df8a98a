"""The standalone server next to moto's ThreadedMotoServer, over real HTTP, in one run.

    python benchmarks/bench_server.py            # 7 interleaved rounds, about a minute
    python benchmarks/bench_server.py --quick    # 3 short rounds, for CI
    python benchmarks/bench_server.py --json out.json

Both servers run in their own processes (``python -m pytest_stsmock serve``, and
``moto.server.ThreadedMotoServer`` in a small runner), so neither shares the
client's interpreter.  The client replays requests signed once with
botocore's signer over keep-alive ``http.client`` connections: what is timed is
the server's answer on the wire, not the client's serializing and signing.

* Per call, one client: GetCallerIdentity and AssumeRole, each call timed on
  its own; median and p99 over every call of every round.
* Throughput, 8 concurrent clients (threads, one connection each), the two
  operations alternating; calls per second of wall time.

Rounds are interleaved: each round measures both servers, the order rotating,
so a slow moment of the shared machine falls on both alike; ratios are the
median of the per-round ratios.  Targets (from the issue): throughput at least
3x moto's, and our p99 under moto's median.  A report, not a gate: exit 0.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.auth
import botocore.awsrequest
import botocore.credentials

KEY = "AKIABENCH00000000001"
SECRET = "bench/secret/key/0000000000000000000000"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/bench"
STATE = {
    "accounts": {
        ACCOUNT: {
            "users": {
                "bench": {
                    "policies": [
                        {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
                        }
                    ],
                    "access_keys": [{"access_key_id": KEY, "secret_access_key": SECRET}],
                }
            },
            "roles": {
                "bench": {
                    "trust_policy": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bench"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                }
            },
        }
    }
}
BODIES = {
    "GetCallerIdentity": "Action=GetCallerIdentity&Version=2011-06-15",
    "AssumeRole": f"Action=AssumeRole&Version=2011-06-15&RoleArn={ROLE_ARN}&RoleSessionName=bench",
}
MOTO_RUNNER = """
import sys, time
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print(f"http://127.0.0.1:{sys.argv[1]}", flush=True)
while True:
    time.sleep(3600)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def _process(command: list[str]) -> Iterator[str]:
    """Start a server process (its request log discarded); yield the URL it prints first."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"{command[:4]} did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _signed(url: str, operation: str) -> tuple[bytes, dict[str, str]]:
    body = BODIES[operation].encode()
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    credentials = botocore.credentials.Credentials(KEY, SECRET)
    botocore.auth.SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    headers["Host"] = url.removeprefix("http://")
    headers["Content-Length"] = str(len(body))
    return body, headers


def _connect(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=60)


def _call(conn: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> None:
    conn.request("POST", "/", body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{response.status}: {data[:300]!r}")


def latencies(url: str, operation: str, calls: int) -> list[float]:
    """Seconds per call, one client, keep-alive; after 20 warm-up calls."""
    body, headers = _signed(url, operation)
    conn = _connect(url)
    try:
        for _ in range(20):
            _call(conn, body, headers)
        out = []
        clock = time.perf_counter
        for _ in range(calls):
            started = clock()
            _call(conn, body, headers)
            out.append(clock() - started)
        return out
    finally:
        conn.close()


def throughput(url: str, clients: int, calls: int) -> float:
    """Calls per second with ``clients`` concurrent connections, the operations alternating."""
    signed = [_signed(url, operation) for operation in BODIES]
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        conn = _connect(url)
        try:
            _call(conn, *signed[0])
            barrier.wait()
            for number in range(calls):
                _call(conn, *signed[number % len(signed)])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed: {errors[0]!r}")
    return clients * calls / elapsed


@dataclass
class Samples:
    latency: dict[str, list[float]]  # per operation, every call of every round
    round_medians: dict[str, list[float]]
    throughput: list[float]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(rounds: int, calls: int, clients: int, per_client: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.json"
        state.write_text(json.dumps(STATE))
        ours_cmd = [sys.executable, "-m", "pytest_stsmock", "serve", "--state", str(state)]
        moto_cmd = [sys.executable, "-c", MOTO_RUNNER, str(_free_port())]
        with _process(ours_cmd) as ours_url, _process(moto_cmd) as moto_url:
            urls = {"stsmock": ours_url, "moto": moto_url}
            samples = {name: Samples({}, {}, []) for name in urls}
            for number in range(rounds):
                order = list(urls) if number % 2 == 0 else list(reversed(urls))
                for operation in BODIES:
                    for name in order:
                        timed = latencies(urls[name], operation, calls)
                        samples[name].latency.setdefault(operation, []).extend(timed)
                        samples[name].round_medians.setdefault(operation, []).append(
                            statistics.median(timed)
                        )
                for name in order:
                    samples[name].throughput.append(throughput(urls[name], clients, per_client))
                print(f"  round {number + 1}/{rounds} done", file=sys.stderr, flush=True)
    return _report(samples, clients)


def _report(samples: dict[str, Samples], clients: int) -> dict[str, Any]:
    ours, moto = samples["stsmock"], samples["moto"]
    result: dict[str, Any] = {"operations": {}, "throughput": {}}
    for operation in BODIES:
        row: dict[str, Any] = {}
        for name, sample in samples.items():
            values = sample.latency[operation]
            row[name] = {
                "median_us": statistics.median(values) * 1e6,
                "p99_us": _quantile(values, 0.99) * 1e6,
            }
        ratios = [
            m / o
            for o, m in zip(
                ours.round_medians[operation], moto.round_medians[operation], strict=True
            )
        ]
        row["moto_over_ours_median"] = statistics.median(ratios)
        row["our_p99_under_moto_median"] = row["stsmock"]["p99_us"] < row["moto"]["median_us"]
        result["operations"][operation] = row
    ratios = [o / m for o, m in zip(ours.throughput, moto.throughput, strict=True)]
    result["throughput"] = {
        "clients": clients,
        "stsmock_calls_per_s": statistics.median(ours.throughput),
        "moto_calls_per_s": statistics.median(moto.throughput),
        "ours_over_moto": statistics.median(ratios),
        "ratio_per_round": ratios,
    }
    return result


def _print(result: dict[str, Any]) -> None:
    print(f"{'per call, 1 client':<22}{'stsmock med/p99 us':>22}{'moto med/p99 us':>22}{'x':>8}")
    for operation, row in result["operations"].items():
        ours, moto = row["stsmock"], row["moto"]
        mark = "" if row["our_p99_under_moto_median"] else "  MISS (p99 >= moto median)"
        print(
            f"{operation:<22}{ours['median_us']:>12.0f} /{ours['p99_us']:>7.0f}"
            f"{moto['median_us']:>14.0f} /{moto['p99_us']:>7.0f}"
            f"{row['moto_over_ours_median']:>8.2f}{mark}"
        )
    t = result["throughput"]
    mark = "" if t["ours_over_moto"] >= 3 else "  MISS (< 3x)"
    print(
        f"throughput, {t['clients']} clients: stsmock {t['stsmock_calls_per_s']:.0f}/s, "
        f"moto {t['moto_calls_per_s']:.0f}/s, ratio {t['ours_over_moto']:.2f}x "
        f"(rounds: {', '.join(f'{r:.2f}' for r in t['ratio_per_round'])}){mark}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 short rounds, for CI")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    try:
        import moto.server  # noqa: F401
    except ImportError:
        print("moto[server] is not installed: nothing to compare with (pip install moto[server])")
        return 0
    rounds, calls, per_client = (3, 100, 50) if args.quick else (7, 400, 200)
    result = run(rounds, calls, clients=8, per_client=per_client)
    _print(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
