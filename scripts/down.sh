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
pkill -f "cargo-lambda lambda watch" 2>/dev/null || true
bash "$ROOT/scripts/moto.sh" stop
