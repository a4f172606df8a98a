"""The messages pytest-stsmock sends on the wire, in one package (two kinds aside, below).

Strings marked AWS are reproduced byte for byte from real AWS responses:
trailing periods, missing periods and double spaces included.  Strings marked
OURS are emulator-defined, because AWS's text is not known; the README's
"Emulator-defined behaviour" section lists them.  A correction is one edit here.

Two kinds of message live beside the code that owns their grammar instead:

* ``protocol/constraints.py``: the "N validation errors detected" messages,
  written by one function from the model's constraints (never typed per member);
* ``backend/policy/_errors.py``: the MalformedPolicyDocument texts of the
  policy grammar, which seeding also raises as :class:`StsMockError`.

HTTP statuses are not chosen here: :data:`pytest_stsmock.errors.HTTP_STATUS`
maps each error code to its status.

This module holds authentication, SigV4, the query protocol and the STS
operations' messages; two families have their own module and are re-exported
here, so every caller reads ``msg.NAME``: :mod:`._messages.iam` (the IAM
subset) and :mod:`._messages.federation` (web identity, SAML,
GetWebIdentityToken).
"""

from __future__ import annotations

from pytest_stsmock.errors import AWS_FAULT_NAMESPACE, AwsError

from .federation import *  # noqa: F403  (re-exported: callers read msg.NAME)
from .iam import *  # noqa: F403

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


# -- SigV4 (AWS's signature front end, as sent by other services; OURS marked) --
# str.format templates, filled in by protocol/sigv4.py.
SIGV4_BOTH_FORMS = (
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
)
SIGV4_HOST_NOT_SIGNED = "'Host' must be a 'SignedHeader' in the AWS Authorization."
SIGV4_MISSING_EQUAL_SIGN = (
    "'{0}' not a valid key=value pair (missing equal-sign) in Authorization header: '{1}'."
)
SIGV4_HEADER_REQUIRES = "Authorization header requires '{0}' parameter. "
SIGV4_HEADER_REQUIRES_DATE = (
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
)
SIGV4_QUERY_REQUIRES = "AWS query-string parameters must include '{0}'. "
SIGV4_QUERY_REQUIRES_END = "Re-examine the query-string parameters."
SIGV4_BAD_DATE = (
    "Date must be in ISO-8601 'basic format'. Got '{0}'. See http://en.wikipedia.org/wiki/ISO_8601"
)
SIGV4_UNSUPPORTED_ALGORITHM = "Unsupported AWS 'algorithm': '{0}' (only AWS4-HMAC-SHA256 for now). "
SIGV4_UNSUPPORTED_SIGV4A = (  # OURS
    "Unsupported AWS 'algorithm': '{0}' (pytest-stsmock verifies only AWS4-HMAC-SHA256; "
    "sign requests to the mock with SigV4, not SigV4a)."
)
SIGV4_CREDENTIAL_ELEMENTS = (
    "Credential must have exactly 5 slash-delimited elements, "
    "e.g. keyid/date/region/service/term, got '{0}'"
)
SIGV4_BAD_EXPIRES = (
    "X-Amz-Expires must be a non-negative whole number of seconds, got '{0}'."  # OURS
)
SIGV4_LONG_EXPIRES = "X-Amz-Expires must be less than a week (in seconds) that is 604800"
SIGV4_SCOPE_REGION = "Credential should be scoped to a valid region, not '{0}'."
SIGV4_SCOPE_SERVICE = "Credential should be scoped to correct service: '{0}'."
SIGV4_SCOPE_TERMINATOR = (
    "Credential should be scoped with a valid terminator: 'aws4_request', not '{0}'."
)
SIGV4_SCOPE_DATE = (
    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
    "'{0}' != '{1}', from '{2}'."
)

# -- the query protocol --------------------------------------------------------


def role_arn_invalid(role_arn: str) -> AwsError:
    """AWS: a RoleArn of the right length and characters but not shaped like an ARN."""
    return AwsError("ValidationError", f"{role_arn} is invalid")


def invalid_action(action: str, version: str) -> AwsError:
    """AWS: an Action the model lacks, or a Version other than the model's."""
    return AwsError(
        "InvalidAction",
        f"Could not find operation {action} for version {version}",
        namespace=AWS_FAULT_NAMESPACE,
    )


def missing_value(type_name: str) -> AwsError:
    """AWS for ``decimal`` (an empty number); OURS for the other types."""
    return AwsError("MalformedInput", f"missing value for {type_name} type")


def invalid_value(text: str, type_name: str) -> AwsError:
    """OURS: a number, boolean, timestamp or blob that does not parse."""
    return AwsError("MalformedInput", f"invalid value '{text}' for {type_name} type")


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
    caller_arn: str,
    action: str,
    resource: str,
    explanation: str | None = None,
    *,
    denial: object | None = None,
) -> AwsError:
    """AWS: the generic denial, identical whether a policy denied or the resource is missing.

    ``denial`` is the decision for DecodeAuthorizationMessage (never on the wire).
    """
    return AwsError(
        "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource}",
        explanation=explanation,
        denial=denial,
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


# -- AssumeRoot, DecodeAuthorizationMessage, GetDelegatedAccessToken -----------
# AWS (boto/boto3#4461): AssumeRoot sent to the global endpoint.
UNKNOWN_OPERATION = "Unknown Operation"
# OURS, in the validation template: AssumeRoot's TaskPolicyArn without its arn member.
TASK_POLICY_ARN_NULL = (
    "1 validation error detected: Value null at 'taskPolicyArn.arn' failed to satisfy "
    "constraint: Member must not be null"
)
# OURS: AWS documents the rules, not these texts.
ROOT_CALLS_ASSUME_ROOT = (
    "Root user credentials cannot call AssumeRoot; use credentials of an IAM user or role "
    "of the management account or of the delegated administrator for IAM."
)
INVALID_AUTHORIZATION_MESSAGE = (
    "The encoded authorization message is not valid: it was not issued by this service "
    "or it was altered."
)
SCOPED_NEEDS_SESSION = (
    "GetScopedCredentials needs temporary security credentials; to scope down an IAM user's "
    "credentials, call GetSessionToken first."
)
SCOPED_NEEDS_POLICY_OR_DURATION = "Specify Policy, DurationSeconds or both."
TRADE_IN_TOKEN_INVALID = "The trade-in token is not valid."
TRADE_IN_TOKEN_USED = "The trade-in token has already been redeemed."
TRADE_IN_TOKEN_EXPIRED = "The trade-in token has expired."


def scoped_lifetime(requested: int, remaining: int) -> str:
    """OURS: GetScopedCredentials asked to outlive the calling session."""
    return (
        f"The requested DurationSeconds ({requested}) exceeds the remaining lifetime of the "
        f"calling session ({remaining} seconds)."
    )


def invalid_target_principal(value: str) -> AwsError:
    """OURS: AssumeRoot's TargetPrincipal is neither an account id nor an account root ARN."""
    return AwsError(
        "ValidationError",
        f"TargetPrincipal {value} is not valid: pass a 12-digit account id or "
        "arn:aws:iam::<account-id>:root.",
    )


def invalid_task_policy(arn: str, allowed: list[str]) -> AwsError:
    """OURS: AssumeRoot's TaskPolicyArn is not one of AWS's root task policies."""
    return AwsError(
        "InvalidParameterValue",
        f"TaskPolicyArn {arn} is not a root task policy; use one of {', '.join(allowed)}.",
    )


def not_authorized_action(
    caller_arn: str, action: str, explanation: str | None = None, *, denial: object | None = None
) -> AwsError:
    """OURS: the generic denial for an action that names no resource."""
    return AwsError(
        "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: {action}",
        explanation=explanation,
        denial=denial,
    )


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


def internal_failure() -> AwsError:
    """OURS: a bug of ours, answered as AWS answers a server fault."""
    return AwsError(
        "InternalFailure",
        "pytest-stsmock hit an internal error answering this request; "
        "please report it with the traceback from the 'pytest_stsmock' logger.",
    )


# -- the HTTP server's refusals before a request is decoded (OURS) --------------
#: The stdlib server's HTTP status for a request it cannot read -> (code, message).
#: AWS's front end answers these with its own pages; ours are AWS-shaped XML, and
#: each code's status is in ``errors.HTTP_STATUS``.
HTTP_REFUSALS: dict[int, tuple[str, str]] = {
    400: ("MalformedRequest", "The HTTP request could not be parsed: {0}."),
    413: ("RequestEntityTooLarge", "The request body is larger than {0} bytes."),
    414: ("RequestURITooLong", "The request line is too long: {0}."),
    431: ("RequestHeaderFieldsTooLarge", "The request headers are too large: {0}."),
    501: ("InvalidHttpMethod", "STS answers GET and POST requests; got {0}."),
    505: ("HttpVersionNotSupported", "Unsupported HTTP version: {0}."),
}


def http_refusal(status: int, detail: str) -> AwsError:
    """OURS: the standalone server's answer to a request it could not read."""
    code, template = HTTP_REFUSALS.get(status, HTTP_REFUSALS[400])
    return AwsError(code, template.format(detail))
