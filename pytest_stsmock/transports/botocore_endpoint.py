"""botocore's ``Endpoint._send``: the adapter for boto3, botocore and the AWS CLI in-process.

Patched as a class attribute, so clients made before activation are caught,
and so are the STS clients botocore makes for its own credential providers.
The test is the endpoint's prefix (``sts``; ``iam`` too unless the mock was
started with ``iam=False``), not the host, so every endpoint
form is caught: global, regional, FIPS, dual-stack, the aws-cn and aws-us-gov
partitions and any custom ``endpoint_url``.  Requests for other services go on
untouched.  ``_send_request`` is wrapped only to wrap moto's stubber when moto
was imported after activation (moto answers at ``before-send``, before
``_send``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.awsrequest
import botocore.endpoint

from pytest_stsmock import _moto
from pytest_stsmock._http import HttpRequest

from . import _convert, registry


def patch() -> Callable[[], None]:
    """Answer STS (and IAM) requests of botocore clients while a mock is active; the undo.

    With moto's ``mock_aws`` active, moto answers IAM at ``before-send`` and
    the request never reaches ``_send``: moto keeps IAM, we read its state.
    """
    endpoint = botocore.endpoint.Endpoint
    original = endpoint._send
    original_send_request = endpoint._send_request
    is_active = registry.is_active
    answers_iam = registry.answers_iam
    answer = registry.answer

    def _send_request(self: botocore.endpoint.Endpoint, *args: Any, **kwargs: Any) -> Any:
        # Runs before the before-send event, where moto would answer.
        if self._endpoint_prefix == "sts" and is_active():
            _moto.patch_stubber_if_imported_late()
        return original_send_request(self, *args, **kwargs)

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
    endpoint._send_request = _send_request

    def undo() -> None:
        endpoint._send = original
        endpoint._send_request = original_send_request

    return undo
