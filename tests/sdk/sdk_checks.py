"""What every SDK's run of the same calls must show, and when an SDK test may skip."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, ALICE_KEY, ALICE_SECRET, ROLE_ARN


def run_calls(
    command: list[str], server: StsServer, home: Path, prefix: str, **env: str
) -> dict[str, Any]:
    """Run an SDK's sts_calls script as alice against ``server``; its results, checked."""
    done = subprocess.run(
        [*command, server.endpoint_url, ROLE_ARN],
        env={
            "PATH": os.environ.get("PATH", ""),
            "AWS_ACCESS_KEY_ID": ALICE_KEY,
            "AWS_SECRET_ACCESS_KEY": ALICE_SECRET,
            "HOME": str(home),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: dict[str, Any] = json.loads(done.stdout)
    check_results(results, server, prefix)
    return results


def check_results(results: dict[str, Any], server: StsServer, prefix: str) -> None:
    """The JSON a sts_calls script printed, for a run as alice against the example state."""
    backend = server.backend
    assert results["identity"] == {
        "ok": True,
        "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "account": ACCOUNT,
        "userId": backend.account(ACCOUNT).users["alice"].unique_id,
    }
    assumed = results["assumeRole"]
    assert (
        assumed["ok"]
        and assumed["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/{prefix}-sdk"
    )
    session = backend.session(assumed["accessKeyId"])
    assert session is not None
    assert session.tags == {"team": "blue"} and session.transitive_tag_keys == ["team"]
    assert isinstance(assumed["packedPolicySize"], int)
    token = results["sessionToken"]
    assert token["ok"] and backend.session(token["accessKeyId"]) is not None
    federated = results["federationToken"]
    assert federated["ok"]
    assert federated["arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/{prefix}-fed"
    invalid = results["validationError"]
    assert (invalid["ok"], invalid["name"], invalid["status"]) == (False, "ValidationError", 400)
    assert invalid["message"].startswith("1 validation error detected: Value 'bad name!' at ")
    wrong = results["wrongSecret"]
    assert (wrong["ok"], wrong["name"], wrong["status"]) == (False, "SignatureDoesNotMatch", 403)
    operations = [(c.operation, c.error_code) for c in backend.calls]
    assert ("GetCallerIdentity", None) in operations
    assert ("AssumeRole", "ValidationError") in operations
    assert ("GetCallerIdentity", "SignatureDoesNotMatch") in operations


def require(available: bool, reason: str) -> None:
    """Skip unless ``available``; with STSMOCK_REQUIRE_SDKS=1, fail instead."""
    if available:
        return
    if os.environ.get("STSMOCK_REQUIRE_SDKS") == "1":
        pytest.fail(f"{reason} (STSMOCK_REQUIRE_SDKS=1: run .ci/sdks.sh)")
    pytest.skip(f"{reason}; .ci/sdks.sh installs it")
