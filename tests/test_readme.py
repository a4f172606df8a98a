"""The README's examples run as written (every python block that defines a test)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

# Import the AWS stack in this process: pytester's in-process runs drop modules
# first imported inside them, and a botocore imported afresh by the next run
# would not be the one the still-loaded mock patched.  moto and requests too:
# a block importing moto first would leave the next block's fresh requests
# with another module's cookie jars ("You can only merge into CookieJar").
import boto3  # noqa: F401
import moto  # noqa: F401
import pytest
import requests  # noqa: F401

import pytest_stsmock.backend.federation
import pytest_stsmock.transports.install

# The federation stack likewise (cryptography, PyJWT, lxml, signxml, and our modules
# that import them on first use): a certificate signed with a hash class from a
# re-imported cryptography is refused ("Algorithm must be a registered hash
# algorithm").  With the whole suite, an earlier test has imported them already.
for _module in pkgutil.iter_modules(pytest_stsmock.backend.federation.__path__):
    importlib.import_module(f"pytest_stsmock.backend.federation.{_module.name}")

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parent.parent / "README.md"
ALL_BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
BLOCKS = [block for block in ALL_BLOCKS if "def test_" in block]
PRELUDE = "import boto3\nimport pytest\nfrom botocore.exceptions import ClientError\n"


def test_every_python_block_of_the_readme_is_run() -> None:
    # A block that defines no test would be shown to users and never executed.
    assert len(BLOCKS) >= 5
    assert BLOCKS == ALL_BLOCKS


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block-{i}" for i in range(len(BLOCKS))])
def test_readme_block_passes(pytester: pytest.Pytester, block: str) -> None:
    pytester.makepyfile(test_readme_block=PRELUDE + block)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    tests = len(re.findall(r"^def test_", block, flags=re.MULTILINE))
    result.assert_outcomes(passed=tests)
