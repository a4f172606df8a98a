"""The AWS SDK for JavaScript v3 (@aws-sdk/client-sts, credential-providers) against the server."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT
from tests.sdk.sdk_checks import require, run_calls

HERE = Path(__file__).parent / "js"


def test_the_js_sdk_calls_are_answered_as_aws_would(server: StsServer) -> None:
    node = shutil.which("node")
    require(node is not None, "node is not installed")
    require(
        (HERE / "node_modules" / "@aws-sdk" / "client-sts").is_dir(),
        "the JavaScript SDK is not installed (npm ci in tests/sdk/js)",
    )
    assert node is not None
    results = run_calls(
        [node, str(HERE / "sts_calls.mjs")],
        server,
        HERE,
        "js",
        NODE_NO_WARNINGS="1",  # the SDK's notice about future node versions
    )
    provider = results["fromTemporaryCredentials"]
    assert provider == {
        "ok": True,
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/js-provider",
    }
    assert results["wrongSecret"]["fault"] == "client"
    # signed for the endpoint's path with its trailing slash, verified by the server
    assert results["customPath"] == {"ok": True, "arn": f"arn:aws:iam::{ACCOUNT}:user/alice"}
