"""The policy grammar: what parses, what AWS rejects, and with which words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_stsmock.backend.policy.document import (
    TRUST_ACTIONS,
    PolicyDocument,
    PolicyError,
    PolicyKind,
)
from pytest_stsmock.errors import StsMockError
from tests.helpers import policies

ACCT = "123456789012"
SYNTAX = "Syntax errors in policy."
INVALID_JSON = "The policy is not in the valid JSON format."
TRUST_ACTIONS_MSG = "AssumeRole policy may only specify STS AssumeRole actions."


def trust(**elements: Any) -> dict[str, Any]:
    """A trust policy for the account's root; an element given as None is removed."""
    return policies.trust({"AWS": f"arn:aws:iam::{ACCT}:root"}, **elements)


def identity(**elements: Any) -> dict[str, Any]:
    """An identity policy allowing sts:AssumeRole on *; an element given as None is removed."""
    return policies.allow("sts:AssumeRole", "*", **elements)


# fmt: off
ERRORS = [
    # (id, document, kind, aws_message, reason fragment)
    pytest.param("{not json", "identity", INVALID_JSON, "not valid JSON", id="invalid-json-text"),
    pytest.param('{"Version": "2012-10-17", "Statement": [}', "session", INVALID_JSON, "not valid JSON", id="invalid-json-session"),
    pytest.param('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"a:b": NaN}}}}', "identity", INVALID_JSON, "NaN", id="nan-is-not-json"),
    pytest.param("", "trust", INVALID_JSON, "not valid JSON", id="empty-text"),
    pytest.param('{"Statement": [], "Statement": []}', "identity", SYNTAX, 'repeats the key "Statement"', id="duplicate-json-key"),
    pytest.param("[]", "identity", SYNTAX, "must be a JSON object", id="top-level-list"),
    pytest.param({"Version": "2012-10-17", "Statements": []}, "identity", SYNTAX, 'unknown top-level element "Statements"', id="unknown-top-level-element"),
    pytest.param({"Version": "2012-10-18", "Statement": identity()["Statement"]}, "identity", SYNTAX, 'Version must be "2012-10-17" or "2008-10-17"', id="bad-version"),
    pytest.param({"Version": 2012, "Statement": identity()["Statement"]}, "identity", SYNTAX, "Version must be", id="version-not-string"),
    pytest.param({"Id": 5, "Statement": identity()["Statement"]}, "identity", SYNTAX, "Id must be a string", id="id-not-string"),
    pytest.param({"Version": "2012-10-17"}, "identity", SYNTAX, "has no Statement", id="missing-statement"),
    pytest.param({"Statement": []}, "identity", SYNTAX, "Statement is an empty list", id="empty-statement-list"),
    pytest.param({"Statement": ["Allow"]}, "identity", SYNTAX, "Statement[0] must be an object", id="statement-not-object"),
    pytest.param(identity(Actions="sts:AssumeRole"), "identity", SYNTAX, 'unknown element "Actions"', id="unknown-statement-element"),
    pytest.param(identity(Effect=None), "identity", SYNTAX, 'Effect must be "Allow" or "Deny"', id="missing-effect"),
    pytest.param(identity(Effect="allow"), "identity", SYNTAX, "'allow'", id="effect-is-case-sensitive"),
    pytest.param(identity(NotAction="s3:*"), "identity", SYNTAX, "both Action and NotAction", id="action-and-not-action"),
    pytest.param(identity(Action=None), "identity", "Policy statement must contain actions.", "neither Action nor NotAction", id="identity-missing-action"),
    pytest.param(identity(Action=None), "session", SYNTAX, "neither Action nor NotAction", id="session-missing-action"),
    pytest.param(identity(Action=[]), "identity", "Policy statement must contain actions.", "empty list", id="empty-action-list"),
    pytest.param(identity(Action="AssumeRole"), "identity", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", '"service:Action"', id="action-without-vendor"),
    pytest.param(identity(Action="AssumeRole"), "session", SYNTAX, '"service:Action"', id="session-action-without-vendor"),
    pytest.param(identity(Action=5), "identity", SYNTAX, "must be a string or a list of strings", id="action-not-string"),
    pytest.param(identity(Action=["sts:AssumeRole", None]), "identity", SYNTAX, "not NoneType", id="action-list-with-null"),
    pytest.param(identity(Resource=None), "identity", "Policy statement must contain resources.", "neither Resource nor NotResource", id="identity-missing-resource"),
    pytest.param(identity(Resource=None), "boundary", "Policy statement must contain resources.", "neither Resource nor NotResource", id="boundary-missing-resource"),
    pytest.param(identity(Resource=None), "session", SYNTAX, "neither Resource nor NotResource", id="session-missing-resource"),
    pytest.param(identity(NotResource="*"), "identity", SYNTAX, "both Resource and NotResource", id="resource-and-not-resource"),
    pytest.param(identity(Resource=[]), "identity", "Policy statement must contain resources.", "empty list", id="empty-resource-list"),
    pytest.param(identity(Resource="bucket"), "identity", 'Resource bucket must be in ARN format or "*".', 'must be "*" or an ARN', id="resource-not-arn"),
    pytest.param(identity(Resource="arn:aws:s3"), "session", SYNTAX, "must be", id="session-resource-not-arn"),
    pytest.param(identity(Resource={"arn": 1}), "identity", SYNTAX, "must be a string or a list of strings", id="resource-not-string"),
    pytest.param(identity(Principal="*"), "identity", "Has prohibited field Principal", "remove Principal", id="identity-with-principal"),
    pytest.param(identity(NotPrincipal="*"), "boundary", "Has prohibited field NotPrincipal", "remove NotPrincipal", id="boundary-with-not-principal"),
    pytest.param(identity(Principal="*"), "session", SYNTAX, "remove Principal", id="session-with-principal"),
    pytest.param(trust(Resource="*"), "trust", "Has prohibited field Resource", "a trust policy's resource is always its role", id="trust-with-resource"),
    pytest.param(trust(NotResource="*"), "trust", "Has prohibited field NotResource", "remove NotResource", id="trust-with-not-resource"),
    pytest.param(trust(Principal=None), "trust", "Missing required field Principal", "has no Principal", id="trust-missing-principal"),
    pytest.param(trust(Principal=None, NotPrincipal={"AWS": ACCT}), "trust", "Has prohibited field NotPrincipal", "role trust policies do not support", id="trust-with-not-principal"),
    pytest.param(trust(NotPrincipal={"AWS": ACCT}), "trust", SYNTAX, "both Principal and NotPrincipal", id="principal-and-not-principal"),
    pytest.param(trust(Action="s3:GetObject"), "trust", TRUST_ACTIONS_MSG, 'Action "s3:GetObject" is not an assume-role action', id="trust-non-sts-action"),
    pytest.param(trust(Action="sts:GetCallerIdentity"), "trust", TRUST_ACTIONS_MSG, "not an assume-role action", id="trust-other-sts-action"),
    pytest.param(trust(Action=["sts:AssumeRole", "iam:PassRole"]), "trust", TRUST_ACTIONS_MSG, '"iam:PassRole"', id="trust-mixed-actions"),
    pytest.param(trust(Action="sts:Get*"), "trust", TRUST_ACTIONS_MSG, "not an assume-role action", id="trust-wildcard-matching-nothing"),
    pytest.param(trust(Action=None, NotAction="s3:*"), "trust", TRUST_ACTIONS_MSG, "uses NotAction", id="trust-not-action"),
    pytest.param(trust(Action=None), "trust", "Policy statement must contain actions.", "neither Action nor NotAction", id="trust-missing-action"),
    pytest.param(trust(Principal={"AWS": f"arn:aws:iam::{ACCT}:role/*"}), "trust", f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCT}:role/*"', "wildcards are not allowed inside principal ARNs", id="principal-arn-wildcard"),
    pytest.param(trust(Principal={"AWS": "bob"}), "trust", 'Invalid principal in policy: "AWS":"bob"', "12-digit account id", id="principal-bare-name"),
    pytest.param(trust(Principal={"AWS": "12345678901"}), "trust", 'Invalid principal in policy: "AWS":"12345678901"', "12-digit", id="principal-short-account"),
    pytest.param(trust(Principal={"AWS": f"arn:aws:iam::{ACCT}:group/admins"}), "trust", f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCT}:group/admins"', "IAM user, IAM role", id="principal-group"),
    pytest.param(trust(Principal={"AWS": f"arn:aws:sts::{ACCT}:assumed-role/r/*"}), "trust", f'Invalid principal in policy: "AWS":"arn:aws:sts::{ACCT}:assumed-role/r/*"', "aws:PrincipalArn", id="principal-session-wildcard"),
    pytest.param(trust(Principal={"Service": "*.amazonaws.com"}), "trust", 'Invalid principal in policy: "SERVICE":"*.amazonaws.com"', "wildcards and spaces are not allowed", id="service-wildcard"),
    pytest.param(trust(Principal={"aws": ACCT}), "trust", SYNTAX, 'principal type "aws"', id="principal-type-case-sensitive"),
    pytest.param(trust(Principal="arn:aws:iam::123456789012:root"), "trust", SYNTAX, 'must be "*" or an object', id="principal-bare-string"),
    pytest.param(trust(Principal={}), "trust", SYNTAX, 'must be "*" or an object', id="principal-empty-object"),
    pytest.param(trust(Principal={"AWS": []}), "trust", SYNTAX, 'empty "AWS" list', id="principal-empty-list"),
    pytest.param(trust(Principal={"AWS": 123456789012}), "trust", SYNTAX, "non-empty strings", id="principal-number"),
    pytest.param(trust(Principal={"Federated": " accounts.google.com"}), "trust", SYNTAX, "without surrounding spaces", id="principal-padded"),
    pytest.param({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": ACCT}, "Action": "s3:*", "Resource": "*"}]}, "resource", SYNTAX, 'NotPrincipal with "Allow"', id="resource-not-principal-with-allow"),
    pytest.param({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, "resource", "Missing required field Principal", "has no Principal", id="resource-missing-principal"),
    pytest.param({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*"}]}, "resource", SYNTAX, "neither Resource nor NotResource", id="resource-missing-resource"),
    pytest.param({"Statement": [identity(Sid="A")["Statement"][0], identity(Sid="A")["Statement"][0]]}, "identity", "Statement IDs (SID) in a single policy must be unique.", 'Sid "A" is used by two statements', id="duplicate-sid"),
    pytest.param({"Statement": [identity(Sid="A")["Statement"][0], identity(Sid="A")["Statement"][0]]}, "session", SYNTAX, "used by two statements", id="session-duplicate-sid"),
    pytest.param(identity(Sid="Allow assume"), "identity", "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*", "only letters and digits", id="sid-with-space"),
    pytest.param(trust(Sid="allow-ci"), "trust", "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*", "only letters and digits", id="trust-sid-with-dash"),
    pytest.param(identity(Sid=7), "identity", SYNTAX, "Sid must be a string", id="sid-not-string"),
    pytest.param(identity(Condition="StringEquals"), "identity", SYNTAX, "must be an object mapping operators", id="condition-not-object"),
    pytest.param(identity(Condition={"StringEqual": {"aws:username": "bob"}}), "identity", SYNTAX, 'unknown condition operator "StringEqual"', id="unknown-operator"),
    pytest.param(identity(Condition={"stringequals": {"aws:username": "bob"}}), "identity", SYNTAX, 'did you mean "StringEquals"?', id="operator-case-sensitive"),
    pytest.param(identity(Condition={"ForAnyValue:stringLike": {"aws:TagKeys": "a"}}), "identity", SYNTAX, 'did you mean "StringLike"?', id="qualified-operator-case"),
    pytest.param(identity(Condition={"ForSomeValues:StringLike": {"aws:TagKeys": "a"}}), "identity", SYNTAX, "unknown condition operator", id="unknown-set-qualifier"),
    pytest.param(identity(Condition={"NullIfExists": {"aws:username": "true"}}), "identity", SYNTAX, "Null cannot take", id="null-if-exists"),
    pytest.param(identity(Condition={"ForAllValues:Null": {"aws:TagKeys": "true"}}), "identity", SYNTAX, "Null cannot take", id="null-with-qualifier"),
    pytest.param(identity(Condition={"IfExists": {"aws:username": "true"}}), "identity", SYNTAX, "unknown condition operator", id="bare-if-exists"),
    pytest.param(identity(Condition={"StringEquals": "bob"}), "identity", SYNTAX, "must be an object mapping condition keys", id="operator-block-not-object"),
    pytest.param(trust(Condition={"StringEquals": {"ExternalId": "x"}}), "trust", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", '"service:name"', id="condition-key-without-vendor"),
    pytest.param(identity(Condition={"StringEquals": {"aws:": "x"}}), "session", SYNTAX, "condition key", id="condition-key-empty-name"),
    pytest.param(identity(Condition={"StringEquals": {"aws:username": None}}), "identity", SYNTAX, "must be a string, number or boolean, not NoneType", id="condition-value-null"),
    pytest.param(identity(Condition={"StringEquals": {"aws:username": {"a": 1}}}), "identity", SYNTAX, "not dict", id="condition-value-object"),
    pytest.param(identity(Condition={"StringEquals": {"aws:username": []}}), "identity", SYNTAX, "is an empty list", id="condition-value-empty-list"),
    pytest.param(identity(Condition={"StringEquals": {"aws:username": [["a"]]}}), "identity", SYNTAX, "not list", id="condition-value-nested-list"),
]
# fmt: on


@pytest.mark.parametrize(("document", "kind", "aws_message", "fragment"), ERRORS)
def test_rejected_documents(
    document: Any, kind: PolicyKind, aws_message: str, fragment: str
) -> None:
    with pytest.raises(PolicyError) as info:
        PolicyDocument.parse(document, kind=kind)
    assert info.value.aws_message == aws_message
    assert fragment in info.value.reason
    assert str(info.value) == info.value.reason
    assert isinstance(info.value, StsMockError)


# fmt: off
VALID = [
    pytest.param({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, "identity", id="statement-as-object"),
    pytest.param({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "identity", id="version-absent"),
    pytest.param({"Version": "2008-10-17", "Id": "x", "Statement": [{"Effect": "Deny", "Action": ["s3:*"], "Resource": ["*"]}]}, "boundary", id="old-version-and-id"),
    pytest.param(identity(Sid=""), "identity", id="empty-sid"),
    pytest.param({"Statement": [identity(Sid="")["Statement"][0], identity(Sid="")["Statement"][0]]}, "identity", id="empty-sids-are-not-duplicates"),
    pytest.param({"Statement": [{"Sid": "Allow reads", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}, "resource", id="resource-sid-with-space"),
    pytest.param(trust(Action="sts:*"), "trust", id="trust-sts-star"),
    pytest.param(trust(Action="*"), "trust", id="trust-star"),
    pytest.param(trust(Action="STS:assumerole"), "trust", id="trust-action-case"),
    pytest.param(trust(Action="sts:AssumeRoleWith*"), "trust", id="trust-action-prefix"),
    pytest.param(trust(Action=list(TRUST_ACTIONS)), "trust", id="trust-all-assume-actions"),
    pytest.param(trust(Principal="*"), "trust", id="principal-star"),
    pytest.param(trust(Principal={"AWS": ["*", ACCT, f"arn:aws:iam::{ACCT}:root", f"arn:aws:iam::{ACCT}:user/p/bob", f"arn:aws:iam::{ACCT}:role/service-role/x", f"arn:aws:sts::{ACCT}:assumed-role/r/s", f"arn:aws:sts::{ACCT}:federated-user/f", f"arn:aws-cn:iam::{ACCT}:root"]}), "trust", id="principal-all-aws-forms"),
    pytest.param(trust(Principal={"Service": ["ec2.amazonaws.com", "states.us-east-1.amazonaws.com"], "Federated": ["accounts.google.com", f"arn:aws:iam::{ACCT}:oidc-provider/x.example.com"], "CanonicalUser": "abc"}), "trust", id="principal-other-types"),
    pytest.param(identity(Condition={"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}, "Bool": {"aws:SecureTransport": False}, "IpAddress": {"aws:SourceIp": "not an ip"}}), "identity", id="condition-values-any-scalar"),
    pytest.param(identity(Condition={}), "identity", id="empty-condition"),
    pytest.param(identity(Condition={"StringEquals": {}}), "identity", id="empty-operator-block"),
    pytest.param(identity(Resource="arn:aws:s3:::${aws:username}/*"), "identity", id="resource-with-variable"),
    pytest.param(identity(Condition={"ForAllValues:StringEqualsIgnoreCaseIfExists": {"aws:TagKeys": ["a"]}}), "identity", id="qualifier-and-if-exists"),
]
# fmt: on


@pytest.mark.parametrize(("document", "kind"), VALID)
def test_valid_documents(document: Any, kind: PolicyKind) -> None:
    parsed = PolicyDocument.parse(document, kind=kind)
    assert parsed.kind == kind
    assert parsed.statements
    assert json.loads(parsed.text) == document


def test_parsed_document_shape() -> None:
    text = json.dumps(trust(Sid="One", Condition={"StringLike": {"sts:ExternalId": "a*"}}))
    doc = PolicyDocument.parse(text, kind="trust")
    assert doc.text == text
    assert doc.version == "2012-10-17"
    assert doc.variables_enabled
    (stmt,) = doc.statements
    assert (stmt.sid, stmt.effect, stmt.index, stmt.label) == (
        "One",
        "Allow",
        0,
        'statement "One" (Statement[0])',
    )
    assert stmt.resources is None
    assert stmt.principal is not None
    assert [c.operator for c in stmt.conditions] == ["StringLike"]
    with pytest.raises(AttributeError):
        doc.kind = "identity"  # type: ignore[misc]


def test_any_mapping_type_is_accepted() -> None:
    from types import MappingProxyType

    statement = MappingProxyType(
        {
            "Effect": "Allow",
            "Principal": MappingProxyType({"AWS": ACCT}),
            "Action": "sts:AssumeRole",
        }
    )
    doc = PolicyDocument.parse(MappingProxyType({"Statement": [statement]}), kind="trust")
    assert json.loads(doc.text) == {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCT}, "Action": "sts:AssumeRole"}]
    }


def test_variables_are_literal_without_2012_version() -> None:
    assert PolicyDocument.parse(identity(), kind="identity").variables_enabled
    old = PolicyDocument.parse({"Statement": identity()["Statement"]}, kind="identity")
    assert old.version is None
    assert not old.variables_enabled


def test_lenient_operators_keep_unknown_operators() -> None:
    document = identity(Condition={"StringEqualsSometimes": {"aws:username": "bob"}})
    with pytest.raises(PolicyError):
        PolicyDocument.parse(document, kind="identity")
    parsed = PolicyDocument.parse(document, kind="identity", lenient_operators=True)
    (test,) = parsed.statements[0].conditions
    assert test.base is None
    assert test.evaluate({"aws:username": "bob"})[0] is None


def test_unknown_kind_is_api_misuse() -> None:
    with pytest.raises(StsMockError, match="kind must be one of"):
        PolicyDocument.parse(identity(), kind="scp")  # type: ignore[arg-type]


def test_policy_error_repr() -> None:
    with pytest.raises(PolicyError) as info:
        PolicyDocument.parse("nope", kind="session")
    assert repr(info.value).startswith("PolicyError(")
    assert "The policy is not in the valid JSON format." in repr(info.value)


# ----------------------------------------------------------------- random documents
_names = st.sampled_from([
    "Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition", "AWS", "Service", "Federated",
    "CanonicalUser", "StringEquals", "ForAnyValue:StringLike", "NullIfExists", "Null", "IpAddress",
    "DateLessThan", "aws:TagKeys", "sts:ExternalId", "x",
])  # fmt: skip
_atoms = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.sampled_from(["*", "Allow", "Deny", "2012-10-17", "2008-10-17", "sts:AssumeRole", "sts:*",
                     "arn:aws:iam::123456789012:root", "123456789012", "arn:aws:s3:::b/*", "${aws:username}",
                     "true", "10.0.0.0/8", "${", "arn:aws:iam::1:role/*"]),
    st.text(max_size=8),
)  # fmt: skip
_json = st.recursive(
    _atoms,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_names, children, max_size=5)
    ),
    max_leaves=25,
)
_statement = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "allow"])},
    optional=dict.fromkeys(
        [
            "Sid",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ],
        _json,
    ),
)
_document = st.one_of(
    _json,
    st.fixed_dictionaries(
        {"Statement": st.one_of(_statement, st.lists(_statement, max_size=3))},
        optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17", "x"]), "Id": _atoms},
    ),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    document=_document,
    kind=st.sampled_from(["identity", "trust", "session", "boundary", "resource"]),
    as_text=st.booleans(),
)
def test_random_documents_raise_only_policy_error(
    document: Any, kind: PolicyKind, as_text: bool
) -> None:
    source: Any = json.dumps(document, allow_nan=True) if as_text else document
    try:
        parsed = PolicyDocument.parse(source, kind=kind)
    except PolicyError as exc:
        assert exc.reason
        assert exc.aws_message
    else:
        assert parsed.statements


@given(text=st.text(max_size=40))
def test_random_text_raises_only_policy_error(text: str) -> None:
    try:
        PolicyDocument.parse(text, kind="session")
    except PolicyError as exc:
        assert exc.aws_message in (INVALID_JSON, SYNTAX)
