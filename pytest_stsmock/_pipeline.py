"""One request, one way through: decode -> authenticate -> operate -> encode.

``handle`` is the single entry point every transport uses (botocore, requests,
the HTTP server).  It never raises: whatever happens, the answer is an AWS
response (success XML, or an ErrorResponse with AWS's code and status), and
the call is recorded on the backend.  The answer is XML unless the request's
``Accept`` header asks for JSON (``protocol.json_answer``), errors included.
An unexpected Python exception in our own code becomes a 500
``InternalFailure`` whose message says it is a pytest-stsmock bug, so a
user's boto3 call never sees a raw exception.

Decoding is memoized by request text (see ``_DECODED``); authentication, the
operation and encoding run for every request.

Threads (an HTTP server's, a user's thread pool) share one backend.  The
backend's lock covers what changes state.  The most called operations
(``operations.LOCK_FREE_OPERATIONS``: GetCallerIdentity, GetAccessKeyInfo,
GetSessionToken, GetFederationToken, AssumeRole) run without it and take it
themselves only to change state (using an MFA code, drawing and registering a
session), so their policy decisions run while other threads decide theirs;
the other operations run under it whole.  A lock-free decision reads dicts
another thread's IAM call may change: if Python refuses to walk one that
changed size (``RuntimeError``), the operation, which changes state last,
has changed nothing, and is run again under the lock.
Decoding, the SigV4 check, authentication and encoding run outside it: they
only read the backend (single dictionary look-ups), and their caches are
filled with single assignments, which the GIL makes atomic.  The request id
is one draw of the backend's generator (one C call, atomic as well), taken
first as before, so a seeded single-threaded run draws exactly what it drew.
The call log is appended to without the lock (``list.append`` is atomic).
"""

from __future__ import annotations

import datetime as _dt
import functools
import logging
import re
from typing import TYPE_CHECKING, Any

from pytest_stsmock.operations import (
    LOCK_FREE_OPERATIONS,
    OPERATIONS,
    UNSIGNED_OPERATIONS,
    OperationContext,
    lookup,
)

from . import _auth, _explain
from . import _messages as msg
from ._http import AWS_DOMAINS, HttpRequest, HttpResponse, host_and_query
from .backend import STSBackend, ids
from .backend.calls import Call
from .backend.regions import check_token_region
from .errors import AwsError
from .protocol import json_answer, query, sigv4, xml
from .protocol import model as _model

if TYPE_CHECKING:
    from botocore.model import OperationModel

log = logging.getLogger("pytest_stsmock")

_CONTENT_TYPE = "text/xml"
_UTC = _dt.timezone.utc


#: Domains of AWS STS endpoints, whose second label names the region.
_AWS_SUFFIXES = tuple("." + domain for domain in AWS_DOMAINS)


@functools.lru_cache(maxsize=256)
def _endpoint_region(host: str) -> tuple[str | None, bool]:
    """(signing region, is the global endpoint) of an AWS STS host; (None, False) otherwise.

    Only AWS's own host names carry a region; for a custom ``endpoint_url``
    the region is the one the request was signed for.
    """
    if host in ("sts.amazonaws.com", "sts-fips.amazonaws.com"):
        return "us-east-1", True
    labels = host.split(".")
    if labels[0] in ("sts", "sts-fips") and len(labels) >= 4 and host.endswith(_AWS_SUFFIXES):
        return labels[1], False
    return None, False


def _split(request: HttpRequest) -> tuple[str, str]:
    """(host, query string) of a URL; a URL that cannot be parsed has neither."""
    return host_and_query(request.url)


def _form(request: HttpRequest, query_string: str) -> dict[str, str]:
    form = query.parse_form(query_string) if query_string else {}
    if request.method.upper() == "POST" and request.body:
        for key, value in query.parse_form(request.body).items():
            form.setdefault(key, value)
    return form


def handle(backend: STSBackend, request: HttpRequest, service: str | None = None) -> HttpResponse:
    """Answer one STS or IAM HTTP request from ``backend``.

    ``service`` is ``"sts"`` or ``"iam"`` when the transport knows it (botocore's
    endpoint prefix); None lets the request say (see :func:`service_of`).
    """
    request_id = ids.request_id(backend.rng)
    name = service or service_of(request)
    try:
        return _handle(backend, request, request_id, name)
    except Exception:  # a bug of ours: answer like AWS would for a server fault
        log.exception("pytest-stsmock failed to answer an %s request", name.upper())
        return _error_response(msg.internal_failure(), request_id, name, _wants_json(request))


_IAM_HOSTS = frozenset({"iam.amazonaws.com", "iam-fips.amazonaws.com", "iam.global.api.aws"})
_IAM_SCOPE = re.compile(
    r"Credential=[^/,&]*/\d{8}/[^/]*/iam/|X-Amz-Credential=[^/&]*%2F\d{8}%2F[^%&]*%2Fiam%2F"
)


def service_of(request: HttpRequest) -> str:
    """``"iam"`` for a request to an IAM host or signed for IAM, else ``"sts"``.

    The standalone server answers both on one port: the credential scope of
    the signature names the service (``.../us-east-1/iam/aws4_request``).
    """
    host, _ = _split(request)
    if host in _IAM_HOSTS:
        return "iam"
    if host.endswith(_AWS_SUFFIXES):  # an AWS host that is not IAM's: STS, scope or not
        return "sts"
    authorization = request.headers.get("authorization", "")
    if "/iam/" in authorization and _IAM_SCOPE.search(authorization):
        return "iam"
    parts = request.url_parts
    if parts is not None and "%2Fiam%2F" in parts.query and _IAM_SCOPE.search(parts.query):
        return "iam"
    return "sts"


def _wants_json(request: HttpRequest) -> bool:
    """True when the request's Accept header asks for a JSON answer."""
    try:
        accept = request.headers.get("accept")
        return accept is not None and json_answer.accepts_json(accept)
    except (AttributeError, TypeError):  # headers that are not a str mapping: XML
        return False


def error_response(backend: STSBackend, error: AwsError) -> HttpResponse:
    """``error`` as AWS sends it, for a transport that refuses a request before decoding
    (the HTTP server's malformed requests); nothing is recorded."""
    with backend.lock:
        request_id = ids.request_id(backend.rng)
    return _error_response(error, request_id)


def _error_response(
    error: AwsError, request_id: str, service: str = "sts", as_json: bool = False
) -> HttpResponse:
    if as_json:
        body = json_answer.encode_error(error, request_id)
    else:
        namespace = _model.load_service_model(service).metadata["xmlNamespace"]
        body = xml.encode_error(error, request_id, namespace)
    return HttpResponse(error.status, body, _headers(request_id, len(body), as_json))


def _headers(request_id: str, length: int, as_json: bool = False) -> dict[str, str]:
    return {
        "x-amzn-RequestId": request_id,
        "Content-Type": json_answer.CONTENT_TYPE if as_json else _CONTENT_TYPE,
        "Content-Length": str(length),
    }


#: Decoded requests by (query string, POST body): decoding and validation are a
#: pure function of the request's text, and tests send the same text again and
#: again (a GetCallerIdentity, a credential refresher's AssumeRole).  Only
#: successful decodes with flat parameters are kept; each use gets its own copy.
_DECODED: dict[tuple[int, str, bytes], tuple[OperationModel, dict[str, Any]]] = {}
_DECODED_MAX = 512
_FLAT = (str, int, bool)


def _remember(
    key: tuple[int, str, bytes], operation: OperationModel, params: dict[str, Any]
) -> None:
    if all(type(value) in _FLAT for value in params.values()):
        if len(_DECODED) >= _DECODED_MAX:
            _DECODED.clear()
        _DECODED[key] = (operation, dict(params))


def _handle(backend: STSBackend, request: HttpRequest, request_id: str, name: str) -> HttpResponse:
    service = _model.load_service_model(name)
    iam = name == "iam"
    now = _dt.datetime.now(_UTC)  # clock.now, inline: read at call time (freezegun)
    try:  # _wants_json, inline: every request asks
        accept = request.headers.get("accept")
        as_json = accept is not None and json_answer.accepts_json(accept)
    except (AttributeError, TypeError):  # headers that are not a str mapping: XML
        as_json = False
    url = request.url
    host, query_string = host_and_query(url)
    method = request.method.upper()
    key = (id(service), query_string, request.body if method == "POST" else b"")
    decoded = _DECODED.get(key)
    form: dict[str, str] = {}
    if decoded is None:
        form = _form(request, query_string)
        action = form.get("Action")
    else:
        action = decoded[0].name
    # The call's record is made once, complete, where the answer is known.
    operation_name = action or ""
    params: dict[str, Any] = {}
    caller_arn: str | None = None
    region = backend.region
    try:
        if action is None:
            raise query.MissingAction()
        signed = sigv4.parse(request)
        if iam:
            # IAM is global: AWS's hosts take requests signed for us-east-1 (aws partition).
            endpoint_region, global_endpoint = ("us-east-1" if host in _IAM_HOSTS else None), True
            if signed is not None:
                sigv4.check_scope(signed, region=endpoint_region or signed.region, service="iam")
        else:
            endpoint_region, global_endpoint = _endpoint_region(host)
            if (
                signed is not None
                and endpoint_region is not None
                and not (  # check_scope's usual case, without the call
                    signed.region == endpoint_region
                    and signed.service == "sts"
                    and signed.terminator == sigv4.TERMINATOR
                    and signed.date == signed.amz_date_text[:8]
                )
            ):
                sigv4.check_scope(signed, region=endpoint_region)
        caller = _auth.authenticate(backend, signed, request, now)
        if endpoint_region:
            region = endpoint_region
        elif signed is not None:
            region = signed.region
        if caller is not None:
            caller_arn = caller.arn
        if decoded is None:
            operation_model, params = query.decode(service, form)
            _remember(key, operation_model, params)
        else:
            operation_model, params = decoded[0], dict(decoded[1])
        operation_name = operation_model.name
        if caller is None:
            if operation_name not in UNSIGNED_OPERATIONS:
                raise AwsError("MissingAuthenticationToken", msg.MISSING_AUTH)
        elif not iam and caller.session is not None:
            check_token_region(caller.session, region, global_endpoint)
        ctx = OperationContext(
            backend, caller, region, global_endpoint, now, url.startswith("https:")
        )
        if iam:
            operation = lookup(operation_name, name)
            with backend.lock:
                result = operation(ctx, params)
        else:
            operation = OPERATIONS.get(operation_name) or lookup(operation_name)
            if operation_name in LOCK_FREE_OPERATIONS:
                try:
                    result = operation(ctx, params)
                except RuntimeError:
                    # A dict the decision walked (a principal's inline policies) changed
                    # size under another thread's IAM call.  Nothing was changed yet (the
                    # operation changes state last, under the lock): decide again, with
                    # the lock, as one step.
                    with backend.lock:
                        result = operation(ctx, params)
            else:
                with backend.lock:
                    result = operation(ctx, params)
    except query.MissingAction:
        backend.calls.append(
            Call(
                operation_name,
                params,
                caller_arn,
                region,
                now,
                "MissingAction",
                "redirected to the IAM console",
                None,
                "the request named no Action; AWS redirects such requests to the IAM console",
                None,
                name,
            )
        )
        return HttpResponse(302, b"", {"Location": "https://aws.amazon.com/iam"})
    except AwsError as error:
        explanation = error.explanation or _explain.fallback(error.code, error.message, region)
        call = Call(
            operation_name,
            params,
            caller_arn,
            region,
            now,
            error.code,
            error.message,
            None,
            explanation,
            None,
            name,
        )
        if error.denial is not None:
            backend.record_denial(call, error.denial)
        backend.calls.append(call)
        return _error_response(error, request_id, name, as_json)
    backend.calls.append(
        Call(operation_name, params, caller_arn, region, now, None, None, result, None, None, name)
    )
    if as_json:
        body = json_answer.encode_result(operation_model, result, request_id)
        content_type = json_answer.CONTENT_TYPE
    else:
        body = xml.encode_result(operation_model, result, request_id)
        content_type = _CONTENT_TYPE
    return _new_response(
        HttpResponse,
        (
            200,
            body,
            {
                "x-amzn-RequestId": request_id,
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
            },
        ),
    )


_new_response = tuple.__new__  # HttpResponse without its Python-level __new__
