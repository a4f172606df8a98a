"""The ``saml:*`` condition keys AWS derives from assertion attributes.

AWS documents keys for a fixed list of attributes, named by their OID URN
(``urn:oid:2.5.4.3`` becomes ``saml:cn``); their values are lists, so trust
policies test them with ``ForAnyValue:``/``ForAllValues:`` operators.  An
attribute named by the bare friendly name (``mail``) maps to the same key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["ATTRIBUTE_KEYS", "attribute_keys"]

_EDU = "urn:oid:1.3.6.1.4.1.5923.1.1.1."
ATTRIBUTE_KEYS: dict[str, str] = {
    f"{_EDU}1": "eduPersonAffiliation",
    f"{_EDU}2": "eduPersonNickname",
    f"{_EDU}3": "eduPersonOrgDN",
    f"{_EDU}4": "eduPersonOrgUnitDN",
    f"{_EDU}5": "eduPersonPrimaryAffiliation",
    f"{_EDU}6": "eduPersonPrincipalName",
    f"{_EDU}7": "eduPersonEntitlement",
    f"{_EDU}8": "eduPersonPrimaryOrgUnitDN",
    f"{_EDU}9": "eduPersonScopedAffiliation",
    f"{_EDU}10": "eduPersonTargetedID",
    f"{_EDU}11": "eduPersonAssurance",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.2": "eduOrgHomePageURI",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.3": "eduOrgIdentityAuthNPolicyURI",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.4": "eduOrgLegalName",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.5": "eduOrgSuperiorURI",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.6": "eduOrgWhitePagesURI",
    "urn:oid:2.5.4.3": "cn",
    "urn:oid:2.5.4.4": "sn",
    "urn:oid:2.5.4.42": "givenName",
    "urn:oid:2.5.4.45": "x500UniqueIdentifier",
    "urn:oid:0.9.2342.19200300.100.1.1": "uid",
    "urn:oid:0.9.2342.19200300.100.1.3": "mail",
}
_BY_NAME = {name.lower(): name for name in ATTRIBUTE_KEYS.values()}


def attribute_keys(attributes: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """``saml:<name>`` keys (list-valued) for the documented attributes present, named in
    lower case (the policy engine's lookup form)."""
    keys: dict[str, tuple[str, ...]] = {}
    for name, values in attributes.items():
        short = ATTRIBUTE_KEYS.get(name) or _BY_NAME.get(name.lower())
        if short is not None and values:
            keys[f"saml:{short.lower()}"] = tuple(values)
    return keys
