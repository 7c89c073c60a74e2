#!/usr/bin/env bash
# Tollgate benchmark harness, first slice (issue 9).
#
#   bench/run.sh
#
# Builds Tollgate and the load generator, creates a throwaway PostgreSQL database, starts Tollgate
# on a free port with -Xmx256m, loads a benchmark policy through the admin API, warms up, runs
#   (a) ingest, closed loop at 16 and 64 connections
#   (b) ack latency, open loop at a fixed rate (coordinated-omission corrected)
#   (d) exactness, by SQL once the job queue has drained
# and writes bench/results/<timestamp>.json and bench/results/<timestamp>.md. Every wait is bounded;
# Tollgate is stopped by its PID and the database dropped on every exit path.
#
# Environment (all optional):
#   DURATION=10        seconds per measured scenario
#   WARMUP=5           seconds of warm-up (closed loop, 16 connections; not reported)
#   OPEN_RATE=1000     requests/s for scenario (b)
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres   (trust auth, or PGPASSWORD)
#   SKIP_BUILD=1       reuse target/tollgate-*.jar and bench/target/tollgate-bench.jar
#   BUILD_ISOLATED=1   build Tollgate from a copy of the sources in bench/target/app-build instead of
#                      the repository root, so a test run going on in ./target is not disturbed
#   DRAIN_TIMEOUT=120  seconds to wait for the job queue to empty before the exactness check
#   TOLLGATE_JAVA_OPTS extra JVM options for Tollgate (e.g. -XX:StartFlightRecording=filename=...)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
OPEN_RATE="${OPEN_RATE:-1000}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-120}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
TS="$(date -u +%Y%m%dT%H%M%SZ)"
DB="tollgate_bench_$(echo "$TS" | tr 'A-Z' 'a-z')_$$"
RESULTS="$BENCH_DIR/results"
WORK="$BENCH_DIR/target/run-$TS"
SECRET="bench-secret-$RANDOM$RANDOM"
ADMIN_TOKEN="bench-admin-$RANDOM$RANDOM"
ACTOR="5b10ac8d82e05b22cc7d4ef5"
mkdir -p "$RESULTS" "$WORK"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -At "$@"; }
# The server may be short of connection slots while another test suite runs: retry a few times.
psql_retry() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if psql_db "$@" 2>"$WORK/psql.err"; then return 0; fi
    grep -q 'too many clients' "$WORK/psql.err" || { cat "$WORK/psql.err" >&2; return 1; }
    sleep 1
  done
  cat "$WORK/psql.err" >&2; return 1
}

TOLLGATE_PID=""
STUB_PID=""
DB_CREATED=""
cleanup() {
  local rc=$?
  if [[ -n "$STUB_PID" ]] && kill -0 "$STUB_PID" 2>/dev/null; then
    kill "$STUB_PID" 2>/dev/null || true
    wait "$STUB_PID" 2>/dev/null || true
  fi
  if [[ -n "$TOLLGATE_PID" ]] && kill -0 "$TOLLGATE_PID" 2>/dev/null; then
    log "stopping Tollgate (pid $TOLLGATE_PID)"
    kill "$TOLLGATE_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$TOLLGATE_PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$TOLLGATE_PID" 2>/dev/null; then
      log "Tollgate did not stop within 40 s, sending SIGKILL"
      kill -9 "$TOLLGATE_PID" 2>/dev/null || true
    fi
    wait "$TOLLGATE_PID" 2>/dev/null || true
  fi
  if [[ -n "$DB_CREATED" ]]; then
    log "dropping database $DB"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 \
      || log "could not drop database $DB"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -----------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  if [[ "${BUILD_ISOLATED:-0}" == 1 ]]; then
    APP_ROOT="$BENCH_DIR/target/app-build"
    log "building Tollgate from a copy of the sources in $APP_ROOT"
    rm -rf "$APP_ROOT/src"; mkdir -p "$APP_ROOT"
    cp -r "$ROOT/src" "$ROOT/pom.xml" "$ROOT/mvnw" "$ROOT/.mvn" "$APP_ROOT/"
  else
    APP_ROOT="$ROOT"
  fi
  log "building Tollgate (./mvnw -q -DskipTests package in $APP_ROOT)"
  (cd "$APP_ROOT" && timeout 900 ./mvnw -q -DskipTests package)
  log "building the load generator"
  (cd "$BENCH_DIR" && timeout 600 mvn -q package)
fi
[[ "${BUILD_ISOLATED:-0}" == 1 ]] && APP_ROOT="$BENCH_DIR/target/app-build" || APP_ROOT="$ROOT"
APP_JAR="$(ls "$APP_ROOT"/target/tollgate-*.jar | grep -v -e '-plain' -e '\.original' | head -n1)"
BENCH_JAR="$BENCH_DIR/target/tollgate-bench.jar"
[[ -f "$APP_JAR" && -f "$BENCH_JAR" ]] || { log "missing $APP_JAR or $BENCH_JAR"; exit 1; }

# --- database --------------------------------------------------------------------------------
log "creating database $DB on $PGHOST:$PGPORT"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
DB_CREATED=1

# --- stub Jira (comments must complete, or every decision leaves a retrying COMMENT job) ------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
STUB_PORT="$(free_port)"
java -Xmx64m -cp "$BENCH_JAR" dev.tollgate.bench.StubJira "$STUB_PORT" >"$WORK/stub-jira.log" 2>&1 &
STUB_PID=$!
for _ in $(seq 1 40); do curl -fsS -m 1 "http://127.0.0.1:$STUB_PORT/__stats" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fsS -m 1 "http://127.0.0.1:$STUB_PORT/__stats" >/dev/null || { log "stub Jira did not start"; exit 1; }

# --- start Tollgate --------------------------------------------------------------------------
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
log "starting Tollgate on port $PORT (-Xmx256m), log in $WORK/tollgate.log"
START_NS="$(date +%s%N)"
SERVER_PORT="$PORT" \
SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
SPRING_DATASOURCE_USERNAME="$PGUSER" \
SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
TOLLGATE_JIRA_WEBHOOK_SECRETS="$SECRET" \
TOLLGATE_ADMIN_BOOTSTRAP_TOKEN="$ADMIN_TOKEN" \
TOLLGATE_JIRA_BASE_URL="http://127.0.0.1:$STUB_PORT" \
TOLLGATE_JIRA_USER_EMAIL="bench@example.invalid" \
TOLLGATE_JIRA_API_TOKEN="bench-not-a-token" \
TOLLGATE_OUTBOUND_ALLOW_HTTP=true \
TOLLGATE_OUTBOUND_ALLOW_LOOPBACK=true \
  java -Xmx256m ${TOLLGATE_JAVA_OPTS:-} -jar "$APP_JAR" >"$WORK/tollgate.log" 2>&1 &
TOLLGATE_PID=$!

READY=""
for _ in $(seq 1 120); do
  if ! kill -0 "$TOLLGATE_PID" 2>/dev/null; then log "Tollgate exited; tail of its log:"; tail -n 40 "$WORK/tollgate.log" >&2; exit 1; fi
  if curl -fsS -m 2 "$BASE/actuator/health/readiness" >/dev/null 2>&1; then READY=1; break; fi
  sleep 0.5
done
[[ -n "$READY" ]] || { log "Tollgate not ready within 60 s"; tail -n 40 "$WORK/tollgate.log" >&2; exit 1; }
READY_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
log "ready after ${READY_MS} ms (wall clock from launch, includes Flyway on an empty database)"

# --- benchmark policy ------------------------------------------------------------------------
API="$BASE/api/v1"
admin() {
  local path="$1" body="$2" code
  code="$(curl -sS -m 10 -o "$WORK/admin.out" -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' "$API/$path" -d "$body")"
  [[ "$code" =~ ^2 ]] || { log "POST $path -> $code: $(cat "$WORK/admin.out")"; exit 1; }
}
log "loading the benchmark policy"
admin roles '{"name":"bench-deployer","description":"benchmark actor"}'
admin role-bindings "{\"role\":\"bench-deployer\",\"subjectType\":\"USER\",\"subject\":\"$ACTOR\"}"
admin targets '{"name":"bench-noop","kind":"NOOP"}'
admin rules '{"name":"bench deploy","projectKey":"OPS","fromStatus":"*","toStatus":"Ready for Deploy","allowedRoles":["bench-deployer"],"target":"bench-noop"}'
sleep 2   # policy refresh interval is 1 s

# --- load ------------------------------------------------------------------------------------
load() {  # label, then load-generator options
  local label="$1"; shift
  log "scenario $label: $*"
  timeout $(( DURATION + WARMUP + 90 )) java -Xmx512m -jar "$BENCH_JAR" --url "$BASE/webhooks/jira" --secret "$SECRET" \
    --actor "$ACTOR" --label "$label" --out "$WORK/$label.json" "$@" >/dev/null
  jq -c '{scenario, acked_per_s, errors, non_2xx, latency_ms}' "$WORK/$label.json" >&2
}
load warmup --mode closed --connections 16 --duration "$WARMUP"
load a-ingest-16 --mode closed --connections 16 --duration "$DURATION"
load a-ingest-64 --mode closed --connections 64 --duration "$DURATION"
load "b-open-${OPEN_RATE}" --mode open --rate "$OPEN_RATE" --duration "$DURATION"

# --- drain the job queue, then (d) exactness ---------------------------------------------------
log "waiting up to ${DRAIN_TIMEOUT} s for the job queue to drain"
DRAIN_START=$(date +%s)
PENDING=""
while :; do
  PENDING="$(psql_retry -c "SELECT count(*) FROM tollgate.job WHERE status IN ('PENDING','RUNNING')")" || PENDING="?"
  [[ "$PENDING" == 0 ]] && break
  (( $(date +%s) - DRAIN_START >= DRAIN_TIMEOUT )) && break
  sleep 2
done
DRAIN_S=$(( $(date +%s) - DRAIN_START ))
log "queue: $PENDING unfinished job(s) after ${DRAIN_S} s"

psql_retry -F $'\t' >"$WORK/exactness.tsv" <<'SQL'
WITH d AS (
  SELECT del.delivery_id, count(a.id) AS decisions
  FROM tollgate.delivery del
  LEFT JOIN tollgate.audit_event a ON a.delivery_id = del.delivery_id AND a.type = 'DECISION'
  WHERE del.status = 'QUEUED'
  GROUP BY del.delivery_id
)
SELECT
  (SELECT count(*) FROM tollgate.delivery WHERE status = 'QUEUED'),
  (SELECT count(*) FROM d WHERE decisions = 0),
  (SELECT count(*) FROM d WHERE decisions > 1),
  (SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND outcome = 'ALLOWED'),
  (SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND outcome <> 'ALLOWED'),
  (SELECT count(*) FROM tollgate.audit_event WHERE type = 'TRIGGER_SUCCEEDED'),
  (SELECT count(*) FROM tollgate.audit_event WHERE type = 'TRIGGER_FAILED'),
  (SELECT count(*) FROM (SELECT decision_id FROM tollgate.audit_event WHERE type = 'DECISION'
                         GROUP BY decision_id HAVING count(*) > 1) x),
  (SELECT count(*) FROM (SELECT decision_id FROM tollgate.audit_event WHERE type = 'TRIGGER_SUCCEEDED'
                         GROUP BY decision_id HAVING count(*) > 1) x),
  (SELECT count(*) FROM tollgate.job WHERE status = 'DEAD'),
  (SELECT count(*) FROM tollgate.job WHERE status IN ('PENDING','RUNNING'));
SQL
read -r QUEUED NO_DECISION MULTI_DECISION ALLOWED NOT_ALLOWED TRIG_OK TRIG_FAILED DUP_DECISION_ID DUP_TRIGGER DEAD UNFINISHED <"$WORK/exactness.tsv"
ACKED_TOTAL="$(jq -s 'map(.status_counts["202"] // 0) | add' "$WORK"/*.json)"
# PASS: the queue drained and every check holds. INCOMPLETE: nothing duplicated and nothing lost at
# ingest, but decisions were still outstanding when the drain timeout ran out. FAIL: anything else.
PASS=false
VERDICT=FAIL
if [[ "$UNFINISHED" != 0 && "$MULTI_DECISION" == 0 && "$DUP_DECISION_ID" == 0 && "$DUP_TRIGGER" == 0 \
      && "$TRIG_FAILED" == 0 && "$DEAD" == 0 && "$QUEUED" == "$ACKED_TOTAL" ]]; then
  VERDICT=INCOMPLETE
fi
if [[ "$NO_DECISION" == 0 && "$MULTI_DECISION" == 0 && "$ALLOWED" == "$TRIG_OK" && "$TRIG_FAILED" == 0 \
      && "$DUP_DECISION_ID" == 0 && "$DUP_TRIGGER" == 0 && "$QUEUED" == "$ACKED_TOTAL" && "$DEAD" == 0 ]]; then
  PASS=true
  VERDICT=PASS
fi
log "exactness: $VERDICT queued=$QUEUED acked202=$ACKED_TOTAL no_decision=$NO_DECISION multi_decision=$MULTI_DECISION allowed=$ALLOWED triggers=$TRIG_OK dup_decision_id=$DUP_DECISION_ID"

# --- results ---------------------------------------------------------------------------------
curl -fsS -m 5 "http://127.0.0.1:$STUB_PORT/__stats" >"$WORK/stub-jira.json" 2>/dev/null || echo '{}' >"$WORK/stub-jira.json"
JAVA_VERSION="$(java -version 2>&1 | head -n1)"
JSON_OUT="$RESULTS/$TS.json"
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
jq -n \
  --arg ts "$TS" --arg java "$JAVA_VERSION" --arg nproc "$(nproc)" --arg kernel "$(uname -sr)" --arg loadavg "$LOADAVG" --arg loadBefore "$LOAD_BEFORE" \
  --arg pg "$(psql -X -At -d postgres -c 'SHOW server_version')" \
  --arg cmd "${SKIP_BUILD:+SKIP_BUILD=$SKIP_BUILD }${BUILD_ISOLATED:+BUILD_ISOLATED=$BUILD_ISOLATED }DURATION=$DURATION WARMUP=$WARMUP OPEN_RATE=$OPEN_RATE DRAIN_TIMEOUT=$DRAIN_TIMEOUT bench/run.sh" \
  --argjson readyMs "$READY_MS" --argjson drainS "$DRAIN_S" --arg pass "$PASS" --arg verdict "$VERDICT" \
  --argjson queued "$QUEUED" --argjson acked "$ACKED_TOTAL" --argjson noDecision "$NO_DECISION" \
  --argjson multiDecision "$MULTI_DECISION" --argjson allowed "$ALLOWED" --argjson notAllowed "$NOT_ALLOWED" \
  --argjson trigOk "$TRIG_OK" --argjson trigFailed "$TRIG_FAILED" --argjson dupDecision "$DUP_DECISION_ID" \
  --argjson dupTrigger "$DUP_TRIGGER" --argjson dead "$DEAD" --argjson unfinished "$UNFINISHED" \
  --slurpfile warmup "$WORK/warmup.json" --slurpfile stub "$WORK/stub-jira.json" \
  --slurpfile a16 "$WORK/a-ingest-16.json" --slurpfile a64 "$WORK/a-ingest-64.json" \
  --slurpfile b "$WORK/b-open-${OPEN_RATE}.json" \
  '{timestamp: $ts,
    machine: {nproc: ($nproc|tonumber), java: $java, kernel: $kernel, postgresql: $pg,
              tollgate_heap: "-Xmx256m", load_generator: "same machine",
              loadavg_before_run: $loadBefore, loadavg_after_run: $loadavg},
    command: $cmd,
    startup_ready_ms: $readyMs,
    warmup: $warmup[0],
    scenarios: [$a16[0], $a64[0], $b[0]],
    exactness: {pass: ($pass == "true"), verdict: $verdict, queued_deliveries: $queued, acked_202: $acked,
                queued_without_decision: $noDecision, queued_with_several_decisions: $multiDecision,
                decisions_allowed: $allowed, decisions_other: $notAllowed,
                triggers_succeeded: $trigOk, triggers_failed: $trigFailed,
                decision_ids_twice: $dupDecision, triggers_for_same_decision_twice: $dupTrigger,
                dead_jobs: $dead, unfinished_jobs: $unfinished, drain_seconds: $drainS},
    stub_jira_calls: $stub[0]}' >"$JSON_OUT"

MD_OUT="$RESULTS/$TS.md"
jq -r '
  "### Tollgate benchmark \(.timestamp)\n",
  "Machine: \(.machine.nproc) cores, \(.machine.java), PostgreSQL \(.machine.postgresql), Tollgate -Xmx256m, load generator on the same machine. Ready after \(.startup_ready_ms) ms. Load average before the run: \(.machine.loadavg_before_run).\n",
  "| scenario | mode | load | acked/s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | errors |",
  "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  (.scenarios[] | "| \(.scenario) | \(.mode) | \(if .mode == "open" then "\(.target_rate_per_s) req/s" else "\(.connections) conns" end) | \(.acked_per_s) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.latency_ms.p99_9) | \(.latency_ms.max) | \(.non_2xx) | \(.errors) |"),
  "",
  "Exactness (d): **\(.exactness.verdict)**: \(.exactness.acked_202) acked 202, \(.exactness.queued_deliveries) QUEUED deliveries, \(.exactness.queued_without_decision) without a DECISION, \(.exactness.queued_with_several_decisions) with more than one, \(.exactness.decisions_allowed) ALLOWED decisions vs \(.exactness.triggers_succeeded) triggers (\(.exactness.triggers_failed) failed), \(.exactness.decision_ids_twice) decision ids twice, \(.exactness.dead_jobs) dead jobs, \(.exactness.unfinished_jobs) unfinished jobs after \(.exactness.drain_seconds) s of draining.",
  "",
  "Command: `\(.command)`"
' "$JSON_OUT" >"$MD_OUT"

cat "$MD_OUT"
log "wrote $JSON_OUT and $MD_OUT"
[[ "$PASS" == true ]]
