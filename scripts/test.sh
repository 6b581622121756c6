#!/usr/bin/env bash
# `make test`: every check and every test. Starts what the tests need (Postgres, moto);
# each test creates its own fresh database.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/ensure-tools.sh
bash scripts/ensure-postgres.sh

say "dropping databases left by earlier test runs"
for db in $(psql_admin -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'test\_%'"); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
done

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -q -- -D warnings

bash scripts/supply-chain.sh

say "cfn-lint and sam validate --lint (offline)"
cfn-lint template.yaml
SAM_CLI_TELEMETRY=0 sam validate --lint --template template.yaml --region ap-south-1

bash scripts/moto.sh start
# Events shaped by AWS's own generator, which tests/api/platform/aws_events.rs feeds the functions.
bash scripts/sam-events.sh

export TEST_DATABASE_ADMIN_URL="$PG_ADMIN_URL"
export TEST_AWS_ENDPOINT_URL="$MOTO_URL"
say "cargo test: unit tests of every crate, and the SQS bridge against moto"
cargo test --workspace --exclude api-tests
say "end-to-end tests through cargo lambda watch + moto"
bash scripts/e2e-stack.sh start
trap 'bash "$ROOT/scripts/e2e-stack.sh" stop' EXIT
E2E_BASE_URL=http://127.0.0.1:9100 cargo test -p api-tests --test e2e -- --ignored
say "fuzzing the running stack against openapi.json (short, seeded campaign)"
bash scripts/fuzz.sh http://127.0.0.1:9100 "${FUZZ_EXAMPLES:-10}"
bash scripts/e2e-stack.sh stop
say "TypeScript client: generate from openapi.json and type-check (tsc --noEmit)"
bash scripts/ts-client.sh
say "cargo test: integration tests (each on a fresh database), logging the problems they get"
codes_log="$LOCAL/problem-codes.log"
rm -f "$codes_log"
PROBLEM_CODES_LOG="$codes_log" cargo test -p api-tests --test api -- --test-threads "${TEST_THREADS:-4}"
say "documented = sent: every problem code an operation documents is provoked by a test (or listed why not)"
"$VENV/bin/python" "$ROOT/scripts/problem_coverage.py" "$ROOT/openapi.json" "$codes_log" "$ROOT/tests/problem_codes_unreached.txt"
