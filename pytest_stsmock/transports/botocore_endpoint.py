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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.awsrequest
import botocore.endpoint

from pytest_stsmock._http import HttpRequest

from . import _convert, registry

#: The last wrapper made, beside the ``_send`` it wraps: activations reuse it while
#: ``Endpoint._send`` is still that original (building the closure cost a tenth of
#: an activation).
_built: list[tuple[Any, Any, Callable[[], None]]] = []


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
    is_active = registry.is_active
    answers_iam = registry.answers_iam
    answer = registry.answer

    def _send(self: botocore.endpoint.Endpoint, request: Any) -> Any:
        prefix = self._endpoint_prefix
        if prefix == "sts":
            if not is_active():
                return original(self, request)
        elif prefix != "iam" or not answers_iam():
            return original(self, request)
        response = answer(
            HttpRequest(
                request.method,
                request.url,
                _convert.headers(request.headers),
                _convert.body_bytes(request.body),
            ),
            prefix,
        )
        return botocore.awsrequest.AWSResponse(
            request.url, response.status, response.headers, _convert.RawBody(response.body)
        )

    endpoint._send = _send

    def undo() -> None:
        endpoint._send = original

    _built[:] = [(original, _send, undo)]
    return undo
