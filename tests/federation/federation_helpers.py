"""Builders shared by the federation tests: providers, trust policies, clients."""

from __future__ import annotations

import functools
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.client import BaseClient
from botocore.config import Config
from botocore.session import get_session

GITHUB = "https://token.actions.githubusercontent.com"

#: GetWebIdentityToken is newer than the oldest botocore supported (its model lacks it).
HAS_OUTBOUND = "GetWebIdentityToken" in get_session().get_service_model("sts").operation_names
needs_outbound = pytest.mark.skipif(
    not HAS_OUTBOUND, reason="this botocore's STS model has no GetWebIdentityToken"
)
GITHUB_SUB = "repo:octo-org/app:ref:refs/heads/main"


@functools.cache
def unsigned_sts(region: str = "us-east-1") -> BaseClient:
    """An STS client that sends no credentials at all (federation needs none).

    One per region for the whole run: making a client costs more than the call,
    and the mock answers clients made before it was activated too."""
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
