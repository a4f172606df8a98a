"""Session tags, transitive tags, source identity and multi-account role chains."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend
from tests.helpers.clients import client_for, denied, error_of, sts
from tests.helpers.policies import allow, trust

A = "111111111111"
B = "222222222222"
TAGGING = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]


def tags(**pairs: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


@pytest.fixture
def world(sts_backend: STSBackend) -> dict[str, Any]:
    """A user in account A, role A1 in A trusting the user, role B1 in B trusting A1."""
    user = sts_backend.account(A).create_user(
        "dev", tags={"team": "blue"}, policies=[allow("sts:*")]
    )
    role_a = sts_backend.account(A).create_role(
        "a1",
        trust_policy=trust({"AWS": user.arn}, actions=TAGGING),
        policies=[allow("sts:*")],
        tags={"env": "dev"},
    )
    role_b = sts_backend.account(B).create_role(
        "b1",
        trust_policy=trust(
            {"AWS": role_a.arn},
            actions=TAGGING,
            condition={"StringEquals": {"aws:PrincipalTag/project": "apollo"}},
        ),
    )
    return {
        "user": user,
        "client": sts(**user.create_access_key().client_kwargs),
        "a": role_a,
        "b": role_b,
    }


class TestTagRules:
    def test_duplicate_keys_differing_in_case(self, world: dict[str, Any]) -> None:
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(
                RoleArn=world["a"].arn,
                RoleSessionName="s1",
                Tags=tags(SessionTag1="a", sessiontag1="b"),
            )
        assert error_of(exc) == (
            "InvalidParameterValue",
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            400,
        )

    def test_transitive_key_must_be_a_passed_tag(self, world: dict[str, Any]) -> None:
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(
                RoleArn=world["a"].arn,
                RoleSessionName="s1",
                Tags=tags(SessionTag1="v"),
                TransitiveTagKeys=["InvalidKey"],
            )
        assert error_of(exc) == (
            "InvalidParameterValue",
            "The specified transitive tag key must be included in the requested tags.",
            400,
        )

    def test_transitive_keys_match_case_insensitively(
        self, world: dict[str, Any], sts_backend: STSBackend
    ) -> None:
        result = world["client"].assume_role(
            RoleArn=world["a"].arn,
            RoleSessionName="s1",
            Tags=tags(SessionTag1="v"),
            TransitiveTagKeys=["sessiontag1"],
        )
        session = sts_backend.session(result["Credentials"]["AccessKeyId"])
        assert session is not None
        assert session.tags == {"SessionTag1": "v"}
        assert session.transitive_tag_keys == ["sessiontag1"]

    def test_tagging_needs_sts_tag_session(
        self, sts_backend: STSBackend, world: dict[str, Any]
    ) -> None:
        plain = sts_backend.account(A).create_role(
            "plain", trust_policy=trust({"AWS": world["user"].arn})
        )
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(RoleArn=plain.arn, RoleSessionName="s1", Tags=tags(k="v"))
        assert error_of(exc) == denied(world["user"].arn, plain.arn, "sts:TagSession")

    def test_source_identity_needs_set_source_identity(
        self, sts_backend: STSBackend, world: dict[str, Any]
    ) -> None:
        plain = sts_backend.account(A).create_role(
            "plain", trust_policy=trust({"AWS": world["user"].arn})
        )
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(
                RoleArn=plain.arn, RoleSessionName="s1", SourceIdentity="dev-user"
            )
        assert error_of(exc) == denied(world["user"].arn, plain.arn, "sts:SetSourceIdentity")

    def test_more_than_50_tags(self, world: dict[str, Any]) -> None:
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(
                RoleArn=world["a"].arn,
                RoleSessionName="s1",
                Tags=tags(**{f"k{i}": "v" for i in range(51)}),
            )
        code, message, status = error_of(exc)
        assert (code, status) == ("ValidationError", 400)
        assert message.startswith("1 validation error detected: Value '[{Key=k0, Value=v}, ")
        assert message.endswith(
            "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
        )

    def test_reserved_aws_prefix(self, world: dict[str, Any]) -> None:
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(
                RoleArn=world["a"].arn, RoleSessionName="s1", Tags=tags(**{"aws:team": "x"})
            )
        assert error_of(exc)[0] == "InvalidParameterValue"

    def test_session_tags_override_role_tags_in_principal_tags(
        self, sts_backend: STSBackend, world: dict[str, Any]
    ) -> None:
        checker = sts_backend.account(A).create_role(
            "checker",
            trust_policy=trust(
                {"AWS": world["a"].arn},
                condition={"StringEquals": {"aws:PrincipalTag/Env": "prod"}},
            ),
        )
        creds = world["client"].assume_role(
            RoleArn=world["a"].arn, RoleSessionName="s1", Tags=tags(Env="prod")
        )["Credentials"]
        client_for(creds).assume_role(RoleArn=checker.arn, RoleSessionName="s2")


class TestChain:
    """user -> a1 (account A) -> b1 (account B) -> c1 (account B)."""

    def _hop1(self, world: dict[str, Any], **extra: Any) -> dict[str, Any]:
        result: dict[str, Any] = world["client"].assume_role(
            RoleArn=world["a"].arn,
            RoleSessionName="hop1",
            Tags=tags(project="apollo", cost="42"),
            TransitiveTagKeys=["project"],
            SourceIdentity="dev-user",
            **extra,
        )
        return result

    def test_transitive_tags_and_source_identity_flow_through_the_chain(
        self, sts_backend: STSBackend, world: dict[str, Any]
    ) -> None:
        hop1 = self._hop1(world)
        assert hop1["SourceIdentity"] == "dev-user"
        hop2 = client_for(hop1["Credentials"]).assume_role(
            RoleArn=world["b"].arn, RoleSessionName="hop2"
        )
        assert hop2["SourceIdentity"] == "dev-user"
        session2 = sts_backend.session(hop2["Credentials"]["AccessKeyId"])
        assert session2 is not None
        assert session2.tags == {"project": "apollo"}
        assert session2.transitive_tag_keys == ["project"]
        assert session2.source_identity == "dev-user"
        assert session2.chained

        role_c = sts_backend.account(B).create_role(
            "c1",
            trust_policy=trust(
                {"AWS": world["b"].arn},
                actions=TAGGING,
                condition={
                    "StringEquals": {
                        "aws:SourceIdentity": "dev-user",
                        "aws:PrincipalTag/project": "apollo",
                    }
                },
            ),
        )
        world["b"].attach_policy(allow("sts:AssumeRole"))
        world["b"].attach_policy(allow("sts:TagSession"))
        world["b"].attach_policy(allow("sts:SetSourceIdentity"))
        hop3 = client_for(hop2["Credentials"]).assume_role(
            RoleArn=role_c.arn, RoleSessionName="hop3"
        )
        session3 = sts_backend.session(hop3["Credentials"]["AccessKeyId"])
        assert session3 is not None and session3.tags == {"project": "apollo"}
        assert client_for(hop3["Credentials"]).get_caller_identity()["Arn"] == (
            f"arn:aws:sts::{B}:assumed-role/c1/hop3"
        )

    def test_non_transitive_tags_do_not_flow(
        self, sts_backend: STSBackend, world: dict[str, Any]
    ) -> None:
        hop1 = world["client"].assume_role(
            RoleArn=world["a"].arn, RoleSessionName="hop1", Tags=tags(project="apollo")
        )
        # hop1's own session tags satisfy b1's trust policy (they are its principal tags)...
        hop2 = client_for(hop1["Credentials"]).assume_role(
            RoleArn=world["b"].arn, RoleSessionName="hop2"
        )
        session2 = sts_backend.session(hop2["Credentials"]["AccessKeyId"])
        assert session2 is not None and session2.tags == {}
        # ...but they do not reach hop2, so a role that checks them refuses hop2.
        role_c = sts_backend.account(B).create_role(
            "c1",
            trust_policy=trust(
                {"AWS": world["b"].arn},
                condition={"StringEquals": {"aws:PrincipalTag/project": "apollo"}},
            ),
        )
        with pytest.raises(ClientError) as exc:
            client_for(hop2["Credentials"]).assume_role(RoleArn=role_c.arn, RoleSessionName="hop3")
        assert error_of(exc) == denied(f"arn:aws:sts::{B}:assumed-role/b1/hop2", role_c.arn)
        assert "aws:PrincipalTag/project" in (sts_backend.calls[-1].explanation or "")

    @pytest.mark.parametrize("key", ["project", "PROJECT"])
    def test_transitive_tag_cannot_be_overridden(self, world: dict[str, Any], key: str) -> None:
        hop1 = self._hop1(world)
        with pytest.raises(ClientError) as exc:
            client_for(hop1["Credentials"]).assume_role(
                RoleArn=world["b"].arn, RoleSessionName="hop2", Tags=tags(**{key: "other"})
            )
        assert error_of(exc) == (
            "InvalidParameterValue",
            "One of the specified transitive tag keys can't be set because it conflicts with a "
            "transitive tag key from the calling session.",
            400,
        )

    def test_source_identity_cannot_change(self, world: dict[str, Any]) -> None:
        hop1 = self._hop1(world)
        with pytest.raises(ClientError) as exc:
            client_for(hop1["Credentials"]).assume_role(
                RoleArn=world["b"].arn, RoleSessionName="hop2", SourceIdentity="someone-else"
            )
        assert error_of(exc)[0] == "InvalidParameterValue"
        client_for(hop1["Credentials"]).assume_role(
            RoleArn=world["b"].arn, RoleSessionName="hop2", SourceIdentity="dev-user"
        )

    def test_source_identity_reserved_prefix(self, world: dict[str, Any]) -> None:
        with pytest.raises(ClientError) as exc:
            world["client"].assume_role(
                RoleArn=world["a"].arn, RoleSessionName="s1", SourceIdentity="aws:me"
            )
        assert error_of(exc)[0] == "ValidationError"

    def test_chained_session_carrying_source_identity_needs_permission(
        self, sts_backend: STSBackend, world: dict[str, Any]
    ) -> None:
        plain = sts_backend.account(B).create_role(
            "plain",
            trust_policy=trust(
                {"AWS": world["a"].arn}, actions=["sts:AssumeRole", "sts:TagSession"]
            ),
        )
        hop1 = self._hop1(world)
        with pytest.raises(ClientError) as exc:
            client_for(hop1["Credentials"]).assume_role(RoleArn=plain.arn, RoleSessionName="hop2")
        assert error_of(exc) == denied(
            f"arn:aws:sts::{A}:assumed-role/a1/hop1", plain.arn, "sts:SetSourceIdentity"
        )

    def test_mfa_chain(self, sts_backend: STSBackend, world: dict[str, Any]) -> None:
        device = world["user"].add_mfa_device()
        guarded = sts_backend.account(A).create_role(
            "guarded",
            trust_policy=trust(
                {"AWS": world["a"].arn}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            ),
        )
        without = world["client"].assume_role(RoleArn=world["a"].arn, RoleSessionName="nomfa")
        with pytest.raises(ClientError):
            client_for(without["Credentials"]).assume_role(
                RoleArn=guarded.arn, RoleSessionName="xx"
            )
        with_mfa = world["client"].assume_role(
            RoleArn=world["a"].arn,
            RoleSessionName="mfa",
            SerialNumber=device.serial_number,
            TokenCode=device.code(),
        )
        client_for(with_mfa["Credentials"]).assume_role(RoleArn=guarded.arn, RoleSessionName="xx")


@pytest.mark.parametrize("where", ["role-policy", "boundary"])
def test_deny_in_a_session_roles_policies_beats_a_trust_naming_it(
    sts_backend: STSBackend, where: str
) -> None:
    """Named explicitly by the next role's trust, a role session is still stopped by a
    Deny in its role's policies or permissions boundary (AWS: explicit deny wins)."""
    account = sts_backend.default_account
    deny_next = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"},
        ],
    }
    first = account.create_role(
        "first",
        trust_policy=trust({"AWS": sts_backend.default_user.arn}),
        policies=[deny_next] if where == "role-policy" else [allow("*")],
        permissions_boundary=deny_next if where == "boundary" else None,
    )
    second = account.create_role("second", trust_policy=trust({"AWS": first.arn}))
    creds = sts().assume_role(RoleArn=first.arn, RoleSessionName="one")["Credentials"]
    with pytest.raises(ClientError) as exc:
        client_for(creds).assume_role(RoleArn=second.arn, RoleSessionName="two")
    assert error_of(exc) == denied(f"arn:aws:sts::{account.id}:assumed-role/first/one", second.arn)
    explanation = sts_backend.calls[-1].explanation or ""
    assert "explicitly denies sts:AssumeRole" in explanation
