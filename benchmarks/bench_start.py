"""Fresh interpreters: what importing, the first activation and the pytest plugin cost.

    python benchmarks/bench_start.py            # 21 interleaved runs of each command
    python benchmarks/bench_start.py --quick    # 5 runs

Every command is a fresh ``python`` process; the commands alternate run by
run (after one warm-up pass that fills the OS and bytecode caches), and each
figure is a median.  Two clocks per process: wall time (what a user waits
for) and CPU time of the child (user + system, from ``os.wait4``), which a
loaded machine inflates far less.  Ratios are medians of per-run ratios, so
a slow moment weighs on both sides alike.

* ``first call, floor``: import botocore, make an STS client, one
  GetCallerIdentity answered by a canned ``before-send`` response;
* ``first call, plugin``: the same client and call, with ``pytest_stsmock``
  imported and ``mock_sts()`` entered first;
* ``pytest, plugin blocked`` / ``pytest, plugin loaded``: a pytest start
  on a folder with one test that never uses the mock, with ``-p no:stsmock``
  and without it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_FIRST_CALL = 1.15  # plugin / floor, import + first call
TARGET_PLUGIN_NS = 5_000_000  # what the plugin adds to a pytest start that never uses it

_CANNED = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/stsmock</Arn>"
    b"<UserId>AIDAEXAMPLEEXAMPLE123</UserId><Account>123456789012</Account>"
    b"</GetCallerIdentityResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7"
    b"</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
)

FIRST_CALL_FLOOR = f"""
import botocore.session
from botocore.awsrequest import AWSResponse
class Raw:
    def stream(self, **kwargs):
        yield {_CANNED!r}
client = botocore.session.get_session().create_client("sts")
client.meta.events.register_first(
    "before-send.sts", lambda request, **kwargs: AWSResponse(request.url, 200, {{}}, Raw())
)
client.get_caller_identity()
"""

FIRST_CALL_PLUGIN = """
import botocore.session
from pytest_stsmock import mock_sts
with mock_sts():
    botocore.session.get_session().create_client("sts").get_caller_identity()
"""

#: name -> the command's arguments after ``python``; {tests} is the one-test folder.
COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "import botocore": ["-c", "import botocore"],
    "import botocore, pytest_stsmock": [
        "-c",
        "import botocore\nfrom pytest_stsmock import mock_sts, STSBackend",
    ],
    "first call, floor": ["-c", FIRST_CALL_FLOOR],
    "first call, plugin": ["-c", FIRST_CALL_PLUGIN],
    "pytest, plugin blocked": ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:stsmock"],
    "pytest, plugin loaded": ["-m", "pytest", "-q", "-p", "no:cacheprovider"],
}


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode as users have it: cached
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="AKIASTARTBENCH000000",
        AWS_SECRET_ACCESS_KEY="x" * 40,
        AWS_DEFAULT_REGION="us-east-1",
    )
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall ns, child CPU ns) of one fresh interpreter."""
    start = time.perf_counter_ns()
    child = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = float(time.perf_counter_ns() - start)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{args[:3]} exited with {child.returncode}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1e9


def measure(runs: int) -> dict[str, dict[str, list[float]]]:
    """Per command: {"wall": [...], "cpu": [...]} over ``runs`` interleaved runs."""
    samples: dict[str, dict[str, list[float]]] = {
        name: {"wall": [], "cpu": []} for name in COMMANDS
    }
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="stsmock-start-") as tmp:
        folder = Path(tmp)
        (folder / "pytest.ini").write_text("[pytest]\n")
        (folder / "test_one.py").write_text("def test_one():\n    assert True\n")
        for index in range(runs + 1):  # the first pass only warms the caches
            names = list(COMMANDS)
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                wall, cpu = _run(COMMANDS[name], folder, env)
                if index:
                    samples[name]["wall"].append(wall)
                    samples[name]["cpu"].append(cpu)
    return samples


def _ms(ns: float) -> str:
    return f"{ns / 1e6:.1f} ms"


def _ratio(top: list[float], bottom: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(top, bottom, strict=True))


def _difference(top: list[float], bottom: list[float]) -> float:
    return statistics.median(a - b for a, b in zip(top, bottom, strict=True))


def report(samples: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    print(f"\n{'fresh interpreter':<34} {'wall':>9} {'p25-p75':>19} {'cpu':>9}")
    out: dict[str, Any] = {}
    for name, clocks in samples.items():
        wall = clocks["wall"]
        low, _, high = statistics.quantiles(wall, n=4) if len(wall) > 1 else (wall[0],) * 3
        cpu = statistics.median(clocks["cpu"])
        out[name] = {"wall_median_ns": statistics.median(wall), "cpu_median_ns": cpu}
        spread = f"{_ms(low)}-{_ms(high)}"
        print(f"{name:<34} {_ms(statistics.median(wall)):>9} {spread:>19} {_ms(cpu):>9}")
    floor, plugin = samples["first call, floor"], samples["first call, plugin"]
    first_wall = _ratio(plugin["wall"], floor["wall"])
    first_cpu = _ratio(plugin["cpu"], floor["cpu"])
    blocked, loaded = samples["pytest, plugin blocked"], samples["pytest, plugin loaded"]
    added_wall = _difference(loaded["wall"], blocked["wall"])
    added_cpu = _difference(loaded["cpu"], blocked["cpu"])
    imported = _difference(
        samples["import botocore, pytest_stsmock"]["wall"], samples["import botocore"]["wall"]
    )
    first_ok = first_wall <= TARGET_FIRST_CALL
    plugin_ok = added_wall <= TARGET_PLUGIN_NS
    print(
        f"import + first call: plugin {first_wall:.2f}x the floor (cpu {first_cpu:.2f}x; "
        f"target <= {TARGET_FIRST_CALL:g}x  {'ok' if first_ok else 'MISS'})\n"
        f"the plugin adds {_ms(added_wall)} to a pytest start that never uses it "
        f"(cpu {_ms(added_cpu)}; target <= {_ms(TARGET_PLUGIN_NS)}  "
        f"{'ok' if plugin_ok else 'MISS'})\n"
        f"importing pytest_stsmock's public names adds {_ms(imported)} to importing botocore"
    )
    out.update(
        first_call_ratio=first_wall,
        first_call_ratio_cpu=first_cpu,
        first_call_target_met=first_ok,
        plugin_added_ns=added_wall,
        plugin_added_cpu_ns=added_cpu,
        plugin_target_met=plugin_ok,
        import_added_ns=imported,
    )
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs of each command")
    parser.add_argument("--runs", type=int, default=21, help="interleaved runs of each command")
    args = parser.parse_args(argv)
    return report(measure(5 if args.quick else args.runs))


if __name__ == "__main__":
    main()
    sys.exit(0)
