"""PackedPolicySize: how much of the allotted space session policies and tags use.

AWS packs session policies and session tags into a binary form whose layout
is not public, and reports the larger share as a percentage.  What is known
from real AWS answers: without Policy, PolicyArns or Tags AssumeRole sends no
PackedPolicySize; a one-statement policy allowing s3:GetObject on
``arn:aws:s3:::example-bucket/*`` packs to 16; AWS's documented example (a
small s3:ListAllMyBuckets policy on ``*`` plus three tags) packs to 8.  The
second is smaller than the first, so tags and policies cannot share one
budget, and free text (ARNs, condition values) must weigh more than action
names, which AWS's packing evidently interns.

Emulator-defined model, calibrated to both data points and deterministic:

* policy units: per statement 4; per action or principal name 2; per
  resource its length (``*`` counts 1); per condition operator 2 and per key
  and value their length.  A managed policy passed in PolicyArns is packed as
  a reference: a quarter of its ARN's length, rounded up (AWS accepts ten of
  them, so a reference must be cheap; the document itself is not packed).
  Allotted: 224.
* tag units: per tag ``len(key) + len(value) + 2``.  Allotted: 640.
* PackedPolicySize = max(ceil(100 * policy / 224), ceil(100 * tags / 640)).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

POLICY_BUDGET = 224
TAG_BUDGET = 640


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def policy_units(document: Mapping[str, Any]) -> int:
    """Units one session policy (its JSON object) takes."""
    statements = _as_list(document.get("Statement"))
    units = 0
    for statement in statements:
        if not isinstance(statement, Mapping):
            continue
        units += 4
        for key in ("Action", "NotAction"):
            units += 2 * len(_as_list(statement.get(key)))
        for key in ("Resource", "NotResource"):
            units += sum(len(str(r)) if r != "*" else 1 for r in _as_list(statement.get(key)))
        condition = statement.get("Condition")
        if isinstance(condition, Mapping):
            for block in condition.values():
                units += 2
                if isinstance(block, Mapping):
                    for key, values in block.items():
                        units += len(str(key)) + sum(len(str(v)) for v in _as_list(values))
    return units


def percentages(
    documents: Iterable[Mapping[str, Any]], policy_arns: Iterable[str], tags: Mapping[str, str]
) -> tuple[int, int]:
    """(policy percent, tag percent), each rounded up; ``documents`` are the inline policies."""
    policy = sum(policy_units(d) for d in documents) + sum(-(-len(a) // 4) for a in policy_arns)
    tag = sum(len(k) + len(v) + 2 for k, v in tags.items())
    return math.ceil(100 * policy / POLICY_BUDGET), math.ceil(100 * tag / TAG_BUDGET)
