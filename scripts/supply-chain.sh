#!/usr/bin/env bash
# Supply chain: cargo-deny with deny.toml. Licences, bans and sources need only Cargo.lock and
# the crate metadata, so they always run and must be clean. Advisories need the RustSec
# database, a git repository: the live one where the network allows, else the snapshot beside
# the checkout (../shared/rustsec-advisory-db.bundle), cloned where cargo-deny keeps its default
# database and checked with --offline. Either way the check must be clean.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "cargo deny check licenses bans sources"
cargo-deny --log-level error check licenses bans sources

# cargo-deny's folder for its default database (https://github.com/RustSec/advisory-db).
DB_DIR="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs/advisory-db-3157b0e258782691"
BUNDLE="$ROOT/../shared/rustsec-advisory-db.bundle"

if timeout 20 git ls-remote -q https://github.com/RustSec/advisory-db HEAD >/dev/null 2>&1; then
    say "cargo deny check advisories (live RustSec database)"
    cargo-deny --log-level error check advisories
else
    [ -f "$BUNDLE" ] || { warn "no network for the RustSec database and no snapshot at $BUNDLE"; exit 1; }
    # Whatever is in the folder (an older snapshot, a partial clone) gives way to the snapshot.
    if git -C "$DB_DIR" fetch -q "$BUNDLE" main 2>/dev/null; then
        git -C "$DB_DIR" reset -q --hard FETCH_HEAD
    else
        rm -rf "$DB_DIR"
        mkdir -p "$(dirname "$DB_DIR")"
        git -c init.defaultBranch=main clone -q --branch main "$BUNDLE" "$DB_DIR"
    fi
    say "cargo deny check advisories (offline, RustSec snapshot of $(git -C "$DB_DIR" log -1 --format=%cs))"
    cargo metadata --format-version 1 >/dev/null
    cargo-deny --offline --log-level error check advisories
fi
