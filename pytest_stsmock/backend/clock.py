"""The backend's one source of time.

Time is read from ``datetime.now(timezone.utc)`` at the moment of each call,
never at import time and never in a default argument, so freezegun and
time-machine move the backend's clock: credentials expire and MFA codes roll.
"""

from __future__ import annotations

import datetime as _dt


def now() -> _dt.datetime:
    """The current UTC time, timezone-aware, as the backend sees it."""
    return _dt.datetime.now(_dt.timezone.utc)


def as_datetime(value: _dt.datetime | float | int | None) -> _dt.datetime:
    """Normalise a user-supplied moment (datetime or epoch seconds) to aware UTC."""
    if value is None:
        return now()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=_dt.timezone.utc)
        return value.astimezone(_dt.timezone.utc)
    return _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc)


def iso(moment: _dt.datetime) -> str:
    """``2026-11-23T03:22:11Z`` for a UTC datetime (isoformat is C code; strftime is slower).

    The first 19 characters of ``isoformat()`` are the date and the whole
    seconds whatever the microseconds; without the ``timespec`` keyword the C
    call parses no keyword arguments (half the cost).
    """
    return moment.isoformat()[:19] + "Z"
