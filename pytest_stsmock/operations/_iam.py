"""What the IAM operation modules share: the account acted on, authorization,
policy documents, result structures and pagination.

Design decisions:

* An IAM request acts on the caller's own account, as IAM does.
* Every IAM operation is authorized like any AWS call: the caller's identity
  policies must allow ``iam:<Operation>`` on the entity's ARN (the default
  user and unknown keys in non-strict mode are allowed everything).
* Policy documents in requests go through the same grammar as seeding; a
  document the grammar refuses is ``MalformedPolicyDocument`` with the text
  AWS sends (IAM's ``This policy contains invalid Json`` for bad JSON), and
  our own sentence, saying what to fix, goes into ``Call.explanation``.
* Documents in answers are URL-encoded JSON, as IAM sends them; botocore
  decodes them into dicts for boto3 users.
* Speed: a request's document text is parsed once per distinct text, and a
  document's encoded form is made once per text (both pure functions of
  immutable input, in bounded caches); a refused document is parsed again,
  and refused again, at each request.
* Markers are opaque: ``stsmock-<n>``, the position of the next item.  A
  marker no answer gave is a ``ValidationError`` (emulator-defined text).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from pytest_stsmock import _messages as msg
from pytest_stsmock.backend import seeding_rules
from pytest_stsmock.backend.policy.document import PolicyDocument, PolicyError
from pytest_stsmock.errors import AwsError
from pytest_stsmock.operations.context import OperationContext, authorize

if TYPE_CHECKING:
    from pytest_stsmock.backend.accounts import Account
    from pytest_stsmock.backend.iam import Group
    from pytest_stsmock.backend.principals import ManagedPolicy, Role, User

T = TypeVar("T")
_MARKER = "stsmock-"
_DEFAULT_MAX_ITEMS = 100


def account(ctx: OperationContext, action: str, resource: str = "*") -> Account:
    """The caller's account, once ``iam:<action>`` on ``resource`` is allowed."""
    caller = ctx.require_caller()
    authorize(ctx, caller, f"iam:{action}", resource)
    return ctx.backend.account(caller.account_id)


def caller_user(ctx: OperationContext, action: str) -> Any:
    """The caller's own IAM user (or root), for operations whose UserName was left out;
    AWS's ValidationError for any other caller (a role session, say)."""
    caller = ctx.require_caller()
    principal = caller.principal
    if caller.kind not in ("user", "root"):
        raise AwsError("ValidationError", msg.NEED_USER_NAME)
    account(ctx, action, caller.arn)
    return principal


def caller_account(ctx: OperationContext) -> Account:
    return ctx.backend.account(ctx.require_caller().account_id)


def arn(ctx: OperationContext, kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ctx.require_caller().account_id}:{kind}{path}{name}"


def policy(text: str, kind: Any) -> PolicyDocument:
    """A request's policy document, parsed by the seeding grammar, or MalformedPolicyDocument."""
    try:
        return _parsed(text, kind)
    except PolicyError as error:
        aws = error.aws_message
        if aws == "The policy is not in the valid JSON format.":
            aws = msg.IAM_INVALID_JSON
        raise AwsError("MalformedPolicyDocument", aws, explanation=error.reason) from None


@functools.lru_cache(maxsize=512)
def _parsed(text: str, kind: Any) -> PolicyDocument:
    """The grammar's document for ``text``: immutable and a pure function of the text, so
    a suite that gives many roles one trust policy parses it once (a refusal is not kept:
    it raises again at every request)."""
    return PolicyDocument.parse(text, kind=kind)


def trust_policy(ctx: OperationContext, text: str) -> PolicyDocument:
    """A request's trust policy: the grammar, then IAM's rule that the users and roles it
    names exist (the seeding API's rule too)."""
    document = policy(text, "trust")
    missing = seeding_rules.missing_principal(ctx.backend, document)
    if missing is not None:
        raise msg.invalid_principal(missing)
    return document


def encoded(document: PolicyDocument | Mapping[str, Any]) -> str:
    """A document as IAM answers it: URL-encoded JSON text."""
    if isinstance(document, PolicyDocument):
        return _quoted(document.text)
    return quote(json.dumps(document), safe="")


@functools.lru_cache(maxsize=512)
def _quoted(text: str) -> str:
    """``quote(text, safe="")``, kept per text: a role's trust policy is encoded at every
    GetRole and ListRoles, and the text is the same object each time (its hash is cached)."""
    return quote(text, safe="")


def tags_in(params: Mapping[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in params.get("Tags", ())}


def tags_out(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def page(items: Sequence[T], params: Mapping[str, Any], key: str) -> dict[str, Any]:
    """``{key: <this page>, "IsTruncated": ..., ["Marker": ...]}`` for a List answer."""
    start = 0
    marker = params.get("Marker")
    if marker is not None:
        number = marker[len(_MARKER) :]
        if not marker.startswith(_MARKER) or not number.isdigit() or int(number) > len(items):
            raise msg.invalid_marker(marker)
        start = int(number)
    size = params.get("MaxItems", _DEFAULT_MAX_ITEMS)
    chunk = list(items[start : start + size])
    out: dict[str, Any] = {key: chunk, "IsTruncated": start + size < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = f"{_MARKER}{start + size}"
    return out


def under(path_prefix: str | None, path: str) -> bool:
    return path_prefix is None or path.startswith(path_prefix)


def _boundary(arn: str | None) -> dict[str, str] | None:
    if arn is None:
        return None
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


def user_out(user: User, *, with_tags: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.unique_id,
        "Arn": user.arn,
        "CreateDate": user.create_date,
        "PermissionsBoundary": _boundary(user.permissions_boundary_arn),
    }
    if with_tags and user.tags:
        out["Tags"] = tags_out(user.tags)
    return out


def role_out(role: Role, *, with_tags: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.unique_id,
        "Arn": role.arn,
        "CreateDate": role.create_date,
        "AssumeRolePolicyDocument": encoded(role.trust_policy_document),
        "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
        "PermissionsBoundary": _boundary(role.permissions_boundary_arn),
    }
    if with_tags and role.tags:
        out["Tags"] = tags_out(role.tags)
    return out


def group_out(group: Group) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.unique_id,
        "Arn": group.arn,
        "CreateDate": group.create_date,
    }


def attached_out(policies: Sequence[ManagedPolicy], params: Mapping[str, Any]) -> dict[str, Any]:
    prefix = params.get("PathPrefix")
    chosen = [{"PolicyName": p.name, "PolicyArn": p.arn} for p in policies if under(prefix, p.path)]
    return page(chosen, params, "AttachedPolicies")
