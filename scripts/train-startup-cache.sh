#!/usr/bin/env sh
# Records a start-up cache for the extracted application in DIR (default: the current directory),
# which must hold app.jar and lib/ (`java -Djarmode=tools -jar tollgate.jar extract --layers`):
#   Java 25+: an AOT cache (JEP 483/514): classes loaded and linked, plus method profiles;
#   older:    a dynamic CDS archive of the loaded classes.
# It then writes DIR/jvm.options, the flags that use it, for `java @DIR/jvm.options -jar app.jar`.
# The collector is among them: it is the image's choice (ADR 0015), and the cache is recorded with
# the collector it is used with (with another one it may be used only in part, or not at all).
#
# The training run starts the application and stops right after the context refresh
# (spring.context.exit=onRefresh), before the web server, the job workers or anything else that
# talks to the outside starts. It needs no database: Flyway is off for this run only, and nothing
# else opens a connection during the refresh.
# The cache is only used by the same JVM build; a different one ignores it with a warning and
# starts normally. See docs/performance.md (start-up) and ADR 0009.
set -eu
DIR=${1:-.}
cd "$DIR"
JAVA=${JAVA:-java}
major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
if [ "${major:-0}" -ge 25 ]; then
  record="-XX:AOTCacheOutput=tollgate.aot"
  use="-XX:AOTCache=$(pwd)/tollgate.aot"
else
  record="-XX:ArchiveClassesAtExit=tollgate.jsa"
  use="-XX:SharedArchiveFile=$(pwd)/tollgate.jsa"
fi
gc=-XX:+UseSerialGC
# JAVA_TOOL_OPTIONS of the build must not leak into the cache's flags; the run's output is only
# needed when it fails.
env -u JAVA_TOOL_OPTIONS \
  SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:9/startup-training \
  TOLLGATE_JIRA_WEBHOOK_SECRETS=startup-training-only \
  "$JAVA" $gc $record \
    -Dspring.context.exit=onRefresh \
    -Dspring.flyway.enabled=false \
    -jar app.jar >startup-training.log 2>&1 || { cat startup-training.log >&2; exit 1; }
rm -f startup-training.log
echo "$gc $use" >jvm.options
echo "startup cache: $gc $use"
