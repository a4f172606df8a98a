"""Identity-based evaluation: identity, permissions-boundary and session policies.

Also: API misuse, random contexts that must never raise, and the allow-everything shortcut.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_stsmock.backend.policy.document import PolicyDocument, PolicyKind
from pytest_stsmock.backend.policy.evaluate import (
    LabeledPolicy,
    PrincipalInfo,
    RequestContext,
    evaluate,
    evaluate_resource_policy,
)
from pytest_stsmock.errors import StsMockError
from tests.helpers.policies import ADMIN as ADMIN_POLICY
from tests.helpers.policies import document as pol_document
from tests.helpers.policies import statement

ACCT = "111122223333"
ROLE = f"arn:aws:iam::{ACCT}:role/target"
BOB = PrincipalInfo(arn=f"arn:aws:iam::{ACCT}:user/bob", account_id=ACCT, type="User")
SESSION = PrincipalInfo(
    arn=f"arn:aws:sts::{ACCT}:assumed-role/deployer/ci",
    account_id=ACCT,
    type="AssumedRole",
    source_role_arn=f"arn:aws:iam::{ACCT}:role/deployer",
)


def _statement(effect: str, elements: dict[str, Any]) -> dict[str, Any]:
    """A statement of these tables: sts:AssumeRole on ROLE unless given (or Not*)."""
    action = None if "NotAction" in elements else "sts:AssumeRole"
    resource = None if "NotResource" in elements else ROLE
    return statement(effect, **{"Action": action, "Resource": resource, **elements})


def allow(**elements: Any) -> dict[str, Any]:
    return _statement("Allow", elements)


def deny(**elements: Any) -> dict[str, Any]:
    return _statement("Deny", elements)


pol = pol_document


# (id, [(label, kind, doc)], caller, action, resource, keys, effect, fragment)
CASES: list[tuple[Any, ...]] = []


def i(
    case_id: str,
    policies: list[tuple[str, str, dict[str, Any]]],
    effect: str,
    fragment: str,
    *,
    caller: PrincipalInfo = BOB,
    action: str = "sts:AssumeRole",
    resource: str = ROLE,
    keys: dict[str, Any] | None = None,
) -> None:
    CASES.append((case_id, policies, caller, action, resource, keys or {}, effect, fragment))


def ident(
    *statements: dict[str, Any],
    label: str = 'identity policy "p"',
    version: str | None = "2012-10-17",
) -> tuple[str, str, dict[str, Any]]:
    return (label, "identity", pol(*statements, version=version))


# fmt: off
i("identity-allow-exact", [ident(allow())], "Allow", f'Statement[0] in identity policy "p" allows sts:AssumeRole on {ROLE}')
i("identity-no-statement-allows", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/other"))], "ImplicitDeny", f'no statement in identity policy "p" allows sts:AssumeRole on {ROLE}')
i("identity-resource-mismatch-reason", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/other"))], "ImplicitDeny", f"its Resource does not match {ROLE}")
i("identity-resource-star", [ident(allow(Resource="*"))], "Allow", "allows sts:AssumeRole")
i("identity-resource-account-wildcard", [ident(allow(Resource="arn:aws:iam::*:role/*"))], "Allow", "allows")
i("identity-resource-qmark", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/targe?"))], "Allow", "allows")
i("identity-resource-case-sensitive", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/TARGET"))], "ImplicitDeny", "its Resource does not match")
i("identity-resource-list", [ident(allow(Resource=[f"arn:aws:iam::{ACCT}:role/a", ROLE]))], "Allow", "allows")
i("identity-resource-star-in-account-stays-in-component", [ident(allow(Resource="arn:aws:iam::*:role/x"))], "ImplicitDeny", "does not match", resource=f"arn:aws:iam::{ACCT}:extra:role/x")
i("identity-action-case-insensitive", [ident(allow(Action="STS:ASSUMEROLE"))], "Allow", "allows")
i("identity-action-wildcard", [ident(allow(Action="sts:*"))], "Allow", "allows")
i("identity-action-qmark", [ident(allow(Action="sts:Assume?ole"))], "Allow", "allows")
i("identity-action-qmark-needs-a-char", [ident(allow(Action="sts:AssumeRole?"))], "ImplicitDeny", "its Action does not include sts:AssumeRole")
i("identity-action-star-everything", [ident(allow(Action="*", Resource="*"))], "Allow", "allows")
i("identity-not-action-allows-others", [ident(allow(NotAction="iam:*"))], "Allow", "allows sts:AssumeRole")
i("identity-not-action-excludes", [ident(allow(NotAction="sts:*"))], "ImplicitDeny", "its NotAction excludes sts:AssumeRole")
i("identity-deny-not-action", [ident(allow(), deny(NotAction="sts:GetCallerIdentity", Resource="*"))], "ExplicitDeny", "Statement[1] in identity policy \"p\" explicitly denies sts:AssumeRole")
i("identity-not-resource-allows-others", [ident(allow(NotResource=f"arn:aws:iam::{ACCT}:role/admin"))], "Allow", "allows")
i("identity-not-resource-covers", [ident(allow(NotResource=f"arn:aws:iam::{ACCT}:role/*"))], "ImplicitDeny", f"its NotResource covers {ROLE}")
i("identity-deny-not-resource", [ident(allow(), deny(NotResource=f"arn:aws:iam::{ACCT}:role/safe-*"))], "ExplicitDeny", "explicitly denies")
i("identity-explicit-deny-beats-allow", [ident(allow(), deny())], "ExplicitDeny", f'Statement[1] in identity policy "p" explicitly denies sts:AssumeRole on {ROLE}')
i("explicit-deny-in-another-policy", [ident(allow(), label='identity policy "a"'), ident(deny(Sid="NoAssume"), label='identity policy "b"')], "ExplicitDeny", 'statement "NoAssume" (Statement[0]) in identity policy "b" explicitly denies')
i("allow-in-any-identity-policy", [ident(allow(Resource="arn:aws:s3:::x"), label='identity policy "a"'), ident(allow(), label='identity policy "b"')], "Allow", 'identity policy "b" allows')
i("implicit-deny-names-every-policy", [ident(allow(Action="s3:*", Resource="*"), label='identity policy "a"'), ident(allow(Action="ec2:*", Resource="*"), label='identity policy "b"')], "ImplicitDeny", 'no statement in identity policy "b" allows sts:AssumeRole')
i("identity-deny-condition-unmet", [ident(allow(), deny(Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))], "Allow", "allows", keys={"aws:MultiFactorAuthPresent": "true"})
i("identity-deny-without-mfa-absent-key", [ident(allow(), deny(Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))], "ExplicitDeny", "IfExists test passes")
i("identity-deny-not-ip-absent-key", [ident(allow(), deny(Resource="*", Condition={"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}))], "ExplicitDeny", "a negated operator holds for an absent key")
i("identity-principal-tag-condition", [ident(allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}}))], "Allow", 'aws:PrincipalTag/team: actual value "red" matches "red"', keys={"aws:PrincipalTag/team": "red"})
i("identity-tag-keys-for-tag-session", [ident(allow(Action="sts:TagSession", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}}))], "Allow", "every value of", action="sts:TagSession", keys={"aws:TagKeys": ["team"]})
i("identity-tag-keys-rejects-extra", [ident(allow(Action="sts:TagSession", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}))], "ImplicitDeny", 'but value "admin"', action="sts:TagSession", keys={"aws:TagKeys": ["team", "admin"]})
i("identity-resource-variable-username", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}-*"))], "Allow", "allows", resource=f"arn:aws:iam::{ACCT}:role/bob-dev")
i("identity-resource-variable-other-user", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}-*"))], "ImplicitDeny", "its Resource does not match", resource=f"arn:aws:iam::{ACCT}:role/alice-dev")
i("identity-resource-variable-absent", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}-*"))], "ImplicitDeny", "its Resource does not match", caller=SESSION, resource=f"arn:aws:iam::{ACCT}:role/-dev")
i("identity-resource-variable-default", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:username, 'shared'}}"))], "Allow", "allows", caller=SESSION, resource=f"arn:aws:iam::{ACCT}:role/shared")
i("identity-resource-variable-principal-tag", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:PrincipalTag/team}}-*"))], "Allow", "allows", keys={"aws:PrincipalTag/team": "red"}, resource=f"arn:aws:iam::{ACCT}:role/red-ops")
i("identity-resource-variable-account", [ident(allow(Resource="arn:aws:iam::${aws:PrincipalAccount}:role/target"))], "Allow", "allows")
i("identity-resource-variable-value-is-literal", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:PrincipalTag/p}}"))], "ImplicitDeny", "does not match", keys={"aws:PrincipalTag/p": "*"})
i("identity-resource-variable-2008-literal", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}"), version="2008-10-17")], "ImplicitDeny", "does not match", resource=f"arn:aws:iam::{ACCT}:role/bob")
i("identity-resource-variable-2008-matches-literally", [ident(allow(Resource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}"), version="2008-10-17")], "Allow", "allows", resource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}")
i("identity-not-resource-unresolved-variable", [ident(allow(NotResource=f"arn:aws:iam::{ACCT}:role/${{aws:username}}"))], "ImplicitDeny", "its NotResource has a policy variable with no value", caller=SESSION)
i("identity-unknown-operator-deny-applies", [("identity policy \"p\"", "identity-lenient", pol(allow(), deny(Condition={"StringEqualsMaybe": {"aws:username": "bob"}})))], "ExplicitDeny", "fail closed")
i("identity-unknown-operator-allow-ignored", [("identity policy \"p\"", "identity-lenient", pol(allow(Condition={"StringEqualsMaybe": {"aws:username": "bob"}})))], "ImplicitDeny", "unknown condition operator")
i("identity-derived-username", [ident(allow(Condition={"StringEquals": {"aws:username": "bob"}}))], "Allow", 'aws:username: actual value "bob" matches')
i("identity-derived-principal-type", [ident(allow(Condition={"StringEquals": {"aws:PrincipalType": "AssumedRole"}}))], "Allow", "matches", caller=SESSION)
i("identity-explicit-key-overrides-derived", [ident(allow(Condition={"StringEquals": {"aws:username": "bob"}}))], "ImplicitDeny", 'actual value "mallory"', keys={"AWS:UserName": "mallory"})
i("identity-none-key-removes-derived", [ident(allow(Condition={"Null": {"aws:username": "true"}}))], "Allow", "key is absent", keys={"aws:username": None})
i("boundary-must-also-allow", [ident(allow()), ("permissions boundary \"b\"", "boundary", pol(allow(Action="s3:*", Resource="*")))], "ImplicitDeny", 'no statement in permissions boundary "b" allows sts:AssumeRole')
i("boundary-blocks-reason-mentions-identity", [ident(allow()), ("permissions boundary \"b\"", "boundary", pol(allow(Action="s3:*", Resource="*")))], "ImplicitDeny", "the identity policies allow it, but every kind of policy given must allow it")
i("boundary-and-identity-allow", [ident(allow()), ("permissions boundary \"b\"", "boundary", pol(allow(Action="sts:*", Resource="*")))], "Allow", 'permissions boundary "b" allows')
i("boundary-alone-does-not-grant", [ident(allow(Action="s3:*", Resource="*")), ("permissions boundary \"b\"", "boundary", pol(allow(Resource="*")))], "ImplicitDeny", 'no statement in identity policy "p" allows')
i("boundary-deny-wins", [ident(allow()), ("permissions boundary \"b\"", "boundary", pol(allow(Resource="*"), deny()))], "ExplicitDeny", 'in permissions boundary "b" explicitly denies')
i("session-policy-intersects", [ident(allow(Action="sts:*", Resource="*")), ("session policy", "session", pol(allow(Action="s3:GetObject", Resource="*")))], "ImplicitDeny", "no statement in session policy allows sts:AssumeRole")
i("session-policy-and-identity-allow", [ident(allow(Action="sts:*", Resource="*")), ("session policy", "session", pol(allow()))], "Allow", "session policy allows")
i("no-policies-implicit-deny", [], "ImplicitDeny", f"no policy was given, so nothing allows sts:AssumeRole on {ROLE}")
# fmt: on


def _policies(specs: list[tuple[str, str, dict[str, Any]]]) -> list[LabeledPolicy]:
    out = []
    for label, kind, document in specs:
        lenient = kind.endswith("-lenient")
        real: PolicyKind = kind.removesuffix("-lenient")  # type: ignore[assignment]
        out.append(
            LabeledPolicy(
                label, PolicyDocument.parse(document, kind=real, lenient_operators=lenient)
            )
        )
    return out


@pytest.mark.parametrize(
    ("specs", "caller", "action", "resource", "keys", "effect", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_identity_table(
    specs: list[tuple[str, str, dict[str, Any]]],
    caller: PrincipalInfo,
    action: str,
    resource: str,
    keys: dict[str, Any],
    effect: str,
    fragment: str,
) -> None:
    ctx = RequestContext(action=action, resource=resource, principal=caller, keys=keys)
    decision = evaluate(_policies(specs), ctx)
    text = "\n".join(decision.reasons)
    assert decision.effect == effect, text
    assert fragment in text
    assert decision.allowed is (effect == "Allow")


def test_evaluate_refuses_trust_policies() -> None:
    trust = PolicyDocument.parse(
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}},
        kind="trust",
    )
    ctx = RequestContext("sts:AssumeRole", ROLE, BOB)
    with pytest.raises(StsMockError, match="evaluate_resource_policy"):
        evaluate([LabeledPolicy("trust", trust)], ctx)


def test_evaluate_resource_policy_refuses_identity_policies() -> None:
    identity = PolicyDocument.parse(pol(allow()), kind="identity")
    with pytest.raises(StsMockError, match=r"evaluate\(\)"):
        evaluate_resource_policy(identity, RequestContext("sts:AssumeRole", ROLE, BOB))


def test_unlabelled_document_gets_a_default_label() -> None:
    trust = PolicyDocument.parse(
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}},
        kind="trust",
    )
    decision = evaluate_resource_policy(trust, RequestContext("sts:AssumeRole", ROLE, BOB))
    assert (
        decision.reasons[0] == f"Statement[0] in the trust policy allows sts:AssumeRole on {ROLE}"
    )


def test_context_normalizes_keys() -> None:
    ctx = RequestContext(
        "sts:AssumeRole", ROLE, BOB, {"AWS:TagKeys": ("a", 1), "X:Flag": True, "x:n": 5}
    )
    assert ctx.lookup["aws:tagkeys"] == ("a", "1")
    assert ctx.lookup["x:flag"] == "true"
    assert ctx.lookup["x:n"] == "5"
    assert ctx.lookup["aws:principalarn"] == BOB.arn
    assert ctx.lookup["aws:username"] == "bob"
    session = RequestContext("sts:AssumeRole", ROLE, SESSION)
    assert session.lookup["aws:principalarn"] == SESSION.source_role_arn
    assert "aws:username" not in session.lookup


# ---------------------------------------------------------------- random contexts never raise
_ALL_OPERATORS = [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
    "ArnLike", "ArnNotEquals", "ArnNotLike",
]  # fmt: skip
_KEYS = ["k:a", "k:b", "aws:TagKeys", "aws:username"]
_VALUES = [
    "x",
    "1",
    "2024-01-01T00:00:00Z",
    "true",
    "aGk=",
    "10.0.0.0/8",
    "arn:aws:s3:::b/*",
    "${k:a}",
    "${k:b, 'd'}",
    "${*}*?",
]


def _everything_policy() -> list[LabeledPolicy]:
    statements = []
    for n, op in enumerate(_ALL_OPERATORS):
        for prefix in ("", "ForAnyValue:", "ForAllValues:"):
            for suffix in ("", "IfExists"):
                statements.append(
                    {
                        "Effect": "Deny" if n % 2 else "Allow",
                        "Action": "*",
                        "Resource": ["arn:aws:iam::*:role/${k:a}", "arn:aws:*:*:*:*"],
                        "Condition": {
                            f"{prefix}{op}{suffix}": {_KEYS[n % 4]: _VALUES},
                            "Null": {"k:b": "true"},
                        },
                    }
                )
    identity = PolicyDocument.parse(
        {"Version": "2012-10-17", "Statement": statements}, kind="identity"
    )
    return [LabeledPolicy("everything", identity)]


_EVERYTHING = _everything_policy()
_text = st.one_of(st.sampled_from(_VALUES), st.text(max_size=12))
_value = st.one_of(st.none(), st.booleans(), st.integers(), _text, st.lists(_text, max_size=3))
_principal = st.builds(
    PrincipalInfo,
    arn=st.one_of(st.just(BOB.arn), st.just(SESSION.arn), _text),
    account_id=st.sampled_from([ACCT, "", "x"]),
    type=st.sampled_from(
        ["Account", "User", "AssumedRole", "FederatedUser", "Service", "WebIdentity", "SAML"]
    ),
    source_role_arn=st.one_of(st.none(), _text),
    service=st.one_of(st.none(), _text),
    federated_provider=st.one_of(st.none(), _text),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    principal=_principal,
    action=st.one_of(st.just("sts:AssumeRole"), _text),
    resource=st.one_of(st.just(ROLE), _text),
    keys=st.dictionaries(st.one_of(st.sampled_from(_KEYS), _text), _value, max_size=6),
)
def test_random_contexts_never_raise(
    principal: PrincipalInfo, action: str, resource: str, keys: dict[str, Any]
) -> None:
    ctx = RequestContext(action=action, resource=resource, principal=principal, keys=keys)
    decision = evaluate(_EVERYTHING, ctx)
    assert decision.effect in ("Allow", "ExplicitDeny", "ImplicitDeny")
    assert decision.reasons


def test_three_statement_trust_policy_with_conditions_allows() -> None:
    trust = PolicyDocument.parse(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Bob", "Effect": "Allow", "Principal": {"AWS": BOB.arn}, "Action": "sts:AssumeRole",
                 "Condition": {"StringEquals": {"sts:ExternalId": "xyz"}, "Bool": {"aws:MultiFactorAuthPresent": "true"}}},
                {"Sid": "Ci", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
                 "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/ci-*"}}},
                {"Sid": "Lan", "Effect": "Deny", "Principal": "*", "Action": "sts:*",
                 "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            ],
        },
        kind="trust",
    )  # fmt: skip
    keys = {
        "sts:ExternalId": "xyz",
        "aws:MultiFactorAuthPresent": "true",
        "aws:SourceIp": "192.0.2.1",
    }
    ctx = RequestContext("sts:AssumeRole", ROLE, BOB, keys)
    assert evaluate_resource_policy(trust, ctx).allowed


# -- the allow-everything shortcut (documents evaluation may skip) ----------------------------

ADMIN = ADMIN_POLICY["Statement"][0]


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        pytest.param([ADMIN], True, id="admin"),
        pytest.param([allow(Action="s3:*"), ADMIN], True, id="admin-among-allows"),
        pytest.param([ADMIN, {**ADMIN, "Effect": "Deny", "Action": "s3:*"}], False, id="a-deny"),
        pytest.param([{**ADMIN, "Action": "sts:*"}], False, id="service-wildcard"),
        pytest.param([{**ADMIN, "Resource": ROLE}], False, id="one-resource"),
        pytest.param(
            [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], False, id="not-action"
        ),
        pytest.param(
            [{"Effect": "Allow", "Action": "*", "NotResource": ROLE}], False, id="not-resource"
        ),
        pytest.param(
            [{**ADMIN, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}],
            False,
            id="conditional",
        ),
    ],
)
def test_allows_everything_only_for_unconditional_admin_without_deny(
    statements: list[dict[str, Any]], expected: bool
) -> None:
    doc = PolicyDocument.parse({"Version": "2012-10-17", "Statement": statements}, kind="identity")
    assert doc.allows_everything is expected


def test_identity_verdict_through_the_shortcut_explains_like_the_long_way() -> None:
    import datetime

    from pytest_stsmock import STSBackend
    from pytest_stsmock.backend.authz import evaluate_identity
    from pytest_stsmock.backend.identity import caller_for_key

    backend = STSBackend(seed=3)
    caller = caller_for_key(backend.default_access_key)
    now = datetime.datetime.now(datetime.timezone.utc)
    verdict = evaluate_identity(backend, caller, "sts:AssumeRole", ROLE, now, {})
    assert verdict.allowed
    assert verdict.reasons == (
        f'statement "StsMockDefaultUser" (Statement[0]) in identity policy 1 of {caller.arn} '
        f"allows sts:AssumeRole on {ROLE}",
    )


def test_a_deny_beside_an_admin_policy_still_denies() -> None:
    import datetime

    from pytest_stsmock import STSBackend
    from pytest_stsmock.backend.authz import evaluate_identity
    from pytest_stsmock.backend.identity import caller_for_key

    backend = STSBackend(seed=3)
    user = backend.default_account.create_user(
        "ops",
        policies=[
            {"Version": "2012-10-17", "Statement": [ADMIN]},
            {"Version": "2012-10-17", "Statement": [deny(Action="sts:AssumeRole")]},
        ],
    )
    caller = caller_for_key(user.create_access_key())
    now = datetime.datetime.now(datetime.timezone.utc)
    verdict = evaluate_identity(backend, caller, "sts:AssumeRole", ROLE, now, {})
    assert verdict.effect == "ExplicitDeny"
    assert "identity policy 2" in verdict.explain()


def test_a_session_sees_policies_attached_after_its_first_call() -> None:
    """What a Caller keeps (labels, keys) never hides a policy attached between calls."""
    import datetime

    from pytest_stsmock import STSBackend
    from pytest_stsmock.backend.authz import evaluate_identity
    from pytest_stsmock.backend.identity import caller_for_key

    backend = STSBackend(seed=3)
    user = backend.default_account.create_user("ops", policies=[pol(allow())])
    caller = caller_for_key(user.create_access_key())
    now = datetime.datetime.now(datetime.timezone.utc)
    assert evaluate_identity(backend, caller, "sts:AssumeRole", ROLE, now, {}).allowed
    user.attach_policy(pol(deny()))
    verdict = evaluate_identity(backend, caller, "sts:AssumeRole", ROLE, now, {})
    assert verdict.effect == "ExplicitDeny"
    assert "identity policy 2" in verdict.explain()


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        pytest.param(allow(), True, id="allow-action-resource"),
        pytest.param(allow(Resource="*", Action=["sts:*", "s3:Get*"]), True, id="wildcards"),
        pytest.param(deny(), False, id="deny"),
        pytest.param(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}), False, id="cond"),
        pytest.param(allow(NotAction="iam:*"), False, id="not-action"),
        pytest.param(
            allow(Resource="arn:aws:iam::111122223333:role/${aws:username}"), False, id="variable"
        ),
    ],
)
def test_simple_documents(statement: dict[str, Any], expected: bool) -> None:
    assert PolicyDocument.parse(pol(statement), kind="identity").simple is expected


def test_simple_allow_shortcut_keeps_every_kind_and_the_long_reasons() -> None:
    from pytest_stsmock.backend.policy.evaluate import _evaluate

    identity = LabeledPolicy(
        "identity policy 1", PolicyDocument.parse(pol(allow()), kind="identity")
    )
    boundary = LabeledPolicy(
        "the boundary", PolicyDocument.parse(pol(allow(Action="s3:*")), kind="boundary")
    )
    ctx = RequestContext(action="sts:AssumeRole", resource=ROLE, principal=BOB)
    allowed = evaluate([identity], ctx)
    assert allowed.allowed and allowed.reasons == _evaluate([identity], ctx).reasons
    assert "allows sts:AssumeRole" in allowed.reasons[0]
    limited = evaluate([identity, boundary], ctx)  # the boundary does not allow it
    assert limited.effect == "ImplicitDeny"
    assert "no statement in the boundary allows sts:AssumeRole" in "\n".join(limited.reasons)
