"""Options and seeding arguments are checked where given: StsMockError naming the fix."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from pytest_stsmock import STSBackend, StsMockError, StsMockWarning, active_backend, mock_sts

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            {"strict": "false"},
            "mock_sts(strict=...) must be True or False, not 'false'.",
            id="strict-str",
        ),
        pytest.param({"strict": 1}, "mock_sts(strict=...) must be True or False, not 1.", id="1"),
        pytest.param(
            {"seed": "abc"},
            "mock_sts(seed=...) must be an int (or None for random), not 'abc'.",
            id="seed-str",
        ),
        pytest.param(
            {"seed": 1.5},
            "mock_sts(seed=...) must be an int (or None for random), not 1.5.",
            id="seed-float",
        ),
        pytest.param(
            {"seed": True},
            "mock_sts(seed=...) must be an int (or None for random), not True.",
            id="seed-bool",
        ),
        pytest.param(
            {"region": "US-EAST-1"},
            "mock_sts(region=...) must be an AWS region name such as 'us-east-1' or "
            "'eu-west-1' (lower case, as botocore knows them), not 'US-EAST-1'.",
            id="region-upper",
        ),
        pytest.param(
            {"region": "moon-base-1"},
            "mock_sts(region=...) must be an AWS region name such as 'us-east-1' or "
            "'eu-west-1' (lower case, as botocore knows them), not 'moon-base-1'.",
            id="region-unknown",
        ),
        pytest.param(
            {"account_id": 123456789012},
            "mock_sts(account_id=...) must be a string of exactly 12 digits, "
            "e.g. '111122223333', not 123456789012.",
            id="account-int",
        ),
        pytest.param(
            {"acount_id": "111122223333"},
            "mock_sts(...) has no option 'acount_id' (did you mean 'account_id'?); "
            "use account_id, region, strict, seed, backend, iam.",
            id="typo",
        ),
    ],
)
def test_mock_sts_options_are_checked(options: dict[str, object], message: str) -> None:
    with pytest.raises(StsMockError) as raised:
        mock_sts(**options)  # type: ignore[call-overload]
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "ap-southeast-7"]
)
def test_real_and_future_regions_are_accepted(region: str) -> None:
    mock_sts(region=region)
    assert STSBackend(region=region).region == region


def test_the_backend_checks_its_options_too() -> None:
    with pytest.raises(StsMockError, match=r"^STSBackend\(strict=\.\.\.\) must be True or False"):
        STSBackend(strict="yes")  # type: ignore[arg-type]


def test_seeding_arguments_are_checked() -> None:
    backend = STSBackend()
    acct = backend.default_account
    with pytest.raises(StsMockError) as raised:
        acct.disable_region("Mars")
    assert str(raised.value).startswith("disable_region(region) must be an AWS region name")
    assert acct.disabled_regions == set()
    with pytest.raises(StsMockError, match=r"could never be sent as SerialNumber.*9 to 256"):
        acct.create_user("u1").add_mfa_device(serial_number="short")
    with pytest.raises(StsMockError, match="could never be sent as SerialNumber"):
        acct.create_user("u2").add_mfa_device(serial_number="arn:aws:iam::1:mfa/has space")
    with pytest.raises(StsMockError, match="could never be sent as SerialNumber"):
        acct.create_user("u3").add_mfa_device(serial_number="x" * 257)
    device = acct.create_user("u4").add_mfa_device(serial_number="GAHT12345678")
    assert backend.mfa_device("GAHT12345678") is device
    with pytest.raises(StsMockError, match=r"code\(at=\.\.\.\) takes a datetime or epoch seconds"):
        device.code(at="2026-01-01T00:00:00Z")  # type: ignore[arg-type]
    assert device.code(at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)).isdigit()
    with pytest.raises(StsMockError, match=r"create_role\('r'\) needs trust_policy="):
        acct.create_role("r")
    assert "r" not in acct.roles
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    with pytest.raises(StsMockError, match=r"wrap it in a list: policies=\[document\]"):
        acct.create_user("u5", policies=doc)
    assert "u5" not in acct.users
    with pytest.raises(StsMockError, match=r"wrap it in a list: policies=\[document\]"):
        acct.create_role("r2", trust_policy=_TRUST, policies=doc)
    assert "r2" not in acct.roles


_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
    ],
}


def test_the_serial_number_rule_is_the_models() -> None:
    from pytest_stsmock.backend import mfa
    from pytest_stsmock.protocol.model import load_service_model

    shape = load_service_model("sts").shape_for("serialNumberType")
    assert (
        shape.metadata["min"],
        shape.metadata["max"],
        shape.metadata["pattern"],
    ) == (mfa.SERIAL_MIN, mfa.SERIAL_MAX, mfa.SERIAL_PATTERN)


# -- the plugin's options -----------------------------------------------------------


def _errors(pytester: pytest.Pytester, source: str, *args: str) -> str:
    pytester.makepyfile(test_opts=source)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)
    result.assert_outcomes(errors=1)
    return result.stdout.str()


def test_marker_values_are_checked(pytester: pytest.Pytester) -> None:
    out = _errors(
        pytester,
        """
import pytest

@pytest.mark.stsmock(strict="false")
def test_it(sts_backend):
    pass
""",
    )
    assert (
        "StsMockError: @pytest.mark.stsmock(strict=...) must be True or False, not 'false'." in out
    )


def test_marker_typo_names_the_closest_option(pytester: pytest.Pytester) -> None:
    out = _errors(
        pytester,
        """
import pytest

@pytest.mark.stsmock(sead=3)
def test_it(sts_backend):
    pass
""",
    )
    assert (
        "StsMockError: @pytest.mark.stsmock(...) has no option 'sead' (did you mean 'seed'?); "
        "use account_id, region, strict, seed." in out
    )


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        (
            "stsmock_strict = maybe",
            "StsMockError: ini option stsmock_strict must be true or false, not 'maybe'.",
        ),
        (
            "stsmock_region = EU-WEST-1",
            "StsMockError: ini option stsmock_region must be an AWS region name such as "
            "'us-east-1' or 'eu-west-1' (lower case, as botocore knows them), not 'EU-WEST-1'.",
        ),
        (
            "stsmock_account_id = 12345",
            "StsMockError: ini option stsmock_account_id must be a string of exactly 12 digits, "
            "e.g. '111122223333', not '12345'.",
        ),
    ],
    ids=["strict", "region", "account"],
)
def test_ini_options_are_checked_and_named(
    pytester: pytest.Pytester, ini: str, message: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    out = _errors(pytester, "def test_it(sts_backend):\n    pass\n")
    assert message in out


def test_seed_option_must_be_an_int(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_opts="def test_it(sts_backend):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--stsmock-seed=1.5")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*argument --stsmock-seed: invalid int value: '1.5'"])


# -- the decorator and the fixture in one test -----------------------------------------


def test_decorator_inside_the_fixtures_test_shares_its_backend(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_share="""
import boto3
import pytest
from pytest_stsmock import active_backend, mock_sts

@mock_sts
def test_plain(sts_backend):
    assert active_backend() is sts_backend
    user = sts_backend.default_account.create_user("seen")
    arn = boto3.client("sts", region_name="us-east-1", **user.create_access_key().client_kwargs
                       ).get_caller_identity()["Arn"]
    assert arn.endswith(":user/seen")
    sts_backend.assert_called("GetCallerIdentity")

@pytest.mark.stsmock(account_id="111122223333")
@mock_sts(account_id="111122223333")
def test_same_options(sts_backend):
    assert active_backend() is sts_backend
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_decorator_with_other_options_than_the_fixture_warns(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_warn="""
from pytest_stsmock import active_backend, mock_sts

@mock_sts(account_id="111122223333")
def test_it(sts_backend):
    assert active_backend() is not sts_backend
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "always")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*StsMockWarning: This test uses both @mock_sts(...) and the sts_backend fixture "
            "(or the stsmock marker) with different options, so they are two backends and what "
            "you seed in one is invisible to the other; use only one of them."
        ]
    )


def test_outside_a_test_the_decorator_makes_its_own_backend() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", StsMockWarning)
        with mock_sts() as outer:

            @mock_sts
            def inner() -> STSBackend:
                return active_backend()

            assert inner() is not outer
