#!/usr/bin/env bash
# Generates the TypeScript client's types from openapi.json and type-checks the client and its
# usage example (clients/typescript). Installs Node.js from Debian when it is missing.
source "$(dirname "$0")/lib.sh"
cd "$ROOT/clients/typescript"
if ! command -v npm >/dev/null; then
    say "installing Node.js and npm (Debian packages)"
    as_root apt-get update -qq
    as_root apt-get install -y -qq nodejs npm
fi
npm ci --no-audit --no-fund --loglevel=error
npm run --silent check
