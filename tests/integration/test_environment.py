"""The environment comes back whole: any stop order, monkeypatch in either order, tasks."""

from __future__ import annotations

import asyncio
import itertools
import os

import pytest

from pytest_stsmock import StsMockError, active_backend, mock_sts
from tests.helpers.clients import sts

pytest_plugins = ["pytester"]

ORIGINAL = {
    "AWS_ACCESS_KEY_ID": "AKIAORIGINALORIGINAL",
    "AWS_SECRET_ACCESS_KEY": "original-secret",
    "AWS_SESSION_TOKEN": "original-token",
    "AWS_PROFILE": "original-profile",
}
NAMES = (*ORIGINAL, "AWS_DEFAULT_REGION", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")


@pytest.fixture
def original(monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    for name, value in ORIGINAL.items():
        monkeypatch.setenv(name, value)
    return {name: os.environ.get(name) for name in NAMES}


def _environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in NAMES}


@pytest.mark.parametrize(
    "order", list(itertools.permutations(range(3))), ids=lambda o: "stop-" + "".join(map(str, o))
)
def test_three_mocks_stopped_in_any_order_restore_the_environment(
    original: dict[str, str | None], order: tuple[int, ...]
) -> None:
    mocks = [mock_sts(), mock_sts(), mock_sts()]
    backends = [m.start() for m in mocks]
    running = [0, 1, 2]
    for index in order:
        mocks[index].stop()
        running.remove(index)
        if running:  # the innermost still running answers, with its own key in the environment
            top = backends[running[-1]]
            assert os.environ["AWS_ACCESS_KEY_ID"] == top.default_access_key.access_key_id
            assert active_backend() is top
            sts().get_caller_identity()
            assert top.calls[-1].caller_arn == top.default_user.arn
    assert _environment() == original


def test_the_issue_example_a_b_a_b(original: dict[str, str | None]) -> None:
    a, b = mock_sts(), mock_sts()
    a.start()
    b.start()
    a.stop()
    b.stop()
    assert _environment() == original


def test_two_decorated_coroutines_under_gather_are_refused_not_shared(
    original: dict[str, str | None],
) -> None:
    @mock_sts
    async def work(delay: float) -> str:
        await asyncio.sleep(delay)
        return active_backend().default_access_key.access_key_id

    async def main() -> list[object]:
        return list(await asyncio.gather(work(0.01), work(0.0), return_exceptions=True))

    first, second = asyncio.run(main())
    assert isinstance(first, str)
    assert isinstance(second, StsMockError)
    assert "already active in another asyncio task" in str(second)
    assert _environment() == original


def test_a_task_started_inside_an_active_mock_nests() -> None:
    @mock_sts(account_id="222222222222")
    async def inner() -> str:
        return active_backend().account_id

    @mock_sts(account_id="111111111111")
    async def outer() -> list[str]:
        nested = await asyncio.gather(inner(), inner())
        return [*nested, active_backend().account_id]

    assert asyncio.run(outer()) == ["222222222222", "222222222222", "111111111111"]


def test_a_mock_left_by_a_finished_task_does_not_block_another(
    original: dict[str, str | None],
) -> None:
    mock = mock_sts()

    async def main() -> str:
        await asyncio.get_running_loop().create_task(_start(mock))
        async with mock_sts(account_id="333333333333") as backend:
            return backend.account_id

    assert asyncio.run(main()) == "333333333333"
    mock.stop()
    assert _environment() == original


async def _start(mock: object) -> None:
    mock.start()  # type: ignore[attr-defined]


def test_reset_keeps_the_default_key_so_strict_mode_still_works() -> None:
    with mock_sts(strict=True) as backend:
        backend.default_account.create_user("gone")
        sts().get_caller_identity()
        backend.reset()
        assert backend.calls == [] and "gone" not in backend.default_account.users
        identity = sts().get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:user/stsmock"
        assert backend.calls[-1].error_code is None
        assert os.environ["AWS_ACCESS_KEY_ID"] == backend.default_access_key.access_key_id


_ENV_CHECK = """
import os
import pytest
from pytest_stsmock import mock_sts

ORIGINAL = {"AWS_ACCESS_KEY_ID": "AKIAORIGINALORIGINAL", "AWS_DEFAULT_REGION": None,
            "AWS_SECRET_ACCESS_KEY": "original-secret", "AWS_PROFILE": "original-profile"}

def _now():
    return {name: os.environ.get(name) for name in ORIGINAL}
"""


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            """
def test_change(monkeypatch, sts_backend):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIACHANGEDBYTHETEST")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
""",
            id="monkeypatch-before-sts_backend",
        ),
        pytest.param(
            """
def test_change(sts_backend, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIACHANGEDBYTHETEST")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
""",
            id="monkeypatch-after-sts_backend",
        ),
        pytest.param(
            """
@mock_sts
def test_change(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_PROFILE", "set-in-test")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
""",
            id="decorator-and-monkeypatch",
        ),
        pytest.param(
            """
@pytest.mark.stsmock(region="eu-west-2")
def test_change(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "changed")
""",
            id="marker-and-monkeypatch",
        ),
    ],
)
def test_monkeypatch_in_any_order_leaves_no_fake_key_for_later_tests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAORIGINALORIGINAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "original-secret")
    monkeypatch.setenv("AWS_PROFILE", "original-profile")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    pytester.makepyfile(
        _ENV_CHECK
        + body
        + """
def test_later_tests_see_the_original_environment():
    assert _now() == ORIGINAL
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
