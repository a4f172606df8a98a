"""The in-process AWS CLI's credential cache never outlives the backend that issued it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_stsmock import mock_sts
from tests.helpers.awscli import awscli_driver

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
    ],
}
ROLE_ARN = "arn:aws:iam::123456789012:role/deployer"


def test_role_profile_credentials_cached_by_the_cli_die_with_their_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    config.write_text(
        f"[profile deployer]\nrole_arn = {ROLE_ARN}\ncredential_source = Environment\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    home_cache = tmp_path / "home" / ".aws" / "cli" / "cache"
    with awscli_driver(monkeypatch) as create_clidriver:
        from awscli.customizations import assumerole

        # Where the CLI caches is fixed when awscli is imported; point it at a
        # stand-in for the user's home so a regression cannot touch the real one.
        monkeypatch.setattr(assumerole, "CACHE_DIR", str(home_cache))

        def whoami() -> tuple[int, str]:
            code = create_clidriver().main(
                ["sts", "get-caller-identity", "--profile", "deployer", "--region", "us-east-1"]
            )
            out = capsys.readouterr().out
            return code, json.loads(out)["Arn"] if code == 0 else out

        with mock_sts(strict=True, seed=1) as first:
            first.default_account.create_role("deployer", trust_policy=TRUST)
            assert whoami()[0] == 0
            assert whoami()[0] == 0  # the cache works while its backend lives: no second AssumeRole
            assert first.call_count("AssumeRole", error_code=None) == 1
        assert not home_cache.exists() or list(home_cache.iterdir()) == []

        with mock_sts(strict=True, seed=2) as second:
            second.default_account.create_role("deployer", trust_policy=TRUST)
            code, arn = whoami()
        assert code == 0, arn
        assert arn.startswith("arn:aws:sts::123456789012:assumed-role/deployer/")
        second.assert_called_once("AssumeRole", RoleArn=ROLE_ARN, error_code=None)
        second.assert_not_called("GetCallerIdentity", error_code="InvalidClientTokenId")
    assert not home_cache.exists() or list(home_cache.iterdir()) == []
