"""The mock's options (``account_id``, ``region``, ``strict``, ``seed``), checked where given.

The same four options arrive through ``mock_sts(...)``, ``STSBackend(...)``,
the ``stsmock`` marker, the ini file and ``--stsmock-seed``.  Each check takes
``where``, the way the user wrote the option, so the error names the place to
fix (``@pytest.mark.stsmock(strict=...)``, ``ini option stsmock_strict``).

Design decisions:

* **No coercion.**  ``strict="false"`` is truthy in Python, so accepting it
  would silently mean the opposite; a bool is required (the ini option is
  parsed by pytest's own bool reader first).  ``seed`` is an int and not a
  bool.
* **Regions come from botocore's endpoint data**: a region listed in a
  partition, or one matching a partition's ``regionRegex`` (so a region newer
  than the data still works).  ``US-EAST-1`` matches neither; accepting it
  would make every request fail later with SignatureDoesNotMatch.
* **Unknown names get the closest valid one** (difflib), for options and,
  through :func:`closest`, for the assertion vocabulary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from .errors import StsMockError

NAMES = ("account_id", "region", "strict", "seed")
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
_ACCOUNT_ID = re.compile(r"\d{12}")

Where = Callable[[str], str]


def in_call(call: str) -> Where:
    """``where`` for keyword options of a call: ``mock_sts(strict=...)``."""
    return lambda option: f"{call}({option}=...)"


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name`` (case-insensitive first), or None."""
    import difflib  # only for a misspelt name: not paid by every import

    candidates = list(candidates)
    folded = {c.lower(): c for c in candidates}
    if name.lower() in folded:
        return folded[name.lower()]
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not found:
        lowered = difflib.get_close_matches(name.lower(), list(folded), n=1, cutoff=0.6)
        found = [folded[lowered[0]]] if lowered else []
    return found[0] if found else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or nothing."""
    guess = closest(name, candidates)
    return f" (did you mean {guess!r}?)" if guess is not None else ""


def reject_unknown(given: Iterable[str], where: str, valid: Iterable[str] = NAMES) -> None:
    """StsMockError naming the first option of ``given`` that is not in ``valid``."""
    valid = tuple(valid)
    for name in given:
        if name not in valid:
            raise StsMockError(
                f"{where} has no option {name!r}{did_you_mean(name, valid)}; "
                f"use {', '.join(valid)}."
            )


def account_id(value: object, where: Where) -> str:
    if not isinstance(value, str) or not _ACCOUNT_ID.fullmatch(value):
        raise StsMockError(
            f"{where('account_id')} must be a string of exactly 12 digits, "
            f"e.g. '111122223333', not {value!r}."
        )
    return value


def region(value: object, where: Where) -> str:
    if not isinstance(value, str) or not is_region(value):
        raise StsMockError(
            f"{where('region')} must be an AWS region name such as 'us-east-1' or "
            f"'eu-west-1' (lower case, as botocore knows them), not {value!r}."
        )
    return value


def strict(value: object, where: Where) -> bool:
    if not isinstance(value, bool):
        raise StsMockError(f"{where('strict')} must be True or False, not {value!r}.")
    return value


def seed(value: object, where: Where) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise StsMockError(f"{where('seed')} must be an int (or None for random), not {value!r}.")
    return value


def are_defaults(account_id: object, region: object, strict: object, seed: object) -> bool:
    """True when the four options are exactly the defaults, which every check passes
    (so an activation with no options skips checking them: a pure function of them)."""
    return (
        type(account_id) is str
        and account_id == DEFAULT_ACCOUNT_ID
        and type(region) is str
        and region == DEFAULT_REGION
        and strict is False
        and seed is None
    )


def check(options: dict[str, Any], where: Where) -> None:
    """Check each option present in ``options``."""
    checks: dict[str, Callable[[object, Where], object]] = {
        "account_id": account_id,
        "region": region,
        "strict": strict,
        "seed": seed,
    }
    for name, value in options.items():
        checks[name](value, where)


def is_region(name: str) -> bool:
    """True for a region of botocore's endpoint data (listed, or matching a partition)."""
    if name == DEFAULT_REGION:
        return True
    listed, patterns = _regions()
    return name in listed or any(p.fullmatch(name) for p in patterns)


@functools.cache
def _regions() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    from botocore.loaders import Loader  # type: ignore[import-untyped, unused-ignore]

    data = Loader().load_data("endpoints")
    listed: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for partition in data["partitions"]:
        listed.update(partition.get("regions", {}))
        if partition.get("regionRegex"):
            patterns.append(re.compile(partition["regionRegex"]))
    return frozenset(listed), tuple(patterns)
