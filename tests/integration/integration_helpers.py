"""Small builders shared by the integration tests."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config

ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def sts(region: str = "us-east-1", **kwargs: Any) -> BaseClient:
    """A real boto3 STS client, no retries (so errors surface at once)."""
    config = Config(retries={"max_attempts": 1})
    return boto3.client("sts", region_name=region, config=config, **kwargs)
