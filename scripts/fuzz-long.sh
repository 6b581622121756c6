#!/usr/bin/env bash
# make fuzz: a long schemathesis campaign (200 examples per operation, over 10 000 requests)
# against a fresh local stack on :9100.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/ensure-tools.sh
bash scripts/ensure-postgres.sh
bash scripts/e2e-stack.sh start
trap 'bash "$ROOT/scripts/e2e-stack.sh" stop' EXIT
bash scripts/fuzz.sh http://127.0.0.1:9100 "${FUZZ_EXAMPLES:-200}" "${FUZZ_SEED:-$RANDOM}"
