#!/usr/bin/env bash
# The runtimes of tests/sdk: Ruby with Debian's AWS SDK for Ruby v3 (aws-sdk-core) and the
# AWS SDK for JavaScript v3 from tests/sdk/js/package-lock.json (node and npm from Debian when the machine has none).
# Sourced by .ci/run before the test step: it exports STSMOCK_REQUIRE_SDKS=1, so the SDK tests
# fail rather than skip when a runtime is missing.  Also runnable on its own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! ruby -e "require 'aws-sdk-core'" >/dev/null 2>&1; then
    echo "== sdks: ruby and ruby-aws-sdk-core (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ruby ruby-aws-sdk-core >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "== sdks: node and npm (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

echo "== sdks: the JavaScript SDK (npm ci in tests/sdk/js)"
(cd "$root/tests/sdk/js" && npm ci --no-audit --no-fund --loglevel=error)

export STSMOCK_REQUIRE_SDKS=1
