"""The suite runs against the installed package, not a copy found on sys.path by accident."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest_stsmock


def test_the_tests_import_what_the_installation_resolves(tmp_path: Path) -> None:
    # A fresh interpreter in an empty folder, isolated from the environment's
    # path settings, finds the package only through the installation (the
    # editable finder or site-packages). The suite must be importing the same.
    found = subprocess.run(
        [sys.executable, "-I", "-c", "import pytest_stsmock; print(pytest_stsmock.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(found).resolve() == Path(pytest_stsmock.__file__).resolve()


def test_the_package_ships_its_type_marker() -> None:
    assert (Path(pytest_stsmock.__file__).parent / "py.typed").is_file()
