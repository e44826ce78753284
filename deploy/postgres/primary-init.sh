#!/usr/bin/env bash
# Runs once, on the primary's first start (mounted into /docker-entrypoint-initdb.d/ of the
# official postgres:15 image, executed by its entrypoint as the postgres user against the
# temporary init server). Creates:
#   - the streaming-replication role the replica's pg_basebackup connects with,
#   - a pg_hba.conf rule allowing that role to open replication connections,
#   - a least-privilege role for postgres-exporter (pg_monitor).
# Passwords come from the environment (deploy/.env via compose) and are never printed.
set -euo pipefail

: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set (deploy/.env)}"
: "${POSTGRES_EXPORTER_USER:=postgres_exporter}"
: "${POSTGRES_EXPORTER_PASSWORD:?POSTGRES_EXPORTER_PASSWORD must be set (deploy/.env)}"

# psql variables (:'name' / :"name") quote the values, so nothing here is spliced into SQL by hand.
psql -v ON_ERROR_STOP=1 --no-psqlrc \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v repl_user="$REPLICATION_USER" -v repl_password="$REPLICATION_PASSWORD" \
     -v exporter_user="$POSTGRES_EXPORTER_USER" -v exporter_password="$POSTGRES_EXPORTER_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I WITH LOGIN REPLICATION PASSWORD %L', :'repl_user', :'repl_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'repl_user') \gexec
SELECT format('CREATE ROLE %I WITH LOGIN PASSWORD %L', :'exporter_user', :'exporter_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'exporter_user') \gexec
SELECT format('GRANT pg_monitor TO %I', :'exporter_user') \gexec
SQL

# The image's default pg_hba.conf ends with "host all all all scram-sha-256", which does not
# cover replication connections. The entrypoint restarts the server after init scripts, so the
# rule is live before the replica connects.
rule="host replication $REPLICATION_USER all scram-sha-256"
if ! grep -qxF "$rule" "$PGDATA/pg_hba.conf"; then
    printf '\n# streaming replication for the compose replica (added by primary-init.sh)\n%s\n' "$rule" >>"$PGDATA/pg_hba.conf"
fi
