#!/usr/bin/env bash
# Restores a dump made by backup.sh into the database given by DATABASE_URL (operations guide
# §6: "load the dump; restore Redis from its AOF/RDB; restart the service").
#
# This is the guide's FALLBACK path (nightly dumps, RPO 24 hours). XYLO's primary recovery path
# is the continuous event-log archive (ARCHITECTURE.md §6; a later feature): import its segments
# into an empty database, verify the hash chain and rebuild the projections.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: restore.sh [--force] [--schema NAME] DUMP

Loads DUMP (a xylo-<schema>-<timestamp>.sql.gz written by backup.sh, a local path or an
s3:// URI fetched with `aws s3 cp`) into the database in DATABASE_URL, in one transaction:
either the whole schema is restored or nothing changes.

The target schema must be absent or empty. If it already holds tables, functions, sequences or
types the restore is refused, unless --force is given: then the schema is dropped (CASCADE) and
replaced by the dump's content, inside the same transaction.

Options:
      --force           replace a non-empty target schema
  -s, --schema NAME     schema in the dump and target (env BACKUP_SCHEMA, default xylo)
  -h, --help            show this text

Environment:
  DATABASE_URL   postgres://user:password@host:port/database   (required; the target)

Checks before loading: the .sha256 next to the dump (if present), gzip integrity, and that the
dump creates the expected schema. Afterwards: restart the API instances and flush XYLO's Redis
cache keys (they may describe a newer state than the one restored).
EOF
}

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/pg-url.sh
. "$script_dir/pg-url.sh"

force=0
schema=${BACKUP_SCHEMA:-xylo}
dump=""

while (($#)); do
    case "$1" in
        --force) force=1; shift ;;
        -s | --schema) schema=${2:?--schema needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *)
            [[ -z $dump ]] || die "only one DUMP may be given"
            dump=$1; shift ;;
    esac
done
if (($#)); then
    [[ -z $dump && $# -eq 1 ]] || die "only one DUMP may be given"
    dump=$1
fi

[[ -n $dump ]] || { usage >&2; die "no DUMP given"; }
[[ -n ${DATABASE_URL:-} ]] || { usage >&2; die "DATABASE_URL is not set"; }
for tool in psql gzip sha256sum; do
    command -v "$tool" >/dev/null || die "$tool not found in PATH"
done

pg_env_from_url "$DATABASE_URL"
umask 077

workdir=$(mktemp -d)
trap 'rm -rf -- "$workdir"' EXIT

if [[ $dump == s3://* ]]; then
    command -v aws >/dev/null || die "an s3:// DUMP needs the aws CLI"
    local_copy="$workdir/$(basename -- "$dump")"
    log "downloading $dump"
    aws s3 cp --only-show-errors "$dump" "$local_copy"
    aws s3 cp --only-show-errors "$dump.sha256" "$local_copy.sha256" 2>/dev/null ||
        log "no checksum file next to $dump"
    dump=$local_copy
fi
[[ -f $dump ]] || die "no such file: $dump"

if [[ -f $dump.sha256 ]]; then
    expected=$(cut -d' ' -f1 <"$dump.sha256")
    actual=$(sha256sum <"$dump" | cut -d' ' -f1)
    [[ $expected == "$actual" ]] || die "checksum mismatch for $dump"
    log "checksum ok"
fi

case "$dump" in
    *.gz) gzip -t -- "$dump" || die "$dump is not a valid gzip file"; reader=(gzip -dc -- "$dump") ;;
    *) reader=(cat -- "$dump") ;;
esac

# The dump must create the schema we are about to replace.
# (sed quits at the first match; the reader's broken pipe is expected, hence `|| true`.)
dumped_schema=$("${reader[@]}" 2>/dev/null |
    sed -n '/^CREATE SCHEMA /{s/^CREATE SCHEMA "\{0,1\}\([^";]*\)"\{0,1\};$/\1/p;q;}' || true)
[[ -n $dumped_schema ]] || die "$dump contains no CREATE SCHEMA statement: not a backup.sh dump?"
[[ $dumped_schema == "$schema" ]] || die "$dump holds schema '$dumped_schema', expected '$schema' (use --schema)"

psql_base=(psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --set schema="$schema")

log "target $(pg_target), schema $schema"
objects=$("${psql_base[@]}" --tuples-only --no-align <<'SQL'
SELECT coalesce((
    SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid)
         + (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid)
         + (SELECT count(*) FROM pg_type t WHERE t.typnamespace = n.oid
                                             AND t.typrelid = 0 AND t.typcategory <> 'A')
    FROM pg_namespace n WHERE n.nspname = :'schema'), -1);
SQL
)
objects=${objects//[[:space:]]/}
case "$objects" in
    -1) log "schema $schema does not exist yet" ;;
    0) log "schema $schema exists and is empty" ;;
    '' | *[!0-9]*) die "could not inspect the target database" ;;
    *)
        if ((force)); then
            log "schema $schema holds $objects objects: --force given, it will be dropped and replaced"
        else
            die "schema $schema in $(pg_target) holds $objects objects; refusing to overwrite (pass --force to replace it)"
        fi
        ;;
esac

log "restoring $dump"
started=$SECONDS
if ! {
    # psql substitutes :'schema' in these lines; the dump itself is passed through unchanged.
    printf '%s\n' "SET client_min_messages = warning;" \
        "SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', :'schema') \\gexec"
    "${reader[@]}"
} | "${psql_base[@]}" --single-transaction --file=- --output=/dev/null; then
    die "restore failed and was rolled back: $(pg_target) is unchanged"
fi

tables=$("${psql_base[@]}" --tuples-only --no-align <<'SQL'
SELECT count(*) FROM pg_tables WHERE schemaname = :'schema';
SQL
)
log "restored schema $schema: ${tables//[[:space:]]/} tables in $((SECONDS - started)) s"
log "next: restart the API instances and flush XYLO's Redis cache keys"
