"""IAM policy engine: parse policy documents once, evaluate requests with reasons.

``document`` holds the grammar (:class:`PolicyDocument`), ``conditions`` the
condition operators, ``evaluate`` the decisions.  Nothing here knows HTTP.
"""

from __future__ import annotations

from .context import PrincipalInfo, PrincipalType, RequestContext
from .document import PolicyDocument, PolicyError, PolicyKind, Statement
from .evaluate import (
    Decision,
    DecisionEffect,
    LabeledPolicy,
    ResourceDecision,
    evaluate,
    evaluate_resource_policy,
)

__all__ = [
    "Decision",
    "DecisionEffect",
    "LabeledPolicy",
    "PolicyDocument",
    "PolicyError",
    "PolicyKind",
    "PrincipalInfo",
    "PrincipalType",
    "RequestContext",
    "ResourceDecision",
    "Statement",
    "evaluate",
    "evaluate_resource_policy",
]
