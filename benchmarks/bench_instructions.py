"""Per-call cost in instructions, next to botocore's floor: a figure the machine's load cannot move.

    python benchmarks/bench_instructions.py              # 40 calls of each operation
    python benchmarks/bench_instructions.py --calls 100 get_caller_identity assume_role
    python benchmarks/bench_instructions.py assume_role_with_web_identity assume_role_with_saml
    python benchmarks/bench_instructions.py enter_exit   # one ``with mock_sts(): pass``

Wall and CPU time on a shared 2-core machine swing by tens of percent while
other work runs; instruction counts do not.  This runs the per-call rows of
``bench.py`` (the floor and the plugin, the same client), and on request
the two federation rows of ``bench_federation.py``, under valgrind's
callgrind, which counts every instruction the process executes.  The child
marks the end of each phase (warm-up, floor batch, plugin batch) with
``time.sleep(0)``, and ``--dump-before=time_sleep`` makes callgrind write the
counts since the previous mark at each one, so a batch's instructions divided
by its calls is one call's cost.

An instruction is not a nanosecond: botocore's floor runs more C code (regex,
XML parsing) per instruction than the plugin's Python does, so a wall-time
ratio reads somewhat higher than the instruction ratio.  Use this to prove that
a change removed work; use ``bench.py`` on a quiet machine for the targets.
Needs valgrind (Debian's ``valgrind``); a run takes a minute or two.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

OPERATIONS = ("get_caller_identity", "get_session_token", "assume_role", "three_hop_chain")
FEDERATION = ("assume_role_with_web_identity", "assume_role_with_saml")
#: Rows with no floor: ``enter_exit`` is one ``with mock_sts(): pass``.
NO_FLOOR = ("enter_exit",)
CHOICES = OPERATIONS + FEDERATION + NO_FLOOR


def enter_exit_phases(calls: int, phases: list[str]) -> None:
    """Warm up, then ``calls`` times ``with mock_sts(): pass``; ``time.sleep(0)`` ends each.

    boto3's default session exists, as a suite's earlier test leaves it.
    """
    import boto3

    from pytest_stsmock import mock_sts

    boto3.setup_default_session()

    for _ in range(10):
        with mock_sts():
            pass
    time.sleep(0)
    phases.append("warm-up")
    for _ in range(calls):
        with mock_sts():
            pass
    time.sleep(0)
    phases.append("enter_exit")


def child(calls: int, names: list[str], phases_file: Path) -> None:
    """Run the phases; ``time.sleep(0)`` ends each one (callgrind dumps there)."""
    import gc

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench
    import bench_federation as fed

    from pytest_stsmock import mock_sts

    with mock_sts(seed=bench.SEED) as backend:
        keys = backend.default_access_key.client_kwargs
    clients = bench.Clients(shared=bench._client(**keys))

    def sts_row(body: bytes, call: Any, seed: Any) -> tuple[Any, Any, Any]:
        return bench.floor(body), bench.plugin(seed), call

    rows: dict[str, Any] = {
        "get_caller_identity": lambda: sts_row(
            bench.GET_CALLER_IDENTITY_XML, bench.get_caller_identity, None
        ),
        "get_session_token": lambda: sts_row(
            bench.GET_SESSION_TOKEN_XML, bench.get_session_token, None
        ),
        "assume_role": lambda: sts_row(
            bench.ASSUME_ROLE_XML, bench.assume_role, bench.seed_roles(10)
        ),
        "three_hop_chain": lambda: sts_row(
            bench.ASSUME_ROLE_XML, bench.three_hop_chain, bench.seed_chain
        ),
        # bench_federation's rows: the floor answers the canned body (with any
        # well-formed token or assertion), the plugin seeds providers and a role.
        "assume_role_with_web_identity": lambda: (
            fed.other(bench.floor(fed.WEB_IDENTITY_XML)),
            fed.plugin(),
            fed.web_identity,
        ),
        "assume_role_with_saml": lambda: (
            fed.other(bench.floor(fed.SAML_XML)),
            fed.plugin(),
            fed.saml,
        ),
    }
    if any(name in FEDERATION for name in names):
        fed.INPUTS.update(fed._inputs())
    gc.disable()
    phases: list[str] = []
    for name in names:
        if name == "enter_exit":
            enter_exit_phases(calls, phases)
            continue
        floor_setup, plugin_setup, call = rows[name]()
        for label, setup in (("floor", floor_setup), ("plugin", plugin_setup)):
            with setup(clients) as client:
                for _ in range(10):
                    call(client)
                time.sleep(0)
                phases.append("warm-up")
                for _ in range(calls):
                    call(client)
                time.sleep(0)
                phases.append(f"{name} {label}")
    phases_file.write_text("\n".join(phases))


def _totals(folder: Path) -> list[int]:
    """The instruction count of each dump, in dump order (``cg.<pid>.<n>``)."""
    dumps = sorted(folder.glob("cg.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    totals = []
    for dump in dumps:
        for line in dump.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                totals.append(int(line.split()[1]))
                break
    return totals


def _keep(folder: Path, into: Path) -> None:
    """Copy the dumps, and a list naming each dump's phase, into ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    dumps = sorted(folder.glob("cg.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    phases = (folder / "phases").read_text().splitlines()
    for dump in dumps:
        shutil.copy(dump, into / dump.name)
    lines = [f"{dump.name} {phase}" for dump, phase in zip(dumps, phases, strict=False)]
    (into / "phases").write_text("\n".join(lines) + "\n")
    print(f"callgrind dumps kept in {into} (phase per dump: {into / 'phases'})")


def callgrind_phases(
    script: str, child_args: list[str], keep: str | None = None
) -> list[tuple[str, int]] | None:
    """Run ``script --child=FILE *child_args`` under callgrind, one dump per
    ``time.sleep(0)``: (phase name, instructions) per dump, or None (said why).
    ``keep`` also copies the dumps there (see ``--keep``)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("skipped: valgrind is not installed (Debian: apt-get install valgrind)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        phases_file = folder / "phases"
        command = [
            valgrind,
            "--tool=callgrind",
            "--dump-before=time_sleep",
            f"--callgrind-out-file={folder}/cg.%p",
            sys.executable,
            os.path.abspath(script),
            f"--child={phases_file}",
            *child_args,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not phases_file.exists():
            print(f"the callgrind run failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
            return None
        if keep:
            _keep(folder, Path(keep))
        return list(zip(phases_file.read_text().splitlines(), _totals(folder), strict=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help=f"operations (default: all of {OPERATIONS}; also {FEDERATION})"
    )
    parser.add_argument("--calls", type=int, default=40, help="calls per timed batch")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="also copy callgrind's dumps (one per phase) and the phase names into DIR, "
        "for callgrind_annotate --inclusive=yes DIR/cg.<pid>.<n>",
    )
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = list(args.names) or [*OPERATIONS, *NO_FLOOR]
    unknown = [name for name in names if name not in CHOICES]
    if unknown:
        parser.error(f"unknown operation(s) {unknown}; choose from {CHOICES}")
    if args.child:
        child(args.calls, names, Path(args.child))
        return 0
    phases = callgrind_phases(__file__, [f"--calls={args.calls}", *names], args.keep)
    if phases is None:
        return 0
    counts = dict(phases)
    print(f"instructions per call, {args.calls} calls a batch (callgrind)\n")
    if any(name not in NO_FLOOR for name in names):
        print(f"{'operation':30} {'floor':>12} {'plugin':>12} {'x floor':>8} {'plugin extra':>13}")
    for name in names:
        if name in NO_FLOOR:
            continue
        floor_count = counts.get(f"{name} floor", 0) / args.calls
        plugin_count = counts.get(f"{name} plugin", 0) / args.calls
        ratio = plugin_count / floor_count if floor_count else float("nan")
        print(
            f"{name:30} {floor_count / 1e3:>10.1f}k {plugin_count / 1e3:>10.1f}k "
            f"{ratio:>7.3f}x {(plugin_count - floor_count) / 1e3:>11.1f}k"
        )
    if "enter_exit" in names:
        per = counts.get("enter_exit", 0) / args.calls
        print(f"\nwith mock_sts(): pass    {per / 1e3:.1f}k instructions per enter+exit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
