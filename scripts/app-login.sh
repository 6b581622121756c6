#!/usr/bin/env bash
# The local stacks' functions connect as eventhost_local, a login in eventhost_app (migration
# V17: rows only, audit_log insert-and-read only, no DDL), as the functions connect as the app
# role in AWS; migrations run as the owner (MIGRATE_DATABASE_URL). Run after migrating, since
# V17 makes eventhost_app. Idempotent; the role is the server's, shared by every local database.
source "$(dirname "$0")/lib.sh"
psql_admin -c "DO \$\$ BEGIN
    CREATE ROLE eventhost_local LOGIN PASSWORD 'eventhost_local' IN ROLE eventhost_app;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END \$\$" >/dev/null
