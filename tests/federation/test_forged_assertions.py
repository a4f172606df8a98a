"""Forged SAML responses: signature wrapping, tampering, DTD attacks... each refused, nothing issued."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pytest_stsmock import STSBackend, mock_sts
from pytest_stsmock.backend.federation import safexml
from tests.federation.federation_helpers import error_of, unsigned_sts
from tests.federation.test_saml import ISSUER, saml_trust

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SIGNATURE = ("InvalidIdentityToken", "Response signature invalid", 400)
MALFORMED = (
    "InvalidIdentityToken",
    "Invalid SAML response: it must be a base64-encoded SAML 2.0 Response.",
    400,
)


def decode(assertion: str) -> Any:
    return etree.fromstring(base64.b64decode(assertion))


def encode(root: Any) -> str:
    return base64.b64encode(etree.tostring(root)).decode()


def raw(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _good(p: Any, r: Any, **kw: Any) -> str:
    return str(p.assertion(subject="alice@example.com", role=r, session_name="alice", **kw))


def tampered(p: Any, r: Any) -> str:
    root = decode(_good(p, r))
    root.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    return encode(root)


def second_unsigned_assertion(p: Any, r: Any) -> str:
    root = decode(_good(p, r))
    forged = decode(_good(p, r, signed=False)).find(f"{{{SAML}}}Assertion")
    forged.set("ID", "_forged")
    forged.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    root.insert(2, forged)
    return encode(root)


def signed_assertion_moved(p: Any, r: Any) -> str:
    """The signed assertion hidden in Extensions; a forged one where a reader looks."""
    root = decode(_good(p, r))
    signed = root.find(f"{{{SAML}}}Assertion")
    extensions = etree.SubElement(root, "{urn:oasis:names:tc:SAML:2.0:protocol}Extensions")
    root.insert(1, extensions)
    extensions.append(signed)
    forged = copy.deepcopy(signed)
    forged.set("ID", "_forged")
    forged.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    root.append(forged)
    return encode(root)


def signed_assertion_in_the_signature(p: Any, r: Any) -> str:
    """A forged assertion whose signature carries the genuine one in a ds:Object."""
    root = decode(_good(p, r))
    genuine = root.find(f"{{{SAML}}}Assertion")
    forged = copy.deepcopy(genuine)
    forged.set("ID", "_forged")
    forged.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    signature = forged.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    obj = etree.SubElement(signature, "{http://www.w3.org/2000/09/xmldsig#}Object")
    root.remove(genuine)
    obj.append(genuine)
    root.append(forged)
    return encode(root)


def signed_response_wrapping_forged(p: Any, r: Any) -> str:
    """A signed Response moved inside a new Response whose Assertion is forged."""
    genuine = decode(_good(p, r, sign_response=True))
    outer = decode(_good(p, r, signed=False))
    outer.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    outer.set("ID", "_outer")
    outer.find(f"{{{SAML}}}Assertion").set("ID", "_outer_assertion")
    extensions = etree.Element("{urn:oasis:names:tc:SAML:2.0:protocol}Extensions")
    extensions.append(genuine)
    outer.insert(1, extensions)
    return encode(outer)


def forged_assertion_in_a_signed_response(p: Any, r: Any) -> str:
    """A Response signed as a whole, its Assertion then replaced by a forged one."""
    root = decode(_good(p, r, sign_response=True))
    root.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    return encode(root)


def comment_in_name_id(p: Any, r: Any) -> str:
    """The signature stays valid (exclusive c14n drops comments); the reader must not split."""
    text = base64.b64decode(_good(p, r)).decode()
    text = text.replace(">alice@example.com<", ">alice@example.com<!---->.evil.example<", 1)
    return raw(text)


def other_idp(p: Any, r: Any) -> str:
    other = p.account.create_saml_provider("other-idp", issuer=ISSUER)
    return str(
        other.assertion(
            subject="alice@example.com", role=r, session_name="alice", roles=[f"{r.arn},{p.arn}"]
        )
    )


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol3;</samlp:Response>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&xxe;</samlp:Response>'
)

CASES: dict[str, tuple[Callable[[Any, Any], str], tuple[str, str | None, int]]] = {
    "unsigned": (lambda p, r: _good(p, r, signed=False), SIGNATURE),
    "signed then tampered": (tampered, SIGNATURE),
    "a second, unsigned assertion": (second_unsigned_assertion, SIGNATURE),
    "the signed assertion moved to Extensions": (signed_assertion_moved, SIGNATURE),
    "the signed assertion inside the signature": (signed_assertion_in_the_signature, SIGNATURE),
    "a signed Response wrapped by a forged one": (signed_response_wrapping_forged, SIGNATURE),
    "a forged assertion in a signed Response": (forged_assertion_in_a_signed_response, SIGNATURE),
    "a comment inside the NameID": (comment_in_name_id, MALFORMED),
    "signed by another IdP": (other_idp, SIGNATURE),
    "wrong audience": (
        lambda p, r: _good(p, r, audience="https://evil.example.com/saml"),
        ("InvalidIdentityToken", None, 400),
    ),
    "wrong recipient": (
        lambda p, r: _good(p, r, recipient="https://evil.example.com/saml"),
        ("InvalidIdentityToken", None, 400),
    ),
    "expired": (
        lambda p, r: _good(p, r, not_on_or_after=now() - dt.timedelta(seconds=1)),
        ("ExpiredTokenException", "Response has expired", 400),
    ),
    "not yet valid": (
        lambda p, r: _good(p, r, not_before=now() + dt.timedelta(minutes=10)),
        ("InvalidIdentityToken", "Response is not yet valid", 400),
    ),
    "older than five minutes": (
        lambda p, r: _good(p, r, issued_at=now() - dt.timedelta(minutes=6)),
        ("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400),
    ),
    "another issuer, same key": (
        lambda p, r: _good(p, r, issuer="https://evil.example.com"),
        ("InvalidIdentityToken", None, 400),
    ),
    "a DOCTYPE with internal entities (billion laughs)": (lambda p, r: raw(LAUGHS), MALFORMED),
    "an external entity (XXE)": (lambda p, r: raw(XXE), MALFORMED),
    "oversize": (lambda p, r: "A" * 100_001, ("ValidationError", None, 400)),
    "not base64": (lambda p, r: "%%% not base64 %%%", MALFORMED),
    "not XML": (lambda p, r: raw("hello, this is not xml"), MALFORMED),
    "XML but not SAML": (lambda p, r: raw("<html><body/></html>"), MALFORMED),
}


@pytest.fixture
def target(sts_backend: STSBackend) -> tuple[Any, Any]:
    provider = sts_backend.default_account.create_saml_provider("okta", issuer=ISSUER)
    role = sts_backend.default_account.create_role("sso", trust_policy=saml_trust(provider.arn))
    return provider, role


@pytest.mark.parametrize("case", sorted(CASES))
def test_forged_assertion_is_refused(
    sts_backend: STSBackend, target: tuple[Any, Any], case: str
) -> None:
    provider, role = target
    build, (code, message, status) = CASES[case]
    assertion = build(provider, role)
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_saml(
            RoleArn=role.arn, PrincipalArn=provider.arn, SAMLAssertion=assertion
        )
    got = error_of(exc)
    assert (got[0], got[2]) == (code, status)
    if message is not None:
        assert got[1] == message
    assert sts_backend.sessions == []
    if code != "ValidationError":
        assert sts_backend.calls[-1].explanation


def test_issuer_and_provider_messages(sts_backend: STSBackend, target: tuple[Any, Any]) -> None:
    provider, role = target
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_saml(
            RoleArn=role.arn,
            PrincipalArn=provider.arn,
            SAMLAssertion=_good(provider, role, issuer="https://evil"),
        )
    assert re.fullmatch(
        r"Issuer not present in specified provider \(Service: AWSOpenIdDiscoveryService; Status Code: 400; "
        r"Error Code: AuthSamlInvalidSamlResponseException; Request ID: [0-9a-f-]{36}; Proxy: null\)",
        error_of(exc)[1],
    )
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_saml(
            RoleArn=role.arn,
            PrincipalArn="arn:aws:iam::123456789012:saml-provider/nope",
            SAMLAssertion=_good(provider, role),
        )
    assert error_of(exc)[1].startswith(
        "Specified provider doesn't exist (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlManifestNotFoundException; Request ID: "
    )


def test_the_parser_refuses_more_than_its_cap() -> None:
    with pytest.raises(safexml.UnsafeXml, match="more than"):
        safexml.parse(b"<a>" + b"x" * safexml.MAX_BYTES + b"</a>")
    with pytest.raises(safexml.UnsafeXml, match="DOCTYPE"):
        safexml.parse(XXE.encode())


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    document=st.one_of(
        st.text(min_size=4, max_size=300),
        st.binary(min_size=3, max_size=300).map(lambda b: base64.b64encode(b).decode()),
        st.recursive(
            st.text(alphabet="abc<>/=\"' &;!-", max_size=20),
            lambda inner: st.builds(
                lambda t, c: (
                    f"<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol' ID='{t}'>{c}</samlp:Response>"
                ),
                st.text(alphabet="abc_", max_size=5),
                inner,
            ),
            max_leaves=4,
        )
        .map(raw)
        .filter(lambda t: len(t) >= 4),
    )
)
def test_no_assertion_escapes_as_anything_but_an_aws_error(document: str) -> None:
    with mock_sts() as backend:
        provider = backend.default_account.create_saml_provider("okta", issuer=ISSUER)
        role = backend.default_account.create_role("sso", trust_policy=saml_trust(provider.arn))
        with pytest.raises(ClientError) as exc:
            unsigned_sts().assume_role_with_saml(
                RoleArn=role.arn, PrincipalArn=provider.arn, SAMLAssertion=document
            )
        code, message, status = error_of(exc)
        assert code in {
            "InvalidIdentityToken",
            "ValidationError",
            "ExpiredTokenException",
            "AccessDenied",
        }
        assert message and status in (400, 403)
        assert backend.sessions == []
