"""The policy error type and every AWS message the policy grammar can produce.

Design decisions:

* One exception, :class:`PolicyError`, carries two texts.  ``reason`` is our
  own sentence (what is wrong, where, and how to fix it) for people seeding
  state through pytest-stsmock's API; ``aws_message`` is what AWS itself would
  put in a ``MalformedPolicyDocument`` error when the same document arrives in
  a request.  The caller picks whichever fits the situation.
* Every AWS string lives here so a correction is one edit.  Confidence, from
  real responses and public pastes: ``MSG_INVALID_JSON`` high (historic
  text; AWS now sometimes returns the Jackson parser message instead),
  ``MSG_SYNTAX`` medium, ``MSG_TRUST_ACTIONS`` / ``MSG_PROHIBITED_FIELD``
  (IAM, seen in many user pastes) high, the SID, principal, actions and
  resources messages (IAM ``CreatePolicy`` / ``CreateRole``, seen in
  CloudTrail and Terraform pastes) medium to high, ``MSG_VENDOR_PREFIX`` and
  ``MSG_RESOURCE_ARN`` medium.  Where no AWS text is known the generic
  ``MSG_SYNTAX`` is used.
"""

from __future__ import annotations

from pytest_stsmock.errors import StsMockError

__all__ = [
    "MSG_DUPLICATE_SID",
    "MSG_INVALID_JSON",
    "MSG_INVALID_PRINCIPAL",
    "MSG_MISSING_ACTIONS",
    "MSG_MISSING_PRINCIPAL",
    "MSG_MISSING_RESOURCES",
    "MSG_PROHIBITED_FIELD",
    "MSG_RESOURCE_ARN",
    "MSG_SID_ALNUM",
    "MSG_SYNTAX",
    "MSG_TRUST_ACTIONS",
    "MSG_VENDOR_PREFIX",
    "PolicyError",
]

MSG_INVALID_JSON = "The policy is not in the valid JSON format."
MSG_SYNTAX = "Syntax errors in policy."
MSG_TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
#: ``.format(field=...)``: ``Has prohibited field Resource``.
MSG_PROHIBITED_FIELD = "Has prohibited field {field}"
MSG_MISSING_PRINCIPAL = "Missing required field Principal"
MSG_MISSING_ACTIONS = "Policy statement must contain actions."
MSG_MISSING_RESOURCES = "Policy statement must contain resources."
MSG_DUPLICATE_SID = "Statement IDs (SID) in a single policy must be unique."
MSG_SID_ALNUM = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
#: ``.format(type="AWS", value=...)``.
MSG_INVALID_PRINCIPAL = 'Invalid principal in policy: "{type}":"{value}"'
MSG_VENDOR_PREFIX = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
#: ``.format(resource=...)``.
MSG_RESOURCE_ARN = 'Resource {resource} must be in ARN format or "*".'


class PolicyError(StsMockError):
    """A policy document that AWS would refuse.

    ``reason`` says what is wrong and how to fix it; ``aws_message`` is the
    text AWS returns in ``MalformedPolicyDocument`` for the same mistake.
    """

    def __init__(self, reason: str, aws_message: str = MSG_SYNTAX) -> None:
        super().__init__(reason)
        self.reason = reason
        self.aws_message = aws_message

    def __repr__(self) -> str:
        return f"PolicyError({self.reason!r}, aws_message={self.aws_message!r})"
