# shellcheck shell=bash
# Shared by backup.sh and restore.sh (sourced, not executed).
#
# Turns DATABASE_URL (postgres://user:password@host:port/database?sslmode=...) into libpq's
# environment variables, so that no password ever appears on a command line (visible in `ps`)
# or in output. Npgsql-only query parameters the API may carry (e.g. "Maximum Pool Size") are
# ignored here, where libpq would reject the whole URL.

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Percent-decoding without letting printf interpret backslashes of the original text.
url_decode() {
    local s=${1//\\/\\\\}
    printf '%b' "${s//%/\\x}"
}

# pg_env_from_url URL: exports PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (+ libpq TLS/connect
# options from the query string).
pg_env_from_url() {
    local url=$1 rest userinfo="" hostport path="" query="" host port
    case "$url" in
        postgres://* | postgresql://*) ;;
        *) die "DATABASE_URL must be a postgres:// or postgresql:// URL" ;;
    esac
    rest=${url#*://}

    # user:password@ ends at the last '@', so an unencoded '@', '/' or '?' in the password survives.
    if [[ $rest == *@* ]]; then
        userinfo=${rest%@*}
        rest=${rest##*@}
    fi
    if [[ $rest == *\?* ]]; then
        query=${rest#*\?}
        rest=${rest%%\?*}
    fi
    if [[ $rest == */* ]]; then
        path=${rest#*/}
        rest=${rest%%/*}
    fi
    hostport=$rest

    if [[ $hostport == \[* ]]; then # [IPv6]:port
        host=${hostport#\[}
        host=${host%%\]*}
        port=${hostport##*\]}
        port=${port#:}
    elif [[ $hostport == *:* ]]; then
        host=${hostport%%:*}
        port=${hostport#*:}
    else
        host=$hostport
        port=""
    fi

    unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
    if [[ -n $host ]]; then PGHOST=$(url_decode "$host"); export PGHOST; fi
    if [[ -n $port ]]; then PGPORT=$port; export PGPORT; fi
    if [[ -n $path ]]; then PGDATABASE=$(url_decode "$path"); export PGDATABASE; fi
    if [[ -n $userinfo ]]; then
        PGUSER=$(url_decode "${userinfo%%:*}")
        export PGUSER
        if [[ $userinfo == *:* ]]; then
            PGPASSWORD=$(url_decode "${userinfo#*:}")
            export PGPASSWORD
        fi
    fi

    local pair key value
    local -a pairs=()
    [[ -n $query ]] && IFS='&' read -r -a pairs <<<"$query"
    for pair in "${pairs[@]}"; do
        [[ -z $pair ]] && continue
        key=$(url_decode "${pair%%=*}")
        value=""
        [[ $pair == *=* ]] && value=$(url_decode "${pair#*=}")
        case "${key,,}" in
            sslmode) export PGSSLMODE="$value" ;;
            sslrootcert) export PGSSLROOTCERT="$value" ;;
            sslcert) export PGSSLCERT="$value" ;;
            sslkey) export PGSSLKEY="$value" ;;
            connect_timeout) export PGCONNECT_TIMEOUT="$value" ;;
            application_name) export PGAPPNAME="$value" ;;
            options) export PGOPTIONS="$value" ;;
            target_session_attrs) export PGTARGETSESSIONATTRS="$value" ;;
            *) log "note: ignoring connection parameter '$key' (not a libpq setting)" ;;
        esac
    done

    [[ -n ${PGHOST:-} ]] || die "DATABASE_URL has no host"
    [[ -n ${PGDATABASE:-} ]] || die "DATABASE_URL names no database"
}

# Where we are connecting, without credentials.
pg_target() {
    printf '%s@%s:%s/%s' "${PGUSER:-?}" "${PGHOST}" "${PGPORT:-5432}" "${PGDATABASE}"
}
