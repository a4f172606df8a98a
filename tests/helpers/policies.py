"""Policy documents for tests: one builder per idea, used by every suite.

``statement()`` and ``document()`` are the primitives (an element given as
None is left out, so a test can remove one); ``trust()`` and ``allow()`` are
the two documents most tests need; ``ADMIN`` allows everything.
"""

from __future__ import annotations

from typing import Any

VERSION = "2012-10-17"


def statement(effect: str = "Allow", **elements: Any) -> dict[str, Any]:
    """One statement; elements whose value is None are left out."""
    out: dict[str, Any] = {"Effect": effect}
    out.update(elements)
    return {key: value for key, value in out.items() if value is not None}


def document(*statements: dict[str, Any], version: str | None = VERSION) -> dict[str, Any]:
    """A policy document of ``statements`` (no Version element when ``version`` is None)."""
    out: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        out = {"Version": version, **out}
    return out


def trust(
    principal: Any, *, actions: Any = "sts:AssumeRole", condition: Any = None, **elements: Any
) -> dict[str, Any]:
    """A trust policy letting ``principal`` perform ``actions`` (one Allow statement).

    ``elements`` add to the statement or replace its parts (None removes one).
    """
    parts = {"Principal": principal, "Action": actions, "Condition": condition or None}
    return document(statement(**{**parts, **elements}))


def allow(action: Any = "*", resource: Any = "*", **elements: Any) -> dict[str, Any]:
    """An identity policy allowing ``action`` on ``resource`` (one Allow statement).

    ``elements`` add to the statement or replace its parts (None removes one).
    """
    return document(statement(**{"Action": action, "Resource": resource, **elements}))


#: An identity policy that allows every action on every resource.
ADMIN = allow("*", "*")
