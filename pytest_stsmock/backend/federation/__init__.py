"""Federated sign-in: OIDC and SAML providers, their verification, and outbound tokens.

* :mod:`.oidc` and :mod:`.saml` hold the providers a test registers (with the
  keys of the IdP behind them, so tests can mint real tokens and assertions);
* :mod:`.webidentity` and :mod:`.samlverify` verify what a caller presents;
* :mod:`.grant` is the trust decision and session issue both share;
* :mod:`.outbound` is GetWebIdentityToken (AWS as the identity provider).
"""
