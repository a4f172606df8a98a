"""What IAM's named entities (users, roles, groups) share: finding one by name,
listing them, and the three tagging operations.

Design decisions:

* An entity named in a request is looked up in the caller's own account
  first (so an unknown name is ``NoSuchEntity`` whoever asks), then the call
  is authorized on the entity's ARN, as IAM does.
* TagUser/TagRole, UntagUser/UntagRole and ListUserTags/ListRoleTags behave
  identically on their entity's tags, so one factory builds each pair's
  functions from the entity's noun and its finder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pytest_stsmock.backend import iam
from pytest_stsmock.operations import _iam
from pytest_stsmock.operations.context import Operation, OperationContext

Params = Mapping[str, Any]
Finder = Callable[[OperationContext, str, Params], Any]


def named(ctx: OperationContext, action: str, lookup: Callable[[Any, str], Any], name: str) -> Any:
    """``(account, entity)``: what ``lookup`` finds by ``name``, once ``action`` is allowed."""
    account = _iam.caller_account(ctx)
    found = lookup(account, name)
    _iam.account(ctx, action, found.arn)
    return account, found


def listed(
    ctx: OperationContext,
    action: str,
    params: Params,
    entities: Callable[[Any], Iterable[Any]],
    out: Callable[[Any], dict[str, Any]],
    key: str,
) -> dict[str, Any]:
    """A page of the account's ``entities`` under ``PathPrefix``, each as ``out`` writes it."""
    account = _iam.account(ctx, action)
    prefix = params.get("PathPrefix")
    chosen = [item for item in map(out, entities(account)) if _iam.under(prefix, item["Path"])]
    return _iam.page(chosen, params, key)


def tag_operations(noun: str, find: Finder) -> dict[str, Operation]:
    """``Tag<noun>``, ``Untag<noun>`` and ``List<noun>Tags`` for the entity ``find`` returns."""

    def tag(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, entity = find(ctx, f"Tag{noun}", params)
        iam.set_tags(entity.tags, _iam.tags_in(params))
        return {}

    def untag(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, entity = find(ctx, f"Untag{noun}", params)
        iam.remove_tags(entity.tags, params["TagKeys"])
        return {}

    def list_tags(ctx: OperationContext, params: Params) -> dict[str, Any]:
        _, entity = find(ctx, f"List{noun}Tags", params)
        return _iam.page(_iam.tags_out(entity.tags), params, "Tags")

    return {f"Tag{noun}": tag, f"Untag{noun}": untag, f"List{noun}Tags": list_tags}
