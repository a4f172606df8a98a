"""AssumeRoleWithSAML with assertions signed by the provider's own key."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lxml import etree

from pytest_stsmock import STSBackend, StsMockError
from tests.federation.federation_helpers import error_of, unsigned_sts
from tests.helpers.clients import client_for

ISSUER = "http://www.okta.com/exk1abc"


def saml_trust(provider_arn: str, **conditions: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"],
    }
    if conditions:
        statement["Condition"] = conditions
    return {"Version": "2012-10-17", "Statement": [statement]}


@pytest.fixture
def okta(sts_backend: STSBackend) -> Any:
    return sts_backend.default_account.create_saml_provider("okta", issuer=ISSUER)


@pytest.fixture
def sso_role(sts_backend: STSBackend, okta: Any) -> Any:
    return sts_backend.default_account.create_role(
        "sso",
        trust_policy=saml_trust(
            okta.arn, StringEquals={"SAML:aud": "https://signin.aws.amazon.com/saml"}
        ),
        max_session_duration=43200,
    )


def sign_in(role: Any, provider: Any, assertion: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = unsigned_sts().assume_role_with_saml(
        RoleArn=role.arn, PrincipalArn=provider.arn, SAMLAssertion=assertion, **kwargs
    )
    return response


def test_provider_arn_metadata_and_certificate(okta: Any) -> None:
    assert okta.arn == "arn:aws:iam::123456789012:saml-provider/okta"
    metadata = etree.fromstring(okta.metadata.encode())
    assert metadata.get("entityID") == ISSUER
    cert = metadata.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate").text
    assert cert == okta.certificate_base64


def test_sign_in_response_fields(sts_backend: STSBackend, sso_role: Any, okta: Any) -> None:
    assertion = okta.assertion(subject="alice@example.com", role=sso_role, session_name="alice")
    response = sign_in(sso_role, okta, assertion)
    assert response["Subject"] == "alice@example.com"
    assert response["SubjectType"] == "persistent"
    assert response["Issuer"] == ISSUER
    assert response["Audience"] == "https://signin.aws.amazon.com/saml"
    expected = base64.b64encode(
        hashlib.sha1(f"{ISSUER}123456789012/okta".encode()).digest()
    ).decode()
    assert response["NameQualifier"] == expected
    assert response["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/sso/alice"
    who = client_for(response["Credentials"]).get_caller_identity()
    assert who["Arn"] == "arn:aws:sts::123456789012:assumed-role/sso/alice"
    assert "PackedPolicySize" not in response


def test_a_response_level_signature_is_accepted(sso_role: Any, okta: Any) -> None:
    assertion = okta.assertion(subject="bob", role=sso_role, session_name="bob", sign_response=True)
    assert sign_in(sso_role, okta, assertion)["Subject"] == "bob"


def test_transient_and_other_name_id_formats(sso_role: Any, okta: Any) -> None:
    transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    for fmt, expected in ((transient, "transient"), (email, email)):
        assertion = okta.assertion(
            subject="alice", role=sso_role, session_name="alice", name_id_format=fmt
        )
        assert sign_in(sso_role, okta, assertion)["SubjectType"] == expected


def test_role_attribute_pair_in_either_order_among_several(
    sts_backend: STSBackend, sso_role: Any, okta: Any
) -> None:
    other = "arn:aws:iam::123456789012:role/other"
    roles = [f"{other},{okta.arn}", f"{okta.arn},{sso_role.arn}"]
    assertion = okta.assertion(subject="a", role=sso_role, session_name="alice", roles=roles)
    sign_in(sso_role, okta, assertion)
    missing = okta.assertion(
        subject="a", role=sso_role, session_name="alice", roles=[f"{other},{okta.arn}"]
    )
    with pytest.raises(ClientError) as exc:
        sign_in(sso_role, okta, missing)
    assert error_of(exc) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithSAML",
        403,
    )
    assert "Role attribute" in (sts_backend.calls[-1].explanation or "")


def test_session_name_attribute_rules(sso_role: Any, okta: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sign_in(sso_role, okta, okta.assertion(subject="a", role=sso_role, session_name=None))
    assert error_of(exc) == (
        "InvalidIdentityToken",
        "RoleSessionName is required in AuthnResponse",
        400,
    )
    with pytest.raises(ClientError) as exc:
        sign_in(
            sso_role, okta, okta.assertion(subject="a", role=sso_role, session_name="bad name!")
        )
    assert (
        error_of(exc)[1] == "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
    )


def test_session_duration_attribute_and_parameter(
    sts_backend: STSBackend, sso_role: Any, okta: Any
) -> None:
    assertion = okta.assertion(
        subject="a", role=sso_role, session_name="alice", session_duration=7200
    )
    response = sign_in(sso_role, okta, assertion)
    session = sts_backend.session(response["Credentials"]["AccessKeyId"])
    assert session is not None and (session.expiration - session.issued_at).total_seconds() == 7200
    response = sign_in(sso_role, okta, assertion, DurationSeconds=1800)
    session = sts_backend.session(response["Credentials"]["AccessKeyId"])
    assert session is not None and (session.expiration - session.issued_at).total_seconds() == 1800
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    capped = okta.assertion(
        subject="a",
        role=sso_role,
        session_name="alice",
        session_not_on_or_after=now + dt.timedelta(seconds=1000),
    )
    response = sign_in(sso_role, okta, capped)
    session = sts_backend.session(response["Credentials"]["AccessKeyId"])
    assert session is not None and (session.expiration - session.issued_at).total_seconds() <= 1000
    with pytest.raises(ClientError) as exc:
        sign_in(sso_role, okta, assertion, DurationSeconds=43201)
    assert error_of(exc)[0] == "ValidationError"


def test_tags_transitive_keys_and_source_identity(
    sts_backend: STSBackend, sso_role: Any, okta: Any
) -> None:
    assertion = okta.assertion(
        subject="a",
        role=sso_role,
        session_name="alice",
        tags={"dept": "eng", "cost": "42"},
        transitive_tag_keys=["dept"],
        source_identity="alice",
    )
    response = sign_in(sso_role, okta, assertion)
    assert response["SourceIdentity"] == "alice"
    assert isinstance(response["PackedPolicySize"], int)
    session = sts_backend.session(response["Credentials"]["AccessKeyId"])
    assert session is not None
    assert session.tags == {"dept": "eng", "cost": "42"} and session.transitive_tag_keys == ["dept"]
    assert session.source_identity == "alice"


def test_saml_condition_keys(sts_backend: STSBackend, okta: Any) -> None:
    role = sts_backend.default_account.create_role(
        "eng",
        trust_policy=saml_trust(
            okta.arn,
            StringEquals={
                "saml:iss": ISSUER,
                "saml:sub_type": "persistent",
                "saml:doc": "123456789012/okta",
            },
            **{"ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"}},
        ),
    )
    aff = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
    ok = okta.assertion(
        subject="a", role=role, session_name="alice", attributes={aff: ["member", "staff"]}
    )
    sign_in(role, okta, ok)
    bad = okta.assertion(
        subject="a", role=role, session_name="alice", attributes={aff: ["student"]}
    )
    with pytest.raises(ClientError) as exc:
        sign_in(role, okta, bad)
    assert error_of(exc)[0] == "AccessDenied"
    assert "saml:edupersonaffiliation" in (sts_backend.calls[-1].explanation or "").lower()


def test_regional_sign_in_recipient_is_accepted(sts_backend: STSBackend, okta: Any) -> None:
    role = sts_backend.default_account.create_role("r", trust_policy=saml_trust(okta.arn))
    regional = "https://eu-west-1.signin.aws.amazon.com/saml"
    response = sign_in(
        role, okta, okta.assertion(subject="a", role=role, session_name="al", audience=regional)
    )
    assert response["Audience"] == regional


def test_provider_seeding_is_checked(sts_backend: STSBackend, okta: Any) -> None:
    with pytest.raises(StsMockError, match="already exists"):
        sts_backend.default_account.create_saml_provider("okta")
    with pytest.raises(StsMockError):
        sts_backend.default_account.create_saml_provider("bad name")
    default = sts_backend.default_account.create_saml_provider("adfs")
    assert default.issuer and default.certificate_base64 != okta.certificate_base64
