"""Builders for the server tests: a seeded state document, signed raw requests, clients."""

from __future__ import annotations

import copy
import http.client
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials

ACCOUNT = "111122223333"
ALICE_KEY = "AKIAALICE00000000001"
ALICE_SECRET = "alice/secret/key/0000000000000000000000"
ALICE_MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deployer"
ALLOW_STS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
}

_STATE: dict[str, Any] = {
    "version": 1,
    "accounts": {
        ACCOUNT: {
            "policies": {"AllowSts": {"document": ALLOW_STS}},
            "users": {
                "alice": {
                    "tags": {"team": "blue"},
                    "policies": ["AllowSts"],
                    "access_keys": [
                        {"access_key_id": ALICE_KEY, "secret_access_key": ALICE_SECRET}
                    ],
                    "mfa_devices": [{"secret": ALICE_MFA_SECRET}],
                }
            },
            "roles": {
                "deployer": {
                    "trust_policy": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
                                "Action": ["sts:AssumeRole", "sts:TagSession"],
                            }
                        ],
                    },
                    "max_session_duration": 7200,
                    "policies": [f"arn:aws:iam::{ACCOUNT}:policy/AllowSts"],
                }
            },
        }
    },
}


def state() -> dict[str, Any]:
    """A fresh copy of the example state: alice (fixed key, MFA) may assume deployer."""
    return copy.deepcopy(_STATE)


def client(
    endpoint_url: str, key: str = ALICE_KEY, secret: str = ALICE_SECRET, **kwargs: Any
) -> Any:
    """A boto3 STS client over real HTTP to ``endpoint_url`` (no in-process mock active)."""
    return boto3.client(
        "sts",
        endpoint_url=endpoint_url,
        region_name=kwargs.pop("region_name", "us-east-1"),
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 1}),
        **kwargs,
    )


def signed_headers(
    url: str,
    body: bytes = b"Action=GetCallerIdentity&Version=2011-06-15",
    *,
    key: str = ALICE_KEY,
    secret: str = ALICE_SECRET,
    region: str = "us-east-1",
    method: str = "POST",
) -> dict[str, str]:
    """SigV4 headers (botocore's signer) for a form POST to ``url``."""
    request = botocore.awsrequest.AWSRequest(
        method=method,
        url=url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "sts", region).add_auth(
        request
    )
    headers = dict(request.headers.items())
    headers.setdefault("Host", urlsplit(url).netloc)
    return headers


def connection(endpoint_url: str, timeout: float = 10.0) -> http.client.HTTPConnection:
    parts = urlsplit(endpoint_url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)


def post(
    conn: http.client.HTTPConnection, path: str, body: Any, headers: dict[str, str], **kwargs: Any
) -> tuple[int, dict[str, str], bytes]:
    """One request on ``conn``; (status, lower-cased headers, body)."""
    conn.request("POST", path, body=body, headers=headers, **kwargs)
    response = conn.getresponse()
    data = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def admin(
    endpoint_url: str, method: str, name: str, payload: Any = None
) -> tuple[int, dict[str, Any]]:
    """Call ``/_stsmock/<name>``; (status, decoded JSON)."""
    import json
    import urllib.error
    import urllib.request

    data = (
        None
        if payload is None
        else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    )
    request = urllib.request.Request(f"{endpoint_url}/_stsmock/{name}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.headers["Content-Type"] == "application/json"
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        with error:
            assert error.headers["Content-Type"] == "application/json"
            return error.code, json.load(error)
