"""Every operation of the installed botocore STS model gets an AWS-shaped answer."""

from __future__ import annotations

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.session import get_session

from pytest_stsmock import STSBackend
from pytest_stsmock.operations import OPERATIONS
from tests.helpers.clients import sts
from tests.helpers.shapes import example_input

MODEL = get_session().get_service_model("sts")
NOT_BUILT = sorted(set(MODEL.operation_names) - set(OPERATIONS))


def test_every_built_operation_is_in_the_model() -> None:
    assert set(OPERATIONS) <= set(MODEL.operation_names)


@pytest.mark.parametrize("operation", NOT_BUILT)
def test_operations_not_built_yet_answer_not_implemented(
    sts_backend: STSBackend, operation: str
) -> None:
    method = getattr(sts(), xform_name(operation))
    with pytest.raises(ClientError) as exc:
        method(**example_input(MODEL.operation_model(operation)))
    error = exc.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert error["Message"] == (
        f"pytest-stsmock does not implement {operation} yet; see the README's list of operations."
    )
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
