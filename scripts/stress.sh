#!/usr/bin/env bash
# make stress: the race harness (tests/api/stress.rs) at 10 000 operations and the Postgres
# restart under load (tests/api/platform/restart.rs), printing their figures. make test runs both too,
# the harness at 1 000 operations. STRESS_OPERATIONS and STRESS_SEED change the run.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/ensure-postgres.sh
bash scripts/moto.sh start
export TEST_DATABASE_ADMIN_URL="$PG_ADMIN_URL" TEST_AWS_ENDPOINT_URL="$MOTO_URL"
export STRESS_OPERATIONS="${STRESS_OPERATIONS:-10000}"
say "race harness: $STRESS_OPERATIONS operations; then a Postgres restart under load"
cargo test -p api-tests --test api -- --nocapture --test-threads 1 stress:: restart:: 2>&1 |
    grep -v '^{"Count"'
