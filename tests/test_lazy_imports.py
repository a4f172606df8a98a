"""What a fresh interpreter loads: the first activation imports only what its first call needs.

A user's first test pays for every module the mock imports (see
``benchmarks/bench_start.py``); these tests pin the laziness, so an eager
import of a heavy or rarely used module fails here by name rather than as a
slower benchmark nobody reads.  Each runs a fresh ``python`` process.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from importlib import import_module

import pytest

import pytest_stsmock.operations
from pytest_stsmock.operations import OPERATIONS, iam_operations

# Loads botocore, activates the mock, makes one GetCallerIdentity, and prints
# the modules loaded and the botocore data files read.
_FIRST_CALL = """
import json, sys
import botocore.loaders
read = []
load_data = botocore.loaders.Loader.load_data
def recording(self, name, *args, **kwargs):
    read.append(name)
    return load_data(self, name, *args, **kwargs)
botocore.loaders.Loader.load_data = recording
import botocore.session
from pytest_stsmock import mock_sts
with mock_sts():
    client = botocore.session.get_session().create_client("sts", region_name="us-east-1")
    assert client.get_caller_identity()["Account"] == "123456789012"
print(json.dumps({"modules": sorted(sys.modules), "read": read}))
"""

#: Modules the first GetCallerIdentity must not import (third-party ones by prefix).
_NOT_AT_FIRST_CALL = (
    "jwt",
    "signxml",
    "lxml",
    "cryptography",
    "xmltodict",
    "moto",
    "requests",
    "aiobotocore",
    "http.server",
    "socketserver",
    "difflib",
    "pytest_stsmock.server",
    "pytest_stsmock.transports.http_server",
    "pytest_stsmock.backend.federation",
    "pytest_stsmock.backend.iam_providers",
    "pytest_stsmock.backend.delegation",
    "pytest_stsmock.backend.organizations",
    "pytest_stsmock.backend.assume_root",
    "pytest_stsmock.backend.scoped",
    "pytest_stsmock.operations.federation",
    "pytest_stsmock.operations.delegation",
    "pytest_stsmock.operations.root_sessions",
    "pytest_stsmock.operations.scoped",
    "pytest_stsmock.operations.authorization",
    "pytest_stsmock.operations.iam_users",
    "pytest_stsmock.operations.iam_roles",
    "pytest_stsmock.operations.iam_policies",
    "pytest_stsmock.operations.iam_mfa",
    "pytest_stsmock.operations.iam_providers",
    "pytest_stsmock._state",
    "pytest_stsmock._decorate",
)


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="AKIALAZYIMPORTTEST00",
        AWS_SECRET_ACCESS_KEY="x" * 40,
    )
    return env


def _run(code: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


def _loaded(modules: list[str], name: str) -> list[str]:
    return [m for m in modules if m == name or m.startswith(name + ".")]


@pytest.fixture(scope="module")
def first_call() -> dict[str, list[str]]:
    return _run(_FIRST_CALL)


@pytest.mark.parametrize("name", _NOT_AT_FIRST_CALL)
def test_the_first_call_does_not_import(first_call: dict[str, list[str]], name: str) -> None:
    assert _loaded(first_call["modules"], name) == []


def test_the_first_sts_call_reads_no_iam_model(first_call: dict[str, list[str]]) -> None:
    iam = [name for name in first_call["read"] if name.split("/")[0] == "iam"]
    assert iam == []
    assert any(name.split("/")[0] == "sts" for name in first_call["read"])


def test_importing_the_public_names_loads_no_transport_and_no_botocore_client() -> None:
    code = (
        "import json, sys\n"
        "from pytest_stsmock import " + ", ".join(pytest_stsmock.__all__) + "\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'read': []}))\n"
    )
    modules = _run(code)["modules"]
    for name in ("pytest_stsmock.transports", "pytest_stsmock._pipeline", "botocore.client"):
        assert _loaded(modules, name) == []


def test_the_pytest_plugin_module_imports_almost_nothing() -> None:
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        "import pytest_stsmock.plugin\n"
        "print(json.dumps({'modules': sorted(set(sys.modules) - before), 'read': []}))\n"
    )
    added = _run(code)["modules"]
    ours = sorted(m for m in added if m.startswith("pytest_stsmock"))
    assert ours == ["pytest_stsmock", "pytest_stsmock._observe", "pytest_stsmock.plugin"]
    assert _loaded(added, "botocore") == []


def _families() -> list[str]:
    package = pytest_stsmock.operations
    return [
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if hasattr(import_module(f"{package.__name__}.{info.name}"), "OPERATIONS")
    ]


@pytest.mark.parametrize("family", _families())
def test_every_operation_of_a_family_is_in_the_table(family: str) -> None:
    # A family imported on first use must still be named for each of its
    # operations, or they would answer NotImplemented.
    table = import_module(f"pytest_stsmock.operations.{family}").OPERATIONS
    assert table
    if family.startswith("iam_"):
        assert all(iam_operations()[name] is operation for name, operation in table.items())
    else:
        assert set(table) <= set(OPERATIONS)


_STAND_IN = """
import json, sys
import botocore.session
from botocore.exceptions import ClientError
from pytest_stsmock import mock_sts
from pytest_stsmock.operations import OPERATIONS
name = "DecodeAuthorizationMessage"
stand_in = OPERATIONS[name]
family = "pytest_stsmock.operations.authorization"
before = family in sys.modules
with mock_sts():
    client = botocore.session.get_session().create_client("sts", region_name="us-east-1")
    try:
        client.decode_authorization_message(EncodedMessage="not-a-message")
    except ClientError as error:
        code = error.response["Error"]["Code"]
real = sys.modules[family].OPERATIONS[name]
print(json.dumps({"modules": [], "read": [
    str(before), code, str(stand_in is real), str(OPERATIONS[name] is real)
]}))
"""


def test_a_stand_in_imports_its_family_answers_and_gives_way_to_the_real_operation() -> None:
    before, code, was_real, now_real = _run(_STAND_IN)["read"]
    assert (before, was_real) == ("False", "False")
    assert code == "InvalidAuthorizationMessageException"
    assert now_real == "True"
