"""Builders shared by the IAM tests: clients, documents, codes from a device seed."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pyotp
from botocore.client import BaseClient
from botocore.config import Config

ACCOUNT = "123456789012"
NO_RETRY = Config(retries={"max_attempts": 1})


def iam(**kwargs: Any) -> BaseClient:
    """A real boto3 IAM client (IAM is global: any region signs for us-east-1)."""
    return boto3.client("iam", region_name="eu-west-1", config=NO_RETRY, **kwargs)


def sts(**kwargs: Any) -> BaseClient:
    return boto3.client("sts", region_name="eu-west-1", config=NO_RETRY, **kwargs)


def key_kwargs(key: dict[str, Any]) -> dict[str, str]:
    """Client keyword arguments for an AccessKey structure of CreateAccessKey."""
    return {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }


def session_kwargs(creds: dict[str, Any]) -> dict[str, str]:
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def trust(principal: str = ACCOUNT, **condition: Any) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def allow(action: str, resource: str = "*") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}],
        }
    )


def error_of(exc: Any) -> tuple[str, str, int]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def codes(seed: bytes, at: float) -> tuple[str, str]:
    """Two consecutive TOTP codes of a virtual device, the second for ``at``."""
    totp = pyotp.TOTP(seed.decode("ascii"), interval=30)
    return totp.at(at - 30), totp.at(at)
