#!/usr/bin/env bash
# make bench: release binaries of every function and of a hello-world lambda_runtime floor
# (same profile, same run), then the harness in bench/ measures cold starts, read latency
# against the same statements bare, peak memory and seat-hold contention against pgbench (on
# its own eventhost_bench database), and rewrites the results section of BENCHMARKS.md.
#   BENCH_RUNS=20 (runs per binary)   BENCH_PACKAGES=1 (also measure the zips of make package)
#   BENCH_ONLY=cold,latency,memory,contention   BENCH_SCALE=large   BENCH_CONTENTION_SECS=10
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/ensure-tools.sh
bash scripts/ensure-postgres.sh
bash scripts/moto.sh start
bash scripts/create-db.sh "$DEV_DB"
bash scripts/dev-env.sh
(set -a; source "$LOCAL/dev.env"; set +a; cargo run -q -p migrate >/dev/null)

packages=(-p bench)
for function in "${FUNCTIONS[@]}"; do packages+=(-p "$function"); done
say "building ${#FUNCTIONS[@]} functions and the hello-world floor (release; the first build is slow)"
cargo build --release "${packages[@]}"

zips=()
if [ "${BENCH_PACKAGES:-0}" = 1 ]; then
    bash scripts/package.sh
    zips=(target/lambda)
fi
say "measuring cold starts (${BENCH_RUNS:-20} runs per binary)"
target/release/bench target/release "$LOCAL/dev.env" "${BENCH_RUNS:-20}" "${zips[@]}"
say "results written to BENCHMARKS.md"
