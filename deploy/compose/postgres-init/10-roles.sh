#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty data volume (docker-entrypoint-initdb.d).
#
# Two roles, so that the running application cannot rewrite history:
#   tollgate      owns the database and the schema; Flyway migrates as this role
#                 (SPRING_FLYWAY_USER / SPRING_FLYWAY_PASSWORD).
#   tollgate_app  the application's login (SPRING_DATASOURCE_USERNAME / _PASSWORD). It gets its
#                 privileges from the migrations' afterMigrate callback (TOLLGATE_DB_APP_ROLE):
#                 SELECT and INSERT on the audit tables, never UPDATE or DELETE.
# Changing the passwords in .env later does not change them here: recreate the volume or run
# ALTER ROLE ... PASSWORD by hand.
set -euo pipefail

: "${TOLLGATE_DB_OWNER_PASSWORD:?TOLLGATE_DB_OWNER_PASSWORD must be set}"
: "${TOLLGATE_DB_APP_PASSWORD:?TOLLGATE_DB_APP_PASSWORD must be set}"

# Passwords travel as psql variables and are quoted by psql (:'var'), never spliced into SQL text.
psql --set ON_ERROR_STOP=1 --no-psqlrc \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     --set db="$POSTGRES_DB" \
     --set owner_password="$TOLLGATE_DB_OWNER_PASSWORD" \
     --set app_password="$TOLLGATE_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE tollgate LOGIN PASSWORD :'owner_password';
CREATE ROLE tollgate_app LOGIN PASSWORD :'app_password';

-- The owner may create the tollgate schema (Flyway's create-schemas) and everything in it.
ALTER DATABASE :"db" OWNER TO tollgate;

-- Nobody else connects to this database or creates objects in public.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO tollgate_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
