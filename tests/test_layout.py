"""The suite runs against the installed package, not a copy found on sys.path by accident."""

from __future__ import annotations

import re
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


def test_the_package_cites_only_documents_that_ship_with_it() -> None:
    # Docstrings point users at the README or the CHANGELOG (both in every
    # sdist); a design note or research file outside the repository is a
    # dead link to them.
    package = Path(pytest_stsmock.__file__).parent
    cited = {
        f"{path.relative_to(package)}: {name}"
        for path in package.rglob("*.py")
        for name in re.findall(r"[\w/.-]+\.md\b", path.read_text())
        if name not in ("README.md", "CHANGELOG.md")
    }
    assert cited == set()


def test_hypothesis_counts_come_from_the_profile_alone() -> None:
    # conftest.py registers the dev/ci/long profiles; a test fixing its own
    # max_examples would ignore HYPOTHESIS_PROFILE.
    tests = Path(__file__).parent
    offenders = [
        str(path.relative_to(tests))
        for path in tests.rglob("*.py")
        if "max_examples" in path.read_text() and path != Path(__file__)
    ]
    assert offenders == []


def test_the_license_file_matches_the_declared_license() -> None:
    root = Path(__file__).parent.parent
    declared = re.search(r'^license = "([^"]+)"$', (root / "pyproject.toml").read_text(), re.M)
    assert declared is not None and declared.group(1) == "MIT"
    assert (root / "LICENSE").read_text().startswith("MIT License\n")
