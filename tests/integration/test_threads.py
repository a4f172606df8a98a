"""Threads sharing one backend: exact call logs, no lost or duplicated session, a narrow lock.

Throughput is the benchmark's business (benchmarks/bench.py, the thread
rows); these tests check correctness only, each bounded in time.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, mock_sts
from tests.helpers.clients import client_for

TIMEOUT = 120  # seconds for any one group of threads: generous for a loaded machine
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:user/stsmock"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _client(backend: STSBackend, **keys: str) -> Any:
    keys = keys or backend.default_access_key.client_kwargs
    return boto3.client(
        "sts", region_name="us-east-1", config=Config(retries={"max_attempts": 1}), **keys
    )


def _run(
    threads: int, work: Callable[[int], None], timeout: float = TIMEOUT
) -> list[BaseException]:
    """Run ``work(index)`` in ``threads`` threads at once; the exceptions they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def target(index: int) -> None:
        try:
            start.wait(TIMEOUT)
            work(index)
        except BaseException as error:  # reported to the test, not lost in the thread
            errors.append(error)

    pool = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in pool:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in pool), "threads did not finish in time"
    return errors


def test_eight_threads_of_get_caller_identity_log_every_call() -> None:
    with mock_sts() as backend:

        def work(index: int) -> None:
            client = _client(backend)
            for _ in range(50):
                assert client.get_caller_identity()["Account"] == "123456789012"

        assert _run(8, work) == []
    assert len(backend.calls) == 400
    assert {c.operation for c in backend.calls} == {"GetCallerIdentity"}
    assert all(c.error_code is None for c in backend.calls)


def test_a_mix_of_operations_in_threads_counts_exactly_and_every_credential_works() -> None:
    issued: list[dict[str, Any]] = []
    with mock_sts() as backend:
        backend.default_account.create_role("target", trust_policy=TRUST)
        role_arn = "arn:aws:iam::123456789012:role/target"

        def work(index: int) -> None:
            client = _client(backend)
            for round_ in range(10):
                client.get_caller_identity()
                issued.append(client.get_session_token()["Credentials"])
                issued.append(
                    client.assume_role(RoleArn=role_arn, RoleSessionName=f"t{index}-{round_}")[
                        "Credentials"
                    ]
                )

        assert _run(8, work) == []
        counts = Counter(c.operation for c in backend.calls)
        assert counts == {"GetCallerIdentity": 80, "GetSessionToken": 80, "AssumeRole": 80}
        assert all(c.error_code is None for c in backend.calls)
        assert len(backend.sessions) == 160
        # Every credential handed out is the one the backend registered, and it signs.
        for creds in issued[::16]:
            session = backend._sessions_by_key[creds["AccessKeyId"]]
            assert session.secret_access_key == creds["SecretAccessKey"]
            client_for(creds).get_caller_identity()


def test_sixteen_threads_lose_and_duplicate_no_session() -> None:
    keys: list[str] = []
    with mock_sts() as backend:
        backend.default_account.create_role("target", trust_policy=TRUST)

        def work(index: int) -> None:
            client = _client(backend)
            for round_ in range(15):
                if round_ % 2:
                    creds = client.get_session_token()["Credentials"]
                else:
                    creds = client.assume_role(
                        RoleArn="arn:aws:iam::123456789012:role/target",
                        RoleSessionName=f"s{index}",
                    )["Credentials"]
                keys.append(creds["AccessKeyId"])

        assert _run(16, work) == []
    assert len(keys) == 240 and len(set(keys)) == 240
    assert sorted(s.access_key_id for s in backend.sessions) == sorted(keys)
    assert set(backend._sessions_by_key) == set(keys)
    assert len(backend.calls) == 240


def test_authentication_runs_outside_the_lock_and_the_operation_inside() -> None:
    with mock_sts() as backend:
        key = backend.default_access_key
        forged = _client(
            backend, aws_access_key_id=key.access_key_id, aws_secret_access_key="not-the-secret"
        )
        good = _client(backend)
        good.get_session_token()  # warm: clients and caches made before the lock is taken
        outcome: dict[str, Any] = {}

        def refused() -> None:
            with pytest.raises(ClientError) as caught:
                forged.get_session_token()
            outcome["refused"] = caught.value.response["Error"]["Code"]

        def answered() -> None:
            outcome["answered"] = good.get_session_token()["Credentials"]["AccessKeyId"]

        with backend.lock:  # as if another thread were in the middle of an operation
            errors = _run(1, lambda _: refused())
            assert errors == [] and outcome["refused"] == "SignatureDoesNotMatch"
            waiting = threading.Thread(target=answered, daemon=True)
            waiting.start()
            waiting.join(0.3)
            assert waiting.is_alive() and "answered" not in outcome  # waits for the operation
        waiting.join(TIMEOUT)
        assert backend.session(outcome["answered"]) is not None


def test_get_caller_identity_changes_nothing_and_never_waits_for_the_lock() -> None:
    with mock_sts() as backend:
        client = _client(backend)
        client.get_caller_identity()  # warm
        arns: list[str] = []
        with backend.lock:  # another thread's AssumeRole, say, is running
            errors = _run(4, lambda _: arns.append(client.get_caller_identity()["Arn"]), 20)
        assert errors == []
        assert arns == ["arn:aws:iam::123456789012:user/stsmock"] * 4
        assert [call.operation for call in backend.calls] == ["GetCallerIdentity"] * 5


def test_assume_role_decides_outside_the_lock_and_registers_inside() -> None:
    with mock_sts() as backend:
        role = backend.default_account.create_role("target", trust_policy=TRUST)
        closed = backend.default_account.create_role(
            "closed",
            trust_policy={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "111122223333"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        )
        client = _client(backend)
        client.assume_role(RoleArn=role.arn, RoleSessionName="warm")
        with pytest.raises(ClientError):  # warm: the first denial makes the message key
            client.assume_role(RoleArn=closed.arn, RoleSessionName="warm")
        outcome: dict[str, Any] = {}

        def refused() -> None:
            with pytest.raises(ClientError) as caught:
                client.assume_role(RoleArn=closed.arn, RoleSessionName="s1")
            outcome["refused"] = caught.value.response["Error"]["Code"]

        def answered() -> None:
            creds = client.assume_role(RoleArn=role.arn, RoleSessionName="s1")["Credentials"]
            outcome["answered"] = creds["AccessKeyId"]

        with backend.lock:  # another thread is registering a session
            errors = _run(1, lambda _: refused(), 20)  # the whole decision, without the lock
            assert errors == [] and outcome["refused"] == "AccessDenied"
            waiting = threading.Thread(target=answered, daemon=True)
            waiting.start()
            waiting.join(0.3)
            assert waiting.is_alive() and "answered" not in outcome  # waits to register
            assert len(backend.sessions) == 1
        waiting.join(TIMEOUT)
        assert backend.session(outcome["answered"]) is not None
        assert len(backend.sessions) == 2


def test_two_threads_sending_one_mfa_code_at_once_get_one_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pytest_stsmock.backend.mfa import MFADevice

    checked = threading.Barrier(2)
    matching_step = MFADevice.matching_step

    def both_check_first(self: MFADevice, code: str, at: Any) -> int | None:
        step = matching_step(self, code, at)
        checked.wait(20)  # both threads have found the code unused before either uses it
        return step

    with mock_sts() as backend:
        user = backend.default_account.create_user("alice")
        device = user.add_mfa_device()
        clients = [_client(backend, **user.create_access_key().client_kwargs) for _ in range(2)]
        for client in clients:
            client.get_caller_identity()  # warm
        monkeypatch.setattr(MFADevice, "matching_step", both_check_first)
        code = device.code()
        results: list[str] = []
        refusals: list[tuple[str, str]] = []

        def work(index: int) -> None:
            try:
                creds = clients[index].get_session_token(
                    SerialNumber=device.serial_number, TokenCode=code
                )["Credentials"]
                results.append(creds["AccessKeyId"])
            except ClientError as error:
                refusals.append(
                    (error.response["Error"]["Code"], error.response["Error"]["Message"])
                )

        assert _run(2, work, 60) == []
        assert len(results) == 1 and backend.session(results[0]) is not None
        assert refusals == [
            (
                "AccessDenied",
                "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            )
        ]
        assert len(backend.sessions) == 1
        refused = [call for call in backend.calls if call.error_code == "AccessDenied"]
        assert len(refused) == 1 and "already used" in (refused[0].explanation or "")


def test_a_decision_that_meets_a_dict_changing_under_it_is_made_again_under_the_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pytest_stsmock.backend import authz, iam

    effective_policies = iam.effective_policies
    held: list[bool] = []

    def changed_once(principal: Any) -> Any:
        held.append(backend.lock._is_owned())  # type: ignore[attr-defined]
        if len(held) == 1:  # as Python says when another thread's PutUserPolicy lands
            raise RuntimeError("dictionary changed size during iteration")
        return effective_policies(principal)

    with mock_sts() as backend:
        role = backend.default_account.create_role("target", trust_policy=TRUST)
        client = _client(backend)
        monkeypatch.setattr(authz, "effective_policies", changed_once)
        creds = client.assume_role(RoleArn=role.arn, RoleSessionName="s1")["Credentials"]
        assert held[:2] == [False, True]  # first without the lock, then again with it
        assert backend.session(creds["AccessKeyId"]) is not None
        assert len(backend.sessions) == 1
        assert [(c.operation, c.error_code) for c in backend.calls] == [("AssumeRole", None)]
