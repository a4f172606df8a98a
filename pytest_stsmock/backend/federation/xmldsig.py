"""A strict fast path for the one enveloped XML signature of a SAMLResponse.

signxml verifies a signature by serializing and re-parsing the document
several times (the whole document, the Signature, the SignedInfo, the
referenced element, its canonical form) and by loading the certificate's key
each time; that is nearly all of AssumeRoleWithSAML's cost.  This module
checks the *common* shape directly on the tree the hardened parser already
made, with lxml's exclusive c14n and cryptography:

* the Signature holds exactly SignedInfo, SignatureValue and an optional
  KeyInfo of X509Data only (no KeyValue to compare); SignedInfo holds
  exactly CanonicalizationMethod (exclusive c14n, no InclusiveNamespaces),
  SignatureMethod (RSA with SHA-256, SHA-512 or SHA-1) and one Reference;
  the Reference holds exactly Transforms (enveloped-signature then exclusive
  c14n, nothing else), DigestMethod (SHA-256, SHA-512 or SHA-1) and
  DigestValue;
* the Reference URI is ``#`` + the ID of the element carrying the signature
  (the Response, or its Assertion), and no other element of the document has
  an ``ID``/``Id``/``id`` attribute of that value, so the reference can mean
  nothing else;
* the digest of that element's exclusive canonical form, the signature
  removed as the enveloped-signature transform says, equals DigestValue; the
  SignedInfo's canonical form verifies with the certificate's RSA key
  (PKCS#1 v1.5), and the certificate is within its validity period.

:func:`verify` answers True only when every one of these holds: then signxml
would accept the same signature and hand back the same element.  False means
"not proven here", never "forged": the caller then asks signxml, whose
verdict and message stand.  So a refusal reads exactly as before, and
anything unusual (other transforms, inclusive c14n, a KeyValue, a URI of
``""``) is still decided by signxml alone.

Only the certificate's public key and validity dates are cached (per
certificate object); every call digests and verifies afresh.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import functools
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

__all__ = ["certificate_key", "digest_input", "verify"]

DS = "http://www.w3.org/2000/09/xmldsig#"
_D = f"{{{DS}}}"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNATURE_METHODS: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1,
}
DIGEST_METHODS: dict[str, Callable[[bytes], Any]] = {
    "http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashlib.sha512,
    "http://www.w3.org/2000/09/xmldsig#sha1": hashlib.sha1,
}
#: Every element with an attribute (any name, any namespace) of the value: when that is
#: the holder alone, no other element has an Id, ID or id of it, the attributes through
#: which signxml resolves ``#value``.
_HOLDING = etree.XPath("//@*[. = $value]/..")
_XML_SPACE = " \t\r\n"


@functools.lru_cache(maxsize=256)
def certificate_key(certificate: x509.Certificate) -> tuple[Any, _dt.datetime, _dt.datetime]:
    """(public key, not valid before, not valid after) of a certificate, parsed once."""
    return (
        certificate.public_key(),
        certificate.not_valid_before_utc,
        certificate.not_valid_after_utc,
    )


def _children(element: Any) -> list[Any]:
    """Every child node: a comment or PI among them (the hardened parser admits none)
    has no ds: tag, so it fails the shape, as anything unexpected does."""
    return list(element)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip(_XML_SPACE)


def _leaf(element: Any, tag: str) -> bool:
    return bool(element.tag == tag) and not len(element)


def digest_input(holder: Any, signature: Any) -> bytes:
    """The holder's exclusive canonical form without the signature (the tree is restored)."""
    parent = signature.getparent()
    previous = signature.getprevious()
    index = parent.index(signature)
    saved = previous.tail if previous is not None else parent.text
    tail = signature.tail
    if tail is not None:  # as the enveloped-signature transform (and signxml) keep it
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(signature)
    try:
        return bytes(etree.tostring(holder, method="c14n", exclusive=True, with_comments=False))
    finally:
        parent.insert(index, signature)
        signature.tail = tail
        if previous is not None:
            previous.tail = saved
        else:
            parent.text = saved


def _b64(text: Any) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text)  # lenient, as signxml decodes
    except (binascii.Error, ValueError):
        return None


def verify(holder: Any, signature: Any, certificate: x509.Certificate) -> bool:
    """True when ``signature`` (a child of ``holder``) is a valid enveloped signature of
    ``holder`` by ``certificate``, in the plain shape above; False: ask signxml."""
    if signature.getparent() is not holder or not _blank(signature.tail):
        return False
    if not _blank(holder.tail):
        return False
    parts = _children(signature)
    if len(parts) not in (2, 3):
        return False
    signed_info, value = parts[0], parts[1]
    if signed_info.tag != f"{_D}SignedInfo" or not _leaf(value, f"{_D}SignatureValue"):
        return False
    if len(parts) == 3:
        info = parts[2]
        if info.tag != f"{_D}KeyInfo" or any(c.tag != f"{_D}X509Data" for c in _children(info)):
            return False
    inner = _children(signed_info)
    if len(inner) != 3:
        return False
    c14n, method, reference = inner
    if not _leaf(c14n, f"{_D}CanonicalizationMethod") or c14n.get("Algorithm") != EXC_C14N:
        return False
    hash_type = SIGNATURE_METHODS.get(method.get("Algorithm") or "")
    if not _leaf(method, f"{_D}SignatureMethod") or hash_type is None:
        return False
    if reference.tag != f"{_D}Reference":
        return False
    holder_id = holder.get("ID")
    if not holder_id or holder_id.startswith("#") or reference.get("URI") != "#" + holder_id:
        return False
    if _HOLDING(holder, value=holder_id) != [holder]:
        return False
    steps = _children(reference)
    if len(steps) != 3:
        return False
    transforms, digest_method, digest_value = steps
    if transforms.tag != f"{_D}Transforms":
        return False
    chain = _children(transforms)
    if (
        len(chain) != 2
        or not all(_leaf(t, f"{_D}Transform") for t in chain)
        or [t.get("Algorithm") for t in chain] != [ENVELOPED, EXC_C14N]
    ):
        return False
    digest = DIGEST_METHODS.get(digest_method.get("Algorithm") or "")
    if not _leaf(digest_method, f"{_D}DigestMethod") or digest is None:
        return False
    if not _leaf(digest_value, f"{_D}DigestValue"):
        return False
    expected = _b64(digest_value.text)
    raw_signature = _b64(value.text)
    if expected is None or raw_signature is None:
        return False
    key, not_before, not_after = certificate_key(certificate)
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    moment = _dt.datetime.now(_dt.timezone.utc)
    if not not_before <= moment <= not_after:
        return False
    if not hmac.compare_digest(digest(digest_input(holder, signature)).digest(), expected):
        return False
    signed = etree.tostring(signed_info, method="c14n", exclusive=True, with_comments=False)
    try:
        key.verify(raw_signature, signed, padding.PKCS1v15(), hash_type())
    except InvalidSignature:
        return False
    return True
