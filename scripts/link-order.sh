#!/usr/bin/env bash
# Writes functions/build/link-order.txt: the functions each release binary runs from exec to
# its first `GET /next`, in the order they first run, for the linker to lay out together
# (functions/build/link.rs). Each binary starts under valgrind's lackey, which reports every
# block of code run, pointed at a Runtime API that is not there (its init is complete when it
# tries to connect); the linker's map names the function each block is in. Symbol names
# change when dependencies or the toolchain do: run this after updating them (a stale file
# costs page faults, never correctness; `make bench` shows them per binary).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
command -v valgrind >/dev/null || { warn "valgrind is needed: apt-get install valgrind"; exit 1; }
bash scripts/dev-env.sh

BINARIES=(hello-lambda "${FUNCTIONS[@]}")
packages=(-p bench)
for function in "${FUNCTIONS[@]}"; do packages+=(-p "$function"); done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say "building the functions and the floor (release) with the linker's map"
LINK_MAP_DIR="$work" cargo build --release "${packages[@]}"

for binary in "${BINARIES[@]}"; do
    say "tracing the start of $binary"
    (
        set -a; source "$LOCAL/dev.env"; set +a
        export AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 AWS_LAMBDA_FUNCTION_NAME="$binary" \
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION='$LATEST' \
            AWS_LAMBDA_LOG_FORMAT=JSON
        valgrind --tool=lackey --trace-superblocks=yes --log-file="$work/$binary.trace" \
            "target/release/$binary" >/dev/null 2>&1 || true
    )
done
python3 scripts/link_order.py "$work" functions/build/link-order.txt "${BINARIES[@]}"
say "written functions/build/link-order.txt; the next release build links by it"
