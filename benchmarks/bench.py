"""How fast pytest-stsmock answers, next to botocore's own floor and next to moto.

    python benchmarks/bench.py                 # full run: every figure, one command
    python benchmarks/bench.py --quick         # short rounds of everything, for CI
    python benchmarks/bench.py --json out.json # also write the numbers
    python benchmarks/bench.py --profile       # also cProfile the plugin's per-call path
    python benchmarks/bench.py --only calls    # one part: calls, start, threads or suite

Everything is measured in one run.  Every round enters each row's setup in
turn, the rows of one operation back to back (the order of operations and of
contenders rotates from round to round), and warms up.  A per-call row is
then timed beside its floor: the floor's setup is entered inside the row's
(its canned answer sits on a client of its own), and ten pairs of short
batches alternate between the two, with the garbage collector off.  A row's
number is the median of its rounds, and its ratio to the floor is the median
of the per-round ratios, each of two sums timed within the same few hundred
milliseconds: on a machine whose speed drifts within seconds, that is what
keeps a ratio from moving run to run (whole batches timed one after the
other read a GetCallerIdentity 1.10x to 1.21x in five runs; paired, three
runs read 1.18x to 1.19x).  The ``test:`` rows, whose floor answers boto3's
default session, and rows without a floor are timed alone, once a round.
The floor row sends the same request (the same keys, its own client) to a ``before-send`` handler
that hands back a canned response, so it costs what botocore's own serialize /
sign / parse costs and nothing more: no mock can be faster than it.  The
``test:`` rows time what one test does: enter the mock, ``boto3.client("sts")``
from boto3's (warm) default session, one call, exit.

The other parts live beside this file and run from here too:
``bench_start.py`` (fresh interpreters: import, first activation, the
plugin's cost to a pytest start; in a full run also counted in instructions
by ``bench_instructions_start.py``, when valgrind is installed),
``bench_threads.py`` (threads sharing a backend) and ``bench_suite.py``
(pytest on a generated 500-test file).

This is a report, not a gate: it always exits 0, and a row that cannot run
(moto not installed, say) is reported as skipped.

To add a row, add a ``Row`` to ``ROWS``: an operation, a contender name, a
setup (a context manager yielding what the call needs) and the call.  Ratios
are to the ``floor`` row of the same operation.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib.metadata
import json
import os
import platform
import pstats
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Keep any real AWS configuration (and the instance metadata service) out of the run.
os.environ.update(
    AWS_CONFIG_FILE=os.devnull,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    AWS_EC2_METADATA_DISABLED="true",
    AWS_STS_REGIONAL_ENDPOINTS="regional",
    # What boto3's default session resolves outside the mock (the test: rows' floor).
    AWS_ACCESS_KEY_ID="AKIABENCHOUTSIDE0000",
    AWS_SECRET_ACCESS_KEY="x" * 40,
    AWS_DEFAULT_REGION="us-east-1",
)
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
    os.environ.pop(_name, None)

import boto3  # noqa: E402
import botocore  # noqa: E402
import botocore.credentials  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.client import BaseClient  # noqa: E402
from botocore.config import Config  # noqa: E402

from pytest_stsmock import mock_sts  # noqa: E402

SEED = 1234  # fixed: every activation has the same default key, so one client serves all rounds
REGION = "us-east-1"
NS = "https://sts.amazonaws.com/doc/2011-06-15/"

# Per call, plugin / floor (issue 12's raised targets).
TARGET_CALLER_IDENTITY = 1.15
TARGET_SESSION_TOKEN = 1.2
TARGET_ASSUME_ROLE = 1.3  # a three-statement conditional trust, 10 and 10,000 roles
TARGET_CHAIN = 1.35  # three hops
TARGET_ACTIVATION_NS = 60_000  # one enter+exit of mock_sts()
TARGET_PER_TEST = 1.1  # enter, boto3.client("sts"), one call, exit: plugin / no mock
TARGET_IAM = 1.3  # issue 13: IAM calls cost about what STS calls do (AssumeRole's target)


# -- canned responses for the floor -----------------------------------------------------------


def _envelope(operation: str, result: str) -> bytes:
    return (
        f'<{operation}Response xmlns="{NS}">\n'
        f"  <{operation}Result>{result}</{operation}Result>\n"
        "  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
        f"</ResponseMetadata>\n</{operation}Response>\n"
    ).encode()


GET_CALLER_IDENTITY_XML = _envelope(
    "GetCallerIdentity",
    "<Arn>arn:aws:iam::123456789012:user/stsmock</Arn>"
    "<UserId>AIDAEXAMPLEEXAMPLE123</UserId><Account>123456789012</Account>",
)
GET_SESSION_TOKEN_XML = _envelope(
    "GetSessionToken",
    "<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId>"
    "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>"
    f"<SessionToken>IQoJb3JpZ2luX2Vj{'A' * 784}</SessionToken>"  # 800 chars, as the plugin's
    "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
)


ASSUME_ROLE_XML = _envelope(
    "AssumeRole",
    "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLEEXAMPLE123:bench</AssumedRoleId>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/target/bench</Arn></AssumedRoleUser>"
    "<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId>"
    "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>"
    f"<SessionToken>IQoJb3JpZ2luX2Vj{'A' * 784}</SessionToken>"
    "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
)

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


def _iam_envelope(operation: str, result: str) -> bytes:
    return (
        f'<{operation}Response xmlns="{IAM_NS}">\n'
        f"  <{operation}Result>{result}</{operation}Result>\n"
        "  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
        f"</ResponseMetadata>\n</{operation}Response>\n"
    ).encode()


def _role_xml(trust: str) -> str:
    """A Role element carrying ``trust`` (URL-encoded, as IAM sends policy documents)."""
    return (
        "<Role><Path>/</Path><RoleName>target</RoleName><RoleId>AROAEXAMPLEEXAMPLE123</RoleId>"
        "<Arn>arn:aws:iam::123456789012:role/target</Arn>"
        "<CreateDate>2026-01-01T00:00:00Z</CreateDate>"
        f"<AssumeRolePolicyDocument>{urllib.parse.quote(trust, safe='')}</AssumeRolePolicyDocument>"
        "<MaxSessionDuration>3600</MaxSessionDuration></Role>"
    )


ACCOUNT = "123456789012"
CALLER = f"arn:aws:iam::{ACCOUNT}:user/stsmock"  # the default user the shared client signs as


def _role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


#: Three statements with conditions: the caller by ARN with an ExternalId and TLS, CI roles
#: of the account by ARN pattern, and an explicit deny from a private network.
TRUST_WITH_CONDITIONS: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Caller",
            "Effect": "Allow",
            "Principal": {"AWS": CALLER},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"sts:ExternalId": "bench-external-id"},
                "Bool": {"aws:SecureTransport": "true"},
            },
        },
        {
            "Sid": "CiRoles",
            "Effect": "Allow",
            "Principal": {"AWS": ACCOUNT},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ci-*"}},
        },
        {
            "Sid": "NotFromTheLan",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
    ],
}


TRUST_TEXT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
        ],
    }
)


# The floors of the IAM rows answer with the trust policy the plugin's role carries
# (CreateRole sends TRUST_TEXT; GetRole reads a role seeded with TRUST_WITH_CONDITIONS),
# so botocore parses the same document on both sides.
CREATE_ROLE_XML = _iam_envelope("CreateRole", _role_xml(TRUST_TEXT))
GET_ROLE_XML = _iam_envelope(
    "GetRole", _role_xml(json.dumps(TRUST_WITH_CONDITIONS, separators=(",", ":")))
)


def seed_roles(count: int) -> Callable[[Any], None]:
    """Seed ``count`` roles; the one assumed is ``target``, the rest are ballast."""

    def seed(backend: Any) -> None:
        account = backend.default_account
        account.create_role("target", trust_policy=TRUST_WITH_CONDITIONS)
        for index in range(count - 1):
            account.create_role(f"ballast-{index}", trust_policy=TRUST_WITH_CONDITIONS)

    return seed


def seed_chain(backend: Any) -> None:
    """hop1 trusts the default user, hop2 trusts hop1, hop3 trusts hop2."""
    account = backend.default_account
    previous = CALLER
    for name in ("hop1", "hop2", "hop3"):
        role = account.create_role(
            name,
            trust_policy={
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": previous}, "Action": "sts:AssumeRole"}
                ],
            },
            policies=[
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
                }
            ],
        )
        previous = role.arn


class _Body:
    """The raw stream AWSResponse reads its content from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._data


def _canned(body: bytes) -> Callable[..., AWSResponse]:
    headers = {
        "x-amzn-RequestId": "c6104cbe-af31-11e0-8154-cbc7ccf896c7",
        "Content-Type": "text/xml",
        "Content-Length": str(len(body)),
    }

    def before_send(request: Any, **kwargs: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, dict(headers), _Body(body))

    return before_send


# -- contenders ---------------------------------------------------------------------------------


def _client(**kwargs: Any) -> BaseClient:
    return boto3.Session().client(
        "sts", region_name=REGION, config=Config(retries={"max_attempts": 1}), **kwargs
    )


@dataclass
class Clients:
    """Clients made once per run.  ``shared`` is made before moto is imported, so it
    carries no moto handler; the floor and the plugin rows both use it."""

    shared: BaseClient
    iam: BaseClient | None = None  # IAM, the same key; made before moto's import too
    #: The floor rows' own clients (the same keys).  With them a floor's canned answer
    #: sits on a client no contender uses, so the floor can be timed inside a
    #: contender's setup, batch by batch beside it (see ``run_rows``); without them
    #: the floor takes ``shared`` and is timed on its own.
    floor: BaseClient | None = None
    iam_floor: BaseClient | None = None
    _moto: BaseClient | None = None
    _moto_iam: BaseClient | None = None

    @property
    def moto_iam(self) -> BaseClient:
        """An IAM client moto answers (made after moto's import, so moto's handler is on it)."""
        if self._moto_iam is None:
            import moto  # noqa: F401

            self._moto_iam = boto3.Session().client(
                "iam",
                region_name=REGION,
                aws_access_key_id="AKIAMOTOBENCH0000000",
                aws_secret_access_key="x" * 40,
            )
        return self._moto_iam

    @property
    def moto(self) -> BaseClient:
        if self._moto is None:  # made after moto's import, so moto's handler is on it
            import moto  # noqa: F401

            self._moto = _client(
                aws_access_key_id="AKIAMOTOBENCH0000000", aws_secret_access_key="x" * 40
            )
        return self._moto


Setup = Callable[[Clients], contextlib.AbstractContextManager[Any]]


def floor(body: bytes) -> Setup:
    """botocore alone: the shared client, answered with ``body`` at before-send."""

    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[BaseClient]:
        client = clients.floor or clients.shared
        events = client.meta.events
        events.register_first("before-send.sts", _canned(body), unique_id="bench-floor")
        try:
            yield client
        finally:
            events.unregister("before-send.sts", unique_id="bench-floor")

    return setup


def plugin(seed: Callable[[Any], None] | None = None) -> Setup:
    """pytest-stsmock active with a fresh backend each round (``seed`` may add roles and
    so on); the shared client signs with the backend's default key, so every call is
    SigV4-verified as in a real test."""

    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[BaseClient]:
        with mock_sts(seed=SEED) as backend:
            if seed is not None:
                seed(backend)
            yield clients.shared

    return setup


def moto_sts() -> Setup:
    """moto's mock_aws active; moto's own client."""

    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[BaseClient]:
        client = clients.moto
        import moto

        with moto.mock_aws():
            yield client

    return setup


def iam_floor(body: bytes) -> Setup:
    """botocore alone for IAM: the shared IAM client, answered with ``body`` at before-send."""

    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[BaseClient]:
        client = clients.iam_floor or clients.iam
        assert client is not None
        events = client.meta.events
        events.register_first("before-send.iam", _canned(body), unique_id="bench-floor")
        try:
            yield client
        finally:
            events.unregister("before-send.iam", unique_id="bench-floor")

    return setup


def iam_plugin(seed: Callable[[Any], None] | None = None) -> Setup:
    """pytest-stsmock answering IAM itself (no moto), the shared IAM client."""

    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[BaseClient]:
        with mock_sts(seed=SEED) as backend:
            if seed is not None:
                seed(backend)
            yield clients.iam

    return setup


def beside_moto(*, role_in_moto: bool) -> Setup:
    """moto's mock_aws and pytest-stsmock both active; the role assumed is moto's (read
    from moto's IAM at each request) or seeded through the seeding API."""

    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[BaseClient]:
        import moto

        iam = clients.moto_iam
        with moto.mock_aws(), mock_sts(seed=SEED) as backend:
            if role_in_moto:
                iam.create_role(
                    RoleName="target", AssumeRolePolicyDocument=json.dumps(TRUST_WITH_CONDITIONS)
                )
            else:
                seed_roles(1)(backend)
            yield clients.shared

    return setup


@contextlib.contextmanager
def nothing(clients: Clients) -> Iterator[None]:
    yield None


# -- the rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    ratio: float | None = None  # to the floor row of the same operation
    absolute_ns: float | None = None

    def describe(self) -> str:
        if self.ratio is not None:
            return f"<= {self.ratio:g}x floor"
        return f"<= {_fmt(self.absolute_ns or 0)}"


@dataclass(frozen=True)
class Row:
    operation: str
    contender: str
    setup: Setup
    call: Callable[[Any], object]
    batch: int = 100  # calls per timed batch in a full run
    target: Target | None = None
    #: A floor row: its contenders may be timed beside it, batch by batch (``run_rows``).
    #: False where its setup cannot run inside theirs (the test: rows' floor answers
    #: boto3's default session, which the contenders' tests use too).
    paired: bool = True


def get_caller_identity(client: BaseClient) -> object:
    return client.get_caller_identity()


def get_session_token(client: BaseClient) -> object:
    return client.get_session_token()


def assume_role(client: BaseClient) -> object:
    return client.assume_role(
        RoleArn=_role_arn("target"), RoleSessionName="bench", ExternalId="bench-external-id"
    )


def three_hop_chain(client: BaseClient) -> object:
    """user -> hop1 -> hop2 -> hop3, each hop signed with the previous hop's credentials.

    One client serves every hop: its signer's credentials are swapped between
    hops (a client per hop would cost more than the calls), and put back after.
    """
    signer = client._request_signer
    original = signer._credentials
    try:
        result: Any = None
        for name in ("hop1", "hop2", "hop3"):
            result = client.assume_role(RoleArn=_role_arn(name), RoleSessionName="bench")
            creds = result["Credentials"]
            signer._credentials = botocore.credentials.Credentials(
                creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
            )
        return result
    finally:
        signer._credentials = original


_ROLE_NUMBERS = iter(range(10**9))


def create_role(client: BaseClient) -> object:
    return client.create_role(
        RoleName=f"bench-{next(_ROLE_NUMBERS)}", AssumeRolePolicyDocument=TRUST_TEXT
    )


def get_role(client: BaseClient) -> object:
    return client.get_role(RoleName="target")


def enter_exit(_: object) -> None:
    with mock_sts():
        pass


_NO_RETRY = Config(retries={"max_attempts": 1})


@contextlib.contextmanager
def test_floor(clients: Clients) -> Iterator[None]:
    """No mock: clients of boto3's default session answered with a canned response."""
    events = boto3._get_default_session().events
    events.register_first(
        "before-send.sts", _canned(GET_CALLER_IDENTITY_XML), unique_id="bench-test-floor"
    )
    try:
        yield None
    finally:
        events.unregister("before-send.sts", unique_id="bench-test-floor")


def test_without_mock(_: object) -> object:
    return boto3.client("sts", config=_NO_RETRY).get_caller_identity()


def test_with_plugin(_: object) -> object:
    with mock_sts():
        return boto3.client("sts", config=_NO_RETRY).get_caller_identity()


def test_with_moto(_: object) -> object:
    import moto

    with moto.mock_aws():
        return boto3.client("sts", config=_NO_RETRY).get_caller_identity()


ASSUME_CALL = Target(ratio=TARGET_ASSUME_ROLE)
TEST = "test: client + 1 call"

ROWS: list[Row] = [
    Row(TEST, "floor", test_floor, test_without_mock, batch=20, paired=False),
    Row(TEST, "plugin", nothing, test_with_plugin, batch=20, target=Target(TARGET_PER_TEST)),
    Row(TEST, "moto", nothing, test_with_moto, batch=3),
    Row("get_caller_identity", "floor", floor(GET_CALLER_IDENTITY_XML), get_caller_identity),
    Row(
        "get_caller_identity",
        "plugin",
        plugin(),
        get_caller_identity,
        target=Target(TARGET_CALLER_IDENTITY),
    ),
    Row("get_caller_identity", "moto", moto_sts(), get_caller_identity, batch=50),
    Row("get_session_token", "floor", floor(GET_SESSION_TOKEN_XML), get_session_token),
    Row(
        "get_session_token",
        "plugin",
        plugin(),
        get_session_token,
        target=Target(TARGET_SESSION_TOKEN),
    ),
    Row("get_session_token", "moto", moto_sts(), get_session_token, batch=50),
    Row("assume_role", "floor", floor(ASSUME_ROLE_XML), assume_role),
    Row("assume_role", "plugin", plugin(seed_roles(10)), assume_role, target=ASSUME_CALL),
    Row(
        "assume_role",
        "plugin, 10,000 roles",
        plugin(seed_roles(10_000)),
        assume_role,
        target=ASSUME_CALL,
    ),
    Row("assume_role", "moto", moto_sts(), assume_role, batch=50),
    Row("three-hop chain", "floor", floor(ASSUME_ROLE_XML), three_hop_chain, batch=40),
    Row(
        "three-hop chain",
        "plugin",
        plugin(seed_chain),
        three_hop_chain,
        batch=40,
        target=Target(TARGET_CHAIN),
    ),
    Row("three-hop chain", "moto", moto_sts(), three_hop_chain, batch=20),
    Row("iam create_role", "floor", iam_floor(CREATE_ROLE_XML), create_role),
    Row("iam create_role", "plugin", iam_plugin(), create_role, target=Target(TARGET_IAM)),
    Row("iam get_role", "floor", iam_floor(GET_ROLE_XML), get_role),
    Row("iam get_role", "plugin", iam_plugin(seed_roles(10)), get_role, target=Target(TARGET_IAM)),
    Row("assume_role, moto on", "floor", floor(ASSUME_ROLE_XML), assume_role),
    Row("assume_role, moto on", "seeded", beside_moto(role_in_moto=False), assume_role),
    Row("assume_role, moto on", "in moto", beside_moto(role_in_moto=True), assume_role),
    Row(
        "mock_sts() enter+exit",
        "plugin",
        nothing,
        enter_exit,
        batch=200,
        target=Target(absolute_ns=TARGET_ACTIVATION_NS),
    ),
]

# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Result:
    row: Row
    samples: list[float] = field(default_factory=list)  # ns per call, one per round
    error: str | None = None
    #: The floor's ns per call in each round, timed beside this row's batches (paired
    #: groups); empty when the floor row's own rounds are the reference.
    floor_samples: list[float] = field(default_factory=list)


def _spread(samples: list[float]) -> tuple[float, float, float]:
    """(median, 25th, 75th percentile)."""
    if len(samples) < 2:
        return samples[0], samples[0], samples[0]
    low, _, high = statistics.quantiles(samples, n=4)
    return statistics.median(samples), low, high


#: The clock of the per-call rows: wall time, or (--cpu) this thread's CPU time, which
#: a loaded machine inflates far less (the time the thread waits for a core is not in it).
CLOCK: Callable[[], int] = time.perf_counter_ns

#: Pairs of short batches per round of a paired row: floor, contender, contender,
#: floor, ... so both halves of a ratio are timed within milliseconds of each other.
PAIRS = 10


def _time_batch(call: Callable[[Any], object], state: Any, n: int) -> float:
    """ns per call over ``n`` calls, with the garbage collector off."""
    gc.collect()
    gc.disable()
    try:
        clock = CLOCK
        start = clock()
        for _ in range(n):
            call(state)
        return (clock() - start) / n
    finally:
        gc.enable()


def _time_pairs(
    call: Callable[[Any], object],
    state: Any,
    floor_call: Callable[[Any], object],
    floor_state: Any,
    n: int,
) -> tuple[float, float]:
    """(contender, floor) ns per call over :data:`PAIRS` pairs of ``n``-call batches,
    alternating which goes first, with the garbage collector off."""
    gc.collect()
    gc.disable()
    try:
        clock = CLOCK
        mine = floor = 0
        for index in range(PAIRS):
            for which in (0, 1) if index % 2 else (1, 0):
                start = clock()
                if which:
                    for _ in range(n):
                        call(state)
                    mine += clock() - start
                else:
                    for _ in range(n):
                        floor_call(floor_state)
                    floor += clock() - start
        return mine / (PAIRS * n), floor / (PAIRS * n)
    finally:
        gc.enable()


def _run_alone(result: Result, clients: Clients, n: int, warmup: int) -> None:
    row = result.row
    with row.setup(clients) as state:
        for _ in range(warmup):
            row.call(state)
        result.samples.append(_time_batch(row.call, state, n))


def _run_paired(result: Result, floor: Result, clients: Clients, n: int, warmup: int) -> None:
    """``result``'s row timed beside its floor: the floor's setup inside the row's (its
    canned answer sits on a client of its own), batches of the two alternating."""
    row, floor_row = result.row, floor.row
    with row.setup(clients) as state, floor_row.setup(clients) as floor_state:
        if floor_state is state:  # one client for both: the floor would answer the row
            raise RuntimeError("a paired floor needs a client of its own (Clients.floor)")
        for _ in range(warmup):
            row.call(state)
            floor_row.call(floor_state)
        mine, base = _time_pairs(row.call, state, floor_row.call, floor_state, n)
    result.samples.append(mine)
    result.floor_samples.append(base)
    floor.samples.append(base)


def run_rows(
    rows: list[Row], clients: Clients, rounds: int, scale: float, warmup: int
) -> list[Result]:
    """Time every row, ``rounds`` times in an interleaved order.

    In a group whose floor row is ``paired`` (and has a client of its own), each
    other row is timed beside the floor: inside the row's setup, :data:`PAIRS`
    pairs of short batches alternate between the two, and the round's ratio is
    of those two sums, timed within the same few hundred milliseconds.  On this
    machine, whose speed drifts within seconds, that is what keeps a ratio from
    moving run to run.  The floor row's own samples are then every such batch
    series.  Elsewhere each row is timed alone once a round and a ratio is of
    the same round's floor batch.
    """
    results = [Result(row) for row in rows]
    # The rows of one operation run back to back, and the order of the operations
    # and, within one, of its contenders rotates from round to round.
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(result.row.operation, []).append(result)
    ordered = list(groups.values())
    for index in range(rounds):
        for group in ordered[index % len(ordered) :] + ordered[: index % len(ordered)]:
            floor = next((r for r in group if r.row.contender == "floor"), None)
            paired = floor is not None and floor.row.paired and clients.floor is not None
            members = [r for r in group if not (paired and r is floor)]
            shift = index % len(members)
            for result in members[shift:] + members[:shift]:
                if result.error is not None:
                    continue
                n = max(5, int(result.row.batch * scale))
                try:
                    if paired and floor is not None:
                        _run_paired(result, floor, clients, max(2, n // PAIRS), warmup)
                    else:
                        _run_alone(result, clients, n, warmup)
                except Exception as error:  # a report, not a gate: show it and go on
                    result.error = f"{type(error).__name__}: {error}"
    return results


# -- reporting ----------------------------------------------------------------------------------


def _fmt(ns: float) -> str:
    if ns >= 1_000_000:
        return f"{ns / 1_000_000:.1f} ms"
    return f"{ns / 1_000:.0f} µs"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def _ratio(samples: list[float], floor_samples: list[float] | None) -> float | None:
    """Median over rounds of (this row / the floor) in the same round: a slow moment
    of the machine weighs on both halves of each ratio alike."""
    if not floor_samples or len(floor_samples) != len(samples):
        return None
    return statistics.median(
        mine / floor for mine, floor in zip(samples, floor_samples, strict=True)
    )


def report_rows(results: list[Result]) -> list[dict[str, Any]]:
    floors = {r.row.operation: r.samples for r in results if r.row.contender == "floor"}
    header = f"{'row':<24} {'contender':<9} {'median':>9} {'p25-p75':>17} {'x floor':>8}  target"
    print(header)
    print("-" * (len(header) + 16))
    out = []
    for result in results:
        row = result.row
        entry: dict[str, Any] = {"operation": row.operation, "contender": row.contender}
        out.append(entry)
        if result.error is not None or not result.samples:
            entry["error"] = result.error or "no samples"
            print(f"{row.operation:<24} {row.contender:<9} skipped: {entry['error']}")
            continue
        median, low, high = _spread(result.samples)
        ratio = _ratio(result.samples, result.floor_samples or floors.get(row.operation))
        entry.update(
            median_ns=median,
            p25_ns=low,
            p75_ns=high,
            ratio_to_floor=ratio,
            rounds=len(result.samples),
        )
        target = ""
        if row.target is not None:
            if row.target.ratio is not None:
                met = ratio is not None and ratio <= row.target.ratio
            else:
                met = median <= (row.target.absolute_ns or 0)
            target = f"{row.target.describe()}  {_verdict(met)}"
            entry.update(target=row.target.describe(), target_met=met)
        ratio_text = f"{ratio:.2f}x" if ratio is not None else ""
        print(
            f"{row.operation:<24} {row.contender:<9} {_fmt(median):>9} "
            f"{_fmt(low) + '-' + _fmt(high):>17} {ratio_text:>8}  {target}"
        )
    return out


_PROJECT_ROOT = (
    os.path.dirname(os.path.dirname(os.path.abspath(sys.modules["pytest_stsmock"].__file__ or "")))
    + os.sep
)


def _short(filename: str) -> str:
    if filename.startswith(_PROJECT_ROOT):
        return filename[len(_PROJECT_ROOT) :]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.rsplit(marker, 1)[1]
    return filename


def profile(clients: Clients, calls: int) -> None:
    """Where the plugin's per-call time goes: its own functions by cumulative time per call,
    then every function by own time per call."""
    for name, call in (
        ("get_caller_identity", get_caller_identity),
        ("get_session_token", get_session_token),
    ):
        with plugin()(clients) as client:
            for _ in range(20):
                call(client)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(calls):
                call(client)
            profiler.disable()
        stats = pstats.Stats(profiler)
        entries = stats.stats  # type: ignore[attr-defined]
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"\nprofile of {name}: {total / calls * 1e6:.0f} µs per call under cProfile")
        print(f"  {'cum µs':>8} {'own µs':>8}  per call, pytest_stsmock's own functions")
        own = sorted(
            (ct, tt, f"{_short(f)}:{line} {fn}")
            for (f, line, fn), (_cc, _nc, tt, ct, _callers) in entries.items()
            if "pytest_stsmock" in f
        )
        for ct, tt, label in own[::-1][:20]:
            print(f"  {ct / calls * 1e6:>8.1f} {tt / calls * 1e6:>8.1f}  {label}")
        print(f"  {'':>8} {'own µs':>8}  per call, every function")
        every = sorted(
            (tt, f"{_short(f)}:{line} {fn}")
            for (f, line, fn), (_cc, _nc, tt, _ct, _callers) in entries.items()
        )
        for tt, label in every[::-1][:12]:
            print(f"  {'':>8} {tt / calls * 1e6:>8.1f}  {label}")


PARTS = ("calls", "start", "threads", "suite")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short rounds of everything, for CI")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    parser.add_argument("--profile", action="store_true", help="also cProfile the plugin's path")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part")
    parser.add_argument(
        "--cpu", action="store_true", help="time per-call rows by CPU time (a loaded machine)"
    )
    args = parser.parse_args(argv)
    if args.cpu:
        global CLOCK
        CLOCK = time.thread_time_ns
    parts = args.only or list(PARTS)
    rounds, scale, warmup = (5, 0.3, 5) if args.quick else (21, 1.0, 20)
    quick = ["--quick"] if args.quick else []

    try:  # the version without importing moto: the shared client must be made first
        moto_version = importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        moto_version = "not installed"
    settings = {
        "python": platform.python_version(),
        "botocore": botocore.__version__,
        "boto3": boto3.__version__,
        "moto": moto_version,
        "cpus": os.cpu_count(),
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "rounds": rounds,
        "quick": args.quick,
        "clock": "thread CPU" if args.cpu else "wall",
    }
    print(", ".join(f"{key} {value}" for key, value in settings.items()) + "\n")

    out: dict[str, Any] = {"settings": settings}
    try:
        if "calls" in parts:
            with mock_sts(seed=SEED) as backend:  # the fixed seed's key, for the shared client
                keys = backend.default_access_key.client_kwargs
            iam_config = Config(retries={"max_attempts": 1})
            clients = Clients(
                shared=_client(**keys),
                iam=boto3.Session().client("iam", region_name=REGION, config=iam_config, **keys),
                floor=_client(**keys),
                iam_floor=boto3.Session().client(
                    "iam", region_name=REGION, config=iam_config, **keys
                ),
            )
            out["rows"] = report_rows(run_rows(ROWS, clients, rounds, scale, warmup))
            if args.profile:
                profile(clients, 50 if args.quick else 300)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        if "start" in parts:
            import bench_start

            out["start"] = bench_start.main(quick)
            if not args.quick:  # the plugin's share of a pytest start, in instructions
                import bench_instructions_start

                bench_instructions_start.main([])
        if "threads" in parts:
            import bench_threads

            out["threads"] = bench_threads.main(quick)
        if "suite" in parts:
            import bench_suite

            out["suite"] = bench_suite.main(quick)
    except Exception as error:  # a report, not a gate
        print(f"benchmark stopped early: {type(error).__name__}: {error}")
        out["error"] = f"{type(error).__name__}: {error}"
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(out, handle, indent=2)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
