"""One whole test in instructions, phase by phase, next to the same test with no mock.

    python benchmarks/bench_instructions_test.py              # 20 tests of each kind
    python benchmarks/bench_instructions_test.py --tests 40

A test here is what issue 12's per-test target measures: enter the mock,
``boto3.client("sts")`` from boto3's default session (warm, as a suite's
previous test leaves it), one GetCallerIdentity, exit.  The floor is the same
test with no mock: a ``before-send`` handler on the default session returns
bench.py's canned response.  Each test also makes a second call, outside the
phases that make up the test's total, to show what the first call pays more.

Like ``bench_instructions.py``, the child runs under callgrind with
``--dump-before=time_sleep`` and ends each phase with ``time.sleep(0)``, so
every phase of every test is one dump; the report sums them per phase and
divides by the number of tests.  A wall clock on the shared machine swings by
tens of percent; these counts do not.  Needs valgrind; a run takes a minute.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

#: The phases that make up one test, in order (``second call`` is reported beside them).
PHASES = ("enter", "client", "first call", "second call", "exit")
IN_TEST = ("enter", "client", "first call", "exit")


def child(tests: int, phases_file: Path) -> None:
    """Run warm-up tests, then ``tests`` floor tests and ``tests`` plugin tests, marked."""
    import gc

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench  # sets the environment: fake keys, no config files
    import boto3

    from pytest_stsmock import mock_sts

    boto3.setup_default_session()
    events = boto3._get_default_session().events
    canned = bench._canned(bench.GET_CALLER_IDENTITY_XML)
    config = bench._NO_RETRY
    marks: list[str] = []

    def mark(label: str) -> None:
        time.sleep(0)
        marks.append(label)

    def floor_test(record: bool) -> None:
        events.register_first("before-send.sts", canned, unique_id="bench-test-floor")
        try:
            mark("floor enter" if record else "warm-up")
            client = boto3.client("sts", config=config)
            mark("floor client" if record else "warm-up")
            client.get_caller_identity()
            mark("floor first call" if record else "warm-up")
            client.get_caller_identity()
            mark("floor second call" if record else "warm-up")
        finally:
            events.unregister("before-send.sts", unique_id="bench-test-floor")
        mark("floor exit" if record else "warm-up")

    def plugin_test(record: bool) -> None:
        mark("between" if record else "warm-up")
        with mock_sts():
            mark("plugin enter" if record else "warm-up")
            client = boto3.client("sts", config=config)
            mark("plugin client" if record else "warm-up")
            client.get_caller_identity()
            mark("plugin first call" if record else "warm-up")
            client.get_caller_identity()
            mark("plugin second call" if record else "warm-up")
        mark("plugin exit" if record else "warm-up")

    gc.disable()
    for _ in range(10):
        floor_test(record=False)
        plugin_test(record=False)
    for _ in range(tests):
        mark("between")
        floor_test(record=True)
    for _ in range(tests):
        plugin_test(record=True)
    phases_file.write_text("\n".join(marks))


def report(sums: dict[str, int], tests: int) -> None:
    print(f"instructions per test, {tests} tests of each kind (callgrind)\n")
    print(f"{'phase':28} {'floor':>10} {'plugin':>10} {'extra':>9}")
    totals = {"floor": 0, "plugin": 0}
    for phase in PHASES:
        row: dict[str, float] = {}
        for kind in ("floor", "plugin"):
            row[kind] = sums.get(f"{kind} {phase}", 0) / tests
            if phase in IN_TEST:
                totals[kind] += int(row[kind])
        label = f"({phase})" if phase not in IN_TEST else phase
        print(
            f"{label:28} {row['floor'] / 1e3:>9.1f}k {row['plugin'] / 1e3:>9.1f}k "
            f"{(row['plugin'] - row['floor']) / 1e3:>8.1f}k"
        )
    ratio = totals["plugin"] / totals["floor"] if totals["floor"] else float("nan")
    print(
        f"{'the test':28} {totals['floor'] / 1e3:>9.1f}k {totals['plugin'] / 1e3:>9.1f}k "
        f"{(totals['plugin'] - totals['floor']) / 1e3:>8.1f}k   {ratio:.3f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=20, help="tests of each kind")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.tests, Path(args.child))
        return 0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_instructions import callgrind_phases

    phases = callgrind_phases(__file__, [f"--tests={args.tests}"])
    if phases is None:
        return 0
    sums: dict[str, Any] = defaultdict(int)
    for label, count in phases:
        sums[label] += count
    report(sums, args.tests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
