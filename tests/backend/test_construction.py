"""A backend's construction shortcuts give what the general roads give.

The default user and its key are built in one specialized step
(``principals.new_default_user``) and the authorization messages are made at
first use; these tests fail if either shortcut drifts from the general road
or shares state between backends.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from typing import Any

import pytest

from pytest_stsmock import STSBackend
from pytest_stsmock.backend import DEFAULT_USER_NAME, _allow_everything
from pytest_stsmock.backend.authorization_message import Denial, implicit_denial
from pytest_stsmock.backend.principals import AccessKey, User, new_user


def _general_road(seed: int) -> tuple[User, AccessKey]:
    """The default user and key of ``STSBackend(seed=seed)`` through the seeding API's
    functions (on another backend with the same seed, its generator started again)."""
    backend = STSBackend(seed=seed)
    backend.rng = random.Random(seed)
    user = new_user(backend.default_account, DEFAULT_USER_NAME, "/", None, ())
    user.policies.append(_allow_everything())
    return user, user.create_access_key()


def _fields(obj: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name not in skip}


@pytest.mark.parametrize("seed", [0, 7, 2026])
def test_the_default_user_and_key_equal_the_general_roads_field_by_field(seed: int) -> None:
    backend = STSBackend(seed=seed)
    user, key = backend.default_user, backend.default_access_key
    expected_user, expected_key = _general_road(seed)
    # Every dataclass field is set (a field added to User or AccessKey must be set too).
    assert set(vars(user)) == {f.name for f in dataclasses.fields(User)}
    assert set(vars(key)) == {f.name for f in dataclasses.fields(AccessKey)}
    skip = ("account", "access_keys", "create_date", "principal")
    assert _fields(user, skip) == _fields(expected_user, skip)
    assert _fields(key, skip) == _fields(expected_key, skip)
    assert (key.access_key_id, key.secret_access_key) == (
        expected_key.access_key_id,
        expected_key.secret_access_key,
    )
    assert user.account is backend.default_account and key.principal is user
    assert user.access_keys == [key] and user.create_date == key.create_date is not None
    assert backend.default_account.users.folded(DEFAULT_USER_NAME.upper()) is user
    assert backend.local_access_key(key.access_key_id) is key
    # the next draw continues where the general road's would
    assert backend.rng.getrandbits(64) == expected_user.account.backend.rng.getrandbits(64)


def test_default_users_are_not_shared_between_backends() -> None:
    first, second = STSBackend(), STSBackend()
    assert first.default_user is not second.default_user
    for attribute in ("tags", "policies", "inline_policies", "attached_policies", "groups"):
        assert getattr(first.default_user, attribute) is not getattr(second.default_user, attribute)
    first.default_user.tags["team"] = "blue"
    assert second.default_user.tags == {}
    assert first.default_access_key.access_key_id != second.default_access_key.access_key_id
    assert second.local_access_key(first.default_access_key.access_key_id) is None


def test_reset_keeps_the_default_key_through_the_general_road() -> None:
    backend = STSBackend(seed=3)
    key = backend.default_access_key
    user_id = backend.default_user.unique_id
    backend.reset()
    assert backend.default_access_key is not key
    assert (
        backend.default_access_key.access_key_id,
        backend.default_access_key.secret_access_key,
    ) == (
        key.access_key_id,
        key.secret_access_key,
    )
    assert backend.default_user.unique_id == user_id  # the generator starts again
    assert backend.local_access_key(key.access_key_id) is backend.default_access_key


def _denial() -> Denial:
    return implicit_denial(
        "AIDAEXAMPLE",
        "arn:aws:iam::123456789012:user/dev",
        "sts:AssumeRole",
        "arn:aws:iam::123456789012:role/prod",
    )


def test_authorization_messages_are_made_at_first_use_one_per_backend() -> None:
    backend = STSBackend()
    assert backend._authorization_messages is None  # nothing made with the backend
    messages = backend.authorization_messages
    assert messages is backend.authorization_messages  # made once
    message = messages.encode(_denial())
    assert backend.authorization_messages.decode(message) is not None
    other = STSBackend()
    assert other.authorization_messages is not messages
    assert other.authorization_messages.decode(message) is None  # its own key
    backend.reset()
    assert backend.authorization_messages is not messages
    assert backend.authorization_messages.decode(message) is None


def test_threads_first_uses_of_authorization_messages_get_one_object() -> None:
    backend = STSBackend()
    seen: list[object] = []
    start = threading.Barrier(8)

    def first_use() -> None:
        start.wait()
        seen.append(backend.authorization_messages)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(seen) == 8 and all(found is seen[0] for found in seen)
