"""IAM's OIDC and SAML identity providers: one thin function per operation.

A provider created here is the seeding API's ``OIDCProvider`` /
``SAMLProvider`` (see ``backend.iam_providers``), so AssumeRoleWithWebIdentity
and AssumeRoleWithSAML meet it at the next request.  GetOpenIDConnectProvider
answers the URL without its scheme, as IAM does; GetSAMLProvider answers the
metadata document as it was given (a seeded provider's own ``metadata``).
``ValidUntil`` is left out (emulator-defined, listed in the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend import iam, iam_providers
from pytest_stsmock.backend.federation.oidc import provider_id
from pytest_stsmock.operations import _iam
from pytest_stsmock.operations.context import Operation, OperationContext

Params = Mapping[str, Any]


def _tags(params: Params) -> dict[str, str]:
    tags = _iam.tags_in(params)
    if len(tags) > 50:
        raise iam.too_many_tags()
    return tags


def _with_tags(out: dict[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    if tags:
        out["Tags"] = _iam.tags_out(tags)
    return out


def create_open_id_connect_provider(ctx: OperationContext, params: Params) -> dict[str, Any]:
    url = params["Url"]
    arn = _iam.arn(ctx, "oidc-provider/", provider_id(url), "")
    account = _iam.account(ctx, "CreateOpenIDConnectProvider", arn)
    provider = iam_providers.create_oidc_provider(
        account, url, params.get("ClientIDList", ()), params.get("ThumbprintList"), _tags(params)
    )
    return _with_tags({"OpenIDConnectProviderArn": provider.arn}, provider.tags)


def get_open_id_connect_provider(ctx: OperationContext, params: Params) -> dict[str, Any]:
    arn = params["OpenIDConnectProviderArn"]
    account = _iam.account(ctx, "GetOpenIDConnectProvider", arn)
    provider = iam_providers.oidc_provider(account, arn)
    out = {
        "Url": provider.id,
        "ClientIDList": list(provider.client_ids),
        "ThumbprintList": list(provider.thumbprints),
        "CreateDate": provider.create_date,
    }
    return _with_tags(out, provider.tags)


def list_open_id_connect_providers(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account = _iam.account(ctx, "ListOpenIDConnectProviders")
    arns = [{"Arn": p.arn} for p in account.oidc_providers.values()]
    return {"OpenIDConnectProviderList": arns}


def delete_open_id_connect_provider(ctx: OperationContext, params: Params) -> dict[str, Any]:
    arn = params["OpenIDConnectProviderArn"]
    account = _iam.account(ctx, "DeleteOpenIDConnectProvider", arn)
    iam_providers.delete_oidc_provider(account, arn)
    return {}


def create_saml_provider(ctx: OperationContext, params: Params) -> dict[str, Any]:
    name = params["Name"]
    account = _iam.account(ctx, "CreateSAMLProvider", _iam.arn(ctx, "saml-provider/", name, ""))
    provider = iam_providers.create_saml_provider(
        account, name, params["SAMLMetadataDocument"], _tags(params)
    )
    return _with_tags({"SAMLProviderArn": provider.arn}, provider.tags)


def get_saml_provider(ctx: OperationContext, params: Params) -> dict[str, Any]:
    arn = params["SAMLProviderArn"]
    account = _iam.account(ctx, "GetSAMLProvider", arn)
    provider = iam_providers.saml_provider(account, arn)
    out = {"SAMLMetadataDocument": provider.metadata, "CreateDate": provider.create_date}
    return _with_tags(out, provider.tags)


def list_saml_providers(ctx: OperationContext, params: Params) -> dict[str, Any]:
    account = _iam.account(ctx, "ListSAMLProviders")
    found = [{"Arn": p.arn, "CreateDate": p.create_date} for p in account.saml_providers.values()]
    return {"SAMLProviderList": found}


def delete_saml_provider(ctx: OperationContext, params: Params) -> dict[str, Any]:
    arn = params["SAMLProviderArn"]
    account = _iam.account(ctx, "DeleteSAMLProvider", arn)
    iam_providers.delete_saml_provider(account, arn)
    return {}


OPERATIONS: dict[str, Operation] = {
    "CreateOpenIDConnectProvider": create_open_id_connect_provider,
    "GetOpenIDConnectProvider": get_open_id_connect_provider,
    "ListOpenIDConnectProviders": list_open_id_connect_providers,
    "DeleteOpenIDConnectProvider": delete_open_id_connect_provider,
    "CreateSAMLProvider": create_saml_provider,
    "GetSAMLProvider": get_saml_provider,
    "ListSAMLProviders": list_saml_providers,
    "DeleteSAMLProvider": delete_saml_provider,
}
