"""IAM SAML providers: the IdP's key and certificate, its metadata, and a SAMLResponse builder.

Design decisions:

* A provider owns an RSA key (from :mod:`._keys`) and a self-signed X.509
  certificate made with cryptography, valid 2000..2100 so frozen clocks never
  expire it.  ``metadata`` is the EntityDescriptor IAM's CreateSAMLProvider
  takes; the provider trusts exactly the certificate in it.
* ``assertion()`` writes what an IdP such as AD FS or Okta posts to AWS: a
  ``samlp:Response`` carrying one ``saml:Assertion`` signed (enveloped,
  RSA-SHA256, exclusive c14n) with signxml, the signature placed after the
  Issuer as the SAML schema wants.  Keyword arguments beyond those of the
  contract (``issued_at``, ``not_before``, ``recipient``, ``issuer``,
  ``attributes``, ``sign_response``) let tests forge every field.
* A provider IAM's CreateSAMLProvider made from a metadata document
  (:meth:`SAMLProvider.from_metadata`) trusts the document's signing
  certificate and takes its ``entityID`` as the issuer; it holds no private
  key, so it cannot sign.  Assertions for it come from whoever holds the key:
  in tests, the seeding-API provider whose ``metadata`` was given to IAM,
  signing with ``roles=[f"{role_arn},{iam_provider_arn}"]``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml.signer import XMLSigner

from pytest_stsmock.backend import clock, ids
from pytest_stsmock.backend.federation._keys import (
    SigningKey,
    draw_rsa_key,
    self_signed_certificate,
)
from pytest_stsmock.backend.policy.context import PrincipalInfo
from pytest_stsmock.errors import StsMockError

if TYPE_CHECKING:
    from cryptography import x509

    from pytest_stsmock.backend.accounts import Account
    from pytest_stsmock.backend.principals import Role

__all__ = ["ATTRIBUTE", "SAML", "SAMLP", "SIGNIN", "SAMLProvider"]

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/"
SIGNIN = "https://signin.aws.amazon.com/saml"
_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


def _time(moment: _dt.datetime) -> str:
    return clock.iso(moment.astimezone(_dt.timezone.utc))


@functools.cache
def _signer() -> XMLSigner:
    return XMLSigner(c14n_algorithm=_EXC_C14N)


class SAMLProvider:
    """An IAM SAML provider and the identity provider behind it."""

    def __init__(
        self,
        account: Account,
        name: str,
        *,
        issuer: str | None = None,
        trusted: x509.Certificate | None = None,
        metadata_document: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        if issuer is not None and (not isinstance(issuer, str) or not issuer.strip()):
            raise StsMockError("issuer must be a non-empty string, e.g. 'https://idp.example.com'.")
        self.account = account
        self.name = name
        self.arn = f"arn:aws:iam::{account.id}:saml-provider/{name}"
        self.issuer = issuer if issuer is not None else f"https://idp.example.com/{name}"
        self.key: SigningKey | None = draw_rsa_key(account.backend) if trusted is None else None
        self._trusted = trusted
        self._metadata_document = metadata_document
        self.tags = dict(tags or {})
        self.create_date = account.backend.now()

    @classmethod
    def from_metadata(
        cls,
        account: Account,
        name: str,
        *,
        issuer: str,
        certificate: x509.Certificate,
        document: str,
        tags: Mapping[str, str] | None = None,
    ) -> SAMLProvider:
        """A provider trusting a metadata document's certificate (it cannot sign)."""
        return cls(
            account, name, issuer=issuer, trusted=certificate, metadata_document=document, tags=tags
        )

    def __repr__(self) -> str:
        return f"SAMLProvider({self.arn!r})"

    @functools.cached_property
    def principal(self) -> PrincipalInfo:
        """The federated caller as the policy engine sees it (made once per provider)."""
        return PrincipalInfo(arn=self.arn, account_id="", type="SAML", federated_provider=self.arn)

    @property
    def certificate(self) -> x509.Certificate:
        """The IdP's signing certificate (the one the metadata publishes)."""
        if self._trusted is not None:
            return self._trusted
        assert self.key is not None
        return self_signed_certificate(self.key, self.name)

    @functools.cached_property
    def certificate_base64(self) -> str:
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return base64.b64encode(der).decode()

    @property
    def metadata(self) -> str:
        """The SAML metadata document (EntityDescriptor) to give IAM's CreateSAMLProvider."""
        if self._metadata_document is not None:
            return self._metadata_document
        root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD, "ds": DS})
        root.set("entityID", self.issuer)
        idp = etree.SubElement(root, f"{{{MD}}}IDPSSODescriptor")
        idp.set("protocolSupportEnumeration", SAMLP)
        descriptor = etree.SubElement(idp, f"{{{MD}}}KeyDescriptor", use="signing")
        info = etree.SubElement(descriptor, f"{{{DS}}}KeyInfo")
        data = etree.SubElement(info, f"{{{DS}}}X509Data")
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = self.certificate_base64
        etree.SubElement(idp, f"{{{MD}}}NameIDFormat").text = _PERSISTENT
        etree.SubElement(
            idp,
            f"{{{MD}}}SingleSignOnService",
            Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            Location=f"{self.issuer.rstrip('/')}/sso",
        )
        return str(etree.tostring(root, encoding="unicode"))

    def assertion(
        self,
        *,
        subject: str,
        role: Role | str,
        session_name: str | None,
        tags: Mapping[str, str] | None = None,
        transitive_tag_keys: Sequence[str] | None = None,
        source_identity: str | None = None,
        session_duration: int | None = None,
        audience: str = SIGNIN,
        not_on_or_after: _dt.datetime | None = None,
        name_id_format: str = _PERSISTENT,
        signed: bool = True,
        issued_at: _dt.datetime | None = None,
        not_before: _dt.datetime | None = None,
        recipient: str | None = None,
        issuer: str | None = None,
        session_not_on_or_after: _dt.datetime | None = None,
        roles: Sequence[str] | None = None,
        attributes: Mapping[str, Sequence[str]] | None = None,
        sign_response: bool = False,
    ) -> str:
        """A base64 SAMLResponse for AssumeRoleWithSAML, signed with this provider's key."""
        now = clock.now().replace(microsecond=0)
        issued = issued_at if issued_at is not None else now
        expires = not_on_or_after if not_on_or_after is not None else now + _dt.timedelta(minutes=5)
        rng = self.account.backend.rng
        response_id = f"_{ids.request_id(rng)}"
        assertion_id = f"_{ids.request_id(rng)}"
        role_arn = role if isinstance(role, str) else role.arn
        values: dict[str, list[str]] = {
            "Role": list(roles) if roles is not None else [f"{role_arn},{self.arn}"]
        }
        if session_name is not None:
            values["RoleSessionName"] = [session_name]
        if session_duration is not None:
            values["SessionDuration"] = [str(session_duration)]
        for key, value in (tags or {}).items():
            values[f"PrincipalTag:{key}"] = [value]
        if transitive_tag_keys:
            values["TransitiveTagKeys"] = list(transitive_tag_keys)
        if source_identity is not None:
            values["SourceIdentity"] = [source_identity]
        named = {ATTRIBUTE + k: v for k, v in values.items()}
        named.update({k: list(v) for k, v in (attributes or {}).items()})

        response = etree.Element(
            f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP, "saml": SAML}, ID=response_id
        )
        response.set("Version", "2.0")
        response.set("IssueInstant", _time(issued))
        response.set("Destination", recipient or audience)
        etree.SubElement(response, f"{{{SAML}}}Issuer").text = issuer or self.issuer
        status = etree.SubElement(response, f"{{{SAMLP}}}Status")
        etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value=_SUCCESS)
        built = self._assertion(
            assertion_id,
            issuer or self.issuer,
            issued,
            subject=subject,
            name_id_format=name_id_format,
            recipient=recipient or audience,
            audience=audience,
            not_before=not_before if not_before is not None else issued,
            expires=expires,
            session_end=session_not_on_or_after,
            attributes=named,
            placeholder=signed and not sign_response,
        )
        if signed and not sign_response:
            built = self._sign(built, assertion_id)
        response.append(built)
        if sign_response and signed:
            etree.SubElement(response, f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})
            response.insert(1, response[-1])
            response = self._sign(response, response_id)
        return base64.b64encode(etree.tostring(response)).decode()

    def _sign(self, element: Any, reference: str) -> Any:
        if self.key is None:
            raise StsMockError(
                f"{self.arn} was created from a metadata document and holds no private key; "
                "sign with the provider whose metadata it is, passing "
                f"roles=['<role arn>,{self.arn}']."
            )
        signed = _signer().sign(
            element,
            key=self.key.private_key,
            cert=[self.certificate],
            reference_uri=reference,
        )
        return signed

    def _assertion(
        self,
        assertion_id: str,
        issuer: str,
        issued: _dt.datetime,
        *,
        subject: str,
        name_id_format: str,
        recipient: str,
        audience: str,
        not_before: _dt.datetime,
        expires: _dt.datetime,
        session_end: _dt.datetime | None,
        attributes: Mapping[str, Sequence[str]],
        placeholder: bool,
    ) -> Any:
        s = f"{{{SAML}}}"
        assertion = etree.Element(f"{s}Assertion", nsmap={"saml": SAML}, ID=assertion_id)
        assertion.set("Version", "2.0")
        assertion.set("IssueInstant", _time(issued))
        etree.SubElement(assertion, f"{s}Issuer").text = issuer
        if placeholder:  # where signxml puts the signature: after the Issuer
            etree.SubElement(assertion, f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})
        subj = etree.SubElement(assertion, f"{s}Subject")
        etree.SubElement(subj, f"{s}NameID", Format=name_id_format).text = subject
        confirmation = etree.SubElement(subj, f"{s}SubjectConfirmation", Method=_BEARER)
        etree.SubElement(
            confirmation,
            f"{s}SubjectConfirmationData",
            NotOnOrAfter=_time(expires),
            Recipient=recipient,
        )
        conditions = etree.SubElement(
            assertion, f"{s}Conditions", NotBefore=_time(not_before), NotOnOrAfter=_time(expires)
        )
        restriction = etree.SubElement(conditions, f"{s}AudienceRestriction")
        etree.SubElement(restriction, f"{s}Audience").text = audience
        authn = etree.SubElement(assertion, f"{s}AuthnStatement", AuthnInstant=_time(issued))
        if session_end is not None:
            authn.set("SessionNotOnOrAfter", _time(session_end))
        context = etree.SubElement(authn, f"{s}AuthnContext")
        etree.SubElement(
            context, f"{s}AuthnContextClassRef"
        ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        statement = etree.SubElement(assertion, f"{s}AttributeStatement")
        for name, values in attributes.items():
            attribute = etree.SubElement(statement, f"{s}Attribute", Name=name)
            for value in values:
                etree.SubElement(attribute, f"{s}AttributeValue").text = value
        return assertion
