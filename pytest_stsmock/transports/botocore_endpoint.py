"""botocore's ``Endpoint._send``: the adapter for boto3, botocore and the AWS CLI in-process.

Patched as a class attribute, so clients made before activation are caught,
and so are the STS clients botocore makes for its own credential providers.
The test is the endpoint's prefix (``sts``; ``iam`` too unless the mock was
started with ``iam=False``), not the host, so every endpoint
form is caught: global, regional, FIPS, dual-stack, the aws-cn and aws-us-gov
partitions and any custom ``endpoint_url``.  Requests for other services go on
untouched.  moto answers at ``before-send``, before ``_send``: its stubber is
wrapped at activation, or right after moto's import when that comes later
(``install``), so no per-request check is needed here.

Every STS call a test makes comes this way, so the conversions are direct:
the headers are read from botocore's storage (``_convert.botocore_headers``),
and the ``AWSResponse`` is filled in place
of its ``__init__``, with its ``HeadersDict`` made from header keys built
once per header name (:func:`aws_response`; botocore's own constructor
makes a key object per header per response) and its content already read.
Both fall back to the public
road when botocore's internals are not the expected ones, and a test
compares the result with botocore's own construction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.awsrequest
import botocore.endpoint

from pytest_stsmock import _pipeline
from pytest_stsmock._http import HttpRequest, HttpResponse

from . import _convert, registry

#: The last wrapper made, beside the ``_send`` it wraps: activations reuse it while
#: ``Endpoint._send`` is still that original (building the closure cost a tenth of
#: an activation).
_built: list[tuple[Any, Any, Callable[[], None]]] = []

_AWSResponse = botocore.awsrequest.AWSResponse
_HeadersDict = botocore.awsrequest.HeadersDict
_new_request = tuple.__new__  # HttpRequest without its Python-level __new__

#: botocore's header key of each response header name seen; a key is never changed
#: once made, so HeadersDicts may share them.
_KEYS: dict[str, Any] = {}


def _key(name: str) -> Any:
    key = _KEYS[name] = botocore.awsrequest._HeaderKey(name)
    return key


def _fast_response_works() -> bool:
    """True when an AWSResponse filled by :func:`_filled` is what botocore's constructor
    makes (the same attributes, and a HeadersDict keeping its keys in ``_dict``)."""
    try:
        made = _AWSResponse("https://sts.amazonaws.com/", 200, {"A-b": "1"}, None)
        headers = _HeadersDict.__new__(_HeadersDict)
        headers._dict = {_key("A-b"): "1"}
        return (
            set(vars(made)) == {"url", "status_code", "headers", "raw", "_content"}
            and set(vars(made.headers)) == {"_dict"}
            and made.headers._dict == headers._dict
            and dict(made.headers) == dict(headers)
        )
    except Exception:  # any other layout: botocore's constructor, always
        return False


def aws_response(url: str, response: HttpResponse) -> Any:
    """botocore's ``AWSResponse`` for ``response`` (what ``AWSResponse(...)`` makes)."""
    if not _FAST_RESPONSE:
        return _AWSResponse(url, response.status, response.headers, _convert.RawBody(response.body))
    keys = _KEYS
    stored = {}
    for name, value in response.headers.items():
        stored[keys.get(name) or _key(name)] = value
    headers = _HeadersDict.__new__(_HeadersDict)
    headers._dict = stored
    made = _AWSResponse.__new__(_AWSResponse)
    made.url = url
    made.status_code = response.status
    made.headers = headers
    body = response.body
    made.raw = _convert.RawBody(body)
    made._content = body  # what ``content`` would read from ``raw``: it is all there
    return made


_FAST_RESPONSE = _fast_response_works()


def patch() -> Callable[[], None]:
    """Answer STS (and IAM) requests of botocore clients while a mock is active; the undo.

    With moto's ``mock_aws`` active, moto answers IAM at ``before-send`` and
    the request never reaches ``_send``: moto keeps IAM, we read its state.
    """
    endpoint = botocore.endpoint.Endpoint
    original = endpoint._send
    if _built and _built[0][0] is original:
        endpoint._send = _built[0][1]
        return _built[0][2]
    stack = registry.stack  # the live list: registry.is_active and .answer, inline
    answers_iam = registry.answers_iam
    handle = _pipeline.handle

    def _send(self: botocore.endpoint.Endpoint, request: Any) -> Any:
        prefix = self._endpoint_prefix
        if prefix == "sts":
            if not stack:
                return original(self, request)
        elif prefix != "iam" or not answers_iam():
            return original(self, request)
        url = request.url
        body = request.body
        if type(body) is str:
            body = body.encode("utf-8")
        elif type(body) is not bytes:
            body = _convert.body_bytes(body)
        response = handle(
            stack[-1],
            _new_request(
                HttpRequest,
                (request.method, url, _convert.botocore_headers(request.headers), body),
            ),
            prefix,
        )
        return aws_response(url, response)

    endpoint._send = _send

    def undo() -> None:
        endpoint._send = original

    _built[:] = [(original, _send, undo)]
    return undo
