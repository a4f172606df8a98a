"""The --state format's shape checks, and the error that names the path of a bad field."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pytest_stsmock.errors import StsMockError


class StateError(StsMockError):
    """A ``--state`` document that cannot be applied; ``path`` names the bad field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.detail = message


def entry_of(path: str, name: str) -> str:
    return f'{path}["{name}"]' if path else name


def member(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@contextmanager
def at(path: str) -> Iterator[None]:
    """Re-raise the seeding API's StsMockError with the path of the entry being applied."""
    try:
        yield
    except StateError:
        raise
    except StsMockError as error:
        raise StateError(path, str(error)) from None


def as_object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StateError(path, f"must be a JSON object, not {kind(value)}")
    return value


def as_list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateError(path, f"must be a JSON array, not {kind(value)}")
    return value


def as_string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise StateError(path, f"must be a string, not {kind(value)}")
    return value


def kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    names.update({int: "a number", float: "a number", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def only(value: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for name in value:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise StateError(
                member(path, name), f"unknown field; {hint}expected one of {', '.join(allowed)}"
            )


def as_tags(value: object, path: str) -> dict[str, str]:
    tags = as_object(value, path)
    for name, tag in tags.items():
        as_string(tag, entry_of(path, name))
    return tags


# -- one account's sections ------------------------------------------------------
