"""Identity proofs as verifiers use them: a presigned (or header-signed) GetCallerIdentity,
replayed with ``requests``, answered in JSON, inside STS's fixed 15-minute window, with
the verifier's own signed header (aws-iam-authenticator's x-k8s-aws-id, Vault's
X-Vault-AWS-IAM-Server-ID)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import botocore.auth
import freezegun
import pytest
import requests
import time_machine
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.parsers import ResponseParserError

from pytest_stsmock import STSBackend, _pipeline, mock_sts
from pytest_stsmock._http import HttpRequest
from pytest_stsmock.backend.principals import User
from pytest_stsmock.operations import OPERATIONS
from pytest_stsmock.server import StsServer
from tests.helpers.clients import client_for, sts

START = dt.datetime(2026, 7, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
JSON = {"Accept": "application/json"}
FORM = "Action=GetCallerIdentity&Version=2011-06-15"
GLOBAL = "https://sts.amazonaws.com/"
TRUST_ANYONE_IN_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}

Travel = Callable[[dt.datetime], contextlib.AbstractContextManager[Any]]


@pytest.fixture(params=["freezegun", "time-machine"])
def travel(request: pytest.FixtureRequest) -> Travel:
    """Move every clock (the client's signer and the backend's) to a moment."""
    if request.param == "freezegun":
        return lambda moment: freezegun.freeze_time(moment)
    return lambda moment: time_machine.travel(moment, tick=False)


@pytest.fixture
def user(sts_backend: STSBackend) -> User:
    return sts_backend.default_account.create_user("prover")


def presign(client: Any, headers: Mapping[str, str] | None = None, expires: int = 60) -> str:
    """A presigned GetCallerIdentity URL, with ``headers`` signed into it (as verifiers do)."""

    def add_headers(request: Any, **_: Any) -> None:
        for name, value in (headers or {}).items():
            request.headers[name] = value

    client.meta.events.register("before-sign.sts.GetCallerIdentity", add_headers)
    try:
        url: str = client.generate_presigned_url(
            "get_caller_identity", ExpiresIn=expires, HttpMethod="GET"
        )
    finally:
        client.meta.events.unregister("before-sign.sts.GetCallerIdentity", add_headers)
    return url


def header_signed(
    kwargs: Mapping[str, str], headers: Mapping[str, str] | None = None, form: str = FORM
) -> AWSRequest:
    """A POST signed in the Authorization header, as Vault's login clients build it."""
    request = AWSRequest(
        "POST",
        GLOBAL,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
    )
    creds = Credentials(
        kwargs["aws_access_key_id"],
        kwargs["aws_secret_access_key"],
        kwargs.get("aws_session_token"),
    )
    botocore.auth.SigV4Auth(creds, "sts", "us-east-1").add_auth(request)
    return request


def replay(request: AWSRequest, **headers: str) -> requests.Response:
    """Send a signed request again, as a verifier does, with ``headers`` on top."""
    sent = {k: v for k, v in request.headers.items() if v is not None}
    for name, value in headers.items():
        sent = {k: v for k, v in sent.items() if k.lower() != name.lower()}
        if value:
            sent[name] = value
    return requests.post(request.url, data=request.data, headers=sent, timeout=5)


def error_of(response: requests.Response) -> tuple[str, str, int]:
    document = response.json()
    assert document["RequestId"] == response.headers["x-amzn-RequestId"]
    assert document["Error"]["Type"] == "Sender"
    return document["Error"]["Code"], document["Error"]["Message"], response.status_code


def signature_expired(signed_at: dt.datetime, now: dt.datetime) -> str:
    basic = "%Y%m%dT%H%M%SZ"
    earliest = (now - dt.timedelta(minutes=15)).strftime(basic)
    return (
        f"Signature expired: {signed_at.strftime(basic)} is now earlier than {earliest} "
        f"({now.strftime(basic)} - 15 min.)"
    )


# --- 1. JSON answers ----------------------------------------------------------------------


def test_presigned_identity_answers_json_as_aws_iam_authenticator_parses_it(user: User) -> None:
    url = presign(sts(**user.create_access_key().client_kwargs))
    response = requests.get(url, headers=JSON, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    request_id = response.headers["x-amzn-RequestId"]
    assert response.content == (
        b'{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012",'
        b'"Arn":"arn:aws:iam::123456789012:user/prover","UserId":"' + user.unique_id.encode()
        + b'"},"ResponseMetadata":{"RequestId":"' + request_id.encode() + b'"}}}'
    )  # fmt: skip


def test_a_role_session_proves_its_assumed_role_arn_in_json(sts_backend: STSBackend) -> None:
    role = sts_backend.default_account.create_role("Reader", trust_policy=TRUST_ANYONE_IN_ACCOUNT)
    creds = sts().assume_role(RoleArn=role.arn, RoleSessionName="pod-7")["Credentials"]
    response = requests.get(presign(client_for(creds)), headers=JSON, timeout=5)
    result = response.json()["GetCallerIdentityResponse"]["GetCallerIdentityResult"]
    assert result == {
        "Account": "123456789012",
        "Arn": "arn:aws:sts::123456789012:assumed-role/Reader/pod-7",
        "UserId": f"{role.unique_id}:pod-7",
    }


def test_without_accept_json_the_answer_stays_xml(user: User) -> None:
    url = presign(sts(**user.create_access_key().client_kwargs))
    response = requests.get(url, timeout=5)  # requests sends Accept: */*
    assert response.headers["Content-Type"] == "text/xml"
    assert response.text.startswith("<GetCallerIdentityResponse xmlns=")


def test_other_operations_answer_json_too(sts_backend: STSBackend, user: User) -> None:
    kwargs = user.create_access_key().client_kwargs
    response = replay(
        header_signed(kwargs, form="Action=GetSessionToken&Version=2011-06-15"), **JSON
    )
    document = response.json()["GetSessionTokenResponse"]
    credentials = document["GetSessionTokenResult"]["Credentials"]
    session = sts_backend.session(credentials["AccessKeyId"])
    assert session is not None and session.principal_arn == user.arn
    assert credentials["SessionToken"] == session.client_kwargs["aws_session_token"]
    assert credentials["Expiration"] == int(session.expiration.timestamp())
    assert document["ResponseMetadata"]["RequestId"] == response.headers["x-amzn-RequestId"]


def test_errors_answer_json_with_aws_code_message_and_status(
    sts_backend: STSBackend, user: User
) -> None:
    kwargs = user.create_access_key().client_kwargs
    role = "arn:aws:iam::123456789012:role/Missing"
    form = f"Action=AssumeRole&Version=2011-06-15&RoleArn={role}&RoleSessionName=sess"
    response = replay(header_signed(kwargs, form=form), **JSON)
    assert response.headers["Content-Type"] == "application/json"
    assert error_of(response) == (
        "AccessDenied",
        f"User: {user.arn} is not authorized to perform: sts:AssumeRole on resource: {role}",
        403,
    )
    assert [(c.operation, c.error_code) for c in sts_backend.calls] == [
        ("AssumeRole", "AccessDenied")
    ]
    unknown = replay(header_signed(kwargs, form="Action=Nope&Version=2011-06-15"), **JSON)
    assert error_of(unknown) == (
        "InvalidAction", "Could not find operation Nope for version 2011-06-15", 400
    )  # fmt: skip


def test_botocore_clients_get_json_when_they_ask_for_it(user: User) -> None:
    """As against AWS: botocore's query parser cannot read JSON, so the call fails."""
    client = boto3.client(
        "sts",
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}),
        **user.create_access_key().client_kwargs,
    )
    bodies: list[bytes] = []
    client.meta.events.register(
        "before-sign.sts",
        lambda request, **_: request.headers.__setitem__("Accept", JSON["Accept"]),
    )
    client.meta.events.register(
        "before-parse.sts", lambda response_dict, **_: bodies.append(response_dict["body"])
    )
    with pytest.raises(ResponseParserError):
        client.get_caller_identity()
    assert json.loads(bodies[0])["GetCallerIdentityResponse"]["GetCallerIdentityResult"] == {
        "Account": "123456789012", "Arn": user.arn, "UserId": user.unique_id,
    }  # fmt: skip


def test_json_through_the_http_server(sts_server: StsServer) -> None:
    """A verifier replaying a proof to the real endpoint, over loopback HTTP."""
    user = sts_server.backend.default_account.create_user("remote")
    client = sts(endpoint_url=sts_server.endpoint_url, **user.create_access_key().client_kwargs)
    url = presign(client, {"x-k8s-aws-id": "prod"})
    assert url.startswith(sts_server.endpoint_url)
    answer = requests.get(url, headers={**JSON, "x-k8s-aws-id": "prod"}, timeout=10)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["GetCallerIdentityResponse"]["GetCallerIdentityResult"]["Arn"] == user.arn
    refused = requests.get(url, headers=JSON, timeout=10)
    assert error_of(refused)[0::2] == ("SignatureDoesNotMatch", 403)


def test_an_internal_failure_answers_json_too(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: Any, params: Any) -> Any:
        raise RuntimeError("a bug of ours")

    monkeypatch.setitem(OPERATIONS, "GetCallerIdentity", broken)
    url = presign(sts(**user.create_access_key().client_kwargs))
    response = requests.get(url, headers=JSON, timeout=5)
    assert (response.status_code, response.headers["Content-Type"]) == (500, "application/json")
    error = response.json()["Error"]
    assert (error["Code"], error["Type"]) == ("InternalFailure", "Receiver")
    assert "pytest-stsmock hit an internal error" in error["Message"]


def test_an_accept_header_that_is_not_text_gets_xml(sts_backend: STSBackend) -> None:
    """Only a transport bug could send one; the pipeline still answers, in XML."""
    odd: Any = {"accept": b"application/json"}
    response = _pipeline.handle(sts_backend, HttpRequest("GET", GLOBAL + "?" + FORM, odd))
    assert (response.status, response.headers["Content-Type"]) == (403, "text/xml")


# --- 2. the presign window and the request-time window -------------------------------------------


@pytest.mark.parametrize("expires", [60, 3600])
def test_presigned_url_lives_15_minutes_whatever_x_amz_expires_says(
    travel: Travel, user: User, expires: int
) -> None:
    with travel(START):
        url = presign(sts(**user.create_access_key().client_kwargs), expires=expires)
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == [str(expires)]
    for later in (dt.timedelta(minutes=2), dt.timedelta(minutes=15)):
        with travel(START + later):
            assert requests.get(url, headers=JSON, timeout=5).status_code == 200
    now = START + dt.timedelta(minutes=15, seconds=1)
    with travel(now):
        response = requests.get(url, headers=JSON, timeout=5)
    assert error_of(response) == ("SignatureDoesNotMatch", signature_expired(START, now), 403)


def test_expired_proof_answers_xml_by_default(
    travel: Travel, user: User, sts_backend: STSBackend
) -> None:
    with travel(START):
        url = presign(sts(**user.create_access_key().client_kwargs))
    with travel(START + dt.timedelta(hours=2)):
        response = requests.get(url, timeout=5)
    assert response.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert [call.error_code for call in sts_backend.calls] == ["SignatureDoesNotMatch"]
    assert sts_backend.calls[-1].error_message == signature_expired(
        START, START + dt.timedelta(hours=2)
    )
    explanation = sts_backend.calls[-1].explanation
    assert explanation is not None and "signed at 20260701T120000Z" in explanation
    assert "X-Amz-Expires" in explanation


def test_header_signed_request_too_old_or_too_new_is_refused(
    travel: Travel, user: User, sts_backend: STSBackend
) -> None:
    kwargs = user.create_access_key().client_kwargs
    with travel(START):
        request = header_signed(kwargs)
    with travel(START + dt.timedelta(minutes=15)):
        assert replay(request, **JSON).status_code == 200
    late = START + dt.timedelta(minutes=16)
    with travel(late):
        assert error_of(replay(request, **JSON)) == (
            "SignatureDoesNotMatch", signature_expired(START, late), 403,
        )  # fmt: skip
    early = START - dt.timedelta(minutes=20)
    with travel(early):
        answer = replay(request, **JSON)
    assert error_of(answer) == (
        "SignatureDoesNotMatch",
        "Signature not yet current: 20260701T120000Z is still later than 20260701T115500Z "
        "(20260701T114000Z + 15 min.)",
        403,
    )
    explanation = sts_backend.calls[-1].explanation
    assert explanation is not None and "15 minutes after the backend's clock" in explanation


def test_clients_signing_on_the_moved_clock_are_accepted(travel: Travel, user: User) -> None:
    """The backend's clock is the test's clock: freezing time far away breaks nothing."""
    for moment in (dt.datetime(2001, 2, 3, tzinfo=dt.timezone.utc), START):
        with travel(moment):
            client = sts(**user.create_access_key().client_kwargs)
            assert client.get_caller_identity()["Arn"] == user.arn


def test_the_time_is_checked_before_the_key(travel: Travel) -> None:
    with travel(START):
        request = header_signed({"aws_access_key_id": "AKIAUNKNOWN0000000000", "aws_secret_access_key": "x"})  # fmt: skip
    with mock_sts(strict=True) as backend, travel(START + dt.timedelta(hours=1)):
        code, message, status = error_of(replay(request, **JSON))
        assert (code, status) == ("SignatureDoesNotMatch", 403)
        assert message.startswith("Signature expired: 20260701T120000Z is now earlier than")
        assert backend.sessions == []
    with mock_sts(strict=True), travel(START):
        assert error_of(replay(request, **JSON))[0] == "InvalidClientTokenId"


# --- 3. extra signed headers --------------------------------------------------------------------


def test_aws_iam_authenticator_cluster_id_header(user: User) -> None:
    client = sts(**user.create_access_key().client_kwargs)
    url = presign(client, {"x-k8s-aws-id": "prod-cluster"})
    signed = parse_qs(urlsplit(url).query)["X-Amz-SignedHeaders"][0].split(";")
    assert signed == ["host", "x-k8s-aws-id"]

    def get(**headers: str) -> requests.Response:
        return requests.get(url, headers={**JSON, **headers}, timeout=5)

    answer = get(**{"x-k8s-aws-id": "prod-cluster"})
    assert answer.json()["GetCallerIdentityResponse"]["GetCallerIdentityResult"]["Arn"] == user.arn
    # header names are case-insensitive and values trimmed (SigV4): still the same proof
    assert get(**{"X-K8S-AWS-ID": "prod-cluster  "}).status_code == 200
    for wrong in ({}, {"x-k8s-aws-id": "dev-cluster"}, {"x-k8s-aws-id": ""}):
        code, _, status = error_of(get(**wrong))
        assert (code, status) == ("SignatureDoesNotMatch", 403)


def test_vault_server_id_header(user: User, sts_backend: STSBackend) -> None:
    kwargs = user.create_access_key().client_kwargs
    request = header_signed(kwargs, {"X-Vault-AWS-IAM-Server-ID": "vault.example.com"})
    signed_headers = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "x-vault-aws-iam-server-id" in signed_headers.split(";")
    assert replay(request, **JSON).status_code == 200
    assert replay(request, **JSON, **{"X-Unsigned-Extra": "anything"}).status_code == 200
    for value in ("", "vault.attacker.example"):
        assert error_of(replay(request, **JSON, **{"X-Vault-AWS-IAM-Server-ID": value})) == (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.",
            403,
        )
    refused = [call for call in sts_backend.calls if call.error_code == "SignatureDoesNotMatch"]
    assert [call.operation for call in refused] == ["GetCallerIdentity"] * 2
