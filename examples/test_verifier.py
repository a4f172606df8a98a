"""Tests for the identity-proof verifier, written the way a user of pytest-stsmock writes them."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import boto3
import pytest
from freezegun import freeze_time
from verifier import InvalidToken, Rejected, make_token, presigned_url, verify

from pytest_stsmock import STSBackend

CLUSTER = "prod-cluster"
ACCOUNT = "123456789012"


def token_for(url: str) -> str:
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def edit_query(token: str, **changes: str) -> str:
    """The same token with some of its URL's query parameters changed."""
    parts = urlsplit(presigned_url(token))
    pairs = [(name, changes.get(name, value)) for name, value in parse_qsl(parts.query)]
    return token_for(urlunsplit(parts._replace(query=urlencode(pairs))))


@pytest.fixture
def alice(sts_backend: STSBackend, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An IAM user whose credentials the client side uses."""
    user = sts_backend.default_account.create_user("alice")
    key = user.create_access_key()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key.secret_access_key)
    return user


def test_a_user_proves_who_they_are(sts_backend: STSBackend, alice) -> None:  # type: ignore[no-untyped-def]
    assert verify(make_token(CLUSTER), CLUSTER) == f"arn:aws:iam::{ACCOUNT}:user/alice"
    sts_backend.assert_called("GetCallerIdentity")


def test_a_role_session_proves_its_assumed_role(sts_backend: STSBackend, alice) -> None:  # type: ignore[no-untyped-def]
    role = sts_backend.default_account.create_role(
        "ci-runner",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}
            ],
        },
    )
    alice.attach_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role.arn}],
        }
    )
    creds = boto3.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="build-42")
    session_client = boto3.client(
        "sts",
        aws_access_key_id=creds["Credentials"]["AccessKeyId"],
        aws_secret_access_key=creds["Credentials"]["SecretAccessKey"],
        aws_session_token=creds["Credentials"]["SessionToken"],
    )

    token = make_token(CLUSTER, session_client)

    assert verify(token, CLUSTER) == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-runner/build-42"


def test_a_token_for_another_cluster_is_rejected(alice) -> None:  # type: ignore[no-untyped-def]
    token = make_token("dev-cluster")

    with pytest.raises(Rejected) as rejected:
        verify(token, CLUSTER)

    assert (rejected.value.code, rejected.value.status) == ("SignatureDoesNotMatch", 403)


def test_a_tampered_signature_is_rejected(alice) -> None:  # type: ignore[no-untyped-def]
    token = make_token(CLUSTER)
    signature = dict(parse_qsl(urlsplit(presigned_url(token)).query))["X-Amz-Signature"]
    flipped = signature[:-1] + ("1" if signature.endswith("0") else "0")
    forged = edit_query(token, **{"X-Amz-Signature": flipped})
    assert forged != token

    with pytest.raises(Rejected) as rejected:
        verify(forged, CLUSTER)

    assert rejected.value.code == "SignatureDoesNotMatch"
    assert rejected.value.message.startswith("The request signature we calculated does not match")


def test_a_token_lives_15_minutes_whatever_it_says(alice) -> None:  # type: ignore[no-untyped-def]
    made = dt.datetime(2026, 7, 1, 12, 0, 0)
    with freeze_time(made):
        token = make_token(CLUSTER)  # says X-Amz-Expires=60
    with freeze_time(made + dt.timedelta(minutes=10)):
        assert verify(token, CLUSTER).endswith(":user/alice")
    with freeze_time(made + dt.timedelta(minutes=16)), pytest.raises(Rejected) as rejected:
        verify(token, CLUSTER)

    assert rejected.value.code == "SignatureDoesNotMatch"
    assert rejected.value.message == (
        "Signature expired: 20260701T120000Z is now earlier than 20260701T120100Z "
        "(20260701T121600Z - 15 min.)"
    )


def test_an_unsigned_url_is_refused_before_sts_is_asked(sts_backend: STSBackend) -> None:
    token = token_for("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")

    with pytest.raises(InvalidToken, match="not signed"):
        verify(token, CLUSTER)

    sts_backend.assert_not_called("GetCallerIdentity")


@pytest.mark.parametrize(
    "host",
    ["sts.amazonaws.com.attacker.example", "attacker.example", "sts.amazonaws.com:8443"],
)
def test_a_url_for_another_host_is_refused(sts_backend: STSBackend, alice, host: str) -> None:  # type: ignore[no-untyped-def]
    parts = urlsplit(presigned_url(make_token(CLUSTER)))
    token = token_for(urlunsplit(parts._replace(netloc=host)))

    with pytest.raises(InvalidToken, match="not an STS URL"):
        verify(token, CLUSTER)

    sts_backend.assert_not_called("GetCallerIdentity")


def test_another_action_is_refused(alice) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidToken, match="not a GetCallerIdentity"):
        verify(edit_query(make_token(CLUSTER), Action="GetSessionToken"), CLUSTER)


def test_a_regional_endpoint_token_is_accepted(alice) -> None:  # type: ignore[no-untyped-def]
    client = boto3.client("sts", region_name="eu-west-1")
    token = make_token(CLUSTER, client)
    assert urlsplit(presigned_url(token)).netloc == "sts.eu-west-1.amazonaws.com"
    assert verify(token, CLUSTER).endswith(":user/alice")
