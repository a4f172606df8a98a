"""botocore's web-identity credential provider against the mock, refreshing from a token file.

The provider (env vars or a profile) reads the token file, calls
AssumeRoleWithWebIdentity unsigned, and refreshes the credentials shortly
before they expire, reading the file again: the IRSA / GitHub Actions flow.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import boto3
import freezegun
import pytest
import time_machine

from pytest_stsmock import STSBackend
from tests.federation.federation_helpers import GITHUB, web_identity_trust

START = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def irsa(sts_backend: STSBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A provider, a role trusting it and a token file; no static keys in the environment."""
    provider = sts_backend.default_account.create_oidc_provider(
        GITHUB, client_ids=["sts.amazonaws.com"]
    )
    role = sts_backend.default_account.create_role(
        "irsa",
        trust_policy=web_identity_trust(
            provider.arn,
            StringLike={"token.actions.githubusercontent.com:sub": "system:serviceaccount:*"},
        ),
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    token_file = tmp_path / "token"

    def write(sub: str) -> None:
        token_file.write_text(provider.token(sub=sub))

    return provider, role, token_file, write


def _arn(session: boto3.Session) -> str:
    return str(session.client("sts", region_name="us-east-1").get_caller_identity()["Arn"])


def _web_identity_calls(backend: STSBackend) -> list[Any]:
    return [c for c in backend.calls if c.operation == "AssumeRoleWithWebIdentity"]


@pytest.mark.parametrize("clock", ["freezegun", "time-machine"])
def test_env_var_provider_assumes_and_refreshes_from_a_rotated_token_file(
    sts_backend: STSBackend, irsa: Any, monkeypatch: pytest.MonkeyPatch, clock: str
) -> None:
    _, role, token_file, write = irsa
    monkeypatch.setenv("AWS_ROLE_ARN", role.arn)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pod-1")
    travel: Any = (
        freezegun.freeze_time(START)
        if clock == "freezegun"
        else time_machine.travel(START, tick=False)
    )
    with travel as frozen:
        write("system:serviceaccount:default:app")
        session = boto3.Session()
        assert _arn(session) == "arn:aws:sts::123456789012:assumed-role/irsa/pod-1"
        assert _arn(session) == "arn:aws:sts::123456789012:assumed-role/irsa/pod-1"
        assert len(_web_identity_calls(sts_backend)) == 1
        first = sts_backend.sessions[0]
        # The kubelet rotates the token; an hour later the credentials are stale.
        step = dt.timedelta(minutes=55)
        if clock == "freezegun":
            frozen.tick(step)
        else:
            frozen.shift(step)
        write("system:serviceaccount:default:app-rotated")
        assert _arn(session) == "arn:aws:sts::123456789012:assumed-role/irsa/pod-1"
    calls = _web_identity_calls(sts_backend)
    assert len(calls) == 2 and all(c.ok for c in calls)
    assert calls[1].response is not None
    assert (
        calls[1].response["SubjectFromWebIdentityToken"]
        == "system:serviceaccount:default:app-rotated"
    )
    assert sts_backend.sessions[-1] is not first


def test_profile_with_web_identity_token_file(
    sts_backend: STSBackend, irsa: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, role, token_file, write = irsa
    (tmp_path / "config").write_text(
        "[profile ci]\n"
        f"role_arn = {role.arn}\n"
        f"web_identity_token_file = {token_file}\n"
        "role_session_name = from-profile\n"
        "region = eu-west-1\n"
    )
    write("system:serviceaccount:ci:runner")
    session = boto3.Session(profile_name="ci")
    assert _arn(session) == "arn:aws:sts::123456789012:assumed-role/irsa/from-profile"
    call = _web_identity_calls(sts_backend)[0]
    assert call.params["RoleSessionName"] == "from-profile"
    assert call.caller_arn is None  # unsigned, as botocore sends it


def test_a_token_the_trust_policy_refuses_fails_the_credential_lookup(
    sts_backend: STSBackend, irsa: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    _, role, token_file, write = irsa
    monkeypatch.setenv("AWS_ROLE_ARN", role.arn)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    write("repo:someone/else:ref:refs/heads/main")
    with pytest.raises(
        ClientError, match="Not authorized to perform sts:AssumeRoleWithWebIdentity"
    ):
        _arn(boto3.Session())
