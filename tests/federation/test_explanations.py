"""A refused federation call says which check failed, on the Call and in the pytest report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from tests.federation.federation_helpers import GITHUB, GITHUB_SUB, unsigned_sts, web_identity_trust
from tests.federation.test_saml import ISSUER, saml_trust

pytest_plugins = ["pytester"]


def _explanation_of_web_identity(backend: STSBackend, role: Any, token: str) -> str:
    with pytest.raises(ClientError):
        unsigned_sts().assume_role_with_web_identity(
            RoleArn=role.arn, RoleSessionName="why", WebIdentityToken=token
        )
    explanation = backend.calls[-1].explanation
    assert explanation is not None
    return explanation


def test_web_identity_explanations_name_the_check(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    github = acct.create_oidc_provider(GITHUB, client_ids=["sts.amazonaws.com"])
    role = acct.create_role(
        "ci",
        trust_policy=web_identity_trust(
            github.arn, StringLike={"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}
        ),
    )
    why = _explanation_of_web_identity
    assert "signature" in why(sts_backend, role, github.token(sub=GITHUB_SUB)[:-4] + "AAAA")
    assert "iss" in why(
        sts_backend, role, github.token(sub=GITHUB_SUB, claims={"iss": "https://x"})
    )
    assert "aud" in why(sts_backend, role, github.token(sub=GITHUB_SUB, aud="other"))
    assert "expired" in why(sts_backend, role, github.token(sub=GITHUB_SUB, expires_in=-1))
    assert "in the future" in why(
        sts_backend, role, github.token(sub=GITHUB_SUB, claims={"iat": 4102444800})
    )
    trust = why(sts_backend, role, github.token(sub="repo:evil/x:ref:refs/heads/main"))
    assert "Statement[0] in the trust policy of arn:aws:iam::123456789012:role/ci" in trust
    assert (
        'condition StringLike token.actions.githubusercontent.com:sub: actual value "repo:evil/x'
        in trust
    )


def test_saml_explanations_name_the_check(sts_backend: STSBackend) -> None:
    acct = sts_backend.default_account
    okta = acct.create_saml_provider("okta", issuer=ISSUER)
    role = acct.create_role(
        "sso", trust_policy=saml_trust(okta.arn, StringEquals={"saml:sub": "alice@example.com"})
    )

    def why(**kwargs: Any) -> str:
        subject = kwargs.pop("subject", "alice@example.com")
        assertion = okta.assertion(subject=subject, role=role, session_name="alice", **kwargs)
        with pytest.raises(ClientError):
            unsigned_sts().assume_role_with_saml(
                RoleArn=role.arn, PrincipalArn=okta.arn, SAMLAssertion=assertion
            )
        explanation = sts_backend.calls[-1].explanation
        assert explanation is not None
        return explanation

    now = dt.datetime.now(dt.timezone.utc)
    assert "unsigned" in why(signed=False)
    assert "Issuer" in why(issuer="https://evil.example.com")
    assert "Recipient" in why(audience="https://evil.example.com/saml")
    assert "five minutes" in why(issued_at=now - dt.timedelta(minutes=10))
    assert "NotOnOrAfter" in why(not_on_or_after=now - dt.timedelta(seconds=5))
    trust = why(subject="mallory@example.com")
    assert 'condition StringEquals saml:sub: actual value "mallory@example.com"' in trust


def test_the_pytest_report_lists_a_refused_federation_call(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import boto3
from botocore import UNSIGNED
from botocore.config import Config

def test_denied(sts_backend):
    acct = sts_backend.default_account
    github = acct.create_oidc_provider("https://token.actions.githubusercontent.com", client_ids=["sts.amazonaws.com"])
    role = acct.create_role("ci", trust_policy={"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": github.arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:a/b:ref:refs/heads/main"}}}]})
    sts = boto3.client("sts", region_name="us-east-1", config=Config(signature_version=UNSIGNED))
    try:
        sts.assume_role_with_web_identity(RoleArn=role.arn, RoleSessionName="ci", WebIdentityToken=github.token(sub="repo:a/b:pull_request"))
    except Exception:
        pass
    assert False
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- stsmock: denied calls -*",
            "1. AssumeRoleWithWebIdentity*AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
            '*condition StringEquals token.actions.githubusercontent.com:sub: actual value "repo:a/b:pull_request"*',
        ]
    )
