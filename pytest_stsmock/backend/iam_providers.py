"""IAM's OIDC and SAML providers: registration, look-up by ARN and deletion.

The providers IAM's CreateOpenIDConnectProvider and CreateSAMLProvider make
are the seeding API's ``OIDCProvider`` and ``SAMLProvider``, kept in the same
``Account.oidc_providers`` / ``saml_providers`` tables, so the next
AssumeRoleWithWebIdentity or AssumeRoleWithSAML meets them (and no longer
meets a deleted one).

Design decisions:

* An OIDC provider made through IAM gets its own signing keys, as a seeded
  one does: ``account.oidc_providers[...].token()`` mints tokens for it.
* A SAML provider made through IAM trusts the signing certificate of the
  metadata document it was given (the first ``KeyDescriptor`` whose ``use``
  is ``signing`` or absent) and takes the ``entityID`` as its issuer.  A
  document that is not such an EntityDescriptor is ``InvalidInput`` (our
  sentence says what is missing).
* Every rule is checked before anything changes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cryptography import x509

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import StsMockError

from .federation import safexml
from .federation.oidc import OIDCProvider, provider_id
from .federation.saml import DS, MD, SAMLProvider

if TYPE_CHECKING:
    from .accounts import Account


def create_oidc_provider(
    account: Account,
    url: str,
    client_ids: Iterable[str],
    thumbprints: Iterable[str] | None,
    tags: Mapping[str, str],
) -> OIDCProvider:
    if provider_id(url) in account.oidc_providers:
        raise msg.oidc_provider_exists(url)
    try:
        provider = OIDCProvider(
            account, url, client_ids=client_ids, thumbprints=thumbprints, tags=tags
        )
    except StsMockError as error:
        raise msg.iam_invalid_input(str(error)) from None
    account.oidc_providers[provider.id] = provider
    return provider


def oidc_provider(account: Account, arn: str) -> OIDCProvider:
    prefix = f"arn:aws:iam::{account.id}:oidc-provider/"
    found = account.oidc_providers.get(arn[len(prefix) :]) if arn.startswith(prefix) else None
    if found is None:
        raise msg.oidc_provider_not_found(arn)
    return found


def delete_oidc_provider(account: Account, arn: str) -> None:
    del account.oidc_providers[oidc_provider(account, arn).id]


def read_metadata(document: str) -> tuple[str, x509.Certificate]:
    """The entityID and signing certificate of a SAML metadata document."""
    try:
        root = safexml.parse(document.encode("utf-8"))
    except safexml.UnsafeXml as exc:
        raise msg.saml_metadata_invalid(str(exc)) from None
    if root.tag != f"{{{MD}}}EntityDescriptor" or not root.get("entityID"):
        raise msg.saml_metadata_invalid("the root is not an md:EntityDescriptor with an entityID")
    found = None
    for descriptor in root.iter(f"{{{MD}}}KeyDescriptor"):
        if descriptor.get("use", "signing") == "signing":
            found = descriptor.find(f".//{{{DS}}}X509Certificate")
            if found is not None:
                break
    if found is None or not (found.text or "").strip():
        raise msg.saml_metadata_invalid("no signing KeyDescriptor carries an X509Certificate")
    try:
        der = base64.b64decode("".join((found.text or "").split()), validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        reason = "the X509Certificate is not a base64 DER certificate"
        raise msg.saml_metadata_invalid(reason) from None
    return str(root.get("entityID")), certificate


def create_saml_provider(
    account: Account, name: str, document: str, tags: Mapping[str, str]
) -> SAMLProvider:
    if name in account.saml_providers:
        raise msg.saml_provider_exists(name)
    issuer, certificate = read_metadata(document)
    provider = SAMLProvider.from_metadata(
        account, name, issuer=issuer, certificate=certificate, document=document, tags=tags
    )
    account.saml_providers[name] = provider
    return provider


def saml_provider(account: Account, arn: str) -> SAMLProvider:
    prefix = f"arn:aws:iam::{account.id}:saml-provider/"
    found = account.saml_providers.get(arn[len(prefix) :]) if arn.startswith(prefix) else None
    if found is None:
        raise msg.saml_provider_not_found(arn)
    return found


def delete_saml_provider(account: Account, arn: str) -> None:
    del account.saml_providers[saml_provider(account, arn).name]
