"""Every operation of the installed botocore STS model is answered with AWS's semantics.

An operation of a newer botocore that no module answers yet still gets an
AWS-shaped ``NotImplemented`` (501) naming it, and the first test below fails,
so the suite notices the new operation.
"""

from __future__ import annotations

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.session import get_session

from pytest_stsmock import STSBackend
from pytest_stsmock.operations import OPERATIONS
from tests.helpers.clients import sts
from tests.helpers.models import NEWER_THAN_OLDEST_BOTOCORE, needs_sts_operation
from tests.helpers.shapes import example_input

MODEL = get_session().get_service_model("sts")
NOT_BUILT = sorted(set(MODEL.operation_names) - set(OPERATIONS))


def test_every_operation_of_the_installed_model_is_built() -> None:
    assert NOT_BUILT == [], (
        f"operations of botocore's STS model that answer NotImplemented: {NOT_BUILT}"
    )


def test_every_built_operation_is_in_the_model() -> None:
    # An older botocore lacks the newest operations; any other name is a typo.
    assert set(OPERATIONS) - set(MODEL.operation_names) <= NEWER_THAN_OLDEST_BOTOCORE


def _not_implemented(operation: str) -> None:
    method = getattr(sts(), xform_name(operation))
    with pytest.raises(ClientError) as exc:
        method(**example_input(MODEL.operation_model(operation)))
    error = exc.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert error["Message"] == (
        f"pytest-stsmock does not implement {operation} yet; see the README's list of operations."
    )
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


@pytest.mark.parametrize(
    "operation",
    [
        "GetCallerIdentity",
        "AssumeRoot",
        pytest.param("GetScopedCredentials", marks=needs_sts_operation("GetScopedCredentials")),
    ],
)
def test_an_operation_no_module_answers_gets_not_implemented(
    sts_backend: STSBackend, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    # What a newer botocore's operation meets: in the model, in no OPERATIONS table.
    monkeypatch.delitem(OPERATIONS, operation)
    _not_implemented(operation)
    assert sts_backend.calls[-1].error_code == "NotImplemented"
