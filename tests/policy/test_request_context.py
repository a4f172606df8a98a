"""RequestContext's key normalization, checked against a plain reference loop.

``RequestContext`` lower-cases names through a cache and builds contexts from
keys already in lookup form (``of_lookup``, the request path's way); these
tests hold both to the straightforward loop, including names that differ only
in case (the later one wins), ``None`` (absent, and it removes a
principal-derived key) and every value type a caller may pass.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.backend.policy.context import PrincipalInfo, RequestContext, _normalize

BOB = PrincipalInfo("arn:aws:iam::111122223333:user/bob", "111122223333", "User", user_id="AIDABOB")


def reference_lookup(principal: PrincipalInfo, keys: dict[Any, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = dict(principal.global_keys())
    for name, value in keys.items():
        lowered = str(name).lower()
        normalized = _normalize(value)
        if normalized is None:
            merged.pop(lowered, None)
        else:
            merged[lowered] = normalized
    return merged


_NAMES = st.sampled_from(
    [
        "sts:ExternalId",
        "STS:EXTERNALID",
        "sts:externalid",
        "aws:SourceIp",
        "aws:PrincipalArn",
        "aws:principalarn",
        "aws:TagKeys",
        "Aws:TagKeys",
        "aws:username",
        "x",
    ]
)
_SCALARS = st.one_of(st.text(max_size=4), st.booleans(), st.integers(-3, 3), st.floats(0, 2))
_VALUES = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.booleans(),
    st.integers(-5, 5),
    st.lists(st.one_of(st.none(), _SCALARS), max_size=3),
    st.lists(st.text(max_size=3), max_size=3).map(tuple),
    st.frozensets(st.text(max_size=3), max_size=3),
)


@given(st.lists(st.tuples(_NAMES, _VALUES), max_size=8))
def test_lookup_is_what_the_reference_loop_makes(items: list[tuple[str, Any]]) -> None:
    keys = dict(items)
    ctx = RequestContext(action="sts:AssumeRole", resource="*", principal=BOB, keys=keys)
    assert ctx.lookup == reference_lookup(BOB, keys)


def test_a_later_name_of_the_same_case_wins_over_an_earlier_list() -> None:
    keys = {"aws:TagKeys": ["a", "b"], "AWS:TAGKEYS": "c"}
    ctx = RequestContext(action="sts:AssumeRole", resource="*", principal=BOB, keys=keys)
    assert ctx.lookup["aws:tagkeys"] == "c"


def test_an_earlier_text_value_yields_to_a_later_list() -> None:
    keys: dict[str, Any] = {"AWS:TAGKEYS": "c", "aws:TagKeys": ["a", True]}
    ctx = RequestContext(action="sts:AssumeRole", resource="*", principal=BOB, keys=keys)
    assert ctx.lookup["aws:tagkeys"] == ("a", "true")


def test_none_removes_a_principal_derived_key() -> None:
    keys = {"aws:PrincipalArn": None, "sts:ExternalId": "x"}
    ctx = RequestContext(action="sts:AssumeRole", resource="*", principal=BOB, keys=keys)
    assert "aws:principalarn" not in ctx.lookup
    assert ctx.lookup["sts:externalid"] == "x"


def test_names_that_are_not_text_still_work() -> None:
    keys: dict[Any, Any] = {7: "seven", "Aws:X": 1}
    ctx = RequestContext(action="sts:AssumeRole", resource="*", principal=BOB, keys=keys)
    assert ctx.lookup["7"] == "seven"
    assert ctx.lookup["aws:x"] == "1"


@given(st.lists(st.tuples(_NAMES, _VALUES), max_size=8))
def test_of_lookup_with_normalized_keys_is_the_same_context(items: list[tuple[str, Any]]) -> None:
    keys = dict(items)
    normal = RequestContext(action="sts:AssumeRole", resource="r", principal=BOB, keys=keys)
    lookup_form = {
        name.lower(): value
        for name, value in ((n, _normalize(v)) for n, v in keys.items())
        if value is not None
    }
    fast = RequestContext.of_lookup("sts:AssumeRole", "r", BOB, lookup_form)
    # (None removes a principal-derived key in the normal form; lookup form has no None.)
    removed = {n.lower() for n, v in keys.items() if _normalize(v) is None}
    assert {k: v for k, v in fast.lookup.items() if k not in removed} == {
        k: v for k, v in normal.lookup.items() if k not in removed
    }
    assert fast.identities == normal.identities
    assert (fast.action, fast.resource, fast.principal) == ("sts:AssumeRole", "r", BOB)
