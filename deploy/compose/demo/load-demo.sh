#!/bin/sh
# One-shot demo driver (the demo-loader service of docker-compose.yml):
#   1. waits until Tollgate is ready,
#   2. applies policy.json through PUT /api/v1/policy with the bootstrap admin token,
#   3. sends two signed jira:issue_updated status transitions to POST /webhooks/jira:
#      one by a release manager (ALLOWED: GitHub dispatch + Jira comment) and one by someone
#      else (DENIED: Jira comment naming the roles that may do it),
#   4. prints the audit trail and what the Jira and GitHub stubs received.
# Needs curl, openssl and jq. Exits non-zero when a step fails or the trigger never happens.
set -eu

TOLLGATE_URL=${TOLLGATE_URL:-http://tollgate:8080}
JIRA_STUB_URL=${JIRA_STUB_URL:-http://jira-stub:8080}
GITHUB_STUB_URL=${GITHUB_STUB_URL:-http://github-stub:8080}
ADMIN_TOKEN=${TOLLGATE_ADMIN_BOOTSTRAP_TOKEN:?TOLLGATE_ADMIN_BOOTSTRAP_TOKEN must be set}
WEBHOOK_SECRETS=${TOLLGATE_JIRA_WEBHOOK_SECRETS:?TOLLGATE_JIRA_WEBHOOK_SECRETS must be set}
# Tollgate accepts any secret of the comma-separated list; like Jira, sign with one of them.
WEBHOOK_SECRET=${WEBHOOK_SECRETS%%,*}
READY_TIMEOUT_SECONDS=${READY_TIMEOUT_SECONDS:-180}
OUTCOME_TIMEOUT_SECONDS=${OUTCOME_TIMEOUT_SECONDS:-60}

DEMO_DIR=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { printf '[demo] %s\n' "$*"; }
fail() { printf '[demo] FAILED: %s\n' "$*" >&2; exit 1; }

wait_until_ready() {
  log "waiting for $TOLLGATE_URL/actuator/health/readiness (at most ${READY_TIMEOUT_SECONDS}s)"
  deadline=$(( $(date +%s) + READY_TIMEOUT_SECONDS ))
  until curl -fsS -o /dev/null "$TOLLGATE_URL/actuator/health/readiness" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "Tollgate is not ready; see: docker compose logs tollgate"
    sleep 2
  done
  log "Tollgate is ready"
}

apply_policy() {
  status=$(curl -sS -o "$WORK/policy-response.json" -w '%{http_code}' -X PUT \
    -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' \
    --data-binary "@$DEMO_DIR/policy.json" \
    "$TOLLGATE_URL/api/v1/policy")
  case "$status" in
    2??) log "policy applied (HTTP $status)" ;;
    *) cat "$WORK/policy-response.json" >&2; fail "PUT /api/v1/policy answered HTTP $status" ;;
  esac
}

# send_transition NAME ISSUE_KEY ISSUE_ID ACCOUNT_ID DISPLAY_NAME
send_transition() {
  name=$1
  run_id=$(date +%s)
  body="$WORK/$name.json"
  # A fresh delivery id and changelog id on every run, so a second `up` makes a new decision
  # instead of being answered DUPLICATE.
  sed -e "s/__TIMESTAMP_MS__/${run_id}000/" \
      -e "s/__CHANGELOG_ID__/${run_id}${3}/" \
      -e "s/__ISSUE_KEY__/$2/" \
      -e "s/__ISSUE_ID__/$3/g" \
      -e "s/__ACCOUNT_ID__/$4/g" \
      -e "s/__DISPLAY_NAME__/$5/" \
      "$DEMO_DIR/transition.json.tmpl" > "$body"

  # HMAC-SHA256 over the exact bytes that are sent, as Jira does (X-Hub-Signature: sha256=<hex>).
  signature=$(openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" < "$body" | awk '{print $NF}')
  status=$(curl -sS -o "$WORK/$name-response.json" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json; charset=utf-8' \
    -H "X-Hub-Signature: sha256=$signature" \
    -H "X-Atlassian-Webhook-Identifier: demo-$name-$run_id" \
    --data-binary "@$body" \
    "$TOLLGATE_URL/webhooks/jira")
  case "$status" in
    2??) log "$name transition of $2 by $5: HTTP $status $(cat "$WORK/$name-response.json")" ;;
    *) cat "$WORK/$name-response.json" >&2; fail "POST /webhooks/jira answered HTTP $status" ;;
  esac
}

audit_of() {
  curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" "$TOLLGATE_URL/api/v1/audit?issueKey=$1&limit=50"
}

wait_for_trigger() {
  log "waiting for the decision, the trigger and the comment (at most ${OUTCOME_TIMEOUT_SECONDS}s)"
  deadline=$(( $(date +%s) + OUTCOME_TIMEOUT_SECONDS ))
  while :; do
    if audit_of SHOP-42 | jq -e '[.items[] | select(.type == "TRIGGER_SUCCEEDED")] | length > 0' >/dev/null 2>&1 \
      && [ "$(stub_count "$JIRA_STUB_URL" POST '^/rest/api/3/issue/(SHOP-42|10042)/comment')" -gt 0 ]; then
      return 0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 2
  done
}

# stub_count STUB_URL METHOD URL_REGEX: how many matching requests a WireMock stub received.
stub_count() {
  curl -fsS "$1/__admin/requests" \
    | jq --arg m "$2" --arg re "$3" '[.requests[] | select(.request.method == $m and (.request.url | test($re)))] | length'
}

show_audit() {
  log "audit trail of $1:"
  audit_of "$1" | jq -r '.items | reverse | .[] | "  \(.occurredAt)  \(.type)  \(.outcome // "-")  \(.reason // "")"'
}

wait_until_ready
apply_policy
send_transition allowed SHOP-42 10042 5b10ac8d82e05b22cc7d4ef5 "Dana Developer"
send_transition denied SHOP-43 10043 557058:demo-intern "Ira Intern"

if wait_for_trigger; then result=0; else result=1; fi

show_audit SHOP-42
show_audit SHOP-43
log "GitHub stub received $(stub_count "$GITHUB_STUB_URL" POST '^/repos/acme/shop/actions/workflows/deploy[.]yml/dispatches$') workflow dispatch(es)"
log "Jira stub received $(stub_count "$JIRA_STUB_URL" POST '^/rest/api/3/issue/[^/]+/comment') comment(s); bodies:"
curl -fsS "$JIRA_STUB_URL/__admin/requests" \
  | jq -r '.requests[] | select(.request.method == "POST") | "  \(.request.url)  \(.request.body | .[0:200])"'

if [ "$result" -ne 0 ]; then
  fail "no TRIGGER_SUCCEEDED audit event and Jira comment for SHOP-42 within ${OUTCOME_TIMEOUT_SECONDS}s; see: docker compose logs tollgate"
fi
log "done: decision, trigger and comment went through end to end"
log "explore: Prometheus http://localhost:9090, stubs' request logs http://localhost:8081/__admin/requests and http://localhost:8082/__admin/requests"
