"""The federated sign-ins' messages: web identity, SAML, GetWebIdentityToken.

Re-exported by :mod:`pytest_stsmock._messages`, whose conventions (AWS / OURS
marks, statuses in ``errors.HTTP_STATUS``) hold here too.
"""

from __future__ import annotations

from pytest_stsmock.errors import AwsError

# -- federation: web identity (AWS unless marked OURS) -----------------------------
WEB_IDENTITY_DENIED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
WEB_IDENTITY_NOT_JWT = (
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
)
WEB_IDENTITY_KEY = (
    "Couldn't retrieve verification key from your identity provider,  "
    "please reference AssumeRoleWithWebIdentity documentation for requirements"
)
WEB_IDENTITY_AUDIENCE = "Incorrect token audience"
# OURS: a token minted by GetWebIdentityToken, which AWS documents it refuses here.
WEB_IDENTITY_OUTBOUND = "Tokens issued by AWS STS GetWebIdentityToken cannot be used here."
# OURS: the https://aws.amazon.com/tags claim is not the documented object.
WEB_IDENTITY_TAGS_CLAIM = (
    "The https://aws.amazon.com/tags claim must be an object with principal_tags "
    "(an object of single-string lists) and optionally transitive_tag_keys (a list of strings)."
)


def web_identity_missing_claim(claim: str) -> AwsError:
    """AWS for aud (``Missing a required claim: aud``); by analogy for iss, sub and exp."""
    return AwsError("InvalidIdentityToken", f"Missing a required claim: {claim}")


def web_identity_no_provider(issuer: str) -> AwsError:
    """AWS: the issuer is echoed exactly as the token has it."""
    return AwsError(
        "InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {issuer}"
    )


def web_identity_expired(now: int, expires: int) -> AwsError:
    return AwsError(
        "ExpiredTokenException",
        f"Token expired: current date/time {now} must be before the expiration date/time {expires}",
    )


def web_identity_not_yet_valid(now: int, claim: str, moment: int) -> AwsError:
    """OURS: nbf or iat later than now plus the tolerated clock skew."""
    return AwsError(
        "InvalidIdentityToken",
        f"Token is not yet valid: current date/time {now} must not be before the {claim} "
        f"date/time {moment}",
    )


# -- federation: SAML (AWS unless marked OURS) -------------------------------------
SAML_DENIED = "Not authorized to perform sts:AssumeRoleWithSAML"
SAML_SIGNATURE = "Response signature invalid"
SAML_EXPIRED = "Response has expired"
SAML_REDEEM = "Token must be redeemed within 5 minutes of issuance"
SAML_SESSION_NAME_REQUIRED = "RoleSessionName is required in AuthnResponse"
SAML_SESSION_NAME_PATTERN = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
# OURS: not base64, not XML, a DTD, comments, or not a SAML 2.0 Response.
SAML_MALFORMED = "Invalid SAML response: it must be a base64-encoded SAML 2.0 Response."
# OURS: the assertion's Audience or Recipient is not AWS's sign-in endpoint.
SAML_AUDIENCE = (
    "The SAML assertion's Audience and Recipient must be https://signin.aws.amazon.com/saml."
)
# OURS: Conditions NotBefore in the future.
SAML_NOT_YET_VALID = "Response is not yet valid"
# OURS: a SessionDuration attribute outside 900..43200.
SAML_SESSION_DURATION = "SessionDuration in AuthnResponse must be between 900 and 43200 seconds"


def saml_no_provider(request_id: str) -> AwsError:
    return AwsError(
        "InvalidIdentityToken",
        "Specified provider doesn't exist (Service: AWSOpenIdDiscoveryService; Status Code: 400; "
        f"Error Code: AuthSamlManifestNotFoundException; Request ID: {request_id})",
    )


def saml_wrong_issuer(request_id: str) -> AwsError:
    return AwsError(
        "InvalidIdentityToken",
        "Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; "
        "Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; "
        f"Request ID: {request_id}; Proxy: null)",
    )


# -- federation: GetWebIdentityToken (OURS: AWS's texts are not on record) ----------
OUTBOUND_GLOBAL_ENDPOINT = (
    "GetWebIdentityToken is not available on the STS global endpoint; use a regional endpoint."
)
OUTBOUND_DISABLED = "Outbound web identity federation is not enabled for this account."
OUTBOUND_ESCALATION = (
    "The requested token duration would extend beyond the expiration of the calling session."
)
OUTBOUND_TOO_LARGE = "The requested token payload size exceeds the maximum allowed size."
OUTBOUND_NO_ORIGIN = (
    "SubjectMode OriginIdentity needs a trusted identity propagation context with "
    "aws:OriginIdentity/Subject in the calling session."
)
