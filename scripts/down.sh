#!/usr/bin/env bash
# `make down`: stops what `make dev` started (cargo lambda watch, moto). Postgres is left running:
# it is the machine's service, not ours.
source "$(dirname "$0")/lib.sh"
if [ -f "$LOCAL/watch.pid" ]; then
    pid="$(cat "$LOCAL/watch.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping cargo lambda watch"
        kill "$pid" 2>/dev/null || true
    fi
    rm -f "$LOCAL/watch.pid"
fi
if [ -f "$LOCAL/bridge.pid" ]; then
    kill "$(cat "$LOCAL/bridge.pid")" 2>/dev/null || true
    rm -f "$LOCAL/bridge.pid"
fi
# Only this stack's watch (port 9000): the tests' end-to-end stack (9100) may be running beside it.
pkill -f "cargo-lambda lambda watch.*--invoke-port 9000" 2>/dev/null || true
bash "$ROOT/scripts/moto.sh" stop
