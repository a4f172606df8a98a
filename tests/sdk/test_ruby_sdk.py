"""The AWS SDK for Ruby v3 (Debian's ruby-aws-sdk-core) against the server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, ALICE_KEY, ALICE_SECRET, ROLE_ARN
from tests.sdk.sdk_checks import check_results, require

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
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": ALICE_KEY,
        "AWS_SECRET_ACCESS_KEY": ALICE_SECRET,
        "HOME": str(SCRIPT.parent),
    }
    done = subprocess.run(
        [ruby, str(SCRIPT), server.endpoint_url, ROLE_ARN],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    check_results(results, server, "ruby")
    provider = results["assumeRoleCredentials"]
    assert provider["ok"]
    assert provider["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ruby-provider"
    session = server.backend.session(provider["accessKeyId"])
    assert session is not None and session.principal_arn == ROLE_ARN
