"""Threads sharing one backend: throughput next to botocore's floor, errors and exact counts.

    python benchmarks/bench_threads.py           # 9 interleaved rounds
    python benchmarks/bench_threads.py --quick   # 3 rounds of 8 threads x 50 calls

8 threads, each with its own client, make 200 calls each at once (a barrier
starts them together).  Two workloads: GetCallerIdentity only, and a mix
that cycles GetCallerIdentity, GetSessionToken and AssumeRole (a role whose
trust policy names the caller).  The floor's clients get canned responses at
``before-send``; the plugin's clients sign with the backend's default key and
every call goes through the whole pipeline.  A round runs each contender in
turn (the order rotates), and a throughput ratio is the median of per-round
ratios.  Every round checks that no call failed and, for the plugin, that
the backend logged exactly the calls made.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from bench import (
    ASSUME_ROLE_XML,
    CALLER,
    GET_CALLER_IDENTITY_XML,
    GET_SESSION_TOKEN_XML,
    _Body,
    _client,
    _role_arn,
)
from botocore.awsrequest import AWSResponse

from pytest_stsmock import mock_sts

TARGET_THROUGHPUT = 0.9  # plugin / floor
THREADS = 8

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": CALLER}, "Action": "sts:AssumeRole"}],
}

_BODIES = {
    b"Action=GetCallerIdentity": GET_CALLER_IDENTITY_XML,
    b"Action=GetSessionToken": GET_SESSION_TOKEN_XML,
    b"Action=AssumeRole": ASSUME_ROLE_XML,
}


def _canned_by_action(request: Any, **kwargs: Any) -> AWSResponse:
    body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
    data = next(xml for action, xml in _BODIES.items() if action in body)
    headers = {"Content-Type": "text/xml", "Content-Length": str(len(data))}
    return AWSResponse(request.url, 200, headers, _Body(data))


def caller_identity(client: Any, index: int) -> object:
    return client.get_caller_identity()


def mix(client: Any, index: int) -> object:
    step = index % 3
    if step == 0:
        return client.get_caller_identity()
    if step == 1:
        return client.get_session_token()
    return client.assume_role(RoleArn=_role_arn("target"), RoleSessionName="bench")


WORKLOADS: dict[str, Callable[[Any, int], object]] = {
    "GetCallerIdentity": caller_identity,
    "mix (GCI, GetSessionToken, AssumeRole)": mix,
}


def _floor_clients() -> Iterator[tuple[list[Any], Any]]:
    clients = [
        _client(aws_access_key_id="AKIAFLOORFLOORFLOOR1", aws_secret_access_key="x" * 40)
        for _ in range(THREADS)
    ]
    for client in clients:
        client.meta.events.register_first("before-send.sts", _canned_by_action)
    yield clients, None


def _plugin_clients() -> Iterator[tuple[list[Any], Any]]:
    with mock_sts() as backend:
        backend.default_account.create_role("target", trust_policy=TRUST)
        keys = backend.default_access_key.client_kwargs
        yield [_client(**keys) for _ in range(THREADS)], backend


CONTENDERS = {"floor": _floor_clients, "plugin": _plugin_clients}


def _run_threads(clients: list[Any], work: Callable[[Any, int], object], calls: int) -> float:
    """Seconds for every client's thread to make ``calls`` calls; raises on any error."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clients) + 1)

    def target(client: Any) -> None:
        barrier.wait()
        for index in range(calls):
            try:
                work(client, index)
            except Exception as error:  # counted, and reported after the join
                errors.append(error)

    threads = [threading.Thread(target=target, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} calls failed, the first: {errors[0]!r}")
    return elapsed


def measure(rounds: int, calls: int) -> dict[str, dict[str, list[float]]]:
    """Per workload and contender: seconds per round."""
    samples: dict[str, dict[str, list[float]]] = {w: {c: [] for c in CONTENDERS} for w in WORKLOADS}
    names = list(CONTENDERS)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            for workload, work in WORKLOADS.items():
                for clients, backend in CONTENDERS[name]():
                    for client in clients:  # warm: the first call of a client costs more
                        for step in range(3):
                            work(client, step)
                    before = len(backend.calls) if backend is not None else 0
                    samples[workload][name].append(_run_threads(clients, work, calls))
                    if backend is not None and len(backend.calls) - before != THREADS * calls:
                        raise RuntimeError(
                            f"{workload}: the backend logged {len(backend.calls) - before} "
                            f"calls, {THREADS * calls} were made"
                        )
    return samples


def report(samples: dict[str, dict[str, list[float]]], calls: int) -> dict[str, Any]:
    total = THREADS * calls
    print(f"\n{THREADS} threads x {calls} calls, own clients; 0 errors and exact counts checked")
    print(f"{'workload':<40} {'floor':>11} {'plugin':>11} {'throughput':>11}  target")
    out: dict[str, Any] = {}
    for workload, by_contender in samples.items():
        floor, plugin = by_contender["floor"], by_contender["plugin"]
        ratio = statistics.median(f / p for f, p in zip(floor, plugin, strict=True))
        met = ratio >= TARGET_THROUGHPUT
        out[workload] = {
            "floor_calls_per_s": total / statistics.median(floor),
            "plugin_calls_per_s": total / statistics.median(plugin),
            "throughput_ratio": ratio,
            "target_met": met,
        }
        print(
            f"{workload:<40} {total / statistics.median(floor):>7.0f} /s "
            f"{total / statistics.median(plugin):>7.0f} /s {ratio:>10.2f}x  "
            f">= {TARGET_THROUGHPUT:g}x floor  {'ok' if met else 'MISS'}"
        )
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 50 calls per thread")
    args = parser.parse_args(argv)
    rounds, calls = (3, 50) if args.quick else (9, 200)
    return report(measure(rounds, calls), calls)


if __name__ == "__main__":
    main()
    sys.exit(0)
