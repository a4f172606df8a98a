"""The AWS CLI (awscli from PyPI) as a subprocess against the server."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, ALICE_KEY, ALICE_SECRET, ROLE_ARN
from tests.sdk.sdk_checks import require


@pytest.fixture
def aws(tmp_path: Path) -> object:
    require(importlib.util.find_spec("awscli") is not None, "awscli is not installed")
    empty = tmp_path / "empty"
    empty.write_text("")

    def run(*args: str, secret: str = ALICE_SECRET, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "AWS_ACCESS_KEY_ID": ALICE_KEY,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_MAX_ATTEMPTS": "1",
            **env,
        }
        return subprocess.run(
            [sys.executable, "-m", "awscli", "sts", *args, "--output", "json"],
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def test_get_caller_identity_through_aws_endpoint_url_sts(aws: object, server: StsServer) -> None:
    done = aws("get-caller-identity", AWS_ENDPOINT_URL_STS=server.endpoint_url)  # type: ignore[operator]
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"


def test_assume_role_with_tags_on_a_custom_path(aws: object, server: StsServer) -> None:
    done = aws(  # type: ignore[operator]
        "assume-role", "--role-arn", ROLE_ARN, "--role-session-name", "cli",
        "--tags", "Key=team,Value=blue", "--endpoint-url", server.endpoint_url + "/sts/",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/cli"
    session = server.backend.session(answer["Credentials"]["AccessKeyId"])
    assert session is not None and session.tags == {"team": "blue"}


def test_session_and_federation_tokens(aws: object, server: StsServer) -> None:
    url = server.endpoint_url
    token = aws("get-session-token", "--duration-seconds", "900", "--endpoint-url", url)  # type: ignore[operator]
    assert token.returncode == 0, token.stderr
    assert server.backend.session(json.loads(token.stdout)["Credentials"]["AccessKeyId"])
    federation = aws("get-federation-token", "--name", "cli-fed", "--endpoint-url", url)  # type: ignore[operator]
    assert federation.returncode == 0, federation.stderr
    arn = json.loads(federation.stdout)["FederatedUser"]["Arn"]
    assert arn == f"arn:aws:sts::{ACCOUNT}:federated-user/cli-fed"


def test_a_validation_error_and_a_wrong_secret(aws: object, server: StsServer) -> None:
    url = server.endpoint_url
    invalid = aws(  # type: ignore[operator]
        "assume-role", "--role-arn", ROLE_ARN, "--role-session-name", "bad name!",
        "--endpoint-url", url,
    )  # fmt: skip
    assert invalid.returncode == 255  # awscli v1: a service error
    assert "(ValidationError) when calling the AssumeRole operation: 1 validation error" in (
        invalid.stderr
    )
    wrong = aws("get-caller-identity", "--endpoint-url", url, secret="w" + ALICE_SECRET)  # type: ignore[operator]
    assert wrong.returncode == 255  # awscli v1: a service error
    assert "(SignatureDoesNotMatch) when calling the GetCallerIdentity operation" in wrong.stderr
    assert [c.error_code for c in server.backend.calls] == [
        "ValidationError",
        "SignatureDoesNotMatch",
    ]
