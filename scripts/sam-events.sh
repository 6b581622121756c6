#!/usr/bin/env bash
# Writes the API Gateway events the tests feed the functions (tests/api/platform/aws_events.rs), made by
# AWS's own generator, the SAM CLI (`sam local generate-event`, offline), so the functions are
# tested with events shaped by AWS and not only by ourselves: a named stage and $default, a
# base64 body, cookies and a repeated query parameter (the generator's defaults carry both).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/ensure-tools.sh
out="tests/fixtures/sam-events"
mkdir -p "$out"
generate() {
    local name="$1"
    shift
    SAM_CLI_TELEMETRY=0 sam local generate-event apigateway http-api-proxy "$@" > "$out/$name.json"
}
say "generating API Gateway events with the SAM CLI into $out"
generate get-interests-prod-stage --stage prod --method GET --path v1/interests
generate get-interests-default-stage --method GET --path v1/interests
generate post-otp-prod-stage --stage prod --method POST --path v1/auth/otp \
    --body '{"phone_number": "+919800000077"}'
generate get-events-staging-stage --stage staging --method GET --path v1/events
