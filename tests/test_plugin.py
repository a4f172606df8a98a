"""The pytest integration (README "Quick start"), driven through pytester."""

from __future__ import annotations

# Import the AWS stack in this process: pytester's in-process runs drop modules
# first imported inside them, and a backend module imported afresh by the next
# run would not match the one a cached object came from.
import boto3  # noqa: F401
import pytest

import pytest_stsmock.mock
import pytest_stsmock.transports.install  # noqa: F401

pytest_plugins = ["pytester"]

_PREAMBLE = """
import boto3
import pytest
from botocore.config import Config

def sts(**kw):
    return boto3.client("sts", region_name="us-east-1", config=Config(retries={"max_attempts": 1}), **kw)
"""


def _run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=_PREAMBLE + source)
    return pytester.runpytest_inprocess(*args)


def test_fixture_activates_the_mock(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
def test_it(sts_backend):
    assert sts().get_caller_identity()["Account"] == "123456789012"
    sts_backend.assert_called("GetCallerIdentity")
""",
    )
    result.assert_outcomes(passed=1)


def test_marker_alone_turns_the_mock_on_before_other_fixtures(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
@pytest.fixture
def client():
    return sts()

@pytest.fixture
def identity(client):
    return client.get_caller_identity()

@pytest.mark.stsmock(account_id="111122223333")
def test_it(identity):
    assert identity["Account"] == "111122223333"
""",
    )
    result.assert_outcomes(passed=1)


def test_marker_options_configure_the_fixture(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
pytestmark = pytest.mark.stsmock(account_id="111111111111", region="eu-west-1")

@pytest.mark.stsmock(account_id="222222222222", strict=True, seed=3)
def test_closest_marker_wins(sts_backend):
    assert sts_backend.account_id == "222222222222"
    assert sts_backend.region == "eu-west-1"
    assert sts_backend.strict is True
    assert sts_backend.seed == 3
""",
    )
    result.assert_outcomes(passed=1)


def test_marker_with_an_unknown_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
@pytest.mark.stsmock(acount_id="111111111111")
def test_typo(sts_backend):
    pass
""",
    )
    result.stdout.fnmatch_lines(
        [
            "*StsMockError: @pytest.mark.stsmock(...) has no option 'acount_id' "
            "(did you mean 'account_id'?); use account_id, region, strict, seed."
        ]
    )
    assert result.ret != 0


def test_ini_options_and_seed_option(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
[pytest]
stsmock_account_id = 333344445555
stsmock_region = ap-southeast-2
stsmock_strict = true
"""
    )
    result = _run(
        pytester,
        """
def test_it(sts_backend):
    assert sts_backend.account_id == "333344445555"
    assert sts_backend.region == "ap-southeast-2"
    assert sts_backend.strict is True
    assert sts_backend.seed == 42
""",
        "--stsmock-seed=42",
    )
    result.assert_outcomes(passed=1)


def test_seed_option_gives_the_same_keys_every_run(pytester: pytest.Pytester) -> None:
    source = """
def test_it(sts_backend):
    with open("keys.txt", "a") as out:
        out.write(sts_backend.default_access_key.access_key_id + "\\n")
"""
    for _ in range(2):
        _run(pytester, source, "--stsmock-seed=9").assert_outcomes(passed=1)
    _run(pytester, source, "--stsmock-seed=10").assert_outcomes(passed=1)
    first, second, third = (pytester.path / "keys.txt").read_text().split()
    assert first == second != third


def test_failed_test_report_lists_denied_calls(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
def test_denied(sts_backend):
    user = sts_backend.default_account.create_user("nobody")
    client = sts(**user.create_access_key().client_kwargs)
    try:
        client.get_federation_token(Name="fed")
    except Exception:
        pass
    assert False, "the test fails"
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- stsmock: denied calls -*",
            "1. GetFederationToken by arn:aws:iam::123456789012:user/nobody -> AccessDenied: "
            "User: arn:aws:iam::123456789012:user/nobody is not authorized to perform: "
            "sts:GetFederationToken on resource: arn:aws:sts::123456789012:federated-user/fed",
            "     arn:aws:iam::123456789012:user/nobody has no identity policy, so nothing allows "
            "sts:GetFederationToken on arn:aws:sts::123456789012:federated-user/fed",
        ]
    )


def test_passing_test_has_no_report_section(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
def test_ok(sts_backend):
    user = sts_backend.default_account.create_user("nobody")
    try:
        sts(**user.create_access_key().client_kwargs).get_federation_token(Name="fed")
    except Exception:
        pass
""",
        "-rA",
    )
    result.assert_outcomes(passed=1)
    assert "stsmock: denied calls" not in result.stdout.str()


def test_a_finished_tests_backend_is_let_go(pytester: pytest.Pytester) -> None:
    # The report reads the backends a test activated; once it is made they must not live
    # on (an item lasts as long as the session: 10,000 tests would keep 10,000 backends).
    # A process of its own: in-process, this very test's own report would hold them.
    pytester.makepyfile(
        test_user=_PREAMBLE
        + """
import gc, weakref
from pytest_stsmock import mock_sts
REFS = []

def test_fixture(sts_backend):
    sts().get_caller_identity()
    REFS.append(weakref.ref(sts_backend))

@mock_sts
def test_decorator():
    sts().get_caller_identity()
    from pytest_stsmock.transports.registry import innermost
    REFS.append(weakref.ref(innermost()))

def test_after():
    gc.collect()
    assert len(REFS) == 2 and [ref() for ref in REFS] == [None, None]
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=3)


def test_decorator_tests_get_the_report_too(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
from pytest_stsmock import mock_sts

@mock_sts(strict=True)
def test_denied():
    try:
        sts(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40).get_caller_identity()
    except Exception:
        pass
    assert False
""",
    )
    result.stdout.fnmatch_lines(
        ["*- stsmock: denied calls -*", "1. GetCallerIdentity by *InvalidClientTokenId*"]
    )


def test_xdist_workers_have_isolated_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_many=_PREAMBLE
        + "\n".join(
            f"""
def test_{n}(sts_backend):
    sts_backend.default_account.create_user("only-one")
    sts().get_session_token()
    assert len(sts_backend.sessions) == 1
    assert len(sts_backend.calls) == 1
"""
            for n in range(8)
        )
    )
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["*2 workers*"])
