"""IAM's virtual MFA devices: one thin function per operation.

A device enabled here is the same kind of device the seeding API's
``add_mfa_device`` makes: STS checks its codes for AssumeRole and
GetSessionToken.  ``Base32StringSeed`` is the seed as IAM returns it (the
base32 text, as bytes).  No QR code is drawn: ``QRCodePNG`` carries the
bytes of the ``otpauth://`` URI a QR code would encode (emulator-defined,
listed in the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend import iam, virtual_mfa
from pytest_stsmock.operations import _iam
from pytest_stsmock.operations.context import Operation, OperationContext

Params = Mapping[str, Any]


def _device_user(device: Any) -> dict[str, Any] | None:
    owner = device.owner
    if owner is None:
        return None
    if owner.principal_type == "Account":
        return {"UserId": owner.account_id, "Arn": owner.arn, "CreateDate": device.enable_date}
    return _iam.user_out(owner, with_tags=False)


def create_virtual_mfa_device(ctx: OperationContext, params: Params) -> dict[str, Any]:
    name, path = params["VirtualMFADeviceName"], params.get("Path", "/")
    account = _iam.account(ctx, "CreateVirtualMFADevice", _iam.arn(ctx, "mfa", name, path))
    device = virtual_mfa.create(account, name, path, _iam.tags_in(params))
    uri = f"otpauth://totp/{name}@{account.id}?secret={device.secret}"
    out: dict[str, Any] = {
        "SerialNumber": device.serial_number,
        "Base32StringSeed": device.secret.encode("ascii"),
        "QRCodePNG": uri.encode("ascii"),
    }
    if device.tags:
        out["Tags"] = _iam.tags_out(device.tags)
    return {"VirtualMFADevice": out}


def _user(ctx: OperationContext, action: str, params: Params) -> Any:
    account = _iam.caller_account(ctx)
    found = iam.user(account, params["UserName"])
    _iam.account(ctx, action, found.arn)
    return account, found


def enable_mfa_device(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account, user = _user(ctx, "EnableMFADevice", params)
    virtual_mfa.enable(
        account,
        user,
        params["SerialNumber"],
        params["AuthenticationCode1"],
        params["AuthenticationCode2"],
        ctx.now,
    )
    return {}


def deactivate_mfa_device(ctx: OperationContext, params: Params) -> dict[str, Any]:
    if "UserName" in params:
        account, user = _user(ctx, "DeactivateMFADevice", params)
    else:
        user = _iam.caller_user(ctx, "DeactivateMFADevice")
        account = _iam.caller_account(ctx)
    virtual_mfa.deactivate(account, user, params["SerialNumber"])
    return {}


def list_mfa_devices(ctx: OperationContext, params: Params) -> dict[str, Any]:
    if "UserName" in params:
        _, user = _user(ctx, "ListMFADevices", params)
    else:
        user = _iam.caller_user(ctx, "ListMFADevices")
    devices = [
        {"UserName": user.name, "SerialNumber": d.serial_number, "EnableDate": d.enable_date}
        for d in user.mfa_devices
    ]
    return _iam.page(devices, params, "MFADevices")


def delete_virtual_mfa_device(ctx: OperationContext, params: Params) -> dict[str, Any]:
    serial = params["SerialNumber"]
    account = _iam.account(ctx, "DeleteVirtualMFADevice", serial)
    virtual_mfa.delete(account, serial)
    return {}


def list_virtual_mfa_devices(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account = _iam.account(ctx, "ListVirtualMFADevices")
    status = params.get("AssignmentStatus", "Any")
    devices = []
    for device in account.virtual_mfa_devices.values():
        assigned = device.owner is not None
        if status == "Any" or (status == "Assigned") == assigned:
            devices.append(
                {
                    "SerialNumber": device.serial_number,
                    "User": _device_user(device),
                    "EnableDate": device.enable_date,
                }
            )
    return _iam.page(devices, params, "VirtualMFADevices")


OPERATIONS: dict[str, Operation] = {
    "CreateVirtualMFADevice": create_virtual_mfa_device,
    "EnableMFADevice": enable_mfa_device,
    "DeactivateMFADevice": deactivate_mfa_device,
    "ListMFADevices": list_mfa_devices,
    "DeleteVirtualMFADevice": delete_virtual_mfa_device,
    "ListVirtualMFADevices": list_virtual_mfa_devices,
}
