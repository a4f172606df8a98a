"""What the installed botocore's models hold: tests of newer operations skip on older botocore.

The oldest botocore supported (constraints-min.txt) predates some STS
operations and members. A test of one of those is skipped there, by name, and
runs everywhere else; CI runs both the newest and the oldest botocore.
"""

from __future__ import annotations

import pytest
from botocore.session import get_session

STS_MODEL = get_session().get_service_model("sts")
STS_OPERATIONS = frozenset(STS_MODEL.operation_names)

#: Operations built here that the oldest supported botocore's STS model lacks.
NEWER_THAN_OLDEST_BOTOCORE = frozenset(
    {"GetDelegatedAccessToken", "GetScopedCredentials", "GetWebIdentityToken"}
)


def needs_sts_operation(name: str) -> pytest.MarkDecorator:
    """Skip unless the installed botocore's STS model has operation ``name``."""
    return pytest.mark.skipif(
        name not in STS_OPERATIONS,
        reason=f"this botocore's STS model has no {name} (newer than the oldest supported)",
    )


def needs_sts_member(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip unless the installed model's ``operation`` input has ``member``."""
    present = (
        operation in STS_OPERATIONS
        and member in STS_MODEL.operation_model(operation).input_shape.members
    )
    return pytest.mark.skipif(
        not present,
        reason=f"this botocore's STS model has no {operation}.{member} (newer than the oldest)",
    )
