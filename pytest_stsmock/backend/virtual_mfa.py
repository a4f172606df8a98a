"""IAM's virtual MFA devices: created unassigned, enabled with two consecutive codes.

``CreateVirtualMFADevice`` makes a device that belongs to the account and no
user; ``EnableMFADevice`` assigns it to a user once two consecutive codes of
the device are shown, and from then on STS accepts its codes for that user
(the same :class:`~.mfa.MFADevice` the seeding API's ``add_mfa_device``
makes).  ``DeactivateMFADevice`` takes it back; ``DeleteVirtualMFADevice``
removes an unassigned one.

Design decisions:

* The two codes must be those of two consecutive 30-second windows, the
  second being the current window or the one before it (the same freshness
  STS allows one code).  AWS's exact tolerance is not documented; this is the
  plausible reading, listed in the README.
* Enabling consumes both windows, so the codes cannot be replayed at STS.
"""

from __future__ import annotations

import datetime as _dt
import hmac
from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg

from .mfa import STEP_SECONDS, MFADevice

if TYPE_CHECKING:
    from .accounts import Account
    from .principals import Principal, User


def create(account: Account, name: str, path: str, tags: dict[str, str]) -> MFADevice:
    serial = f"arn:aws:iam::{account.id}:mfa{path}{name}"
    backend = account.backend
    if serial in account.virtual_mfa_devices or backend.mfa_device(serial) is not None:
        raise msg.entity_already_exists(msg.MFA_EXISTS)
    device = MFADevice(serial, None, backend.rng)
    device.create_date = backend.now()
    device.tags = dict(tags)
    account.virtual_mfa_devices[serial] = device
    return device


def find(account: Account, serial: str) -> MFADevice:
    device = account.virtual_mfa_devices.get(serial) or account.backend.mfa_device(serial)
    if device is None:
        raise msg.no_virtual_device(serial)
    return device


def _consecutive_step(device: MFADevice, first: str, second: str, now: _dt.datetime) -> int | None:
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1):
        if step < 1:
            continue
        if hmac.compare_digest(device.code(step * STEP_SECONDS), second) and hmac.compare_digest(
            device.code((step - 1) * STEP_SECONDS), first
        ):
            return step
    return None


def enable(
    account: Account, user: User, serial: str, first: str, second: str, now: _dt.datetime
) -> MFADevice:
    device = find(account, serial)
    if device.owner is not None:
        raise msg.entity_already_exists(msg.MFA_IN_USE)
    step = _consecutive_step(device, first, second, now)
    if step is None:
        raise msg.invalid_authentication_code()
    device.consume(step - 1)
    device.consume(step)
    device.owner = user
    device.enable_date = now
    user.mfa_devices.append(device)
    account.backend._register_mfa_device(device)
    return device


def deactivate(account: Account, user: Principal, serial: str) -> None:
    device = find(account, serial)
    if device.owner is not user:
        raise msg.device_not_assigned(serial, user.name)
    user.mfa_devices.remove(device)
    account.backend.forget_mfa_device(serial)
    device.owner = None
    device.enable_date = None
    account.virtual_mfa_devices.setdefault(serial, device)


def delete(account: Account, serial: str) -> None:
    device = find(account, serial)
    if device.owner is not None:
        raise msg.delete_conflict(msg.MFA_STILL_IN_USE)
    account.virtual_mfa_devices.pop(serial, None)
