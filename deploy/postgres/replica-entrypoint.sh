#!/usr/bin/env bash
# Entrypoint of the streaming replica (official postgres:15 image). On an empty data directory it
# clones the primary with pg_basebackup (-R writes standby.signal and primary_conninfo), then hands
# over to the image's own entrypoint, which finds an initialised PGDATA and starts a hot standby.
# A replication slot keeps the primary from recycling WAL the replica still needs.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:=postgres}"
: "${PRIMARY_PORT:=5432}"
: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set (deploy/.env)}"
: "${REPLICATION_SLOT:=replica_1}"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    echo "replica: empty data directory, cloning ${PRIMARY_HOST}:${PRIMARY_PORT} with pg_basebackup"
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 0700 "$PGDATA"

    export PGPASSWORD="$REPLICATION_PASSWORD"
    until pg_isready --quiet --host "$PRIMARY_HOST" --port "$PRIMARY_PORT" --username "$REPLICATION_USER"; do
        echo "replica: waiting for the primary"
        sleep 2
    done

    # Reuse the slot if the primary kept it (replica volume wiped, primary's kept).
    slot_exists=$(psql --no-psqlrc -At --host "$PRIMARY_HOST" --port "$PRIMARY_PORT" \
        --username "$REPLICATION_USER" --dbname postgres -v slot="$REPLICATION_SLOT" \
        <<<"SELECT 1 FROM pg_replication_slots WHERE slot_name = :'slot'" 2>/dev/null || true)
    create_slot=(--create-slot)
    [[ "$slot_exists" == "1" ]] && create_slot=()

    gosu postgres pg_basebackup \
        --host "$PRIMARY_HOST" --port "$PRIMARY_PORT" --username "$REPLICATION_USER" \
        --pgdata "$PGDATA" --wal-method stream --checkpoint fast --write-recovery-conf \
        --slot "$REPLICATION_SLOT" "${create_slot[@]}" --progress --verbose
    unset PGPASSWORD
    echo "replica: base backup complete, starting as hot standby"
fi

exec docker-entrypoint.sh "$@"
