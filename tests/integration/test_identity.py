"""GetCallerIdentity, GetAccessKeyInfo, GetFederationToken and authentication failures."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
import requests
import time_machine
from botocore.exceptions import ClientError

from pytest_stsmock import STSBackend, mock_sts
from tests.helpers.clients import client_for, error_of, sts


class TestGetCallerIdentity:
    def test_iam_user_with_path(self, sts_backend: STSBackend) -> None:
        user = sts_backend.default_account.create_user("carol", path="/engineering/")
        identity = sts(**user.create_access_key().client_kwargs).get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:user/engineering/carol"
        assert identity["UserId"] == user.unique_id
        assert user.unique_id.startswith("AIDA") and len(user.unique_id) == 21

    def test_root(self, sts_backend: STSBackend) -> None:
        key = sts_backend.account("444455556666").root.create_access_key()
        identity = sts(**key.client_kwargs).get_caller_identity()
        assert identity == {**identity, "UserId": "444455556666", "Account": "444455556666"}
        assert identity["Arn"] == "arn:aws:iam::444455556666:root"

    def test_federated_user(self, sts_backend: STSBackend) -> None:
        result = sts().get_federation_token(Name="dana")
        creds = result["Credentials"]
        client = client_for(creds)
        identity = client.get_caller_identity()
        assert identity["Arn"] == "arn:aws:sts::123456789012:federated-user/dana"
        assert identity["UserId"] == "123456789012:dana"
        assert identity["Account"] == "123456789012"

    def test_unsigned_error_envelope_is_aws_shaped(self, sts_backend: STSBackend) -> None:
        body = requests.post(
            "https://sts.amazonaws.com/",
            data={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
            timeout=5,
        )
        assert body.status_code == 403
        assert body.headers["Content-Type"] == "text/xml"
        assert body.text.startswith(
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n'
            "  <Error>\n    <Type>Sender</Type>\n    <Code>MissingAuthenticationToken</Code>\n"
            "    <Message>Request is missing Authentication Token</Message>\n  </Error>\n"
        )


class TestGetAccessKeyInfo:
    @pytest.mark.parametrize(
        ("key_id", "account"),
        [
            pytest.param("ASIAY34FZKBOKMUTVV7A", "609629065308", id="published-vector-1"),
            pytest.param("ASIAQNZGKIQY56JQ7WML", "029608264753", id="published-vector-2"),
        ],
    )
    def test_decodes_any_aws_format_key(
        self, sts_backend: STSBackend, key_id: str, account: str
    ) -> None:
        assert sts().get_access_key_info(AccessKeyId=key_id)["Account"] == account

    def test_keys_we_issue_encode_their_account(self, sts_backend: STSBackend) -> None:
        other = sts_backend.account("210987654321").create_user("eve").create_access_key()
        assert (
            sts().get_access_key_info(AccessKeyId=other.access_key_id)["Account"] == "210987654321"
        )

    def test_pattern_is_validated(self, sts_backend: STSBackend) -> None:
        with pytest.raises(ClientError) as exc:
            sts().get_access_key_info(AccessKeyId="AKIA-NOT-A-VALID-ID")
        assert error_of(exc) == (
            "ValidationError",
            "1 validation error detected: Value 'AKIA-NOT-A-VALID-ID' at 'accessKeyId' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: [\\w]*",
            400,
        )


class TestGetFederationToken:
    def test_response_shape(self, sts_backend: STSBackend) -> None:
        with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc), tick=False):
            result = sts().get_federation_token(Name="build-bot", DurationSeconds=900)
        assert result["FederatedUser"] == {
            "FederatedUserId": "123456789012:build-bot",
            "Arn": "arn:aws:sts::123456789012:federated-user/build-bot",
        }
        assert result["PackedPolicySize"] == 0
        assert result["Credentials"]["Expiration"] == dt.datetime(
            2026, 5, 1, 0, 15, tzinfo=dt.timezone.utc
        )

    def test_inline_policy_packed_size(self, sts_backend: STSBackend) -> None:
        policy = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
            '"Resource":"arn:aws:s3:::example-bucket/*"}]}'
        )
        result = sts().get_federation_token(Name="reader", Policy=policy)
        assert result["PackedPolicySize"] == 16
        session = sts_backend.session(result["Credentials"]["AccessKeyId"])
        assert session is not None and session.policy == policy

    @pytest.mark.parametrize(
        ("policy", "message"),
        [
            pytest.param("{not json", "The policy is not in the valid JSON format.", id="not-json"),
            pytest.param(
                '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}',
                "Syntax errors in policy.",
                id="bad-effect",
            ),
        ],
    )
    def test_malformed_policy(self, sts_backend: STSBackend, policy: str, message: str) -> None:
        with pytest.raises(ClientError) as exc:
            sts().get_federation_token(Name="reader", Policy=policy)
        assert error_of(exc) == ("MalformedPolicyDocument", message, 400)
        assert sts_backend.sessions == []

    def test_policy_longer_than_2048_is_echoed_whole(self, sts_backend: STSBackend) -> None:
        policy = '{"Version":"2012-10-17","Statement":[' + " " * 2048 + "]}"
        with pytest.raises(ClientError) as exc:
            sts().get_federation_token(Name="reader", Policy=policy)
        assert error_of(exc) == (
            "ValidationError",
            f"1 validation error detected: Value '{policy}' at 'policy' failed to satisfy "
            "constraint: Member must have length less than or equal to 2048",
            400,
        )

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            pytest.param(
                "b b",
                "1 validation error detected: Value 'b b' at 'name' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
                id="space",
            ),
            pytest.param(
                "n" * 33,
                f"1 validation error detected: Value '{'n' * 33}' at 'name' failed to satisfy "
                "constraint: Member must have length less than or equal to 32",
                id="too-long",
            ),
        ],
    )
    def test_name_rules(self, sts_backend: STSBackend, name: str, message: str) -> None:
        with pytest.raises(ClientError) as exc:
            sts().get_federation_token(Name=name)
        assert error_of(exc) == ("ValidationError", message, 400)

    def test_session_credentials_cannot_call_it(self, sts_backend: STSBackend) -> None:
        creds = sts().get_session_token()["Credentials"]
        client = client_for(creds)
        with pytest.raises(ClientError) as exc:
            client.get_federation_token(Name="x1")
        assert error_of(exc) == (
            "AccessDenied",
            "Cannot call GetFederationToken with session credentials",
            403,
        )

    def test_needs_permission(self, sts_backend: STSBackend) -> None:
        user = sts_backend.default_account.create_user("nobody")
        with pytest.raises(ClientError) as exc:
            sts(**user.create_access_key().client_kwargs).get_federation_token(Name="fed")
        assert error_of(exc) == (
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/nobody is not authorized to perform: "
            "sts:GetFederationToken on resource: arn:aws:sts::123456789012:federated-user/fed",
            403,
        )
        assert sts_backend.calls[-1].explanation

    def test_root_duration_capped(self, sts_backend: STSBackend) -> None:
        root = sts_backend.default_account.root.create_access_key()
        with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc), tick=False):
            result = sts(**root.client_kwargs).get_federation_token(
                Name="fed", DurationSeconds=36000
            )
        assert result["Credentials"]["Expiration"] == dt.datetime(
            2026, 5, 1, 1, tzinfo=dt.timezone.utc
        )


class TestAuthentication:
    def test_wrong_secret(self, sts_backend: STSBackend) -> None:
        key = sts_backend.default_access_key
        client = sts(aws_access_key_id=key.access_key_id, aws_secret_access_key="wrong" * 8)
        with pytest.raises(ClientError) as exc:
            client.get_caller_identity()
        assert error_of(exc) == (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
            403,
        )

    def test_expired_session(self, sts_backend: STSBackend) -> None:
        start = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
        with time_machine.travel(start, tick=False):
            creds = sts().get_session_token(DurationSeconds=900)["Credentials"]
        client = client_for(creds)
        with time_machine.travel(start + dt.timedelta(seconds=899), tick=False):
            client.get_caller_identity()
        with (
            time_machine.travel(start + dt.timedelta(seconds=900), tick=False),
            pytest.raises(ClientError) as exc,
        ):
            client.get_caller_identity()
        assert error_of(exc) == (
            "ExpiredToken",
            "The security token included in the request is expired",
            403,
        )

    @pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "mismatched"])
    def test_session_token_must_belong_to_the_key(
        self, sts_backend: STSBackend, token: str | None
    ) -> None:
        creds = sts().get_session_token()["Credentials"]
        kwargs = {"aws_session_token": token} if token else {}
        client = sts(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            **kwargs,
        )
        with pytest.raises(ClientError) as exc:
            client.get_caller_identity()
        assert error_of(exc) == (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
        )

    def test_unknown_key_acts_as_default_user_when_not_strict(
        self, sts_backend: STSBackend
    ) -> None:
        client = sts(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40)
        assert client.get_caller_identity()["Arn"] == sts_backend.default_user.arn

    @pytest.mark.stsmock(strict=True)
    def test_unknown_key_is_refused_when_strict(self, sts_backend: STSBackend) -> None:
        client = sts(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40)
        with pytest.raises(ClientError) as exc:
            client.get_caller_identity()
        assert error_of(exc) == (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
        )

    def test_unsigned_request_is_refused(self, sts_backend: STSBackend) -> None:
        from botocore import UNSIGNED
        from botocore.config import Config

        client = boto3.client(
            "sts", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
        )
        with pytest.raises(ClientError) as exc:
            client.get_caller_identity()
        assert error_of(exc) == (
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
            403,
        )

    def test_presigned_get_caller_identity_through_requests(self) -> None:
        with mock_sts() as backend:
            user = backend.default_account.create_user("presigner")
            client = sts(**user.create_access_key().client_kwargs)
            url = client.generate_presigned_url("get_caller_identity", HttpMethod="GET")
            response = requests.get(url, timeout=5)
        assert response.status_code == 200
        assert "<Arn>arn:aws:iam::123456789012:user/presigner</Arn>" in response.text

    def test_region_disabled(self, sts_backend: STSBackend) -> None:
        sts_backend.default_account.disable_region("ap-east-1")
        # AWS: a deactivated region stops STS issuing credentials there (the
        # model lists RegionDisabledException only for those operations).
        assert sts(region="ap-east-1").get_caller_identity()["Account"] == "123456789012"
        with pytest.raises(ClientError) as exc:
            sts(region="ap-east-1").get_session_token()
        assert error_of(exc) == (
            "RegionDisabledException",
            "STS is not activated in this region for account:123456789012. Your account "
            "administrator can activate STS in this region using the IAM Console.",
            403,
        )
        sts_backend.default_account.enable_region("ap-east-1")
        assert sts(region="ap-east-1").get_session_token()["Credentials"]
