"""How fast the federation calls are: AssumeRoleWithWebIdentity and AssumeRoleWithSAML.

    python benchmarks/bench_federation.py            # full run
    python benchmarks/bench_federation.py --quick    # a few seconds
    python benchmarks/bench_federation.py --cpu      # thread CPU time (a loaded machine)

The same method as ``bench.py`` (whose machinery this script imports): one
run, interleaved rounds, each contender's median per call and its ratio to
botocore's floor (the same client answered with a canned response at
before-send).  The plugin rows verify a real signature on every call: an RS256
JWT for web identity, an RSA-SHA256 XML signature for SAML.  Parsed keys and
certificates are cached by the plugin; verdicts never are, so every call pays
the verification.  Each round makes its own backend, provider, token and
assertion (outside the timed batch).

Targets: web identity <= 1.5x the floor, SAML <= 2.5x.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench
from bench import Clients, Row, Target, floor, moto_sts

from pytest_stsmock import mock_sts

ISSUER = "https://token.actions.githubusercontent.com"
SUB = "repo:octo-org/app:ref:refs/heads/main"
SAML_ISSUER = "http://www.okta.com/exk1bench"
ROLE = f"arn:aws:iam::{bench.ACCOUNT}:role/federated"
SAML_PROVIDER = f"arn:aws:iam::{bench.ACCOUNT}:saml-provider/okta"
CREDENTIALS = (
    "<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId>"
    "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>"
    f"<SessionToken>IQoJb3JpZ2luX2Vj{'A' * 784}</SessionToken>"
    "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
)
ASSUMED = (
    "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLEEXAMPLE123:bench</AssumedRoleId>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/federated/bench</Arn></AssumedRoleUser>"
)
WEB_IDENTITY_XML = bench._envelope(
    "AssumeRoleWithWebIdentity",
    CREDENTIALS
    + f"<SubjectFromWebIdentityToken>{SUB}</SubjectFromWebIdentityToken>"
    + ASSUMED
    + "<Provider>arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    "</Provider><Audience>sts.amazonaws.com</Audience>",
)
SAML_XML = bench._envelope(
    "AssumeRoleWithSAML",
    CREDENTIALS
    + ASSUMED
    + "<Subject>alice@example.com</Subject><SubjectType>persistent</SubjectType>"
    f"<Issuer>{SAML_ISSUER}</Issuer><Audience>https://signin.aws.amazon.com/saml</Audience>"
    "<NameQualifier>8Un+1TUFWXNvpXjWjDvw0+IiSsY=</NameQualifier>",
)
TARGET_WEB_IDENTITY = 1.5
TARGET_SAML = 2.5


def seed(backend: Any) -> dict[str, str]:
    """An OIDC provider, a SAML provider, a role trusting both; a token and an assertion."""
    account = backend.default_account
    github = account.create_oidc_provider(ISSUER, client_ids=["sts.amazonaws.com"])
    okta = account.create_saml_provider("okta", issuer=SAML_ISSUER)
    prefix = "token.actions.githubusercontent.com"
    role = account.create_role(
        "federated",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": github.arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {f"{prefix}:aud": "sts.amazonaws.com"},
                        "StringLike": {f"{prefix}:sub": "repo:octo-org/app:ref:refs/heads/*"},
                    },
                },
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": okta.arn},
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {
                        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}
                    },
                },
            ],
        },
    )
    return {
        "token": github.token(sub=SUB),
        "assertion": okta.assertion(subject="alice@example.com", role=role, session_name="alice"),
    }


def _inputs() -> dict[str, str]:
    """A token and an assertion for the floor and moto rows (any well-formed one will do)."""
    with mock_sts(seed=bench.SEED) as backend:
        return seed(backend)


INPUTS: dict[str, str] = {}


def plugin() -> bench.Setup:
    @contextlib.contextmanager
    def setup(clients: Clients) -> Iterator[tuple[Any, dict[str, str]]]:
        with mock_sts(seed=bench.SEED) as backend:
            yield clients.shared, seed(backend)

    return setup


def other(setup: bench.Setup) -> bench.Setup:
    @contextlib.contextmanager
    def wrapped(clients: Clients) -> Iterator[tuple[Any, dict[str, str]]]:
        with setup(clients) as client:
            yield client, INPUTS

    return wrapped


def web_identity(state: tuple[Any, dict[str, str]]) -> object:
    client, inputs = state
    return client.assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="bench", WebIdentityToken=inputs["token"]
    )


def saml(state: tuple[Any, dict[str, str]]) -> object:
    client, inputs = state
    return client.assume_role_with_saml(
        RoleArn=ROLE, PrincipalArn=SAML_PROVIDER, SAMLAssertion=inputs["assertion"]
    )


ROWS: list[Row] = [
    Row("assume_role_with_web_identity", "floor", other(floor(WEB_IDENTITY_XML)), web_identity),
    Row(
        "assume_role_with_web_identity",
        "plugin",
        plugin(),
        web_identity,
        target=Target(ratio=TARGET_WEB_IDENTITY),
    ),
    Row("assume_role_with_web_identity", "moto", other(moto_sts()), web_identity, batch=50),
    Row("assume_role_with_saml", "floor", other(floor(SAML_XML)), saml),
    Row("assume_role_with_saml", "plugin", plugin(), saml, target=Target(ratio=TARGET_SAML)),
    Row("assume_role_with_saml", "moto", other(moto_sts()), saml, batch=50),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 short rounds")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument(
        "--cpu", action="store_true", help="time by this thread's CPU time (a loaded machine)"
    )
    args = parser.parse_args(argv)
    if args.cpu:
        bench.CLOCK = time.thread_time_ns
    rounds = args.rounds or (5 if args.quick else 15)
    scale = 0.2 if args.quick else 1.0
    INPUTS.update(_inputs())
    clients = Clients(shared=bench._client(), floor=bench._client())
    results = bench.run_rows(ROWS, clients, rounds=rounds, scale=scale, warmup=5)
    bench.report_rows(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
