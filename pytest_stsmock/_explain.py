"""Explanations for refusals whose raise site gives none: every denied call says why.

Raise sites that know more (policy decisions, MFA, durations, credentials,
signatures) attach their own ``AwsError.explanation``.  Whatever else AWS
refuses (validation of the request against the model, malformed values,
disabled regions, malformed session policies) gets a sentence here from its
error code and message, so ``Call.explanation`` is never None for a refusal.
"""

from __future__ import annotations

_BY_CODE = {
    "ValidationError": (
        "a parameter broke a constraint of the STS API model, which AWS checks before "
        "authentication and authorization: {message}"
    ),
    "MalformedInput": "a parameter could not be read as the type the model gives it: {message}",
    "InvalidParameterValue": "a parameter value is not allowed in this request: {message}",
    "MalformedPolicyDocument": "a session policy (Policy or PolicyArns) was refused: {message}",
    "PackedPolicyTooLarge": (
        "the session policies and session tags, packed as AWS packs them, are over AWS's "
        "limit: {message}"
    ),
    "RegionDisabledException": (
        "STS is disabled in {region} for this account (Account.disable_region): {message}"
    ),
    "MissingAuthenticationToken": "the request carried no SigV4 signature: {message}",
    "IncompleteSignature": "the SigV4 signature is malformed or incomplete: {message}",
    "InvalidAction": "the request names no action STS has: {message}",
    "NotImplemented": "{message}",
}


def fallback(code: str, message: str, region: str) -> str:
    """A plain-words explanation of an AWS error that came without one."""
    template = _BY_CODE.get(code, "AWS refuses this request with {code}: {message}")
    return template.format(code=code, message=message, region=region)
