"""Evaluation of trust, resource and identity-based policies: the decision table.

Each case names the policy, the caller and the request, the expected effect,
and a fragment that must appear in the reasons, so every decision is also
checked for being explained.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from pytest_stsmock.backend.policy.document import PolicyDocument, PolicyKind
from pytest_stsmock.backend.policy.evaluate import (
    LabeledPolicy,
    PrincipalInfo,
    RequestContext,
    evaluate_resource_policy,
)
from tests.helpers.policies import document, statement

# fmt: off
ACCT = "111122223333"  # the role's account
OTHER = "444455556666"  # the caller's account
ROLE = f"arn:aws:iam::{ACCT}:role/target"
V12 = "2012-10-17"

BOB = PrincipalInfo(arn=f"arn:aws:iam::{OTHER}:user/bob", account_id=OTHER, type="User", user_id="AIDABOB")
ALICE = PrincipalInfo(arn=f"arn:aws:iam::{OTHER}:user/alice", account_id=OTHER, type="User")
ROOT = PrincipalInfo(arn=f"arn:aws:iam::{OTHER}:root", account_id=OTHER, type="Account")
SESSION = PrincipalInfo(arn=f"arn:aws:sts::{OTHER}:assumed-role/deployer/ci", account_id=OTHER, type="AssumedRole",
                        source_role_arn=f"arn:aws:iam::{OTHER}:role/ci/deployer", user_id="AROADEPLOYER:ci")
FEDUSER = PrincipalInfo(arn=f"arn:aws:sts::{OTHER}:federated-user/carol", account_id=OTHER, type="FederatedUser")
EC2 = PrincipalInfo(arn="ec2.amazonaws.com", account_id="", type="Service", service="ec2.amazonaws.com")
OIDC_ARN = f"arn:aws:iam::{ACCT}:oidc-provider/token.actions.githubusercontent.com"
GITHUB = PrincipalInfo(arn=OIDC_ARN, account_id="", type="WebIdentity", federated_provider=OIDC_ARN)
GOOGLE = PrincipalInfo(arn="accounts.google.com", account_id="", type="WebIdentity", federated_provider="accounts.google.com")
SAML_ARN = f"arn:aws:iam::{ACCT}:saml-provider/okta"
OKTA = PrincipalInfo(arn=SAML_ARN, account_id="", type="SAML", federated_provider=SAML_ARN)
S3USER = PrincipalInfo(arn=f"arn:aws:iam::{OTHER}:user/bob", account_id=OTHER, type="User", canonical_user="79a59df9")
# fmt: on

ACCOUNT_PRINCIPAL = {"AWS": f"arn:aws:iam::{OTHER}:root"}


def stmt(effect: str = "Allow", principal: Any = None, **elements: Any) -> dict[str, Any]:
    """A statement of these tables: the Action is sts:AssumeRole unless given (or NotAction)."""
    action = None if "NotAction" in elements else "sts:AssumeRole"
    return statement(effect, Principal=principal, **{"Action": action, **elements})


doc = document


def cond_trust(condition: Mapping[str, Any], *, version: str | None = V12) -> dict[str, Any]:
    return doc(stmt(principal=ACCOUNT_PRINCIPAL, Condition=condition), version=version)


# fmt: off
# --------------------------------------------------------------------------- trust/resource cases
# (id, document, kind, caller, action, resource, keys, effect, fragment, principal_match)
TrustCase = tuple[str, dict[str, Any], PolicyKind, PrincipalInfo, str, str, dict[str, Any], str, str, Any]
TRUST_CASES: list[TrustCase] = []


def t(case_id: str, document: dict[str, Any], effect: str, fragment: str, *, caller: PrincipalInfo = BOB, keys: dict[str, Any] | None = None,
      action: str = "sts:AssumeRole", resource: str = ROLE, kind: PolicyKind = "trust", match: Any = "unset") -> None:
    TRUST_CASES.append((case_id, document, kind, caller, action, resource, keys or {}, effect, fragment, match))


def c(case_id: str, condition: Mapping[str, Any], keys: dict[str, Any], allowed: bool, fragment: str, **kw: Any) -> None:
    """A condition case: Allow through the account principal if the condition holds."""
    t(case_id, cond_trust(condition, version=kw.pop("version", V12)),
      "Allow" if allowed else "ImplicitDeny", fragment, keys=keys, **kw)  # fmt: skip


EXT = "sts:ExternalId"
SE, SNE = "StringEquals", "StringNotEquals"

# ---- string operators
c("string-equals-matches", {SE: {EXT: "abc"}}, {EXT: "abc"}, True, 'StringEquals sts:ExternalId: actual value "abc" matches "abc"')
c("string-equals-mismatch", {SE: {EXT: "abc"}}, {EXT: "abd"}, False, 'actual value "abd" does not match "abc"')
c("string-equals-value-case-sensitive", {SE: {EXT: "abc"}}, {EXT: "ABC"}, False, 'actual value "ABC" does not match "abc"')
c("string-equals-key-case-insensitive", {SE: {"STS:EXTERNALID": "abc"}}, {"sts:externalid": "abc"}, True, 'StringEquals STS:EXTERNALID: actual value "abc" matches')
c("string-equals-absent-key-is-false", {SE: {EXT: "abc"}}, {}, False, "StringEquals sts:ExternalId: key is absent from the request")
c("string-equals-values-ored", {SE: {EXT: ["a", "b"]}}, {EXT: "b"}, True, 'matches "a" or "b"')
c("string-equals-has-no-wildcards", {SE: {EXT: "ab*"}}, {EXT: "abc"}, False, 'does not match "ab*"')
c("string-equals-star-is-literal", {SE: {EXT: "ab*"}}, {EXT: "ab*"}, True, 'actual value "ab*" matches "ab*"')
c("string-equals-empty-string-present", {SE: {EXT: ""}}, {EXT: ""}, True, 'actual value "" matches ""')
c("string-not-equals-same-value", {SNE: {EXT: "abc"}}, {EXT: "abc"}, False, 'StringNotEquals sts:ExternalId: actual value "abc" matches "abc"')
c("string-not-equals-other-value", {SNE: {EXT: "abc"}}, {EXT: "xyz"}, True, 'actual value "xyz" matches none of "abc"')
c("string-not-equals-absent-key-is-true", {SNE: {EXT: "abc"}}, {}, True, "a negated operator holds for an absent key")
c("string-not-equals-values-nored-hit", {SNE: {EXT: ["a", "b"]}}, {EXT: "b"}, False, 'actual value "b" matches "a" or "b"')
c("string-not-equals-values-nored-miss", {SNE: {EXT: ["a", "b"]}}, {EXT: "c"}, True, 'matches none of "a" or "b"')
c("string-equals-ignore-case", {"StringEqualsIgnoreCase": {EXT: "abc"}}, {EXT: "AbC"}, True, 'StringEqualsIgnoreCase sts:ExternalId: actual value "AbC" matches "abc"')
c("string-equals-ignore-case-mismatch", {"StringEqualsIgnoreCase": {EXT: "abc"}}, {EXT: "abd"}, False, 'does not match "abc"')
c("string-not-equals-ignore-case", {"StringNotEqualsIgnoreCase": {EXT: "abc"}}, {EXT: "ABC"}, False, 'StringNotEqualsIgnoreCase sts:ExternalId: actual value "ABC" matches "abc"')
c("string-not-equals-ignore-case-absent", {"StringNotEqualsIgnoreCase": {EXT: "abc"}}, {}, True, "negated operator holds for an absent key")
c("string-like-star", {"StringLike": {"sts:RoleSessionName": "ci-*"}}, {"sts:RoleSessionName": "ci-1234"}, True, 'StringLike sts:RoleSessionName: actual value "ci-1234" matches "ci-*"')
c("string-like-star-matches-empty", {"StringLike": {"sts:RoleSessionName": "ci-*"}}, {"sts:RoleSessionName": "ci-"}, True, 'matches "ci-*"')
c("string-like-qmark-one-char", {"StringLike": {"sts:RoleSessionName": "ci-?"}}, {"sts:RoleSessionName": "ci-1"}, True, 'matches "ci-?"')
c("string-like-qmark-not-two-chars", {"StringLike": {"sts:RoleSessionName": "ci-?"}}, {"sts:RoleSessionName": "ci-12"}, False, 'does not match "ci-?"')
c("string-like-case-sensitive", {"StringLike": {"sts:RoleSessionName": "CI-*"}}, {"sts:RoleSessionName": "ci-1"}, False, 'does not match "CI-*"')
c("string-like-star-spans-slashes", {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}, {"token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main"}, True, 'matches "repo:org/app:*"')
c("string-not-like-miss", {"StringNotLike": {"sts:RoleSessionName": "ci-*"}}, {"sts:RoleSessionName": "dev"}, True, 'StringNotLike sts:RoleSessionName: actual value "dev" matches none of "ci-*"')
c("string-not-like-hit", {"StringNotLike": {"sts:RoleSessionName": "ci-*"}}, {"sts:RoleSessionName": "ci-9"}, False, 'actual value "ci-9" matches "ci-*"')
c("string-not-like-absent", {"StringNotLike": {"sts:RoleSessionName": "ci-*"}}, {}, True, "negated operator holds for an absent key")
c("string-equals-if-exists-absent", {"StringEqualsIfExists": {EXT: "abc"}}, {}, True, "StringEqualsIfExists sts:ExternalId: key is absent, so the IfExists test passes")
c("string-equals-if-exists-present-mismatch", {"StringEqualsIfExists": {EXT: "abc"}}, {EXT: "x"}, False, 'StringEqualsIfExists sts:ExternalId: actual value "x" does not match "abc"')
c("string-like-if-exists-present-match", {"StringLikeIfExists": {EXT: "a*"}}, {EXT: "abc"}, True, 'matches "a*"')
c("string-not-equals-if-exists-absent", {"StringNotEqualsIfExists": {EXT: "abc"}}, {}, True, "so the IfExists test passes")
c("string-equals-ignore-case-if-exists-absent", {"StringEqualsIgnoreCaseIfExists": {EXT: "abc"}}, {}, True, "IfExists test passes")

# ---- numeric operators
AGE = "aws:MultiFactorAuthAge"
c("numeric-less-than", {"NumericLessThan": {AGE: "3600"}}, {AGE: "100"}, True, 'NumericLessThan aws:MultiFactorAuthAge: actual value "100" matches "3600"')
c("numeric-less-than-equal-is-false", {"NumericLessThan": {AGE: "3600"}}, {AGE: "3600"}, False, 'actual value "3600" does not match "3600"')
c("numeric-less-than-equals", {"NumericLessThanEquals": {AGE: "3600"}}, {AGE: "3600"}, True, 'NumericLessThanEquals aws:MultiFactorAuthAge: actual value "3600" matches')
c("numeric-greater-than", {"NumericGreaterThan": {AGE: "4"}}, {AGE: "5"}, True, "NumericGreaterThan")
c("numeric-greater-than-false", {"NumericGreaterThan": {AGE: "4"}}, {AGE: "4"}, False, 'actual value "4" does not match "4"')
c("numeric-greater-than-equals", {"NumericGreaterThanEquals": {AGE: "4"}}, {AGE: "4"}, True, "NumericGreaterThanEquals")
c("numeric-equals-decimal", {"NumericEquals": {AGE: "1"}}, {AGE: "1.0"}, True, 'actual value "1.0" matches "1"')
c("numeric-equals-json-number", {"NumericEquals": {AGE: 3600}}, {AGE: "3600"}, True, 'matches "3600"')
c("numeric-not-equals", {"NumericNotEquals": {AGE: "1"}}, {AGE: "2"}, True, 'NumericNotEquals aws:MultiFactorAuthAge: actual value "2" matches none of "1"')
c("numeric-not-equals-absent", {"NumericNotEquals": {AGE: "1"}}, {}, True, "negated operator holds for an absent key")
c("numeric-less-than-absent", {"NumericLessThan": {AGE: "3600"}}, {}, False, "NumericLessThan aws:MultiFactorAuthAge: key is absent from the request")
c("numeric-less-than-if-exists-absent", {"NumericLessThanIfExists": {AGE: "3600"}}, {}, True, "IfExists test passes")
c("numeric-negative-and-large", {"NumericGreaterThan": {AGE: "-5"}}, {AGE: "123456789012345678901234567890"}, True, "NumericGreaterThan")
c("numeric-malformed-context-fails-closed", {"NumericLessThan": {AGE: "3600"}}, {AGE: "abc"}, False, 'actual value "abc" is not a number; cannot evaluate, failing closed')
c("numeric-malformed-policy-fails-closed", {"NumericLessThan": {AGE: "ten"}}, {AGE: "5"}, False, 'policy value "ten" is not a number; cannot evaluate, failing closed')
c("numeric-one-malformed-policy-value-other-matches", {"NumericEquals": {AGE: ["ten", "5"]}}, {AGE: "5"}, True, 'matches "ten" or "5"')

# ---- date operators
NOW = "aws:CurrentTime"
c("date-less-than-iso", {"DateLessThan": {NOW: "2025-01-01T00:00:00Z"}}, {NOW: "2024-06-01T12:00:00Z"}, True, 'DateLessThan aws:CurrentTime: actual value "2024-06-01T12:00:00Z" matches')
c("date-less-than-past", {"DateLessThan": {NOW: "2020-01-01T00:00:00Z"}}, {NOW: "2024-06-01T12:00:00Z"}, False, "does not match")
c("date-greater-than", {"DateGreaterThan": {NOW: "2020-01-01T00:00:00Z"}}, {NOW: "2024-06-01T12:00:00Z"}, True, "DateGreaterThan")
c("date-epoch-context-iso-policy", {"DateGreaterThan": {"aws:EpochTime": "2023-01-01T00:00:00Z"}}, {"aws:EpochTime": "1700000000"}, True, 'actual value "1700000000" matches')
c("date-epoch-policy-iso-context", {"DateLessThan": {NOW: 1800000000}}, {NOW: "2024-06-01T12:00:00Z"}, True, 'matches "1800000000"')
c("date-equals-across-offsets", {"DateEquals": {NOW: "2024-01-01T00:00:00Z"}}, {NOW: "2024-01-01T01:00:00+01:00"}, True, "DateEquals")
c("date-equals-date-only", {"DateEquals": {NOW: "2024-01-01"}}, {NOW: "2024-01-01T00:00:00.000Z"}, True, "DateEquals")
c("date-not-equals", {"DateNotEquals": {NOW: "2024-01-01T00:00:00Z"}}, {NOW: "2024-01-02T00:00:00Z"}, True, "matches none of")
c("date-not-equals-absent", {"DateNotEquals": {NOW: "2024-01-01T00:00:00Z"}}, {}, True, "negated operator holds")
c("date-less-than-equals", {"DateLessThanEquals": {NOW: "2024-01-01T00:00:00Z"}}, {NOW: "2024-01-01T00:00:00Z"}, True, "DateLessThanEquals")
c("date-greater-than-equals", {"DateGreaterThanEquals": {NOW: "2024-01-01T00:00:00Z"}}, {NOW: "2023-12-31T23:59:59Z"}, False, "DateGreaterThanEquals aws:CurrentTime: actual value")
c("date-if-exists-absent", {"DateGreaterThanIfExists": {NOW: "2024-01-01"}}, {}, True, "IfExists test passes")
c("date-malformed-context-fails-closed", {"DateLessThan": {NOW: "2025-01-01"}}, {NOW: "yesterday"}, False, 'actual value "yesterday" is not a date (ISO 8601 or epoch seconds); cannot evaluate')
c("date-malformed-policy-fails-closed", {"DateLessThan": {NOW: "2025-13-45"}}, {NOW: "2024-01-01"}, False, 'policy value "2025-13-45" is not a date')

# ---- Bool, BinaryEquals
MFA = "aws:MultiFactorAuthPresent"
c("bool-true", {"Bool": {MFA: "true"}}, {MFA: "true"}, True, 'Bool aws:MultiFactorAuthPresent: actual value "true" matches "true"')
c("bool-case-insensitive", {"Bool": {MFA: "true"}}, {MFA: "TRUE"}, True, 'actual value "TRUE" matches "true"')
c("bool-json-boolean-in-policy", {"Bool": {MFA: True}}, {MFA: "true"}, True, 'matches "true"')
c("bool-context-python-bool", {"Bool": {MFA: "true"}}, {MFA: True}, True, 'matches "true"')
c("bool-mismatch", {"Bool": {MFA: "true"}}, {MFA: "false"}, False, 'actual value "false" does not match "true"')
c("bool-absent-is-false", {"Bool": {MFA: "true"}}, {}, False, "Bool aws:MultiFactorAuthPresent: key is absent from the request")
c("bool-if-exists-absent", {"BoolIfExists": {MFA: "false"}}, {}, True, "BoolIfExists aws:MultiFactorAuthPresent: key is absent, so the IfExists test passes")
c("bool-malformed-context-fails-closed", {"Bool": {MFA: "true"}}, {MFA: "yes"}, False, 'actual value "yes" is not "true" or "false"; cannot evaluate')
c("bool-malformed-policy-fails-closed", {"Bool": {MFA: "maybe"}}, {MFA: "true"}, False, 'policy value "maybe" is not "true" or "false"')
c("binary-equals", {"BinaryEquals": {"s3:x-amz-key": "aGVsbG8="}}, {"s3:x-amz-key": "aGVsbG8="}, True, 'BinaryEquals s3:x-amz-key: actual value "aGVsbG8=" matches')
c("binary-equals-mismatch", {"BinaryEquals": {"s3:x-amz-key": "aGVsbG8="}}, {"s3:x-amz-key": "d29ybGQ="}, False, "does not match")
c("binary-equals-malformed-policy", {"BinaryEquals": {"s3:x-amz-key": "%%%"}}, {"s3:x-amz-key": "aGVsbG8="}, False, 'policy value "%%%" is not valid base64')
c("binary-equals-if-exists-absent", {"BinaryEqualsIfExists": {"s3:x-amz-key": "aGVsbG8="}}, {}, True, "IfExists test passes")

# ---- IP addresses
IP = "aws:SourceIp"
c("ip-in-cidr", {"IpAddress": {IP: "10.0.0.0/8"}}, {IP: "10.1.2.3"}, True, 'IpAddress aws:SourceIp: actual value "10.1.2.3" matches "10.0.0.0/8"')
c("ip-outside-cidr", {"IpAddress": {IP: "10.0.0.0/8"}}, {IP: "192.0.2.1"}, False, 'actual value "192.0.2.1" does not match "10.0.0.0/8"')
c("ip-bare-address-is-slash-32", {"IpAddress": {IP: "192.0.2.1"}}, {IP: "192.0.2.1"}, True, 'matches "192.0.2.1"')
c("ip-cidrs-ored", {"IpAddress": {IP: ["10.0.0.0/8", "192.0.2.0/24"]}}, {IP: "192.0.2.77"}, True, 'matches "10.0.0.0/8" or "192.0.2.0/24"')
c("ipv6-in-cidr", {"IpAddress": {IP: "2001:db8::/32"}}, {IP: "2001:db8::1"}, True, 'matches "2001:db8::/32"')
c("ipv4-never-in-ipv6-cidr", {"IpAddress": {IP: "2001:db8::/32"}}, {IP: "10.0.0.1"}, False, "does not match")
c("not-ip-address-outside", {"NotIpAddress": {IP: "10.0.0.0/8"}}, {IP: "192.0.2.1"}, True, 'NotIpAddress aws:SourceIp: actual value "192.0.2.1" matches none of "10.0.0.0/8"')
c("not-ip-address-inside", {"NotIpAddress": {IP: "10.0.0.0/8"}}, {IP: "10.9.9.9"}, False, 'actual value "10.9.9.9" matches "10.0.0.0/8"')
c("not-ip-address-absent", {"NotIpAddress": {IP: "10.0.0.0/8"}}, {}, True, "negated operator holds for an absent key")
c("ip-address-if-exists-absent", {"IpAddressIfExists": {IP: "10.0.0.0/8"}}, {}, True, "IfExists test passes")
c("ip-malformed-policy-fails-closed", {"IpAddress": {IP: "300.1.1.1/8"}}, {IP: "10.0.0.1"}, False, 'policy value "300.1.1.1/8" is not an IP address or CIDR block; cannot evaluate, failing closed')
c("ip-malformed-context-fails-closed", {"IpAddress": {IP: "10.0.0.0/8"}}, {IP: "not-an-ip"}, False, 'actual value "not-an-ip" is not an IP address; cannot evaluate')
c("not-ip-malformed-context-fails-closed", {"NotIpAddress": {IP: "10.0.0.0/8"}}, {IP: "10.0.0.0/8"}, False, "cannot evaluate, failing closed")

# ---- ARN operators (aws:PrincipalArn is derived from the caller)
PARN = "aws:PrincipalArn"
c("arn-like-derived-principal-arn", {"ArnLike": {PARN: f"arn:aws:iam::{OTHER}:user/*"}}, {}, True, f'ArnLike aws:PrincipalArn: actual value "arn:aws:iam::{OTHER}:user/bob" matches')
c("arn-equals-exact", {"ArnEquals": {PARN: f"arn:aws:iam::{OTHER}:user/bob"}}, {}, True, "ArnEquals aws:PrincipalArn")
c("arn-equals-accepts-wildcards", {"ArnEquals": {PARN: "arn:aws:iam::*:user/b?b"}}, {}, True, 'matches "arn:aws:iam::*:user/b?b"')
c("arn-like-case-sensitive", {"ArnLike": {PARN: f"arn:aws:iam::{OTHER}:user/BOB"}}, {}, False, "does not match")
c("arn-like-star-stays-in-component", {"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:user/*"}}, {"aws:SourceArn": "arn:aws:iam::1:2:user/x"}, False, 'actual value "arn:aws:iam::1:2:user/x" does not match')
c("arn-like-resource-part-may-hold-colons", {"ArnLike": {"aws:SourceArn": "arn:aws:logs:*:*:log-group:*"}}, {"aws:SourceArn": "arn:aws:logs:us-east-1:1:log-group:a:log-stream:b"}, True, "matches")
c("arn-like-non-arn-value", {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, {"aws:SourceArn": "bucket"}, False, 'actual value "bucket" does not match')
c("arn-not-like", {"ArnNotLike": {PARN: "arn:aws:iam::*:role/*"}}, {}, True, 'ArnNotLike aws:PrincipalArn: actual value "arn:aws:iam::444455556666:user/bob" matches none of')
c("arn-not-equals-hit", {"ArnNotEquals": {PARN: f"arn:aws:iam::{OTHER}:user/bob"}}, {}, False, "ArnNotEquals aws:PrincipalArn: actual value")
c("arn-not-equals-absent", {"ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::x"}}, {}, True, "negated operator holds for an absent key")
c("arn-like-variable-account", {"ArnLike": {PARN: "arn:aws:iam::${aws:PrincipalAccount}:user/*"}}, {}, True, 'matches "arn:aws:iam::${aws:PrincipalAccount}:user/*"')
c("arn-like-if-exists-absent", {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::x"}}, {}, True, "IfExists test passes")
c("arn-like-session-principal-arn-is-role", {"ArnEquals": {PARN: f"arn:aws:iam::{OTHER}:role/ci/deployer"}}, {}, True, "ArnEquals aws:PrincipalArn", caller=SESSION)

# ---- Null
TIT = "aws:TokenIssueTime"
c("null-true-absent", {"Null": {TIT: "true"}}, {}, True, 'Null aws:TokenIssueTime: key is absent, as "true" requires')
c("null-true-present", {"Null": {TIT: "true"}}, {TIT: "2024-01-01T00:00:00Z"}, False, 'key is present, but the policy requires "true"')
c("null-false-present", {"Null": {TIT: "false"}}, {TIT: "2024-01-01T00:00:00Z"}, True, 'key is present, as "false" requires')
c("null-false-absent", {"Null": {TIT: "false"}}, {}, False, 'key is absent, but the policy requires "false"')
c("null-json-boolean", {"Null": {TIT: True}}, {}, True, 'as "true" requires')
c("null-empty-list-is-absent", {"Null": {"aws:TagKeys": "true"}}, {"aws:TagKeys": []}, True, "key is absent")
c("null-malformed-fails-closed", {"Null": {TIT: "maybe"}}, {}, False, 'policy value "maybe" is not "true" or "false"; cannot evaluate')

# ---- set operators on multi-valued keys
TK = "aws:TagKeys"
c("for-any-value-hit", {"ForAnyValue:StringEquals": {TK: ["b", "c"]}}, {TK: ["a", "b"]}, True, 'ForAnyValue:StringEquals aws:TagKeys: value "b" of ["a", "b"] matches "b" or "c"')
c("for-any-value-miss", {"ForAnyValue:StringEquals": {TK: ["c"]}}, {TK: ["a", "b"]}, False, 'no value of ["a", "b"] satisfies the test against "c"')
c("for-any-value-absent-is-false", {"ForAnyValue:StringEquals": {TK: "a"}}, {}, False, "key is absent from the request, and ForAnyValue needs a value")
c("for-any-value-empty-list-is-false", {"ForAnyValue:StringEquals": {TK: "a"}}, {TK: []}, False, "ForAnyValue needs a value")
c("for-any-value-if-exists-absent", {"ForAnyValue:StringLikeIfExists": {TK: "a*"}}, {}, True, "IfExists test passes")
c("for-all-values-subset", {"ForAllValues:StringEquals": {TK: ["a", "b", "c"]}}, {TK: ["a", "b"]}, True, 'ForAllValues:StringEquals aws:TagKeys: every value of ["a", "b"] satisfies')
c("for-all-values-not-subset", {"ForAllValues:StringEquals": {TK: ["a"]}}, {TK: ["a", "x"]}, False, 'but value "x" of ["a", "x"] does not match "a"')
c("for-all-values-absent-is-true", {"ForAllValues:StringEquals": {TK: ["a"]}}, {}, True, "ForAllValues holds for an empty set")
c("for-all-values-empty-list-is-true", {"ForAllValues:StringEquals": {TK: ["a"]}}, {TK: []}, True, "ForAllValues holds for an empty set")
c("for-all-values-string-like", {"ForAllValues:StringLike": {TK: "team-*"}}, {TK: ["team-a", "team-b"]}, True, "every value of")
c("for-all-values-case-sensitive", {"ForAllValues:StringEquals": {TK: ["Team"]}}, {TK: ["team"]}, False, 'but value "team"')
c("for-any-value-negated-per-value", {"ForAnyValue:StringNotEquals": {TK: "a"}}, {TK: ["a", "x"]}, True, 'value "x" of ["a", "x"] does not match "a"')
c("for-any-value-negated-all-excluded", {"ForAnyValue:StringNotEquals": {TK: ["a", "x"]}}, {TK: ["a", "x"]}, False, "no value of")
c("for-all-values-negated-none-listed", {"ForAllValues:StringNotEquals": {TK: ["a"]}}, {TK: ["x", "y"]}, True, "every value of")
c("for-all-values-negated-one-listed", {"ForAllValues:StringNotEquals": {TK: ["a"]}}, {TK: ["x", "a"]}, False, 'but value "a" of ["x", "a"] matches "a"')
c("for-any-value-on-single-valued-key", {"ForAnyValue:StringEquals": {EXT: "abc"}}, {EXT: "abc"}, True, 'value "abc" of ["abc"] matches')
c("for-all-values-malformed-member-fails-closed", {"ForAllValues:NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": ["1", "x"]}, False, 'actual value "x" is not a number; cannot evaluate')
c("for-any-value-ip", {"ForAnyValue:IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}, {"aws:VpcSourceIp": ["192.0.2.1", "10.0.0.5"]}, True, 'value "10.0.0.5"')
c("multi-valued-key-without-qualifier-any", {SE: {TK: "b"}}, {TK: ["a", "b"]}, True, 'actual value ["a", "b"] matches "b"')
c("multi-valued-key-without-qualifier-negated", {SNE: {TK: "b"}}, {TK: ["a", "b"]}, False, 'actual value ["a", "b"] matches "b"')

# ---- combining keys and operators
c("keys-in-one-operator-anded", {SE: {EXT: "abc", "sts:RoleSessionName": "ci"}}, {EXT: "abc", "sts:RoleSessionName": "dev"}, False, 'StringEquals sts:RoleSessionName: actual value "dev" does not match "ci"')
c("operators-anded-all-true", {SE: {EXT: "abc"}, "Bool": {MFA: "true"}}, {EXT: "abc", MFA: "true"}, True, 'StringEquals sts:ExternalId: actual value "abc" matches "abc"; Bool aws:MultiFactorAuthPresent')
c("operators-anded-one-false", {SE: {EXT: "abc"}, "Bool": {MFA: "true"}}, {EXT: "abc", MFA: "false"}, False, "Bool aws:MultiFactorAuthPresent: actual value")

# ---- policy variables in condition values
RSN = "sts:RoleSessionName"
c("variable-username", {SE: {RSN: "${aws:username}"}}, {RSN: "bob"}, True, 'actual value "bob" matches "${aws:username}"')
c("variable-key-case-insensitive", {SE: {RSN: "${AWS:UserName}"}}, {RSN: "bob"}, True, "matches")
c("variable-userid", {SE: {RSN: "${aws:userid}"}}, {RSN: "AIDABOB"}, True, 'matches "${aws:userid}"')
c("variable-absent-does-not-match", {SE: {RSN: "${aws:username}"}}, {RSN: "ci"}, False, 'policy value "${aws:username}" has an unresolved policy variable', caller=SESSION)
c("variable-absent-other-value-matches", {SE: {RSN: ["${aws:username}", "ci"]}}, {RSN: "ci"}, True, 'matches "${aws:username}" or "ci"', caller=SESSION)
c("variable-default-used", {SE: {RSN: "${aws:username, 'anonymous'}"}}, {RSN: "anonymous"}, True, "matches", caller=SESSION)
c("variable-default-ignored-when-present", {SE: {RSN: "${aws:username, 'anonymous'}"}}, {RSN: "anonymous"}, False, "does not match")
c("variable-default-with-quote", {SE: {RSN: "${aws:username, 'it''s'}"}}, {RSN: "it's"}, True, "matches", caller=SESSION)
c("variable-principal-tag", {SE: {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}, {"aws:RequestTag/team": "red", "aws:PrincipalTag/team": "red"}, True, 'matches "${aws:PrincipalTag/team}"')
c("variable-source-identity", {"StringLike": {RSN: "${aws:SourceIdentity}-*"}}, {RSN: "alice-1", "aws:SourceIdentity": "alice"}, True, "matches")
c("variable-literal-star", {"StringLike": {RSN: "a${*}"}}, {RSN: "ab"}, False, 'does not match "a${*}"')
c("variable-literal-star-matches-star", {"StringLike": {RSN: "a${*}"}}, {RSN: "a*"}, True, 'matches "a${*}"')
c("variable-literal-qmark-and-dollar", {SE: {RSN: "${$}${?}"}}, {RSN: "$?"}, True, "matches")
c("variable-value-is-literal-text", {"StringLike": {RSN: "${aws:PrincipalTag/p}"}}, {RSN: "abc", "aws:PrincipalTag/p": "a*"}, False, "does not match")
c("variable-multi-valued-key-unresolved", {SE: {RSN: "${aws:TagKeys}"}}, {RSN: "a", TK: ["a"]}, False, "unresolved policy variable")
c("variable-negated-unresolved-is-false", {SNE: {RSN: "${aws:username}"}}, {RSN: "ci"}, False, "cannot be compared (policy value", caller=SESSION)
c("variable-literal-in-2008-version", {SE: {RSN: "${aws:username}"}}, {RSN: "bob"}, False, 'does not match "${aws:username}"', version="2008-10-17")
c("variable-literal-without-version", {SE: {RSN: "${aws:username}"}}, {RSN: "${aws:username}"}, True, 'matches "${aws:username}"', version=None)
c("variable-broken-syntax-never-matches", {SE: {RSN: "${aws:username"}}, {RSN: "${aws:username"}, False, "unresolved policy variable")
c("variable-not-substituted-in-numeric", {"NumericEquals": {AGE: "${aws:MultiFactorAuthAge}"}}, {AGE: "5"}, False, "is not a number; cannot evaluate")

# ---- fail closed and deny semantics
LENIENT = "lenient"
t("unknown-operator-never-allows", cond_trust({"StringEqualz": {EXT: "abc"}}), "ImplicitDeny", 'unknown condition operator "StringEqualz"; cannot evaluate, failing closed', keys={EXT: "abc"}, kind=LENIENT)  # type: ignore[arg-type]
t("unknown-operator-makes-deny-apply", doc(stmt(principal="*"), stmt("Deny", principal="*", Condition={"FooBar": {EXT: "x"}})), "ExplicitDeny", "a condition that cannot be evaluated makes a Deny apply (fail closed)", kind=LENIENT)  # type: ignore[arg-type]
t("malformed-ip-makes-deny-apply", doc(stmt(principal="*"), stmt("Deny", principal="*", Condition={"IpAddress": {IP: "10.0.0.0/33"}})), "ExplicitDeny", "is not an IP address or CIDR block", keys={IP: "10.0.0.1"})
t("malformed-context-date-makes-deny-apply", doc(stmt(principal="*"), stmt("Deny", principal="*", Condition={"DateGreaterThan": {NOW: "2024-01-01"}})), "ExplicitDeny", "explicitly denies", keys={NOW: "soon"})
t("deny-with-false-and-unknown-condition-does-not-apply", doc(stmt(principal="*"), stmt("Deny", principal="*", Condition={"Bool": {MFA: "true"}, "IpAddress": {IP: "bad"}})), "Allow", "matched explicitly", keys={MFA: "false", IP: "10.0.0.1"})
t("deny-negated-absent-key-applies", doc(stmt(principal="*"), stmt("Deny", principal="*", Condition={"NotIpAddress": {IP: "10.0.0.0/8"}})), "ExplicitDeny", "a negated operator holds for an absent key")
t("explicit-deny-beats-allow", doc(stmt(principal={"AWS": BOB.arn}), stmt("Deny", principal="*")), "ExplicitDeny", "Statement[1] in trust policy explicitly denies sts:AssumeRole on " + ROLE)
t("deny-with-unmet-condition-allows", doc(stmt(principal={"AWS": BOB.arn}), stmt("Deny", principal="*", Condition={"Bool": {MFA: "false"}})), "Allow", "matched explicitly", keys={MFA: "true"})
t("deny-for-other-action-allows", doc(stmt(principal={"AWS": BOB.arn}), stmt("Deny", principal="*", Action="sts:TagSession")), "Allow", "allows sts:AssumeRole")
t("deny-if-exists-absent-applies", doc(stmt(principal="*"), stmt("Deny", principal="*", Condition={"StringNotEqualsIfExists": {EXT: "x"}})), "ExplicitDeny", "IfExists test passes")

# ---- principal forms
t("principal-star-string", doc(stmt(principal="*")), "Allow", f"the principal {BOB.arn} matched explicitly", match="explicit")
t("principal-aws-star", doc(stmt(principal={"AWS": "*"})), "Allow", "matched explicitly", match="explicit")
t("principal-aws-star-matches-service", doc(stmt(principal={"AWS": "*"})), "Allow", "matched explicitly", caller=EC2, match="explicit")
t("principal-bare-account-id", doc(stmt(principal={"AWS": OTHER})), "Allow", f"matched only through its account {OTHER}, so the caller's identity-based policies must also allow sts:AssumeRole", match="account")
t("principal-root-arn-is-account", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:root"})), "Allow", "matched only through its account", match="account")
t("principal-root-arn-matches-sessions", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:root"})), "Allow", "matched only through its account", caller=SESSION, match="account")
t("principal-root-arn-matches-root", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:root"})), "Allow", "through its account", caller=ROOT, match="account")
t("principal-other-account", doc(stmt(principal={"AWS": f"arn:aws:iam::{ACCT}:root"})), "ImplicitDeny", f'its Principal {{"AWS": "arn:aws:iam::{ACCT}:root"}} does not match {BOB.arn}', match=None)
t("principal-user-arn", doc(stmt(principal={"AWS": BOB.arn})), "Allow", "matched explicitly", match="explicit")
t("principal-other-user", doc(stmt(principal={"AWS": ALICE.arn})), "ImplicitDeny", "does not match " + BOB.arn)
t("principal-user-and-account-is-explicit", doc(stmt(principal={"AWS": [OTHER, BOB.arn]})), "Allow", "matched explicitly", match="explicit")
t("principal-list-ored", doc(stmt(principal={"AWS": [ALICE.arn, BOB.arn]})), "Allow", "allows sts:AssumeRole")
t("principal-role-arn-matches-its-sessions", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:role/ci/deployer"})), "Allow", "matched explicitly", caller=SESSION, match="explicit")
t("principal-role-arn-needs-path", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:role/deployer"})), "ImplicitDeny", "does not match " + SESSION.arn, caller=SESSION)
t("principal-role-arn-not-a-user", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:role/bob"})), "ImplicitDeny", "does not match")
t("principal-session-arn", doc(stmt(principal={"AWS": SESSION.arn})), "Allow", f"names the session {SESSION.arn} itself", caller=SESSION, match="session")
t("principal-session-arn-beats-role-arn", doc(stmt(principal={"AWS": f"arn:aws:iam::{OTHER}:role/ci/deployer"}), stmt(principal={"AWS": SESSION.arn})), "Allow", "grants to the session directly", caller=SESSION, match="session")
t("principal-other-session", doc(stmt(principal={"AWS": f"arn:aws:sts::{OTHER}:assumed-role/deployer/other"})), "ImplicitDeny", "does not match", caller=SESSION)
t("principal-federated-user-arn", doc(stmt(principal={"AWS": FEDUSER.arn})), "Allow", f"names the session {FEDUSER.arn} itself", caller=FEDUSER, match="session")
t("principal-service", doc(stmt(principal={"Service": "ec2.amazonaws.com"})), "Allow", "the principal ec2.amazonaws.com matched explicitly", caller=EC2, match="explicit")
t("principal-service-list", doc(stmt(principal={"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]})), "Allow", "matched explicitly", caller=EC2)
t("principal-service-mismatch", doc(stmt(principal={"Service": "lambda.amazonaws.com"})), "ImplicitDeny", 'its Principal {"Service": "lambda.amazonaws.com"} does not match ec2.amazonaws.com', caller=EC2)
t("principal-service-is-not-an-account", doc(stmt(principal={"AWS": OTHER})), "ImplicitDeny", "does not match", caller=EC2)
t("principal-user-is-not-a-service", doc(stmt(principal={"Service": "ec2.amazonaws.com"})), "ImplicitDeny", "does not match")
t("principal-federated-oidc", doc(stmt(principal={"Federated": OIDC_ARN}, Action="sts:AssumeRoleWithWebIdentity")), "Allow", "allows sts:AssumeRoleWithWebIdentity", caller=GITHUB, action="sts:AssumeRoleWithWebIdentity", match="explicit")
t("principal-federated-google", doc(stmt(principal={"Federated": "accounts.google.com"}, Action="sts:AssumeRoleWithWebIdentity", Condition={SE: {"accounts.google.com:aud": "client-1"}})), "Allow", 'accounts.google.com:aud: actual value "client-1" matches', caller=GOOGLE, action="sts:AssumeRoleWithWebIdentity", keys={"accounts.google.com:aud": "client-1"})
t("principal-federated-saml", doc(stmt(principal={"Federated": SAML_ARN}, Action="sts:AssumeRoleWithSAML", Condition={SE: {"SAML:aud": "https://signin.aws.amazon.com/saml"}})), "Allow", "SAML:aud", caller=OKTA, action="sts:AssumeRoleWithSAML", keys={"saml:aud": "https://signin.aws.amazon.com/saml"})
t("principal-federated-mismatch", doc(stmt(principal={"Federated": "accounts.google.com"}, Action="sts:AssumeRoleWithWebIdentity")), "ImplicitDeny", "does not match " + OIDC_ARN, caller=GITHUB, action="sts:AssumeRoleWithWebIdentity")
t("principal-federated-is-not-aws-account", doc(stmt(principal={"AWS": ACCT}, Action="sts:*")), "ImplicitDeny", "does not match", caller=GITHUB, action="sts:AssumeRoleWithWebIdentity")
t("principal-mixed-types", doc(stmt(principal={"AWS": ALICE.arn, "Service": "ec2.amazonaws.com"})), "Allow", "matched explicitly", caller=EC2)

# ---- actions in trust policies
t("action-case-insensitive", doc(stmt(principal="*", Action="STS:assumerole")), "Allow", "allows sts:AssumeRole")
t("action-context-case-insensitive", doc(stmt(principal="*")), "Allow", "allows STS:ASSUMEROLE", action="STS:ASSUMEROLE")
t("action-wildcard-prefix", doc(stmt(principal="*", Action="sts:Assume*")), "Allow", "allows sts:AssumeRole")
t("action-sts-star", doc(stmt(principal="*", Action="sts:*")), "Allow", "allows sts:TagSession", action="sts:TagSession")
t("action-star", doc(stmt(principal="*", Action="*")), "Allow", "allows sts:SetSourceIdentity", action="sts:SetSourceIdentity")
t("action-not-listed", doc(stmt(principal="*")), "ImplicitDeny", "Statement[0] in trust policy does not apply: its Action does not include sts:TagSession", action="sts:TagSession")
t("action-list", doc(stmt(principal="*", Action=["sts:AssumeRole", "sts:TagSession"])), "Allow", "allows sts:TagSession", action="sts:TagSession")
t("no-statement-allows", doc(stmt(principal={"AWS": ALICE.arn})), "ImplicitDeny", f"no statement in trust policy allows sts:AssumeRole on {ROLE}")
t("sid-named-in-reasons", doc(stmt(principal="*", Sid="AllowEveryone")), "Allow", 'statement "AllowEveryone" (Statement[0]) in trust policy allows')

# ---- resource policies: Resource, NotResource, NotPrincipal, CanonicalUser
BUCKET_OBJ = "arn:aws:s3:::bucket/key.txt"


def rp(*statements: dict[str, Any]) -> dict[str, Any]:
    return doc(*statements)


t("resource-policy-object-wildcard", rp(stmt(principal={"AWS": BOB.arn}, Action="s3:GetObject", Resource="arn:aws:s3:::bucket/*")), "Allow", "allows s3:GetObject on " + BUCKET_OBJ, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("resource-policy-resource-mismatch", rp(stmt(principal={"AWS": BOB.arn}, Action="s3:GetObject", Resource="arn:aws:s3:::other/*")), "ImplicitDeny", "its Resource does not match " + BUCKET_OBJ, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("resource-policy-not-resource", rp(stmt(principal={"AWS": BOB.arn}, Action="s3:GetObject", NotResource="arn:aws:s3:::bucket/secret/*")), "Allow", "allows s3:GetObject", action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("resource-policy-not-resource-covers", rp(stmt(principal={"AWS": BOB.arn}, Action="s3:GetObject", NotResource="arn:aws:s3:::bucket/*")), "ImplicitDeny", "its NotResource covers " + BUCKET_OBJ, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("resource-policy-canonical-user", rp(stmt(principal={"CanonicalUser": "79a59df9"}, Action="s3:GetObject", Resource="*")), "Allow", "matched explicitly", caller=S3USER, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
NOT_BOB = {"AWS": [BOB.arn, f"arn:aws:iam::{OTHER}:root"]}
ALLOW_ALL_S3 = stmt(principal="*", Action="s3:*", Resource="*")
t("not-principal-exempts-listed-user", rp(ALLOW_ALL_S3, stmt("Deny", NotPrincipal=NOT_BOB, Action="s3:*", Resource="*")), "Allow", "allows s3:GetObject", action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("not-principal-denies-others", rp(ALLOW_ALL_S3, stmt("Deny", NotPrincipal=NOT_BOB, Action="s3:*", Resource="*")), "ExplicitDeny", "explicitly denies s3:GetObject on arn:aws:s3:::bucket/key.txt (its NotPrincipal does not exempt arn:aws:iam::444455556666:user/alice)", caller=ALICE, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("not-principal-needs-the-account-too", rp(ALLOW_ALL_S3, stmt("Deny", NotPrincipal={"AWS": BOB.arn}, Action="s3:*", Resource="*")), "ExplicitDeny", "explicitly denies", action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("not-principal-session-fully-listed", rp(ALLOW_ALL_S3, stmt("Deny", NotPrincipal={"AWS": [SESSION.arn, f"arn:aws:iam::{OTHER}:role/ci/deployer", OTHER]}, Action="s3:*", Resource="*")), "Allow", "allows", caller=SESSION, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("not-principal-session-missing-role", rp(ALLOW_ALL_S3, stmt("Deny", NotPrincipal={"AWS": [SESSION.arn, OTHER]}, Action="s3:*", Resource="*")), "ExplicitDeny", "explicitly denies", caller=SESSION, action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("not-principal-star-never-applies", rp(ALLOW_ALL_S3, stmt("Deny", NotPrincipal="*", Action="s3:*", Resource="*")), "Allow", "allows", action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("not-principal-reason", rp(stmt(principal={"AWS": ALICE.arn}, Action="s3:*", Resource="*"), stmt("Deny", NotPrincipal=NOT_BOB, Action="s3:*", Resource="*")), "ImplicitDeny", f"Statement[1] in resource policy does not apply: its NotPrincipal exempts {BOB.arn}", action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("resource-policy-not-action", rp(stmt(principal="*", NotAction="s3:Delete*", Resource="*")), "Allow", "allows s3:GetObject", action="s3:GetObject", resource=BUCKET_OBJ, kind="resource")
t("resource-policy-not-action-excludes", rp(stmt(principal="*", NotAction="s3:Delete*", Resource="*")), "ImplicitDeny", "its NotAction excludes s3:DeleteObject", action="s3:DeleteObject", resource=BUCKET_OBJ, kind="resource")


# fmt: on


def _labeled(document: dict[str, Any], kind: str) -> LabeledPolicy:
    lenient = kind == LENIENT
    real: PolicyKind = "trust" if lenient else kind  # type: ignore[assignment]
    parsed = PolicyDocument.parse(document, kind=real, lenient_operators=lenient)
    return LabeledPolicy(f"{real} policy", parsed)


@pytest.mark.parametrize(
    ("document", "kind", "caller", "action", "resource", "keys", "effect", "fragment", "match"),
    [pytest.param(*case[1:], id=case[0]) for case in TRUST_CASES],
)
def test_resource_policy_table(
    document: dict[str, Any],
    kind: str,
    caller: PrincipalInfo,
    action: str,
    resource: str,
    keys: dict[str, Any],
    effect: str,
    fragment: str,
    match: Any,
) -> None:
    ctx = RequestContext(action=action, resource=resource, principal=caller, keys=keys)
    decision = evaluate_resource_policy(_labeled(document, kind), ctx)
    text = "\n".join(decision.reasons)
    assert decision.effect == effect, text
    assert fragment in text
    assert decision.allowed is (effect == "Allow")
    if match != "unset":
        assert decision.principal_match == match
    if effect != "Allow":
        assert decision.principal_match is None
