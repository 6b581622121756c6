# Shared settings of the scripts; sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
LOCAL="$ROOT/.local"            # pid files, logs and the generated env file of the local stack
mkdir -p "$LOCAL"
export PATH="$VENV/bin:$PATH"

PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
# Trust auth ignores the password; a fresh install gets this password set by ensure-postgres.sh.
PG_PASSWORD=postgres
PG_ADMIN_URL="postgres://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/postgres"
DEV_DB=eventhost

MOTO_HOST=127.0.0.1
MOTO_PORT=4566
MOTO_URL="http://$MOTO_HOST:$MOTO_PORT"
AWS_REGION_LOCAL=ap-south-1

# The Lambda functions serving requests and queues (template.yaml; migrate is packaged too).
FUNCTIONS=(auth profile events attendance payments notifications reservation-expiry notification-worker)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }

psql_admin() { PGPASSWORD="$PG_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

# Runs a command as root (directly when we are root, else through sudo).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
