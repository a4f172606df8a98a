"""The AWS SDK for Ruby v3 (Debian's ruby-aws-sdk-core) against the server."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, ROLE_ARN
from tests.sdk.sdk_checks import require, run_calls

SCRIPT = Path(__file__).parent / "ruby" / "sts_calls.rb"


def _has_sdk(ruby: str) -> bool:
    probe = subprocess.run(
        [ruby, "-e", "require 'aws-sdk-core'"], capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


def test_the_ruby_sdk_calls_are_answered_as_aws_would(server: StsServer) -> None:
    ruby = shutil.which("ruby")
    require(ruby is not None, "ruby is not installed")
    assert ruby is not None
    require(_has_sdk(ruby), "aws-sdk-core for Ruby is not installed")
    results = run_calls([ruby, str(SCRIPT)], server, SCRIPT.parent, "ruby")
    provider = results["assumeRoleCredentials"]
    assert provider["ok"]
    assert provider["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ruby-provider"
    session = server.backend.session(provider["accessKeyId"])
    assert session is not None and session.principal_arn == ROLE_ARN
