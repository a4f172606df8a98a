"""The two kinds of error pytest-stsmock raises, never mixed.

* :class:`AwsError` is what real AWS would answer: a code, a message and an
  HTTP status.  It never reaches user code as a Python exception: the request
  pipeline turns it into AWS's XML error envelope and botocore raises its own
  ``ClientError`` from that, exactly as it would against AWS.
* :class:`StsMockError` is misuse of pytest-stsmock's own API (seeding a role
  with a broken trust policy, asserting a call that never happened...).  Its
  message is one sentence that says what to do.
"""

from __future__ import annotations

__all__ = ["AWS_FAULT_NAMESPACE", "AwsError", "StsMockError"]

#: The namespace AWS uses for protocol-level faults such as InvalidAction.
AWS_FAULT_NAMESPACE = "http://webservices.amazon.com/AWSFault/2005-15-09"


class StsMockError(Exception):
    """Raised when pytest-stsmock's own API is misused; the message says how to fix it."""


class AwsError(Exception):
    """An error real AWS STS would return: code, message and HTTP status.

    ``namespace`` overrides the XML namespace of the error envelope (AWS uses a
    different one for protocol faults such as ``InvalidAction``).
    ``explanation`` says why, for ``Call.explanation``; it never goes on the wire.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        sender: bool = True,
        namespace: str | None = None,
        explanation: str | None = None,
        denial: object | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender
        self.namespace = namespace
        #: Why it was refused, in plain words (ours, never sent on the wire).
        self.explanation = explanation
        #: The authorization decision behind an AccessDenied, for
        #: DecodeAuthorizationMessage (ours, never sent on the wire).
        self.denial = denial

    def __repr__(self) -> str:
        return f"AwsError({self.code!r}, {self.message!r}, {self.status})"
