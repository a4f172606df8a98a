"""The memo of parsed web identity tokens keeps parses, never verdicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.federation import webidentity
from pytest_stsmock.backend.federation._keys import draw_rsa_key
from pytest_stsmock.errors import AwsError
from tests.federation.federation_helpers import GITHUB_SUB, error_of
from tests.federation.test_web_identity import assume, ci_role, github

__all__ = ["ci_role", "github"]  # the fixtures, used by name


def test_a_remembered_token_is_checked_again_after_its_key_is_retired(
    sts_backend: STSBackend, ci_role: Any, github: Any
) -> None:
    token = github.token(sub=GITHUB_SUB, kid=github.kids[0])
    assume(ci_role, token)
    assert token in webidentity.PARSED_TOKENS
    github.rotate_keys()
    with pytest.raises(ClientError) as exc:
        assume(ci_role, token)
    assert error_of(exc)[0] == "InvalidIdentityToken"
    assert len(sts_backend.sessions) == 1


def test_a_remembered_token_expires(sts_backend: STSBackend, ci_role: Any, github: Any) -> None:
    token = github.token(sub=GITHUB_SUB)
    assume(ci_role, token)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    with time_machine.travel(later), pytest.raises(ClientError) as exc:
        assume(ci_role, token)
    assert error_of(exc)[0] == "ExpiredTokenException"


def test_each_parse_hands_out_its_own_claims() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIiwibmVzdCI6eyJrIjoidiJ9fQ.c2ln"
    header, claims, _, _ = webidentity.parse_token(token)
    claims["sub"] = "changed"
    header["alg"] = "none"
    again_header, again, _, _ = webidentity.parse_token(token)
    assert again["sub"] == "a" and again_header["alg"] == "RS256"


def test_a_token_that_is_not_a_jwt_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(AwsError, match="not a valid JWT"):
            webidentity.parse_token("not.a-jwt")
        assert "not.a-jwt" not in webidentity.PARSED_TOKENS


def test_the_key_table_sees_a_key_replaced_in_place(
    sts_backend: STSBackend, ci_role: Any, github: Any
) -> None:
    """The provider's kid -> public key table is a parsed-key cache: changing
    ``keys`` in place (not only through rotate_keys) retires the old key."""
    by_first = github.token(sub=GITHUB_SUB, kid=github.kids[0])
    assume(ci_role, by_first)  # fills the table
    github.keys[0] = draw_rsa_key(sts_backend)
    with pytest.raises(ClientError) as exc:
        assume(ci_role, by_first)
    assert error_of(exc)[0] == "InvalidIdentityToken"
    assume(ci_role, github.token(sub=GITHUB_SUB, kid=github.kids[0]))
    assert len(sts_backend.sessions) == 2


def test_a_tampered_signature_after_a_good_one_is_refused_with_the_reason(
    sts_backend: STSBackend, ci_role: Any, github: Any
) -> None:
    token = github.token(sub=GITHUB_SUB)
    assume(ci_role, token)
    head, payload, signature = token.split(".")
    flipped = ("A" if signature[10] != "A" else "B").join((signature[:10], signature[11:]))
    with pytest.raises(ClientError) as exc:
        assume(ci_role, f"{head}.{payload}.{flipped}")
    assert error_of(exc)[0] == "InvalidIdentityToken"
    assert len(sts_backend.sessions) == 1
    explanation = sts_backend.calls[-1].explanation or ""
    assert f"does not verify with the key {github.kids[0]!r}" in explanation
