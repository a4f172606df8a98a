"""DecodeAuthorizationMessage: opaque messages of real decisions, AWS's document, forgery refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, mock_sts
from pytest_stsmock.errors import StsMockError
from tests.helpers.clients import error_of, sts

DENY_TAGGED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Sid": "NoProd",
            "Effect": "Deny",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/prod-*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
    ],
}
TRUST_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
INVALID = (
    "InvalidAuthorizationMessageException",
    "The encoded authorization message is not valid: it was not issued by this service "
    "or it was altered.",
    400,
)


def _denied_call(sts_backend: STSBackend) -> Any:
    user = sts_backend.default_account.create_user("dev", policies=[DENY_TAGGED])
    role = sts_backend.default_account.create_role("prod-db", trust_policy=TRUST_ACCOUNT)
    client = sts("eu-west-1", **user.create_access_key().client_kwargs)
    with pytest.raises(ClientError):
        client.assume_role(RoleArn=role.arn, RoleSessionName="ss")
    return sts_backend.calls[-1], user, role


def test_an_explicit_deny_decodes_to_awss_document(sts_backend: STSBackend) -> None:
    call, user, role = _denied_call(sts_backend)
    assert call.error_code == "AccessDenied"
    message = sts_backend.encode_authorization_message(call)
    assert message == call.encoded_authorization_message
    decoded = sts().decode_authorization_message(EncodedMessage=message)["DecodedMessage"]
    doc = json.loads(decoded)
    assert decoded == json.dumps(doc, separators=(",", ":"))  # compact, as AWS sends it
    assert doc["allowed"] is False
    assert doc["explicitDeny"] is True
    assert doc["failures"] == {"items": []}
    [statement] = doc["matchedStatements"]["items"]
    assert statement["statementId"] == "NoProd"
    assert statement["effect"] == "DENY"
    assert statement["actions"] == {"items": [{"value": "sts:AssumeRole"}]}
    assert statement["resources"] == {"items": [{"value": "arn:aws:iam::*:role/prod-*"}]}
    assert statement["conditions"]["items"][0]["key"] == "aws:RequestedRegion"
    context = doc["context"]
    assert context["principal"] == {"id": user.unique_id, "arn": user.arn}
    assert context["action"] == "sts:AssumeRole"
    assert context["resource"] == role.arn
    conditions = {c["key"]: c["values"]["items"] for c in context["conditions"]["items"]}
    assert conditions["aws:requestedregion"] == [{"value": "eu-west-1"}]
    assert conditions["aws:username"] == [{"value": "dev"}]
    assert conditions["sts:rolesessionname"] == [{"value": "ss"}]


def test_an_implicit_deny_has_no_matched_statement(sts_backend: STSBackend) -> None:
    nothing = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
    }
    user = sts_backend.default_account.create_user("dev", policies=[nothing])
    client = sts(**user.create_access_key().client_kwargs)
    with pytest.raises(ClientError):
        client.get_federation_token(Name="fed")
    call = sts_backend.calls[-1]
    doc = json.loads(
        sts().decode_authorization_message(EncodedMessage=call.encoded_authorization_message)[
            "DecodedMessage"
        ]
    )
    assert doc["explicitDeny"] is False
    assert doc["matchedStatements"] == {"items": []}
    assert doc["context"]["action"] == "sts:GetFederationToken"
    assert doc["context"]["resource"] == "arn:aws:sts::123456789012:federated-user/fed"


def test_each_denied_call_gets_its_own_message(sts_backend: STSBackend) -> None:
    first, _, role = _denied_call(sts_backend)
    client = sts(
        "eu-west-1", **sts_backend.default_account.users["dev"].access_keys[0].client_kwargs
    )
    with pytest.raises(ClientError):
        client.assume_role(RoleArn=role.arn, RoleSessionName="other")
    second = sts_backend.calls[-1]
    assert first.encoded_authorization_message != second.encoded_authorization_message
    decoded = sts().decode_authorization_message(
        EncodedMessage=second.encoded_authorization_message
    )["DecodedMessage"]
    assert '"sts:rolesessionname","values":{"items":[{"value":"other"}]}' in decoded


def test_the_caller_needs_sts_decode_authorization_message(sts_backend: STSBackend) -> None:
    call, _, _ = _denied_call(sts_backend)
    nothing = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
    }
    reader = sts_backend.default_account.create_user("reader", policies=[nothing])
    client = sts(**reader.create_access_key().client_kwargs)
    with pytest.raises(ClientError) as exc:
        client.decode_authorization_message(EncodedMessage=call.encoded_authorization_message)
    assert error_of(exc) == (
        "AccessDenied",
        f"User: {reader.arn} is not authorized to perform: sts:DecodeAuthorizationMessage",
        403,
    )
    reader.attach_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"}
            ],
        }
    )
    assert client.decode_authorization_message(EncodedMessage=call.encoded_authorization_message)[
        "DecodedMessage"
    ].startswith('{"allowed":false')


def _flip(message: str, index: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    char = message[index]
    replacement = alphabet[(alphabet.index(char) + 1) % len(alphabet)] if char in alphabet else "A"
    return message[:index] + replacement + message[index + 1 :]


@pytest.mark.parametrize("index", [0, 10, 31, 32, 40, -2, -1])
def test_a_tampered_message_is_refused(sts_backend: STSBackend, index: int) -> None:
    call, _, _ = _denied_call(sts_backend)
    with pytest.raises(ClientError) as exc:
        sts().decode_authorization_message(
            EncodedMessage=_flip(call.encoded_authorization_message, index)
        )
    assert error_of(exc) == INVALID


@pytest.mark.parametrize(
    "forged",
    [
        "hello",
        "A" * 76,
        '{"allowed":true}',
        "eyJhbGxvd2VkIjp0cnVlfQ==",
    ],
)
def test_made_up_messages_are_refused(sts_backend: STSBackend, forged: str) -> None:
    with pytest.raises(ClientError) as exc:
        sts().decode_authorization_message(EncodedMessage=forged)
    assert error_of(exc) == INVALID


def test_a_message_of_another_backend_is_refused() -> None:
    with mock_sts(seed=1) as other:
        foreign, _, _ = _denied_call(other)
    with mock_sts(seed=1) as same_seed:
        with pytest.raises(ClientError) as exc:
            sts().decode_authorization_message(EncodedMessage=foreign.encoded_authorization_message)
        assert error_of(exc) == INVALID
        assert same_seed.calls[-1].error_code == "InvalidAuthorizationMessageException"


def test_reset_forgets_every_message(sts_backend: STSBackend) -> None:
    call, _, _ = _denied_call(sts_backend)
    sts_backend.reset()
    with pytest.raises(ClientError) as exc:
        sts().decode_authorization_message(EncodedMessage=call.encoded_authorization_message)
    assert error_of(exc) == INVALID


def test_only_denied_calls_have_a_message(sts_backend: STSBackend) -> None:
    sts().get_caller_identity()
    ok = sts_backend.calls[-1]
    assert ok.encoded_authorization_message is None
    with pytest.raises(StsMockError, match="was not refused by an authorization decision"):
        sts_backend.encode_authorization_message(ok)
