"""pytest glue: the ``sts_backend`` fixture, the ``stsmock`` marker, options, reports.

Registered through the ``pytest11`` entry point ``stsmock``.  Importing this
module is cheap: botocore and the mock machinery load when a test first uses
the mock.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from . import _observe

if TYPE_CHECKING:
    from .backend import STSBackend
    from .server import StsServer

_MARKER_OPTIONS = ("account_id", "region", "strict", "seed")
_SEEN = pytest.StashKey[list["STSBackend"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("stsmock", "pytest-stsmock: in-process AWS STS")
    group.addoption(
        "--stsmock-seed",
        type=int,
        default=None,
        help="Seed for every identifier the STS mock generates (reproducible keys and tokens).",
    )
    parser.addini(
        "stsmock_account_id", "Default account id of the STS mock.", default="123456789012"
    )
    parser.addini("stsmock_region", "Default region of the STS mock.", default="us-east-1")
    parser.addini(
        "stsmock_strict",
        "Refuse access keys the STS mock never issued (InvalidClientTokenId).",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "stsmock(account_id=None, region=None, strict=None, seed=None): run the test with the "
        "STS mock active (the sts_backend fixture), configured by these options.",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The marker alone turns the mock on: make sts_backend the test's first fixture,
    # so fixtures that create clients or seed data already run under the mock.
    for item in items:
        fixturenames = getattr(item, "fixturenames", None)
        if (
            fixturenames is not None
            and item.get_closest_marker("stsmock") is not None
            and "sts_backend" not in fixturenames
        ):
            fixturenames.insert(0, "sts_backend")


def _ini(config: pytest.Config, name: str) -> Any:
    try:
        return config.getini(name)
    except (ValueError, pytest.UsageError):  # pytest's bool reader refused the value
        from .errors import StsMockError

        given = getattr(config, "inicfg", {}).get(name)
        raise StsMockError(f"ini option {name} must be true or false, not {given!r}.") from None


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The options for this test: ini options and --stsmock-seed, then markers (closest wins)."""
    from . import _options as check

    config = request.config
    options: dict[str, Any] = {
        "account_id": _ini(config, "stsmock_account_id"),
        "region": _ini(config, "stsmock_region"),
        "strict": _ini(config, "stsmock_strict"),
    }
    check.check(options, lambda name: f"ini option stsmock_{name}")
    options["seed"] = config.getoption("stsmock_seed")  # argparse has checked it is an int
    # Closest marker wins: iterate from the farthest (module) to the closest (function).
    for marker in reversed(list(request.node.iter_markers("stsmock"))):
        if marker.args:
            from .errors import StsMockError

            raise StsMockError(
                "@pytest.mark.stsmock takes keyword arguments only, e.g. "
                "@pytest.mark.stsmock(account_id='111122223333')."
            )
        check.reject_unknown(marker.kwargs, "@pytest.mark.stsmock(...)", _MARKER_OPTIONS)
        given = {k: v for k, v in marker.kwargs.items() if v is not None}
        check.check(given, check.in_call("@pytest.mark.stsmock"))
        options.update(given)
    return options


@pytest.fixture
def sts_backend(request: pytest.FixtureRequest) -> Generator[STSBackend, None, None]:
    """The STS mock, active for this test; yields the STSBackend to seed and assert on."""
    from .mock import MockSTS

    mock = MockSTS(**_options(request))
    mock.fixture = True
    backend = mock.start()
    try:
        yield backend
    finally:
        mock.stop()


@pytest.fixture
def sts_server(sts_backend: STSBackend) -> Generator[StsServer, None, None]:
    """A real HTTP STS endpoint on 127.0.0.1 (a free port) answering from this test's
    ``sts_backend``: ``.endpoint_url`` for subprocesses and other SDKs, ``.backend``."""
    from .server import StsServer

    with StsServer(sts_backend) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    try:
        return (yield)
    finally:
        # monkeypatch (and moto) may have put a stopped mock's fake key back: undo that.
        mock = sys.modules.get("pytest_stsmock.mock")
        if mock is not None:
            mock.sweep_environment()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    seen: list[STSBackend] = []
    item.stash[_SEEN] = seen
    _observe.observers.append(seen)
    try:
        return (yield)
    finally:
        # Remove this very list: lists compare by value, so list.remove could pick another.
        _observe.observers[:] = [other for other in _observe.observers if other is not seen]
        # The reports are made: let the backends go.  An item lives as long as the
        # session, so a stash entry would keep every test's backend (its calls, its
        # sessions) alive to the end of the run, for the garbage collector to walk.
        del item.stash[_SEEN]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report: pytest.TestReport = yield
    if report.failed:  # in the test, or in a fixture's setup or teardown
        lines = []
        for backend in item.stash.get(_SEEN, []):
            for number, sts_call in enumerate(backend.calls, 1):
                if sts_call.error_code is None:
                    continue
                lines.append(
                    f"{number}. {sts_call.operation} "
                    f"by {sts_call.caller_arn or 'an unsigned caller'}"
                    f" -> {sts_call.error_code}: {sts_call.error_message}"
                )
                if sts_call.explanation:
                    lines.extend(f"     {line}" for line in sts_call.explanation.splitlines())
        if lines:
            report.sections.append(("stsmock: denied calls", "\n".join(lines)))
    return report
