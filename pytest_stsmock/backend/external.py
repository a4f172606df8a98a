"""IAM state kept elsewhere that the backend reads beside its own (moto's, when active).

The backend asks its own accounts first and an :class:`ExternalIam` second,
at the moment a request needs a role, an access key, an MFA device, a
managed policy, an OIDC or a SAML provider.  So what the seeding API creates
wins when both name the same thing, and whatever the other store holds now
(not when the mock started) is what the request meets.  The objects it hands
back are the backend's own types (``Role``, ``AccessKey``, ``MFADevice``,
``ManagedPolicy``, ``OIDCProvider``, ``SAMLProvider``), built from the other
store; the one implementation, for moto, lives in ``_moto``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from . import STSBackend
    from .federation.oidc import OIDCProvider
    from .federation.saml import SAMLProvider
    from .mfa import MFADevice
    from .principals import AccessKey, ManagedPolicy, Principal, Role


class ExternalIam(Protocol):
    """Look-ups the backend delegates when its own state has no answer."""

    def role(self, backend: STSBackend, account_id: str, name: str) -> Role | None: ...

    def access_key(self, backend: STSBackend, access_key_id: str) -> AccessKey | None: ...

    def mfa_device(self, backend: STSBackend, serial_number: str) -> MFADevice | None: ...

    def managed_policy(self, backend: STSBackend, arn: str) -> ManagedPolicy | None: ...

    def saml_provider(self, backend: STSBackend, account_id: str, name: str) -> SAMLProvider | None:
        """A SAML provider of the other store, trusting its metadata's certificate."""

    def oidc_provider(
        self, backend: STSBackend, account_id: str, provider_id: str
    ) -> OIDCProvider | None:
        """An OIDC provider of the other store (``provider_id`` is its host/path), holding
        signing keys of its own that stay the same for the backend's life."""

    def refresh(self, backend: STSBackend, principal: Principal | Role) -> None:
        """Bring a principal built from the other store up to date (a session's role)."""
