#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432: installs Debian's package when absent and
# starts the cluster when it is down. Never assumes a database exists.
source "$(dirname "$0")/lib.sh"

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    say "PostgreSQL is not installed: installing it from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client
fi

if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    say "starting PostgreSQL"
    for version in $(ls /etc/postgresql 2>/dev/null); do
        for cluster in $(ls "/etc/postgresql/$version" 2>/dev/null); do
            as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
        done
    done
    for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 1; done
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || { warn "PostgreSQL did not start on $PG_HOST:$PG_PORT"; exit 1; }
fi

if ! psql_admin -c 'SELECT 1' >/dev/null 2>&1; then
    # A fresh Debian install uses password auth on TCP: give the postgres role the password
    # the scripts use (over the local socket, as the postgres OS user).
    say "setting the local postgres role's password for TCP logins"
    as_root runuser -u postgres -- psql -X -q -c "ALTER ROLE postgres PASSWORD '$PG_PASSWORD'"
    psql_admin -c 'SELECT 1' >/dev/null
fi
