"""The IAM subset on the wire: botocore round trips for every operation, SigV4 for
service iam, pagination, the operations outside the subset, ``iam=False``, requests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import botocore.awsrequest
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from pytest_stsmock import STSBackend, mock_sts
from pytest_stsmock.operations import IAM_OPERATIONS
from pytest_stsmock.protocol.model import load_service_model
from pytest_stsmock.protocol.query import decode, parse_form
from pytest_stsmock.protocol.xml import encode_result
from tests.helpers.iam import ACCOUNT, allow, codes, error_of, iam, trust
from tests.helpers.shapes import example_input, example_output

IAM = load_service_model("iam")
SUBSET = sorted(IAM_OPERATIONS)
#: Shapes whose patterns the generic builder cannot satisfy.
SAMPLES = {
    "pathType": "/team/",
    "policyPathType": "/team/",
    "pathPrefixType": "/team/",
    "arnType": "arn:aws:iam::123456789012:policy/example",
    "policyDocumentType": '{"Version": "2012-10-17"}',
    "serialNumberType": "arn:aws:iam::123456789012:mfa/example",
    "policyVersionIdType": "v1",
}


# -- the codec, given IAM's model: botocore's serializer and parser, every operation ---------


def test_the_subset_is_iams_own_operations() -> None:
    assert set(SUBSET) <= set(IAM.operation_names)
    assert len(SUBSET) >= 50


@pytest.mark.parametrize("operation", SUBSET)
def test_botocore_serializer_to_our_decoder(operation: str) -> None:
    op = IAM.operation_model(operation)
    params = example_input(op, SAMPLES)
    request = create_serializer("query").serialize_to_request(params, op)
    body = AWSRequest(
        method="POST", url="https://iam.amazonaws.com/", data=request["body"]
    ).prepare()
    got_op, got = decode(IAM, parse_form(body.body))
    assert (got_op, got) == (op, params)


@pytest.mark.parametrize("operation", SUBSET)
def test_our_encoder_to_botocore_parser(operation: str) -> None:
    op = IAM.operation_model(operation)
    result = example_output(op, SAMPLES) if op.output_shape is not None else {}
    body = encode_result(op, result, "rid")
    parsed = create_parser("query").parse(
        {"status_code": 200, "headers": {}, "body": body}, op.output_shape
    )
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid"
    assert parsed == result


def test_every_operation_of_the_subset_answers_boto3(backend: STSBackend) -> None:
    """A tour through the whole subset with a real client: each answer parses."""
    c = iam()
    doc = allow("s3:GetObject")
    c.create_user(UserName="u")
    c.get_user(UserName="u")
    c.list_users()
    c.tag_user(UserName="u", Tags=[{"Key": "a", "Value": "b"}])
    c.list_user_tags(UserName="u")
    c.untag_user(UserName="u", TagKeys=["a"])
    key = c.create_access_key(UserName="u")["AccessKey"]["AccessKeyId"]
    c.list_access_keys(UserName="u")
    c.update_access_key(UserName="u", AccessKeyId=key, Status="Inactive")
    c.delete_access_key(UserName="u", AccessKeyId=key)
    c.create_group(GroupName="g")
    c.add_user_to_group(GroupName="g", UserName="u")
    c.get_group(GroupName="g")
    c.list_groups_for_user(UserName="u")
    c.remove_user_from_group(GroupName="g", UserName="u")
    c.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))
    c.get_role(RoleName="r")
    c.list_roles()
    c.update_assume_role_policy(RoleName="r", PolicyDocument=trust(ACCOUNT))
    c.update_role(RoleName="r", Description="x")
    c.update_role_description(RoleName="r", Description="y")
    c.tag_role(RoleName="r", Tags=[{"Key": "a", "Value": "b"}])
    c.list_role_tags(RoleName="r")
    c.untag_role(RoleName="r", TagKeys=["a"])
    arn = c.create_policy(PolicyName="m", PolicyDocument=doc)["Policy"]["Arn"]
    c.get_policy(PolicyArn=arn)
    for kind, name in (("user", "u"), ("group", "g"), ("role", "r")):
        holder = {f"{kind.capitalize()}Name": name}
        getattr(c, f"put_{kind}_policy")(**holder, PolicyName="p", PolicyDocument=doc)
        getattr(c, f"get_{kind}_policy")(**holder, PolicyName="p")
        getattr(c, f"list_{kind}_policies")(**holder)
        getattr(c, f"delete_{kind}_policy")(**holder, PolicyName="p")
        getattr(c, f"attach_{kind}_policy")(**holder, PolicyArn=arn)
        getattr(c, f"list_attached_{kind}_policies")(**holder)
        getattr(c, f"detach_{kind}_policy")(**holder, PolicyArn=arn)
        if kind != "group":
            getattr(c, f"put_{kind}_permissions_boundary")(**holder, PermissionsBoundary=arn)
            getattr(c, f"delete_{kind}_permissions_boundary")(**holder)
    c.delete_policy(PolicyArn=arn)
    device = c.create_virtual_mfa_device(VirtualMFADeviceName="d")["VirtualMFADevice"]
    first, second = codes(device["Base32StringSeed"], time.time())
    serial = device["SerialNumber"]
    c.enable_mfa_device(
        UserName="u", SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
    )
    c.list_mfa_devices(UserName="u")
    c.list_virtual_mfa_devices()
    c.deactivate_mfa_device(UserName="u", SerialNumber=serial)
    c.delete_virtual_mfa_device(SerialNumber=serial)
    oidc = c.create_open_id_connect_provider(
        Url="https://idp.example.com", ClientIDList=["sts.amazonaws.com"]
    )["OpenIDConnectProviderArn"]
    c.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    c.list_open_id_connect_providers()
    c.delete_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    metadata = backend.default_account.create_saml_provider("seeded").metadata
    saml = c.create_saml_provider(Name="corp", SAMLMetadataDocument=metadata)["SAMLProviderArn"]
    c.get_saml_provider(SAMLProviderArn=saml)
    c.list_saml_providers()
    c.delete_saml_provider(SAMLProviderArn=saml)
    c.delete_group(GroupName="g")
    c.delete_role(RoleName="r")
    c.delete_user(UserName="u")
    answered = {call.operation for call in backend.calls if call.service == "iam" and call.ok}
    assert answered == set(SUBSET)


# -- recorded calls ---------------------------------------------------------------------------


@pytest.fixture
def backend() -> Iterator[STSBackend]:
    with mock_sts() as backend:
        yield backend


def test_iam_calls_are_recorded_and_asserted_like_sts_calls(backend: STSBackend) -> None:
    iam().create_role(RoleName="rec", AssumeRolePolicyDocument=trust(ACCOUNT))
    with pytest.raises(ClientError):
        iam().get_role(RoleName="missing")
    call = backend.assert_called("CreateRole", RoleName="rec")
    assert (call.service, call.caller_arn, call.error_code) == (
        "iam",
        backend.default_user.arn,
        None,
    )
    assert call.response is not None and call.response["Role"]["RoleName"] == "rec"
    missing = backend.assert_called("GetRole", RoleName="missing")
    assert missing.error_code == "NoSuchEntity"
    backend.assert_not_called("DeleteRole")


# -- SigV4 for service iam ---------------------------------------------------------------------


def _signed(body: dict[str, str], *, region: str, service: str, secret: str, key: str) -> Any:
    request = AWSRequest(
        method="POST",
        url="https://iam.amazonaws.com/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
    return request.prepare()


@pytest.mark.parametrize(
    ("region", "service", "expected"),
    [
        pytest.param("us-east-1", "iam", 200, id="as-aws-signs"),
        pytest.param("eu-west-1", "iam", 403, id="wrong-region"),
        pytest.param("us-east-1", "sts", 403, id="wrong-service"),
    ],
)
def test_iam_requests_are_verified_for_us_east_1_and_service_iam(
    backend: STSBackend, region: str, service: str, expected: int
) -> None:
    key = backend.default_access_key
    prepared = _signed(
        {"Action": "ListRoles", "Version": "2010-05-08"},
        region=region,
        service=service,
        secret=key.secret_access_key,
        key=key.access_key_id,
    )
    response = requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers))
    assert response.status_code == expected, response.text
    if expected == 403:
        assert "<Code>SignatureDoesNotMatch</Code>" in response.text
        assert "Credential should be scoped" in response.text
    else:
        assert response.text.startswith(
            '<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        )


def test_a_wrong_secret_is_signature_does_not_match(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="w")
    key = client.create_access_key(UserName="w")["AccessKey"]
    bad = iam(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key="y" * 40)
    with pytest.raises(ClientError) as exc:
        bad.list_roles()
    assert error_of(exc)[0:3:2] == ("SignatureDoesNotMatch", 403)


def test_an_unknown_key_in_strict_mode_is_refused() -> None:
    with mock_sts(strict=True):
        client = iam(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40)
        with pytest.raises(ClientError) as exc:
            client.list_users()
    assert error_of(exc)[0] == "InvalidClientTokenId"


def test_iam_calls_are_authorized_by_the_callers_policies(backend: STSBackend) -> None:
    client = iam()
    client.create_user(UserName="limited")
    key = client.create_access_key(UserName="limited")["AccessKey"]
    client.put_user_policy(UserName="limited", PolicyName="p", PolicyDocument=allow("iam:GetRole"))
    limited = iam(
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    with pytest.raises(ClientError) as exc:
        limited.create_role(RoleName="nope", AssumeRolePolicyDocument=trust(ACCOUNT))
    assert error_of(exc) == (
        "AccessDenied",
        f"User: arn:aws:iam::{ACCOUNT}:user/limited is not authorized to perform: "
        f"iam:CreateRole on resource: arn:aws:iam::{ACCOUNT}:role/nope",
        403,
    )
    assert "nope" not in backend.default_account.roles


def test_iam_authorization_reads_the_requests_condition_keys(backend: STSBackend) -> None:
    # The keys are made only when a policy reads them (a speed measure): they must still
    # be the request's, for an allow, for a denial and for its explanation.
    client = iam()
    client.create_user(UserName="timed")
    key = client.create_access_key(UserName="timed")["AccessKey"]
    statement = {
        "Effect": "Allow",
        "Action": "iam:GetUser",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:RequestedRegion": "us-east-1"},
            "Bool": {"aws:SecureTransport": "true"},
        },
    }
    late = {**statement, "Action": "iam:ListUsers"}
    late["Condition"] = {"DateLessThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement, late]})
    client.put_user_policy(UserName="timed", PolicyName="p", PolicyDocument=document)
    timed = iam(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert timed.get_user(UserName="timed")["User"]["UserName"] == "timed"
    with pytest.raises(ClientError) as exc:
        timed.list_users()
    assert error_of(exc)[0] == "AccessDenied"
    assert "aws:CurrentTime" in (backend.calls[-1].explanation or "")


# -- pagination ----------------------------------------------------------------------------------


def test_list_operations_page_with_marker_and_max_items(backend: STSBackend) -> None:
    client = iam()
    for n in range(5):
        client.create_role(RoleName=f"role{n}", AssumeRolePolicyDocument=trust(ACCOUNT))
    first = client.list_roles(MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Roles"]) == 2
    second = client.list_roles(MaxItems=2, Marker=first["Marker"])
    third = client.list_roles(MaxItems=2, Marker=second["Marker"])
    assert third["IsTruncated"] is False and "Marker" not in third
    names = [r["RoleName"] for page in (first, second, third) for r in page["Roles"]]
    assert names == [f"role{n}" for n in range(5)]
    pages = client.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 3})
    assert [r["RoleName"] for page in pages for r in page["Roles"]] == names
    with pytest.raises(ClientError) as exc:
        client.list_roles(Marker="forged")
    assert error_of(exc)[0:3:2] == ("ValidationError", 400)


def test_max_items_outside_the_model_range_is_a_validation_error(backend: STSBackend) -> None:
    with pytest.raises(ClientError) as exc:
        iam().list_users(MaxItems=1001)
    code, message, status = error_of(exc)
    assert (code, status) == ("ValidationError", 400)
    assert message == (
        "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000"
    )


# -- outside the subset, iam=False, requests --------------------------------------------------------


def test_an_operation_outside_the_subset_answers_an_error_naming_it(backend: STSBackend) -> None:
    with pytest.raises(ClientError) as exc:
        iam().list_instance_profiles()
    code, message, status = error_of(exc)
    assert (code, status) == ("NotImplemented", 501)
    assert "ListInstanceProfiles" in message
    assert backend.calls[-1].operation == "ListInstanceProfiles"


class _Recorder:
    """An HTTP session standing in for the network: records what reached it."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, request: Any) -> Any:
        self.sent.append(request)
        body = (
            b'<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            b"<ListRolesResult><Roles/><IsTruncated>false</IsTruncated></ListRolesResult>"
            b"<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ListRolesResponse>"
        )
        return botocore.awsrequest.AWSResponse(request.url, 200, {}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self.body


def test_iam_false_leaves_iam_requests_alone() -> None:
    with mock_sts(iam=False) as backend:
        client = iam()
        recorder = _Recorder()
        client._endpoint.http_session = recorder
        assert client.list_roles()["Roles"] == []
        assert len(recorder.sent) == 1
        assert backend.calls == []


def test_iam_on_never_reaches_the_network() -> None:
    with mock_sts() as backend:
        client = iam()
        recorder = _Recorder()
        client._endpoint.http_session = recorder
        client.list_roles()
        with pytest.raises(ClientError):
            client.list_open_id_connect_provider_tags(
                OpenIDConnectProviderArn="arn:aws:iam::123456789012:oidc-provider/x"
            )
    assert recorder.sent == []
    assert [c.operation for c in backend.calls] == ["ListRoles", "ListOpenIDConnectProviderTags"]


def test_requests_to_an_iam_host_are_answered_too(backend: STSBackend) -> None:
    key = backend.default_access_key
    prepared = _signed(
        {
            "Action": "CreateRole",
            "Version": "2010-05-08",
            "RoleName": "via-requests",
            "AssumeRolePolicyDocument": json.dumps(json.loads(trust(ACCOUNT))),
        },
        region="us-east-1",
        service="iam",
        secret=key.secret_access_key,
        key=key.access_key_id,
    )
    response = requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers))
    assert response.status_code == 200
    assert "via-requests" in backend.default_account.roles


def test_mock_sts_checks_the_iam_option() -> None:
    from pytest_stsmock import StsMockError

    with pytest.raises(StsMockError, match=r"mock_sts\(iam=...\) must be True or False"):
        mock_sts(iam="yes")  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("url", "service", "expected"),
    [
        pytest.param("http://127.0.0.1:4566/", "iam", "iam", id="server-signed-for-iam"),
        pytest.param("http://127.0.0.1:4566/", "sts", "sts", id="server-signed-for-sts"),
        pytest.param("https://iam.amazonaws.com/", "iam", "iam", id="iam-host"),
        pytest.param("https://sts.amazonaws.com/", "iam", "sts", id="sts-host-wins"),
    ],
)
def test_one_port_answers_both_services_by_the_signature_scope(
    url: str, service: str, expected: str
) -> None:
    """What the standalone server relies on: the request says which service it is for."""
    from pytest_stsmock import _pipeline
    from pytest_stsmock._http import HttpRequest

    request = AWSRequest(method="POST", url=url, data={"Action": "ListRoles"})
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "x" * 40), service, "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = {k.lower(): v for k, v in prepared.headers.items()}
    assert _pipeline.service_of(HttpRequest("POST", url, headers, prepared.body)) == expected


def test_a_custom_iam_endpoint_url_is_answered_in_process(backend: STSBackend) -> None:
    client = iam(endpoint_url="http://127.0.0.1:9")  # nothing listens there
    client.create_role(RoleName="local", AssumeRolePolicyDocument=trust(ACCOUNT))
    assert "local" in backend.default_account.roles


def test_the_standalone_server_answers_the_iam_subset(sts_server: Any) -> None:
    """The HTTP server tells IAM from STS by the signature's scope, on one port."""
    key = sts_server.backend.default_access_key
    body = {
        "Action": "CreateRole",
        "Version": "2010-05-08",
        "RoleName": "served",
        "AssumeRolePolicyDocument": trust(ACCOUNT),
    }
    request = AWSRequest(
        method="POST",
        url=sts_server.endpoint_url + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key.access_key_id, key.secret_access_key), "iam", "us-east-1").add_auth(
        request
    )
    prepared = request.prepare()
    response = requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers))
    assert response.status_code == 200, response.text
    assert "<CreateRoleResponse" in response.text
    assert "served" in sts_server.backend.default_account.roles
