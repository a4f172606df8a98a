"""The folded index of an account's users, roles and groups stays true to the table."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock import STSBackend, StsMockError
from pytest_stsmock.backend.names import NameTable


def _scan(table: dict[str, Any], name: str) -> Any:
    return next((v for k, v in table.items() if k.lower() == name.lower()), None)


def test_folded_finds_a_name_in_any_case() -> None:
    table: NameTable[int] = NameTable()
    table["Deployer"] = 1
    assert table.folded("deployer") == table.folded("DEPLOYER") == 1
    assert table.folded("other") is None
    assert table == {"Deployer": 1} and isinstance(table, dict)


def test_every_way_of_changing_the_table_updates_the_index() -> None:
    table: NameTable[int] = NameTable()
    table.update({"A": 1}, B=2)
    table.update([("C", 3)])
    table |= {"D": 4}
    assert table.setdefault("E", 5) == 5 and table.setdefault("E", 6) == 5
    assert [table.folded(n) for n in "abcde"] == [1, 2, 3, 4, 5]
    del table["A"]
    assert table.pop("B") == 2 and table.pop("missing", None) is None
    assert table.popitem() == ("E", 5)
    assert [table.folded(n) for n in "abcde"] == [None, None, 3, 4, None]
    table.clear()
    assert table.folded("c") is None and table == {}


def test_keys_differing_only_in_case_keep_the_other_indexed() -> None:
    table: NameTable[int] = NameTable()
    table["ab"] = 1
    table["AB"] = 2
    del table["AB"]
    assert table.folded("Ab") == 1


def test_copies_and_pickles_keep_the_index() -> None:
    table: NameTable[int] = NameTable()
    table["Role"] = 1
    for again in (copy.deepcopy(table), copy.copy(table), pickle.loads(pickle.dumps(table))):
        assert isinstance(again, NameTable) and again == table
        assert again.folded("ROLE") == 1


_NAMES = st.text("aAbB", min_size=1, max_size=3)
_OPS = st.lists(st.tuples(st.sampled_from(["set", "del", "pop"]), _NAMES, st.integers()))


@given(_OPS, _NAMES)
def test_folded_agrees_with_a_scan_of_the_table(
    ops: list[tuple[str, str, int]], probe: str
) -> None:
    table: NameTable[int] = NameTable()
    for op, name, value in ops:
        if op == "set":
            table[name] = value
        elif op == "del" and name in table:
            del table[name]
        else:
            table.pop(name, None)
    found = table.folded(probe)
    assert (found is None) == (_scan(table, probe) is None)
    if found is not None:
        assert any(k.lower() == probe.lower() and v == found for k, v in table.items())


def test_the_account_refuses_a_name_that_exists_in_another_case() -> None:
    account = STSBackend().default_account
    account.create_user("Alice")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    account.create_role("Deployer", trust_policy=trust)
    with pytest.raises(StsMockError, match="already exists"):
        account.create_user("ALICE")
    with pytest.raises(StsMockError, match="already exists"):
        account.create_role("deployer", trust_policy=trust)
    account.delete_role("Deployer")
    account.create_role("deployer", trust_policy=trust)  # free again once deleted
    assert account.roles.folded("DEPLOYER") is account.roles["deployer"]
