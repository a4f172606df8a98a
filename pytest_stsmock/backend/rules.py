"""Request rules shared by several operations: MFA, session tags, session policies.

Every check here only reads state.  Anything that must change on success (an
MFA code becoming used) is returned as an object the operation applies after
the whole request has passed, so a refused request leaves the backend as it was.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AwsError

from . import packing
from .mfa import MFADevice
from .policy.document import PolicyDocument, PolicyError
from .requests import MfaCode, SessionPolicyRequest

if TYPE_CHECKING:
    from . import STSBackend
    from .identity import Caller
    from .principals import LongTermPrincipal


@dataclass(frozen=True)
class MfaUse:
    """A verified MFA code, to be marked used once the request succeeds."""

    device: MFADevice
    step: int
    code: str
    at: _dt.datetime

    def consume(self) -> None:
        """Mark the code used; AccessDenied if it was used since it was checked.

        The operations that take the backend's lock only to change state
        (AssumeRole, GetSessionToken) check the code without it, so two threads
        may both find the same unused code.  They call this under the lock,
        before anything is drawn or registered: the second one is refused, as
        AWS refuses a code used twice, and changes nothing.
        """
        if not self.device.consume(self.step):
            raise AwsError(
                "AccessDenied",
                msg.MFA_INVALID_CODE,
                explanation=self.device.why_refused(self.code, self.at),
            )


def _owner(device: MFADevice) -> str:
    owner = device.owner
    return "no one (an IAM virtual device not enabled yet)" if owner is None else owner.arn


def check_mfa(
    backend: STSBackend, owner: LongTermPrincipal | None, mfa: MfaCode, now: _dt.datetime
) -> MfaUse | None:
    """Verify an MFA serial number and code for ``owner``; None when neither was sent."""
    serial, code = mfa.serial, mfa.code
    if serial is None and code is None:
        return None
    if serial is None or code is None:
        sent, missing = (
            ("SerialNumber", "TokenCode") if code is None else ("TokenCode", "SerialNumber")
        )
        raise AwsError(
            "AccessDenied",
            msg.MFA_NEED_BOTH,
            explanation=f"the request sent {sent} without {missing}; MFA needs both",
        )
    device = backend.mfa_device(serial)
    if device is None or owner is None or device.owner is not owner:
        if device is None:
            why = f"no MFA device has the serial number {serial}"
        elif owner is None:
            why = (
                "the caller signed with temporary credentials, which have no MFA device of "
                f"their own; {serial} belongs to {_owner(device)}"
            )
        else:
            why = f"the MFA device {serial} belongs to {_owner(device)}, not to {owner.arn}"
        raise AwsError("AccessDenied", msg.MFA_UNKNOWN_SERIAL, explanation=why)
    step = device.matching_step(code, now)
    if step is None:
        raise AwsError(
            "AccessDenied", msg.MFA_INVALID_CODE, explanation=device.why_refused(code, now)
        )
    return MfaUse(device, step, code, now)


def validate_tags(
    tags: Sequence[tuple[str, str]], transitive_keys: Sequence[str]
) -> dict[str, str]:
    """Session tags as a dict, after AWS's duplicate, prefix and transitive-key checks."""
    result: dict[str, str] = {}
    seen: set[str] = set()
    for key, value in tags:
        if key.lower() in seen:
            raise msg.invalid_parameter(msg.DUPLICATE_TAG_KEYS)
        seen.add(key.lower())
        if key.lower().startswith("aws:"):
            raise msg.reserved_tag_prefix(key)
        result[key] = value
    for key in transitive_keys:
        if key.lower() not in seen:
            raise msg.invalid_parameter(msg.TRANSITIVE_NOT_IN_TAGS)
    return result


@dataclass(frozen=True)
class SessionPolicies:
    documents: tuple[PolicyDocument, ...]
    packed_size: int


_NOTHING_PACKED = SessionPolicies((), 0)


def parse_session_policies(
    backend: STSBackend,
    caller: Caller,
    requested: SessionPolicyRequest,
    tags: Mapping[str, str],
    *,
    home_account: str | None = None,
) -> SessionPolicies:
    """Parse the session policies; compute the packed size; refuse what AWS refuses.

    PolicyArns must name managed policies of ``home_account`` (the role's, or
    the federating user's): AWS requires them in the same account.
    """
    if not tags and not requested.sent:
        return _NOTHING_PACKED  # the usual request: nothing to parse or pack
    documents: list[PolicyDocument] = []
    sources: list[Mapping[str, Any]] = []
    text = requested.policy
    if text is not None:
        try:
            document = PolicyDocument.parse(text, kind="session")
        except PolicyError as exc:
            raise msg.malformed_policy(exc.aws_message) from None
        documents.append(document)
        sources.append(json.loads(text))
    arns = list(requested.policy_arns)
    for arn in arns:
        managed = backend.managed_policy(arn)
        if managed is None:
            raise msg.policy_arn_not_found(arn)
        parts = arn.split(":", 5)
        if home_account is not None and parts[4] not in (home_account, "aws"):
            error = msg.policy_arn_not_found(arn)
            error.explanation = (
                f"the managed policy {arn} is in account {parts[4]}, but PolicyArns must name "
                f"policies of the same account as the session ({home_account})"
            )
            raise error
        documents.append(managed.session_document)
    policy_pct, tag_pct = packing.percentages(sources, arns, tags)
    if tag_pct > 100 and tag_pct >= policy_pct:
        raise msg.packed_too_large(tag_pct, tags=True)
    if policy_pct > 100:
        raise msg.packed_too_large(policy_pct, tags=False)
    return SessionPolicies(tuple(documents), max(policy_pct, tag_pct))
