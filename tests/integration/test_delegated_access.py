"""GetDelegatedAccessToken: trade-in tokens redeemed once for the delegating principal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from pytest_stsmock.errors import StsMockError
from tests.helpers.clients import client_for, error_of, sts
from tests.helpers.models import needs_sts_operation

pytestmark = needs_sts_operation("GetDelegatedAccessToken")

PARTNER = "999988887777"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
INVALID = ("AccessDenied", "The trade-in token is not valid.", 403)
T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def partner(sts_backend: STSBackend) -> Any:
    user = sts_backend.account(PARTNER).create_user("integration")
    return sts(**user.create_access_key().client_kwargs)


def test_a_role_token_gives_a_session_of_that_role(sts_backend: STSBackend, partner: Any) -> None:
    role = sts_backend.default_account.create_role("auditor", trust_policy=TRUST)
    with time_machine.travel(T0, tick=False):
        token = sts_backend.issue_trade_in_token(role)
        result = partner.get_delegated_access_token(TradeInToken=token)
        identity = client_for(result["Credentials"]).get_caller_identity()
    arn = "arn:aws:sts::123456789012:assumed-role/auditor/DelegatedAccess"
    assert result["AssumedPrincipal"] == arn
    assert identity["Arn"] == arn
    assert identity["UserId"] == f"{role.unique_id}:DelegatedAccess"
    assert result["Credentials"]["Expiration"] == T0 + dt.timedelta(hours=1)
    assert "PackedPolicySize" not in result


def test_a_user_token_gives_credentials_of_the_user(sts_backend: STSBackend, partner: Any) -> None:
    user = sts_backend.default_account.create_user("owner")
    result = partner.get_delegated_access_token(
        TradeInToken=sts_backend.issue_trade_in_token(user.arn)
    )
    assert result["AssumedPrincipal"] == user.arn
    creds = result["Credentials"]
    assert client_for(creds).get_caller_identity()["Arn"] == user.arn
    session = sts_backend.session(creds["AccessKeyId"])
    assert session is not None and session.principal is user


def test_a_token_is_redeemed_once(sts_backend: STSBackend, partner: Any) -> None:
    token = sts_backend.issue_trade_in_token(sts_backend.default_user)
    partner.get_delegated_access_token(TradeInToken=token)
    with pytest.raises(ClientError) as exc:
        partner.get_delegated_access_token(TradeInToken=token)
    assert error_of(exc) == ("AccessDenied", "The trade-in token has already been redeemed.", 403)
    assert len(sts_backend.sessions) == 1


def test_a_token_expires_on_the_backend_clock(sts_backend: STSBackend, partner: Any) -> None:
    with time_machine.travel(T0, tick=False):
        token = sts_backend.issue_trade_in_token(sts_backend.default_user, expires_in=60)
    with (
        time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False),
        pytest.raises(ClientError) as exc,
    ):
        partner.get_delegated_access_token(TradeInToken=token)
    assert error_of(exc) == ("ExpiredTradeInTokenException", "The trade-in token has expired.", 400)
    with time_machine.travel(T0 + dt.timedelta(seconds=59), tick=False):
        assert partner.get_delegated_access_token(TradeInToken=token)["Credentials"]


@pytest.mark.parametrize("index", [0, 5, 31, 32, 50, -1])
def test_a_tampered_token_is_refused_and_changes_nothing(
    sts_backend: STSBackend, partner: Any, index: int
) -> None:
    token = sts_backend.issue_trade_in_token(sts_backend.default_user)
    char = "B" if token[index] != "B" else "C"
    forged = token[:index] + char + token[index + 1 :] if index != -1 else token[:-1] + char
    with pytest.raises(ClientError) as exc:
        partner.get_delegated_access_token(TradeInToken=forged)
    assert error_of(exc) == INVALID
    assert sts_backend.sessions == []
    assert partner.get_delegated_access_token(TradeInToken=token)["Credentials"]


@pytest.mark.parametrize("forged", ["x", "A" * 75, "not a token at all", "é"])
def test_an_unknown_token_is_refused(sts_backend: STSBackend, partner: Any, forged: str) -> None:
    with pytest.raises(ClientError) as exc:
        partner.get_delegated_access_token(TradeInToken=forged)
    assert error_of(exc) == INVALID


def test_the_principals_account_may_have_sts_disabled(
    sts_backend: STSBackend, partner: Any
) -> None:
    owner = sts_backend.account("555566667777").create_user("owner")
    sts_backend.account("555566667777").disable_region("us-east-1")
    token = sts_backend.issue_trade_in_token(owner)
    with pytest.raises(ClientError) as exc:
        partner.get_delegated_access_token(TradeInToken=token)
    assert error_of(exc)[0] == "RegionDisabledException"
    sts_backend.account("555566667777").enable_region("us-east-1")
    assert partner.get_delegated_access_token(TradeInToken=token)["AssumedPrincipal"] == owner.arn


@pytest.mark.parametrize(
    ("principal", "kwargs", "message"),
    [
        pytest.param("arn:aws:iam::123456789012:role/nobody", {}, "neither", id="unknown-arn"),
        pytest.param(42, {}, "needs a User or Role", id="not-a-principal"),
        pytest.param(None, {"expires_in": 0}, "positive number of seconds", id="zero"),
        pytest.param(None, {"expires_in": True}, "positive number of seconds", id="bool"),
    ],
)
def test_issue_trade_in_token_checks_its_input(
    sts_backend: STSBackend, principal: Any, kwargs: Any, message: str
) -> None:
    with pytest.raises(StsMockError, match=message):
        sts_backend.issue_trade_in_token(principal or sts_backend.default_user, **kwargs)
