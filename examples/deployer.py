"""A small cross-account deployer: the kind of code pytest-stsmock exists to test.

It assumes a ``Deployer`` role in each target account (with an ExternalId and,
when asked, an MFA code), reports who it is in each, and records the
accounts it could not enter instead of crashing half-way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError


@dataclass
class Target:
    account_id: str
    role_name: str = "Deployer"

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name}"


@dataclass
class Report:
    entered: dict[str, str] = field(default_factory=dict)  # account -> caller ARN there
    refused: dict[str, str] = field(default_factory=dict)  # account -> AWS error code

    def summary(self) -> str:
        lines = [f"OK   {acct} as {arn}" for acct, arn in sorted(self.entered.items())]
        lines += [f"FAIL {acct}: {code}" for acct, code in sorted(self.refused.items())]
        return "\n".join(lines)


def assume(
    role_arn: str,
    session_name: str,
    *,
    external_id: str | None = None,
    mfa_serial: str | None = None,
    mfa_code: Callable[[], str] | None = None,
    sts_client: Any = None,
) -> boto3.Session:
    """A boto3 Session holding the role's temporary credentials."""
    client: Any = sts_client or boto3.client("sts")
    params: dict[str, object] = {"RoleArn": role_arn, "RoleSessionName": session_name}
    if external_id:
        params["ExternalId"] = external_id
    if mfa_serial and mfa_code:
        params["SerialNumber"] = mfa_serial
        params["TokenCode"] = mfa_code()
    creds = client.assume_role(**params)["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def whoami(session: boto3.Session) -> str:
    return str(session.client("sts").get_caller_identity()["Arn"])


def deploy(
    targets: Iterable[Target],
    *,
    external_id: str,
    session_name: str = "deployer",
    mfa_serial: str | None = None,
    mfa_code: Callable[[], str] | None = None,
) -> Report:
    """Enter every target account; collect who we are there, or why we could not get in."""
    report = Report()
    client = boto3.client("sts")
    for target in targets:
        try:
            session = assume(
                target.role_arn,
                session_name,
                external_id=external_id,
                mfa_serial=mfa_serial,
                mfa_code=mfa_code,
                sts_client=client,
            )
        except ClientError as error:
            report.refused[target.account_id] = error.response["Error"]["Code"]
            continue
        report.entered[target.account_id] = whoami(session)
    return report


if __name__ == "__main__":  # pragma: no cover - needs real AWS
    import sys

    print(deploy([Target(a) for a in sys.argv[2:]], external_id=sys.argv[1]).summary())
