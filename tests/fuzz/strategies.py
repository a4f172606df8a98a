"""Hypothesis strategies and helpers for fuzzing the request pipeline.

Everything here is built from botocore's STS model, so a new member or
operation in a newer botocore is fuzzed without touching this file.

* :class:`World` is a small, seeded backend with users, keys, MFA devices, a
  role, managed policies, a disabled region and issued sessions.  Values that
  only exist in a world (key ids, MFA serials and codes, ARNs) are drawn as
  :class:`Live` placeholders and resolved against the world at request time.
* ``raw_requests`` draws whole HTTP requests (method, URL, headers, body) from
  wire-level pieces: query forms keyed by the model's wire names with wrong
  types and boundary lengths, broken percent-encoding, random bytes,
  signature headers and presigned ``X-Amz-*`` parameters.
* ``api_params`` draws boto3-level parameters from an input shape for a real
  client with parameter validation off.
* :func:`snapshot` captures the backend state a rejected request must leave alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import botocore.session
import time_machine
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import strategies as st

from pytest_stsmock import _pipeline
from pytest_stsmock._http import HttpRequest, HttpResponse
from pytest_stsmock.backend import STSBackend
from tests.helpers.policies import ADMIN, allow, trust

SERVICE = botocore.session.get_session().get_service_model("sts")
OPERATION_NAMES: tuple[str, ...] = tuple(SERVICE.operation_names)
API_VERSION: str = SERVICE.metadata["apiVersion"]
OTHER_ACCOUNT = "444455556666"
DISABLED_REGION = "ap-east-1"
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

ALLOW_ALL = ADMIN
ALLOW_STS = allow("sts:*")
TRUST_ACCOUNT = trust(
    {"AWS": "arn:aws:iam::123456789012:root"}, actions=["sts:AssumeRole", "sts:TagSession"]
)


# --- live values -------------------------------------------------------------


@dataclass(frozen=True)
class Live:
    """A value that only exists in a :class:`World`; resolved by :meth:`World.resolve`."""

    name: str

    def __str__(self) -> str:  # seen only if a placeholder leaks: make that obvious
        return f"<live {self.name}>"


@dataclass
class Creds:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass
class World:
    """A seeded backend with everything requests can refer to."""

    backend: STSBackend
    creds: dict[str, Creds] = field(default_factory=dict)
    live: dict[str, Callable[[], str]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Live):
            return self.live[value.name]()
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.resolve(v) for v in value)
        if isinstance(value, dict):
            return {self.resolve(k): self.resolve(v) for k, v in value.items()}
        return value

    def device(self, serial: str) -> Any:
        device = self.backend.mfa_device(serial)
        assert device is not None
        return device


def _code(world: World, serial: str, seconds_ago: int = 0) -> Callable[[], str]:
    def code() -> str:
        now = world.backend.now() - dt.timedelta(seconds=seconds_ago)
        return str(world.device(serial).code(now))

    return code


def new_world(*, strict: bool = False) -> World:
    """A fresh, seeded backend (identical identifiers every time) with state to refer to."""
    backend = STSBackend(seed=0, strict=strict)
    world = World(backend)
    account = backend.default_account
    default_mfa = backend.default_user.add_mfa_device()
    alice = account.create_user("alice", policies=[ALLOW_STS], tags={"team": "blue"})
    alice_key = alice.create_access_key()
    alice_mfa = alice.add_mfa_device()
    root_key = account.root.create_access_key()
    root_mfa = account.root.add_mfa_device()
    role = account.create_role("deployer", trust_policy=TRUST_ACCOUNT, policies=[ALLOW_ALL])
    policy = account.create_policy("read-only", ALLOW_STS)
    other = backend.account(OTHER_ACCOUNT)
    bob = other.create_user("bob", policies=[ALLOW_ALL])
    bob_key = bob.create_access_key()
    other_policy = other.create_policy("other", ALLOW_STS)
    account.disable_region(DISABLED_REGION)
    default = backend.default_access_key
    world.creds = {
        "default": Creds(default.access_key_id, default.secret_access_key),
        "alice": Creds(alice_key.access_key_id, alice_key.secret_access_key),
        "root": Creds(root_key.access_key_id, root_key.secret_access_key),
        "bob": Creds(bob_key.access_key_id, bob_key.secret_access_key),
    }
    world.creds["session"] = _issue(world, "default", "GetSessionToken", {})
    world.creds["federated"] = _issue(
        world, "alice", "GetFederationToken", {"Name": "fed", "Policy": json.dumps(ALLOW_STS)}
    )
    world.live = {
        "default_mfa": lambda: default_mfa.serial_number,
        "alice_mfa": lambda: alice_mfa.serial_number,
        "root_mfa": lambda: root_mfa.serial_number,
        "default_code": _code(world, default_mfa.serial_number),
        "default_code_prev": _code(world, default_mfa.serial_number, 30),
        "alice_code": _code(world, alice_mfa.serial_number),
        "root_code": _code(world, root_mfa.serial_number),
        "role_arn": lambda: role.arn,
        "policy_arn": lambda: policy.arn,
        "other_policy_arn": lambda: other_policy.arn,
        "default_user_arn": lambda: backend.default_user.arn,
        **{f"{name}_key": _field(world, name, "access_key_id") for name in world.creds},
        **{f"{name}_secret": _field(world, name, "secret_access_key") for name in world.creds},
        "session_token": _field(world, "session", "session_token"),
        "federated_token": _field(world, "federated", "session_token"),
    }
    return world


def _field(world: World, name: str, attr: str) -> Callable[[], str]:
    return lambda: str(getattr(world.creds[name], attr))


def _issue(world: World, who: str, action: str, params: Mapping[str, str]) -> Creds:
    form = {"Action": action, "Version": API_VERSION, **params}
    response = _pipeline.handle(world.backend, sign(world.creds[who], form))
    assert response.status == 200, response.body
    session = world.backend.sessions[-1]
    return Creds(session.access_key_id, session.secret_access_key, session.session_token)


# --- signing and plumbing ------------------------------------------------------


def to_http_request(prepared: Any) -> HttpRequest:
    """A botocore AWSPreparedRequest as the pipeline's HttpRequest (as the botocore transport does)."""
    body = prepared.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    headers = {
        str(k).lower(): v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        for k, v in prepared.headers.items()
    }
    return HttpRequest(prepared.method, prepared.url, headers, body)


def sign(
    creds: Creds,
    form: Mapping[str, str] | bytes,
    *,
    url: str = "https://sts.amazonaws.com/",
    region: str = "us-east-1",
    presign: bool = False,
    method: str = "POST",
    expires: int = 3600,
    at: dt.datetime | None = None,
    service: str = "sts",
) -> HttpRequest:
    """A request carrying ``form`` with a correct SigV4 signature (header or presigned).

    ``expires`` is the presigned X-Amz-Expires; ``at`` signs as if the clock said so.
    """
    if at is not None:
        with time_machine.travel(at, tick=False):
            return sign(creds, form, url=url, region=region, presign=presign, method=method,
                        expires=expires, service=service)  # fmt: skip
    botocreds = Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token)
    data = form if isinstance(form, bytes) else urlencode(form).encode()
    if method == "GET" or presign:  # a presigned request carries its form in the URL
        sep = "&" if "?" in url else "?"
        request = AWSRequest(method, url + sep + data.decode("utf-8", "replace"))
    else:
        request = AWSRequest(method, url, data=data, headers={"Content-Type": FORM_TYPE})
    auth = (
        SigV4QueryAuth(botocreds, service, region, expires=expires)
        if presign
        else SigV4Auth(botocreds, service, region)
    )
    auth.add_auth(request)
    return to_http_request(request.prepare())


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def aws_response(url: str, response: HttpResponse) -> Any:
    from botocore.awsrequest import AWSResponse

    return AWSResponse(url, response.status, response.headers, _Raw(response.body))


class _CaptureInternal(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


@contextmanager
def internal_errors() -> Iterator[list[BaseException]]:
    """The exceptions the pipeline logs (and answers with 500 InternalFailure) meanwhile."""
    handler = _CaptureInternal()
    logger = logging.getLogger("pytest_stsmock")
    logger.addHandler(handler)
    try:
        yield handler.errors
    finally:
        logger.removeHandler(handler)


# --- state snapshots -------------------------------------------------------------


def _principal_state(p: Any) -> tuple[Any, ...]:
    return (
        p.arn,
        p.unique_id,
        tuple(sorted(p.tags.items())),
        len(p.policies),
        tuple((k.access_key_id, k.secret_access_key, k.active) for k in p.access_keys),
        tuple((d.serial_number, tuple(sorted(d._used_steps))) for d in p.mfa_devices),
    )


def snapshot(backend: STSBackend) -> dict[str, Any]:
    """Everything a rejected request must leave as it was (the call log excepted)."""
    accounts = {}
    for account_id, account in backend.accounts.items():
        accounts[account_id] = {
            "root": _principal_state(account.root),
            "users": {name: _principal_state(u) for name, u in account.users.items()},
            "roles": {
                name: (
                    r.arn,
                    r.unique_id,
                    json.dumps(r.trust_policy, sort_keys=True),
                    r.max_session_duration,
                    tuple(sorted(r.tags.items())),
                    len(r.policies),
                )
                for name, r in account.roles.items()
            },
            "policies": sorted(account.managed_policies),
            "disabled_regions": sorted(account.disabled_regions),
        }
    return {
        "accounts": accounts,
        "access_keys": sorted(backend._access_keys),
        "sessions": [(s.access_key_id, s.expiration) for s in backend.sessions],
        "sessions_by_key": sorted(backend._sessions_by_key),
        "mfa_devices": {
            serial: tuple(sorted(d._used_steps)) for serial, d in backend._mfa_devices.items()
        },
        "default_user": backend.default_user.arn,
        "default_key": backend.default_access_key.access_key_id,
        "strict": backend.strict,
        "region": backend.region,
    }


# --- scalar values ------------------------------------------------------------------

_FILL = ["a", "Z", "0", "_", "=", " ", "é", "\x00", "%", "&", "\u2028", "😀", "<", "]]>"]

_INT_JUNK = [
    "", " ", "abc", "1.5", "1e3", "+900", "0900", "-0", " 900", "900 ", "0x10", "９００",
    "9" * 30, "NaN", "true", "[]", "\x00", "1_000",
]  # fmt: skip

POLICIES = [
    json.dumps(ALLOW_ALL),
    json.dumps(ALLOW_STS),
    "{}",
    "[]",
    "null",
    "{",
    '"x"',
    json.dumps({"Version": "2012-10-17", "Statement": []}),
    json.dumps({"Version": "2008-10-17", "Statement": {"Effect": "Deny", "Action": "*"}}),
    json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": 1}]}),
    json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                               "Condition": {"StringLike": {"aws:PrincipalTag/x": ["*"] * 40}}}]}),
    json.dumps({"Statement": [{"Effect": "Allow", "NotAction": "x", "Resource": ["a"] * 300}]}),
    json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                                        "Resource": "*", "Principal": "*"}]}),
    '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}',
    "[" * 1500 + "]" * 1500,
    '{"a":' * 500 + "1" + "}" * 500,
    json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                               "Condition": {"Bogus": {"k": "v"}}}]}),
    '{"Statement": NaN}',
    '{"Statement": 1e999}',
]  # fmt: skip

# Values that mean something for a member of this name.
_MEANINGFUL: dict[str, list[Any]] = {
    "RoleArn": [
        Live("role_arn"), "arn:aws:iam::123456789012:role/missing", "arn:aws:iam::::role/",
        "arn:aws:iam::444455556666:role/deployer", "arn:aws:iam:123456789012:role/x",
        "arn:aws:sts::123456789012:assumed-role/deployer/s",
    ],
    "PrincipalArn": ["arn:aws:iam::123456789012:saml-provider/x", "arn:aws:iam::1:x"],
    "RoleSessionName": ["session", "a", "x" * 64, "a b"],
    "SerialNumber": [
        Live("default_mfa"), Live("alice_mfa"), Live("root_mfa"),
        "arn:aws:iam::123456789012:mfa/nobody", "GAHT12345678",
    ],
    "TokenCode": [
        Live("default_code"), Live("default_code_prev"), Live("alice_code"), Live("root_code"),
        "000000", "12345", "1234567", "abcdef", "",
    ],
    "AccessKeyId": [
        Live("default_key"), Live("alice_key"), Live("session_key"), Live("bob_key"),
        Live("federated_key"), "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "AKIA" + "A" * 16,
        "AKIA" + "9" * 16, "AKIA" + "=" * 16, "A" * 16, "A" * 129,
    ],
    "arn": [
        Live("policy_arn"), Live("other_policy_arn"),
        "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/missing",
        "arn:aws:iam::123456789012:policy/read-only/", "not-an-arn-at-all-but-long",
    ],
    "Policy": POLICIES,
    "Name": ["bob", "b", "x" * 32, "x" * 33, "fed@example.com"],
    "TargetPrincipal": ["123456789012", OTHER_ACCOUNT, Live("default_user_arn"), "000000000000"],
    "SigningAlgorithm": ["RS256", "ES384", "HS256", "none!"],
    "Key": ["team", "Team", "aws:x", "AWS:y", "k" * 128, "k" * 129, ""],
    "Value": ["blue", "", "v" * 256, "v" * 257, "a\x00b"],
    "SAMLAssertion": ["PHNhbWw+", "!!!!", "x" * 4],
    "WebIdentityToken": ["a.b.c", "eyJhbGciOiJub25lIn0.e30.", "xxxx"],
    "EncodedMessage": ["x", "AAAA", "not base64!"],
    "TradeInToken": ["", "x", "token"],
    "ExternalId": ["ext", "x" * 1224, "x" * 1225],
    "SourceIdentity": ["me", "m"],
    "ProviderId": ["www.amazon.com", "graph.facebook.com"],
}  # fmt: skip


# Valid values for every string member of the STS model (a new member falls back to
# a plain string of its minimum length).
_VALID: dict[str, list[Any]] = {
    "RoleArn": [Live("role_arn"), "arn:aws:iam::123456789012:role/missing"],
    "PrincipalArn": ["arn:aws:iam::123456789012:saml-provider/idp"],
    "RoleSessionName": ["session", "ci@example.com"],
    "SerialNumber": [Live("default_mfa"), Live("alice_mfa"), Live("root_mfa")],
    "TokenCode": [Live("default_code"), Live("default_code_prev"), Live("alice_code"),
                  Live("root_code"), "123456"],
    "AccessKeyId": [Live("default_key"), Live("alice_key"), Live("session_key"),
                    Live("bob_key"), "AKIAIOSFODNN7EXAMPLE"],
    "arn": [Live("policy_arn"), Live("other_policy_arn"), "arn:aws:iam::aws:policy/ReadOnlyAccess"],
    "ProviderArn": ["arn:aws:iam::aws:contextProvider/IdentityCenter"],
    "ContextAssertion": ["abcd"],
    "Policy": [json.dumps(ALLOW_ALL), json.dumps(ALLOW_STS)],
    "Name": ["bob", "fed-user"],
    "TargetPrincipal": ["123456789012", OTHER_ACCOUNT],
    "SigningAlgorithm": ["RS256", "ES384"],
    "Key": ["team", "env", "Project"],
    "Value": ["blue", "", "prod"],
    "SAMLAssertion": ["PHNhbWw+PC9zYW1sPg=="],
    "WebIdentityToken": ["eyJhbGciOiJSUzI1NiJ9.e30.c2ln"],
    "ProviderId": ["www.amazon.com"],
    "EncodedMessage": ["AAAA"],
    "TradeInToken": ["token"],
    "ExternalId": ["ext-123"],
    "SourceIdentity": ["me"],
    "Audience": ["https://example.com"],
}  # fmt: skip


@st.composite
def valid_value(draw: st.DrawFn, member: Any, name: str) -> Any:
    """A boto3-level value that satisfies the member's constraints (as far as we know them)."""
    kind = member.type_name
    meta = member.metadata
    if kind == "structure":
        required = set(member.required_members)
        return {
            sub_name: draw(valid_value(sub, sub_name))
            for sub_name, sub in member.members.items()
            if sub_name in required or draw(st.booleans())
        }
    if kind == "list":
        low = meta.get("min", 0)
        high = min(meta.get("max", 3), low + 3)
        count = draw(st.integers(low, high))
        element = member.member
        values = [draw(valid_value(element, name)) for _ in range(count)]
        if element.type_name == "structure" and "Key" in element.members:  # tags: unique keys
            values = list({str(v["Key"]).lower(): v for v in values}.values())
        return values
    if kind in ("integer", "long"):
        return draw(st.integers(meta.get("min", 0), meta.get("max", 2**31 - 1)))
    choices = _VALID.get(name)
    if choices:
        return draw(st.sampled_from(choices))
    return "x" * max(meta.get("min", 1), 1)


def to_wire(member: Any, value: Any, prefix: str) -> list[tuple[str, Any]]:
    """The query-form pairs botocore's serializer would send for ``value``."""
    kind = member.type_name
    if kind == "structure":
        pairs: list[tuple[str, Any]] = []
        for sub_name, sub_value in value.items():
            sub = member.members[sub_name]
            pairs += to_wire(sub, sub_value, f"{prefix}.{_wire(sub, sub_name)}")
        return pairs
    if kind == "list":
        if not value:
            return [(prefix, "")]
        element_name = member.member.serialization.get("name", "member")
        pairs = []
        for index, item in enumerate(value, 1):
            pairs += to_wire(member.member, item, f"{prefix}.{element_name}.{index}")
        return pairs
    return [(prefix, value if isinstance(value, (str, Live)) else str(value))]


def to_wire_pairs(operation: str, params: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Boto3-level ``params`` of ``operation`` as query-form pairs."""
    shape = SERVICE.operation_model(operation).input_shape
    pairs: list[tuple[str, Any]] = []
    for name, value in params.items():
        member = shape.members[name]
        pairs += to_wire(member, value, _wire(member, name))
    return pairs


def _lengths(meta: Mapping[str, Any]) -> list[int]:
    low, high = meta.get("min"), meta.get("max")
    lengths = {0, 1, 2, 40}
    for bound in (low, high):
        if bound is not None:
            lengths.update((bound - 1, bound, bound + 1))
    if high is None:
        lengths.update((2049, 70000))
    return sorted(n for n in lengths if 0 <= n <= 200_001)


def string_values(shape: Any, name: str) -> st.SearchStrategy[Any]:
    """Strings for a string member: meaningful ones, boundary lengths, unicode and junk."""
    boundary = st.builds(
        lambda n, c: (c * n)[:n],
        st.sampled_from(_lengths(shape.metadata)),
        st.sampled_from(_FILL),
    )
    options: list[st.SearchStrategy[Any]] = [boundary, st.text(max_size=30)]
    meaningful = _MEANINGFUL.get(name)
    if meaningful:
        options.insert(0, st.sampled_from(meaningful))
    if name == "Policy":
        options.insert(0, st.deferred(lambda: policy_documents).map(json.dumps))
    return st.one_of(options)


def integer_texts(shape: Any) -> st.SearchStrategy[str]:
    """Wire texts for an integer member: boundaries, Java int limits, junk."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    numbers = {0, -1, 1, 3600, 43200, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63}
    for bound in (low, high):
        if bound is not None:
            numbers.update((bound - 1, bound, bound + 1))
    return st.one_of(
        st.sampled_from(sorted(numbers)).map(str),
        st.sampled_from(_INT_JUNK),
        st.integers().map(str),
        st.text(max_size=8),
    )


# --- wire-level forms --------------------------------------------------------------

_INDEXES = ["0", "-1", "01", "x", "", "1.", "999999999", "10000000000", "١", "2 "]


@st.composite
def _list_indexes(draw: st.DrawFn, max_items: int) -> list[str]:
    count = draw(st.sampled_from([0, 1, 2, 3, max_items, max_items + 1]))
    indexes = [str(i) for i in range(1, count + 1)]
    if indexes and draw(st.integers(0, 4)) == 0:
        indexes[draw(st.integers(0, len(indexes) - 1))] = draw(st.sampled_from(_INDEXES))
    return indexes


def _wire(member: Any, name: str) -> str:
    return str(member.serialization.get("name", name))


@st.composite
def member_pairs(draw: st.DrawFn, member: Any, name: str, prefix: str) -> list[tuple[str, Any]]:
    """Wire (key, value) pairs for one member: often valid, else wrong in many ways."""
    if draw(st.integers(0, 9)) < 5:
        return to_wire(member, draw(valid_value(member, name)), prefix)
    kind = member.type_name
    if kind == "string":
        return [(prefix, draw(string_values(member, name)))]
    if kind in ("integer", "long"):
        return [(prefix, draw(integer_texts(member)))]
    if kind == "structure":
        pairs: list[tuple[str, Any]] = []
        for sub_name, sub in member.members.items():
            if draw(st.integers(0, 2)) > 0:
                pairs += draw(member_pairs(sub, sub_name, f"{prefix}.{_wire(sub, sub_name)}"))
        if draw(st.integers(0, 3)) == 0:  # a member the model does not have
            pairs.append((f"{prefix}.{draw(st.sampled_from(['Foo', 'ARN', 'key', '']))}", "x"))
        return pairs
    if kind == "list":
        style = draw(st.integers(0, 9))
        if style == 0:
            return [(prefix, "")]  # the empty list
        if style == 1:
            return [(prefix, draw(st.text(max_size=10)))]  # a scalar where a list goes
        element = member.member
        element_name = element.serialization.get("name", "member")
        max_items = member.metadata.get("max") or 3
        pairs = []
        for index in draw(_list_indexes(max_items)):
            pairs += draw(member_pairs(element, name, f"{prefix}.{element_name}.{index}"))
        return pairs
    return [(prefix, draw(st.text(max_size=10)))]


def _action_names() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(OPERATION_NAMES),
        st.sampled_from(["", "getcalleridentity", "GetCallerIdentity ", "CreateUser", "Action"]),
        st.text(max_size=20),
    )


@st.composite
def form_pairs(draw: st.DrawFn, *, real_actions: bool = False) -> list[tuple[str, Any]]:
    """A query form as ordered (key, value) pairs: Action, Version, members, junk.

    ``real_actions``: nearly always a real operation of the right version, so the
    request gets past the action check to the parameters and the operation.
    """
    real = real_actions and draw(st.integers(0, 19)) > 0
    action = draw(st.sampled_from(OPERATION_NAMES) if real else _action_names())
    pairs: list[tuple[str, Any]] = []
    if real or draw(st.integers(0, 19)) > 0:
        pairs.append(("Action", action))
    if real or draw(st.integers(0, 9)) > 0:
        version = draw(st.sampled_from([API_VERSION] * 8 + ["", "2010-05-08"]))
        pairs.append(("Version", API_VERSION if real else version))
    model_name = action if action in OPERATION_NAMES else draw(st.sampled_from(OPERATION_NAMES))
    shape = SERVICE.operation_model(model_name).input_shape
    if shape is not None:
        required = set(shape.required_members)
        for name, member in shape.members.items():
            if draw(st.integers(0, 9)) < (8 if name in required else 4):
                pairs += draw(member_pairs(member, name, _wire(member, name)))
    junk = st.tuples(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["rolearn", "Tags.member.1", "Tags.member", "Tags.", ".", "Action.x"]),
        ),
        st.text(max_size=12),
    )
    pairs += draw(st.lists(junk, max_size=3 if draw(st.integers(0, 3)) == 0 else 0))
    return draw(st.permutations(pairs)) if draw(st.booleans()) else pairs


_BAD_ESCAPES = ["%", "%z", "%zz", "%e9", "%ff%fe", "%00", "%C3%28", "%ED%A0%80", "%%", "+"]


# --- signatures, URLs, methods ---------------------------------------------------------

HOSTS = [
    "https://sts.amazonaws.com",
    "https://sts.us-east-1.amazonaws.com",
    "https://sts.eu-west-1.amazonaws.com",
    f"https://sts.{DISABLED_REGION}.amazonaws.com",
    "https://sts-fips.us-east-2.amazonaws.com",
    "https://sts.us-east-1.api.aws",
    "https://sts.cn-north-1.amazonaws.com.cn",
    "http://127.0.0.1:5000",
    "http://localhost",
    "https://[::1]:8443",
    "https://sts.amazonaws.com:99999",
    "https://sts.amazonaws.com:port",
    "https://user:pw@sts.amazonaws.com",
    "sts.amazonaws.com",
    "",
    "http://[bad",
    "http://]x[",
]
PATHS = ["/", "", "/a/../b/", "//", "/%zz", "/ü", "/?", "/#frag", "/x y"]

_KEY_IDS = [
    Live("default_key"), Live("alice_key"), Live("root_key"), Live("bob_key"),
    Live("session_key"), Live("federated_key"), "AKIAIOSFODNN7EXAMPLE", "", "AKIA/x",
]  # fmt: skip
_DATES = ["20250101", "2025010", "", "99999999", "00000000"]
_AMZ_DATES = [
    "20250101T000000Z", "20250101T000000", "20251301T000000Z", "2025-01-01T00:00:00Z",
    "", "00000000T000000Z", "99991231T235959Z", "20250101T246060Z", "２０２５0101T000000Z",
]  # fmt: skip
_HTTP_DATES = [
    "Wed, 01 Jan 2025 00:00:00 GMT", "Wed, 01 Jan 2025 00:00:00 -0000", "01 Jan 2025",
    "Wed, 32 Jan 2025 00:00:00 GMT", "Wed, 01 Jan 99999 00:00:00 GMT", "Wed, 01 Jan 2025 99:00:00",
    "Wed, 01 Jan 2025 00:00:00 +9999", "garbage", "Thu, 01 Jan 0000 00:00:00 GMT",
]  # fmt: skip
_REGIONS = ["us-east-1", "eu-west-1", DISABLED_REGION, "", "US-EAST-1", "x" * 300, "é"]
_SERVICES = ["sts", "iam", "", "STS"]
_TERMINATORS = ["aws4_request", "aws4_request/", "", "aws5_request"]
_ALGORITHMS = ["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", "AWS4-HMAC-SHA1", "AWS4-", "", "aws4"]
_SIGNED_HEADERS = [
    "host",
    "host;x-amz-date",
    "content-type;host;x-amz-date",
    "",
    "x-amz-date",
    ";;",
]


@st.composite
def credential_scopes(draw: st.DrawFn) -> Any:
    parts = [
        draw(st.sampled_from(_KEY_IDS)),
        draw(st.sampled_from(_DATES)),
        draw(st.sampled_from(_REGIONS)),
        draw(st.sampled_from(_SERVICES)),
        draw(st.sampled_from(_TERMINATORS)),
    ]
    count = draw(st.sampled_from([5, 5, 5, 4, 6, 1]))
    return ("/", (parts * 2)[:count])


def _join_credential(world: World, scope: Any) -> str:
    sep, parts = scope
    return str(sep).join(str(world.resolve(p)) for p in parts)


@st.composite
def authorization_headers(draw: st.DrawFn) -> Any:
    """An Authorization header, from well-formed SigV4 to garbage (a deferred builder)."""
    style = draw(st.integers(0, 6))
    if style == 0:
        return draw(st.text(max_size=40))
    if style == 1:
        return draw(st.sampled_from(["AWS AKIAIOSFODNN7EXAMPLE:sig", "Bearer x", "AWS4-", " "]))
    algorithm = draw(st.sampled_from(_ALGORITHMS))
    scope = draw(credential_scopes())
    signed = draw(st.sampled_from(_SIGNED_HEADERS))
    signature = draw(st.sampled_from(["0" * 64, "", "zz", "é" * 64]))
    parts = [("Credential", scope), ("SignedHeaders", signed), ("Signature", signature)]
    parts = draw(st.lists(st.sampled_from(parts), max_size=4)) if style == 2 else parts
    separator = draw(st.sampled_from([", ", ",", " ", ",,"]))
    extra = draw(st.sampled_from(["", ", Foo", ", =", ", Credential=dup"]))

    def build(world: World) -> str:
        rendered = [
            f"{k}={_join_credential(world, v) if k == 'Credential' else v}" for k, v in parts
        ]
        return f"{algorithm} {separator.join(rendered)}{extra}"

    return build


@st.composite
def presign_params(draw: st.DrawFn) -> list[tuple[str, Any]]:
    names = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
        "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
    ]  # fmt: skip
    values = {
        "X-Amz-Algorithm": st.sampled_from(_ALGORITHMS),
        "X-Amz-Credential": credential_scopes(),
        "X-Amz-Date": st.sampled_from(_AMZ_DATES),
        "X-Amz-Expires": st.sampled_from(["", "0", "-1", "60", "604801", "1e3", "٣", "9" * 40]),
        "X-Amz-SignedHeaders": st.sampled_from(_SIGNED_HEADERS),
        "X-Amz-Signature": st.sampled_from(["0" * 64, "", "é"]),
        "X-Amz-Security-Token": st.sampled_from([Live("session_token"), "", "tok"]),
    }
    chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
    return [(name, draw(values[name])) for name in chosen]


@st.composite
def header_sets(draw: st.DrawFn) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if draw(st.booleans()):
        headers["content-type"] = draw(
            st.sampled_from([FORM_TYPE, "application/x-www-form-urlencoded", "text/xml", ""])
        )
    if draw(st.integers(0, 2)) > 0:
        headers["authorization"] = draw(authorization_headers())
    if draw(st.booleans()):
        headers["x-amz-date"] = draw(st.sampled_from(_AMZ_DATES))
    if draw(st.integers(0, 3)) == 0:
        headers["date"] = draw(st.sampled_from(_HTTP_DATES))
    if draw(st.integers(0, 3)) == 0:
        headers["x-amz-security-token"] = draw(
            st.sampled_from([Live("session_token"), Live("federated_token"), "", "x"])
        )
    if draw(st.integers(0, 4)) == 0:
        headers["x-amz-content-sha256"] = draw(st.sampled_from(["UNSIGNED-PAYLOAD", "", "0" * 64]))
    if draw(st.integers(0, 4)) == 0:
        headers["host"] = draw(st.sampled_from(["sts.amazonaws.com", "", "[", "a:b:c"]))
    if draw(st.integers(0, 6)) == 0:
        headers[draw(st.text(max_size=8)).lower()] = draw(st.text(max_size=12))
    return headers


@dataclass(frozen=True)
class RawRequest:
    """A drawn request; :meth:`build` resolves live values against a world."""

    method: str
    host: str
    path: str
    query_pairs: tuple[tuple[str, Any], ...]
    query_encoding: Any
    headers: Mapping[str, Any]
    body: Any  # bytes, or a list of pairs to encode
    body_encoding: Any

    def build(self, world: World) -> HttpRequest:
        headers = {
            k: v(world) if callable(v) else str(world.resolve(v)) for k, v in self.headers.items()
        }
        query = self._encode(world, list(self.query_pairs), self.query_encoding)
        url = f"{self.host}{self.path}" + (f"?{query}" if query else "")
        body = self.body
        if not isinstance(body, bytes):
            encoded = self._encode(world, body, self.body_encoding)
            body = encoded.encode("utf-8", "surrogatepass")
        return HttpRequest(self.method, url, headers, body)

    @staticmethod
    def _encode(world: World, pairs: list[tuple[str, Any]], encoder: Any) -> str:
        resolved = []
        for key, value in pairs:
            value = world.resolve(value)
            if isinstance(value, tuple):  # a credential scope
                value = _join_credential(world, value)
            resolved.append((str(key), str(value)))
        return str(encoder(resolved))


def plain_encoding(pairs: list[tuple[str, str]]) -> str:
    """How a well-behaved client encodes a form."""
    return urlencode(pairs)


@st.composite
def _encoders(draw: st.DrawFn) -> Any:
    """A deterministic encoder: the random choices are drawn now, applied at build time."""
    seed = draw(st.integers(0, 2**32 - 1))

    def encode(pairs: list[tuple[str, str]]) -> str:
        import random

        rng = random.Random(seed)
        style = rng.randrange(6)
        if style == 0:
            text = "&".join(f"{k}={v}" for k, v in pairs)
        elif style == 1:
            text = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
        else:
            text = "&".join(
                f"{quote_plus(k, errors='surrogatepass')}={quote_plus(v, errors='surrogatepass')}"
                for k, v in pairs
            )
        for _ in range(rng.randrange(3) if rng.randrange(3) == 0 else 0):
            position = rng.randrange(len(text) + 1)
            text = text[:position] + rng.choice(_BAD_ESCAPES) + text[position:]
        return text

    return encode


@st.composite
def raw_requests(draw: st.DrawFn) -> RawRequest:
    """Whole HTTP requests: forms in the body or the URL, random headers, random bytes."""
    method = draw(
        st.one_of(
            st.sampled_from(["POST"] * 4 + ["GET"] * 2 + ["PUT", "post", "HEAD", "DELETE", ""]),
            st.text(max_size=6),
        )
    )
    host = draw(st.one_of(st.sampled_from(HOSTS), st.text(max_size=20)))
    path = draw(st.sampled_from(PATHS))
    where = draw(st.integers(0, 4))  # 0-2: where the method reads it; 3: query; 4: both
    if where < 3:
        where = 1 if method.upper() == "POST" else 3
    form = draw(form_pairs(real_actions=draw(st.booleans())))
    body: Any
    if draw(st.integers(0, 7)) == 0:
        body = draw(st.binary(max_size=200))
    else:
        body = form if where in (1, 4) else []
    query: list[tuple[str, Any]] = form if where >= 3 else []
    if draw(st.integers(0, 3)) == 0:
        query = [*query, *draw(presign_params())]
    return RawRequest(
        method=method,
        host=host,
        path=path,
        query_pairs=tuple(query),
        query_encoding=draw(_encoders()),
        headers=draw(header_sets()),
        body=body,
        body_encoding=draw(_encoders()),
    )


# --- boto3-level parameters ------------------------------------------------------------------


def _scalar_python(member: Any, name: str) -> st.SearchStrategy[Any]:
    kind = member.type_name
    if kind == "string":
        wrong = st.one_of(st.integers(-(2**40), 2**40), st.booleans(), st.floats(allow_nan=False))
        return st.one_of(string_values(member, name), wrong)
    if kind in ("integer", "long"):
        low, high = member.metadata.get("min"), member.metadata.get("max")
        bounds = {0, -1, 2**31, 2**63}
        for bound in (low, high):
            if bound is not None:
                bounds.update((bound - 1, bound, bound + 1))
        return st.one_of(
            st.sampled_from(sorted(bounds)),
            st.integers(),
            st.sampled_from(_INT_JUNK),
            st.floats(allow_nan=True, allow_infinity=True),
        )
    return st.text(max_size=10)


@st.composite
def python_value(draw: st.DrawFn, member: Any, name: str) -> Any:
    """A boto3-level value for ``member``: often valid, else wrong but still serialisable."""
    if draw(st.integers(0, 9)) < 7:
        return draw(valid_value(member, name))
    kind = member.type_name
    if kind == "structure":
        out = {}
        for sub_name, sub in member.members.items():
            if draw(st.integers(0, 5)) > 0:
                out[sub_name] = draw(python_value(sub, sub_name))
        return out
    if kind == "list":
        max_items = member.metadata.get("max") or 3
        count = draw(st.sampled_from([0, 1, 2, max_items, max_items + 1]))
        return [draw(python_value(member.member, name)) for _ in range(count)]
    return draw(_scalar_python(member, name))


@st.composite
def api_params(draw: st.DrawFn, operation: str) -> dict[str, Any]:
    shape = SERVICE.operation_model(operation).input_shape
    if shape is None:
        return {}
    required = set(shape.required_members)
    params = {}
    for name, member in shape.members.items():
        if draw(st.integers(0, 9)) < (9 if name in required else 4):
            params[name] = draw(python_value(member, name))
    return params


@functools.cache
def xml_output_shape(operation: str) -> Any:
    return SERVICE.operation_model(operation).output_shape


# --- policy documents ------------------------------------------------------------------------

_OPERATORS = [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericLessThan", "NumericGreaterThanEquals", "DateEquals",
    "DateLessThan", "DateGreaterThan", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
    "ArnEquals", "ArnLike", "ArnNotLike", "Null", "StringEqualsIfExists",
    "ForAnyValue:StringEquals", "ForAllValues:StringLike", "ForAnyValue:NumericLessThan",
    "ForAllValues:DateGreaterThanIfExists", "Bogus", "stringequals", "",
]  # fmt: skip
_KEYS = [
    "aws:PrincipalTag/team", "aws:CurrentTime", "aws:EpochTime", "aws:SourceIp",
    "aws:RequestedRegion", "aws:SecureTransport", "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType",
    "aws:userid", "aws:username", "aws:TagKeys", "aws:RequestTag/team", "aws:TokenIssueTime",
    "sts:ExternalId", "aws:ResourceAccount", "AWS:SOURCEIP", "", "x:y", "aws:PrincipalTag/",
]  # fmt: skip
_CONDITION_VALUES = [
    "*", "blue", "?", "${aws:username}", "${aws:PrincipalTag/team}", "${*}", "${", "${}",
    "2020-01-01T00:00:00Z", "2999-12-31", "1577836800", "9" * 30, "-1", "1e400", "NaN",
    "10.0.0.0/8", "127.0.0.1", "::1/128", "1.2.3.4/99", "300.1.1.1", "true", "false", "TRUE",
    "AAAA", "!!", "arn:aws:iam::123456789012:user/*", "arn:*", "", "us-*",
]  # fmt: skip
_ACTIONS = ["*", "sts:*", "sts:GetFederationToken", "sts:TagSession", "s3:Get*", "sts:", "x", ""]
_RESOURCES = ["*", "arn:aws:sts::123456789012:federated-user/*", "arn:aws:sts::*:*", "arn", ""]

_json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _one_or_many(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values, st.lists(values, max_size=3), json_values)


_conditions = st.dictionaries(
    st.sampled_from(_OPERATORS),
    st.one_of(
        st.dictionaries(
            st.sampled_from(_KEYS),
            _one_or_many(st.sampled_from(_CONDITION_VALUES)),
            max_size=2,
        ),
        st.dictionaries(
            st.sampled_from(_KEYS),
            _one_or_many(st.sampled_from(_CONDITION_VALUES)),
            max_size=2,
        ),
        json_values,
    ),
    max_size=2,
)


_GOOD_ACTIONS = ["*", "sts:*", "sts:GetFederationToken", "sts:TagSession", "s3:Get*", "sts:Get*"]
_GOOD_RESOURCES = ["*", "arn:aws:sts::123456789012:federated-user/*", "arn:aws:sts::*:*"]


@st.composite
def _well_formed_statements(draw: st.DrawFn) -> dict[str, Any]:
    """A structurally valid identity-policy statement with random conditions."""
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow"] * 3 + ["Deny"])),
        draw(st.sampled_from(["Action"] * 4 + ["NotAction"])): draw(
            st.one_of(
                st.sampled_from(_GOOD_ACTIONS),
                st.lists(st.sampled_from(_GOOD_ACTIONS), min_size=1, max_size=3),
            )
        ),
        draw(st.sampled_from(["Resource"] * 4 + ["NotResource"])): draw(
            st.sampled_from(_GOOD_RESOURCES)
        ),
    }
    if draw(st.integers(0, 3)) > 0:
        statement["Condition"] = {
            draw(st.sampled_from(_OPERATORS[:-3])): {
                draw(st.sampled_from(_KEYS[:-3])): draw(
                    st.one_of(
                        st.sampled_from(_CONDITION_VALUES),
                        st.lists(st.sampled_from(_CONDITION_VALUES), min_size=1, max_size=3),
                    )
                )
            }
        }
    return statement


identity_policies = st.fixed_dictionaries(
    {
        "Version": st.sampled_from(["2012-10-17", "2008-10-17"]),
        "Statement": st.lists(_well_formed_statements(), min_size=1, max_size=3),
    }
)
"""Identity policies the seeding API should mostly accept, with random conditions."""


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, Any]:
    """A statement that is usually well-formed, with one thing wrong now and then."""
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow"] * 6 + ["Deny", "allow", ""]))
    }
    action = draw(st.sampled_from(["Action"] * 5 + ["NotAction", "both", "none"]))
    for key in ("Action", "NotAction") if action == "both" else (action,):
        if key != "none":
            statement[key] = draw(_one_or_many(st.sampled_from(_ACTIONS)))
    resource = draw(st.sampled_from(["Resource"] * 5 + ["NotResource", "none"]))
    if resource != "none":
        statement[resource] = draw(_one_or_many(st.sampled_from(_RESOURCES)))
    if draw(st.booleans()):
        statement["Condition"] = draw(_conditions)
    if draw(st.integers(0, 9)) == 0:
        statement["Sid"] = draw(st.sampled_from(["S1", "", "bad sid!"]))
    if draw(st.integers(0, 19)) == 0:
        statement["Principal"] = draw(st.sampled_from(["*", {"AWS": "*"}]))
    return statement


policy_documents = st.one_of(
    st.fixed_dictionaries(
        {
            "Version": st.just("2012-10-17"),
            "Statement": st.one_of(_statements(), st.lists(_statements(), max_size=3)),
        }
    ),
    st.fixed_dictionaries(
        {
            "Version": st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17", "2025"]),
            "Statement": st.one_of(_statements(), st.lists(_statements(), max_size=3)),
        },
        optional={"Id": st.text(max_size=5)},
    ),
    json_values,
)
"""Policy-shaped JSON (usually) and any JSON (sometimes), as Python objects."""
