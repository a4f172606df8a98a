"""Small builders shared by the integration tests."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config


def client_for(creds: dict[str, Any]) -> BaseClient:
    """An STS client signing with temporary credentials from an STS response."""
    return sts(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def error_of(exc: Any) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a ClientError caught by pytest.raises."""
    err = exc.value.response["Error"]
    return err["Code"], err["Message"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def sts(region: str = "us-east-1", **kwargs: Any) -> BaseClient:
    """A real boto3 STS client, no retries (so errors surface at once)."""
    config = Config(retries={"max_attempts": 1})
    return boto3.client("sts", region_name=region, config=config, **kwargs)


def denied(caller: str, role: str, action: str = "sts:AssumeRole") -> tuple[str, str, int]:
    """(code, message, status) of the generic AccessDenied for ``caller`` on ``role``."""
    return (
        "AccessDenied",
        f"User: {caller} is not authorized to perform: {action} on resource: {role}",
        403,
    )
