#!/usr/bin/env bash
# Job completions per second, four ways (ADR 0018, 0035): each completion in its own transaction (as
# Tollgate did), three in one transaction, three in one transaction with the job rows marked by one
# multi-row UPDATE (what Tollgate's batched completions do, ADR 0035), and three as multi-row
# statements in one transaction.
# A completion is what the pipeline writes per job: the job row marked SUCCEEDED, one audit event,
# and the follow-up job inserted RUNNING (the hand-off); the next completion marks that one.
# Runs against a throwaway database migrated by Tollgate itself, dropped at the end.
#   bench/pgbench/run.sh [path/to/tollgate.jar]   (PGHOST/PGPORT/PGUSER as for bench/run.sh)
set -euo pipefail
cd "$(dirname "$0")"
JAR=${1:-$(ls ../../target/tollgate-*.jar | head -1)}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
CLIENTS=${CLIENTS:-16} SECONDS_PER_RUN=${SECONDS_PER_RUN:-15} ROUNDS=${ROUNDS:-2}
DB="tollgate_pgbench_$(date -u +%Y%m%dt%H%M%Sz)_$$"
createdb "$DB"
trap 'dropdb --if-exists "$DB"' EXIT
# Flyway runs during the context refresh; the process exits right after it.
java -Dspring.context.exit=onRefresh -jar "$JAR" --server.port=0 \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --spring.datasource.username="$PGUSER" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for script in completion-one completion-three-one-commit completion-three-batched-update completion-three-multi-row; do
    per_tx=3; [ "$script" = completion-one ] && per_tx=1
    # -D: the first transaction of each client marks no job (id 0); \gset carries the ids on.
    tps=$(pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -D j_id=0 -D j1=0 -D j2=0 -D j3=0 -f "$script.sql" "$DB" \
      | awk '/^tps/ {print $3}')
    awk -v s="$script" -v r="$round" -v t="$tps" -v k="$per_tx" \
      'BEGIN { printf "round %s  %-28s %8.0f tx/s  %8.0f completions/s\n", r, s, t, t * k }'
  done
done
