"""The server as an HTTP/1.1 endpoint: keep-alive, bodies, paths, Host in SigV4, refusals."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_stsmock import StsMockError, _pipeline
from pytest_stsmock.backend import STSBackend
from pytest_stsmock.server import StsServer
from tests.helpers.server import ALICE_KEY, ROLE_ARN, connection, post, signed_headers


def test_binds_loopback_on_a_free_port_by_default() -> None:
    with StsServer() as server:
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        assert not server.endpoint_url.endswith(":0")


def test_boto3_over_http_gets_the_identity_of_a_fixed_key(
    make_client: Callable[..., Any], server: StsServer
) -> None:
    identity = make_client(server.endpoint_url).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::111122223333:user/alice"
    assert [(c.operation, c.error_code) for c in server.backend.calls] == [
        ("GetCallerIdentity", None)
    ]


def test_keep_alive_answers_several_requests_on_one_connection(
    server: StsServer, conn: http.client.HTTPConnection
) -> None:
    url = server.endpoint_url + "/"
    statuses = []
    first_socket = None
    for _ in range(3):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        status, headers, _ = post(conn, "/", body, signed_headers(url, body))
        statuses.append(status)
        assert headers.get("connection") != "close"
        first_socket = first_socket or conn.sock
        assert conn.sock is first_socket  # not reconnected
    assert statuses == [200, 200, 200]
    assert [c.error_code for c in server.backend.calls] == [None, None, None]


def test_a_chunked_body_is_read(server: StsServer, conn: http.client.HTTPConnection) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    headers = signed_headers(server.endpoint_url + "/", body)
    headers.pop("Content-Length", None)
    headers["Transfer-Encoding"] = "chunked"
    pieces: Iterator[bytes] = iter([body[:10], body[10:25], body[25:]])
    status, _, data = post(conn, "/", pieces, headers, encode_chunked=True)
    assert status == 200, data
    assert b"<Arn>arn:aws:iam::111122223333:user/alice</Arn>" in data


@pytest.mark.parametrize("path", ["/sts/", "/sts", "/a/b/"])
def test_a_custom_endpoint_path_is_part_of_the_signature(
    make_client: Callable[..., Any], server: StsServer, conn: http.client.HTTPConnection, path: str
) -> None:
    sts = make_client(server.endpoint_url + path)
    assert sts.get_caller_identity()["Account"] == "111122223333"
    # Signed for one path, sent to another: the signature covers the path.
    headers = signed_headers(server.endpoint_url + path)
    status, _, data = post(
        conn,
        "/other/",
        b"Action=GetCallerIdentity&Version=2011-06-15",
        headers,
    )
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in data


def test_the_host_header_with_its_port_is_verified(
    server: StsServer, conn: http.client.HTTPConnection
) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    headers = signed_headers(server.endpoint_url + "/", body)
    assert post(conn, "/", body, headers)[0] == 200
    host, port = headers["Host"].rsplit(":", 1)
    headers["Host"] = f"{host}:{int(port) + 1}"  # the same host, another port
    status, _, data = post(conn, "/", body, headers)
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in data


def test_a_wrong_secret_is_signature_does_not_match(
    make_client: Callable[..., Any], server: StsServer
) -> None:
    sts = make_client(server.endpoint_url, secret="not/alice/secret/000000000000000000000")
    with pytest.raises(ClientError) as raised:
        sts.get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_assume_role_with_tags_over_http(
    make_client: Callable[..., Any], server: StsServer
) -> None:
    answer = make_client(server.endpoint_url).assume_role(
        RoleArn=ROLE_ARN, RoleSessionName="ci", Tags=[{"Key": "team", "Value": "blue"}]
    )
    session = server.backend.session(answer["Credentials"]["AccessKeyId"])
    assert session is not None and session.tags == {"team": "blue"}
    chained = make_client(server.endpoint_url, **_temporary(answer)).get_caller_identity()
    assert chained["Arn"] == "arn:aws:sts::111122223333:assumed-role/deployer/ci"


def _temporary(answer: dict[str, Any]) -> dict[str, Any]:
    creds = answer["Credentials"]
    return {
        "key": creds["AccessKeyId"],
        "secret": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def _raw(server: StsServer, data: bytes) -> bytes:
    host, port = server.endpoint_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (b"GARBAGE\r\n\r\n", 400, b"MalformedRequest"),
        (b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, b"InvalidHttpMethod"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", 400, b"MalformedRequest"),
        (
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            400,
            b"MalformedRequest",
        ),
        (
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            400,
            b"MalformedRequest",
        ),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414, b"RequestURITooLong"),
        (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 150 + b"\r\n", 431, b"RequestHeaderFieldsTooLarge"),
    ],
)
def test_unreadable_requests_get_aws_shaped_xml_never_html(
    make_client: Callable[..., Any],
    server: StsServer,
    request_bytes: bytes,
    status: int,
    code: bytes,
) -> None:
    answer = _raw(server, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert b"Content-Type: text/xml" in head and b"Connection: close" in head
    assert body.startswith(b"<ErrorResponse") and b"<Code>" + code + b"</Code>" in body
    assert b"<html" not in body.lower()
    assert server.backend.calls == []
    assert make_client(server.endpoint_url).get_caller_identity()["Account"] == "111122223333"


def test_an_error_of_ours_is_a_500_internal_failure_in_xml(
    make_client: Callable[..., Any], server: StsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(backend: STSBackend, request: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(_pipeline, "handle", broken)  # what the server calls
    with pytest.raises(ClientError) as raised:
        make_client(server.endpoint_url).get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "InternalFailure"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_get_with_a_query_string_is_answered(
    server: StsServer, conn: http.client.HTTPConnection
) -> None:
    url = server.endpoint_url + "/?Action=GetCallerIdentity&Version=2011-06-15"
    headers = signed_headers(url, b"", method="GET")
    conn.request("GET", "/?Action=GetCallerIdentity&Version=2011-06-15", headers=headers)
    response = conn.getresponse()
    assert response.status == 200, response.read()
    assert ALICE_KEY not in response.read().decode()


def test_stop_closes_kept_alive_connections_and_the_port() -> None:
    server = StsServer().start()
    conn = connection(server.endpoint_url)
    try:
        conn.request("GET", "/_stsmock/health")
        assert conn.getresponse().read()
        server.stop()
        server.stop()  # idempotent
        with pytest.raises(OSError):  # the kept-alive connection was shut, the port is closed
            conn.request("GET", "/_stsmock/health")
            conn.getresponse().read()
            conn.close()
            conn.request("GET", "/_stsmock/health")
    finally:
        conn.close()


def test_misuse_of_the_server_object_says_what_to_do() -> None:
    with pytest.raises(StsMockError, match="takes an STSBackend"):
        StsServer(backend="not a backend")  # type: ignore[arg-type]
    server = StsServer()
    assert repr(server).startswith("StsServer(stopped, STSBackend(")
    with pytest.raises(StsMockError, match="not running"):
        server.endpoint_url  # noqa: B018
    with server:
        with pytest.raises(StsMockError, match="already running"):
            server.start()
        assert repr(server).startswith(f"StsServer({server.endpoint_url}, ")
