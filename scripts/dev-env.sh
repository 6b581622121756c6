#!/usr/bin/env bash
# Writes .local/dev.env: the configuration every function gets under `cargo lambda watch`
# (the same variables template.yaml sets in AWS, pointed at the local Postgres and moto).
source "$(dirname "$0")/lib.sh"
{
    # The functions connect as a login in the least-privileged app role; migrations run as the
    # owner and make the functions' login (its name and password from DATABASE_URL) a member.
    echo "DATABASE_URL=postgres://eventhost_local:eventhost_local@$PG_HOST:$PG_PORT/$DEV_DB"
    echo "MIGRATE_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$DEV_DB"
    echo "DATABASE_TLS=disable"
    echo "DATABASE_POOL_SIZE=2"
    # A fixed Ed25519 key for local stacks only (never used in AWS: make token-key makes those).
    echo "TOKEN_SIGNING_KEY=local:bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1pbi1hd3M"
    echo "AWS_ENDPOINT_URL=$MOTO_URL"
    echo "AWS_REGION=$AWS_REGION_LOCAL"
    echo "AWS_ACCESS_KEY_ID=test"
    echo "AWS_SECRET_ACCESS_KEY=test"
    echo "RUST_LOG=info"
    # cargo lambda watch runs each function as a Lambda would; this marks the stack as local
    # (the payment sandbox is refused in AWS).
    echo "LOCAL_STACK=true"
    [ -f "$LOCAL/aws.env" ] && cat "$LOCAL/aws.env"
    true
} > "$LOCAL/dev.env"
