"""Builders of representative values for any botocore shape.

``example_input(op)`` fills every member of an operation's input with a value
that satisfies the model (min, max, pattern, enum); ``example_output(op)``
does the same for its output.  Values are derived from member names, so two
members never get the same value by accident, and unconstrained strings carry
characters that need escaping (``&<>=+%`` and non-ASCII) to exercise the
codec.  Pass ``samples`` (shape name -> value) for shapes whose pattern the
simple builder cannot satisfy.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from pytest_stsmock.protocol.constraints import violations
from pytest_stsmock.protocol.java_regex import java_regex

__all__ = ["EXAMPLE_TIME", "example_input", "example_output", "example_value"]

EXAMPLE_TIME = datetime.datetime(2026, 11, 23, 3, 22, 11, tzinfo=datetime.timezone.utc)

#: Realistic values for common shapes (the generic builder would satisfy them
#: too, but these read better in failures and suit other tests).
SAMPLES: dict[str, Any] = {
    "arnType": "arn:aws:iam::123456789012:role/example-role",
    "accountType": "123456789012",
}

_FILLER = "Example0123456789"
_MAX_DEPTH = 6


def _string(shape: Any, name: str) -> str:
    meta = shape.metadata
    if meta.get("enum"):
        return str(meta["enum"][0])
    low = int(meta.get("min", 0))
    high = int(meta.get("max", max(low, 40)))
    seed = f"{name} &<>=+%é-{name}"
    pattern = meta.get("pattern")
    if pattern is not None:
        regex = java_regex(pattern)
        seed = "".join(ch for ch in seed + _FILLER if regex.fullmatch(ch))
    text = seed
    while len(text) < low:
        text += seed or _FILLER
    text = text[: min(high, max(low, len(seed)))]
    if pattern is not None and not java_regex(pattern).fullmatch(text):
        raise ValueError(f"cannot build a value for {shape.name}; add it to samples")
    return text


def example_value(
    shape: Any, name: str = "", *, samples: Mapping[str, Any] | None = None, depth: int = 0
) -> Any:
    """A valid value of ``shape``; ``name`` (the member name) seeds strings."""
    table = {**SAMPLES, **(samples or {})}
    if shape.name in table:
        return table[shape.name]
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        required = set(shape.required_members)
        built = {
            member: example_value(sub, member, samples=samples, depth=depth + 1)
            for member, sub in shape.members.items()
            if depth < _MAX_DEPTH or member in required
        }
        # An empty optional structure has no query-protocol form: leave it out.
        return {k: v for k, v in built.items() if v != {} or k in required}
    if kind == "list":
        count = max(int(meta.get("min", 0)), min(2, int(meta.get("max", 2))))
        return [
            example_value(shape.member, f"{name}{i}", samples=samples, depth=depth + 1)
            for i in range(1, count + 1)
        ]
    if kind == "map":
        return {
            example_value(shape.key, f"{name}Key{i}", samples=samples, depth=depth + 1): (
                example_value(shape.value, f"{name}Value{i}", samples=samples, depth=depth + 1)
            )
            for i in (1, 2)
        }
    if kind == "string":
        return _string(shape, name)
    if kind in ("integer", "long"):
        return max(int(meta.get("min", 0)), min(3600, int(meta.get("max", 3600))))
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return EXAMPLE_TIME
    if kind == "blob":
        return b"blob \x00\xff bytes"
    raise ValueError(f"no example for shape type {kind}")


def _example(shape: Any, samples: Mapping[str, Any] | None) -> dict[str, Any]:
    if shape is None:
        return {}
    value: dict[str, Any] = example_value(shape, samples=samples)
    problems = violations(shape, value)
    if problems:
        raise AssertionError(f"example for {shape.name} is invalid: {problems}")
    return value


def example_input(op: Any, samples: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every input member of ``op`` filled with a valid value."""
    return _example(op.input_shape, samples)


def example_output(op: Any, samples: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every output member of ``op`` filled with a valid value."""
    return _example(op.output_shape, samples)


def synthetic_model() -> Any:
    """A small query-protocol service using every shape feature STS does not.

    Flattened lists (with and without a member ``locationName``), renamed
    members and list items, nested lists, maps (plain, renamed key/value,
    flattened), booleans, timestamps, blobs, longs, doubles and a recursive
    structure: the codec must handle any query service, not only STS.
    """
    from botocore.model import ServiceModel

    def ref(shape: str, **traits: Any) -> dict[str, Any]:
        return {"shape": shape, **traits}

    members = {
        "Flag": ref("Bool"),
        "When": ref("Time"),
        "Data": ref("Blob"),
        "Big": ref("Long"),
        "Ratio": ref("Double"),
        "Count": ref("Int"),
        "Renamed": ref("Str", locationName="OtherName"),
        "Flat": ref("FlatList"),
        "FlatNamed": ref("FlatNamedList"),
        "Named": ref("NamedList"),
        "Nested": ref("NestedList"),
        "Attrs": ref("Map"),
        "FlatAttrs": ref("FlatMap"),
        "Records": ref("RecordList"),
        "Child": ref("Everything"),
    }
    return ServiceModel(
        {
            "metadata": {
                "apiVersion": "2020-01-01",
                "protocol": "query",
                "xmlNamespace": "https://example.com/doc/2020-01-01/",
                "endpointPrefix": "example",
                "serviceId": "Example",
                "signatureVersion": "v4",
            },
            "operations": {
                "Everything": {
                    "name": "Everything",
                    "http": {"method": "POST", "requestUri": "/"},
                    "input": ref("Everything"),
                    "output": ref("Everything", resultWrapper="EverythingResult"),
                },
                "Nothing": {"name": "Nothing", "http": {"method": "POST", "requestUri": "/"}},
            },
            "shapes": {
                "Everything": {"type": "structure", "members": members},
                "Record": {
                    "type": "structure",
                    "required": ["Id"],
                    "members": {"Id": ref("Str"), "Tags": ref("NamedList")},
                },
                "RecordList": {"type": "list", "member": ref("Record"), "max": 3},
                "Bool": {"type": "boolean"},
                "Time": {"type": "timestamp"},
                "Blob": {"type": "blob"},
                "Long": {"type": "long"},
                "Int": {"type": "integer", "min": 1, "max": 10},
                "Double": {"type": "double"},
                "Str": {"type": "string"},
                "FlatList": {"type": "list", "member": ref("Str"), "flattened": True},
                "FlatNamedList": {
                    "type": "list",
                    "member": ref("Str", locationName="Item"),
                    "flattened": True,
                },
                "NamedList": {"type": "list", "member": ref("Str", locationName="Item")},
                "NestedList": {"type": "list", "member": ref("NamedList")},
                "Map": {
                    "type": "map",
                    "key": ref("Str", locationName="Name"),
                    "value": ref("Str", locationName="Val"),
                },
                "FlatMap": {
                    "type": "map",
                    "key": ref("Str"),
                    "value": ref("Record"),
                    "flattened": True,
                },
            },
        },
        service_name="example",
    )
