#!/usr/bin/env bash
# Supply chain: cargo-deny with deny.toml. Licences, bans and sources need only Cargo.lock and
# the crate metadata, so they always run and must be clean. Advisories need the RustSec
# database, a git repository outside the package registries: it is checked against a copy
# when one can be had (fetched, or already in ~/.cargo/advisory-dbs), and skipped with a
# plain message when none can.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "cargo deny check licenses bans sources"
cargo-deny --log-level error check licenses bans sources

if cargo-deny --log-level error check advisories 2>"$LOCAL/advisories.err"; then
    say "cargo deny check advisories: clean"
elif grep -q "failed to fetch advisory database" "$LOCAL/advisories.err"; then
    if ls "${CARGO_HOME:-$HOME/.cargo}"/advisory-dbs/*/ >/dev/null 2>&1; then
        say "cargo deny check advisories (offline, against the local copy of the database)"
        cargo-deny --log-level error check --disable-fetch advisories
    else
        warn "advisories not checked: the RustSec database cannot be fetched from here ($(grep -m1 -o 'fatal: .*' "$LOCAL/advisories.err" || echo 'no network'))"
    fi
else
    cat "$LOCAL/advisories.err" >&2
    exit 1
fi
