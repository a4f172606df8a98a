"""Virtual MFA devices with RFC 6238 TOTP codes.

pyotp computes the codes (a well-kept implementation of RFC 4226/6238; the
secret is base32 as AWS's virtual devices show it).  The backend clock decides
which 30-second window is current.  AWS accepts the code of the current window
and of the one before, and rejects a code the device has already accepted.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hmac
import random
from typing import TYPE_CHECKING

from . import clock

if TYPE_CHECKING:
    from .principals import LongTermPrincipal

STEP_SECONDS = 30


class MFADevice:
    """A virtual (TOTP) MFA device assigned to one principal."""

    def __init__(self, serial_number: str, owner: LongTermPrincipal, rng: random.Random) -> None:
        self.serial_number = serial_number
        self.owner = owner
        self.secret = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode()
        import pyotp  # loaded with the first device, not with the package

        self._totp = pyotp.TOTP(self.secret, digits=6, interval=STEP_SECONDS)
        self._used_steps: set[int] = set()

    def __repr__(self) -> str:
        return f"MFADevice({self.serial_number!r})"

    def code(self, at: _dt.datetime | float | int | None = None) -> str:
        """The 6-digit code this device shows at ``at`` (default: now on the backend clock)."""
        return self._totp.at(clock.as_datetime(at))

    def matching_step(self, code: str, at: _dt.datetime) -> int | None:
        """The unused window (current or previous) whose code is ``code``, or None.

        Checking does not consume the code: the caller calls :meth:`consume` once
        the whole request has succeeded, so a refused request changes nothing.
        """
        step = int(at.timestamp()) // STEP_SECONDS
        for candidate in (step, step - 1):
            if candidate < 0 or candidate in self._used_steps:
                continue
            if hmac.compare_digest(self._totp.generate_otp(candidate), code):
                return candidate
        return None

    def consume(self, step: int) -> None:
        """Remember that the code of window ``step`` has been used."""
        self._used_steps.add(step)
