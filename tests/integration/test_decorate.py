"""``@mock_sts`` on classes and on every kind of function: every test it holds runs mocked."""

from __future__ import annotations

import asyncio
import unittest
from collections.abc import AsyncGenerator, Generator
from typing import Any

import pytest

from pytest_stsmock import STSBackend, StsMockError, active_backend, mock_sts
from tests.helpers.clients import sts

pytest_plugins = ["pytester"]


def _mocked_account() -> str:
    """The account answering now; StsMockError (never the network) when unmocked."""
    backend = active_backend()
    identity = sts().get_caller_identity()
    assert backend.calls[-1].operation == "GetCallerIdentity"
    return str(identity["Account"])


class _Mixin:
    def test_inherited_from_a_mixin(self) -> None:
        assert _mocked_account() == "111111111111"


class _Base:
    def test_inherited_from_a_base(self) -> None:
        assert _mocked_account() == "111111111111"

    @staticmethod
    def test_inherited_static() -> None:
        assert _mocked_account() == "111111111111"


@mock_sts(account_id="111111111111")
class TestEveryKindOfMethod(_Mixin, _Base):
    def test_own(self) -> None:
        assert _mocked_account() == "111111111111"

    @staticmethod
    def test_static() -> None:
        assert _mocked_account() == "111111111111"

    @classmethod
    def test_class_method(cls) -> None:
        assert cls is TestEveryKindOfMethod
        assert _mocked_account() == "111111111111"

    async def test_coroutine(self) -> str:
        return _mocked_account()

    # pytest-asyncio is not a dependency: the test below drives this one by hand.
    test_coroutine.__test__ = False  # type: ignore[attr-defined]


def test_base_classes_are_not_changed() -> None:
    assert not hasattr(_Base.test_inherited_from_a_base, "__stsmock_wrapped__")
    assert not hasattr(_Mixin.test_inherited_from_a_mixin, "__stsmock_wrapped__")
    with pytest.raises(StsMockError, match="No mock_sts is active"):
        _Base().test_inherited_from_a_base()


def test_a_decorated_coroutine_method_is_a_coroutine_function_run_mocked() -> None:
    import inspect

    assert inspect.iscoroutinefunction(TestEveryKindOfMethod.test_coroutine)
    assert asyncio.run(TestEveryKindOfMethod().test_coroutine()) == "111111111111"


@mock_sts(account_id="222222222222")
class TestSetupMethodSharesTheTestsActivation:
    def setup_method(self, method: Any) -> None:
        self.backend = active_backend()
        self.role = self.backend.default_account.create_role(
            "seeded-in-setup", trust_policy=_TRUST_DEFAULT_ACCOUNT
        )

    def teardown_method(self) -> None:
        assert active_backend() is self.backend

    def test_sees_what_setup_seeded(self) -> None:
        assert active_backend() is self.backend
        assert self.backend.find_role(self.role.arn) is self.role


_TRUST_DEFAULT_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sts:AssumeRole"}
    ],
}


@mock_sts(account_id="222222222222")
class TestSetupClassSeedsForEveryTest:
    backend: STSBackend

    @classmethod
    def setup_class(cls) -> None:
        cls.backend = active_backend()
        cls.backend.default_account.create_user("from-setup-class")

    @classmethod
    def teardown_class(cls) -> None:
        assert active_backend() is cls.backend

    def test_one(self) -> None:
        assert active_backend() is self.backend
        assert "from-setup-class" in self.backend.default_account.users

    def test_two(self) -> None:
        assert active_backend() is self.backend


class _UnittestMixin:
    def test_inherited(self) -> None:
        assert _mocked_account() == "333333333333"


@mock_sts(account_id="333333333333")
class UnittestEverything(_UnittestMixin, unittest.TestCase):
    shared: STSBackend

    @classmethod
    def setUpClass(cls) -> None:
        cls.shared = active_backend()
        cls.shared.default_account.create_user("from-setupclass")

    @classmethod
    def tearDownClass(cls) -> None:
        assert active_backend() is cls.shared

    def setUp(self) -> None:
        self.backend = active_backend()

    def tearDown(self) -> None:
        assert active_backend() is self.backend

    def test_setup_and_test_share_one_backend(self) -> None:
        assert active_backend() is self.backend is self.shared
        assert "from-setupclass" in self.backend.default_account.users

    @staticmethod
    def test_static() -> None:
        assert _mocked_account() == "333333333333"


@mock_sts(account_id="444444444444")
class UnittestAsync(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.backend = active_backend()

    async def test_async(self) -> None:
        assert active_backend() is self.backend
        assert _mocked_account() == "444444444444"


# -- generator functions ------------------------------------------------------------


def test_a_decorated_generator_stays_mocked_until_it_finishes() -> None:
    @mock_sts(account_id="555555555555")
    def numbers() -> Generator[str, str, None]:
        yield _mocked_account()
        received = yield "second"
        yield f"got {received}"

    gen = numbers()
    assert next(gen) == "555555555555"
    assert active_backend().account_id == "555555555555"  # still active between steps
    assert next(gen) == "second"
    assert gen.send("x") == "got x"
    with pytest.raises(StopIteration):
        next(gen)
    with pytest.raises(StsMockError):
        active_backend()


def test_a_closed_generator_stops_its_mock() -> None:
    @mock_sts
    def forever() -> Generator[int, None, None]:
        while True:
            yield 1

    gen = forever()
    next(gen)
    gen.close()
    with pytest.raises(StsMockError):
        active_backend()


def test_a_decorated_async_generator_stays_mocked_and_forwards_athrow() -> None:
    @mock_sts(account_id="666666666666")
    async def agen() -> AsyncGenerator[str, None]:
        try:
            yield _mocked_account()
            yield "second"
        except KeyError:
            yield "caught"

    async def drive() -> list[str]:
        it = agen()
        out = [await it.__anext__()]
        out.append(active_backend().account_id)
        out.append(await it.__anext__())
        out.append(await it.athrow(KeyError("k")))
        await it.aclose()
        return out

    assert asyncio.run(drive()) == ["666666666666", "666666666666", "second", "caught"]
    with pytest.raises(StsMockError):
        active_backend()


def test_a_fixture_decorated_with_mock_sts_keeps_the_mock_for_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_stsmock import active_backend, mock_sts

        @pytest.fixture
        @mock_sts(account_id="777777777777")
        def seeded():
            backend = active_backend()
            backend.default_account.create_user("fixture-user")
            yield backend
            assert active_backend() is backend

        def test_it(seeded):
            assert active_backend() is seeded
            assert "fixture-user" in seeded.default_account.users

        def test_after():
            with pytest.raises(Exception, match="No mock_sts is active"):
                active_backend()
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_pytest_runs_every_test_of_a_decorated_class_mocked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import unittest
        from pytest_stsmock import active_backend, mock_sts

        class Base:
            def test_inherited(self):
                assert active_backend().account_id == "888888888888"

        @mock_sts(account_id="888888888888")
        class TestIt(Base):
            @staticmethod
            def test_static():
                assert active_backend().account_id == "888888888888"

            @classmethod
            def test_cls(cls):
                assert active_backend().account_id == "888888888888"

        class UMixin:
            def test_u_inherited(self):
                assert active_backend().account_id == "888888888888"

        @mock_sts(account_id="888888888888")
        class UTest(UMixin, unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.backend = active_backend()

            def test_u(self):
                assert active_backend() is self.backend
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=5)


# -- edges: failing hooks stop their mock, odd callables, generators that end early ------


def _no_mock_active() -> bool:
    try:
        active_backend()
    except StsMockError:
        return True
    return False


def test_a_failing_setup_method_or_setup_class_leaves_no_mock_active() -> None:
    @mock_sts
    class TestFailingSetup:
        def setup_method(self) -> None:
            raise RuntimeError("setup fails")

        @classmethod
        def setup_class(cls) -> None:
            raise KeyError("class setup fails")

        def test_x(self) -> None:
            pass

    with pytest.raises(RuntimeError):
        TestFailingSetup.setup_method(TestFailingSetup())
    assert _no_mock_active()
    with pytest.raises(KeyError):
        TestFailingSetup.setup_class()
    assert _no_mock_active()


def test_hooks_of_every_kind_are_called_as_pytest_calls_them() -> None:
    seen: list[str] = []

    @mock_sts
    class TestHooks:
        @staticmethod
        def setup_method(method: Any) -> None:
            seen.append(f"static setup {method}")

        def teardown_method(self, method: Any) -> None:
            seen.append(f"teardown {method}")

        def setup_class(cls: Any) -> None:
            seen.append(f"class setup {cls.__name__}")

        def test_x(self) -> None:
            seen.append(f"test {active_backend().account_id}")

    instance = TestHooks()
    TestHooks.setup_class()  # type: ignore[call-arg]
    instance.setup_method("m")
    instance.test_x()
    instance.teardown_method("m")
    TestHooks.teardown_class()  # type: ignore[attr-defined]
    assert seen == [
        "class setup TestHooks",
        "static setup m",
        "test 123456789012",
        "teardown m",
    ]
    assert _no_mock_active()


def test_decorating_twice_wraps_once() -> None:
    @mock_sts
    @mock_sts
    class TestTwice(unittest.TestCase):
        def test_x(self) -> None:
            pass

    assert getattr(TestTwice.run, "__stsmock_wrapped__", False)

    class Plain:
        def test_y(self) -> str:
            return active_backend().account_id

    once = mock_sts(Plain)
    wrapped = once.test_y
    assert mock_sts(once).test_y is wrapped


def test_a_callable_object_and_a_partial_run_mocked() -> None:
    import functools

    def account(prefix: str) -> str:
        return prefix + active_backend().account_id

    assert mock_sts(functools.partial(account, "id:"))() == "id:123456789012"


def test_async_generators_that_end_at_any_step() -> None:
    @mock_sts
    async def empty() -> AsyncGenerator[str, None]:
        nothing: tuple[str, ...] = ()
        for item in nothing:
            yield item

    @mock_sts
    async def two() -> AsyncGenerator[str, str]:
        got = yield "first"
        try:
            yield got
        except ValueError:
            return

    async def drive() -> list[str]:
        out = [item async for item in empty()]
        it = two()
        out.append(await it.__anext__())
        out.append(await it.asend("sent"))
        with pytest.raises(StopAsyncIteration):
            await it.athrow(ValueError("stop"))
        it2 = two()
        await it2.__anext__()
        await it2.asend("x")
        with pytest.raises(StopAsyncIteration):
            await it2.asend("y")
        return out

    assert asyncio.run(drive()) == ["first", "sent"]
    assert _no_mock_active()
