#!/usr/bin/env bash
# Tollgate benchmark harness.
#
#   bench/run.sh
#
# Builds Tollgate and the bench jars, then, in one invocation:
#   start-up   (e) each start-up variant on a fresh empty database, timed from launch to readiness
#   ceiling    a bare HMAC+parse endpoint on Tollgate's own jars, under the same load as (a)/(b)
#   Tollgate   on a fresh database with the image's JVM flags as in a 512 MiB container, a
#              benchmark policy whose target is a GitHub Actions stub, then
#     (a) ingest, closed loop at 16 and 64 connections with wrk (deliveries prepared and signed
#         beforehand), and transitions no rule matches at 64 connections
#     (b) ack latency, open loop at OPEN_RATE (coordinated-omission corrected)
#     (c) end to end: webhook-to-trigger latency at E2E_RATE, then a ramp over E2E_RAMP where the
#         job queue must stay bounded
#     (d) exactness, by SQL and at the stub CI, once the job queue has drained
#     (e) resources: peak RSS, heap after GC, CPU per webhook (plus the start-up variants above)
# and writes <RESULTS_DIR>/<timestamp>.json and .md. Every wait is bounded; every process started
# here is stopped by its PID and every database created here is dropped, on every exit path.
#
# Environment (all optional):
#   DURATION=10        seconds per measured scenario
#   WARMUP=30          seconds of warm-up (closed loop, 16 connections; not reported), for Tollgate
#                      and for the ceiling; then more, 10 s at a time, while the JIT compiler is busy
#   JIT_QUIET=10       warm-up ends when the JIT compiled for at most this % of 10 s ...
#   WARMUP_MAX=300     ... or after this many seconds in all
#   OPEN_RATE=1000     requests/s for scenario (b)
#   E2E_RATE=500       requests/s for the webhook-to-trigger latency of scenario (c)
#   E2E_RAMP="150 250 400 500 1000 2000"  open-loop rates for the sustained end-to-end ramp of (c); stops at the
#                      first step that does not keep up; empty to skip
#   E2E_STEP_DURATION=60  seconds per ramp step (issue 9: queue depth bounded over 60 s)
#   CEILING=1          run the ceiling endpoint (0 to skip)
#   STARTUP_VARIANTS="fatjar-17 extracted-17 extracted-cds-17 extracted-25 aot-25"
#                      start-up variants to time (empty to skip); *-25 need JAVA25_HOME
#   JAVA25_HOME        a Java 25 JDK (default: the first /usr/lib/jvm/*25*)
#   SMOKE=1            a quick check that the harness works: no ceiling, no ramp, no start-up variants
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres   (trust auth, or PGPASSWORD)
#   SKIP_BUILD=1       reuse target/tollgate-*.jar and the bench jars
#   APP_JAR=path       use this Tollgate jar (no Tollgate build); the bench jars are still built
#                      unless SKIP_BUILD=1
#   BUILD_ISOLATED=1   build Tollgate from a copy of the sources in bench/target/app-build instead of
#                      the repository root, so a test run going on in ./target is not disturbed
#   RESULTS_DIR        where the .json/.md go (default bench/results)
#   WORK_DIR           logs and intermediate files (default bench/target/run-<timestamp>)
#   DRAIN_TIMEOUT=120  seconds to wait for the job queue to empty (before (c) and before (d))
#   TOLLGATE_JAVA_OPTS extra JVM options for Tollgate (e.g. -XX:StartFlightRecording=filename=...)
#   TOLLGATE_JAVA      the java that runs Tollgate and the ceiling in the main run (default: the
#                      image's Java 25, JAVA25_HOME's, when there is one; else java)
#   PG_CLUSTER=own     own: a throwaway PostgreSQL cluster of the harness (initdb + pg_ctl, as the
#                      postgres user when run as root) with pg_stat_statements, whose CPU is measured;
#                      shared: the server on PGHOST:PGPORT (no statement counts, no PostgreSQL CPU).
#                      own falls back to shared when initdb is not found.
#   BENCH_COMMENTS=0   1: the benchmark rule comments on the issue (one more Jira call and job per
#                      decision); the goals are stated without comments
#   WRK_THREADS=2      wrk threads for the closed-loop scenarios
#   WRK_PREPARED_PER_S=30000  deliveries prepared per second of a wrk scenario (a thread that runs out
#                      sends to /__bench_exhausted, which shows as non-2xx and "exhausted": true)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SMOKE="${SMOKE:-0}"
BENCH_COMMENTS="${BENCH_COMMENTS:-0}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-30}"
JIT_QUIET="${JIT_QUIET:-10}"
WARMUP_MAX="${WARMUP_MAX:-300}"
OPEN_RATE="${OPEN_RATE:-1000}"
E2E_RATE="${E2E_RATE:-500}"
E2E_RAMP="${E2E_RAMP-150 250 400 500 1000 2000}"
E2E_STEP_DURATION="${E2E_STEP_DURATION:-60}"
CEILING="${CEILING:-1}"
STARTUP_VARIANTS="${STARTUP_VARIANTS-fatjar-17 extracted-17 extracted-cds-17 extracted-25 aot-25}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-120}"
PG_CLUSTER="${PG_CLUSTER:-own}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_PREPARED_PER_S="${WRK_PREPARED_PER_S:-30000}"
if [[ "$SMOKE" == 1 ]]; then
  CEILING=0; E2E_RAMP=""; STARTUP_VARIANTS=""; WARMUP_MAX="$WARMUP"
fi
if [[ -z "${JAVA25_HOME:-}" ]]; then
  for d in /usr/lib/jvm/*25*; do [[ -x "$d/bin/java" ]] && { JAVA25_HOME="$d"; break; }; done
fi
JAVA25_HOME="${JAVA25_HOME:-}"
# The Java the image ships (Dockerfile: JAVA_VERSION=25) when this host has it, else the default java.
if [[ -z "${TOLLGATE_JAVA:-}" && -n "$JAVA25_HOME" ]]; then TOLLGATE_JAVA="$JAVA25_HOME/bin/java"; fi
TOLLGATE_JAVA="${TOLLGATE_JAVA:-java}"
# Tollgate's and the ceiling's JVM as the image runs it in a 512 MiB container (ADR 0015): the
# Serial collector and half the memory for the heap, which is issue 9's 256 MB. MaxRAM rather than
# -Xmx256m so that the initial heap is sized from the container too (8 MB, not the 256 MB that
# this host's memory would give), as in production.
# -XX:+ExitOnOutOfMemoryError as in the image's JAVA_TOOL_OPTIONS: a run that exhausts the heap fails
# at once instead of measuring a process whose acceptor thread died.
APP_JVM=(-XX:MaxRAM=512m -XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError)
# jcmd of the same JDK as the process it attaches to
JCMD="$(dirname "$(readlink -f "$(command -v "$TOLLGATE_JAVA")")")/jcmd"
[[ -x "$JCMD" ]] || JCMD=jcmd
JSTAT="$(dirname "$JCMD")/jstat"
[[ -x "$JSTAT" ]] || JSTAT=jstat
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
TS="$(date -u +%Y%m%dT%H%M%SZ)"
DB_PREFIX="tollgate_bench_$(echo "$TS" | tr 'A-Z' 'a-z')_$$"
DB="$DB_PREFIX"
RESULTS="${RESULTS_DIR:-$BENCH_DIR/results}"
WORK="${WORK_DIR:-$BENCH_DIR/target/run-$TS}"
SECRET="bench-secret-$RANDOM$RANDOM"
ADMIN_TOKEN="bench-admin-$RANDOM$RANDOM"
# The stub CI's bearer token. Not TOLLGATE_*: Tollgate refuses credential references to its own
# configuration.
export BENCH_CI_TOKEN="bench-ci-$RANDOM$RANDOM"
ACTOR="5b10ac8d82e05b22cc7d4ef5"
CLK_TCK="$(getconf CLK_TCK)"
mkdir -p "$RESULTS" "$WORK/load" "$WORK/ceiling" "$WORK/e2e" "$WORK/parts" "$WORK/startup"
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

# --- processes and databases: every one started or created here is tracked and cleaned up -----
PIDS=()
DBS=()
stop_pid() {  # pid [label]: SIGTERM, SIGKILL after 40 s
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "${2:-pid $pid} did not stop within 40 s, sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
create_db() { psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null; DBS+=("$1"); }
drop_db() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || log "could not drop database $1"
}
cleanup() {
  local rc=$? pid db
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [[ -n "${PG_OWN_PID:-}" ]]; then
    stop_own_cluster
  else
    for db in "${DBS[@]}"; do drop_db "$db"; done
    [[ ${#DBS[@]} -gt 0 ]] && log "dropped database(s) ${DBS[*]}"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime of a process, in clock ticks
# CPU of a PostgreSQL server in clock ticks: the postmaster's own and that of its exited children
# (backends that ended, reaped by it), plus every live child's (backends, walwriter, checkpointer).
pg_ticks() {
  [[ -n "${PG_OWN_PID:-}" ]] || { echo null; return; }
  python3 - "$PG_OWN_PID" <<'PY'
import os, sys
root, total = int(sys.argv[1]), 0
for p in os.listdir('/proc'):
    if not p.isdigit():
        continue
    try:
        s = open(f'/proc/{p}/stat').read()
    except OSError:
        continue
    f = s[s.rindex(')') + 2:].split()  # f[1] ppid, f[11] utime, f[12] stime, f[13] cutime, f[14] cstime
    if int(p) == root:
        total += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    elif int(f[1]) == root:
        total += int(f[11]) + int(f[12])
print(total)
PY
}
# CPU of the harness's reaped children (cutime + cstime of this shell): the load generator (wrk or
# java, reaped through timeout) once it has exited, plus the few psql/jq/curl runs in between.
children_ticks() { python3 -c 'import sys; s=open(f"/proc/{sys.argv[1]}/stat").read(); f=s[s.rindex(")")+2:].split(); print(int(f[13])+int(f[14]))' "$$"; }

# --- PostgreSQL: the harness's own throwaway cluster, or the shared server ---------------------------
# Its own cluster so that pg_stat_statements can be preloaded (statements per webhook) and its CPU
# is PostgreSQL's for Tollgate alone. Durability as the shared server's defaults: fsync and
# synchronous_commit on. Tollgate connects as its own role, so its statements are told apart from
# the harness's queries.
APP_PGUSER="$PGUSER"
PG_OWN_PID=""
stop_own_cluster() {
  kill -INT "$PG_OWN_PID" 2>/dev/null || true   # fast shutdown
  for _ in $(seq 1 60); do kill -0 "$PG_OWN_PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$PG_OWN_PID" 2>/dev/null && { log "own PostgreSQL did not stop within 30 s, sending SIGKILL"; kill -9 "$PG_OWN_PID" 2>/dev/null || true; }
  rm -rf "$PG_OWN_DIR"
  log "stopped the harness's PostgreSQL cluster and removed $PG_OWN_DIR"
}
start_own_cluster() {
  local bindir as=() port
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [[ -x "$bindir/initdb" ]] || bindir="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
  if [[ ! -x "$bindir/initdb" ]]; then log "initdb not found: using the shared server $PGHOST:$PGPORT"; PG_CLUSTER=shared; return 0; fi
  PG_OWN_DIR="$(mktemp -d /tmp/tollgate-bench-pg.XXXXXX)"
  if [[ "$(id -u)" == 0 ]]; then as=(runuser -u postgres --); chown postgres "$PG_OWN_DIR"; fi
  port="$(free_port)"
  "${as[@]}" "$bindir/initdb" -D "$PG_OWN_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_OWN_DIR/data" -l "$PG_OWN_DIR/postgres.log" -w -t 60 \
    -o "-p $port -k $PG_OWN_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" \
    start >"$WORK/pg_ctl.log" 2>&1 || { cat "$WORK/pg_ctl.log" "$PG_OWN_DIR/postgres.log" >&2; exit 1; }
  PG_OWN_PID="$(head -n1 "$PG_OWN_DIR/data/postmaster.pid")"
  export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
  unset PGPASSWORD
  APP_PGUSER=tollgate_bench_app
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $APP_PGUSER LOGIN SUPERUSER" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
  log "own PostgreSQL cluster (pid $PG_OWN_PID) on 127.0.0.1:$port, data in $PG_OWN_DIR"
}
[[ "$PG_CLUSTER" == own ]] && start_own_cluster

# wrk (Debian's package) drives the closed-loop scenarios.
WRK="$(command -v wrk || true)"
if [[ -z "$WRK" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  log "installing wrk (apt-get install wrk)"
  timeout 300 apt-get install -y -q wrk >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; }
  WRK="$(command -v wrk || true)"
fi
[[ -n "$WRK" ]] || { log "wrk is missing: apt-get install wrk"; exit 1; }

# --- build -----------------------------------------------------------------------------------
[[ "${BUILD_ISOLATED:-0}" == 1 ]] && APP_ROOT="$BENCH_DIR/target/app-build" || APP_ROOT="$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  if [[ -z "${APP_JAR:-}" ]]; then
    if [[ "${BUILD_ISOLATED:-0}" == 1 ]]; then
      log "building Tollgate from a copy of the sources in $APP_ROOT"
      rm -rf "$APP_ROOT/src"; mkdir -p "$APP_ROOT"
      cp -r "$ROOT/src" "$ROOT/pom.xml" "$ROOT/mvnw" "$ROOT/.mvn" "$APP_ROOT/"
    fi
    log "building Tollgate (./mvnw -q -DskipTests package in $APP_ROOT)"
    (cd "$APP_ROOT" && timeout 900 ./mvnw -B -q -DskipTests package)
  fi
  log "building the bench jars (./mvnw -f bench/pom.xml package)"
  (cd "$ROOT" && timeout 600 ./mvnw -B -q -f "$BENCH_DIR/pom.xml" package)
fi
APP_JAR_GIVEN="${APP_JAR:-}"
if [[ -z "${APP_JAR:-}" ]]; then
  APP_JAR="$(ls "$APP_ROOT"/target/tollgate-*.jar 2>/dev/null | grep -v -e '-plain' -e '\.original' | head -n1 || true)"
fi
BENCH_JAR="$BENCH_DIR/target/tollgate-bench.jar"
CEILING_JAR="$BENCH_DIR/target/tollgate-bench-ceiling.jar"
[[ -n "$APP_JAR" && -f "$APP_JAR" && -f "$BENCH_JAR" && -f "$CEILING_JAR" ]] \
  || { log "missing the Tollgate jar ($APP_JAR) or $BENCH_JAR or $CEILING_JAR"; exit 1; }
APP_JAR="$(cd "$(dirname "$APP_JAR")" && pwd)/$(basename "$APP_JAR")"

# The extracted layout (X/<name>.jar + X/lib/): start-up variants run it, the ceiling uses its lib/.
EXTRACTED="$WORK/extracted"
if [[ "$CEILING" == 1 || -n "$STARTUP_VARIANTS" ]]; then
  java -Djarmode=tools -jar "$APP_JAR" extract --destination "$EXTRACTED" >"$WORK/extract.log" 2>&1 \
    || { cat "$WORK/extract.log" >&2; exit 1; }
  EXTRACTED_JAR="$EXTRACTED/$(basename "$APP_JAR")"
fi

# --- starting Tollgate ---------------------------------------------------------------------------
# launch_tollgate port db logfile java-command...: starts it in the background, sets LAUNCHED_PID
# and LAUNCH_NS. STUB_PORT may be empty (start-up variants need no Jira).
launch_tollgate() {
  local port="$1" db="$2" logfile="$3"; shift 3
  LAUNCH_NS="$(date +%s%N)"
  SERVER_PORT="$port" \
  SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db" \
  SPRING_DATASOURCE_USERNAME="$APP_PGUSER" \
  SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
  TOLLGATE_JIRA_WEBHOOK_SECRETS="$SECRET" \
  TOLLGATE_ADMIN_BOOTSTRAP_TOKEN="$ADMIN_TOKEN" \
  TOLLGATE_JIRA_BASE_URL="http://127.0.0.1:${STUB_PORT:-9}" \
  TOLLGATE_JIRA_USER_EMAIL="bench@example.invalid" \
  TOLLGATE_JIRA_API_TOKEN="bench-not-a-token" \
  TOLLGATE_OUTBOUND_ALLOW_HTTP=true \
  TOLLGATE_OUTBOUND_ALLOW_LOOPBACK=true \
    "$@" >"$logfile" 2>&1 &
  LAUNCHED_PID=$!
  PIDS+=("$LAUNCHED_PID")
}
# wait_ready pid url timeout-s logfile: polls every 100 ms; sets READY_MS (from LAUNCH_NS) or fails.
wait_ready() {
  local pid="$1" url="$2" timeout_s="$3" logfile="$4" deadline
  deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then log "process $pid exited; tail of $logfile:"; tail -n 40 "$logfile" >&2; return 1; fi
    if curl -fsS -m 2 "$url" >/dev/null 2>&1; then break; fi
    (( $(date +%s) >= deadline )) && { log "not ready within $timeout_s s; tail of $logfile:"; tail -n 40 "$logfile" >&2; return 1; }
    sleep 0.1
  done
  READY_MS=$(( ($(date +%s%N) - LAUNCH_NS) / 1000000 ))
}

# --- (e) start-up variants, each against a fresh empty database ---------------------------------
# A training run (-Dspring.context.exit=onRefresh) writes the CDS archive / AOT cache; the timed
# start after it uses it. Training runs use a database of their own, which is dropped before the
# timed start gets a new one.
startup_variant() {
  local variant="$1" java17=java java25="" cmd=() train=() n="${#DBS[@]}" db port logfile
  [[ -n "$JAVA25_HOME" ]] && java25="$JAVA25_HOME/bin/java"
  case "$variant" in
    fatjar-17)        cmd=("$java17" "${APP_JVM[@]}" -jar "$APP_JAR") ;;
    extracted-17)     cmd=("$java17" "${APP_JVM[@]}" -jar "$EXTRACTED_JAR") ;;
    extracted-cds-17) train=("$java17" "${APP_JVM[@]}" -XX:ArchiveClassesAtExit="$WORK/startup/app.jsa" -Dspring.context.exit=onRefresh -jar "$EXTRACTED_JAR")
                      cmd=("$java17" "${APP_JVM[@]}" -XX:SharedArchiveFile="$WORK/startup/app.jsa" -jar "$EXTRACTED_JAR") ;;
    extracted-25)     cmd=("$java25" "${APP_JVM[@]}" -jar "$EXTRACTED_JAR") ;;
    aot-25)           train=("$java25" "${APP_JVM[@]}" -XX:AOTCacheOutput="$WORK/startup/app.aot" -Dspring.context.exit=onRefresh -jar "$EXTRACTED_JAR")
                      cmd=("$java25" "${APP_JVM[@]}" -XX:AOTCache="$WORK/startup/app.aot" -jar "$EXTRACTED_JAR") ;;
    *) log "unknown start-up variant $variant"; return 1 ;;
  esac
  if [[ "$variant" == *-25 && -z "$java25" ]]; then
    log "start-up $variant: skipped, no Java 25 (set JAVA25_HOME)"
    jq -n --arg v "$variant" '{variant: $v, skipped: "no Java 25 found (JAVA25_HOME)"}' >"$WORK/startup/$variant.json"
    return 0
  fi
  local training_ms=null
  if [[ ${#train[@]} -gt 0 ]]; then
    db="${DB_PREFIX}_s${n}t"; create_db "$db"; port="$(free_port)"; logfile="$WORK/startup/$variant-training.log"
    log "start-up $variant: training run"
    launch_tollgate "$port" "$db" "$logfile" timeout 300 "${train[@]}"
    wait "$LAUNCHED_PID" || { log "training run for $variant failed; tail of $logfile:"; tail -n 30 "$logfile" >&2; return 1; }
    training_ms=$(( ($(date +%s%N) - LAUNCH_NS) / 1000000 ))
    drop_db "$db"
  fi
  db="${DB_PREFIX}_s${n}"; create_db "$db"; port="$(free_port)"; logfile="$WORK/startup/$variant.log"
  launch_tollgate "$port" "$db" "$logfile" "${cmd[@]}"
  local pid="$LAUNCHED_PID"
  wait_ready "$pid" "http://127.0.0.1:$port/actuator/health/readiness" 120 "$logfile" || return 1
  local rss_kb started
  rss_kb="$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
  started="$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds (process running for [0-9.]*)' "$logfile" | head -n1 || true)"
  log "start-up $variant: ready after $READY_MS ms ($started)"
  stop_pid "$pid" "Tollgate ($variant)"
  drop_db "$db"
  jq -n --arg v "$variant" --arg cmd "${cmd[*]}" --argjson ready "$READY_MS" --argjson training "$training_ms" \
    --arg started "$started" --argjson rss "${rss_kb:-0}" \
    --arg java "$("${cmd[0]}" -version 2>&1 | head -n1)" \
    '{variant: $v, java: $java, ready_ms: $ready,
      started_in_s: ($started | capture("in (?<s>[0-9.]+) seconds").s // null | if . then tonumber else null end),
      process_running_for_s: ($started | capture("running for (?<s>[0-9.]+)").s // null | if . then tonumber else null end),
      rss_at_ready_mb: (($rss / 1024 * 10 | round) / 10), training_run_ms: $training,
      command: ($cmd | gsub("/[^ ]*/(?<f>[^/ ]+)"; "\(.f)"))}' >"$WORK/startup/$variant.json"
}
for variant in $STARTUP_VARIANTS; do
  startup_variant "$variant"
done

# --- load -------------------------------------------------------------------------------------
# CPU seconds of the process under test (CPU_PID: Tollgate or the ceiling), PostgreSQL and the
# load generator during one scenario, added to its JSON as cpu_s.
cpu_begin() { CPU0_APP="$(cpu_ticks "$CPU_PID")"; CPU0_PG="$(pg_ticks)"; CPU0_GEN="$(children_ticks)"; }
cpu_end() {  # json-file
  local app pg gen
  app="$(cpu_ticks "$CPU_PID")"; pg="$(pg_ticks)"; gen="$(children_ticks)"
  jq --argjson app "$(( app - CPU0_APP ))" --argjson gen "$(( gen - CPU0_GEN ))" --arg pg "$pg" --arg pg0 "$CPU0_PG" \
     --argjson hz "$CLK_TCK" --arg who "$CPU_WHO" \
    '. + {cpu_s: {($who): ($app / $hz), postgresql: (if $pg == "null" then null else (($pg | tonumber) - ($pg0 | tonumber)) / $hz end),
                  generator: ($gen / $hz)}}' "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
load() {  # dir url label, then load-generator options
  local dir="$1" url="$2" label="$3"; shift 3
  log "$label: $*"
  cpu_begin
  timeout $(( DURATION + WARMUP + E2E_STEP_DURATION + 90 )) java -Xmx512m -jar "$BENCH_JAR" --url "$url" \
    --secret "$SECRET" --actor "$ACTOR" --label "$label" --out "$dir/$label.json" "$@" >/dev/null
  cpu_end "$dir/$label.json"
  jq -c '{scenario, acked_per_s, errors, non_2xx, latency_ms, cpu_s}' "$dir/$label.json" >&2
}

# Closed loop with wrk (bench/wrk/deliveries.lua): unique, signed deliveries prepared beforehand by
# PrepareDeliveries, so the generator costs a fraction of what the Java one does (ADR 0028: the Java
# generator, not the endpoint, was the ceiling's limit on two cores).
PREPARED=0
prepare() {  # name [--unmatched]: WRK_PREPARED_PER_S x DURATION deliveries in $WORK/wrk/name.{lua,tsv}
  local name="$1"; shift
  PREPARED=$(( PREPARED + 1 ))
  mkdir -p "$WORK/wrk"
  java -Xmx256m -cp "$BENCH_JAR" dev.tollgate.bench.PrepareDeliveries "$SECRET" "$ACTOR" \
    "$(( WRK_PREPARED_PER_S * DURATION ))" "$TS-$name" "$(( 900000000000000000 + PREPARED * 100000000 ))" \
    "$WORK/wrk/$name.lua" "$WORK/wrk/$name.tsv" "$@" >"$WORK/wrk/$name.log" 2>&1 \
    || { cat "$WORK/wrk/$name.log" >&2; log "preparing $name failed"; exit 1; }
}
wrk_load() {  # dir url label connections prepared-name
  local dir="$1" url="$2" label="$3" conns="$4" name="$5"
  log "$label: wrk -t $WRK_THREADS -c $conns -d ${DURATION}s ($name)"
  cpu_begin
  WRK_OUT="$dir/$label.json" WRK_LABEL="$label" WRK_CONNECTIONS="$conns" \
    timeout $(( DURATION + 240 )) "$WRK" -t "$WRK_THREADS" -c "$conns" -d "${DURATION}s" --timeout 30s \
    -s "$BENCH_DIR/wrk/deliveries.lua" "$url" -- "$WORK/wrk/$name.lua" "$WORK/wrk/$name.tsv" "$WRK_THREADS" \
    >"$dir/$label.wrk.txt" 2>&1 || { cat "$dir/$label.wrk.txt" >&2; exit 1; }
  cpu_end "$dir/$label.json"
  jq -c '{scenario, acked_per_s, errors, non_2xx, exhausted, latency_ms, cpu_s}' "$dir/$label.json" >&2
}

# warm_up dir url label pid: WARMUP s of closed-loop load, then 10 s more at a time while the JIT
# compiler was busy for over JIT_QUIET % of the last 10 s, at most WARMUP_MAX s in all; sets
# WARMED_S. On two cores there is one C2 thread, and Tollgate's code keeps it busy for minutes under
# load (a 30 s warm-up left it compiling ~1 core through the measured scenarios): measuring before it
# is done measures the compiler. The requests go to dir/label*.json.
jit_seconds() { "$JSTAT" -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $4}'; }
warm_up() {
  local dir="$1" url="$2" label="$3" pid="$4" round=0 before after busy
  load "$dir" "$url" "$label" --mode closed --connections 16 --duration "$WARMUP"
  WARMED_S="$WARMUP"
  while (( WARMED_S + 10 <= WARMUP_MAX )); do
    before="$(jit_seconds "$pid")"
    [[ -n "$before" ]] || { log "$label: no JIT statistics from $JSTAT; warm-up ends"; break; }
    round=$(( round + 1 ))
    load "$dir" "$url" "$label-jit-$round" --mode closed --connections 16 --duration 10
    WARMED_S=$(( WARMED_S + 10 ))
    after="$(jit_seconds "$pid")"
    [[ -n "$after" ]] || break
    busy="$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", (a - b) * 10 }')"
    log "$label: the JIT compiled for ${busy} % of the last 10 s"
    (( busy <= JIT_QUIET )) && break
  done
  log "$label: warmed up for ${WARMED_S} s"
}

# --- the ceiling: a bare HMAC+parse endpoint on Tollgate's own jars ------------------------------
CEILING_CPU_TICKS=0
if [[ "$CEILING" == 1 ]]; then
  CPORT="$(free_port)"
  log "starting the ceiling endpoint on port $CPORT"
  LAUNCH_NS="$(date +%s%N)"
  CEILING_SECRET="$SECRET" "$TOLLGATE_JAVA" "${APP_JVM[@]}" -cp "$EXTRACTED/lib/*:$CEILING_JAR" dev.tollgate.bench.ceiling.CeilingApp \
    --server.port="$CPORT" --server.address=127.0.0.1 >"$WORK/ceiling.log" 2>&1 &
  CEILING_PID=$!
  PIDS+=("$CEILING_PID")
  wait_ready "$CEILING_PID" "http://127.0.0.1:$CPORT/ready" 90 "$WORK/ceiling.log"
  CEILING_READY_MS="$READY_MS"
  CURL="http://127.0.0.1:$CPORT/webhooks/jira"
  CPU_PID="$CEILING_PID"; CPU_WHO=ceiling
  warm_up "$WORK/ceiling" "$CURL" ceiling-warmup "$CEILING_PID"
  CEILING_WARMED_S="$WARMED_S"
  # The ceiling does not deduplicate: one set of prepared deliveries serves both scenarios.
  prepare ceiling
  C0="$(cpu_ticks "$CEILING_PID")"
  wrk_load "$WORK/ceiling" "$CURL" ceiling-16 16 ceiling
  wrk_load "$WORK/ceiling" "$CURL" ceiling-64 64 ceiling
  CEILING_CPU_TICKS=$(( $(cpu_ticks "$CEILING_PID") - C0 ))
  load "$WORK/ceiling" "$CURL" "ceiling-open-${OPEN_RATE}" --mode open --rate "$OPEN_RATE" --duration "$DURATION"
  CEILING_RSS_KB="$(awk '/^VmHWM/ {print $2}' "/proc/$CEILING_PID/status")"
  stop_pid "$CEILING_PID" "the ceiling"
  jq -n --argjson ready "$CEILING_READY_MS" --argjson ticks "$CEILING_CPU_TICKS" --argjson hz "$CLK_TCK" \
    --argjson rss "$CEILING_RSS_KB" \
    --slurpfile w "$WORK/ceiling/ceiling-warmup.json" --slurpfile c16 "$WORK/ceiling/ceiling-16.json" \
    --slurpfile c64 "$WORK/ceiling/ceiling-64.json" --slurpfile co "$WORK/ceiling/ceiling-open-${OPEN_RATE}.json" \
    '{app: "dev.tollgate.bench.ceiling.CeilingApp on the extracted Tollgate jar'"'"'s lib/ (same Spring Boot, Tomcat, Jackson 3), the same JVM flags as Tollgate, spring.threads.virtual.enabled=true; body limit 1 MB, HMAC-SHA256 constant-time check, JsonMapper.readTree, 202; no database, no security",
      startup_ready_ms: $ready, peak_rss_mb: (($rss / 1024 * 10 | round) / 10),
      cpu_us_per_request: (if ($c16[0].acked_2xx + $c64[0].acked_2xx) > 0
        then ($ticks / $hz * 1e6 / ($c16[0].acked_2xx + $c64[0].acked_2xx) | round) else null end),
      warmup: $w[0], scenarios: [$c16[0], $c64[0], $co[0]]}' >"$WORK/parts/ceiling.json"
else
  echo null >"$WORK/parts/ceiling.json"
fi

# --- database, stub Jira + CI, Tollgate ----------------------------------------------------------
log "creating database $DB on $PGHOST:$PGPORT"
create_db "$DB"

# Comments must complete, or every decision leaves a retrying COMMENT job; triggers go to its CI.
STUB_PORT="$(free_port)"
java -Xmx256m -cp "$BENCH_JAR" dev.tollgate.bench.StubJira "$STUB_PORT" >"$WORK/stub.log" 2>&1 &
STUB_PID=$!
PIDS+=("$STUB_PID")
for _ in $(seq 1 40); do curl -fsS -m 1 "http://127.0.0.1:$STUB_PORT/__stats" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fsS -m 1 "http://127.0.0.1:$STUB_PORT/__stats" >/dev/null || { log "stub Jira/CI did not start"; exit 1; }

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
log "starting Tollgate on port $PORT (${APP_JVM[*]}), log in $WORK/tollgate.log"
# shellcheck disable=SC2086
launch_tollgate "$PORT" "$DB" "$WORK/tollgate.log" "$TOLLGATE_JAVA" "${APP_JVM[@]}" ${TOLLGATE_JAVA_OPTS:-} -jar "$APP_JAR"
TOLLGATE_PID="$LAUNCHED_PID"
wait_ready "$TOLLGATE_PID" "$BASE/actuator/health/readiness" 90 "$WORK/tollgate.log"
log "ready after ${READY_MS} ms (wall clock from launch, includes Flyway on an empty database)"

# --- benchmark policy: the target is a GitHub Actions workflow at the stub CI ---------------------
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
admin targets "{\"name\":\"bench-ci\",\"kind\":\"GITHUB_ACTIONS\",\"baseUrl\":\"http://127.0.0.1:$STUB_PORT\",
  \"repository\":\"bench/tollgate\",\"workflow\":\"deploy.yml\",\"ref\":\"main\",\"credentialRef\":\"env:BENCH_CI_TOKEN\",
  \"inputs\":{\"issue\":\"{{issue.key}}\",\"issue_id\":\"{{issue.id}}\"}}"
admin rules "{\"name\":\"bench deploy\",\"projectKey\":\"OPS\",\"fromStatus\":\"*\",\"toStatus\":\"Ready for Deploy\",\"allowedRoles\":[\"bench-deployer\"],\"target\":\"bench-ci\",\"comment\":$( [[ "$BENCH_COMMENTS" == 1 ]] && echo true || echo false )}"
sleep 2   # policy refresh interval is 1 s

queue_depth() { psql_retry -c "SELECT count(*) FROM tollgate.job WHERE status IN ('PENDING','RUNNING')" 2>/dev/null || echo '?'; }
drain() {  # label: waits up to DRAIN_TIMEOUT s for an empty job queue; sets DRAINED_DEPTH, DRAIN_S
  local start; start=$(date +%s)
  while :; do
    DRAINED_DEPTH="$(queue_depth)"
    [[ "$DRAINED_DEPTH" == 0 ]] && break
    (( $(date +%s) - start >= DRAIN_TIMEOUT )) && break
    sleep 1
  done
  DRAIN_S=$(( $(date +%s) - start ))
  log "$1: $DRAINED_DEPTH unfinished job(s) after ${DRAIN_S} s of draining"
}

# --- (a), (b) ------------------------------------------------------------------------------------
# Statements and write transactions of Tollgate's role in its database during a scenario, from
# pg_stat_statements and the transaction id counter (only transactions that write take an id, and
# only those flush WAL at commit; the harness's psql reads take none), added to the scenario's JSON
# as db, per 2xx. Own cluster only.
stmt_begin() {
  [[ -n "$PG_OWN_PID" ]] || return 0
  psql -X -q -At -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null
  XID0="$(psql_retry -c 'SELECT pg_current_xact_id()')"
}
stmt_end() {  # json-file
  local f="$1" xid1
  if [[ -z "$PG_OWN_PID" ]]; then jq '. + {db: null}' "$f" >"$f.tmp" && mv "$f.tmp" "$f"; return 0; fi
  xid1="$(psql_retry -c 'SELECT pg_current_xact_id()')"
  psql -X -q -At -d postgres >"$WORK/statements.json" <<SQL
WITH s AS (SELECT calls, upper(btrim(query)) AS q, query FROM pg_stat_statements
           WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = '$APP_PGUSER')
             AND dbid = (SELECT oid FROM pg_database WHERE datname = '$DB'))
SELECT json_build_object(
  'statements', coalesce((SELECT sum(calls) FROM s WHERE q NOT IN ('BEGIN', 'COMMIT', 'ROLLBACK')), 0),
  'top', (SELECT json_agg(t) FROM (SELECT calls, left(regexp_replace(query, '\s+', ' ', 'g'), 140) AS query
                                 FROM s ORDER BY calls DESC LIMIT 15) t))
SQL
  jq --slurpfile st "$WORK/statements.json" --argjson w "$(( xid1 - XID0 - 1 ))" '
    def r2: (. * 100 | round) / 100;
    . + {db: {statements: $st[0].statements, write_transactions: $w,
              statements_per_2xx: (if .acked_2xx > 0 then ($st[0].statements / .acked_2xx | r2) else null end),
              write_commits_per_2xx: (if .acked_2xx > 0 then ($w / .acked_2xx | r2) else null end),
              top_statements: $st[0].top}}' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
  jq -c '{scenario, db: (.db | del(.top_statements))}' "$f" >&2
}

URL="$BASE/webhooks/jira"
CPU_PID="$TOLLGATE_PID"; CPU_WHO=tollgate
warm_up "$WORK" "$URL" warmup "$TOLLGATE_PID"
TOLLGATE_WARMED_S="$WARMED_S"
prepare a-ingest-16
prepare a-ingest-64
prepare a-unmatched-64 --unmatched
T0="$(cpu_ticks "$TOLLGATE_PID")"
stmt_begin
wrk_load "$WORK/load" "$URL" a-ingest-16 16 a-ingest-16
stmt_end "$WORK/load/a-ingest-16.json"
stmt_begin
wrk_load "$WORK/load" "$URL" a-ingest-64 64 a-ingest-64
stmt_end "$WORK/load/a-ingest-64.json"
CLOSED_CPU_TICKS=$(( $(cpu_ticks "$TOLLGATE_PID") - T0 ))
load "$WORK/load" "$URL" "b-open-${OPEN_RATE}" --mode open --rate "$OPEN_RATE" --duration "$DURATION"
# Transitions no rule matches (to "In Review"): the cheapest path, one delivery and one IGNORED decision.
drain "before the unmatched transitions"
stmt_begin
wrk_load "$WORK/load" "$URL" a-unmatched-64 64 a-unmatched-64
stmt_end "$WORK/load/a-unmatched-64.json"

# --- (c) end to end ------------------------------------------------------------------------------
drain "before (c)"
E2E_BACKLOG="$DRAINED_DEPTH"
stmt_begin
load "$WORK/load" "$URL" "c-e2e-${E2E_RATE}" --mode open --rate "$E2E_RATE" --duration "$DURATION" \
  --sends "$WORK/e2e/c-e2e-${E2E_RATE}.sends"
# Statements and commits per webhook end to end: until the pipeline is done with these webhooks.
drain "after (c) at ${E2E_RATE}/s"
stmt_end "$WORK/load/c-e2e-${E2E_RATE}.json"

# Ramp: each step at a fixed rate while the queue depth is sampled every second. A step keeps up
# when every request got a 2xx at the offered rate and the queue stayed bounded: by the end of the
# step the depth grew by at most one second's worth of webhooks (max(rate, 100) jobs) over its first
# sample, and, for steps of 20 s or more, over the second half of the step by less than 2 % of the
# rate per second (in shorter steps the second half is still the rise to the steady depth). The
# ramp stops at the first step that fails. A step that starts on a backlog (the drain before it timed
# out) says so in backlog_at_start.
ramp_ok=1
for rate in $E2E_RAMP; do
  [[ "$ramp_ok" == 1 ]] || break
  drain "before ramp step $rate/s"
  step_backlog="$DRAINED_DEPTH"
  samples="$WORK/e2e/ramp-$rate.depth"
  : >"$samples"
  ( while :; do
      echo "$(date +%s.%N) $(psql_db -c "SELECT count(*) FROM tollgate.job WHERE status IN ('PENDING','RUNNING')" 2>/dev/null || echo '?')" >>"$samples"
      sleep 1
    done ) &
  SAMPLER_PID=$!
  PIDS+=("$SAMPLER_PID")
  load "$WORK/load" "$URL" "c-ramp-$rate" --mode open --rate "$rate" --duration "$E2E_STEP_DURATION" \
    --sends "$WORK/e2e/c-ramp-$rate.sends"
  kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true
  awk '$2 ~ /^[0-9]+$/ {print $1, $2}' "$samples" \
    | jq -R -s --argjson rate "$rate" --argjson backlog "${step_backlog//\?/null}" --slurpfile r "$WORK/load/c-ramp-$rate.json" '
      [split("\n")[] | select(length > 0) | split(" ") | {t: (.[0] | tonumber), d: (.[1] | tonumber)}] as $s
      | ($s | length) as $n
      | ($s[($n / 2 | floor):]) as $h
      | (if ($h | length) >= 2 then
           ($h | map(.t) | add / length) as $mt | ($h | map(.d) | add / length) as $md
           | ([$h[] | (.t - $mt) * (.d - $md)] | add) / ([$h[] | (.t - $mt) * (.t - $mt)] | add)
         else null end) as $slope
      | $r[0] as $l
      | {rate_per_s: $rate, duration_s: $l.duration_s, sent: $l.sent, acked_2xx: $l.acked_2xx,
         acked_per_s: $l.acked_per_s, non_2xx: $l.non_2xx, errors: $l.errors, ack_latency_ms: $l.latency_ms,
         backlog_at_start: $backlog,
         queue_depth: {samples: $n, first: ($s | first | .d), max: ($s | map(.d) | max), last: ($s | last | .d),
                       growth_per_s_second_half: (if $slope then ($slope * 10 | round) / 10 else null end)},
         kept_up: ($n > 0 and $l.non_2xx == 0 and $l.errors == 0 and $l.sent >= 0.99 * $rate * ($l.duration_s | floor)
                   and (($s | last | .d) - ($s | first | .d)) <= ([$rate, 100] | max)
                   and ($slope == null or $l.duration_s < 20 or $slope <= 0.02 * $rate))}' >"$WORK/e2e/c-ramp-$rate.step.json"
  jq -c '{rate_per_s, acked_per_s, queue_depth, kept_up}' "$WORK/e2e/c-ramp-$rate.step.json" >&2
  [[ "$(jq -r .kept_up "$WORK/e2e/c-ramp-$rate.step.json")" == true ]] || ramp_ok=0
done

# --- drain the job queue, then (d) exactness -------------------------------------------------------
drain "before (d)"
DRAIN_S_FINAL="$DRAIN_S"
T_END="$(cpu_ticks "$TOLLGATE_PID")"

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
ACKED_TOTAL="$(jq -s 'map(.status_counts["202"] // 0) | add' "$WORK"/warmup*.json "$WORK"/load/*.json)"
# Requests whose response did not come within the generator's timeout: sent, so possibly stored, but
# the client cannot know (Jira would retry and get DUPLICATE). Failed connects never reached Tollgate.
# wrk: requests built but not answered when it stopped (in flight at the end) are of unknown outcome too.
UNKNOWN_OUTCOME="$(jq -s 'map((.error_counts["HttpTimeoutException"] // 0) + (.error_counts["unknown_outcome"] // 0)) | add' "$WORK"/warmup*.json "$WORK"/load/*.json)"
# Nothing lost: every 202 is a stored delivery; nothing invented: the rest are requests of unknown outcome.
STORED_AS_ACKED=false
if (( QUEUED >= ACKED_TOTAL && QUEUED <= ACKED_TOTAL + UNKNOWN_OUTCOME )); then STORED_AS_ACKED=true; fi
curl -fsS -m 10 "http://127.0.0.1:$STUB_PORT/__stats" >"$WORK/stub.json" 2>/dev/null || echo '{}' >"$WORK/stub.json"
curl -fsS -m 30 "http://127.0.0.1:$STUB_PORT/__triggers" >"$WORK/e2e/triggers.tsv"
CI_DISPATCH="$(jq '.ci_dispatch // 0' "$WORK/stub.json")"
CI_DISTINCT="$(jq '.ci_decision_ids_distinct // 0' "$WORK/stub.json")"
CI_TWICE="$(jq '.ci_decision_ids_twice // 0' "$WORK/stub.json")"
CI_UNAUTH="$(jq '.ci_dispatch_unauthorized // 0' "$WORK/stub.json")"
# PASS: the queue drained and every check holds, in the database and at the stub CI. INCOMPLETE:
# nothing duplicated and nothing lost at ingest, but work was still outstanding when the drain
# timeout ran out. FAIL: anything else.
PASS=false
VERDICT=FAIL
if [[ "$UNFINISHED" != 0 && "$MULTI_DECISION" == 0 && "$DUP_DECISION_ID" == 0 && "$DUP_TRIGGER" == 0 \
      && "$TRIG_FAILED" == 0 && "$DEAD" == 0 && "$STORED_AS_ACKED" == true && "$CI_TWICE" == 0 ]]; then
  VERDICT=INCOMPLETE
fi
if [[ "$NO_DECISION" == 0 && "$MULTI_DECISION" == 0 && "$ALLOWED" == "$TRIG_OK" && "$TRIG_FAILED" == 0 \
      && "$DUP_DECISION_ID" == 0 && "$DUP_TRIGGER" == 0 && "$STORED_AS_ACKED" == true && "$DEAD" == 0 \
      && "$UNFINISHED" == 0 && "$CI_DISPATCH" == "$TRIG_OK" && "$CI_DISTINCT" == "$TRIG_OK" && "$CI_TWICE" == 0 \
      && "$CI_UNAUTH" == 0 ]]; then
  PASS=true
  VERDICT=PASS
fi
log "exactness: $VERDICT queued=$QUEUED acked202=$ACKED_TOTAL unknown_outcome=$UNKNOWN_OUTCOME no_decision=$NO_DECISION multi_decision=$MULTI_DECISION allowed=$ALLOWED triggers=$TRIG_OK ci_dispatches=$CI_DISPATCH ci_distinct=$CI_DISTINCT dup_decision_id=$DUP_DECISION_ID"

# --- (c) webhook-to-trigger latencies: join send times with the stub CI's arrival times -----------
for sends in "$WORK"/e2e/*.sends; do
  label="$(basename "$sends" .sends)"
  java -Xmx256m -cp "$BENCH_JAR" dev.tollgate.bench.E2eJoin "$sends" "$WORK/e2e/triggers.tsv" "$label" \
    >"$WORK/e2e/$label.join.json"
done
jq -c '{scenario, acked_2xx, triggered, webhook_to_trigger_ms}' "$WORK/e2e/c-e2e-${E2E_RATE}.join.json" >&2
for f in "$WORK"/e2e/c-ramp-*.step.json; do
  [[ -f "$f" ]] || continue
  label="$(basename "$f" .step.json)"
  jq --slurpfile j "$WORK/e2e/$label.join.json" '. + {webhook_to_trigger_ms: $j[0].webhook_to_trigger_ms, triggered: $j[0].triggered}' \
    "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
jq -s 'sort_by(.rate_per_s)' "$WORK"/e2e/c-ramp-*.step.json >"$WORK/parts/ramp.json" 2>/dev/null || echo '[]' >"$WORK/parts/ramp.json"
[[ -s "$WORK/parts/ramp.json" ]] || echo '[]' >"$WORK/parts/ramp.json"

# --- (e) resources ---------------------------------------------------------------------------------
HWM_KB="$(awk '/^VmHWM/ {print $2}' "/proc/$TOLLGATE_PID/status")"
RSS_KB="$(awk '/^VmRSS/ {print $2}' "/proc/$TOLLGATE_PID/status")"
HEAP_USED_KB=null
HEAP_TOTAL_KB=null
if timeout 30 "$JCMD" "$TOLLGATE_PID" GC.run >/dev/null 2>&1 && timeout 30 "$JCMD" "$TOLLGATE_PID" GC.heap_info >"$WORK/heap_info.txt" 2>&1; then
  # One line per generation (Serial: young and tenured; G1: one for the whole heap).
  read -r HEAP_TOTAL_KB HEAP_USED_KB < <(grep -o 'total [0-9]*K, used [0-9]*K' "$WORK/heap_info.txt" \
    | tr -d 'K,' | awk '{t += $2; u += $4} END {if (NR) print t, u}') || true
  HEAP_USED_KB="${HEAP_USED_KB:-null}"; HEAP_TOTAL_KB="${HEAP_TOTAL_KB:-null}"
else
  log "jcmd GC.run / GC.heap_info failed; heap after GC not measured"
fi
echo '[]' >"$WORK/parts/startup.json"
for variant in $STARTUP_VARIANTS; do  # in the order asked for
  [[ -f "$WORK/startup/$variant.json" ]] || continue
  jq --slurpfile v "$WORK/startup/$variant.json" '. + $v' "$WORK/parts/startup.json" >"$WORK/parts/startup.tmp"
  mv "$WORK/parts/startup.tmp" "$WORK/parts/startup.json"
done

# --- results -------------------------------------------------------------------------------------
JAVA_VERSION="$("$TOLLGATE_JAVA" -version 2>&1 | head -n1)"
JSON_OUT="$RESULTS/$TS.json"
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
SMOKE_TAG=""; [[ "$SMOKE" == 1 ]] && SMOKE_TAG="SMOKE=1 "
# Tollgate's job settings from the environment (TOLLGATE_JOBS_*, no secrets) change what is measured.
JOB_ENV="$(env | grep -E '^TOLLGATE_JOBS_[A-Z_]+=[A-Za-z0-9.]*$' | sort | tr '\n' ' ' || true)"
CMD="${JOB_ENV}${SMOKE_TAG}BENCH_COMMENTS=$BENCH_COMMENTS ${APP_JAR_GIVEN:+APP_JAR=$APP_JAR_GIVEN }${SKIP_BUILD:+SKIP_BUILD=$SKIP_BUILD }${BUILD_ISOLATED:+BUILD_ISOLATED=$BUILD_ISOLATED }DURATION=$DURATION WARMUP=$WARMUP JIT_QUIET=$JIT_QUIET WARMUP_MAX=$WARMUP_MAX OPEN_RATE=$OPEN_RATE E2E_RATE=$E2E_RATE E2E_RAMP=\"$E2E_RAMP\" E2E_STEP_DURATION=$E2E_STEP_DURATION CEILING=$CEILING STARTUP_VARIANTS=\"$STARTUP_VARIANTS\" DRAIN_TIMEOUT=$DRAIN_TIMEOUT bench/run.sh"
jq -n \
  --arg ts "$TS" --arg java "$JAVA_VERSION" --arg nproc "$(nproc)" --arg kernel "$(uname -sr)" --arg loadavg "$LOADAVG" --arg loadBefore "$LOAD_BEFORE" --arg appJvm "${APP_JVM[*]}" \
  --arg pg "$(psql -X -At -d postgres -c 'SHOW server_version')" --arg cmd "$CMD" --arg smoke "$SMOKE" --arg pgCluster "$PG_CLUSTER" \
  --argjson readyMs "$READY_MS" --argjson drainS "$DRAIN_S_FINAL" --arg pass "$PASS" --arg verdict "$VERDICT" \
  --argjson queued "$QUEUED" --argjson acked "$ACKED_TOTAL" --argjson unknownOutcome "$UNKNOWN_OUTCOME" --argjson noDecision "$NO_DECISION" \
  --argjson multiDecision "$MULTI_DECISION" --argjson allowed "$ALLOWED" --argjson notAllowed "$NOT_ALLOWED" \
  --argjson trigOk "$TRIG_OK" --argjson trigFailed "$TRIG_FAILED" --argjson dupDecision "$DUP_DECISION_ID" \
  --argjson dupTrigger "$DUP_TRIGGER" --argjson dead "$DEAD" --argjson unfinished "$UNFINISHED" \
  --argjson ciDispatch "$CI_DISPATCH" --argjson ciDistinct "$CI_DISTINCT" --argjson ciTwice "$CI_TWICE" \
  --argjson ciUnauth "$CI_UNAUTH" \
  --arg mainStarted "$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$WORK/tollgate.log" | head -n1 || true)" \
  --argjson e2eRate "$E2E_RATE" --arg e2eBacklog "$E2E_BACKLOG" \
  --argjson hwm "$HWM_KB" --argjson rss "$RSS_KB" --argjson heapUsed "$HEAP_USED_KB" --argjson heapTotal "$HEAP_TOTAL_KB" \
  --argjson warmedS "$TOLLGATE_WARMED_S" --argjson ceilingWarmedS "${CEILING_WARMED_S:-null}" --argjson jitQuiet "$JIT_QUIET" \
  --argjson closedTicks "$CLOSED_CPU_TICKS" --argjson allTicks "$(( T_END - T0 ))" --argjson hz "$CLK_TCK" \
  --slurpfile warmup "$WORK/warmup.json" --slurpfile stub "$WORK/stub.json" \
  --slurpfile a16 "$WORK/load/a-ingest-16.json" --slurpfile a64 "$WORK/load/a-ingest-64.json" \
  --slurpfile b "$WORK/load/b-open-${OPEN_RATE}.json" --slurpfile aun "$WORK/load/a-unmatched-64.json" \
  --slurpfile e2eLoad "$WORK/load/c-e2e-${E2E_RATE}.json" --slurpfile e2eJoin "$WORK/e2e/c-e2e-${E2E_RATE}.join.json" \
  --slurpfile ramp "$WORK/parts/ramp.json" --slurpfile ceiling "$WORK/parts/ceiling.json" \
  --slurpfile startup "$WORK/parts/startup.json" \
  '
  def r2: (. * 100 | round) / 100;
  def mb: (. / 1024 * 10 | round) / 10;
  # the ceiling scenario run under the same load as s (same connections, or same open rate)
  def ceiling_for(s): ($ceiling[0] // {scenarios: []}).scenarios
    | map(select(.mode == s.mode and .connections == s.connections and .target_rate_per_s == s.target_rate_per_s)) | first;
  def vs_ceiling: . as $s | ceiling_for($s) as $c
    | if $c == null then . else . + {vs_ceiling: {ceiling_scenario: $c.scenario, ceiling_acked_per_s: $c.acked_per_s,
        acked_ratio: (if $c.acked_per_s > 0 then ($s.acked_per_s / $c.acked_per_s | r2) else null end),
        ceiling_latency_ms: $c.latency_ms,
        p99_ratio: (if $c.latency_ms.p99 > 0 then ($s.latency_ms.p99 / $c.latency_ms.p99 | r2) else null end)}} end;
  ($ceiling[0] // null) as $ceil
  | ($ceil | if . then (.scenarios | map(select(.connections == 64)) | first | .acked_per_s) else null end) as $c64
  | ($a16[0].acked_2xx + $a64[0].acked_2xx) as $closedAcked
  | ([$a16[0], $a64[0], $b[0], $aun[0], $e2eLoad[0]] + ($ramp[0] | map({acked_2xx})) | map(.acked_2xx) | add) as $allAcked
  | ([$ramp[0][] | select(.kept_up) | .rate_per_s] | max) as $sustained
  | {timestamp: $ts, smoke: ($smoke == "1"),
    machine: {nproc: ($nproc|tonumber), java: $java, kernel: $kernel, postgresql: $pg,
              tollgate_jvm: $appJvm, load_generator: "same machine (wrk for closed loop, Java for open loop)",
              postgresql_cluster: $pgCluster,
              loadavg_before_run: $loadBefore, loadavg_after_run: $loadavg,
              warmup_s: {tollgate: $warmedS, ceiling: $ceilingWarmedS, until_jit_at_most_percent: $jitQuiet}},
    command: $cmd,
    startup_ready_ms: $readyMs,
    ceiling: $ceil,
    warmup: $warmup[0],
    scenarios: ([$a16[0], $a64[0], $b[0], $aun[0]] | map(vs_ceiling)),
    end_to_end: {
      db: $e2eLoad[0].db,
      latency: {rate_per_s: $e2eRate, backlog_at_start: ($e2eBacklog | tonumber? // null), load: $e2eLoad[0],
                webhook_to_trigger_ms: $e2eJoin[0].webhook_to_trigger_ms, join: ($e2eJoin[0] | del(.webhook_to_trigger_ms))},
      ramp: {steps: $ramp[0],
             kept_up_rule: "every request 2xx at the offered rate; PENDING+RUNNING jobs grew by at most max(rate, 100) from the first to the last sample of the step, and (steps >= 20 s) by < 2% of the rate per second over its second half",
             highest_sustained_rate_per_s: $sustained,
             vs_ceiling_ratio: (if $sustained and $c64 then ($sustained / $c64 | r2) else null end)}},
    resources: {peak_rss_mb: ($hwm | mb), rss_at_end_mb: ($rss | mb),
                heap_after_gc_mb: (if $heapUsed then ($heapUsed | mb) else null end),
                heap_committed_mb: (if $heapTotal then ($heapTotal | mb) else null end),
                cpu_us_per_ack_closed_loop: (if $closedAcked > 0 then ($closedTicks / $hz * 1e6 / $closedAcked | round) else null end),
                cpu_us_per_webhook_whole_run: (if $allAcked > 0 then ($allTicks / $hz * 1e6 / $allAcked | round) else null end),
                ceiling_cpu_us_per_request: ($ceil.cpu_us_per_request // null),
                cpu_basis: "utime+stime of the Tollgate process (/proc/<pid>/stat): closed loop = during (a) 16+64 divided by their 202s; whole run = from the start of (a) to the end of the final drain (ingest, decisions, triggers, comments) divided by every 202 in that window",
                startup: ([{variant: "main run (fat jar, stub Jira up)", java: $java, ready_ms: $readyMs,
                             started_in_s: ($mainStarted | capture("in (?<s>[0-9.]+) seconds").s // null | if . then tonumber else null end)}]
                          + $startup[0])},
    exactness: {pass: ($pass == "true"), verdict: $verdict, queued_deliveries: $queued, acked_202: $acked, unknown_outcome: $unknownOutcome,
                queued_without_decision: $noDecision, queued_with_several_decisions: $multiDecision,
                decisions_allowed: $allowed, decisions_other: $notAllowed,
                triggers_succeeded: $trigOk, triggers_failed: $trigFailed,
                decision_ids_twice: $dupDecision, triggers_for_same_decision_twice: $dupTrigger,
                ci_dispatches_received: $ciDispatch, ci_distinct_decision_ids: $ciDistinct,
                ci_decision_ids_twice: $ciTwice, ci_dispatches_unauthorized: $ciUnauth,
                dead_jobs: $dead, unfinished_jobs: $unfinished, drain_seconds: $drainS},
    stub_calls: $stub[0]}' >"$JSON_OUT"

MD_OUT="$RESULTS/$TS.md"
jq -r '
  def ratio(x): if x == null then "" else " = \(x) × ceiling" end;
  def fmt: if . == null then "–" else tostring end;
  "### Tollgate benchmark \(.timestamp)\(if .smoke then " (smoke run)" else "" end)\n",
  "Machine: \(.machine.nproc) cores, \(.machine.java), PostgreSQL \(.machine.postgresql), Tollgate \(.machine.tollgate_jvm), load generator on the same machine. Load average before the run: \(.machine.loadavg_before_run), after: \(.machine.loadavg_after_run). Warm-up (until the JIT compiled for at most \(.machine.warmup_s.until_jit_at_most_percent) % of 10 s): \(.machine.warmup_s.tollgate) s Tollgate, \(.machine.warmup_s.ceiling // "–") s ceiling.\n",
  "| scenario | mode | load | acked/s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | errors |",
  "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  (.scenarios[] | "| \(.scenario) | \(.mode) | \(if .mode == "open" then "\(.target_rate_per_s) req/s" else "\(.connections) conns" end) | \(.acked_per_s)\(ratio(.vs_ceiling.acked_ratio)) | \(.latency_ms.p50) | \(.latency_ms.p99)\(if .vs_ceiling.p99_ratio then " (\(.vs_ceiling.p99_ratio) ×)" else "" end) | \(.latency_ms.p99_9) | \(.latency_ms.max) | \(.non_2xx) | \(.errors) |"),
  (if .ceiling then (.ceiling.scenarios[] | "| ceiling: \(.scenario) | \(.mode) | \(if .mode == "open" then "\(.target_rate_per_s) req/s" else "\(.connections) conns" end) | \(.acked_per_s) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.latency_ms.p99_9) | \(.latency_ms.max) | \(.non_2xx) | \(.errors) |") else empty end),
  "",
  (if .ceiling then "Ceiling: a bare HMAC+parse endpoint on Tollgate'"'"'s own jars, same load, same run (\(.ceiling.cpu_us_per_request) µs CPU per request). Ratios: acked/s as a fraction of the ceiling'"'"'s, p99 as a multiple of the ceiling'"'"'s.\n" else "Ceiling: not run.\n" end),
  "**(c) end to end.** Webhook-to-trigger at \(.end_to_end.latency.rate_per_s)/s: p50 \(.end_to_end.latency.webhook_to_trigger_ms.p50 | fmt) ms, p99 \(.end_to_end.latency.webhook_to_trigger_ms.p99 | fmt) ms, max \(.end_to_end.latency.webhook_to_trigger_ms.max | fmt) ms (\(.end_to_end.latency.join.triggered) of \(.end_to_end.latency.join.acked_2xx) acked requests triggered; \(.end_to_end.latency.backlog_at_start | fmt) jobs queued at the start).\n",
  (if (.end_to_end.ramp.steps | length) > 0 then
    "| ramp step | acked/s | ack p99 ms | queue depth first / max / last | growth/s (2nd half) | trigger p50 / p99 ms | kept up |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    (.end_to_end.ramp.steps[] | "| \(.rate_per_s)/s | \(.acked_per_s) | \(.ack_latency_ms.p99) | \(.queue_depth.first) / \(.queue_depth.max) / \(.queue_depth.last) | \(.queue_depth.growth_per_s_second_half | fmt) | \(.webhook_to_trigger_ms.p50 | fmt) / \(.webhook_to_trigger_ms.p99 | fmt) | \(if .kept_up then "yes" else "**no**" end) |"),
    "",
    "Highest sustained end-to-end rate: **\(.end_to_end.ramp.highest_sustained_rate_per_s | fmt)/s**\(ratio(.end_to_end.ramp.vs_ceiling_ratio)) (ceiling at 64 connections).\n"
   else "Ramp: not run.\n" end),
  "**(e) resources.** Peak RSS \(.resources.peak_rss_mb) MB, heap after GC \(.resources.heap_after_gc_mb | fmt) MB (of \(.resources.heap_committed_mb | fmt) MB committed), CPU \(.resources.cpu_us_per_ack_closed_loop | fmt) µs per ack during (a) (ceiling \(.resources.ceiling_cpu_us_per_request | fmt) µs), \(.resources.cpu_us_per_webhook_whole_run | fmt) µs per webhook end to end.\n",
  "| start-up to ready (fresh database) | Java | ready ms | Spring \"started in\" s | RSS at ready MB |",
  "| --- | --- | ---: | ---: | ---: |",
  (.resources.startup[] | "| \(.variant) | \(.java // "" | sub("^(openjdk|java) version "; "")) | \(.ready_ms | fmt)\(if .skipped then " (skipped: \(.skipped))" else "" end) | \(.started_in_s | fmt) | \(.rss_at_ready_mb | fmt) |"),
  "",
  "Exactness (d): **\(.exactness.verdict)**: \(.exactness.acked_202) acked 202 (and \(.exactness.unknown_outcome) timed out at the client, outcome unknown to it), \(.exactness.queued_deliveries) QUEUED deliveries, \(.exactness.queued_without_decision) without a DECISION, \(.exactness.queued_with_several_decisions) with more than one, \(.exactness.decisions_allowed) ALLOWED decisions vs \(.exactness.triggers_succeeded) triggers (\(.exactness.triggers_failed) failed) vs \(.exactness.ci_dispatches_received) dispatches at the stub CI (\(.exactness.ci_distinct_decision_ids) distinct decision ids, \(.exactness.ci_decision_ids_twice) twice), \(.exactness.decision_ids_twice) decision ids twice, \(.exactness.dead_jobs) dead jobs, \(.exactness.unfinished_jobs) unfinished jobs after \(.exactness.drain_seconds) s of draining.",
  "",
  "Command: `\(.command)`",
  "",
  "**CPU seconds per scenario** (from /proc: the process under test, the PostgreSQL cluster with its backends\(if .machine.postgresql_cluster == "own" then "" else " (not measured: shared server)" end), the load generator) and, with the harness'"'"'s own cluster, Tollgate'"'"'s statements and write transactions per 2xx (pg_stat_statements, transaction ids):\n",
  "| scenario | acked/s | app s | PostgreSQL s | generator s | statements / 2xx | write commits / 2xx |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ((.ceiling.scenarios // [])[] | select(.cpu_s) | "| \(.scenario) | \(.acked_per_s) | \(.cpu_s.ceiling | fmt) | \(.cpu_s.postgresql | fmt) | \(.cpu_s.generator | fmt) | | |"),
  (.scenarios[], .end_to_end.latency.load | "| \(.scenario) | \(.acked_per_s) | \(.cpu_s.tollgate | fmt) | \(.cpu_s.postgresql | fmt) | \(.cpu_s.generator | fmt) | \(.db.statements_per_2xx | fmt) | \(.db.write_commits_per_2xx | fmt) |"),
  "",
  "**Goals** (ratios to the ceiling of the same run):\n",
  "| goal | target | measured | ratio to ceiling | met |",
  "| --- | --- | ---: | ---: | --- |",
  (def sc(n): [.scenarios[] | select(.scenario == n)] | first;
   def yn(c): if c == null then "–" elif c then "yes" else "**no**" end;
   sc("a-ingest-64") as $a64 | sc("a-ingest-16") as $a16 | sc("a-unmatched-64") as $un
   | .end_to_end as $e | .resources as $r
   | ([$r.startup[] | select(.variant == "fatjar-17")] | first) as $f17
   | "| durable acks/s, 64 connections | ≥ 6,000 and ≥ 0.35 × ceiling | \($a64.acked_per_s) | \($a64.vs_ceiling.acked_ratio | fmt) | \(yn(if $a64.vs_ceiling.acked_ratio then ($a64.acked_per_s >= 6000 and $a64.vs_ceiling.acked_ratio >= 0.35) else ($a64.acked_per_s >= 6000) end)) |",
     "| ack p99, 16 connections | ≤ 25 ms | \($a16.latency_ms.p99) ms | \($a16.vs_ceiling.p99_ratio | fmt) × | \(yn($a16.latency_ms.p99 <= 25)) |",
     "| unmatched transitions/s, 64 connections | ≥ 8,000 | \($un.acked_per_s) | \($un.vs_ceiling.acked_ratio | fmt) | \(yn($un.acked_per_s >= 8000)) |",
     "| end to end sustained | ≥ 1,500/s | \($e.ramp.highest_sustained_rate_per_s | fmt)/s | \($e.ramp.vs_ceiling_ratio | fmt) | \(yn(if $e.ramp.steps | length > 0 then (($e.ramp.highest_sustained_rate_per_s // 0) >= 1500) else null end)) |",
     "| webhook-to-trigger p99 at \($e.latency.rate_per_s)/s | ≤ 250 ms at 500/s | \($e.latency.webhook_to_trigger_ms.p99 | fmt) ms | | \(yn(if $e.latency.rate_per_s == 500 then ($e.latency.webhook_to_trigger_ms.p99 <= 250) else null end)) |",
     "| lost / duplicated | 0 / 0 | \(.exactness.verdict) | | \(yn(.exactness.pass)) |",
     "| peak RSS | ≤ 450 MB | \($r.peak_rss_mb) MB | | \(yn($r.peak_rss_mb <= 450)) |",
     "| statements / write commits per allowed webhook, end to end | ≤ 6 / ≤ 2 | \($e.db.statements_per_2xx | fmt) / \($e.db.write_commits_per_2xx | fmt) | | \(yn(if $e.db then ($e.db.statements_per_2xx <= 6 and $e.db.write_commits_per_2xx <= 2) else null end)) |",
     "| ready, java -jar on Java 17 | ≤ 6 s | \($f17.ready_ms // null | fmt) ms | | \(yn(if $f17.ready_ms then ($f17.ready_ms <= 6000) else null end)) |")
' "$JSON_OUT" >"$MD_OUT"

cat "$MD_OUT"
log "wrote $JSON_OUT and $MD_OUT"
[[ "$PASS" == true ]]
