"""The messages of the operations, the backend and authentication, in one place.

Strings marked AWS are reproduced byte for byte from real AWS responses:
trailing periods, missing periods and double spaces included.  Strings marked
OURS are emulator-defined, because AWS's text is not known; the README's
"Emulator-defined behaviour" section lists them.  A correction is one edit here.

Three kinds of message live beside the code that owns their grammar instead,
each module's messages in one block at its top:

* ``protocol/constraints.py``: the "N validation errors detected" messages,
  written by one function from the model's constraints (never typed per member);
* ``protocol/sigv4.py`` and ``protocol/query.py``: the signature and protocol
  faults (IncompleteSignature, SignatureDoesNotMatch details, InvalidAction,
  MalformedInput), whose wording belongs to AWS's front end, not to STS;
* ``backend/policy/_errors.py``: MalformedPolicyDocument texts of the policy
  grammar, which seeding also raises as :class:`StsMockError`.

HTTP statuses are not chosen here: :data:`pytest_stsmock.errors.HTTP_STATUS`
maps each error code to its status.
"""

from __future__ import annotations

from .errors import AwsError

# -- authentication (AWS) ----------------------------------------------------
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
MISSING_AUTH = "Request is missing Authentication Token"


def signature_expired(amz_date: str, earliest: str, now: str) -> AwsError:
    """AWS: X-Amz-Date more than 15 minutes before the server's clock (aws/aws-cli#6676,
    99designs/aws-vault#1049: GetCallerIdentity and GetSessionToken, 403).  Also a
    presigned URL used after its 15 minutes: our reading, no STS answer on record."""
    return AwsError(
        "SignatureDoesNotMatch",
        f"Signature expired: {amz_date} is now earlier than {earliest} ({now} - 15 min.)",
        explanation=(
            f"the request was signed at {amz_date}, more than 15 minutes before the "
            f"backend's clock ({now}); STS accepts a signature (presigned URLs too, "
            "whatever X-Amz-Expires says) for 15 minutes.\n"
            "Under freezegun or time-machine, sign after moving the clock."
        ),
    )


def signature_not_yet_current(amz_date: str, latest: str, now: str) -> AwsError:
    """AWS: X-Amz-Date more than 15 minutes after the server's clock (the AWS SigV4 front
    end's wording, aws/aws-sdk-js#2565; STS's 15-minute form as in
    dacut/scratchstack-aws-signature)."""
    return AwsError(
        "SignatureDoesNotMatch",
        f"Signature not yet current: {amz_date} is still later than {latest} ({now} + 15 min.)",
        explanation=(
            f"the request was signed at {amz_date}, more than 15 minutes after the "
            f"backend's clock ({now}).\n"
            "Under freezegun or time-machine, sign after moving the clock."
        ),
    )


# -- MFA (AWS) -----------------------------------------------------------------
MFA_INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
MFA_UNKNOWN_SERIAL = (
    "MultiFactorAuthentication failed, unable to validate MFA code.  "
    "Please verify your MFA serial number is valid and associated with this user."
)
MFA_NEED_BOTH = (
    "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."
)

# -- operation rules (AWS) ------------------------------------------------------
ROOT_ASSUME_ROLE = "Roles may not be assumed by root accounts."
MAX_SESSION_DURATION = (
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
)
CHAINING_LIMIT = (
    "The requested DurationSeconds exceeds the 1 hour session limit "
    "for roles assumed by role chaining."
)
DUPLICATE_TAG_KEYS = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
TRANSITIVE_NOT_IN_TAGS = "The specified transitive tag key must be included in the requested tags."
TRANSITIVE_CONFLICT = (
    "One of the specified transitive tag keys can't be set because it conflicts with a "
    "transitive tag key from the calling session."
)


def cannot_call_with_session(operation: str) -> AwsError:
    """AWS: GetSessionToken / GetFederationToken called with temporary credentials."""
    return AwsError("AccessDenied", f"Cannot call {operation} with session credentials")


def not_authorized(
    caller_arn: str, action: str, resource: str, explanation: str | None = None
) -> AwsError:
    """AWS: the generic denial, identical whether a policy denied or the resource is missing."""
    return AwsError(
        "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource}",
        explanation=explanation,
    )


def region_disabled(account_id: str) -> AwsError:
    """AWS: STS deactivated in this region for the account (no space after 'account:')."""
    return AwsError(
        "RegionDisabledException",
        f"STS is not activated in this region for account:{account_id}. Your account "
        "administrator can activate STS in this region using the IAM Console.",
    )


def packed_too_large(percent: int, *, tags: bool) -> AwsError:
    """AWS: the packed session policy or session tags exceed the allotted space."""
    if tags:
        return AwsError(
            "PackedPolicyTooLarge",
            f"Packed size of session tags consumes {percent}% of allotted space.",
        )
    return AwsError("PackedPolicyTooLarge", f"Packed policy consumes {percent}% of allotted space")


def malformed_policy(message: str) -> AwsError:
    return AwsError("MalformedPolicyDocument", message)


def invalid_parameter(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


# -- OURS ----------------------------------------------------------------------


def policy_arn_not_found(arn: str) -> AwsError:
    """OURS (IAM's wording for a missing managed policy)."""
    return AwsError("MalformedPolicyDocument", f"Policy {arn} does not exist or is not attachable.")


def reserved_tag_prefix(key: str) -> AwsError:
    """OURS: AWS documents that session tag keys may not start with 'aws:'."""
    return AwsError(
        "InvalidParameterValue",
        f"Tag key {key} is not valid: session tag keys cannot start with "
        "the reserved prefix 'aws:'.",
    )


def reserved_source_identity(value: str) -> AwsError:
    """OURS: AWS documents that a source identity may not start with 'aws:'."""
    return AwsError(
        "ValidationError",
        f"Source identity {value} is not valid: it cannot start with the reserved prefix 'aws:'.",
    )


def source_identity_change() -> AwsError:
    """OURS: AWS documents that a chained session cannot change its source identity."""
    return AwsError(
        "InvalidParameterValue",
        "SourceIdentity cannot be changed: the calling session already carries a source identity.",
    )


def not_implemented(operation: str) -> AwsError:
    """OURS: an operation of the botocore model whose semantics are not built yet."""
    return AwsError(
        "NotImplemented",
        f"pytest-stsmock does not implement {operation} yet; see the README's list of operations.",
    )


def access_key_not_decodable(key_id: str) -> str:
    """OURS: GetAccessKeyInfo for a key id that is not in AWS's base32 key format."""
    return f"The access key ID {key_id} is not in a format that identifies an AWS account."
