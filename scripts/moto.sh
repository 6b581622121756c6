#!/usr/bin/env bash
# Starts (or stops) the local AWS: the moto server on 127.0.0.1:4566, then creates a stack's
# queues (each with a DLQ and redrive policy) and uploads bucket. Idempotent.
#   moto.sh start [PREFIX ENV_FILE] | stop
# make dev's stack uses the prefix eventhost- (written to .local/aws.env); the tests' end-to-end
# stack its own (scripts/e2e-stack.sh), so the two never share a queue or a bucket.
source "$(dirname "$0")/lib.sh"
pidfile="$LOCAL/moto.pid"

case "${1:-start}" in
stop)
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        say "stopping moto"
        kill "$(cat "$pidfile")" || true
    fi
    rm -f "$pidfile"
    ;;
start)
    if ! curl -fsS "$MOTO_URL/moto-api/data.json" >/dev/null 2>&1; then
        say "starting moto (local SQS, SNS, S3) on $MOTO_URL"
        nohup "$VENV/bin/moto_server" -H "$MOTO_HOST" -p "$MOTO_PORT" >"$LOCAL/moto.log" 2>&1 &
        echo $! > "$pidfile"
        for _ in $(seq 1 50); do
            curl -fsS "$MOTO_URL/moto-api/data.json" >/dev/null 2>&1 && break
            sleep 0.2
        done
        curl -fsS "$MOTO_URL/moto-api/data.json" >/dev/null || { warn "moto did not start; see $LOCAL/moto.log"; exit 1; }
    fi
    prefix="${2:-eventhost-}"
    env_file="${3:-$LOCAL/aws.env}"
    say "creating the ${prefix}* queues and bucket in moto"
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION="$AWS_REGION_LOCAL" \
        "$VENV/bin/python" "$ROOT/scripts/moto_resources.py" "$MOTO_URL" "$prefix" > "$env_file"
    ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
