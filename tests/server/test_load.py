"""Under load: 16 concurrent clients, mixed calls, no errors and an exact count of calls.

STSMOCK_LOAD_CALLS sets the calls per client (default 125, 2,000 calls in all, to keep the
default suite fast); the full size of the issue is STSMOCK_LOAD_CALLS=2000 (32,000 calls).
Each client keeps one connection alive and replays requests signed once (SigV4 has no
replay protection), so the clients spend their time on the wire, not in botocore's signer.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from pytest_stsmock.backend import STSBackend
from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, ROLE_ARN, connection, signed_headers, state

CLIENTS = 16
CALLS = int(os.environ.get("STSMOCK_LOAD_CALLS", "125"))
DENIED_ROLE = f"arn:aws:iam::{ACCOUNT}:role/locked"

#: name -> (form body, expected status, a piece the answer must contain)
MIX = {
    "GetCallerIdentity": (
        "Action=GetCallerIdentity&Version=2011-06-15",
        200,
        b"<Arn>arn:aws:iam::111122223333:user/alice</Arn>",
    ),
    "AssumeRole": (
        f"Action=AssumeRole&Version=2011-06-15&RoleArn={ROLE_ARN}&RoleSessionName=load",
        200,
        b"<AssumedRoleId>",
    ),
    "GetSessionToken": (
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900",
        200,
        b"<SessionToken>",
    ),
    "Denied": (
        f"Action=AssumeRole&Version=2011-06-15&RoleArn={DENIED_ROLE}&RoleSessionName=no",
        403,
        b"<Code>AccessDenied</Code>",
    ),
}


@pytest.fixture
def server() -> Iterator[StsServer]:
    """The shared fixture's server with the product's own request timeout (10 s), not the 2 s
    the timeout tests use: 16 clients and their 16 handler threads under coverage can keep a
    request waiting for the GIL longer than 2 s, and this test is about load, not timeouts."""
    with StsServer(STSBackend(seed=7), state=state()) as running:
        yield running


def test_sixteen_clients_mixed_calls_no_errors_exact_count(server: StsServer) -> None:
    server.backend.account(ACCOUNT).create_role(
        "locked",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    )
    url = server.endpoint_url + "/"
    signed = {
        name: (body.encode(), signed_headers(url, body.encode()), status, needle)
        for name, (body, status, needle) in MIX.items()
    }
    names = list(MIX)
    errors: list[str] = []
    sent: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        conn = connection(server.endpoint_url, timeout=60)
        mine: Counter[str] = Counter()
        try:
            start.wait()
            for call in range(CALLS):
                name = names[(number + call) % len(names)]
                body, headers, status, needle = signed[name]
                conn.request("POST", "/", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                mine[name] += 1
                if response.status != status or needle not in data:
                    with lock:
                        errors.append(f"{name}: {response.status} {data[:200]!r}")
        except Exception as error:  # every failure is counted, none is hidden
            with lock:
                errors.append(f"client {number}: {error!r}")
        finally:
            conn.close()
            with lock:
                sent.update(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sum(sent.values()) == CLIENTS * CALLS
    calls = server.backend.calls
    assert len(calls) == CLIENTS * CALLS
    recorded = Counter(
        "Denied" if c.error_code == "AccessDenied" else c.operation
        for c in calls
        if c.error_code in (None, "AccessDenied")
    )
    assert recorded == sent
    assert len(server.backend.sessions) == sent["AssumeRole"] + sent["GetSessionToken"]
