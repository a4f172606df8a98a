"""Where STS answers for an account: disabled regions and opt-in regions.

Design decisions:

* ``Account.disable_region`` turns STS off in a region for that account.  AWS
  (IAM user guide, id_credentials_temp_enable-regions): "It is not the
  account of the caller, but the account from which temporary credentials
  are requested that must activate the region."  So each operation that
  issues credentials checks the account they are for, with
  :func:`check_region_active`: the caller's own for GetSessionToken and
  GetFederationToken, the role's for AssumeRole, the member's for AssumeRoot,
  the delegating principal's for GetDelegatedAccessToken.  Other operations
  answer in a deactivated region.
* Session tokens from the global endpoint are version 1 unless the account
  asked IAM for version 2.  AWS documents that version 1 tokens "do not work
  in manually enabled Regions"; STS then refuses them as it refuses any
  token it cannot accept, ``InvalidClientTokenId`` with AWS's text.  The
  opt-in regions are AWS's list of regions that must be enabled before use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AwsError

from .credentials import Session

if TYPE_CHECKING:
    from .accounts import Account

__all__ = ["OPT_IN_REGIONS", "check_region_active", "check_token_region"]

#: Regions AWS launched as opt-in (disabled by default): version 1 tokens fail there.
OPT_IN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)


def check_region_active(account: Account, region: str) -> None:
    """RegionDisabledException when STS is deactivated in ``region`` for ``account``."""
    if region in account.disabled_regions:
        raise msg.region_disabled(account.id)


def check_token_region(session: Session, region: str, global_endpoint: bool) -> None:
    """Refuse a version 1 (global endpoint) token used at an opt-in region's endpoint."""
    if session.global_endpoint and not global_endpoint and region in OPT_IN_REGIONS:
        raise AwsError(
            "InvalidClientTokenId",
            msg.INVALID_TOKEN,
            explanation=(
                f"the session token of {session.access_key_id} is a version 1 token from the "
                f"global endpoint, and {region} is an opt-in region, where AWS accepts only "
                "version 2 tokens (get credentials from a regional endpoint)"
            ),
        )
