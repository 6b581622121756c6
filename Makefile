# The two commands of the README, and a few helpers.
.PHONY: dev test down migrate seed lint fmt package openapi routes fuzz stress bench deploy token-key superuser

## make dev: install what is missing, start Postgres + moto, migrate, seed, serve on :9000
dev:
	bash scripts/dev.sh

## make test: fmt, clippy, cfn-lint and every test on fresh databases
test:
	bash scripts/test.sh

## make down: stop what make dev started
down:
	bash scripts/down.sh

## make package: release zips of every function (arm64, or x86_64 when arm64 cannot be built)
package:
	bash scripts/package.sh

## make deploy: sam build + sam deploy (samconfig.toml); migrations run inside the deploy, first
deploy:
	bash scripts/deploy.sh

## make token-key [KID=k2]: a new Ed25519 access-token key pair (signing key for auth's secret, public key for TokenVerifyKeys)
token-key:
	cargo run -q -p token-key -- $(KID)

## make openapi: write openapi.json and docs/API.md from the code (commit them; make test fails when they are stale)
openapi:
	cargo run -q -p openapi

## make routes: write the watch router in Cargo.toml and template.yaml's HttpApi events from the route table (same tool as make openapi)
routes: openapi

## make stress: the race harness with 10 000 random concurrent operations, then the restart test
stress:
	bash scripts/stress.sh

## make bench: cold starts vs a hello-world floor, read latency vs bare SQL, peak memory, seat-hold contention vs pgbench → BENCHMARKS.md
bench:
	bash scripts/bench.sh

## make fuzz: a long schemathesis campaign against a fresh local stack (> 10 000 requests)
fuzz:
	bash scripts/fuzz-long.sh

## make migrate: apply migrations to the dev database
migrate:
	bash scripts/ensure-postgres.sh
	bash scripts/create-db.sh eventhost
	bash scripts/dev-env.sh
	set -a && . .local/dev.env && set +a && cargo run -q -p migrate

## make superuser PHONE=+91…: the account of PHONE (logged in once) becomes staff and superuser
superuser:
	@test -n "$(PHONE)" || { echo "usage: make superuser PHONE=+91XXXXXXXXXX"; exit 2; }
	bash scripts/dev-env.sh
	set -a && . .local/dev.env && set +a && cargo run -q -p migrate -- superuser "$(PHONE)"

## make seed: load the demo data again (idempotent)
seed:
	PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d eventhost -f scripts/seed-demo.sql

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings
	.venv/bin/cfn-lint template.yaml
