"""AWS-shaped identifiers: published decoding vectors, round trips, shapes, determinism."""

from __future__ import annotations

import base64
import random
import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_stsmock.backend import ids

BASE32 = re.compile(r"[A-Z2-7]+")
ACCOUNTS = st.integers(0, 999_999_999_999).map(lambda n: f"{n:012d}")


@pytest.mark.parametrize(
    ("key_id", "account"),
    [
        ("ASIAY34FZKBOKMUTVV7A", "609629065308"),
        ("ASIAQNZGKIQY56JQ7WML", "029608264753"),
        ("ASIAZI2LB4666MOQWGPN", "637423183805"),
        ("ASIAQBH7ISVOTS6VVX2G", "002682819933"),
    ],
)
def test_published_vectors(key_id: str, account: str) -> None:
    assert ids.account_from_access_key_id(key_id) == account


def test_pre_2019_key_still_decodes_to_some_number() -> None:
    account = ids.account_from_access_key_id("AKIAIOSFODNN7EXAMPLE")
    assert account is not None and len(account) == 12 and account.isdigit()


@pytest.mark.parametrize(
    "key_id",
    ["", "AKIA", "AKIAQNZGKIQY56JQ7WM", "ASIAQNZGKIQY56JQ7WMLX", "ASIAQNZGKIQY56JQ7WM1",
     "ASIAqnzgkiqy56jq7wml", "ASIAQNZGKIQY56JQ7WM=", "ASIAQNZGKIQY56JQ 7WM"],
)  # fmt: skip
def test_not_a_key_decodes_to_none(key_id: str) -> None:
    assert ids.account_from_access_key_id(key_id) is None


@given(account=ACCOUNTS, temporary=st.booleans(), seed=st.integers())
def test_access_key_round_trip(account: str, temporary: bool, seed: int) -> None:
    key_id = ids.access_key_id(random.Random(seed), account, temporary=temporary)
    assert len(key_id) == 20
    assert key_id.startswith("ASIA" if temporary else "AKIA")
    assert BASE32.fullmatch(key_id[4:])
    assert key_id[4] in "QRSTUVWXYZ234567"  # the top bit is set, as in post-2019 keys
    assert ids.account_from_access_key_id(key_id) == account


def test_access_keys_vary_for_one_account() -> None:
    rng = random.Random(7)
    keys = {ids.access_key_id(rng, "123456789012", temporary=False) for _ in range(200)}
    assert len(keys) == 200


@pytest.mark.parametrize(
    "account", ["12345678901", "1234567890123", "12345678901x", "١٢٣٤٥٦٧٨٩٠١٢"]
)
def test_access_key_rejects_non_account(account: str) -> None:
    with pytest.raises(ValueError, match="12 digits"):
        ids.access_key_id(random.Random(0), account, temporary=True)


def test_secret_access_key_shape() -> None:
    rng = random.Random(1)
    secrets = [ids.secret_access_key(rng) for _ in range(100)]
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{40}", s) for s in secrets)
    assert len(set(secrets)) == 100


@pytest.mark.parametrize("prefix", ["AIDA", "AROA", "ANPA", "AGPA"])
def test_unique_id_shape(prefix: str) -> None:
    value = ids.unique_id(random.Random(2), prefix)
    assert len(value) == 21 and value.startswith(prefix)
    assert BASE32.fullmatch(value[4:])


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-3", "ap-southeast-4"])
def test_regional_session_token_is_v2(region: str) -> None:
    token = ids.session_token(random.Random(3), regional=True, region=region)
    assert token.startswith("IQoJb3JpZ2luX2VjE")
    assert 300 <= len(token) <= 1200
    raw = base64.b64decode(token, validate=True)
    assert raw.startswith(b"!\n\torigin_ec")
    assert b"\x1a" + bytes([len(region)]) + region.encode() in raw


def test_global_session_token_is_v1() -> None:
    token = ids.session_token(random.Random(4), regional=False, region="us-east-1")
    assert token.startswith("FwoGZXIvYXdzE")
    assert 200 <= len(token) <= 1200
    assert base64.b64decode(token, validate=True).startswith(b"\x17\n\x06er/aws")


def test_session_tokens_differ() -> None:
    rng = random.Random(5)
    tokens = {ids.session_token(rng, regional=True, region="us-west-2") for _ in range(50)}
    assert len(tokens) == 50


def test_request_id_is_uuid4() -> None:
    value = ids.request_id(random.Random(6))
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value
    )
    assert uuid.UUID(value).version == 4


def _sequence(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        ids.access_key_id(rng, "029608264753", temporary=True),
        ids.access_key_id(rng, "029608264753", temporary=False),
        ids.secret_access_key(rng),
        ids.unique_id(rng, "AROA"),
        ids.session_token(rng, regional=True, region="eu-west-1"),
        ids.session_token(rng, regional=False, region="us-east-1"),
        ids.request_id(rng),
    ]


@given(seed=st.integers())
def test_same_seed_same_sequence(seed: int) -> None:
    assert _sequence(seed) == _sequence(seed)


def test_different_seeds_differ() -> None:
    assert _sequence(1) != _sequence(2)


def test_no_hidden_global_randomness() -> None:
    random.seed(1)
    first = _sequence(42)
    random.seed(2)
    assert _sequence(42) == first


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0))
def test_base32_digits_are_rfc4648_most_significant_first(length: int, value: int) -> None:
    """Every digit, odd lengths included: the low 5*length bits, as b32encode writes them."""
    bits = 5 * length
    low = value & ((1 << bits) - 1)
    padded_bits = -(-bits // 40) * 40  # whole 5-byte groups: b32encode needs no padding
    reference = base64.b32encode(low.to_bytes(padded_bits // 8, "big")).decode()
    assert ids._base32(value, length) == reference[-length:]


@given(st.integers(min_value=0))
def test_the_unrolled_base32_sizes_match_the_general_one(value: int) -> None:
    assert ids._base32_16(value) == ids._base32(value, 16)
    assert ids._base32_17(value) == ids._base32(value, 17)


def _varint_reference(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


@given(st.one_of(st.integers(0, (1 << 42) - 1), st.integers(1 << 42, 1 << 80)))
def test_the_token_id_field_is_tag_0x10_and_a_protobuf_varint(value: int) -> None:
    assert ids._id_field(value) == b"\x10" + _varint_reference(value)


@pytest.mark.parametrize("value", [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, (1 << 42) - 1, 1 << 42])
def test_the_token_id_field_at_the_varint_byte_boundaries(value: int) -> None:
    assert ids._id_field(value) == b"\x10" + _varint_reference(value)
