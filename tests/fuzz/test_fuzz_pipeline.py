"""Bad input gets a clear error and leaves the backend's state untouched; no exception escapes.

Property tests straight into ``_pipeline.handle`` and through real botocore
clients.  Every answer must be a 302 redirect without a body or XML that
botocore's query parser reads as a result or as an Error with Code and
Message.  A 500 ``InternalFailure`` means a Python exception inside the
pipeline: the test fails with that exception chained, so Hypothesis reports
each distinct internal bug separately.  A rejected request must leave the
backend exactly as it was, the call log (which grows by exactly one) aside.

The example counts come from the hypothesis profile (conftest.py):
``HYPOTHESIS_PROFILE=ci`` for CI's counts, ``=long`` for a longer local run.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

import botocore.session
import pytest
import time_machine
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from hypothesis import HealthCheck, event, example, given, note, reject, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from pytest_stsmock import _pipeline
from pytest_stsmock._http import HttpRequest, HttpResponse
from pytest_stsmock.errors import StsMockError
from pytest_stsmock.operations import OPERATIONS
from tests.fuzz.strategies import (
    ALLOW_STS,
    API_VERSION,
    DISABLED_REGION,
    OPERATION_NAMES,
    Creds,
    Live,
    RawRequest,
    World,
    api_params,
    aws_response,
    form_pairs,
    identity_policies,
    internal_errors,
    new_world,
    plain_encoding,
    policy_documents,
    raw_requests,
    sign,
    snapshot,
    to_http_request,
    to_wire_pairs,
    xml_output_shape,
)

FUZZ = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STATUSES = {200, 302, 400, 403, 404, 500, 501}
SIGNING_TIMES = [
    None,
    None,
    None,
    dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc),
    dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc),
    dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc),
]
SIGNERS = ["default", "alice", "root", "bob", "session", "federated"]


class InternalFailureFound(AssertionError):
    """The pipeline answered 500 InternalFailure: an exception escaped our own code."""


@functools.cache
def _internal_failure(cause: str) -> type[InternalFailureFound]:
    """One subclass per cause type, so Hypothesis keeps distinct bugs apart."""
    return type(f"InternalFailureFound_{cause}", (InternalFailureFound,), {})


def _short(request: HttpRequest) -> str:
    body = request.body if len(request.body) < 600 else request.body[:600] + b"...(cut)"
    url = request.url if len(request.url) < 600 else request.url[:600] + "...(cut)"
    return f"HttpRequest({request.method!r}, {url!r}, {dict(request.headers)!r}, {body!r})"


def exchange(world: World, request: HttpRequest) -> tuple[HttpResponse, dict[str, Any] | None]:
    """Send ``request``; check the answer and, when it is an error, the untouched state.

    Returns the response and what botocore's parser made of it (None for a 302).
    """
    if currently_in_test_context():
        note(_short(request))
    backend = world.backend
    before = snapshot(backend)
    calls_before = len(backend.calls)
    with internal_errors() as errors:
        response = _pipeline.handle(backend, request)
    assert isinstance(response, HttpResponse)
    assert isinstance(response.status, int) and response.status in STATUSES, response.status
    if response.status == 500 or errors:
        cause = errors[0] if errors else None
        failure = _internal_failure(type(cause).__name__) if cause else InternalFailureFound
        raise failure(f"500 InternalFailure for {_short(request)}: {cause!r}") from cause
    assert len(backend.calls) == calls_before + 1, "every request is logged exactly once"
    call = backend.calls[-1]
    if currently_in_test_context():
        event(f"{response.status} {call.operation[:30]!r} {call.error_code}")
    parsed = None
    if response.status == 302:
        assert response.body == b""
        assert response.headers["Location"].startswith("https://")
        assert call.error_code == "MissingAction"
    else:
        parsed = _parse(response, call.operation)
        if response.status == 200:
            assert call.operation in OPERATIONS, call.operation
            assert "Error" not in parsed
            assert call.error_code is None
        else:
            error = parsed["Error"]
            assert isinstance(error.get("Code"), str) and error["Code"], parsed
            assert isinstance(error.get("Message"), str) and error["Message"], parsed
            assert call.error_code == error["Code"]
    if response.status != 200:
        assert snapshot(backend) == before, "a rejected request changed the backend"
    return response, parsed


def _parse(response: HttpResponse, operation: str) -> dict[str, Any]:
    ET.fromstring(response.body)  # well-formed XML
    headers = response.headers
    assert headers["Content-Type"] == "text/xml"
    assert headers["Content-Length"] == str(len(response.body))
    shape = xml_output_shape(operation) if response.status == 200 else None
    parsed: dict[str, Any] = create_parser("query").parse(
        {"status_code": response.status, "headers": headers, "body": response.body}, shape
    )
    assert parsed["ResponseMetadata"]["RequestId"] == headers["x-amzn-RequestId"]
    return parsed


# --- 1. random HTTP requests, raw ----------------------------------------------------------


@FUZZ
@example(  # found by this test: a control character echoed into the error XML
    raw=RawRequest(
        method="POST",
        host="https://sts.amazonaws.com",
        path="/",
        query_pairs=(),
        query_encoding=plain_encoding,
        headers={},
        body=[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", API_VERSION),
            ("RoleArn", "arn:aws:iam::123456789012:role/deployer"),
            ("RoleSessionName", "\x01"),
            ("WebIdentityToken", "a.b.c"),
        ],
        body_encoding=plain_encoding,
    ),
    strict=False,
)
@given(raw=raw_requests(), strict=st.booleans())
def test_random_requests_get_a_clear_answer(raw: Any, strict: bool) -> None:
    world = new_world(strict=strict)
    exchange(world, raw.build(world))


@FUZZ
@example(  # found by this test: an unbalanced '[' in the URL's host
    method="POST", url="http://[bad/", body=b"Action=GetCallerIdentity", authorization=None
)
@given(
    method=st.sampled_from(["POST", "GET", "PUT", ""]),
    url=st.one_of(st.just("https://sts.amazonaws.com/"), st.text(max_size=40)),
    body=st.tuples(
        st.sampled_from([b"", b"Action=GetCallerIdentity&Version=2011-06-15&", b"Action="]),
        st.binary(max_size=300),
    ).map(b"".join),
    authorization=st.one_of(st.none(), st.text(max_size=60)),
)
def test_random_bytes_get_a_clear_answer(
    method: str, url: str, body: bytes, authorization: str | None
) -> None:
    world = new_world()
    headers = {} if authorization is None else {"authorization": authorization}
    exchange(world, HttpRequest(method, url, headers, body))


# --- 1b. random forms, correctly signed, so they reach the operations -----------------------------


def _found(pairs: list[tuple[str, Any]], **overrides: Any) -> example:
    """An explicit example: a bug this test found, pinned so it is always tried."""
    values: dict[str, Any] = {
        "pairs": [("Action", "GetFederationToken"), ("Version", API_VERSION), *pairs],
        "who": "default",
        "presign": False,
        "method": "POST",
        "place": ("https://sts.amazonaws.com/", "us-east-1"),
        "strict": False,
        "expires": 3600,
        "at": None,
    }
    return example(**{**values, **overrides})


@FUZZ
@_found([("Name", "bob"), ("PolicyArns.member.1.Arn", "x")])  # element without its arn
@_found([("Name", "\x1f")])  # a control character echoed into the error XML
@_found([("Name", "bob")], presign=True, expires=10**12)  # X-Amz-Expires past year 9999
@given(
    pairs=form_pairs(real_actions=True),
    who=st.sampled_from(SIGNERS),
    presign=st.booleans(),
    method=st.sampled_from(["POST", "GET"]),
    place=st.sampled_from(
        [
            ("https://sts.amazonaws.com/", "us-east-1"),
            ("https://sts.eu-west-1.amazonaws.com/", "eu-west-1"),
            (f"https://sts.{DISABLED_REGION}.amazonaws.com/", DISABLED_REGION),
            ("http://127.0.0.1:4566/", "us-west-2"),
        ]
    ),
    strict=st.booleans(),
    expires=st.sampled_from([3600, 3600, 0, 604800, 604801, 10**12, 10**40]),
    at=st.sampled_from(SIGNING_TIMES),
)
def test_signed_random_forms_get_a_clear_answer(
    pairs: list[tuple[str, Any]],
    who: str,
    presign: bool,
    method: str,
    place: tuple[str, str],
    strict: bool,
    expires: int,
    at: dt.datetime | None,
) -> None:
    world = new_world(strict=strict)
    form = "&".join(f"{_q(str(k))}={_q(str(world.resolve(v)))}" for k, v in pairs).encode(
        "utf-8", "surrogatepass"
    )
    url, region = place
    request = sign(
        world.creds[who],
        form,
        url=url,
        region=region,
        presign=presign,
        method=method,
        expires=expires,
        at=at,
    )
    exchange(world, request)


def _q(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


@pytest.mark.parametrize(
    ("url", "region", "service"),
    [
        pytest.param("https://sts.us-east-1.amazonaws.com/", "eu-west-1", "sts", id="region"),
        pytest.param("https://sts.amazonaws.com/", "eu-west-1", "sts", id="global-region"),
        pytest.param("https://sts.amazonaws.com/", "us-east-1", "iam", id="service"),
    ],
)
def test_a_signature_scoped_elsewhere_is_rejected(url: str, region: str, service: str) -> None:
    """Found while fuzzing: a correct signature for another region or service is accepted."""
    world = new_world()
    form = {"Action": "GetCallerIdentity", "Version": API_VERSION}
    request = sign(world.creds["default"], form, url=url, region=region, service=service)
    response, parsed = exchange(world, request)
    assert response.status == 403 and parsed is not None, response.body
    assert parsed["Error"]["Code"] == "SignatureDoesNotMatch"
    assert parsed["Error"]["Message"].startswith("Credential should be scoped")


# --- 2. every operation through a real botocore client ----------------------------------------------


class _Route:
    world: World | None = None


@functools.lru_cache(maxsize=64)
def _client(key: str, secret: str, token: str | None, region: str, endpoint: str | None) -> Any:
    client = botocore.session.get_session().create_client(
        "sts",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )

    def before_send(request: Any, **kwargs: Any) -> Any:
        assert _Route.world is not None
        response, _ = exchange(_Route.world, to_http_request(request))
        return aws_response(request.url, response)

    client.meta.events.register_first("before-send.sts", before_send)
    return client


@FUZZ
@example(  # found by this test: a control character echoed into the error XML
    call=("GetFederationToken", {"Name": "\x1f"}),
    who="default",
    place=("us-east-1", None),
    strict=False,
)
@given(
    call=st.sampled_from(OPERATION_NAMES).flatmap(
        lambda operation: st.tuples(st.just(operation), api_params(operation))
    ),
    who=st.sampled_from(SIGNERS),
    place=st.sampled_from(
        [
            ("us-east-1", None),
            ("eu-west-1", None),
            (DISABLED_REGION, None),
            ("us-east-1", "https://sts.amazonaws.com"),
        ]
    ),
    strict=st.booleans(),
)
def test_every_operation_through_botocore_succeeds_or_raises_client_error(
    call: tuple[str, dict[str, Any]], who: str, place: tuple[str, str | None], strict: bool
) -> None:
    world = new_world(strict=strict)
    operation, params = call
    params = world.resolve(params)
    creds: Creds = world.creds[who]
    client = _client(creds.access_key_id, creds.secret_access_key, creds.session_token, *place)
    method = getattr(client, xform_name(operation))
    _Route.world = world
    try:
        method(**params)
    except ClientError as error:
        response = error.response
        assert response["ResponseMetadata"]["HTTPStatusCode"] != 500
        assert response["Error"]["Code"] not in ("", "InternalFailure")
        assert response["Error"]["Message"]
    finally:
        _Route.world = None


# --- 3. MFA codes survive rejected requests ---------------------------------------------------------

SPOILERS = [
    "bad-duration",
    "session-credentials",
    "disabled-region",
    "other-owner",
    "bad-signature",
    "missing-code",
    "strict-unknown-key",
    "wrong-version",
]
OWNERS = {"default": "default_mfa", "alice": "alice_mfa", "root": "root_mfa"}


@FUZZ
@given(
    owner=st.sampled_from(sorted(OWNERS)),
    spoiler=st.sampled_from(SPOILERS),
    previous_window=st.booleans(),
    second=st.integers(0, 59),
)
def test_rejected_request_does_not_burn_a_valid_mfa_code(
    owner: str, spoiler: str, previous_window: bool, second: int
) -> None:
    frozen = dt.datetime(2026, 1, 1, 12, 0, second, tzinfo=dt.timezone.utc)
    with time_machine.travel(frozen, tick=False):  # no 30 s window boundary mid-test
        _spoil_then_use_mfa_code(owner, spoiler, previous_window)


def _spoil_then_use_mfa_code(owner: str, spoiler: str, previous_window: bool) -> None:
    world = new_world(strict=spoiler == "strict-unknown-key")
    serial = world.resolve(Live(OWNERS[owner]))
    device = world.device(serial)
    when = world.backend.now() - dt.timedelta(seconds=30 if previous_window else 0)
    code = str(device.code(when))
    form = {
        "Action": "GetSessionToken",
        "Version": API_VERSION,
        "SerialNumber": serial,
        "TokenCode": code,
    }
    creds = world.creds[owner]
    url, region = "https://sts.amazonaws.com/", "us-east-1"
    if spoiler == "bad-duration":
        form["DurationSeconds"] = "899"
    elif spoiler == "session-credentials":
        creds = world.creds["session"]
    elif spoiler == "disabled-region":
        url, region = f"https://sts.{DISABLED_REGION}.amazonaws.com/", DISABLED_REGION
    elif spoiler == "other-owner":
        creds = world.creds["bob" if owner != "default" else "alice"]
    elif spoiler == "bad-signature":
        creds = Creds(creds.access_key_id, "not-the-secret", creds.session_token)
    elif spoiler == "missing-code":
        del form["TokenCode"]
    elif spoiler == "strict-unknown-key":
        creds = Creds("AKIAIOSFODNN7EXAMPLE", "secret")
    elif spoiler == "wrong-version":
        form["Version"] = "2010-05-08"
    steps = set(device._used_steps)
    response, _ = exchange(world, sign(creds, form, url=url, region=region))
    assert response.status in (400, 403), (spoiler, response.body)
    assert device._used_steps == steps
    # The code was not used up: its owner can still use it, once.
    form.update(TokenCode=code)
    form.pop("DurationSeconds", None)
    form["Version"] = API_VERSION
    ok, _ = exchange(world, sign(world.creds[owner], form))
    assert ok.status == 200, ok.body
    again, parsed = exchange(world, sign(world.creds[owner], form))
    assert again.status == 403 and parsed is not None
    assert parsed["Error"]["Code"] == "AccessDenied"


# --- 4. random identity and session policies through authorization ------------------------------


@FUZZ
@example(  # found by this test: a control character echoed into the error XML
    identity=ALLOW_STS, session=None, params={"Name": "\x1f"}, region="us-east-1"
)
@given(
    identity=identity_policies,
    session=st.one_of(st.none(), policy_documents),
    params=api_params("GetFederationToken"),
    region=st.sampled_from(["us-east-1", "eu-west-1"]),
)
def test_random_policies_never_break_authorization(
    identity: Any, session: Any, params: dict[str, Any], region: str
) -> None:
    """Seed a user with a random (but accepted) identity policy; it calls GetFederationToken."""
    world = new_world()
    try:
        carol = world.backend.default_account.create_user(
            "carol", tags={"team": "blue"}, policies=[identity]
        )
    except StsMockError:
        reject()
    creds = carol.create_access_key()
    form = {"Action": "GetFederationToken", "Version": API_VERSION}
    for key, value in to_wire_pairs("GetFederationToken", world.resolve(params)):
        form[key] = str(value)
    if session is not None:
        form["Policy"] = json.dumps(session)
    request = sign(
        Creds(creds.access_key_id, creds.secret_access_key),
        form,
        url=f"https://sts.{region}.amazonaws.com/",
        region=region,
    )
    exchange(world, request)
