"""grant.new_federated_session sets a Session's attributes directly: every field, as the
constructor would."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.credentials import Session
from tests.federation.federation_helpers import GITHUB, GITHUB_SUB, unsigned_sts, web_identity_trust


def _signed_in(sts_backend: STSBackend, **token: Any) -> Session:
    acct = sts_backend.default_account
    github = acct.create_oidc_provider(GITHUB, client_ids=["sts.amazonaws.com"])
    trust = web_identity_trust(github.arn)
    trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    role = acct.create_role("ci", trust_policy=trust)
    unsigned_sts().assume_role_with_web_identity(
        RoleArn=role.arn,
        RoleSessionName="run",
        WebIdentityToken=github.token(sub=GITHUB_SUB, **token),
        Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
        '"Resource":"*"}]}',
    )
    session = sts_backend.sessions[-1]
    assert session.federated_provider == github.arn
    return session


@pytest.mark.parametrize(
    "token",
    [{}, {"tags": {"team": "blue"}, "transitive_tag_keys": ["team"]}],
    ids=["plain", "tagged"],
)
def test_every_session_field_is_set_as_the_constructor_sets_it(
    sts_backend: STSBackend, token: dict[str, Any]
) -> None:
    session = _signed_in(sts_backend, **token)
    fields = dataclasses.fields(Session)
    values = {f.name: getattr(session, f.name) for f in fields}  # AttributeError if one is unset
    reference = Session(**{f.name: values[f.name] for f in fields if f.init})
    for field in fields:
        assert getattr(session, field.name) == getattr(reference, field.name), field.name
    # The defaults a federated session keeps, as the constructor gives them.
    assert (session.principal, session.parent, session.chained) == (None, None, False)
    assert (session.mfa_authenticated, session.mfa_authenticated_at) == (False, None)
    assert (session.provided_contexts, session.scope_policies) == ((), ())
    assert len(session.session_policies) == 1 and session.policy is not None
    if token:
        assert session.tags == {"team": "blue"} and session.transitive_tag_keys == ["team"]
