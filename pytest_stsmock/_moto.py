"""The one place that knows moto's internals.

moto answers every AWS request from a ``before-send`` handler
(``moto.core.botocore_stubber.BotocoreStubber``), registered when moto is
imported, which runs before botocore's ``Endpoint._send``.  While a mock of
ours is active, its ``__call__`` is wrapped to decline STS requests, so they
reach our transport; everything else is still moto's.  moto may be imported
before or after activation: :func:`patch_stubber` covers the first case and
:func:`patch_stubber_if_imported_late` the second (``transports.install`` has it
called right after moto's stubber module is imported; aiobotocore's adapter also
calls it before each of its STS requests).  The wrapper is built once and
reused by later activations while the class and the ``__call__`` it wraps are
still the same objects (``_built``); a ``__call__`` replaced meanwhile (a spy,
another tool's wrapper) gets a wrapper of its own.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .backend import ids
from .backend.mfa import MFADevice
from .backend.policy.document import PolicyDocument, PolicyError
from .backend.principals import AccessKey, ManagedPolicy, Role, User
from .errors import AwsError, StsMockError
from .transports import registry

if TYPE_CHECKING:
    from .backend import STSBackend
    from .backend.federation.oidc import OIDCProvider
    from .backend.federation.saml import SAMLProvider

log = logging.getLogger("pytest_stsmock")

#: The module of moto's ``before-send`` stubber.
STUBBER_MODULE = "moto.core.botocore_stubber"


def _stubber() -> Any:
    return getattr(sys.modules.get(STUBBER_MODULE), "BotocoreStubber", None)


def stubber_imported() -> bool:
    """True once moto's stubber module is imported (its class may then be patched)."""
    return STUBBER_MODULE in sys.modules


#: The last wrapper made: (moto's stubber class, the ``__call__`` it wraps, the wrapper,
#: its undo).  Activations reuse it while the class and its ``__call__`` are the same.
_built: list[tuple[Any, Any, Any, Callable[[], None]]] = []


def patch_stubber() -> Callable[[], None] | None:
    """Wrap moto's stubber to decline STS; the undo, or None if moto is absent or wrapped."""
    stubber = _stubber()
    if stubber is None:
        return None
    original = stubber.__call__
    if getattr(original, "_stsmock", False):
        return None
    if _built:
        built_class, built_original, built_call, built_undo = _built[0]
        if built_class is stubber and built_original is original:
            stubber.__call__ = built_call
            return built_undo

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if registry.is_active() and event_name.startswith("before-send.sts."):
            return None  # STS is ours; let the request reach Endpoint._send
        return original(self, event_name, request, **kwargs)

    __call__._stsmock = True  # type: ignore[attr-defined]
    stubber.__call__ = __call__

    def undo() -> None:
        stubber.__call__ = original

    _built[:] = [(stubber, original, __call__, undo)]
    return undo


def patch_stubber_if_imported_late() -> None:
    """moto may be imported after activation: wrap its stubber before its first STS request."""
    stubber = _stubber()
    if stubber is not None and not getattr(stubber.__call__, "_stsmock", False):
        with registry.lock:
            undo = patch_stubber() if registry.is_active() else None
            if undo is not None:
                registry.add_late_undo(undo)


def aws_mock_active() -> bool:
    """True while moto's ``mock_aws`` is active (moto then answers IAM itself)."""
    module = sys.modules.get("moto.core.models")
    stubber = getattr(module, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


# -- moto's IAM state, read at answer time ---------------------------------------------
#
# Every attribute of moto's IAM models read here is read by one small function
# below, and each has its own test (tests/beside_moto/test_moto_attributes.py), so a
# moto release that moves one fails one named test.  moto's versions differ:
# the per-account backend is keyed by partition ("aws", moto >= 5.0.x later
# releases) or by "global" (moto 5.0.0); a role's tags are a dict of
# {"Key", "Value"} dicts (5.0) or a list of them (later); a virtual device's
# seed is the base32 text (later) or that text base64-encoded (5.0); a role's
# boundary is ``permissions_boundary_arn`` (later) or ``permissions_boundary`` (5.0).
# OIDC providers (``open_id_providers`` by ARN; ``url`` without its scheme,
# ``client_id_list``, ``thumbprint_list``, ``tags``) are the same from 5.0 on.

_IAM_MODULE = "moto.iam.models"


def _iam_backend(account_id: str) -> Any:
    """moto's IAM backend of ``account_id`` if moto has made one, else None (never made here:
    creating one loads moto's AWS managed policies)."""
    backends = getattr(sys.modules.get(_IAM_MODULE), "iam_backends", None)
    if backends is None or account_id not in backends:
        return None
    per_account = backends[account_id]
    for key in ("aws", "global"):
        if key in per_account:
            return per_account[key]
    return None


def role_named(backend: Any, name: str) -> Any:
    """moto keys roles by role id; find one by name (IAM names are case-insensitive)."""
    lowered = name.lower()
    for role in backend.roles.values():
        if role.name.lower() == lowered:
            return role
    return None


def role_tags(role: Any) -> dict[str, str]:
    tags = role.tags or {}
    items = tags.values() if isinstance(tags, dict) else tags
    return {tag["Key"]: tag["Value"] for tag in items}


def user_tags(backend: Any, user: Any) -> dict[str, str]:
    listed = backend.tagger.list_tags_for_resource(user.arn)["Tags"]
    return {tag["Key"]: tag["Value"] for tag in listed}


def max_session_duration(role: Any) -> int:
    value = role.max_session_duration
    return 3600 if value in (None, "") else int(value)


def role_boundary_arn(role: Any) -> str | None:
    """The boundary's ARN: ``permissions_boundary_arn`` (later moto) or the plain
    ``permissions_boundary`` string (moto 5.0, where it is not yet a dict property)."""
    if hasattr(role, "permissions_boundary_arn"):
        arn = role.permissions_boundary_arn
    else:
        arn = role.permissions_boundary
    return arn if isinstance(arn, str) and arn else None


def default_document(policy: Any) -> str:
    """The default version's document of one of moto's managed policies, as JSON text."""
    for version in policy.versions:
        if version.is_default:
            document = version.document
            return document if isinstance(document, str) else json.dumps(document)
    return ""


def groups_of(backend: Any, user: Any) -> list[Any]:
    return [group for group in backend.groups.values() if user in group.users]


def device_seed(device: Any) -> str:
    seed = device.base32_string_seed
    seed = seed.decode("ascii") if isinstance(seed, bytes) else str(seed)
    if _BASE32.fullmatch(seed):
        return seed
    return base64.b64decode(seed).decode("ascii")  # moto 5.0: base64 of the base32 text


_BASE32 = re.compile(r"[A-Z2-7]+=*")


def oidc_provider_named(backend: Any, account_id: str, provider_id: str) -> Any:
    """moto keys OIDC providers by ARN; its ``url`` is the host/path, without a scheme."""
    return backend.open_id_providers.get(f"arn:aws:iam::{account_id}:oidc-provider/{provider_id}")


def oidc_settings(provider: Any) -> tuple[list[str], list[str], dict[str, str]]:
    """(client ids, thumbprints, tags) of one of moto's OIDC providers."""
    tags = provider.tags or {}
    items = tags.values() if isinstance(tags, dict) else tags
    thumbprints = [str(t).lower() for t in provider.thumbprint_list]
    return list(provider.client_id_list), thumbprints, {t["Key"]: t["Value"] for t in items}


def _fingerprint_policies(holder: Any) -> tuple[Any, ...]:
    inline = tuple(holder.policies.items())
    managed = tuple((arn, default_document(p)) for arn, p in holder.managed_policies.items())
    return inline, managed


class MotoIam:
    """moto's IAM, read through the backend's :class:`~.backend.external.ExternalIam`.

    Objects are rebuilt only when what they are built from changed (a
    fingerprint of the moto object's relevant attributes), so a credential's
    caller and a device's used codes persist between requests, and a change
    made through moto is seen by the next request.
    """

    def __init__(self) -> None:
        #: (kind, id of moto's object) -> (fingerprint, what was built, moto's object).
        self._cache: dict[tuple[str, int], tuple[Any, Any, Any]] = {}
        #: (account id, host/path) -> the OIDC provider holding that URL's signing keys.
        self._oidc: dict[tuple[str, str], OIDCProvider] = {}

    def _cached(self, kind: str, source: Any, fingerprint: Any, build: Callable[[], Any]) -> Any:
        key = (kind, id(source))
        found = self._cache.get(key)
        if found is not None and found[2] is source:
            if found[0] == fingerprint:
                return found[1]
            built = build()
            if isinstance(built, (Role, User)) and type(found[1]) is type(built):
                # Changed in moto: update the object sessions and callers already hold, so
                # a role's new policies bound its existing sessions too, as in AWS.
                built = _refresh(found[1], built)
        else:
            built = build()
        self._cache[key] = (fingerprint, built, source)
        return built

    # -- roles ---------------------------------------------------------------------

    def role(self, backend: STSBackend, account_id: str, name: str) -> Role | None:
        iam = _iam_backend(account_id) if aws_mock_active() else None
        found = None if iam is None else role_named(iam, name)
        if found is None:
            return None
        fingerprint = (
            found.assume_role_policy_document,
            found.path,
            found.max_session_duration,
            role_boundary_arn(found),
            _fingerprint_policies(found),
            tuple(role_tags(found).items()),
        )
        built: Role | None = self._cached(
            "role", found, fingerprint, lambda: _mirror_role(backend, iam, account_id, found)
        )
        return built

    def refresh(self, backend: STSBackend, principal: Any) -> None:
        """A session's role, read again: a change in moto updates the object in place."""
        if isinstance(principal, Role) and aws_mock_active():
            self.role(backend, principal.account_id, principal.name)

    # -- users and their keys --------------------------------------------------------------

    def _user(self, backend: STSBackend, iam: Any, account_id: str, user: Any) -> User:
        groups = groups_of(iam, user)
        fingerprint = (
            user.path,
            _fingerprint_policies(user),
            tuple((g.name, _fingerprint_policies(g)) for g in groups),
            tuple((k.access_key_id, k.status) for k in user.access_keys),
            tuple(user_tags(iam, user).items()),
            tuple(user.mfa_devices),
        )
        built: User = self._cached(
            "user", user, fingerprint, lambda: _mirror_user(backend, iam, account_id, user, groups)
        )
        return built

    def access_key(self, backend: STSBackend, access_key_id: str) -> AccessKey | None:
        if not aws_mock_active():
            return None
        account_id = ids.account_from_access_key_id(access_key_id)
        iam = None if account_id is None else _iam_backend(account_id)
        if iam is None or account_id is None:
            return None
        for user in iam.users.values():
            if any(k.access_key_id == access_key_id for k in user.access_keys):
                mirrored = self._user(backend, iam, account_id, user)
                return next(k for k in mirrored.access_keys if k.access_key_id == access_key_id)
        return None

    # -- MFA devices and managed policies ----------------------------------------------------

    def mfa_device(self, backend: STSBackend, serial_number: str) -> MFADevice | None:
        parts = serial_number.split(":", 5)
        iam = _iam_backend(parts[4]) if len(parts) == 6 and aws_mock_active() else None
        device = None if iam is None else iam.virtual_mfa_devices.get(serial_number)
        if device is None or device.user is None:
            return None
        owner = self._user(backend, iam, parts[4], device.user)
        seed = device_seed(device)
        mirrored: MFADevice = self._cached(
            "mfa", device, (seed, id(owner)), lambda: _mirror_device(backend, device, owner, seed)
        )
        return mirrored

    def managed_policy(self, backend: STSBackend, arn: str) -> ManagedPolicy | None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or not aws_mock_active():
            return None
        iam = _iam_backend(backend.account_id if parts[4] == "aws" else parts[4])
        policy = None if iam is None else iam.managed_policies.get(arn)
        if policy is None:
            return None
        text = default_document(policy)
        built: ManagedPolicy | None = self._cached(
            "policy", policy, text, lambda: _mirror_policy(backend, policy, text)
        )
        return built

    def oidc_provider(
        self, backend: STSBackend, account_id: str, provider_id: str
    ) -> OIDCProvider | None:
        """moto's provider as it is now, with keys drawn the first time its (account, URL) is
        met and kept for the backend's life (a deleted and re-created URL keeps them)."""
        iam = _iam_backend(account_id) if aws_mock_active() else None
        found = None if iam is None else oidc_provider_named(iam, account_id, provider_id)
        if found is None:
            return None
        held = self._oidc.get((account_id, provider_id))
        if held is None:
            held = _mirror_oidc(backend, account_id, provider_id)
            if held is None:
                return None
            self._oidc[(account_id, provider_id)] = held
        held.client_ids, held.thumbprints, held.tags = oidc_settings(found)
        return held

    def saml_provider(self, backend: STSBackend, account_id: str, name: str) -> SAMLProvider | None:
        iam = _iam_backend(account_id) if aws_mock_active() else None
        found = None if iam is None else iam.saml_providers.get(name)
        document = None if found is None else found.saml_metadata_document
        if not isinstance(document, str):
            return None
        built: SAMLProvider | None = self._cached(
            "saml", found, document, lambda: _mirror_saml(backend, account_id, name, document)
        )
        return built


# -- building the backend's objects from moto's ------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _parse(text: str, kind: str) -> PolicyDocument | None:
    """A document moto accepted, read by our grammar; None when IAM would have refused it."""
    try:
        return PolicyDocument.parse(text, kind=kind)  # type: ignore[arg-type]
    except PolicyError:
        log.warning("pytest-stsmock ignores a policy moto accepted but IAM refuses: %s", text)
        return None


def _documents(holder: Any) -> list[PolicyDocument]:
    texts = [*holder.policies.values(), *map(default_document, holder.managed_policies.values())]
    return [doc for doc in (_parse(t, "identity") for t in texts) if doc is not None]


def _boundary(iam: Any, arn: str | None) -> PolicyDocument | None:
    policy = None if not arn else iam.managed_policies.get(arn)
    return None if policy is None else _parse(default_document(policy), "boundary")


def _mirror_role(backend: STSBackend, iam: Any, account_id: str, found: Any) -> Role | None:
    trust = _parse(found.assume_role_policy_document, "trust")
    if trust is None:
        return None
    account = backend.account(account_id)
    return Role(
        account=account,
        name=found.name,
        path=found.path,
        arn=f"arn:aws:iam::{account_id}:role{found.path}{found.name}",
        unique_id=found.id,
        trust_policy_document=trust,
        trust_policy_source=json.loads(trust.text),
        max_session_duration=max_session_duration(found),
        tags=role_tags(found),
        policies=_documents(found),
        permissions_boundary=_boundary(iam, role_boundary_arn(found)),
        permissions_boundary_arn=role_boundary_arn(found),
        description=found.description,
        create_date=found.create_date,
    )


def _mirror_user(
    backend: STSBackend, iam: Any, account_id: str, found: Any, groups: list[Any]
) -> User:
    docs = _documents(found)
    for group in groups:
        docs.extend(_documents(group))
    user = User(
        account=backend.account(account_id),
        name=found.name,
        arn=f"arn:aws:iam::{account_id}:user{found.path}{found.name}",
        unique_id=found.id,
        principal_type="User",
        tags=user_tags(iam, found),
        policies=docs,
        path=found.path,
        create_date=found.create_date,
    )
    user.access_keys = [
        AccessKey(
            access_key_id=key.access_key_id,
            secret_access_key=key.secret_access_key,
            principal=user,
            active=key.status == "Active",
            create_date=key.create_date,
        )
        for key in found.access_keys
    ]
    return user


def _refresh(held: Any, fresh: Any) -> Any:
    """Copy ``fresh``'s state into ``held`` (kept for its identity); return ``held``."""
    devices = getattr(held, "mfa_devices", None)
    vars(held).update(vars(fresh))
    for key in getattr(held, "access_keys", ()):
        key.principal = held
    if devices is not None:
        held.mfa_devices = devices
    return held


def _mirror_device(backend: STSBackend, device: Any, owner: User, seed: str) -> MFADevice:
    mirrored = MFADevice(device.serial_number, owner, backend.rng, secret=seed)
    owner.mfa_devices.append(mirrored)
    return mirrored


def _mirror_policy(backend: STSBackend, policy: Any, text: str) -> ManagedPolicy | None:
    document = _parse(text, "identity")
    if document is None:
        return None
    return ManagedPolicy(
        arn=policy.arn, name=policy.name, document=document, source=json.loads(text)
    )


def _mirror_saml(
    backend: STSBackend, account_id: str, name: str, document: str
) -> SAMLProvider | None:
    """moto's provider, trusting its metadata's certificate; None for metadata IAM refuses."""
    from .backend import iam_providers  # lxml and signxml load only when SAML is used
    from .backend.federation.saml import SAMLProvider

    try:
        issuer, certificate = iam_providers.read_metadata(document)
    except AwsError as error:
        log.warning("pytest-stsmock ignores SAML provider %s: %s", name, error.explanation)
        return None
    return SAMLProvider.from_metadata(
        backend.account(account_id), name, issuer=issuer, certificate=certificate, document=document
    )


def _mirror_oidc(backend: STSBackend, account_id: str, provider_id: str) -> OIDCProvider | None:
    """A provider for moto's URL with keys of its own (moto's settings are copied in at each
    read); None, with a warning, for a URL IAM would refuse."""
    from .backend.federation.oidc import OIDCProvider  # PyJWT loads only when OIDC is used

    try:
        return OIDCProvider(
            backend.account(account_id), f"https://{provider_id}", client_ids=["moto"]
        )
    except StsMockError as error:
        log.warning("pytest-stsmock ignores OIDC provider %s: %s", provider_id, error)
        return None
