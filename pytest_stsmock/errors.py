"""The two kinds of error pytest-stsmock raises, never mixed.

* :class:`AwsError` is what real AWS would answer: a code, a message and an
  HTTP status.  It never reaches user code as a Python exception: the request
  pipeline turns it into AWS's XML error envelope and botocore raises its own
  ``ClientError`` from that, exactly as it would against AWS.

Where AWS errors are made: every layer that decides a refusal raises it, the
backend included.  An AWS refusal is a domain outcome (AccessDenied carries
the explanation of the policy decision that made it), so the code that
decides builds the error, with the message from :mod:`pytest_stsmock._messages`.
No layer chooses an HTTP status: :data:`HTTP_STATUS` below maps each error
code to the status AWS answers it with (400 for a code not listed), and a
status of 500 or more is a ``Receiver`` fault, anything else ``Sender``.
* :class:`StsMockError` is misuse of pytest-stsmock's own API (seeding a role
  with a broken trust policy, asserting a call that never happened...).  Its
  message is one sentence that says what to do.
"""

from __future__ import annotations

__all__ = ["AWS_FAULT_NAMESPACE", "HTTP_STATUS", "AwsError", "StsMockError", "StsMockWarning"]

#: The namespace AWS uses for protocol-level faults such as InvalidAction.
AWS_FAULT_NAMESPACE = "http://webservices.amazon.com/AWSFault/2005-15-09"


#: The HTTP status of each AWS error code the emulator sends; the only place statuses live.
#: (Codes not listed answer 400, as AWS's client errors of the query protocol do.)
HTTP_STATUS: dict[str, int] = {
    "AccessDenied": 403,
    "ExpiredToken": 403,
    "InvalidClientTokenId": 403,
    "MissingAuthenticationToken": 403,
    "RegionDisabledException": 403,
    "ExpiredTradeInTokenException": 400,
    "InvalidAuthorizationMessageException": 400,
    "SignatureDoesNotMatch": 403,
    # IAM (API reference, each operation's Errors)
    "NoSuchEntity": 404,
    "EntityAlreadyExists": 409,
    "DeleteConflict": 409,
    "LimitExceeded": 409,
    "InvalidAuthenticationCode": 403,
    "IDPRejectedClaim": 403,
    "OutboundWebIdentityFederationDisabledException": 403,
    "SessionDurationEscalationException": 403,
    "InternalFailure": 500,
    "NotImplemented": 501,
    # The standalone server's refusals of unreadable HTTP (OURS, _messages.HTTP_REFUSALS).
    "RequestEntityTooLarge": 413,
    "RequestURITooLong": 414,
    "RequestHeaderFieldsTooLarge": 431,
    "InvalidHttpMethod": 405,
    "HttpVersionNotSupported": 505,
}


class StsMockError(Exception):
    """Raised when pytest-stsmock's own API is misused; the message says how to fix it."""


class StsMockWarning(UserWarning):
    """A use of pytest-stsmock that works but probably not as meant; the message says why."""


class AwsError(Exception):
    """An error real AWS STS would return: code, message and HTTP status.

    The status comes from :data:`HTTP_STATUS`; pass ``status`` only to build
    an answer AWS gives with an unusual status (tests of the encoder do).
    ``namespace`` overrides the XML namespace of the error envelope (AWS uses a
    different one for protocol faults such as ``InvalidAction``).
    ``explanation`` says why, for ``Call.explanation``; it never goes on the wire.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int | None = None,
        *,
        namespace: str | None = None,
        explanation: str | None = None,
        denial: object | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = HTTP_STATUS.get(code, 400) if status is None else status
        #: True for a client fault (``Sender``), False for a server fault (``Receiver``).
        self.sender = self.status < 500
        self.namespace = namespace
        #: Why it was refused, in plain words (ours, never sent on the wire).
        self.explanation = explanation
        #: The authorization decision behind an AccessDenied, for
        #: DecodeAuthorizationMessage (ours, never sent on the wire).
        self.denial = denial

    def __repr__(self) -> str:
        return f"AwsError({self.code!r}, {self.message!r}, {self.status})"
