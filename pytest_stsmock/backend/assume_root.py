"""AssumeRoot: a short root session on a member account, scoped to one privileged task.

Rules (AWS's documentation of AssumeRoot and of centralized root access):

* Only at a regional endpoint: the global endpoint answers ``InvalidAction``
  ``Unknown Operation`` (boto/boto3#4461), before anything else is looked at.
* The caller is an IAM user or role session of the organization's
  management account or of a delegated administrator for IAM; root
  credentials (and root sessions, which therefore cannot chain) are refused.
* The organization has centralized root access turned on; the target is a
  member account of the caller's organization, named by its id or its root
  ARN; the task policy is one of AWS's root-task policies.
* The caller's own policies allow ``sts:AssumeRoot`` on the target's root
  ARN, with ``sts:TaskPolicyArn`` as a condition key.
* DurationSeconds is 0..900 (the model checks the range), default 900.

The organization refusals are ``AccessDenied`` with AWS's generic
"not authorized" text, the same as a missing permission (AWS does not say
why it refuses a principal; ``Call.explanation`` does).  The session is the
member account's root: ``arn:aws:iam::<member>:root``, user id the account
id, with the task policy as its only policy.  Nothing changes before every
check has passed.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_stsmock import _messages as msg
from pytest_stsmock.errors import AWS_FAULT_NAMESPACE, AwsError

from .authorization_message import implicit_denial
from .authz import evaluate_identity
from .credentials import Session
from .identity import Caller
from .issue import issue_session
from .regions import check_region_active
from .root_tasks import task_policy, task_policy_arns

if TYPE_CHECKING:
    from . import STSBackend

__all__ = ["DEFAULT_DURATION", "AssumeRootRequest", "assume_root"]

DEFAULT_DURATION = 900
ACTION = "sts:AssumeRoot"
_TARGET = re.compile(r"(\d{12})|arn:(aws[a-z-]*):iam::(\d{12}):root")


@dataclass(frozen=True)
class AssumeRootRequest:
    """AssumeRoot in domain terms."""

    target_principal: str
    task_policy_arn: str | None
    duration_seconds: int | None
    minimum_token_size: int
    region: str
    global_endpoint: bool
    now: _dt.datetime
    request_keys: Mapping[str, Any]


def _refuse(caller: Caller, resource: str, why: str) -> AwsError:
    denial = implicit_denial(caller.user_id, caller.arn, ACTION, resource)
    return msg.not_authorized(caller.arn, ACTION, resource, why, denial=denial)


def assume_root(backend: STSBackend, caller: Caller, request: AssumeRootRequest) -> Session:
    if request.global_endpoint:
        raise AwsError("InvalidAction", msg.UNKNOWN_OPERATION, namespace=AWS_FAULT_NAMESPACE)
    if caller.kind in ("root", "root-session"):
        raise AwsError("AccessDenied", msg.ROOT_CALLS_ASSUME_ROOT)
    target = _TARGET.fullmatch(request.target_principal)
    if target is None:
        raise msg.invalid_target_principal(request.target_principal)
    member = target.group(1) or target.group(3)
    partition = target.group(2) or "aws"
    resource = f"arn:{partition}:iam::{member}:root"
    if request.task_policy_arn is None:
        raise AwsError("ValidationError", msg.TASK_POLICY_ARN_NULL)
    policy = task_policy(request.task_policy_arn)
    if policy is None:
        raise msg.invalid_task_policy(request.task_policy_arn, task_policy_arns())
    if caller.kind == "federated-user":
        raise _refuse(
            caller,
            resource,
            "credentials from GetFederationToken cannot call any STS operation except "
            "GetCallerIdentity",
        )
    org = backend.organizations.of(caller.account_id)
    if org is None:
        raise _refuse(
            caller,
            resource,
            f"the caller's account {caller.account_id} is in no organization "
            "(seed one with sts.create_organization())",
        )
    if not org.manages_roots(caller.account_id):
        raise _refuse(
            caller,
            resource,
            f"the caller's account {caller.account_id} is neither the management account "
            f"{org.management_account_id} nor a delegated administrator for IAM of its "
            "organization",
        )
    if not org.centralized_root_access:
        raise _refuse(
            caller,
            resource,
            f"centralized root access is turned off in the organization of "
            f"{org.management_account_id}",
        )
    if member not in org.member_account_ids:
        raise _refuse(
            caller,
            resource,
            f"account {member} is not a member account of the organization of "
            f"{org.management_account_id}",
        )
    keys = dict(request.request_keys)
    keys["sts:TaskPolicyArn"] = request.task_policy_arn
    verdict = evaluate_identity(backend, caller, ACTION, resource, request.now, keys)
    if not verdict.allowed:
        raise msg.not_authorized(
            caller.arn,
            ACTION,
            resource,
            verdict.explain(),
            denial=verdict.denial(caller, ACTION, resource),
        )
    account = backend.account(member)
    check_region_active(account, request.region)
    duration = request.duration_seconds
    parent = caller.session
    return issue_session(
        backend,
        kind="root-session",
        account_id=member,
        arn=resource,
        user_id=member,
        principal_arn=resource,
        now=request.now,
        duration_seconds=DEFAULT_DURATION if duration is None else duration,
        global_endpoint=False,
        region=request.region,
        principal=account.root,
        source_identity=None if parent is None else parent.source_identity,
        policy_arns=[request.task_policy_arn],
        session_policies=[policy],
        parent=parent,
        minimum_token_size=request.minimum_token_size,
    )
