#!/usr/bin/env bash
# make package: one Lambda zip per function (target/lambda/<function>/bootstrap.zip), arm64 as
# template.yaml declares when this machine can cross-compile, else x86_64 with a clear message.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/ensure-tools.sh

PACKAGED=("${FUNCTIONS[@]}" migrate)
packages=()
for function in "${PACKAGED[@]}"; do packages+=(-p "$function"); done

# arm64 needs Rust's aarch64 standard library and a cross linker (zig, installed with
# cargo-lambda into .venv); rustup fetches the former when it can.
arch_flag=--arm64
if ! rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu; then
    say "adding Rust's aarch64-unknown-linux-gnu target (rustup)"
    rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1 || arch_flag=""
fi
if [ -n "$arch_flag" ] && ! python3 -c 'import ziglang' 2>/dev/null && ! command -v zig >/dev/null; then
    arch_flag=""
fi

if [ -n "$arch_flag" ]; then
    say "building ${#PACKAGED[@]} functions for arm64 (release, zip)"
    if ! cargo lambda build --release --arm64 --output-format zip "${packages[@]}"; then
        warn "the arm64 build failed; falling back to x86_64"
        arch_flag=""
    fi
fi
if [ -z "$arch_flag" ]; then
    warn "this machine cannot build arm64 (no aarch64 Rust target or no zig): building x86_64."
    warn "deploy these zips with Architectures: [x86_64], or package on a machine that has them."
    say "building ${#PACKAGED[@]} functions for x86_64 (release, zip)"
    cargo lambda build --release --x86-64 --output-format zip "${packages[@]}"
fi

say "packages"
for function in "${PACKAGED[@]}"; do
    zip="target/lambda/$function/bootstrap.zip"
    printf '  %-22s %8s KiB  %s\n' "$function" "$(( $(stat -c %s "$zip") / 1024 ))" "$zip"
done
