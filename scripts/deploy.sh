#!/usr/bin/env bash
# make deploy: builds every function for arm64 (sam build, rust-cargolambda) and deploys the
# stack with samconfig.toml. The stack applies the migrations itself (its MigrationRun custom
# resource) before any function is updated; a failed migration fails the deploy, CloudFormation
# rolls back and the old code keeps serving. DEPLOY_ARGS go to sam deploy (--guided the first
# time, --config-env staging, …).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/ensure-tools.sh
command -v cargo-lambda >/dev/null || { warn "cargo-lambda is missing (make dev or make test installs it)"; exit 1; }
say "sam build (arm64, rust-cargolambda; a first build takes a while)"
SAM_CLI_TELEMETRY=0 sam build --beta-features
say "sam deploy (migrations run inside the deploy, before the functions change)"
# shellcheck disable=SC2086
SAM_CLI_TELEMETRY=0 sam deploy ${DEPLOY_ARGS:-}
