"""The --state format's oidc_providers and saml_providers sections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pytest_stsmock import StsMockError
from pytest_stsmock.server import StsServer
from tests.helpers.server import ACCOUNT, admin

URL = "https://token.actions.githubusercontent.com"
GITHUB = "token.actions.githubusercontent.com"
THUMB = "6938fd4d98bab03faadb97b34396831e3780aea1"
ACCT = f'accounts["{ACCOUNT}"]'


def _federated(provider_arn: str, action: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": action}
    return {"Version": "2012-10-17", "Statement": [statement]}


def _doc(**sections: Any) -> dict[str, Any]:
    return {"version": 1, "accounts": {ACCOUNT: sections}}


OIDC = {URL: {"client_ids": ["sts.amazonaws.com"], "thumbprints": [THUMB], "tags": {"t": "v"}}}
SAML = {"okta": {"issuer": "http://www.okta.com/exk1"}}


def test_providers_are_seeded_and_federate(make_client: Callable[..., Any]) -> None:
    oidc_arn = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
    saml_arn = f"arn:aws:iam::{ACCOUNT}:saml-provider/okta"
    roles = {
        "ci": {"trust_policy": _federated(oidc_arn, "sts:AssumeRoleWithWebIdentity")},
        "sso": {"trust_policy": _federated(saml_arn, "sts:AssumeRoleWithSAML")},
    }
    with StsServer(state=_doc(oidc_providers=OIDC, saml_providers=SAML, roles=roles)) as server:
        account = server.backend.account(ACCOUNT)
        github = account.oidc_providers[GITHUB]
        assert (github.arn, github.client_ids, github.thumbprints) == (
            oidc_arn,
            ["sts.amazonaws.com"],
            [THUMB],
        )
        assert github.tags == {"t": "v"}
        okta = account.saml_providers["okta"]
        assert (okta.arn, okta.issuer) == (saml_arn, "http://www.okta.com/exk1")
        sts = make_client(server.endpoint_url)
        answer = sts.assume_role_with_web_identity(
            RoleArn=account.roles["ci"].arn,
            RoleSessionName="ci",
            WebIdentityToken=github.token(sub="repo:o/r"),
        )
        assert answer["Provider"] == oidc_arn
        role = account.roles["sso"]
        assertion = okta.assertion(subject="alice", role=role, session_name="alice")
        answer = sts.assume_role_with_saml(
            RoleArn=role.arn, PrincipalArn=saml_arn, SAMLAssertion=assertion
        )
        assert answer["Issuer"] == "http://www.okta.com/exk1"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_doc(oidc_providers=[]), f"{ACCT}.oidc_providers: must be a JSON object, not an array"),
        (
            _doc(oidc_providers={URL: {}}),
            f'{ACCT}.oidc_providers["{URL}"].client_ids: is required',
        ),
        (
            _doc(oidc_providers={URL: {"client_ids": "sts.amazonaws.com"}}),
            f'{ACCT}.oidc_providers["{URL}"].client_ids: must be a JSON array',
        ),
        (
            _doc(oidc_providers={URL: {"client_ids": ["a"], "thumbprints": [1]}}),
            f'{ACCT}.oidc_providers["{URL}"].thumbprints[0]: must be a string',
        ),
        (
            _doc(oidc_providers={URL: {"client_ids": ["a"], "client_id": []}}),
            f'{ACCT}.oidc_providers["{URL}"].client_id: unknown field',
        ),
        (
            _doc(oidc_providers={URL: {"client_ids": ["a"], "tags": {"k": 1}}}),
            f'{ACCT}.oidc_providers["{URL}"].tags["k"]: must be a string',
        ),
        (
            _doc(oidc_providers={"http://idp": {"client_ids": ["a"]}}),
            f'{ACCT}.oidc_providers["http://idp"]: OIDC provider url',
        ),
        (
            _doc(oidc_providers={URL: {"client_ids": ["a"], "thumbprints": ["abc"]}}),
            f'{ACCT}.oidc_providers["{URL}"]: thumbprints must be',
        ),
        (
            _doc(saml_providers={"okta": {"isuer": "x"}}),
            f"{ACCT}.saml_providers[\"okta\"].isuer: unknown field; did you mean 'issuer'?",
        ),
        (
            _doc(saml_providers={"okta": {"issuer": 3}}),
            f'{ACCT}.saml_providers["okta"].issuer: must be a string',
        ),
        (
            _doc(saml_providers={"bad name!": {}}),
            f'{ACCT}.saml_providers["bad name!"]: SAML provider name',
        ),
    ],
)
def test_a_bad_provider_field_is_named_by_its_path(document: dict[str, Any], message: str) -> None:
    with pytest.raises(StsMockError) as raised:
        StsServer(state=document)
    assert str(raised.value).startswith(message), raised.value


def test_post_state_adds_providers_and_refuses_existing_ones(server: StsServer) -> None:
    status, answer = admin(
        server.endpoint_url, "POST", "state", _doc(oidc_providers=OIDC, saml_providers=SAML)
    )
    assert status == 200
    assert (answer["added"]["oidc_providers"], answer["added"]["saml_providers"]) == (1, 1)
    account = server.backend.account(ACCOUNT)
    before = (dict(account.oidc_providers), dict(account.saml_providers), dict(account.users))
    again = _doc(users={"zed": {}}, saml_providers={"new": {}, **SAML})
    status, answer = admin(server.endpoint_url, "POST", "state", again)
    assert status == 400
    assert answer["message"].startswith(f'{ACCT}.saml_providers["okta"]: SAML provider')
    after = (dict(account.oidc_providers), dict(account.saml_providers), dict(account.users))
    assert after == before
    status, answer = admin(server.endpoint_url, "POST", "state", _doc(oidc_providers=OIDC))
    assert status == 400 and "already exists" in answer["message"]


# -- organizations (top level) ------------------------------------------------------

MGMT, MEMBER, ADMIN = "111111111111", "222222222222", "333333333333"
ADMIN_KEY = {"access_key_id": "AKIAORGADMIN00000001", "secret_access_key": "o" * 40}
ROOT_TASK = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"


def _org(**fields: Any) -> dict[str, Any]:
    entry = {"management_account": MGMT, "members": [MEMBER, ADMIN], **fields}
    return {"version": 1, "organizations": [entry]}


def test_organizations_are_seeded_and_answer_assume_root(
    make_client: Callable[..., Any],
) -> None:
    doc = _org(delegated_administrators=[ADMIN])
    allow_root = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*"}],
    }
    user = {"policies": [allow_root], "access_keys": [ADMIN_KEY]}
    doc["accounts"] = {MGMT: {"users": {"ops": user}}}
    with StsServer(state=doc) as server:
        org = server.backend.organizations.of(MEMBER)
        assert org is not None and org.management_account_id == MGMT
        assert org.delegated_administrators == {ADMIN} and org.centralized_root_access
        sts = make_client(server.endpoint_url, ADMIN_KEY["access_key_id"], "o" * 40)
        creds = sts.assume_root(TargetPrincipal=MEMBER, TaskPolicyArn={"arn": ROOT_TASK})
        assert creds["Credentials"]["AccessKeyId"].startswith("ASIA")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"organizations": {}}, "organizations: must be a JSON array, not an object"),
        ({"organizations": [{}]}, "organizations[0].management_account: is required"),
        (_org(members=MEMBER), "organizations[0].members: must be a JSON array"),
        (_org(centralized_root_access="yes"), "organizations[0].centralized_root_access: must be"),
        (_org(member=[]), "organizations[0].member: unknown field; did you mean 'members'?"),
        (_org(members=["12"]), "organizations[0]: Member account id '12' is not an account id"),
        (
            _org(delegated_administrators=["444444444444"]),
            "organizations[0]: Account 444444444444 is not a member",
        ),
    ],
)
def test_a_bad_organization_field_is_named_by_its_path(
    document: dict[str, Any], message: str
) -> None:
    with pytest.raises(StsMockError) as raised:
        StsServer(state=document)
    assert str(raised.value).startswith(message), raised.value


def test_post_state_refuses_an_account_already_in_an_organization(server: StsServer) -> None:
    status, answer = admin(server.endpoint_url, "POST", "state", _org())
    assert status == 200 and answer["added"]["organizations"] == 1
    clash: dict[str, Any] = {
        "organizations": [{"management_account": "444444444444", "members": [MEMBER]}]
    }
    clash["accounts"] = {"555555555555": {"users": {"yan": {}}}}
    status, answer = admin(server.endpoint_url, "POST", "state", clash)
    assert status == 400
    assert answer["message"].startswith(
        f"organizations[0]: Account {MEMBER} already belongs to the organization of {MGMT}"
    )
    assert len(list(server.backend.organizations)) == 1
    assert "555555555555" not in server.backend.accounts
