"""The AWS managed root-task policies that scope an AssumeRoot session.

AWS's documentation of AssumeRoot names five policies under
``arn:aws:iam::aws:policy/root-task/``; each allows only the actions of its
task.  The action lists are those of the AWS managed policy reference:

* IAMAuditRootUserCredentials: read the root user's access keys, password,
  MFA devices and signing certificates.
* IAMCreateRootUserPassword: create (and read) the root user's password.
* IAMDeleteRootUserCredentials: delete the root user's credentials, after
  reading them.
* S3UnlockBucketPolicy: read, replace or delete a bucket policy that locks
  everyone out.
* SQSUnlockQueuePolicy: the same for a queue policy.

Design decision: each policy is one Allow statement on ``Resource: "*"``
(the session lives in the member account, so the resource scope adds
nothing); it is parsed once per process with the same parser as every other
policy and becomes the session's only identity-side policy.
"""

from __future__ import annotations

import functools

from .policy.document import PolicyDocument

__all__ = ["ROOT_TASK_POLICIES", "TASK_POLICY_PREFIX", "task_policy"]

TASK_POLICY_PREFIX = "arn:aws:iam::aws:policy/root-task/"

#: Policy name -> the actions it allows.
ROOT_TASK_POLICIES: dict[str, tuple[str, ...]] = {
    "IAMAuditRootUserCredentials": (
        "iam:GetAccessKeyLastUsed",
        "iam:GetLoginProfile",
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:ListMFADevices",
        "iam:ListSigningCertificates",
    ),
    "IAMCreateRootUserPassword": (
        "iam:CreateLoginProfile",
        "iam:GetLoginProfile",
    ),
    "IAMDeleteRootUserCredentials": (
        "iam:DeactivateMFADevice",
        "iam:DeleteAccessKey",
        "iam:DeleteLoginProfile",
        "iam:DeleteSigningCertificate",
        "iam:DeleteVirtualMFADevice",
        "iam:GetAccessKeyLastUsed",
        "iam:GetLoginProfile",
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:ListMFADevices",
        "iam:ListSigningCertificates",
    ),
    "S3UnlockBucketPolicy": (
        "s3:DeleteBucketPolicy",
        "s3:GetBucketPolicy",
        "s3:ListAllMyBuckets",
        "s3:PutBucketPolicy",
    ),
    "SQSUnlockQueuePolicy": (
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListQueues",
        "sqs:SetQueueAttributes",
    ),
}


def task_policy_arns() -> list[str]:
    return [TASK_POLICY_PREFIX + name for name in ROOT_TASK_POLICIES]


@functools.cache
def task_policy(arn: str) -> PolicyDocument | None:
    """The parsed task policy an ARN names, or None if it names none."""
    if not arn.startswith(TASK_POLICY_PREFIX):
        return None
    actions = ROOT_TASK_POLICIES.get(arn[len(TASK_POLICY_PREFIX) :])
    if actions is None:
        return None
    name = arn.rsplit("/", 1)[-1]
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": name, "Effect": "Allow", "Action": list(actions), "Resource": "*"}],
    }
    return PolicyDocument.parse(document, kind="session")
