"""Assertions that cannot pass by accident (API.md section 3), pinned by exact messages."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import pytest_stsmock
from pytest_stsmock import STSBackend, StsMockError, mock_sts

pytest_plugins = ["pytester"]

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
    ],
}


def _client(**kwargs: str) -> object:
    config = Config(retries={"max_attempts": 1})
    return boto3.client("sts", region_name="us-east-1", config=config, **kwargs)


@pytest.fixture
def backend() -> STSBackend:
    """Three calls: GetCallerIdentity ok, AssumeRole ok, AssumeRole refused (AccessDenied)."""
    with mock_sts() as backend:
        role = backend.default_account.create_role("r", trust_policy=TRUST)
        nobody = backend.default_account.create_user("nobody").create_access_key()
        sts = _client()
        sts.get_caller_identity()  # type: ignore[attr-defined]
        sts.assume_role(RoleArn=role.arn, RoleSessionName="one")  # type: ignore[attr-defined]
        with pytest.raises(ClientError):
            _client(**nobody.client_kwargs).assume_role(  # type: ignore[attr-defined]
                RoleArn=role.arn, RoleSessionName="two"
            )
    return backend


ROLE = "arn:aws:iam::123456789012:role/r"


def test_no_error_code_means_whatever_the_answer(backend: STSBackend) -> None:
    assert backend.call_count("AssumeRole") == 2
    assert backend.assert_called("AssumeRole", RoleSessionName="two").error_code == "AccessDenied"


def test_error_code_none_requires_success(backend: STSBackend) -> None:
    assert backend.call_count("AssumeRole", error_code=None) == 1
    assert backend.assert_called_once("AssumeRole", error_code=None).params["RoleSessionName"] == (
        "one"
    )
    with pytest.raises(AssertionError):
        backend.assert_called("AssumeRole", RoleSessionName="two", error_code=None)
    backend.assert_not_called("GetCallerIdentity", error_code="AccessDenied")


def test_error_code_requires_that_refusal(backend: STSBackend) -> None:
    call = backend.assert_called_once("AssumeRole", error_code="AccessDenied")
    assert call.params["RoleSessionName"] == "two"
    assert backend.call_count("AssumeRole", error_code="ExpiredToken") == 0
    with pytest.raises(AssertionError):
        backend.assert_not_called("AssumeRole", RoleArn=ROLE, error_code="AccessDenied")


def test_assert_called_once_fails_on_two(backend: STSBackend) -> None:
    with pytest.raises(AssertionError) as raised:
        backend.assert_called_once("AssumeRole", RoleArn=ROLE)
    assert str(raised.value) == (
        f"Expected exactly one STS call AssumeRole(RoleArn='{ROLE}'), "
        "but 2 matched: call(s) 2, 3.\n"
        "The 3 STS call(s) made, in order:\n"
        "  1. GetCallerIdentity() -> ok\n"
        f"  2. AssumeRole(RoleArn='{ROLE}', RoleSessionName='one') -> ok\n"
        f"  3. AssumeRole(RoleArn='{ROLE}', RoleSessionName='two') -> AccessDenied"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda b: b.assert_not_called("AssumeRoel"),
            "assert_not_called: 'AssumeRoel' is not an STS (or IAM) operation; use the API's "
            "name, as in Call.operation; did you mean 'AssumeRole'?",
            id="operation-typo",
        ),
        pytest.param(
            lambda b: b.assert_called("get_caller_identity"),
            "assert_called: 'get_caller_identity' is not an STS (or IAM) operation; use the "
            "API's name, as in Call.operation; did you mean 'GetCallerIdentity'?",
            id="snake-case",
        ),
        pytest.param(
            lambda b: b.call_count("AssumeRole", RoleARN=ROLE),
            "call_count: AssumeRole has no parameter 'RoleARN'; did you mean 'RoleArn'?",
            id="parameter-case",
        ),
        pytest.param(
            lambda b: b.assert_called("GetCallerIdentity", Account="123456789012"),
            "assert_called: GetCallerIdentity has no parameter 'Account'; its parameters are none.",
            id="response-field-as-parameter",
        ),
        pytest.param(
            lambda b: b.assert_called_once("GetSessionToken", error_code="AccesDenied"),
            "assert_called_once: error_code='AccesDenied' is no error code AWS answers; pass "
            "the code as in Call.error_code, or None for success; did you mean 'AccessDenied'?",
            id="error-code-typo",
        ),
        pytest.param(
            lambda b: b.assert_not_called("GetSessionToken", error_code=403),
            "assert_not_called: error_code=403 is no error code AWS answers; pass the code as "
            "in Call.error_code, or None for success.",
            id="error-code-status",
        ),
    ],
)
def test_unknown_names_raise_with_the_closest_valid_one(
    backend: STSBackend, call: object, message: str
) -> None:
    with pytest.raises(StsMockError) as raised:
        call(backend)  # type: ignore[operator]
    assert str(raised.value) == message


def test_iam_operation_names_are_known_too(backend: STSBackend) -> None:
    backend.assert_not_called("CreateRole", RoleName="x")


def test_every_error_code_the_package_answers_is_in_the_vocabulary() -> None:
    from pytest_stsmock.operations import names

    package = Path(pytest_stsmock.__file__).parent
    source = "\n".join(p.read_text() for p in package.rglob("*.py"))
    emitted = set(re.findall(r'AwsError\(\s*"(\w+)"', source))
    emitted |= set(re.findall(r'^_[A-Z]+ = "([A-Z]\w+)"$', source, flags=re.MULTILINE))
    assert {"AccessDenied", "SignatureDoesNotMatch", "IncompleteSignature"} <= emitted
    for code in sorted(emitted):
        names.check("test", "GetCallerIdentity", {}, code)


# -- failure messages, as a pytest user sees them ---------------------------------------

_SOURCE = """
import boto3
import pytest
from botocore.exceptions import ClientError

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}

@pytest.fixture
def role(sts_backend):
    role = sts_backend.default_account.create_role("r", trust_policy=TRUST)
    key = sts_backend.default_account.create_user("nobody").create_access_key()
    sts = boto3.client("sts", region_name="us-east-1", **key.client_kwargs)
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role.arn, RoleSessionName="ss")
    return role
"""


def _failure(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=_SOURCE + body)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    return result


def test_assert_called_failure_lists_every_call_and_what_differs(
    pytester: pytest.Pytester,
) -> None:
    result = _failure(
        pytester,
        """
def test_it(sts_backend, role):
    sts_backend.assert_called("AssumeRole", RoleArn=role.arn, error_code=None)
""",
    )
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: Expected an STS call "
            "AssumeRole(RoleArn='arn:aws:iam::123456789012:role/r') that succeeded, "
            "but none matched.",
            "E       The 1 STS call(s) made, in order:",
            "E         1. AssumeRole(RoleArn='arn:aws:iam::123456789012:role/r', "
            "RoleSessionName='ss') -> AccessDenied",
            "E              differs: it was refused with AccessDenied, expected success",
        ]
    )


def test_assert_not_called_failure_names_the_matching_calls(pytester: pytest.Pytester) -> None:
    result = _failure(
        pytester,
        """
def test_it(sts_backend, role):
    sts_backend.assert_not_called("AssumeRole", error_code="AccessDenied")
""",
    )
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: Expected no STS call AssumeRole() refused with "
            "AccessDenied, but call(s) 1 matched.",
            "E       The 1 STS call(s) made, in order:",
            "E         1. AssumeRole(RoleArn='arn:aws:iam::123456789012:role/r', "
            "RoleSessionName='ss') -> AccessDenied",
        ]
    )


def test_assert_called_once_with_no_calls_says_so(pytester: pytest.Pytester) -> None:
    result = _failure(
        pytester,
        """
def test_it(sts_backend):
    sts_backend.assert_called_once("GetSessionToken", DurationSeconds=900)
""",
    )
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: Expected exactly one STS call "
            "GetSessionToken(DurationSeconds=900), but none matched.",
            "E       No STS calls were made while the mock was active.",
        ]
    )


def test_a_typo_fails_the_test_instead_of_passing(pytester: pytest.Pytester) -> None:
    result = _failure(
        pytester,
        """
def test_it(sts_backend):
    sts_backend.assert_not_called("GetSesionToken")
""",
    )
    result.stdout.fnmatch_lines(
        [
            "E *pytest_stsmock.errors.StsMockError: assert_not_called: 'GetSesionToken' is "
            "not an STS (or IAM) operation; use the API's name, as in Call.operation; "
            "did you mean 'GetSessionToken'?",
        ]
    )
