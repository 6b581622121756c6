#!/usr/bin/env bash
# Creates a database if it does not exist: create-db.sh NAME
source "$(dirname "$0")/lib.sh"
name="$1"
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
    say "creating database $name"
    psql_admin -c "CREATE DATABASE \"$name\""
fi
