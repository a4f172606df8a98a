"""The AWS SDK for JavaScript v3 (@aws-sdk/client-sts, credential-providers) against the server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, ALICE_KEY, ALICE_SECRET, ROLE_ARN
from tests.sdk.sdk_checks import check_results, require

HERE = Path(__file__).parent / "js"


def test_the_js_sdk_calls_are_answered_as_aws_would(server: StsServer) -> None:
    node = shutil.which("node")
    require(node is not None, "node is not installed")
    require(
        (HERE / "node_modules" / "@aws-sdk" / "client-sts").is_dir(),
        "the JavaScript SDK is not installed (npm ci in tests/sdk/js)",
    )
    assert node is not None
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": ALICE_KEY,
        "AWS_SECRET_ACCESS_KEY": ALICE_SECRET,
        "NODE_NO_WARNINGS": "1",  # the SDK's notice about future node versions
        "HOME": str(HERE),
    }
    done = subprocess.run(
        [node, str(HERE / "sts_calls.mjs"), server.endpoint_url, ROLE_ARN],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    check_results(results, server, "js")
    provider = results["fromTemporaryCredentials"]
    assert provider == {
        "ok": True,
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/js-provider",
    }
    assert results["wrongSecret"]["fault"] == "client"
    # signed for the endpoint's path with its trailing slash, verified by the server
    assert results["customPath"] == {"ok": True, "arn": f"arn:aws:iam::{ACCOUNT}:user/alice"}
