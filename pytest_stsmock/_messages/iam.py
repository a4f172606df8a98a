"""IAM's messages (the IAM subset the moto drop-in and the server answer).

Re-exported by :mod:`pytest_stsmock._messages`, whose conventions (AWS / OURS
marks, statuses in ``errors.HTTP_STATUS``) hold here too.
"""

from __future__ import annotations

from pytest_stsmock.errors import AwsError

# AWS (IAM API reference and recorded answers): the NoSuchEntity, EntityAlreadyExists,
# DeleteConflict and LimitExceeded sentences built by ``backend.iam``; OURS where marked.

IAM_INVALID_JSON = "This policy contains invalid Json"
IAM_INVALID_AUTH_CODE = "Authentication code for device is not valid."


def no_such_entity(message: str) -> AwsError:
    return AwsError("NoSuchEntity", message)


def entity_already_exists(message: str) -> AwsError:
    return AwsError("EntityAlreadyExists", message)


def delete_conflict(message: str) -> AwsError:
    return AwsError("DeleteConflict", message)


def limit_exceeded(message: str) -> AwsError:
    return AwsError("LimitExceeded", message)


def iam_not_found(kind: str, name: str) -> AwsError:
    """AWS: a user, role, group or inline ("user policy"...) entity that is not there."""
    return no_such_entity(f"The {kind} with name {name} cannot be found.")


def iam_exists(kind: str, name: str) -> AwsError:
    """AWS: ``User with name alice already exists.`` (Role, Group alike)."""
    return entity_already_exists(f"{kind} with name {name} already exists.")


def policy_not_attachable(arn: str) -> AwsError:
    return no_such_entity(f"Policy {arn} does not exist or is not attachable.")


def policy_not_found(arn: str) -> AwsError:
    return no_such_entity(f"Policy {arn} was not found.")


def policy_exists(name: str) -> AwsError:
    return entity_already_exists(
        f"A policy called {name} already exists. Duplicate names are not allowed."
    )


def access_key_not_found(access_key_id: str) -> AwsError:
    return no_such_entity(f"The Access Key with id {access_key_id} cannot be found.")


def access_key_quota(quota: int) -> AwsError:
    return limit_exceeded(f"Cannot exceed quota for AccessKeysPerUser: {quota}")


#: AWS: what DeleteUser / DeleteRole / DeleteGroup / DeletePolicy say while something hangs on.
MUST_DELETE_KEYS = "Cannot delete entity, must delete access keys first."
MUST_DELETE_POLICIES = "Cannot delete entity, must delete policies first."
MUST_DETACH_POLICIES = "Cannot delete entity, must detach all policies first."
MUST_DELETE_MFA = "Cannot delete entity, must delete MFA device first."
MUST_LEAVE_GROUPS = "Cannot delete entity, must remove user from all groups first."
MUST_EMPTY_GROUP = "Cannot delete entity, must remove users from group first."
POLICY_ATTACHED = "Cannot delete a policy attached to entities."
TOO_MANY_TAGS = "The number of tags has reached the maximum limit."
NEED_USER_NAME = "Must specify userName when calling with non-User credentials"
MFA_EXISTS = "MFADevice entity at the same path and name already exists."
MFA_IN_USE = "MFA Device is already in use."
MFA_STILL_IN_USE = "MFA Device is still in use."


def not_in_group(user: str, group: str) -> AwsError:
    """OURS: RemoveUserFromGroup for a user who is not in the group."""
    return no_such_entity(f"The user with name {user} is not in group {group}.")


def no_virtual_device(serial: str) -> AwsError:
    """OURS: a virtual MFA serial number the account does not have."""
    return no_such_entity(f"VirtualMFADevice with serial number {serial} doesn't exist.")


def device_not_assigned(serial: str, user: str) -> AwsError:
    """OURS: DeactivateMFADevice for a device that is not the user's."""
    return no_such_entity(f"MFA Device with serial number {serial} is not assigned to user {user}.")


def invalid_principal(arn: str) -> AwsError:
    """AWS (IAM): a trust policy naming a user or role that does not exist."""
    return AwsError(
        "MalformedPolicyDocument",
        f'Invalid principal in policy: "AWS":"{arn}"',
        explanation=f"the trust policy names {arn}, which does not exist",
    )


def invalid_authentication_code() -> AwsError:
    return AwsError("InvalidAuthenticationCode", IAM_INVALID_AUTH_CODE)


def iam_not_in_subset(operation: str) -> AwsError:
    """OURS: an IAM operation pytest-stsmock does not answer; nothing is sent to AWS."""
    return AwsError(
        "NotImplemented",
        f"pytest-stsmock does not answer the IAM operation {operation}; it answers the IAM "
        "subset listed in the README. Activate moto's mock_aws beside the mock for the rest "
        "(no IAM request leaves the machine).",
    )


def oidc_provider_not_found(arn: str) -> AwsError:
    """AWS (public reports): Get/DeleteOpenIDConnectProvider for an ARN that is not there."""
    return no_such_entity(f"OpenIDConnect Provider not found for arn {arn}")


def oidc_provider_exists(url: str) -> AwsError:
    """OURS: CreateOpenIDConnectProvider for a URL the account has a provider for."""
    return entity_already_exists(f"Provider with url {url} already exists.")


def saml_provider_not_found(arn: str) -> AwsError:
    """AWS (public reports): Get/DeleteSAMLProvider for an ARN that is not there."""
    return no_such_entity(f"Manifest not found for arn {arn}")


def saml_provider_exists(name: str) -> AwsError:
    """OURS: CreateSAMLProvider for a name the account has a provider of."""
    return entity_already_exists(f"SAMLProvider with name {name} already exists.")


def saml_metadata_invalid(reason: str) -> AwsError:
    """AWS's code and sentence for metadata IAM cannot read; our reason in the explanation."""
    why = f"the metadata was refused: {reason}"
    return AwsError("InvalidInput", "Could not parse metadata", explanation=why)


def iam_invalid_input(reason: str) -> AwsError:
    """OURS: an IAM request value our seeding rules refuse (the sentence says what to send)."""
    return AwsError("InvalidInput", reason)


def invalid_marker(marker: str) -> AwsError:
    """OURS: a Marker that no earlier List answer gave."""
    return AwsError("ValidationError", f"Invalid Marker: {marker} was not returned by a List call.")
