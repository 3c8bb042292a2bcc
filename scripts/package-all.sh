#!/usr/bin/env bash
# Packages the deployment offline (no AWS credentials, no network): the central service with osls
# and the member-account template, then verifies both (deploy/verify-package.mjs).
# Usage: scripts/package-all.sh [stage=dev] [region=us-east-1]; PACKAGE_DIR overrides .serverless.
set -euo pipefail
cd "$(dirname "$0")/.."

stage="${1:-dev}"
region="${2:-us-east-1}"
out="${PACKAGE_DIR:-.serverless}"

# No telemetry, no update notices: nothing may reach the network during packaging.
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off

# The member template carries a generated copy of the event pattern: it must be current.
node deploy/sync-event-pattern.mjs --check
# Bounded: packaging takes seconds; a hang (e.g. a tool waiting on the network) must fail CI.
limit=""
if command -v timeout >/dev/null 2>&1; then limit="timeout 300"; fi
# serverless-esbuild leaves its work folders in TMPDIR: give it one that goes when this script ends.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/access-auditor-osls.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
TMPDIR="$scratch" $limit npx --no-install osls package --stage "$stage" --region "$region" --package "$out"
node deploy/verify-package.mjs "$out"
