#!/usr/bin/env bash
# Starts (or stops) the stack the end-to-end tests drive over HTTP, exactly as `make dev` runs
# it but on its own database (eventhost_e2e, recreated each time) and port (9100), so it never
# disturbs a running `make dev`.   e2e-stack.sh start | stop
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
E2E_DB="${E2E_DB:-eventhost_e2e}"
E2E_PORT="${E2E_PORT:-9100}"
pidfile="$LOCAL/e2e-watch.pid"
bridge_pidfile="$LOCAL/e2e-bridge.pid"

stop() {
    for file in "$pidfile" "$bridge_pidfile"; do
        if [ -f "$file" ]; then
            kill "$(cat "$file")" 2>/dev/null || true
            rm -f "$file"
        fi
    done
    pkill -f "cargo-lambda lambda watch.*--invoke-port $E2E_PORT" 2>/dev/null || true
}

case "${1:-start}" in
stop) stop ;;
start)
    stop
    # Its own queues and bucket: a make dev running beside it keeps its own.
    bash scripts/moto.sh start eventhost-e2e- "$LOCAL/aws-e2e.env"
    say "creating a fresh $E2E_DB database"
    psql_admin -c "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" >/dev/null 2>&1
    psql_admin -c "CREATE DATABASE $E2E_DB" >/dev/null
    bash scripts/dev-env.sh
    # dev.env with this stack's database, queues and bucket (later lines win when sourced, and
    # cargo lambda watch reads the file the same way).
    grep -v -e '^NOTIFICATION_QUEUE_URL=' -e '^RESERVATION_EXPIRY_QUEUE_URL=' -e '^UPLOADS_BUCKET=' \
        -e '^UPLOADS_PUBLIC_BASE_URL=' -e '^LOCAL_QUEUE_PREFIX=' "$LOCAL/dev.env" | sed "s#/$DEV_DB\$#/$E2E_DB#" > "$LOCAL/e2e.env"
    cat "$LOCAL/aws-e2e.env" >> "$LOCAL/e2e.env"
    # The e2e run drives many logins from one machine: relax the per-IP code limit.
    # (the fuzz alone asks for thousands of codes, and logs a user in for each account deletion).
    echo "OTP_MAX_PER_IP_PER_HOUR=1000000" >> "$LOCAL/e2e.env"
    echo "OTP_SMS_BUDGET_PER_HOUR=1000000" >> "$LOCAL/e2e.env"
    echo "OTP_MAX_VERIFY_FAILURES_PER_IP_PER_HOUR=1000000" >> "$LOCAL/e2e.env"
    # Short holds, so a test can watch one expire through the queue.
    echo "HOLD_SECONDS=6" >> "$LOCAL/e2e.env"
    (set -a; source "$LOCAL/e2e.env"; set +a; cargo run -q -p migrate >/dev/null)
    say "starting cargo lambda watch on 127.0.0.1:$E2E_PORT for the end-to-end tests"
    # --ignore-changes: a test run must never hot-reload. A reload kills the function
    # processes, and a request in flight at that moment is never answered (schemathesis and
    # Hypothesis write files into the tree while they run).
    cargo lambda watch --ignore-changes --invoke-address 127.0.0.1 --invoke-port "$E2E_PORT" \
        --env-file "$LOCAL/e2e.env" >"$LOCAL/e2e-watch.log" 2>&1 &
    echo $! > "$pidfile"
    # The first call of each function compiles it; wait until the router answers.
    for _ in $(seq 1 300); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$E2E_PORT/v1/interests" || true)
        if [ "$code" = 200 ]; then
            cargo build -q -p sqs-bridge
            (set -a; source "$LOCAL/e2e.env"; set +a; LAMBDA_INVOKE_URL="http://127.0.0.1:$E2E_PORT" exec target/debug/sqs-bridge) \
                >"$LOCAL/e2e-bridge.log" 2>&1 &
            echo $! > "$bridge_pidfile"
            exit 0
        fi
        sleep 1
    done
    warn "the e2e stack did not answer; see $LOCAL/e2e-watch.log"
    exit 1
    ;;
esac
