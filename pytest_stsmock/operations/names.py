"""The names an assertion may use: operations, their parameters, and error codes.

``sts.assert_called("AssumeRoel")`` or ``RoleARN=`` must never pass by not
matching anything; this module knows the valid names (the botocore model's,
the layer that knows API member names) and says which one was meant.

Design decisions:

* Operation and parameter names come from the installed botocore's STS
  model, and from its IAM model for the IAM subset (loaded only when a name is
  not an STS one).
* Error codes are the models' error codes, plus AWS's common errors (the
  codes any AWS query API may answer, which the models do not list) and the
  codes pytest-stsmock itself answers with.  A test keeps the last set
  complete by scanning the package's source.
* The closest name is found case- and underscore-insensitively first
  (``get_caller_identity`` -> ``GetCallerIdentity``), then by similarity.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pytest_stsmock import _options
from pytest_stsmock.errors import StsMockError
from pytest_stsmock.protocol.model import load_service_model

#: AWS's common errors (any query API) and the codes this emulator answers with.
COMMON_ERROR_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "ExpiredToken",
        "IncompleteSignature",
        "InternalFailure",
        "InvalidAction",
        "InvalidClientTokenId",
        "InvalidParameterCombination",
        "InvalidParameterValue",
        "InvalidQueryParameter",
        "LimitExceeded",
        "MalformedInput",
        "MalformedQueryString",
        "MissingAction",
        "MissingAuthenticationToken",
        "MissingParameter",
        "NotAuthorized",
        "NotImplemented",
        "OptInRequired",
        "RequestExpired",
        "ServiceUnavailable",
        "SignatureDoesNotMatch",
        "ThrottlingException",
        "ValidationError",
        # Codes of operations newer than the oldest botocore supported: known
        # here even when the installed model predates them.
        "ExpiredTradeInTokenException",
        "InsufficientSessionLifetime",
        "InvalidSubjectCredentials",
        "JWTPayloadSizeExceededException",
        "OutboundWebIdentityFederationDisabledException",
        "SessionDurationEscalationException",
    }
)

_SERVICES = ("sts", "iam")


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


@functools.cache
def _operations(service: str) -> dict[str, Any]:
    model = load_service_model(service)
    return {name: model.operation_model(name) for name in model.operation_names}


@functools.cache
def _error_codes(service: str) -> frozenset[str]:
    return frozenset(shape.error_code for shape in load_service_model(service).error_shapes)


def _suggest(name: str, candidates: list[str]) -> str:
    folded = {_fold(c): c for c in candidates}
    guess = folded.get(_fold(name)) or _options.closest(name, candidates)
    return f"; did you mean {guess!r}?" if guess else "."


def _find_operation(operation: str) -> Any:
    for service in _SERVICES:
        found = _operations(service).get(operation)
        if found is not None:
            return found
    return None


def check(
    assertion: str, operation: object, params: Mapping[str, Any], error_code: object = None
) -> None:
    """StsMockError when ``operation``, a parameter name or ``error_code`` is unknown.

    ``error_code`` None means success or no outcome filter; both need no check.
    """
    __tracebackhide__ = True
    if not isinstance(operation, str) or (model := _find_operation(operation)) is None:
        raise StsMockError(
            f"{assertion}: {operation!r} is not an STS (or IAM) operation; use the API's name, "
            f"as in Call.operation{_suggest(str(operation), list(_operations('sts')))}"
        )
    members = list(model.input_shape.members) if model.input_shape is not None else []
    for name in params:
        if name not in members:
            hint = _suggest(name, members)
            if hint == ".":
                hint = f"; its parameters are {', '.join(members) or 'none'}."
            raise StsMockError(f"{assertion}: {operation} has no parameter {name!r}{hint}")
    if error_code is None:
        return
    codes = sorted(COMMON_ERROR_CODES.union(*(_error_codes(s) for s in _SERVICES)))
    if not isinstance(error_code, str) or error_code not in codes:
        raise StsMockError(
            f"{assertion}: error_code={error_code!r} is no error code AWS answers; pass the "
            f"code as in Call.error_code, or None for success{_suggest(str(error_code), codes)}"
        )
