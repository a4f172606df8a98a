"""GetSessionToken with AWS's semantics: durations, the root cap, MFA, session credentials."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from tests.helpers.clients import client_for, error_of, sts


@pytest.fixture
def alice(sts_backend: STSBackend) -> Any:
    user = sts_backend.default_account.create_user("alice")
    return user, user.create_access_key(), user.add_mfa_device()


def test_default_duration_is_twelve_hours(sts_backend: STSBackend) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc), tick=False):
        creds = sts().get_session_token()["Credentials"]
    assert creds["Expiration"] == dt.datetime(2026, 3, 2, 0, 0, 0, tzinfo=dt.timezone.utc)
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert len(creds["SecretAccessKey"]) == 40
    assert creds["SessionToken"].startswith("IQoJb3JpZ2luX2Vj")


def test_global_endpoint_issues_v1_style_tokens(sts_backend: STSBackend) -> None:
    client = sts(endpoint_url="https://sts.amazonaws.com")
    assert client.get_session_token()["Credentials"]["SessionToken"].startswith("FwoGZXIvYXdzE")


def test_duration_is_honoured(sts_backend: STSBackend) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc), tick=False):
        creds = sts().get_session_token(DurationSeconds=900)["Credentials"]
    assert creds["Expiration"] == dt.datetime(2026, 3, 1, 0, 15, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        pytest.param(
            129601,
            "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 129600",
            id="above-36-hours",
        ),
    ],
)
def test_duration_bounds(sts_backend: STSBackend, duration: int, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        sts().get_session_token(DurationSeconds=duration)
    assert error_of(exc) == ("ValidationError", message, 400)
    assert sts_backend.sessions == []


def test_root_sessions_are_capped_to_one_hour_silently(sts_backend: STSBackend) -> None:
    root_key = sts_backend.default_account.root.create_access_key()
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc), tick=False):
        creds = sts(**root_key.client_kwargs).get_session_token(DurationSeconds=7200)["Credentials"]
        session = sts_backend.session(creds["AccessKeyId"])
        assert session is not None
        identity = sts(**session.client_kwargs).get_caller_identity()
    assert creds["Expiration"] == dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.timezone.utc)
    assert (identity["Arn"], identity["UserId"], identity["Account"]) == (
        "arn:aws:iam::123456789012:root",
        "123456789012",
        "123456789012",
    )


def test_session_carries_the_identity_behind_it(sts_backend: STSBackend, alice: Any) -> None:
    user, key, _ = alice
    creds = sts(**key.client_kwargs).get_session_token()["Credentials"]
    session_client = client_for(creds)
    identity = session_client.get_caller_identity()
    assert identity["Arn"] == user.arn
    assert identity["UserId"] == user.unique_id
    session = sts_backend.session(creds["AccessKeyId"])
    assert session is not None and session.principal_arn == user.arn
    assert session.mfa_authenticated is False


def test_session_credentials_cannot_call_get_session_token(sts_backend: STSBackend) -> None:
    creds = sts().get_session_token()["Credentials"]
    client = client_for(creds)
    with pytest.raises(ClientError) as exc:
        client.get_session_token()
    assert error_of(exc) == (
        "AccessDenied",
        "Cannot call GetSessionToken with session credentials",
        403,
    )


class TestMfa:
    def test_right_code_marks_the_session(self, sts_backend: STSBackend, alice: Any) -> None:
        _, key, device = alice
        creds = sts(**key.client_kwargs).get_session_token(
            SerialNumber=device.serial_number, TokenCode=device.code()
        )["Credentials"]
        session = sts_backend.session(creds["AccessKeyId"])
        assert session is not None
        assert session.mfa_authenticated is True
        assert session.mfa_authenticated_at is not None

    def test_wrong_code(self, sts_backend: STSBackend, alice: Any) -> None:
        _, key, device = alice
        wrong = f"{(int(device.code()) + 1) % 1_000_000:06d}"
        with pytest.raises(ClientError) as exc:
            sts(**key.client_kwargs).get_session_token(
                SerialNumber=device.serial_number, TokenCode=wrong
            )
        assert error_of(exc) == (
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            403,
        )
        assert sts_backend.sessions == []

    def test_reused_code_is_rejected(self, sts_backend: STSBackend, alice: Any) -> None:
        _, key, device = alice
        client = sts(**key.client_kwargs)
        with time_machine.travel(
            dt.datetime(2026, 3, 1, 0, 0, 5, tzinfo=dt.timezone.utc), tick=False
        ):
            code = device.code()
            client.get_session_token(SerialNumber=device.serial_number, TokenCode=code)
            with pytest.raises(ClientError) as exc:
                client.get_session_token(SerialNumber=device.serial_number, TokenCode=code)
        assert (
            error_of(exc)[1]
            == "MultiFactorAuthentication failed with invalid MFA one time pass code."
        )

    def test_previous_window_is_accepted_but_not_older(
        self, sts_backend: STSBackend, alice: Any
    ) -> None:
        _, key, device = alice
        client = sts(**key.client_kwargs)
        start = dt.datetime(2026, 3, 1, 0, 0, 10, tzinfo=dt.timezone.utc)
        previous = device.code(at=start)
        too_old = device.code(at=start - dt.timedelta(seconds=30))
        with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
            client.get_session_token(SerialNumber=device.serial_number, TokenCode=previous)
            with pytest.raises(ClientError) as exc:
                client.get_session_token(SerialNumber=device.serial_number, TokenCode=too_old)
        assert error_of(exc)[0] == "AccessDenied"

    def test_code_follows_the_frozen_clock(self, sts_backend: STSBackend, alice: Any) -> None:
        _, _, device = alice
        moment = dt.datetime(2026, 3, 1, 0, 0, 10, tzinfo=dt.timezone.utc)
        with time_machine.travel(moment, tick=False):
            assert device.code() == device.code(at=moment) == device.code(at=moment.timestamp())

    @pytest.mark.parametrize(
        "params",
        [
            pytest.param({"SerialNumber": "arn:aws:iam::123456789012:mfa/alice"}, id="serial-only"),
            pytest.param({"TokenCode": "123456"}, id="code-only"),
        ],
    )
    def test_serial_and_code_go_together(
        self, sts_backend: STSBackend, alice: Any, params: Any
    ) -> None:
        _, key, _ = alice
        with pytest.raises(ClientError) as exc:
            sts(**key.client_kwargs).get_session_token(**params)
        assert error_of(exc) == (
            "AccessDenied",
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time "
            "pass code.",
            403,
        )

    @pytest.mark.parametrize("serial", ["arn:aws:iam::123456789012:mfa/nobody", "GAHT12345678"])
    def test_unknown_or_foreign_serial(
        self, sts_backend: STSBackend, alice: Any, serial: str
    ) -> None:
        _, key, _ = alice
        sts_backend.default_account.create_user("bob").add_mfa_device("GAHT12345678")
        with pytest.raises(ClientError) as exc:
            sts(**key.client_kwargs).get_session_token(SerialNumber=serial, TokenCode="123456")
        assert error_of(exc) == (
            "AccessDenied",
            "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your "
            "MFA serial number is valid and associated with this user.",
            403,
        )

    def test_token_code_format_is_validated_first(
        self, sts_backend: STSBackend, alice: Any
    ) -> None:
        _, key, device = alice
        with pytest.raises(ClientError) as exc:
            sts(**key.client_kwargs).get_session_token(
                SerialNumber=device.serial_number, TokenCode="12345a"
            )
        assert error_of(exc) == (
            "ValidationError",
            "1 validation error detected: Value '12345a' at 'tokenCode' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\d]*",
            400,
        )
