#!/usr/bin/env bash
# Applies migrations in AWS: invokes the stack's migrate function and fails when it fails.
# Usage: scripts/migrate-aws.sh <stack-name> [region]
set -euo pipefail
stack="${1:?usage: scripts/migrate-aws.sh <stack-name> [region]}"
region_args=()
[ -n "${2:-}" ] && region_args=(--region "$2")

function_name="$(aws cloudformation describe-stacks "${region_args[@]}" --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='MigrateFunctionName'].OutputValue" --output text)"
echo "==> invoking $function_name"
result="$(mktemp)"
error="$(aws lambda invoke "${region_args[@]}" --function-name "$function_name" \
    --cli-read-timeout 310 --query FunctionError --output text "$result")"
cat "$result"; echo
if [ "$error" != "None" ] && [ -n "$error" ]; then
    echo "!! migrations failed ($error); the previous schema is unchanged (each migration is one transaction)" >&2
    exit 1
fi
