#!/usr/bin/env bash
# Sends three correctly signed Jira transitions to a running Tollgate (dev mode's demo policy,
# project DEMO) and prints each decision as the audit log recorded it:
#   allowed: demo-alice (developer) moves DEMO-1 to "Ready for Deploy"
#   denied:  demo-mallory (no role) moves DEMO-2 to "Ready for Deploy"
#   gated:   demo-alice moves DEMO-3 to "Production", which waits for two release managers
#
# Usage: scripts/demo-webhook.sh [base-url]        (default http://localhost:8080)
# TOLLGATE_WEBHOOK_SECRET and TOLLGATE_ADMIN_TOKEN override dev mode's demo values.
# Needs bash, curl and openssl.
set -euo pipefail

BASE=${1:-http://localhost:8080}
SECRET=${TOLLGATE_WEBHOOK_SECRET:-dev-webhook-secret}
TOKEN=${TOLLGATE_ADMIN_TOKEN:-dev-admin}
RUN=$(date +%s)

send() { # label actor issue-number from to
  local label=$1 actor=$2 number=$3 from=$4 to=$5
  local delivery="demo-$RUN-$number"
  local body signature status
  body=$(printf '{"timestamp":%s000,"webhookEvent":"jira:issue_updated","user":{"accountId":"%s"},"issue":{"id":"%s","key":"DEMO-%s","fields":{"project":{"key":"DEMO"},"issuetype":{"name":"Task"}}},"changelog":{"id":"%s","items":[{"field":"status","fromString":"%s","toString":"%s"}]}}' \
    "$(date +%s)" "$actor" "$RUN$number" "$number" "$RUN$number" "$from" "$to")
  signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/webhooks/jira" \
    -H 'Content-Type: application/json' -H "X-Hub-Signature: $signature" \
    -H "X-Atlassian-Webhook-Identifier: $delivery" --data-binary "$body")
  printf '%-8s %s moves DEMO-%s from "%s" to "%s": webhook answered %s\n' "$label" "$actor" "$number" "$from" "$to" "$status"
  if [[ $status != 202 ]]; then
    echo "         (expected 202; is Tollgate running at $BASE with this webhook secret?)" >&2
    return 1
  fi
  decision "$delivery"
}

decision() { # delivery-id: waits up to 10 s for the DECISION event and prints outcome and reason
  local page outcome reason
  for _ in $(seq 1 50); do
    page=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/audit?deliveryId=$1&type=DECISION")
    outcome=$(printf '%s' "$page" | sed -n 's/.*"outcome":"\([^"]*\)".*/\1/p')
    if [[ -n $outcome ]]; then
      reason=$(printf '%s' "$page" | sed -n 's/.*"reason":"\(\([^"\\]\|\\.\)*\)".*/\1/p')
      printf '         audit: %s - %s\n\n' "$outcome" "$reason"
      return 0
    fi
    sleep 0.2
  done
  echo "         no DECISION in the audit log after 10 s (admin token right?)" >&2
  return 1
}

send allowed demo-alice 1 "In Progress" "Ready for Deploy"
send denied demo-mallory 2 "In Progress" "Ready for Deploy"
send gated demo-alice 3 "Ready for Deploy" "Production"
echo "The gated transition waits for two release managers other than demo-alice (docs/approvals.md)."
echo "All decisions: curl -s -H 'Authorization: Bearer $TOKEN' '$BASE/api/v1/audit?type=DECISION'"
