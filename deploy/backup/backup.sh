#!/usr/bin/env bash
# XYLO nightly database dump (operations guide §6: "pg_dump of schema xylo, gzip, upload";
# daily at 03:00 UTC, kept 30 days).
#
# This is the guide's FALLBACK recovery path, with an RPO of 24 hours. XYLO's primary recovery
# path is the continuous, hash-chained archive of the event log (ARCHITECTURE.md §6; a later
# feature): restore = import the segments into an empty database and rebuild the projections,
# losing seconds rather than a day. Keep these dumps regardless: they are independent of the
# application's own export code.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: backup.sh [options]

Dumps schema "xylo" of the database in DATABASE_URL with pg_dump, gzips it into a timestamped
file (xylo-<schema>-<YYYYmmddTHHMMSSZ>.sql.gz, plus a .sha256), optionally copies both to S3,
and deletes local dumps older than the retention period.

Options:
  -d, --dir DIR             local backup directory      (env BACKUP_DIR, default /var/backups/xylo)
  -r, --retention-days N    keep local dumps N days     (env BACKUP_RETENTION_DAYS, default 30)
  -s, --schema NAME         schema to dump              (env BACKUP_SCHEMA, default xylo)
      --no-upload           do not upload even if BACKUP_S3_URI is set
      --no-prune            do not delete old local dumps
  -h, --help                show this text

Environment:
  DATABASE_URL     postgres://user:password@host:port/database[?sslmode=...]   (required)
  BACKUP_S3_URI    e.g. s3://xylo-backups/production/  -> upload with `aws s3 cp` when set.
                   Retention in S3 is the bucket's lifecycle rule (expire after 30 days).
                   AWS credentials come from the usual aws CLI sources (role, profile, env).

The password is passed to pg_dump through the environment, never on a command line, and
nothing secret is printed. The path of the new dump is the last line on stdout.
EOF
}

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/pg-url.sh
. "$script_dir/pg-url.sh"

backup_dir=${BACKUP_DIR:-/var/backups/xylo}
retention_days=${BACKUP_RETENTION_DAYS:-30}
schema=${BACKUP_SCHEMA:-xylo}
upload=1
prune=1

while (($#)); do
    case "$1" in
        -d | --dir) backup_dir=${2:?--dir needs a value}; shift 2 ;;
        -r | --retention-days) retention_days=${2:?--retention-days needs a value}; shift 2 ;;
        -s | --schema) schema=${2:?--schema needs a value}; shift 2 ;;
        --no-upload) upload=0; shift ;;
        --no-prune) prune=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

[[ $retention_days =~ ^[1-9][0-9]*$ ]] || die "retention days must be a positive integer"
[[ -n ${DATABASE_URL:-} ]] || { usage >&2; die "DATABASE_URL is not set"; }
for tool in pg_dump gzip sha256sum find; do
    command -v "$tool" >/dev/null || die "$tool not found in PATH"
done
s3_uri=${BACKUP_S3_URI:-}
if ((upload)) && [[ -n $s3_uri ]]; then
    [[ $s3_uri == s3://* ]] || die "BACKUP_S3_URI must start with s3://"
    command -v aws >/dev/null || die "BACKUP_S3_URI is set but the aws CLI is not installed"
fi

pg_env_from_url "$DATABASE_URL"

umask 077
mkdir -p -- "$backup_dir"

# One backup at a time per directory.
if command -v flock >/dev/null; then
    exec 9>"$backup_dir/.backup.lock"
    flock -n 9 || die "another backup is running in $backup_dir"
fi

timestamp=$(date -u +%Y%m%dT%H%M%SZ)
name="xylo-${schema}-${timestamp}.sql.gz"
final="$backup_dir/$name"
partial="$backup_dir/.$name.partial"
trap 'rm -f -- "$partial"' EXIT

log "dumping schema $schema from $(pg_target)"
started=$SECONDS
# Plain SQL, no owners or grants: restores into any database as the restoring role.
# --strict-names: a missing schema is an error, not an empty "successful" dump.
pg_dump --schema="$schema" --strict-names --no-owner --no-privileges --format=plain --encoding=UTF8 \
    | gzip -6 >"$partial"
gzip -t -- "$partial"
mv -- "$partial" "$final"
(cd -- "$backup_dir" && sha256sum -- "$name" >"$name.sha256")
log "wrote $final ($(du -h -- "$final" | cut -f1), $((SECONDS - started)) s)"

if ((upload)) && [[ -n $s3_uri ]]; then
    destination="${s3_uri%/}/$name"
    log "uploading to $destination"
    aws s3 cp --only-show-errors "$final" "$destination"
    aws s3 cp --only-show-errors "$final.sha256" "$destination.sha256"
fi

if ((prune)); then
    # -mmin, not -mtime: "older than N days" to the minute.
    find "$backup_dir" -maxdepth 1 -type f \
        \( -name 'xylo-*.sql.gz' -o -name 'xylo-*.sql.gz.sha256' \) \
        -mmin +$((retention_days * 24 * 60)) -print -delete |
        while read -r old; do log "deleted $old (older than $retention_days days)"; done
    find "$backup_dir" -maxdepth 1 -type f -name '.xylo-*.partial' -mmin +1440 -delete
fi

printf '%s\n' "$final"
