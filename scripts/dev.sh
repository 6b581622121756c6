#!/usr/bin/env bash
# `make dev`: installs what is missing, starts Postgres and the local AWS, migrates, seeds demo
# data and serves every function on http://127.0.0.1:9000. Ctrl-C stops what it started.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/ensure-tools.sh
bash scripts/ensure-postgres.sh
bash scripts/create-db.sh "$DEV_DB"
bash scripts/moto.sh start
bash scripts/dev-env.sh

say "applying migrations to $DEV_DB"
set -a; source "$LOCAL/dev.env"; set +a
cargo run -q -p migrate

say "seeding demo data (users, venues, a free and a paid event)"
PGPASSWORD="$PG_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
    -d "$DEV_DB" -f scripts/seed-demo.sql

cleanup() {
    trap - INT TERM EXIT
    say "stopping the local stack"
    bash "$ROOT/scripts/down.sh"
}
trap cleanup INT TERM EXIT

say "serving every function on http://127.0.0.1:9000 (cargo lambda watch; first calls compile)"
say "try: curl -s http://127.0.0.1:9000/v1/interests"
cargo lambda watch --invoke-address 127.0.0.1 --invoke-port 9000 --env-file "$LOCAL/dev.env" &
echo $! > "$LOCAL/watch.pid"

say "starting the SQS bridge (queues and the one-minute schedule → the workers, as in AWS)"
cargo build -q -p sqs-bridge
(set -a; source "$LOCAL/dev.env"; set +a; LAMBDA_INVOKE_URL=http://127.0.0.1:9000 exec target/debug/sqs-bridge) \
    >"$LOCAL/bridge.log" 2>&1 &
echo $! > "$LOCAL/bridge.pid"
wait "$(cat "$LOCAL/watch.pid")"
