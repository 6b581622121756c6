#!/usr/bin/env bash
# make bench: release binaries of every function and of a hello-world lambda_runtime floor
# (same profile, same run), then the harness in bench/ measures cold starts, read latency
# against the same statements bare, peak memory and seat-hold contention against pgbench (on
# its own eventhost_bench database), and rewrites the results section of BENCHMARKS.md.
#   BENCH_RUNS=20 (runs per binary)   BENCH_PACKAGES=1 (also measure the zips of make package)
#   BENCH_ONLY=cold,cold-aws,latency,memory,contention   BENCH_SCALE=large   BENCH_CONTENTION_SECS=10
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

# The AWS-shaped cold start: the ticket key in a Secrets Manager secret (moto), and Postgres
# over TLS verified against the server's own certificate, reached by the name it carries.
export BENCH_AWS_SECRET_ARN BENCH_TLS_DATABASE_URL BENCH_TLS_CA_BUNDLE
BENCH_AWS_SECRET_ARN=$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "$VENV/bin/python" - "$MOTO_URL" "$AWS_REGION_LOCAL" <<'PY'
import sys, boto3
client = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name=sys.argv[2])
name = "eventhost-bench-config"
value = '{"TICKET_SIGNING_KEY": "bench-ticket-key-read-from-secrets-manager-at-init"}'
try:
    print(client.create_secret(Name=name, SecretString=value)["ARN"])
except client.exceptions.ResourceExistsException:
    print(client.put_secret_value(SecretId=name, SecretString=value) and client.describe_secret(SecretId=name)["ARN"])
PY
)
BENCH_TLS_CA_BUNDLE=$(psql_admin -Atc "SELECT CASE WHEN current_setting('ssl') <> 'on' THEN '' \
    WHEN current_setting('ssl_cert_file') LIKE '/%' THEN current_setting('ssl_cert_file') \
    ELSE current_setting('data_directory') || '/' || current_setting('ssl_cert_file') END")
if [ -n "$BENCH_TLS_CA_BUNDLE" ] && [ -r "$BENCH_TLS_CA_BUNDLE" ]; then
    tls_host=$(openssl x509 -in "$BENCH_TLS_CA_BUNDLE" -noout -ext subjectAltName 2>/dev/null | grep -o 'DNS:[^,]*' | head -1 | cut -d: -f2)
    [ -n "$tls_host" ] || tls_host=$(openssl x509 -in "$BENCH_TLS_CA_BUNDLE" -noout -subject -nameopt multiline | sed -n 's/ *commonName *= *//p')
    app_url=$(grep '^DATABASE_URL=' "$LOCAL/dev.env" | cut -d= -f2-)
    BENCH_TLS_DATABASE_URL="$(echo "$app_url" | sed "s#@$PG_HOST:#@$tls_host:#")?hostaddr=$PG_HOST"
else
    warn "Postgres has no readable TLS certificate: the AWS-shaped cold start is skipped"
    BENCH_TLS_DATABASE_URL=""
fi

zips=()
if [ "${BENCH_PACKAGES:-0}" = 1 ]; then
    bash scripts/package.sh
    zips=(target/lambda)
fi
say "measuring cold starts (${BENCH_RUNS:-20} runs per binary)"
target/release/bench target/release "$LOCAL/dev.env" "${BENCH_RUNS:-20}" "${zips[@]}"
say "results written to BENCHMARKS.md"
