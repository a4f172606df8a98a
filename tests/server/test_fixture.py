"""The sts_server fixture: a real endpoint for one test, sharing sts_backend's configuration."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pytest_stsmock.server import StsServer
from tests.helpers.server import admin, connection, post, signed_headers

BODY = b"Action=GetCallerIdentity&Version=2011-06-15"


@pytest.mark.stsmock(account_id="111122223333", region="eu-west-1", seed=3)
def test_serves_this_tests_backend_with_its_marker_options(
    sts_server: StsServer, sts_backend: object
) -> None:
    assert sts_server.backend is sts_backend
    assert sts_server.endpoint_url.startswith("http://127.0.0.1:")
    status, health = admin(sts_server.endpoint_url, "GET", "health")
    assert status == 200
    assert (health["account_id"], health["region"]) == ("111122223333", "eu-west-1")


def test_seeding_through_backend_is_visible_at_once(sts_server: StsServer) -> None:
    key = sts_server.backend.default_account.create_user("late").create_access_key()
    url = sts_server.endpoint_url + "/"
    conn = connection(sts_server.endpoint_url)
    try:
        headers = signed_headers(url, BODY, key=key.access_key_id, secret=key.secret_access_key)
        status, _, data = post(conn, "/", BODY, headers)
    finally:
        conn.close()
    assert status == 200 and b":user/late</Arn>" in data
    assert [c.caller_arn for c in sts_server.backend.calls] == [key.principal.arn]


def test_a_subprocess_uses_it_through_aws_endpoint_url_sts(sts_server: StsServer) -> None:
    key = sts_server.backend.default_access_key
    code = (
        "import boto3; print(boto3.client('sts', region_name='us-east-1')"
        ".get_caller_identity()['Arn'])"
    )
    env = {
        "AWS_ENDPOINT_URL_STS": sts_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": key.access_key_id,
        "AWS_SECRET_ACCESS_KEY": key.secret_access_key,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "arn:aws:iam::123456789012:user/stsmock"
    assert sts_server.backend.calls[-1].operation == "GetCallerIdentity"
