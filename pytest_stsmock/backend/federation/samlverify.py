"""AssumeRoleWithSAML: a SAMLResponse verified as AWS verifies it, then a role session.

The defence against signature wrapping is structural: the document must hold
exactly one Assertion (no EncryptedAssertion), unique IDs, and one signature,
either on the Response (a child of the root) or on the Assertion (a child of
it).  :mod:`.xmldsig` verifies a signature of the plain shape (one
reference to the holder's ID, enveloped + exclusive c14n, RSA) on the parsed
tree and answers with the holder itself; anything else, and every failure,
goes to signxml, which verifies against the provider's certificate and
returns the element the signature covers, re-parsed from its canonical form
(so a refusal's message is signxml's, as before).  That element must be the
Response or Assertion holding the signature (same ID), and **every later
check reads only that element**.  Nothing outside it is looked at again.

Order of checks (AWS's messages; ours where ``_messages`` says OURS): base64
and the hardened parser; the provider named by PrincipalArn; the signature;
the Issuer; the five-minute redemption window (IssueInstant); NotBefore;
NotOnOrAfter (Conditions and SubjectConfirmationData); Audience and
Recipient; the NameID; the Role attribute pair; RoleSessionName;
SessionDuration; tags and source identity; then :mod:`.grant`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.verifier import SignatureConfiguration, XMLVerifier

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import ids
from pytest_stsmock.backend.federation import safexml, xmldsig
from pytest_stsmock.backend.federation.grant import NO_SESSION_POLICIES, FederatedRequest, grant
from pytest_stsmock.backend.federation.saml import ATTRIBUTE, DS, SAML, SAMLP, SAMLProvider
from pytest_stsmock.backend.federation.samlkeys import attribute_keys
from pytest_stsmock.backend.requests import SessionPolicyRequest
from pytest_stsmock.errors import AwsError

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend
    from pytest_stsmock.backend.credentials import Session

__all__ = ["SamlRequest", "SamlResult", "assume_role_with_saml"]

ACTION = "sts:AssumeRoleWithSAML"
REDEEM_WINDOW = 300
CLOCK_SKEW = 300
_RECIPIENT = re.compile(r"https://(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com/saml")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_FORMAT_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?")
SIGNATURE_CONFIG = {
    where: SignatureConfiguration(
        location=where,
        expect_references=1,
        signature_methods=frozenset(
            {SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA512, SignatureMethod.RSA_SHA1}
        ),
        digest_algorithms=frozenset(
            {DigestAlgorithm.SHA256, DigestAlgorithm.SHA512, DigestAlgorithm.SHA1}
        ),
    )
    for where in ("./", f"./{{{SAML}}}Assertion/")
}
_S = f"{{{SAML}}}"


@dataclass(slots=True)
class SamlRequest:
    role_arn: str
    principal_arn: str
    assertion: str
    duration_seconds: int | None = None
    session_policies: SessionPolicyRequest = NO_SESSION_POLICIES
    minimum_token_size: int = 0


@dataclass(slots=True)
class SamlResult:
    session: Session
    packed_size: int | None
    subject: str
    subject_type: str
    issuer: str
    audience: str
    name_qualifier: str
    source_identity: str | None


def _invalid(message: str, why: str, code: str = "InvalidIdentityToken") -> AwsError:
    return AwsError(code, message, explanation=why)


def _denied(why: str) -> AwsError:
    return AwsError("AccessDenied", msg.SAML_DENIED, explanation=why)


def _document(text: str) -> tuple[Any, bytes]:
    try:
        data = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(msg.SAML_MALFORMED, "the SAMLAssertion is not base64") from None
    try:
        root = safexml.parse(data)
    except safexml.UnsafeXml as exc:
        raise _invalid(msg.SAML_MALFORMED, f"the SAML response was refused: {exc}") from None
    if root.tag != f"{{{SAMLP}}}Response":
        raise _invalid(msg.SAML_MALFORMED, f"the document's root is {root.tag}, not a Response")
    return root, data


def _provider(backend: STSBackend, arn: str) -> SAMLProvider:
    parts = arn.split(":", 5)
    account = backend.accounts.get(parts[4]) if len(parts) == 6 else None
    name = parts[5][len("saml-provider/") :] if len(parts) == 6 else ""
    found = None
    if account is not None and parts[5].startswith("saml-provider/"):
        found = account.saml_providers.get(name)
    external = backend.external
    if found is None and external is not None and parts[5:] and parts[5].startswith("saml-"):
        found = external.saml_provider(backend, parts[4], name)
    if found is None:
        error = msg.saml_no_provider(ids.request_id(backend.rng))
        error.explanation = f"no SAML provider {arn} exists"
        raise error
    return found


def _signed_assertion(root: Any, data: bytes, provider: SAMLProvider) -> Any:
    """The Assertion element the signature covers (re-parsed), or 'Response signature invalid'."""
    assertions = list(root.iter(f"{_S}Assertion"))
    if len(assertions) != 1 or root.find(f".//{_S}EncryptedAssertion") is not None:
        raise _invalid(
            msg.SAML_SIGNATURE,
            f"the response holds {len(assertions)} Assertion elements; exactly one, signed, "
            "is accepted (anything else is how signature wrapping works)",
        )
    assertion = assertions[0]
    signatures = list(root.iter(f"{{{DS}}}Signature"))
    on_response = root.find(f"{{{DS}}}Signature") is not None
    on_assertion = (
        assertion.getparent() is root and assertion.find(f"{{{DS}}}Signature") is not None
    )
    if len(signatures) != 1 or not (on_response or on_assertion):
        raise _invalid(
            msg.SAML_SIGNATURE,
            "the response must carry exactly one signature, on the Response or on its Assertion; "
            f"it has {len(signatures)}" + ("" if signatures else " (it is unsigned)"),
        )
    holder = root if on_response else assertion
    if xmldsig.verify(holder, signatures[0], provider.certificate):
        # The plain shape, proven on this very tree: the holder is what the signature covers.
        return _inner_assertion(holder) if on_response else holder
    try:
        # The bytes, already vetted by the hardened parser: signxml parses them once
        # (given an element, it would serialize and parse it again).
        result: Any = XMLVerifier().verify(
            data,
            parser=safexml.parser(),
            x509_cert=provider.certificate,
            expect_config=SIGNATURE_CONFIG["./" if on_response else f"./{_S}Assertion/"],
            validate_schema=False,
        )
    except Exception as exc:  # signxml's InvalidSignature, InvalidInput, InvalidCertificate...
        raise _invalid(
            msg.SAML_SIGNATURE,
            f"the XML signature does not verify with the certificate of {provider.arn}: {exc}",
        ) from None
    signed = result.signed_xml
    if signed is None or signed.tag != holder.tag or signed.get("ID") != holder.get("ID"):
        raise _invalid(
            msg.SAML_SIGNATURE,
            "the signature covers another element than the one that carries it (wrapping)",
        )
    return _inner_assertion(signed) if on_response else signed


def _inner_assertion(response: Any) -> Any:
    inner = response.findall(f"{_S}Assertion")
    if len(inner) != 1:
        raise _invalid(msg.SAML_SIGNATURE, "the signed Response holds no single Assertion")
    return inner[0]


def _moment(value: str | None, what: str) -> _dt.datetime:
    moment = _instant(value or "")
    if moment is None:
        raise _invalid(msg.SAML_MALFORMED, f"{what} is not an xs:dateTime: {value!r}")
    return moment


@functools.lru_cache(maxsize=1024)
def _instant(value: str) -> _dt.datetime | None:
    """An xs:dateTime in UTC, or None (a pure function of the text, so remembered)."""
    m = _TIME.fullmatch(value)
    if m is None:
        return None
    offset = m.group(3) or "Z"
    text = m.group(1) + ("+00:00" if offset == "Z" else offset)
    return _dt.datetime.fromisoformat(text).astimezone(_dt.timezone.utc)


def _text(element: Any) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _attributes(assertion: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for attribute in assertion.iterfind(f"{_S}AttributeStatement/{_S}Attribute"):
        name = attribute.get("Name") or ""
        out.setdefault(name, []).extend(_text(v) for v in attribute.iterfind(f"{_S}AttributeValue"))
    return out


def _check_times(assertion: Any, now: _dt.datetime) -> _dt.datetime | None:
    issued = _moment(assertion.get("IssueInstant"), "IssueInstant")
    if (now - issued).total_seconds() > REDEEM_WINDOW:
        raise _invalid(
            msg.SAML_REDEEM,
            f"the assertion was issued at {issued:%H:%M:%S}, more than five minutes ago",
            "ExpiredTokenException",
        )
    conditions = assertion.find(f"{_S}Conditions")
    ends: list[tuple[str, str | None]] = []
    if conditions is not None:
        before = conditions.get("NotBefore")
        if before is not None and _moment(before, "NotBefore") > now + _dt.timedelta(
            seconds=CLOCK_SKEW
        ):
            raise _invalid(
                msg.SAML_NOT_YET_VALID, f"Conditions NotBefore {before} is in the future"
            )
        ends.append(("Conditions NotOnOrAfter", conditions.get("NotOnOrAfter")))
    for data in assertion.iterfind(
        f"{_S}Subject/{_S}SubjectConfirmation/{_S}SubjectConfirmationData"
    ):
        ends.append(("SubjectConfirmationData NotOnOrAfter", data.get("NotOnOrAfter")))
    for what, value in ends:
        if value is not None and _moment(value, what) <= now:
            raise _invalid(msg.SAML_EXPIRED, f"{what} {value} has passed", "ExpiredTokenException")
    authn = assertion.find(f"{_S}AuthnStatement")
    session_end = None if authn is None else authn.get("SessionNotOnOrAfter")
    return None if session_end is None else _moment(session_end, "SessionNotOnOrAfter")


def _audience(assertion: Any) -> str:
    confirmations = assertion.findall(f"{_S}Subject/{_S}SubjectConfirmation")
    data = [c.find(f"{_S}SubjectConfirmationData") for c in confirmations]
    recipients = [d.get("Recipient") for d in data if d is not None]
    audiences = [_text(a) for a in assertion.iterfind(f".//{_S}AudienceRestriction/{_S}Audience")]
    if (
        len(confirmations) != 1
        or len(recipients) != 1
        or not _RECIPIENT.fullmatch(recipients[0] or "")
        or not any(_RECIPIENT.fullmatch(a) for a in audiences)
    ):
        raise _invalid(
            msg.SAML_AUDIENCE,
            f"the assertion's Recipient {recipients} and Audience {audiences} must be AWS's "
            "sign-in endpoint, https://signin.aws.amazon.com/saml",
        )
    return str(recipients[0])


def _role_pair(values: Sequence[str], role_arn: str, principal_arn: str) -> None:
    for value in values:
        parts = sorted(p.strip() for p in value.split(","))
        if len(parts) == 2 and parts == sorted((role_arn, principal_arn)):
            return
    raise _denied(
        f"the assertion's Role attribute {list(values)} does not name the pair "
        f"{role_arn},{principal_arn}"
    )


def _session(attributes: Mapping[str, list[str]]) -> tuple[str, int | None]:
    names = attributes.get(ATTRIBUTE + "RoleSessionName")
    if not names:
        raise _invalid(msg.SAML_SESSION_NAME_REQUIRED, "no RoleSessionName attribute")
    if not _SESSION_NAME.fullmatch(names[0]):
        raise _invalid(msg.SAML_SESSION_NAME_PATTERN, f"RoleSessionName {names[0]!r} is invalid")
    durations = attributes.get(ATTRIBUTE + "SessionDuration")
    if not durations:
        return names[0], None
    if not durations[0].isdigit() or not 900 <= int(durations[0]) <= 43200:
        raise _invalid(msg.SAML_SESSION_DURATION, f"SessionDuration {durations[0]!r} is invalid")
    return names[0], int(durations[0])


def _tags(
    attributes: Mapping[str, list[str]],
) -> tuple[tuple[tuple[str, str], ...], list[str], str | None]:
    prefix = ATTRIBUTE + "PrincipalTag:"
    tags = tuple(
        (n[len(prefix) :], v[0]) for n, v in attributes.items() if n.startswith(prefix) and v
    )
    transitive = list(attributes.get(ATTRIBUTE + "TransitiveTagKeys", []))
    source = attributes.get(ATTRIBUTE + "SourceIdentity")
    return tags, transitive, source[0] if source else None


def assume_role_with_saml(
    backend: STSBackend,
    request: SamlRequest,
    *,
    now: _dt.datetime,
    region: str,
    global_endpoint: bool,
    request_keys: Mapping[str, Any],
) -> SamlResult:
    root, data = _document(request.assertion)
    provider = _provider(backend, request.principal_arn)
    assertion = _signed_assertion(root, data, provider)
    issuer = _text(assertion.find(f"{_S}Issuer"))
    if issuer != provider.issuer:
        error = msg.saml_wrong_issuer(ids.request_id(backend.rng))
        error.explanation = f"the assertion's Issuer {issuer!r} is not {provider.issuer!r}"
        raise error
    session_end = _check_times(assertion, now)
    audience = _audience(assertion)
    name_id = assertion.find(f"{_S}Subject/{_S}NameID")
    subject = _text(name_id)
    if not subject:
        raise _denied("the assertion has no Subject NameID")
    name_format = name_id.get("Format") or "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
    subject_type = (
        name_format[len(_FORMAT_PREFIX) :]
        if name_format.startswith(_FORMAT_PREFIX)
        else name_format
    )
    attributes = _attributes(assertion)
    _role_pair(attributes.get(ATTRIBUTE + "Role", []), request.role_arn, request.principal_arn)
    session_name, session_duration = _session(attributes)
    tags, transitive, source_identity = _tags(attributes)
    account_id = provider.account.id
    qualifier = base64.b64encode(
        hashlib.sha1((issuer + account_id + "/" + provider.name).encode()).digest()
    ).decode()
    keys: dict[str, Any] = {
        "saml:aud": audience,
        "saml:iss": issuer,
        "saml:sub": subject,
        "saml:sub_type": subject_type,
        "saml:namequalifier": qualifier,
        "saml:doc": f"{account_id}/{provider.name}",
        "aws:federatedprovider": provider.arn,
        **attribute_keys(attributes),
    }
    principal = provider.principal
    duration = (
        request.duration_seconds if request.duration_seconds is not None else session_duration
    )
    granted = grant(
        backend,
        FederatedRequest(
            action=ACTION,
            role_arn=request.role_arn,
            session_name=session_name,
            principal=principal,
            keys=keys,
            denied=lambda why: _denied(f"the assertion of {provider.arn} was verified, but\n{why}"),
            duration_seconds=duration,
            session_policies=request.session_policies,
            tags=tags,
            transitive_tag_keys=transitive,
            source_identity=source_identity,
            not_after=session_end,
            minimum_token_size=request.minimum_token_size,
        ),
        now=now,
        region=region,
        global_endpoint=global_endpoint,
        request_keys=request_keys,
    )
    return SamlResult(
        session=granted.session,
        packed_size=granted.packed_size,
        subject=subject,
        subject_type=subject_type,
        issuer=issuer,
        audience=audience,
        name_qualifier=qualifier,
        source_identity=source_identity,
    )
