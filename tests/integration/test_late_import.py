"""``requests`` is patched without being imported: at activation if it is loaded, else at its import."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_stsmock.transports import _late_import


def _run_python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def test_activation_does_not_import_requests_and_a_late_import_is_still_answered() -> None:
    result = _run_python(
        """
        import sys
        import boto3
        from pytest_stsmock import mock_sts
        with mock_sts() as backend:
            boto3.client("sts", region_name="us-east-1").get_caller_identity()
            print("requests" in sys.modules)
            url = boto3.client("sts", region_name="us-east-1").generate_presigned_url(
                "get_caller_identity", HttpMethod="GET"
            )
            import requests  # first imported while the mock is active
            response = requests.get(url, timeout=5)
            print(response.status_code, "user/stsmock</Arn>" in response.text, len(backend.calls))
        import requests.adapters
        print(requests.adapters.HTTPAdapter.send.__module__)
        print(any(type(f).__name__ == "_Watch" for f in sys.meta_path))
        with mock_sts() as again:  # requests is loaded now: patched at once
            response = requests.get(url, timeout=5)  # a key it never issued: the default user
            print(response.status_code, len(again.calls))
        print(requests.adapters.HTTPAdapter.send.__module__)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "200",
        "True",
        "2",
        "requests.adapters",
        "False",
        "200",
        "1",
        "requests.adapters",
    ]


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for throwaway modules; they are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_after_import_runs_once_after_the_module_code_ran(module_dir: Path) -> None:
    (module_dir / "stsmock_watched_pkg").mkdir()
    (module_dir / "stsmock_watched_pkg" / "__init__.py").write_text("from . import sub\n")
    (module_dir / "stsmock_watched_pkg" / "sub.py").write_text("class Thing:\n    x = 1\n")
    (module_dir / "stsmock_unwatched.py").write_text("y = 2\n")
    seen: list[int] = []

    def callback() -> None:
        seen.append(importlib.import_module("stsmock_watched_pkg.sub").Thing.x)

    undo = _late_import.after_import("stsmock_watched_pkg.sub", callback)
    try:
        import stsmock_unwatched  # type: ignore[import-not-found]

        assert seen == [] and stsmock_unwatched.y == 2
        import stsmock_watched_pkg  # type: ignore[import-not-found]

        assert seen == [1]
        assert stsmock_watched_pkg.sub.Thing.x == 1
        importlib.reload(stsmock_watched_pkg.sub)
        assert seen == [1]  # once per watch
    finally:
        undo()
    assert not any(isinstance(finder, _late_import._Watch) for finder in sys.meta_path)
    undo()  # a second undo is harmless


def test_after_import_leaves_a_module_nobody_can_find_alone(module_dir: Path) -> None:
    undo = _late_import.after_import("stsmock_no_such_module", lambda: None)
    try:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("stsmock_no_such_module")
    finally:
        undo()


def test_a_watch_put_back_for_the_same_callbacks_still_fires_once(module_dir: Path) -> None:
    (module_dir / "stsmock_watched_again.py").write_text("z = 3\n")
    seen: list[str] = []

    def callback() -> None:
        seen.append("fired")

    callbacks = {"stsmock_watched_again": callback, "stsmock_never_imported": callback}
    first = _late_import.after_imports(callbacks)
    first()  # nothing imported meanwhile: the next call may put the same watch back
    second = _late_import.after_imports(dict(callbacks))
    try:
        assert second is first
        assert sum(isinstance(f, _late_import._Watch) for f in sys.meta_path) == 1
        import stsmock_watched_again  # type: ignore[import-not-found]

        assert seen == ["fired"] and stsmock_watched_again.z == 3
    finally:
        second()
    assert not any(isinstance(finder, _late_import._Watch) for finder in sys.meta_path)
    # one callback fired: that watch is not put back, a new one watches both names again
    third = _late_import.after_imports(callbacks)
    try:
        assert third is not first
        assert sum(isinstance(f, _late_import._Watch) for f in sys.meta_path) == 1
    finally:
        third()


def test_moto_imported_while_active_is_read_beside_mock_aws() -> None:
    result = _run_python(
        """
        import sys
        import boto3
        from pytest_stsmock import mock_sts
        with mock_sts() as backend:
            print("moto" in sys.modules, backend.external is None)
            from moto import mock_aws  # first imported while the mock is active

            print(backend.external is not None)
            with mock_aws():
                iam = boto3.client("iam", region_name="us-east-1")
                iam.create_user(UserName="ci")
                key = iam.create_access_key(UserName="ci")["AccessKey"]
                sts = boto3.client(
                    "sts",
                    region_name="us-east-1",
                    aws_access_key_id=key["AccessKeyId"],
                    aws_secret_access_key=key["SecretAccessKey"],
                )
                print(sts.get_caller_identity()["Arn"], len(backend.calls))
        with mock_sts() as again:  # moto is loaded now: read from the start
            print(again.external is not None)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "arn:aws:iam::123456789012:user/ci",
        "1",
        "True",
    ]
