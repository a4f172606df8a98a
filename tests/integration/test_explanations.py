"""Every refusal is explained: Call.explanation says why, in plain words, for each cause."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import freezegun
import pytest
import requests
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from tests.helpers.clients import client_for, sts
from tests.helpers.policies import ADMIN

pytest_plugins = ["pytester"]

ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
}


def _refused(backend: STSBackend, call: Callable[[], Any]) -> str:
    """Make a call that must be refused; return its explanation."""
    with pytest.raises(ClientError):
        call()
    explanation = backend.calls[-1].explanation
    assert explanation, backend.calls[-1]
    return explanation


@freezegun.freeze_time("2026-01-01T00:00:10Z")  # no 30-second window rolls over mid-test
def test_a_wrong_and_a_reused_mfa_code_are_told_apart(sts_backend: STSBackend) -> None:
    alice = sts_backend.default_account.create_user("alice")
    device = alice.add_mfa_device()
    client = sts(**alice.create_access_key().client_kwargs)
    code = device.code()
    wrong = "000000" if code != "000000" else "111111"
    why_wrong = _refused(
        sts_backend,
        lambda: client.get_session_token(SerialNumber=device.serial_number, TokenCode=wrong),
    )
    assert why_wrong == (
        f"the code {wrong} is not the code of MFA device {device.serial_number} in the current "
        f"or the previous 30-second window (it shows {code} now); is the code from another "
        "device?"
    )
    client.get_session_token(SerialNumber=device.serial_number, TokenCode=code)
    why_reused = _refused(
        sts_backend,
        lambda: client.get_session_token(SerialNumber=device.serial_number, TokenCode=code),
    )
    assert why_reused.startswith(f"the code {code} is the ")
    assert why_reused.endswith(
        f"30-second window's code of MFA device {device.serial_number}, but that code was "
        "already used: AWS accepts each code once"
    )
    # The two look the same on the wire.
    wire = {c.error_message for c in sts_backend.calls if c.error_code}
    assert wire == {"MultiFactorAuthentication failed with invalid MFA one time pass code."}


@freezegun.freeze_time("2026-01-01T00:00:10Z")
def test_an_old_code_says_how_old(sts_backend: STSBackend) -> None:
    alice = sts_backend.default_account.create_user("alice")
    device = alice.add_mfa_device()
    client = sts(**alice.create_access_key().client_kwargs)
    old = device.code(at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=120))
    if old in {
        device.code(),
        device.code(at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)),
    }:
        pytest.skip("the old code happens to equal a valid one")  # one in 10^6 runs
    why = _refused(
        sts_backend,
        lambda: client.get_session_token(SerialNumber=device.serial_number, TokenCode=old),
    )
    assert "seconds ago; AWS accepts only the current and the previous 30-second window" in why


def test_mfa_missing_halves_and_foreign_devices(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    alice, bob = acct.create_user("alice"), acct.create_user("bob")
    bobs = bob.add_mfa_device()
    client = sts(**alice.create_access_key().client_kwargs)
    assert _refused(sts_backend, lambda: client.get_session_token(TokenCode="123456")) == (
        "the request sent TokenCode without SerialNumber; MFA needs both"
    )
    assert _refused(
        sts_backend, lambda: client.get_session_token(SerialNumber=bobs.serial_number)
    ) == ("the request sent SerialNumber without TokenCode; MFA needs both")
    assert _refused(
        sts_backend,
        lambda: client.get_session_token(SerialNumber=bobs.serial_number, TokenCode="123456"),
    ) == (f"the MFA device {bobs.serial_number} belongs to {bob.arn}, not to {alice.arn}")
    missing = "arn:aws:iam::123456789012:mfa/nobody"
    assert _refused(
        sts_backend, lambda: client.get_session_token(SerialNumber=missing, TokenCode="123456")
    ) == (f"no MFA device has the serial number {missing}")


def test_durations_above_the_role_maximum_and_the_chaining_cap(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    role = acct.create_role("r", trust_policy=TRUST, policies=[ADMIN])
    client = sts()
    assert _refused(
        sts_backend,
        lambda: client.assume_role(RoleArn=role.arn, RoleSessionName="ss", DurationSeconds=7200),
    ) == (f"DurationSeconds 7200 is above the MaxSessionDuration of {role.arn}, 3600 seconds")
    long_role = acct.create_role("long", trust_policy=TRUST, max_session_duration=43200)
    hop = client_for(client.assume_role(RoleArn=role.arn, RoleSessionName="ss")["Credentials"])
    assert _refused(
        sts_backend,
        lambda: hop.assume_role(RoleArn=long_role.arn, RoleSessionName="ss", DurationSeconds=7200),
    ) == (
        "DurationSeconds 7200 is above 3600 seconds, AWS's cap for a role assumed with "
        "role-session credentials (role chaining)"
    )
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/r/ss"
    for operation in ("GetSessionToken", "GetFederationToken"):
        call: Callable[[], Any] = (
            hop.get_session_token
            if operation == "GetSessionToken"
            else lambda: hop.get_federation_token(Name="fed")
        )
        assert _refused(sts_backend, call) == (
            f"{operation} takes long-term credentials (an IAM user's or the root's access key), "
            f"and the caller {session_arn} signed with temporary ones"
        )


def test_each_cause_of_invalid_client_token_id(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    user = acct.create_user("u")
    key = user.create_access_key()
    creds = sts().get_session_token()["Credentials"]
    session_key = creds["AccessKeyId"]
    long_term_with_token = sts(**key.client_kwargs, aws_session_token="token")
    assert _refused(sts_backend, long_term_with_token.get_caller_identity) == (
        f"the access key {key.access_key_id} is a long-term key of {user.arn}, but the "
        "request also carried a session token; long-term keys are sent without one"
    )
    no_token = sts(aws_access_key_id=session_key, aws_secret_access_key=creds["SecretAccessKey"])
    without = _refused(sts_backend, no_token.get_caller_identity)
    assert without.startswith(f"the temporary access key {session_key} (of ")
    assert without.endswith(") was sent without its session token")
    wrong = _refused(
        sts_backend,
        lambda: sts(
            aws_access_key_id=session_key,
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"] + "x",
        ).get_caller_identity(),
    )
    assert wrong.endswith(") was sent with a session token that is not the one issued with it")
    key.active = False
    assert _refused(sts_backend, lambda: sts(**key.client_kwargs).get_caller_identity()) == (
        f"the access key {key.access_key_id} of {user.arn} is inactive"
    )
    sts_backend.strict = True
    never = "AKIAIOSFODNN7EXAMPLE"
    assert _refused(
        sts_backend,
        lambda: sts(aws_access_key_id=never, aws_secret_access_key="x" * 40).get_caller_identity(),
    ) == (
        f"the access key {never} was never issued by this backend, and the mock is strict "
        "(strict=True refuses keys it did not issue)"
    )


def test_signature_mismatch_causes(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    key = acct.create_user("u").create_access_key()
    other = acct.create_user("v").create_access_key()
    wrong_secret = sts(aws_access_key_id=key.access_key_id, aws_secret_access_key="y" * 40)
    assert _refused(sts_backend, wrong_secret.get_caller_identity) == (
        f"the signature was not made with the secret key of {key.access_key_id} over this "
        "request: the client signed with a wrong secret key, or a signed header, the body, "
        "the URL or the method changed after signing"
    )
    mixed = sts(aws_access_key_id=key.access_key_id, aws_secret_access_key=other.secret_access_key)
    assert _refused(sts_backend, mixed.get_caller_identity) == (
        f"the request was signed with the secret key of {other.access_key_id}, not with the "
        f"secret key of {key.access_key_id}"
    )
    url = sts(**key.client_kwargs).generate_presigned_url("get_caller_identity", HttpMethod="POST")
    assert requests.get(url, timeout=5).status_code == 403
    assert sts_backend.calls[-1].error_code == "SignatureDoesNotMatch"
    assert sts_backend.calls[-1].explanation == (
        "the URL was presigned for POST but sent with GET; the method is part of the signature"
    )

    def add_header_to_sign(request: Any, **_: Any) -> None:
        request.headers["X-Stsmock-Signed"] = "1"

    def remove_after_signing(request: Any, **_: Any) -> None:
        del request.headers["X-Stsmock-Signed"]

    tampered = sts(**key.client_kwargs)
    tampered.meta.events.register("before-sign.sts.*", add_header_to_sign)
    tampered.meta.events.register("before-send.sts.*", remove_after_signing)
    why = _refused(sts_backend, tampered.get_caller_identity)
    assert why == (
        "the signed header(s) x-stsmock-signed are missing from the request: something "
        "removed them after signing"
    )


def test_expired_token_says_when(sts_backend: STSBackend) -> None:
    with freezegun.freeze_time("2026-01-01T00:00:00Z"):
        creds = sts().get_session_token(DurationSeconds=900)["Credentials"]
        session = sts_backend.session(creds["AccessKeyId"])
    assert session is not None
    with freezegun.freeze_time("2026-01-01T01:00:00Z"):
        assert _refused(sts_backend, client_for(creds).get_caller_identity) == (
            f"the temporary credentials {creds['AccessKeyId']} of {session.arn} expired at "
            "2026-01-01T00:15:00Z; the backend's clock says 2026-01-01T01:00:00Z"
        )


def test_validation_errors_and_every_other_refusal_are_explained(sts_backend: STSBackend) -> None:
    client = sts()
    why = _refused(
        sts_backend,
        lambda: client.assume_role(
            RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="bad name!"
        ),
    )
    assert why.startswith(
        "a parameter broke a constraint of the STS API model, which AWS checks before "
        "authentication and authorization: 1 validation error detected: Value 'bad name!' at "
        "'roleSessionName' failed to satisfy constraint"
    )
    sts_backend.default_account.disable_region("eu-west-1")
    assert _refused(sts_backend, sts(region="eu-west-1").get_session_token).startswith(
        "STS is disabled in eu-west-1 for this account (Account.disable_region): "
    )
    assert all(call.explanation for call in sts_backend.calls if call.error_code)


def test_denials_in_fixture_setup_and_teardown_are_reported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import boto3
import pytest

def _denied(backend, name):
    key = backend.default_account.create_user(name).create_access_key()
    try:
        boto3.client("sts", region_name="us-east-1", **key.client_kwargs).get_federation_token(
            Name="fed")
    except Exception:
        pass

@pytest.fixture
def broken_setup(sts_backend):
    _denied(sts_backend, "in-setup")
    raise RuntimeError("setup fails")

@pytest.fixture
def broken_teardown(sts_backend):
    yield
    _denied(sts_backend, "in-teardown")
    raise RuntimeError("teardown fails")

def test_setup(broken_setup):
    pass

def test_teardown(broken_teardown):
    pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*- stsmock: denied calls -*",
            "1. GetFederationToken by arn:aws:iam::123456789012:user/in-setup -> AccessDenied: *",
            "*- stsmock: denied calls -*",
            "1. GetFederationToken by arn:aws:iam::123456789012:user/in-teardown "
            "-> AccessDenied: *",
        ]
    )
