"""botocore's own credential providers, end to end: profiles that assume roles and refresh.

These exercise the STS clients botocore creates internally, which a per-client
stub never sees.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from tests.helpers.policies import trust

START = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sts_backend: STSBackend) -> Any:
    """Write ~/.aws-style files for a base user; return a function adding role profiles."""
    user = sts_backend.default_account.create_user("dev")
    key = user.create_access_key()
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[base]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n"
    )
    config = tmp_path / "config"
    config.write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    def add(name: str, **settings: str) -> None:
        lines = [f"[profile {name}]", "source_profile = base", "region = us-east-1"]
        lines += [f"{k} = {v}" for k, v in settings.items()]
        config.write_text(config.read_text() + "\n".join(lines) + "\n")

    add.user = user  # type: ignore[attr-defined]
    return add


def test_role_profile_assumes_and_refreshes_after_expiry(
    sts_backend: STSBackend, profiles: Any
) -> None:
    role = sts_backend.default_account.create_role(
        "deployer", trust_policy=trust({"AWS": profiles.user.arn})
    )
    profiles("deploy", role_arn=role.arn, role_session_name="from-profile")
    with time_machine.travel(START, tick=False):
        client = boto3.Session(profile_name="deploy").client("sts")
        assert client.get_caller_identity()["Arn"] == (
            "arn:aws:sts::123456789012:assumed-role/deployer/from-profile"
        )
    first = [c for c in sts_backend.calls if c.operation == "AssumeRole"]
    assert len(first) == 1
    # 59 minutes later the one-hour session is inside botocore's refresh window:
    # the provider assumes the role again instead of sending expired credentials.
    with time_machine.travel(START + dt.timedelta(minutes=59), tick=False):
        client.get_caller_identity()
    assume_calls = [c for c in sts_backend.calls if c.operation == "AssumeRole"]
    assert len(assume_calls) == 2
    assert not [c for c in sts_backend.calls if c.error_code == "ExpiredToken"]


def test_credentials_used_after_expiry_without_refresh_are_refused(
    sts_backend: STSBackend, profiles: Any
) -> None:
    role = sts_backend.default_account.create_role(
        "deployer", trust_policy=trust({"AWS": profiles.user.arn})
    )
    with time_machine.travel(START, tick=False):
        creds = boto3.client("sts", **profiles.user.access_keys[0].client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="static", DurationSeconds=900
        )["Credentials"]
    static = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    with (
        time_machine.travel(START + dt.timedelta(minutes=15), tick=False),
        pytest.raises(ClientError) as exc,
    ):
        static.get_caller_identity()
    assert exc.value.response["Error"]["Code"] == "ExpiredToken"


def test_mfa_serial_profile_prompts_for_the_device_code(
    sts_backend: STSBackend, profiles: Any
) -> None:
    device = profiles.user.add_mfa_device()
    role = sts_backend.default_account.create_role(
        "admin",
        trust_policy=trust(
            {"AWS": profiles.user.arn}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        ),
    )
    profiles("admin", role_arn=role.arn, mfa_serial=device.serial_number)
    session = boto3.Session(profile_name="admin")
    provider = session._session.get_component("credential_provider").get_provider("assume-role")
    prompts: list[str] = []

    def prompter(prompt: str) -> str:
        prompts.append(prompt)
        code: str = device.code()
        return code

    provider._prompter = prompter
    arn = session.client("sts").get_caller_identity()["Arn"]
    assert arn.startswith("arn:aws:sts::123456789012:assumed-role/admin/")
    assert prompts == [f"Enter MFA code for {device.serial_number}: "]
    sts_backend.assert_called("AssumeRole", SerialNumber=device.serial_number)


def test_mfa_serial_profile_with_a_wrong_code_fails_like_aws(
    sts_backend: STSBackend, profiles: Any
) -> None:
    device = profiles.user.add_mfa_device()
    role = sts_backend.default_account.create_role(
        "admin", trust_policy=trust({"AWS": profiles.user.arn})
    )
    profiles("admin", role_arn=role.arn, mfa_serial=device.serial_number)
    session = boto3.Session(profile_name="admin")
    provider = session._session.get_component("credential_provider").get_provider("assume-role")
    provider._prompter = lambda prompt: "000000" if device.code() != "000000" else "111111"
    with pytest.raises(ClientError) as exc:
        session.client("sts").get_caller_identity()
    assert exc.value.response["Error"]["Message"] == (
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    )


def test_external_id_and_duration_seconds_are_honoured(
    sts_backend: STSBackend, profiles: Any
) -> None:
    role = sts_backend.default_account.create_role(
        "vendor",
        trust_policy=trust(
            {"AWS": profiles.user.arn}, condition={"StringEquals": {"sts:ExternalId": "tenant-42"}}
        ),
    )
    profiles("vendor", role_arn=role.arn, external_id="tenant-42", duration_seconds="900")
    profiles("vendor-wrong", role_arn=role.arn, external_id="tenant-43")
    with time_machine.travel(START, tick=False):
        boto3.Session(profile_name="vendor").client("sts").get_caller_identity()
        with pytest.raises(ClientError) as exc:
            boto3.Session(profile_name="vendor-wrong").client("sts").get_caller_identity()
    assert exc.value.response["Error"]["Code"] == "AccessDenied"
    call = sts_backend.assert_called("AssumeRole", ExternalId="tenant-42", DurationSeconds=900)
    assert call.response is not None
    assert call.response["Credentials"]["Expiration"] == START + dt.timedelta(seconds=900)
