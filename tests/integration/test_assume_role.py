"""AssumeRole with AWS's semantics: who may assume, with which request features."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError
from botocore.session import get_session

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.requests import ProvidedContext
from tests.helpers.clients import client_for, denied, error_of, sts
from tests.helpers.policies import allow, trust

ACCT = "123456789012"
OTHER = "210987654321"


@pytest.fixture
def bob(sts_backend: STSBackend) -> Any:
    return sts_backend.default_account.create_user("bob")


def test_happy_path_response(sts_backend: STSBackend, bob: Any) -> None:
    role = sts_backend.default_account.create_role("deployer", trust_policy=trust({"AWS": bob.arn}))
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc), tick=False):
        result = sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="ci"
        )
    assert result["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role.unique_id}:ci",
        "Arn": f"arn:aws:sts::{ACCT}:assumed-role/deployer/ci",
    }
    assert result["Credentials"]["Expiration"] == dt.datetime(2026, 6, 1, 1, tzinfo=dt.timezone.utc)
    assert "PackedPolicySize" not in result
    assert "SourceIdentity" not in result
    sts_backend.assert_called("AssumeRole", RoleArn=role.arn, RoleSessionName="ci")


def test_role_path_is_not_in_the_session_arn(sts_backend: STSBackend, bob: Any) -> None:
    role = sts_backend.default_account.create_role(
        "deployer", path="/ci/", trust_policy=trust({"AWS": bob.arn})
    )
    result = sts(**bob.create_access_key().client_kwargs).assume_role(
        RoleArn=role.arn, RoleSessionName="s1"
    )
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCT}:assumed-role/deployer/s1"
    identity = client_for(result["Credentials"]).get_caller_identity()
    assert identity["Arn"] == result["AssumedRoleUser"]["Arn"]
    assert identity["UserId"] == f"{role.unique_id}:s1"


def test_missing_role_is_denied_like_a_policy_denial(sts_backend: STSBackend) -> None:
    arn = f"arn:aws:iam::{ACCT}:role/nope"
    with pytest.raises(ClientError) as exc:
        sts().assume_role(RoleArn=arn, RoleSessionName="s1")
    assert error_of(exc) == denied(sts_backend.default_user.arn, arn)
    assert "does not exist" in (sts_backend.calls[-1].explanation or "")


def test_root_cannot_assume_roles(sts_backend: STSBackend) -> None:
    role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": ACCT}))
    root = sts_backend.default_account.root.create_access_key()
    with pytest.raises(ClientError) as exc:
        sts(**root.client_kwargs).assume_role(RoleArn=role.arn, RoleSessionName="s1")
    assert error_of(exc) == ("AccessDenied", "Roles may not be assumed by root accounts.", 403)


class TestPrincipals:
    @pytest.mark.parametrize(
        "principal",
        [
            pytest.param({"AWS": f"arn:aws:iam::{ACCT}:user/bob"}, id="user-arn"),
            pytest.param({"AWS": "*"}, id="aws-star"),
            pytest.param("*", id="star"),
        ],
    )
    def test_same_account_trust_naming_the_caller_needs_no_identity_policy(
        self, sts_backend: STSBackend, bob: Any, principal: Any
    ) -> None:
        role = sts_backend.default_account.create_role("r", trust_policy=trust(principal))
        sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="s1"
        )

    @pytest.mark.parametrize(
        "principal",
        [
            pytest.param({"AWS": ACCT}, id="bare-account"),
            pytest.param({"AWS": f"arn:aws:iam::{ACCT}:root"}, id="root-arn"),
        ],
    )
    def test_account_principal_delegates_to_identity_policies(
        self, sts_backend: STSBackend, bob: Any, principal: Any
    ) -> None:
        role = sts_backend.default_account.create_role("r", trust_policy=trust(principal))
        client = sts(**bob.create_access_key().client_kwargs)
        with pytest.raises(ClientError) as exc:
            client.assume_role(RoleArn=role.arn, RoleSessionName="s1")
        assert error_of(exc) == denied(bob.arn, role.arn)
        assert "caller's own policies must allow" in (sts_backend.calls[-1].explanation or "")
        bob.attach_policy(allow("sts:AssumeRole", role.arn))
        client.assume_role(RoleArn=role.arn, RoleSessionName="s1")

    def test_cross_account_needs_trust_and_identity(
        self, sts_backend: STSBackend, bob: Any
    ) -> None:
        role = sts_backend.account(OTHER).create_role("r", trust_policy=trust({"AWS": bob.arn}))
        client = sts(**bob.create_access_key().client_kwargs)
        with pytest.raises(ClientError) as exc:
            client.assume_role(RoleArn=role.arn, RoleSessionName="s1")
        assert error_of(exc) == denied(bob.arn, role.arn)
        bob.attach_policy(allow("sts:AssumeRole"))
        result = client.assume_role(RoleArn=role.arn, RoleSessionName="s1")
        assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{OTHER}:assumed-role/r/s1"
        assert client_for(result["Credentials"]).get_caller_identity()["Account"] == OTHER

    def test_foreign_trust_policy_denies(self, sts_backend: STSBackend, bob: Any) -> None:
        bob.attach_policy(allow("sts:AssumeRole"))
        role = sts_backend.account(OTHER).create_role(
            "r", trust_policy=trust({"AWS": "111122223333"})
        )
        with pytest.raises(ClientError) as exc:
            sts(**bob.create_access_key().client_kwargs).assume_role(
                RoleArn=role.arn, RoleSessionName="s1"
            )
        assert error_of(exc) == denied(bob.arn, role.arn)

    def test_explicit_deny_in_identity_policy_beats_trust(
        self, sts_backend: STSBackend, bob: Any
    ) -> None:
        role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
        bob.attach_policy(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "NoRoles",
                        "Effect": "Deny",
                        "Action": "sts:AssumeRole",
                        "Resource": "*",
                    }
                ],
            }
        )
        with pytest.raises(ClientError) as exc:
            sts(**bob.create_access_key().client_kwargs).assume_role(
                RoleArn=role.arn, RoleSessionName="s1"
            )
        assert error_of(exc) == denied(bob.arn, role.arn)
        assert "NoRoles" in (sts_backend.calls[-1].explanation or "")


class TestExternalIdAndMfa:
    def test_external_id(self, sts_backend: STSBackend, bob: Any) -> None:
        role = sts_backend.default_account.create_role(
            "r",
            trust_policy=trust(
                {"AWS": bob.arn}, condition={"StringEquals": {"sts:ExternalId": "s3cr3t-id"}}
            ),
        )
        client = sts(**bob.create_access_key().client_kwargs)
        for kwargs in ({}, {"ExternalId": "wrong-id"}):
            with pytest.raises(ClientError) as exc:
                client.assume_role(RoleArn=role.arn, RoleSessionName="s1", **kwargs)
            assert error_of(exc) == denied(bob.arn, role.arn)
            assert "sts:ExternalId" in (sts_backend.calls[-1].explanation or "")
        client.assume_role(RoleArn=role.arn, RoleSessionName="s1", ExternalId="s3cr3t-id")

    def test_mfa_condition(self, sts_backend: STSBackend, bob: Any) -> None:
        device = bob.add_mfa_device()
        role = sts_backend.default_account.create_role(
            "admin",
            trust_policy=trust(
                {"AWS": bob.arn}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            ),
        )
        client = sts(**bob.create_access_key().client_kwargs)
        with pytest.raises(ClientError) as exc:
            client.assume_role(RoleArn=role.arn, RoleSessionName="s1")
        assert error_of(exc) == denied(bob.arn, role.arn)
        with pytest.raises(ClientError) as exc:
            client.assume_role(
                RoleArn=role.arn,
                RoleSessionName="s1",
                SerialNumber=device.serial_number,
                TokenCode="000000" if device.code() != "000000" else "111111",
            )
        assert (
            error_of(exc)[1]
            == "MultiFactorAuthentication failed with invalid MFA one time pass code."
        )
        result = client.assume_role(
            RoleArn=role.arn,
            RoleSessionName="s1",
            SerialNumber=device.serial_number,
            TokenCode=device.code(),
        )
        session = sts_backend.session(result["Credentials"]["AccessKeyId"])
        assert session is not None and session.mfa_authenticated

    def test_mfa_from_get_session_token_carries_into_assume_role(
        self, sts_backend: STSBackend, bob: Any
    ) -> None:
        device = bob.add_mfa_device()
        role = sts_backend.default_account.create_role(
            "admin",
            trust_policy=trust(
                {"AWS": bob.arn}, condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
            ),
        )
        creds = sts(**bob.create_access_key().client_kwargs).get_session_token(
            SerialNumber=device.serial_number, TokenCode=device.code()
        )["Credentials"]
        client_for(creds).assume_role(RoleArn=role.arn, RoleSessionName="s1")


class TestDurations:
    def test_above_max_session_duration(self, sts_backend: STSBackend, bob: Any) -> None:
        role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
        with pytest.raises(ClientError) as exc:
            sts(**bob.create_access_key().client_kwargs).assume_role(
                RoleArn=role.arn, RoleSessionName="s1", DurationSeconds=3601
            )
        assert error_of(exc) == (
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            400,
        )

    def test_long_role_session(self, sts_backend: STSBackend, bob: Any) -> None:
        role = sts_backend.default_account.create_role(
            "r", trust_policy=trust({"AWS": bob.arn}), max_session_duration=43200
        )
        with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc), tick=False):
            result = sts(**bob.create_access_key().client_kwargs).assume_role(
                RoleArn=role.arn, RoleSessionName="s1", DurationSeconds=43200
            )
        assert result["Credentials"]["Expiration"] == dt.datetime(
            2026, 6, 1, 12, tzinfo=dt.timezone.utc
        )

    def test_chaining_limit_and_max_duration_precedence(
        self, sts_backend: STSBackend, bob: Any
    ) -> None:
        first = sts_backend.default_account.create_role(
            "first", trust_policy=trust({"AWS": bob.arn}), max_session_duration=43200
        )
        second = sts_backend.default_account.create_role(
            "second", trust_policy=trust({"AWS": first.arn}), max_session_duration=7200
        )
        creds = sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=first.arn, RoleSessionName="hop1"
        )["Credentials"]
        chained = client_for(creds)
        with pytest.raises(ClientError) as exc:
            chained.assume_role(RoleArn=second.arn, RoleSessionName="hop2", DurationSeconds=7200)
        assert error_of(exc) == (
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            400,
        )
        with pytest.raises(ClientError) as exc:
            chained.assume_role(RoleArn=second.arn, RoleSessionName="hop2", DurationSeconds=7201)
        assert (
            error_of(exc)[1]
            == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
        result = chained.assume_role(RoleArn=second.arn, RoleSessionName="hop2")
        session = sts_backend.session(result["Credentials"]["AccessKeyId"])
        assert session is not None and session.chained

    def test_expired_role_session_is_refused(self, sts_backend: STSBackend, bob: Any) -> None:
        role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
        start = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
        with time_machine.travel(start, tick=False):
            creds = sts(**bob.create_access_key().client_kwargs).assume_role(
                RoleArn=role.arn, RoleSessionName="s1", DurationSeconds=900
            )["Credentials"]
        with (
            time_machine.travel(start + dt.timedelta(minutes=16), tick=False),
            pytest.raises(ClientError) as exc,
        ):
            client_for(creds).get_caller_identity()
        assert error_of(exc) == (
            "ExpiredToken",
            "The security token included in the request is expired",
            403,
        )


class TestValidation:
    @pytest.mark.parametrize(
        ("arn", "session", "message"),
        [
            pytest.param(
                "nothing-valid-in-here", "s1", "nothing-valid-in-here is invalid", id="not-an-arn"
            ),
            pytest.param(
                "arn::b:::something/test-role",
                "s1",
                "arn::b:::something/test-role is invalid",
                id="empty-partition",
            ),
            pytest.param(
                "arn:a:a::aaaaaaaaaa:", "s1", "arn:a:a::aaaaaaaaaa: is invalid", id="empty-resource"
            ),
            pytest.param(
                "nothing-valid-in-here",
                "Session1:2",
                "nothing-valid-in-here is invalid",
                id="arn-before-session-name",
            ),
            pytest.param(
                "arn:a:b:::something/test-role",
                "Session1:2",
                "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
                id="bad-session-name",
            ),
        ],
    )
    def test_role_arn_shape(
        self, sts_backend: STSBackend, arn: str, session: str, message: str
    ) -> None:
        with pytest.raises(ClientError) as exc:
            sts().assume_role(RoleArn=arn, RoleSessionName=session)
        assert error_of(exc) == ("ValidationError", message, 400)

    def test_inline_policy_packed_size(self, sts_backend: STSBackend, bob: Any) -> None:
        role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
        policy = json.dumps(allow("s3:GetObject", "arn:aws:s3:::example-bucket/*"))
        result = sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="s1", Policy=policy
        )
        assert result["PackedPolicySize"] == 16

    def test_aws_documentation_example_packed_size(self, sts_backend: STSBackend, bob: Any) -> None:
        role = sts_backend.default_account.create_role(
            "r", trust_policy=trust({"AWS": bob.arn}, actions=["sts:AssumeRole", "sts:TagSession"])
        )
        policy = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Stmt1",
                        "Effect": "Allow",
                        "Action": "s3:ListAllMyBuckets",
                        "Resource": "*",
                    }
                ],
            }
        )
        result = sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn,
            RoleSessionName="s1",
            Policy=policy,
            Tags=[
                {"Key": "Project", "Value": "Pegasus"},
                {"Key": "Team", "Value": "Engineering"},
                {"Key": "Cost-Center", "Value": "12345"},
            ],
        )
        assert result["PackedPolicySize"] == 8

    def test_session_policy_limits_the_session(self, sts_backend: STSBackend, bob: Any) -> None:
        first = sts_backend.default_account.create_role(
            "first", trust_policy=trust({"AWS": bob.arn}), policies=[allow("*")]
        )
        second = sts_backend.default_account.create_role(
            "second", trust_policy=trust({"AWS": ACCT})
        )
        creds = sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=first.arn, RoleSessionName="s1", Policy=json.dumps(allow("s3:*"))
        )["Credentials"]
        with pytest.raises(ClientError) as exc:
            client_for(creds).assume_role(RoleArn=second.arn, RoleSessionName="s2")
        assert error_of(exc) == denied(f"arn:aws:sts::{ACCT}:assumed-role/first/s1", second.arn)
        assert "session policy" in (sts_backend.calls[-1].explanation or "")


def test_at_most_ten_policy_arns(sts_backend: STSBackend, bob: Any) -> None:
    role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
    arns = [
        sts_backend.default_account.create_policy(f"p{i}", allow("s3:*")).arn for i in range(11)
    ]
    client = sts(**bob.create_access_key().client_kwargs)
    with pytest.raises(ClientError) as exc:
        client.assume_role(
            RoleArn=role.arn, RoleSessionName="s1", PolicyArns=[{"arn": a} for a in arns]
        )
    rendered = ", ".join(f"{{arn={a}}}" for a in arns)
    assert error_of(exc) == (
        "ValidationError",
        f"1 validation error detected: Value '[{rendered}]' at 'policyArns' failed to satisfy "
        "constraint: Member must have length less than or equal to 10",
        400,
    )
    result = client.assume_role(
        RoleArn=role.arn, RoleSessionName="s1", PolicyArns=[{"arn": a} for a in arns[:10]]
    )
    assert result["PackedPolicySize"] > 0


def test_policy_arn_that_does_not_exist(sts_backend: STSBackend, bob: Any) -> None:
    role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
    missing = f"arn:aws:iam::{ACCT}:policy/nope"
    with pytest.raises(ClientError) as exc:
        sts(**bob.create_access_key().client_kwargs).assume_role(
            RoleArn=role.arn, RoleSessionName="s1", PolicyArns=[{"arn": missing}]
        )
    assert error_of(exc) == (
        "MalformedPolicyDocument",
        f"Policy {missing} does not exist or is not attachable.",
        400,
    )


def test_managed_session_policy_limits_the_session(sts_backend: STSBackend, bob: Any) -> None:
    first = sts_backend.default_account.create_role(
        "first", trust_policy=trust({"AWS": bob.arn}), policies=[allow("*")]
    )
    second = sts_backend.default_account.create_role("second", trust_policy=trust({"AWS": ACCT}))
    only_s3 = sts_backend.default_account.create_policy("only-s3", allow("s3:*"))
    creds = sts(**bob.create_access_key().client_kwargs).assume_role(
        RoleArn=first.arn, RoleSessionName="s1", PolicyArns=[{"arn": only_s3.arn}]
    )["Credentials"]
    with pytest.raises(ClientError):
        client_for(creds).assume_role(RoleArn=second.arn, RoleSessionName="s2")
    creds = sts(**bob.create_access_key().client_kwargs).assume_role(
        RoleArn=first.arn, RoleSessionName="s1"
    )["Credentials"]
    client_for(creds).assume_role(RoleArn=second.arn, RoleSessionName="s2")


@pytest.mark.skipif(
    "MinimumSessionTokenSize"
    not in get_session().get_service_model("sts").operation_model("AssumeRole").input_shape.members,
    reason="this botocore's STS model has no MinimumSessionTokenSize (added in later models)",
)
def test_minimum_session_token_size(sts_backend: STSBackend, bob: Any) -> None:
    role = sts_backend.default_account.create_role("r", trust_policy=trust({"AWS": bob.arn}))
    client = sts(**bob.create_access_key().client_kwargs)
    plain = client.assume_role(RoleArn=role.arn, RoleSessionName="s1")
    assert "SessionTokenSize" not in plain
    padded = client.assume_role(
        RoleArn=role.arn, RoleSessionName="s1", MinimumSessionTokenSize=2000
    )
    token = padded["Credentials"]["SessionToken"]
    assert len(token) >= 2000
    assert padded["SessionTokenSize"] == len(token)
    assert padded["SessionTokenUtilization"] == -(-100 * len(token) // 4096)
    assert client_for(padded["Credentials"]).get_caller_identity()["Arn"].endswith("/r/s1")


def test_provided_contexts_need_set_context(sts_backend: STSBackend, bob: Any) -> None:
    contexts = [
        {
            "ProviderArn": "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "ContextAssertion": "x" * 20,
        }
    ]
    plain = sts_backend.default_account.create_role("plain", trust_policy=trust({"AWS": bob.arn}))
    client = sts(**bob.create_access_key().client_kwargs)
    with pytest.raises(ClientError) as exc:
        client.assume_role(RoleArn=plain.arn, RoleSessionName="s1", ProvidedContexts=contexts)
    assert error_of(exc) == denied(bob.arn, plain.arn, "sts:SetContext")
    ok = sts_backend.default_account.create_role(
        "ok", trust_policy=trust({"AWS": bob.arn}, actions=["sts:AssumeRole", "sts:SetContext"])
    )
    result = client.assume_role(RoleArn=ok.arn, RoleSessionName="s1", ProvidedContexts=contexts)
    session = sts_backend.session(result["Credentials"]["AccessKeyId"])
    assert session is not None
    assert session.provided_contexts == (
        ProvidedContext(
            provider_arn="arn:aws:iam::aws:contextProvider/IdentityCenter", assertion="x" * 20
        ),
    )


@pytest.mark.parametrize(
    ("moments", "allowed"),
    [
        pytest.param(["00:00:00.000", "00:00:00.999"], [True, True], id="within-one-second"),
        pytest.param(["00:00:00.999", "00:00:01.000"], [True, False], id="the-next-second"),
        pytest.param(["00:00:01.000", "00:00:00.500"], [False, True], id="back-in-time"),
    ],
)
def test_time_keys_follow_the_clock_second_by_second(
    sts_backend: STSBackend, bob: Any, moments: list[str], allowed: list[bool]
) -> None:
    # aws:CurrentTime and aws:EpochTime are remembered per whole second: each
    # request must still see its own second, whichever second came before.
    condition = {
        "DateLessThan": {"aws:CurrentTime": "2026-06-01T00:00:01Z"},
        "NumericLessThan": {"aws:EpochTime": "1780272001"},  # 2026-06-01T00:00:01Z
    }
    role = sts_backend.default_account.create_role(
        "timed", trust_policy=trust({"AWS": bob.arn}, condition=condition)
    )
    client = sts(**bob.create_access_key().client_kwargs)
    for moment, expected in zip(moments, allowed, strict=True):
        at = dt.datetime.fromisoformat(f"2026-06-01T{moment}+00:00")
        with time_machine.travel(at, tick=False):
            if expected:
                client.assume_role(RoleArn=role.arn, RoleSessionName="ci")
            else:
                with pytest.raises(ClientError) as caught:
                    client.assume_role(RoleArn=role.arn, RoleSessionName="ci")
                assert error_of(caught)[0] == "AccessDenied"
