"""What the installed plugin adds to a pytest start that never uses it, in instructions.

    python benchmarks/bench_instructions_start.py           # callgrind, then 7 timed starts each
    python benchmarks/bench_instructions_start.py --runs 0  # instructions only

``bench_start.py`` times the same two starts (``python -m pytest`` on a
folder with one test that never uses the mock, with ``-p no:stsmock`` and
without), but a start lasts about a second and this machine's speed moves
by a fifth within seconds: a difference of a few milliseconds drowns in
that.  Here each start runs once under valgrind's callgrind, which counts
every instruction the process executes, whatever else runs (under three hash
seeds, the same for both starts, whose mean is taken).  The difference
is the plugin's whole cost at start (its import, its options, its marker,
its hooks around the one test), and as a share of the blocked start it is
turned into milliseconds at the pace of this machine's blocked starts
(timed alone, outside valgrind: the median of ``--runs`` runs).  That
conversion assumes the plugin's instructions run at the start's average pace.

A warm-up start first fills the bytecode caches (pytest's rewritten ones
too), as on a developer's machine.  Needs valgrind; a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_start import COMMANDS, TARGET_PLUGIN_NS, _environment

TARGET_PLUGIN_MS = TARGET_PLUGIN_NS / 1e6
#: The same two starts as bench_start's rows, by the name printed here.
STARTS = {
    "blocked": COMMANDS["pytest, plugin blocked"],
    "loaded": COMMANDS["pytest, plugin loaded"],
}
#: Hash seeds each start runs under (their mean is taken): a seed moves the layout of
#: every dict, and so a start's count by about as much as the plugin adds.
SEEDS = (0, 1, 2)


def _command(name: str) -> list[str]:
    return [sys.executable, *STARTS[name]]


def _instructions(valgrind: str, name: str, folder: Path, seed: int) -> int:
    out = folder / f"cg.{name}.{seed}"
    command = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", *_command(name)]
    env = {**_environment(), "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr[-1500:]
        raise RuntimeError(f"the {name} start failed (exit {done.returncode}):\n{tail}")
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"callgrind wrote no total for the {name} start")


def _wall(name: str, folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(_command(name), cwd=folder, env=_environment(), capture_output=True, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed blocked starts (0: none)")
    args = parser.parse_args(argv)
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("skipped: valgrind is not installed (Debian: apt-get install valgrind)")
        return 0
    with tempfile.TemporaryDirectory(prefix="stsmock-start-") as tmp:
        folder = Path(tmp)
        (folder / "test_one.py").write_text("def test_one():\n    assert True\n")
        (folder / "pytest.ini").write_text("[pytest]\n")  # a rootdir of its own
        for name in STARTS:  # warm-up: bytecode and pytest's rewritten modules cached
            _wall(name, folder)
        try:
            counts = {
                name: statistics.mean(_instructions(valgrind, name, folder, s) for s in SEEDS)
                for name in STARTS
            }
        except RuntimeError as error:  # a report, not a gate
            print(error)
            return 0
        walls = [_wall("blocked", folder) for _ in range(args.runs)]
    extra = counts["loaded"] - counts["blocked"]
    share = extra / counts["blocked"]
    print("pytest start on one test that never uses the mock (callgrind)\n")
    print(f"{'plugin blocked':<16} {counts['blocked'] / 1e6:>10.1f}M instructions")
    print(f"{'plugin loaded':<16} {counts['loaded'] / 1e6:>10.1f}M instructions")
    print(f"{'the plugin':<16} {extra / 1e6:>+10.2f}M  ({share:+.2%} of the start)")
    if walls:
        wall = statistics.median(walls)
        ms = share * wall * 1e3
        verdict = "ok" if ms <= TARGET_PLUGIN_MS else "MISS"
        print(
            f"\nat this machine's pace (blocked start {wall * 1e3:.0f} ms, median of "
            f"{len(walls)}): {ms:+.1f} ms   target <= {TARGET_PLUGIN_MS:g} ms  {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
