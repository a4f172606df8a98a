"""Builders shared by the federation tests: providers, trust policies, clients."""

from __future__ import annotations

from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.client import BaseClient
from botocore.config import Config

GITHUB = "https://token.actions.githubusercontent.com"
GITHUB_SUB = "repo:octo-org/app:ref:refs/heads/main"


def unsigned_sts(region: str = "us-east-1") -> BaseClient:
    """An STS client that sends no credentials at all (federation needs none)."""
    config = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
    return boto3.client("sts", region_name=region, config=config)


def web_identity_trust(provider_arn: str, **conditions: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
    }
    if conditions:
        statement["Condition"] = conditions
    return {"Version": "2012-10-17", "Statement": [statement]}


def error_of(exc: Any) -> tuple[str, str, int]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]
