"""The federation operations: AssumeRoleWithWebIdentity, AssumeRoleWithSAML, GetWebIdentityToken.

Each function turns the decoded parameters (API member names) into the
backend's typed request, calls :mod:`pytest_stsmock.backend.federation`, and
writes the result structure botocore parses.  The two sign-in operations are
unsigned, as in AWS: the token or assertion is the proof of identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_stsmock.backend.federation import outbound, samlverify, webidentity
from pytest_stsmock.operations import members
from pytest_stsmock.operations.context import Operation, OperationContext


def assume_role_with_web_identity(
    ctx: OperationContext, params: Mapping[str, Any]
) -> dict[str, Any]:
    result = webidentity.assume_role_with_web_identity(
        ctx.backend,
        webidentity.WebIdentityRequest(  # (positionally, in its fields' order)
            params["RoleArn"],
            params["RoleSessionName"],
            params["WebIdentityToken"],
            params.get("DurationSeconds"),
            members.session_policies(params),
            params.get("MinimumSessionTokenSize", 0),
        ),
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
        request_keys=ctx.request_keys,
    )
    # assumed_role's dict is new for this answer: add to it rather than copy it.
    answer = members.assumed_role(
        result.session,
        params,
        packed_size=result.packed_size,
        source_identity=result.source_identity,
    )
    answer["SubjectFromWebIdentityToken"] = result.subject
    answer["Provider"] = result.provider
    answer["Audience"] = result.audience
    return answer


def assume_role_with_saml(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    result = samlverify.assume_role_with_saml(
        ctx.backend,
        samlverify.SamlRequest(
            role_arn=params["RoleArn"],
            principal_arn=params["PrincipalArn"],
            assertion=params["SAMLAssertion"],
            duration_seconds=params.get("DurationSeconds"),
            session_policies=members.session_policies(params),
            minimum_token_size=params.get("MinimumSessionTokenSize", 0),
        ),
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
        request_keys=ctx.request_keys,
    )
    answer = members.assumed_role(
        result.session,
        params,
        packed_size=result.packed_size,
        source_identity=result.source_identity,
    )
    answer["Subject"] = result.subject
    answer["SubjectType"] = result.subject_type
    answer["Issuer"] = result.issuer
    answer["Audience"] = result.audience
    answer["NameQualifier"] = result.name_qualifier
    return answer


def get_web_identity_token(ctx: OperationContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller = ctx.require_caller()
    token, expiration = outbound.get_web_identity_token(
        ctx.backend,
        caller,
        outbound.OutboundTokenRequest(
            audiences=tuple(params["Audience"]),
            signing_algorithm=params["SigningAlgorithm"],
            duration_seconds=params.get("DurationSeconds"),
            scope=params.get("Scope"),
            subject_mode=params.get("SubjectMode"),
            tags=members.tags(params),
        ),
        now=ctx.now,
        region=ctx.region,
        global_endpoint=ctx.global_endpoint,
        request_keys=ctx.request_keys,
    )
    return {"WebIdentityToken": token, "Expiration": expiration}


#: The operations this module answers, by the model's operation name.
OPERATIONS: dict[str, Operation] = {
    "AssumeRoleWithWebIdentity": assume_role_with_web_identity,
    "AssumeRoleWithSAML": assume_role_with_saml,
    "GetWebIdentityToken": get_web_identity_token,
}
