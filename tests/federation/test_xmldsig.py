"""The fast XML-signature path (backend/federation/xmldsig.py) against signxml.

The fast path may only say "valid" where signxml says valid and hands back the
same element; everything else must go to signxml, so refusals read as before.
Each hand-written check is tested with a document re-signed by the provider's
own key after the change, so that only that check can refuse it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from signxml.verifier import XMLVerifier

from pytest_stsmock import STSBackend
from pytest_stsmock.backend.federation import safexml, samlverify, xmldsig
from tests.federation.federation_helpers import error_of, unsigned_sts
from tests.federation.test_forged_assertions import CASES
from tests.federation.test_saml import ISSUER, saml_trust

SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.fixture
def target(sts_backend: STSBackend) -> tuple[Any, Any]:
    provider = sts_backend.default_account.create_saml_provider("okta", issuer=ISSUER)
    role = sts_backend.default_account.create_role("sso", trust_policy=saml_trust(provider.arn))
    return provider, role


def _document(provider: Any, role: Any, **kwargs: Any) -> Any:
    text = provider.assertion(subject="alice@example.com", role=role, session_name="a", **kwargs)
    return safexml.parse(base64.b64decode(text))


def _parts(root: Any) -> tuple[Any, Any]:
    """(holder, signature) of a document signed on its Assertion or on the Response."""
    signature = next(root.iter(f"{DS}Signature"))
    return signature.getparent(), signature


def _resign(provider: Any, root: Any, *, digest: bool = True) -> Any:
    """Recompute the reference's digest (unless ``digest`` is False) and the signature
    value with the provider's key, so the document is validly signed as it now is."""
    holder, signature = _parts(root)
    reference = signature.find(f"{DS}SignedInfo/{DS}Reference")
    if digest:
        uri = reference.get("URI")
        target = (
            holder
            if uri == f"#{holder.get('ID')}"
            else root.xpath("//*[@ID=$v]", v=uri.lstrip("#"))[0]
        )
        value = base64.b64encode(hashlib.sha256(xmldsig.digest_input(target, signature)).digest())
        reference.find(f"{DS}DigestValue").text = value.decode()
    signed_info = signature.find(f"{DS}SignedInfo")
    c14n = etree.tostring(signed_info, method="c14n", exclusive=True)
    raw = provider.key.private_key.sign(c14n, padding.PKCS1v15(), hashes.SHA256())
    signature.find(f"{DS}SignatureValue").text = base64.b64encode(raw).decode()
    return root


def _signxml_accepts(root: Any, provider: Any) -> bool:
    holder, _ = _parts(root)
    where = "./" if holder is root else f"./{SAML}Assertion/"
    try:
        XMLVerifier().verify(
            etree.tostring(root),
            parser=safexml.parser(),
            x509_cert=provider.certificate,
            expect_config=samlverify.SIGNATURE_CONFIG[where],
            validate_schema=False,
        )
    except Exception:
        return False
    return True


def _fast(root: Any, provider: Any) -> bool:
    holder, signature = _parts(root)
    return xmldsig.verify(holder, signature, provider.certificate)


@pytest.mark.parametrize("sign_response", [False, True])
def test_a_genuine_signature_passes_and_the_tree_is_left_as_it_was(
    target: tuple[Any, Any], sign_response: bool
) -> None:
    provider, role = target
    root = _document(provider, role, sign_response=sign_response)
    before = etree.tostring(root)
    assert _fast(root, provider)
    assert etree.tostring(root) == before  # the enveloped transform's removal is undone
    assert _signxml_accepts(root, provider)


def test_the_covered_element_is_what_signxml_returns(target: tuple[Any, Any]) -> None:
    provider, role = target
    root = _document(provider, role)
    holder, signature = _parts(root)
    result: Any = XMLVerifier().verify(
        etree.tostring(root),
        x509_cert=provider.certificate,
        expect_config=samlverify.SIGNATURE_CONFIG[f"./{SAML}Assertion/"],
        validate_schema=False,
    )
    assert result.signed_data == xmldsig.digest_input(holder, signature)


def _set(path: str, attribute: str | None, value: str) -> Callable[[Any], None]:
    def change(root: Any) -> None:
        element = root.find(path)
        if attribute is None:
            element.text = value
        else:
            element.set(attribute, value)

    return change


def _add(path: str, tag: str, **attributes: str) -> Callable[[Any], None]:
    def change(root: Any) -> None:
        etree.SubElement(root.find(path), tag, **attributes)

    return change


def _to_the_response(root: Any) -> None:
    root.find(REF).set("URI", f"#{root.get('ID')}")


def _tail(root: Any) -> None:
    _parts(root)[1].tail = "text after the signature"


def _same_value_elsewhere(root: Any) -> None:
    holder, _ = _parts(root)
    root.find(f"{SAML}Issuer").set("id", holder.get("ID"))


SIG = f"{SAML}Assertion/{DS}Signature"
INFO = f"{SIG}/{DS}SignedInfo"
REF = f"{INFO}/{DS}Reference"
#: name -> (change, re-sign the digest too?).  Each is validly signed after the change.
CHECKS: dict[str, tuple[Callable[[Any], None], bool]] = {
    "a reference to another ID": (_to_the_response, True),
    "an unexpected transform": (
        _add(f"{REF}/{DS}Transforms", f"{DS}Transform", Algorithm=xmldsig.EXC_C14N),
        True,
    ),
    "inclusive c14n for the reference": (
        _set(
            f"{REF}/{DS}Transforms/{DS}Transform[2]",
            "Algorithm",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        ),
        True,
    ),
    "inclusive c14n for SignedInfo": (
        _set(
            f"{INFO}/{DS}CanonicalizationMethod",
            "Algorithm",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        ),
        True,
    ),
    "InclusiveNamespaces": (
        _add(
            f"{INFO}/{DS}CanonicalizationMethod",
            "{http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces",
            PrefixList="saml",
        ),
        True,
    ),
    "a KeyValue beside the certificate": (_add(f"{SIG}/{DS}KeyInfo", f"{DS}KeyValue"), True),
    "an Object in the signature": (_add(SIG, f"{DS}Object"), True),
    "text after the signature": (_tail, True),
    "the ID's value on another element": (_same_value_elsewhere, True),
    "an unknown digest method": (_set(f"{REF}/{DS}DigestMethod", "Algorithm", "urn:md5"), True),
    "a wrong digest": (_set(f"{REF}/{DS}DigestValue", None, "AAAA"), False),
}


@pytest.mark.parametrize("case", sorted(CHECKS))
def test_each_check_of_the_fast_path_sends_the_document_to_signxml(
    target: tuple[Any, Any], case: str
) -> None:
    provider, role = target
    change, digest = CHECKS[case]
    root = _document(provider, role)
    change(root)
    root = safexml.parse(etree.tostring(_resign(provider, root, digest=digest)))
    assert not _fast(root, provider)


def test_a_wrong_signature_value_or_another_key_is_not_proven(
    target: tuple[Any, Any], sts_backend: STSBackend
) -> None:
    provider, role = target
    root = _document(provider, role)
    holder, signature = _parts(root)
    value = signature.find(f"{DS}SignatureValue")
    good = value.text
    value.text = base64.b64encode(b"\x01" * 256).decode()
    assert not _fast(root, provider)
    value.text = good
    other = sts_backend.default_account.create_saml_provider("other", issuer=ISSUER)
    assert not xmldsig.verify(holder, signature, other.certificate)
    assert _fast(root, provider)


def test_a_certificate_out_of_its_validity_is_not_proven(
    target: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, role = target
    root = _document(provider, role)
    key, start, _ = xmldsig.certificate_key(provider.certificate)
    monkeypatch.setattr(xmldsig, "certificate_key", lambda cert: (key, start, start))
    assert not _fast(root, provider)


def _refusal(sts_backend: STSBackend, provider: Any, role: Any, assertion: str) -> tuple[Any, ...]:
    with pytest.raises(ClientError) as exc:
        unsigned_sts().assume_role_with_saml(
            RoleArn=role.arn, PrincipalArn=provider.arn, SAMLAssertion=assertion
        )
    code, message, status = error_of(exc)
    explanation = sts_backend.calls[-1].explanation or ""
    return code, message if "Request ID" not in message else None, status, explanation


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_forged_case_reads_as_signxml_alone_would_refuse_it(
    sts_backend: STSBackend,
    target: tuple[Any, Any],
    case: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider, role = target
    build, _ = CASES[case]
    assertion = build(provider, role)
    with_fast_path = _refusal(sts_backend, provider, role, assertion)
    monkeypatch.setattr(xmldsig, "verify", lambda *args: False)
    assert _refusal(sts_backend, provider, role, assertion) == with_fast_path
    assert sts_backend.sessions == []


def test_a_validly_signed_reference_to_the_response_is_refused_as_wrapping(
    sts_backend: STSBackend, target: tuple[Any, Any]
) -> None:
    provider, role = target
    root = _document(provider, role)
    _to_the_response(root)
    root = safexml.parse(etree.tostring(_resign(provider, root)))
    assert _signxml_accepts(root, provider) and not _fast(root, provider)
    code, message, status, explanation = _refusal(
        sts_backend, provider, role, base64.b64encode(etree.tostring(root)).decode()
    )
    assert (code, message, status) == ("InvalidIdentityToken", "Response signature invalid", 400)
    assert "wrapping" in explanation
    assert sts_backend.sessions == []


@pytest.mark.parametrize("sign_response", [False, True])
def test_after_any_one_change_the_fast_path_accepts_only_what_signxml_accepts(
    target: tuple[Any, Any], sign_response: bool
) -> None:
    provider, role = target
    size = len(list(_document(provider, role, sign_response=sign_response).iter()))
    accepted = 0
    for index in range(size):
        for how in ("text", "attribute", "tail"):
            root = _document(provider, role, sign_response=sign_response)
            element = list(root.iter())[index]
            if how == "text":
                element.text = (element.text or "") + "x"
            elif how == "attribute":
                element.set("Extra", "x")
            else:
                element.tail = "x"
            try:
                root = safexml.parse(etree.tostring(root))
            except safexml.UnsafeXml:  # text after the root: refused before any signature
                continue
            if _fast(root, provider):
                accepted += 1
                assert _signxml_accepts(root, provider), (index, how)
    assert accepted  # changes outside the covered element (KeyInfo, ...) still verify
