"""Shared test configuration: keep real AWS configuration out of every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from hypothesis import settings
except ImportError:  # the examples' environment (`.[examples]`) has no hypothesis
    pass
else:
    # Hypothesis example counts, one place for every property test: few on a
    # developer's run, more in CI (tox sets HYPOTHESIS_PROFILE=ci), many on demand.
    settings.register_profile("dev", max_examples=25, deadline=None)
    settings.register_profile("ci", max_examples=200, deadline=None)
    settings.register_profile("long", max_examples=2000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _no_real_aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point botocore at empty config files so a developer's ~/.aws never leaks in."""
    empty = tmp_path / "aws-empty-config"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Regional STS endpoints, botocore's newer default; older versions sent
    # us-east-1 and the other legacy regions to the global endpoint.
    monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", "regional")
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    yield
    assert "AWS_SESSION_TOKEN" not in os.environ or os.environ["AWS_SESSION_TOKEN"]
