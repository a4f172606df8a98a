"""A small identity-proof verifier: server-side code that pytest-stsmock tests as well.

A client proves who it is without handing over its AWS credentials. It
presigns an STS GetCallerIdentity request, signing into it a header that names
the service it wants to reach (a cluster id, as EKS's aws-iam-authenticator
does with ``x-k8s-aws-id``), and sends the URL as a bearer token:
``k8s-aws-v1.`` + the URL in unpadded base64url.

The verifier refuses a token that is not such a URL (wrong host, path or
action, extra parameters, the header not signed) before anything is sent,
then replays it to STS with its own cluster id and reads the caller's ARN
from STS's JSON answer. STS checks the rest: the signature, the signed
header's value and the 15-minute life of the URL.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import requests

TOKEN_PREFIX = "k8s-aws-v1."
CLUSTER_ID_HEADER = "x-k8s-aws-id"
MAX_TOKEN_LENGTH = 4096

#: STS's global and regional hosts in the aws partition.
_STS_HOST = re.compile(r"sts(?:\.[a-z]{2}(?:-[a-z]+)+-\d)?\.amazonaws\.com")
_QUERY_PARAMETERS = {
    "action", "version", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
    "x-amz-expires", "x-amz-security-token", "x-amz-signature", "x-amz-signedheaders",
}  # fmt: skip


class InvalidToken(ValueError):
    """The token is not a presigned GetCallerIdentity URL for us; STS was not asked."""


class Rejected(Exception):
    """STS refused the proof."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code} ({status}): {message}")
        self.code = code
        self.message = message
        self.status = status


def make_token(cluster_id: str, sts_client: Any | None = None) -> str:
    """A proof of the caller's identity for ``cluster_id`` (the client side)."""
    client = sts_client or boto3.client("sts")

    def sign_cluster_id(request: Any, **_: Any) -> None:
        request.headers[CLUSTER_ID_HEADER] = cluster_id

    client.meta.events.register("before-sign.sts.GetCallerIdentity", sign_cluster_id)
    try:
        # X-Amz-Expires is ignored by STS: the URL lives 15 minutes whatever it says.
        url = client.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    finally:
        client.meta.events.unregister("before-sign.sts.GetCallerIdentity", sign_cluster_id)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def presigned_url(token: str) -> str:
    """The URL inside a token, checked to be an STS GetCallerIdentity URL for us."""
    if len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        raise InvalidToken(f"a token starts with {TOKEN_PREFIX!r} and is at most 4 KiB")
    encoded = token[len(TOKEN_PREFIX) :]
    try:
        url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidToken("the token is not base64url") from error
    parts = urlsplit(url)
    if parts.scheme != "https" or not _STS_HOST.fullmatch(parts.netloc):
        raise InvalidToken(f"not an STS URL: {parts.scheme}://{parts.netloc}")
    if parts.path not in ("", "/") or parts.fragment:
        raise InvalidToken("an STS URL has no path")
    query = parse_qs(parts.query, keep_blank_values=True)
    params = {name.lower(): values for name, values in query.items()}
    unexpected = set(params) - _QUERY_PARAMETERS
    if unexpected or any(len(values) != 1 for values in params.values()):
        raise InvalidToken(f"unexpected query parameters: {sorted(unexpected) or 'repeated'}")
    if params.get("action") != ["GetCallerIdentity"]:
        raise InvalidToken("the URL is not a GetCallerIdentity request")
    signed = params.get("x-amz-signedheaders", [""])[0].lower().split(";")
    if CLUSTER_ID_HEADER not in signed or "x-amz-signature" not in params:
        raise InvalidToken(f"the URL is not signed with the {CLUSTER_ID_HEADER} header")
    return url


def verify(token: str, cluster_id: str, *, session: requests.Session | None = None) -> str:
    """The ARN of whoever made ``token`` for ``cluster_id``.

    Raises :class:`InvalidToken` before asking STS, or :class:`Rejected`
    with STS's error code and message.
    """
    url = presigned_url(token)
    response = (session or requests.Session()).get(
        url,
        headers={CLUSTER_ID_HEADER: cluster_id, "Accept": "application/json"},
        timeout=10,
        allow_redirects=False,
    )
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200:
        error = answer.get("Error", {}) if isinstance(answer, dict) else {}
        raise Rejected(
            error.get("Code", "Unknown"), error.get("Message", response.text), response.status_code
        )
    try:
        return str(answer["GetCallerIdentityResponse"]["GetCallerIdentityResult"]["Arn"])
    except (KeyError, TypeError) as error:
        raise Rejected("MalformedAnswer", response.text, response.status_code) from error


if __name__ == "__main__":  # pragma: no cover - needs real AWS
    import sys

    print(verify(make_token(sys.argv[1]), sys.argv[1]))
