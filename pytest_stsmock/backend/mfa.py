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
import re
from typing import TYPE_CHECKING

from pytest_stsmock.errors import StsMockError

from . import clock

if TYPE_CHECKING:
    from .principals import LongTermPrincipal

STEP_SECONDS = 30
#: STS's ``serialNumberType`` (botocore's model; a test keeps the two equal).
SERIAL_MIN, SERIAL_MAX = 9, 256
SERIAL_PATTERN = r"[\w+=/:,.@-]*"
_SERIAL = re.compile(SERIAL_PATTERN)


def check_serial_number(serial_number: object) -> str:
    """The serial number, if STS would accept it in SerialNumber; else StsMockError."""
    if (
        not isinstance(serial_number, str)
        or not SERIAL_MIN <= len(serial_number) <= SERIAL_MAX
        or not _SERIAL.fullmatch(serial_number)
    ):
        raise StsMockError(
            f"serial_number {serial_number!r} could never be sent as SerialNumber: STS takes "
            f"{SERIAL_MIN} to {SERIAL_MAX} characters of letters, digits and +=/:,.@_-; pass "
            "one such as 'arn:aws:iam::123456789012:mfa/alice', or None for a default."
        )
    return serial_number


class MFADevice:
    """A virtual (TOTP) MFA device, assigned to one principal (or to none yet, through IAM)."""

    def __init__(
        self,
        serial_number: str,
        owner: LongTermPrincipal | None,
        rng: random.Random,
        secret: str | None = None,
    ) -> None:
        self.serial_number = serial_number
        #: The principal it is assigned to; None for an IAM virtual device not yet enabled.
        self.owner = owner
        self.enable_date: _dt.datetime | None = None
        self.create_date: _dt.datetime | None = None
        self.tags: dict[str, str] = {}
        # A fixed secret still draws from the rng, so the identifiers after it do not shift.
        drawn = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode()
        #: The base32 seed (fixed when given, or when read from another IAM store).
        self.secret = drawn if secret is None else secret
        import pyotp  # loaded with the first device, not with the package

        self._totp = pyotp.TOTP(self.secret, digits=6, interval=STEP_SECONDS)
        self._used_steps: set[int] = set()

    def __repr__(self) -> str:
        return f"MFADevice({self.serial_number!r})"

    def code(self, at: _dt.datetime | float | int | None = None) -> str:
        """The 6-digit code this device shows at ``at`` (default: now on the backend clock)."""
        if at is not None and (
            isinstance(at, bool) or not isinstance(at, (_dt.datetime, int, float))
        ):
            raise StsMockError(
                f"MFADevice.code(at=...) takes a datetime or epoch seconds, not {at!r}; "
                "e.g. code(at=datetime.now(timezone.utc) - timedelta(seconds=30))."
            )
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

    def why_refused(self, code: str, at: _dt.datetime) -> str:
        """Why :meth:`matching_step` found no window for ``code`` (for Call.explanation)."""
        step = int(at.timestamp()) // STEP_SECONDS
        where = f"MFA device {self.serial_number}"
        for candidate, name in ((step, "current"), (step - 1, "previous")):
            if candidate in self._used_steps and self._totp.generate_otp(candidate) == code:
                return (
                    f"the code {code} is the {name} 30-second window's code of {where}, but "
                    "that code was already used: AWS accepts each code once"
                )
        for offset in range(2, 11):
            for candidate, when in ((step - offset, "ago"), (step + offset - 1, "ahead")):
                if candidate >= 0 and self._totp.generate_otp(candidate) == code:
                    seconds = abs(step - candidate) * STEP_SECONDS
                    return (
                        f"the code {code} is the code of {where} from about {seconds} seconds "
                        f"{when}; AWS accepts only the current and the previous 30-second window"
                    )
        return (
            f"the code {code} is not the code of {where} in the current or the previous "
            f"30-second window (it shows {self._totp.generate_otp(step)} now); is the code "
            "from another device?"
        )

    def consume(self, step: int) -> bool:
        """Remember that the code of window ``step`` has been used; False if it already
        was (the caller holds the backend's lock, which makes this check-and-set one step)."""
        if step in self._used_steps:
            return False
        self._used_steps.add(step)
        return True
