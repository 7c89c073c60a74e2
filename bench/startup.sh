#!/usr/bin/env bash
# Times Tollgate's start-up: from launching the JVM to /actuator/health/readiness answering UP,
# polled every 100 ms; then stops that process (by its PID) and starts the next run.
#
# Usage: bench/startup.sh [jar] [cache]     (default: both)
#   jar    plain `java -jar target/tollgate-*.jar` (the fat jar, no archive of any kind)
#   cache  the image's steps without Docker: `extract --layers`, the layers copied in the
#          Dockerfile's order, scripts/train-startup-cache.sh (the training run), then
#          `java @jvm.options -jar app.jar` with the cache made mandatory (-Xshare:on /
#          -XX:AOTMode=on), so a cache the JVM would ignore fails the run instead of timing without it
#
# Environment:
#   RUNS=5            timed runs per mode (the median is printed with every figure)
#   DB_MODE=fresh     fresh: a new empty database per run (Flyway applies every migration);
#                     migrated: one database, migrated by an untimed first start, reused (a restart)
#   START_TIMEOUT=300 seconds a start may take before the run counts as failed
#   JAVA=java         the JVM (Java 17 by default on this host; the image's is 25)
#   JVM_OPTS          default "-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError", the image's
#                     flags with the heap of a 512 MiB container (ADR 0015); in cache mode the
#                     collector comes from jvm.options, as in the image
#   EXTRA_OPTS        more JVM options for the timed runs (e.g. -Xlog:class+load:file=/tmp/cl.txt)
#   KEEP_LOG=FILE     copy each run's log there (the last run's remains)
#   JAR               default target/tollgate-*.jar (build it with ./mvnw -o -q -DskipTests package)
#   PGHOST PGPORT PGUSER   127.0.0.1 5432 postgres (trust auth or PGPASSWORD)
# Prints one line per run (seconds to ready, Spring's "Started ... in", load average) and a median.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
START_TIMEOUT=${START_TIMEOUT:-300}
DB_MODE=${DB_MODE:-fresh}
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}
EXTRA_OPTS=${EXTRA_OPTS:-}
MODES=("$@")
(( ${#MODES[@]} )) || MODES=(jar cache)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

if [[ -z ${JAR:-} ]]; then
  shopt -s nullglob; jars=(target/tollgate-*.jar); shopt -u nullglob
  (( ${#jars[@]} == 1 )) || { echo "expected one target/tollgate-*.jar, found ${#jars[@]}" >&2; exit 2; }
  JAR=${jars[0]}
fi
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")

WORK=$(mktemp -d)
APP_PID=""
DBS=()
log() { printf '[startup] %s\n' "$*" >&2; }
stop_app() {
  [[ -n $APP_PID ]] || return 0
  if kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}
cleanup() {
  stop_app
  for db in "${DBS[@]}"; do dropdb --if-exists --force "$db" 2>/dev/null || dropdb --if-exists "$db" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 12000 ))
    [[ -z $(ss -Htan "sport = :$port" 2>/dev/null) ]] && { echo "$port"; return 0; }
  done
  return 1
}
# new_db suffix: creates a throwaway database, sets DB (no subshell, so cleanup knows it).
new_db() { DB="tollgate_startup_$$_$1"; createdb "$DB"; DBS+=("$DB"); }

# run_once dir db java-args...: starts, waits for readiness UP, stops; sets SECS and STARTED
# (Spring's "Started ... in"). Not in a subshell, so that cleanup always knows APP_PID.
run_once() {
  local dir=$1 db=$2 port t0 deadline body started; shift 2
  port=$(free_port)
  t0=$(date +%s%N)
  (
    cd "$dir"
    export SERVER_PORT=$port
    export SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db" SPRING_DATASOURCE_USERNAME=$PGUSER
    export SPRING_DATASOURCE_PASSWORD=${PGPASSWORD:-}
    export TOLLGATE_JIRA_WEBHOOK_SECRETS=startup-bench-only
    unset JAVA_TOOL_OPTIONS
    # shellcheck disable=SC2086
    exec "$JAVA" -Djava.io.tmpdir="$WORK/tmp" "$@"
  ) >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  while :; do
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      log "exited before ready; end of its log:"; tail -n 40 "$WORK/app.log" >&2; APP_PID=""; return 1
    fi
    body=$(curl -s -m 2 "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null || true)
    [[ $body == *'"status":"UP"'* ]] && break
    (( $(date +%s) < deadline )) || { log "not ready in $START_TIMEOUT s"; tail -n 40 "$WORK/app.log" >&2; return 1; }
    sleep 0.1
  done
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  # CPU the process used until ready (utime + stime, all threads): on a shared host it moves far
  # less with the load than the wall-clock time does.
  CPU=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$APP_PID/stat")
  STARTED=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$WORK/app.log" | grep -o '[0-9.]* seconds' | cut -d' ' -f1 || true)
  stop_app
  [[ -z ${KEEP_LOG:-} ]] || cp "$WORK/app.log" "$KEEP_LOG"
  SECS=$(printf '%d.%03d' $(( ms / 1000 )) $(( ms % 1000 )))
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

mkdir -p "$WORK/tmp"
log "$("$JAVA" -version 2>&1 | head -n1); $(nproc) cores; DB_MODE=$DB_MODE; RUNS=$RUNS"
for mode in "${MODES[@]}"; do
  case $mode in
    jar)
      dir=$WORK; args=($JVM_OPTS $EXTRA_OPTS -jar "$JAR") ;;
    cache)
      # The Dockerfile's build stage, then its COPY lines in order, then its training RUN.
      mkdir -p "$WORK/image/app"
      cp "$JAR" "$WORK/image/app.jar"
      (cd "$WORK/image" && "$JAVA" -Djarmode=tools -jar app.jar extract --layers --destination extracted >/dev/null)
      for layer in $(sed -n 's|^COPY --from=build /workspace/extracted/\([a-z-]*\)/ .*|\1|p' Dockerfile); do
        cp -a "$WORK/image/extracted/$layer/." "$WORK/image/app/"
      done
      JAVA=$JAVA scripts/train-startup-cache.sh "$WORK/image/app" >&2
      strict=-Xshare:on; grep -q AOTCache "$WORK/image/app/jvm.options" && strict=-XX:AOTMode=on
      # The image's collector is in jvm.options; drop a second one from JVM_OPTS.
      dir=$WORK/image/app; args=(@jvm.options "$strict" ${JVM_OPTS//-XX:+UseSerialGC/} $EXTRA_OPTS -jar app.jar) ;;
    *) echo "unknown mode $mode (jar, cache)" >&2; exit 2 ;;
  esac
  shared_db=""
  if [[ $DB_MODE == migrated ]]; then
    new_db "${mode}_m"; shared_db=$DB
    run_once "$dir" "$shared_db" "${args[@]}"
  fi
  : >"$WORK/$mode.times"; : >"$WORK/$mode.cpu"
  for i in $(seq 1 "$RUNS"); do
    if [[ -n $shared_db ]]; then db=$shared_db; else new_db "${mode}_$i"; db=$DB; fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    run_once "$dir" "$db" "${args[@]}"
    echo "$SECS" >>"$WORK/$mode.times"
    echo "$CPU" >>"$WORK/$mode.cpu"
    printf '%-6s run %d: ready %6.2f s, CPU %5.2f s (Spring "Started in" %s s; load average %s)\n' \
      "$mode" "$i" "$SECS" "$CPU" "${STARTED:-?}" "$load"
    if [[ -z $shared_db ]]; then dropdb --if-exists --force "$db" 2>/dev/null || true; fi
  done
  printf '%-6s median: ready %.2f s, CPU %.2f s over %d runs (load average %s at the end; %s)\n' "$mode" \
    "$(median <"$WORK/$mode.times")" "$(median <"$WORK/$mode.cpu")" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)" "${args[*]}"
done
