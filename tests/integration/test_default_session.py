"""boto3's default session across activation: its credentials are forgotten, its loaded data kept.

Credentials boto3 resolved before activation are never used while the mock is
active, and after exit boto3 resolves the restored environment again; the
session itself (botocore's loader, endpoint data, models) survives, so a test
that enters the mock does not pay for rebuilding it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_stsmock import _boto3_session, mock_sts
from tests.helpers.clients import error_of

REAL_KEY = "AKIAREALREALREALREAL"
NO_RETRY = Config(retries={"max_attempts": 1})


@pytest.fixture(autouse=True)
def _own_default_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without a default session, with a 'real' key in the environment."""
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    yield


def default_client() -> BaseClient:
    return boto3.client("sts", config=NO_RETRY)


def key_of(client: BaseClient) -> str:
    return client._request_signer._credentials.access_key  # type: ignore[no-any-return]


def loader() -> Any:
    assert boto3.DEFAULT_SESSION is not None
    return boto3.DEFAULT_SESSION._session.get_component("data_loader")


def test_credentials_resolved_before_activation_are_not_used_while_active() -> None:
    assert key_of(default_client()) == REAL_KEY  # the default session resolved the real key
    session, data = boto3.DEFAULT_SESSION, loader()
    with mock_sts(strict=True) as backend:  # strict: the real key would be refused
        client = default_client()
        assert key_of(client) == backend.default_access_key.access_key_id
        assert client.get_caller_identity()["Arn"].endswith(":user/stsmock")
        assert boto3.DEFAULT_SESSION is session and loader() is data  # kept, not rebuilt
    assert key_of(default_client()) == REAL_KEY  # the restored environment, resolved again
    assert boto3.DEFAULT_SESSION is session and loader() is data


def test_a_session_first_made_while_active_resolves_the_restored_environment() -> None:
    with mock_sts() as backend:
        assert key_of(default_client()) == backend.default_access_key.access_key_id
    assert key_of(default_client()) == REAL_KEY


def test_each_activation_resolves_its_own_backend_key() -> None:
    keys = []
    for _ in range(2):
        with mock_sts(strict=True) as backend:
            client = default_client()
            client.get_caller_identity()
            keys.append(key_of(client))
            assert keys[-1] == backend.default_access_key.access_key_id
    assert keys[0] != keys[1]


def test_a_client_created_before_activation_is_answered_but_its_key_is_not_trusted() -> None:
    early = default_client()
    with mock_sts(strict=True) as backend:
        with pytest.raises(ClientError) as caught:
            early.get_caller_identity()  # answered in-process, refused: never a real call
        assert error_of(caught)[0] == "InvalidClientTokenId"
        default_client().get_caller_identity()
    assert [c.error_code for c in backend.calls] == ["InvalidClientTokenId", None]
    assert key_of(early) == REAL_KEY


def test_a_plain_setup_default_session_is_kept_with_its_region() -> None:
    boto3.setup_default_session(region_name="eu-west-2")
    session = boto3.DEFAULT_SESSION
    assert key_of(default_client()) == REAL_KEY
    with mock_sts(strict=True) as backend:
        client = default_client()
        assert client.meta.region_name == "eu-west-2"
        assert key_of(client) == backend.default_access_key.access_key_id
        client.get_caller_identity()
    assert boto3.DEFAULT_SESSION is session
    assert key_of(default_client()) == REAL_KEY


def test_setup_default_session_with_explicit_keys_is_dropped() -> None:
    boto3.setup_default_session(aws_access_key_id="AKIAEXPLICITEXPLICIT", aws_secret_access_key="s")
    with mock_sts(strict=True) as backend:
        client = default_client()
        assert key_of(client) == backend.default_access_key.access_key_id
        client.get_caller_identity()
    assert key_of(default_client()) == REAL_KEY


def test_setup_default_session_with_an_explicit_profile_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[dev]\naws_access_key_id = AKIAPROFILEPROFILE00\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    boto3.setup_default_session(profile_name="dev")
    assert key_of(default_client()) == "AKIAPROFILEPROFILE00"  # a profile beats the environment
    with mock_sts(strict=True) as backend:
        client = default_client()
        assert key_of(client) == backend.default_access_key.access_key_id
        client.get_caller_identity()


def test_after_exit_a_restored_profile_is_resolved_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[dev]\naws_access_key_id = AKIAPROFILEPROFILE00\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    with mock_sts() as backend:  # unsets AWS_PROFILE: a resolver built now knows no profile
        assert key_of(default_client()) == backend.default_access_key.access_key_id
    assert key_of(default_client()) == "AKIAPROFILEPROFILE00"
    assert boto3.DEFAULT_SESSION is not None and boto3.DEFAULT_SESSION.profile_name == "dev"


@pytest.mark.parametrize("road", ["kept", "dropped"])
def test_keeping_the_session_resolves_what_dropping_it_resolves(
    road: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if road == "dropped":  # as if botocore lost one of the private attributes
        monkeypatch.setattr(_boto3_session, "_NEEDED", (*_boto3_session._NEEDED, "_gone"))
    default_client()
    session = boto3.DEFAULT_SESSION
    with mock_sts() as backend:
        inside = key_of(default_client())
    outside = key_of(default_client())
    assert (inside, outside) == (backend.default_access_key.access_key_id, REAL_KEY)
    assert (boto3.DEFAULT_SESSION is session) is (road == "kept")


def test_a_default_session_that_is_not_botocore_backed_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", object())
    with mock_sts() as backend:
        assert boto3.DEFAULT_SESSION is None
        assert key_of(default_client()) == backend.default_access_key.access_key_id


@pytest.mark.parametrize("variable", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
def test_a_profile_restored_at_exit_is_resolved_again_after_nested_mocks(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[dev]\naws_access_key_id = AKIAPROFILEPROFILE00\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv(variable, "dev")
    with mock_sts() as outer:
        with mock_sts() as inner:  # its stop restores the outer's environment: no profile
            assert key_of(default_client()) == inner.default_access_key.access_key_id
        assert key_of(default_client()) == outer.default_access_key.access_key_id
    assert key_of(default_client()) == "AKIAPROFILEPROFILE00"
    # and a stop that finds the environment changed meanwhile still looks at it
    with mock_sts() as backend:
        assert key_of(default_client()) == backend.default_access_key.access_key_id
        monkeypatch.setenv("AWS_SESSION_TOKEN", "set-by-the-test")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    assert key_of(default_client()) == "AKIAPROFILEPROFILE00"


def test_a_new_default_session_is_checked_again_not_taken_from_the_last_ones_memory() -> None:
    """Whether a session has every attribute relied on is remembered per session object: a
    new default session made between activations is checked for itself."""
    default_client()
    with mock_sts():  # the first default session is checked, and remembered
        pass
    with mock_sts():
        pass
    boto3.setup_default_session()
    fresh = boto3.DEFAULT_SESSION
    assert fresh is not None
    del fresh._session._auth_token  # as a botocore without that attribute would make it
    with mock_sts() as backend:
        assert boto3.DEFAULT_SESSION is not fresh  # dropped, the safe road
        assert key_of(default_client()) == backend.default_access_key.access_key_id
    assert key_of(default_client()) == REAL_KEY
