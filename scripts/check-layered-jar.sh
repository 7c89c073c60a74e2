#!/usr/bin/env bash
# Replays the Dockerfile's extract-and-launch steps on the built jar, without Docker:
#   1. java -Djarmode=tools -jar app.jar extract --layers (as the build stage does),
#   2. copies the layers in the order of the Dockerfile's COPY lines into one directory, after
#      checking that this order is the jar's own (BOOT-INF/layers.idx),
#   3. records the start-up cache there with scripts/train-startup-cache.sh (no database), as the
#      image build does,
#   4. starts `java @jvm.options -jar app.jar` there, like the image's ENTRYPOINT, with the image's
#      JAVA_TOOL_OPTIONS, a private java.io.tmpdir, and the cache made mandatory (a cache the JVM
#      would silently ignore fails the check),
#   5. waits (bounded) for /actuator/health/liveness to answer 200, then stops that process.
#
# Usage: scripts/check-layered-jar.sh [path/to/tollgate-*.jar]   (default: the one in target/)
#
# Database: SPRING_DATASOURCE_* if set. Otherwise PostgreSQL on 127.0.0.1:5432 as user postgres
# (PGHOST, PGPORT, PGUSER override), in a throwaway database that is dropped afterwards.
# Exit status: 0 when the service came up, non-zero otherwise (with the end of its log).
set -euo pipefail

cd "$(dirname "$0")/.."

START_TIMEOUT_SECONDS=${START_TIMEOUT_SECONDS:-60}
JAR=${1:-}
if [[ -z $JAR ]]; then
  shopt -s nullglob
  jars=(target/tollgate-*.jar)
  shopt -u nullglob
  if (( ${#jars[@]} != 1 )); then
    echo "expected exactly one target/tollgate-*.jar, found ${#jars[@]}; run ./mvnw package first" >&2
    exit 2
  fi
  JAR=${jars[0]}
fi
[[ -f $JAR ]] || { echo "no such jar: $JAR" >&2; exit 2; }
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")

log() { printf '[layered-jar] %s\n' "$*"; }

WORK=$(mktemp -d)
APP_PID=""
THROWAWAY_DB=""
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

cleanup() {
  if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    # Graceful shutdown first, as the container runtime would; then no more waiting.
    for _ in $(seq 1 30); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [[ -n $THROWAWAY_DB ]]; then
    dropdb --if-exists --force "$THROWAWAY_DB" 2>/dev/null || dropdb --if-exists "$THROWAWAY_DB" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. extract, exactly as the Dockerfile's build stage ----------------------------------------
log "extracting $(basename "$JAR")"
cp "$JAR" "$WORK/app.jar"
(cd "$WORK" && java -Djarmode=tools -jar app.jar extract --layers --destination extracted)

# --- 2. assemble the layers in the Dockerfile's order ----------------------------------------------
mapfile -t dockerfile_layers < <(sed -n 's|^COPY --from=build /workspace/extracted/\([a-z-]*\)/ .*|\1|p' Dockerfile)
mapfile -t jar_layers < <(unzip -p "$WORK/app.jar" BOOT-INF/layers.idx | sed -n 's|^- "\([a-z-]*\)":$|\1|p')
if [[ "${dockerfile_layers[*]}" != "${jar_layers[*]}" ]]; then
  echo "the Dockerfile copies layers [${dockerfile_layers[*]}], the jar has [${jar_layers[*]}]" >&2
  exit 1
fi
mkdir "$WORK/app" "$WORK/tmp"
for layer in "${dockerfile_layers[@]}"; do
  cp -a "$WORK/extracted/$layer/." "$WORK/app/"
done
log "layers ${dockerfile_layers[*]} assembled"
log "recording the start-up cache (training run without a database)"
scripts/train-startup-cache.sh "$WORK/app"

# --- 3. launch like the image's ENTRYPOINT -------------------------------------------------------
if [[ -z ${SPRING_DATASOURCE_URL:-} ]]; then
  if command -v createdb >/dev/null; then
    THROWAWAY_DB="tollgate_layered_check_$$"
    createdb "$THROWAWAY_DB"
    export SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$THROWAWAY_DB"
    export SPRING_DATASOURCE_USERNAME=${SPRING_DATASOURCE_USERNAME:-$PGUSER}
    log "using throwaway database $THROWAWAY_DB on $PGHOST:$PGPORT"
  else
    log "createdb not found; using the application's default datasource"
  fi
fi

# A port below Linux's ephemeral range (32768 and up), so that no outgoing connection holds it,
# on which nothing listens.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 12000 ))
    if command -v ss >/dev/null; then
      [[ -z $(ss -Htan "sport = :$port") ]] && { echo "$port"; return 0; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}
PORT=$(free_port) || { echo "no free port found" >&2; exit 1; }

# Mandatory cache for this check only: -Xshare:on (CDS) and -XX:AOTMode=on (AOT cache) refuse to
# start when the cache cannot be used, where the image would start without it.
if grep -q AOTCache "$WORK/app/jvm.options"; then strict=-XX:AOTMode=on; else strict=-Xshare:on; fi
log "starting java @jvm.options -jar app.jar ($(cat "$WORK/app/jvm.options") $strict) on port $PORT"
(
  cd "$WORK/app"
  export SERVER_PORT=$PORT
  export JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=$WORK/tmp"
  exec java @jvm.options "$strict" -jar app.jar
) > "$WORK/app.log" 2>&1 &
APP_PID=$!

# --- 4. wait for liveness ------------------------------------------------------------------------
deadline=$(( SECONDS + START_TIMEOUT_SECONDS ))
status=000
while (( SECONDS < deadline )); do
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    echo "the application exited before it became live; last lines of its log:" >&2
    tail -n 40 "$WORK/app.log" >&2
    exit 1
  fi
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/actuator/health/liveness" || true)
  if [[ $status == 200 ]]; then
    log "liveness answered 200 after $(( START_TIMEOUT_SECONDS - (deadline - SECONDS) ))s: the layered layout starts"
    exit 0
  fi
  sleep 1
done

echo "no 200 from /actuator/health/liveness within ${START_TIMEOUT_SECONDS}s (last status $status); last lines of the log:" >&2
tail -n 40 "$WORK/app.log" >&2
exit 1
