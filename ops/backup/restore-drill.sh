#!/usr/bin/env bash
# Backup and restore drill with pgBackRest and the PostgreSQL 15 binaries, on this machine, with
# the committed ops/backup scripts and pgbackrest.conf (paths overridden by PGBACKREST_* variables,
# as on a host outside Compose; the repository encrypted, its passphrase in the environment):
#   1. a scratch cluster archiving WAL with the compose stack's archive_command, migrated with the
#      service's migrations;
#   2. the backup loop: backups, one failing while the database is down and retried; a
#      stanza-create that fails stops it loudly;
#   3. the metrics: WAL archiving broken and mended, seen by backup-metrics;
#   4. reservations written BEFORE a target time, then AFTER, and one BEFORE deleted by mistake;
#   5. the README runbook's `docker compose` lines, as written (runbook-commands.sh), each carried
#      out here as Compose would on the stack: `run --entrypoint X backup ARGS` runs ops/backup/X
#      ARGS with the backup service's environment, `stop`/`start postgres` stop and start the
#      cluster. The copy must hold every BEFORE row and no AFTER row, with archiving off, while
#      the live database runs on; then the same holds for the database restored in place.
# Exit 0 when the drill passes. Everything lives in a temporary folder removed at the end
# (KEEP_DRILL=1 keeps it). Needs pgbackrest and PostgreSQL 15 server binaries (PGBIN).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$here/../.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROWS=${DRILL_ROWS:-5}

say() { printf '[restore-drill] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

command -v pgbackrest >/dev/null || fail "pgbackrest is not installed (apt-get install pgbackrest)"
[ -x "$PGBIN/initdb" ] || fail "PostgreSQL 15 server binaries not found in $PGBIN (apt-get install postgresql-15, or set PGBIN)"

# PostgreSQL and pgBackRest refuse to run as root: as root, run them as `postgres`.
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

work=$(mktemp -d /tmp/restore-drill.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/log" "$work/lock" "$work/metrics"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work"
primary_port=$((20000 + RANDOM % 10000))
copy_port=$((primary_port + 1))
loop_pid='' copy_pid=''

cleanup() {
  [ -n "$loop_pid" ] && kill "$loop_pid" 2>/dev/null && wait "$loop_pid" 2>/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$work/primary" stop -m immediate >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$work/copy" stop -m immediate >/dev/null 2>&1 || true
  [ -n "$copy_pid" ] && wait "$copy_pid" 2>/dev/null
  if [ "${KEEP_DRILL:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The backup service's environment (docker-compose.yml), pointed at this cluster.
export PGBACKREST_CONFIG="$here/pgbackrest.conf" PGBACKREST_STANZA=reservations
export PGBACKREST_REPO1_PATH="$work/repo" PGBACKREST_LOG_PATH="$work/log" PGBACKREST_LOCK_PATH="$work/lock"
export PGBACKREST_PG1_PATH="$work/primary" PGBACKREST_PG1_PORT=$primary_port PGBACKREST_PG1_SOCKET_PATH="$work"
export PGBACKREST_REPO1_CIPHER_TYPE=aes-256-cbc PGBACKREST_LOG_LEVEL_CONSOLE=warn
PGBACKREST_REPO1_CIPHER_PASS=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export PGBACKREST_REPO1_CIPHER_PASS
export PGHOST="$work" PGPORT=$primary_port PGUSER=reservations PGDATABASE=reservations
export RESTORE_COPY_PATH="$work/copy" RESTORE_COPY_PORT=$copy_port BACKUP_METRICS_FILE="$work/metrics/pgbackrest.prom"
# The backup image has the ops/backup scripts on its PATH and runs as `postgres`.
as_backup() { as_pg env PATH="$here:$PATH" "$@"; }

psql_at() { as_pg psql -X -q -v ON_ERROR_STOP=1 -At -p "$1" "${@:2}"; }
start_primary() { as_pg "$PGBIN/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w start >/dev/null; }
stop_primary() { as_pg "$PGBIN/pg_ctl" -D "$work/primary" -m fast -w stop >/dev/null; }
# wait_for SECONDS WHAT COMMAND…: polls COMMAND until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "gave up waiting for $what"
    sleep 0.2
  done
}
metric() { grep -q "^$1{stanza=\"reservations\"} $2\$" "$BACKUP_METRICS_FILE"; }
backups_ok_more_than() { [ "$(grep -c 'backup ok' "$work/loop.log")" -gt "$1" ]; }
recovered() { [ "$(psql_at "$1" -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; }
archive_failure_seen() { ! as_backup backup-metrics --check; }

say "scratch primary on port $primary_port"
as_pg "$PGBIN/initdb" -D "$work/primary" -A trust -U reservations --no-sync >/dev/null
as_pg tee -a "$work/primary/postgresql.conf" >/dev/null <<PGCONF
port = $primary_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --stanza=reservations archive-push %p'
timezone = 'UTC'
PGCONF
start_primary
psql_at "$primary_port" -d postgres -c 'CREATE DATABASE reservations'

say "migrating with the service's migrations"
url="postgresql://reservations@127.0.0.1:$primary_port/reservations"
(cd "$repo_root" && npm_config_loglevel=error DATABASE_URL="$url" npx --no-install tsx scripts/db.ts migrate >/dev/null)
(cd "$repo_root" && npm_config_loglevel=error DATABASE_URL="$url" npx --no-install tsx scripts/db.ts partitions >/dev/null) || true

say "backup loop: backups every 2 s, retries after 1 s"
BACKUP_INTERVAL_SECONDS=2 BACKUP_RETRY_SECONDS=1 BACKUP_METRICS_SECONDS=1 \
  bash "$here/backup-loop" >"$work/loop.log" 2>&1 &
loop_pid=$!
wait_for 90 "the first backup" grep -q 'backup ok' "$work/loop.log"
wait_for 10 "the metrics of a good backup" metric pgbackrest_backup_consecutive_failures 0
metric pgbackrest_up 1 && grep -q '^pgbackrest_last_good_backup_age_seconds' "$BACKUP_METRICS_FILE" ||
  fail "metrics after a good backup: $(cat "$BACKUP_METRICS_FILE")"
stop_primary
wait_for 60 "a failed backup" grep -q 'backup failed (1 in a row)' "$work/loop.log"
wait_for 10 "the metrics of a failed backup" grep -q '^pgbackrest_backup_consecutive_failures{stanza="reservations"} [1-9]' "$BACKUP_METRICS_FILE"
oks=$(grep -c 'backup ok' "$work/loop.log")
start_primary
wait_for 90 "a backup after the failure" backups_ok_more_than "$oks"
kill "$loop_pid" && wait "$loop_pid" || true
loop_pid=''
say "backup loop: a backup failed while the database was down, the loop went on, the next one succeeded"

: >"$work/not-a-directory"
status=0
PGBACKREST_REPO1_PATH="$work/not-a-directory" timeout 60 bash "$here/backup-loop" >"$work/stanza.log" 2>&1 || status=$?
[ "$status" = 1 ] && grep -q 'stanza-create failed' "$work/stanza.log" ||
  fail "a repository that cannot be written must stop the loop (exit $status): $(cat "$work/stanza.log")"
say "backup loop: a failing stanza-create stopped it with exit 1 and the error"

say "metrics: breaking WAL archiving (repository read-only)"
as_pg chmod -R u-w "$work/repo/archive"
psql_at "$primary_port" -c 'SELECT txid_current()' -c 'SELECT pg_switch_wal()' >/dev/null
wait_for 60 "backup-metrics to report the archive failure" archive_failure_seen
check_output=$(as_backup backup-metrics --check) && fail "backup-metrics --check passed with archiving broken"
grep -q 'WAL archiving is failing' <<<"$check_output" || fail "unexpected check output: $check_output"
metrics=$(as_backup backup-metrics)
grep -q '^pgbackrest_archive_failing{stanza="reservations"} 1$' <<<"$metrics" || fail "pgbackrest_archive_failing is not 1: $metrics"
as_pg chmod -R u+w "$work/repo/archive"
as_backup pgbackrest check
wait_for 60 "backup-metrics --check to pass again" as_backup backup-metrics --check
say "metrics: archive failure reported ($check_output), then cleared"

insert_reservations() {
  # $1 = tag written into notes; ids are UUIDv7 of the current time, as the service makes them.
  psql_at "$primary_port" -c "
    INSERT INTO reservations.reservations (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, party_size, contact_email, notes)
    SELECT u.id, reservations.uuid_v7_date(u.id), to_char(reservations.uuid_v7_date(u.id), 'YYMMDD') || '-' || upper(substr(md5(random()::text), 1, 6)),
           gen_random_uuid(), gen_random_uuid(), current_date + 30, 2, 'drill@example.com', '$1'
      FROM generate_series(1, $ROWS) AS n,
           LATERAL (SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7'
                            || substr(md5(random()::text || n), 1, 3) || '8' || substr(md5(random()::text || n), 1, 15))::uuid AS id) AS u"
}
# counts PORT: "BEFORE-rows AFTER-rows" in the cluster on PORT.
counts() {
  psql_at "$1" -F ' ' -c "SELECT count(*) FILTER (WHERE notes = 'before'), count(*) FILTER (WHERE notes = 'after') FROM reservations.reservations"
}

insert_reservations before
sleep 1.2 # backup and recovery times have whole-second precision
TARGET=$(psql_at "$primary_port" -c "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1.2
insert_reservations after
psql_at "$primary_port" -c "DELETE FROM reservations.reservations WHERE id = (SELECT id FROM reservations.reservations WHERE notes = 'before' ORDER BY id LIMIT 1)"
export TARGET
say "target $TARGET; the runbook's commands:"

# `docker compose …` as the stack would carry it out, on this cluster.
docker() {
  [ "${1:-}" = compose ] || fail "runbook: not a docker compose command: docker $*"
  local verb=${2:-} service entrypoint='' no_deps=0
  shift 2
  case $verb in
    stop | start)
      for service; do
        case $service in
          postgres) "${verb}_primary" ;;
          subgraph) ;; # no subgraph in the drill
          *) fail "runbook: $verb of unknown service $service" ;;
        esac
      done
      ;;
    restart)
      [ "$*" = backup ] || fail "runbook: restart of $*"
      local before
      before=$(grep -c 'backup ok' "$work/loop.log")
      BACKUP_RETRY_SECONDS=1 bash "$here/backup-loop" >>"$work/loop.log" 2>&1 &
      loop_pid=$!
      wait_for 90 "the backup loop's backup after its restart" backups_ok_more_than "$before"
      kill "$loop_pid" && wait "$loop_pid" || true
      loop_pid=''
      ;;
    exec)
      [ "${1:-}" = backup ] || fail "runbook: exec in unknown service ${1:-}"
      shift
      as_backup "$@"
      ;;
    run)
      while [[ ${1:-} == -* ]]; do
        case $1 in
          --rm) shift ;;
          --no-deps) no_deps=1 && shift ;;
          -p | --publish) shift 2 ;;
          --entrypoint) entrypoint=$2 && shift 2 ;;
          *) fail "runbook: unexpected option $1 of docker compose run" ;;
        esac
      done
      [ "$no_deps" = 1 ] || fail "runbook: docker compose run without --no-deps starts the stopped database"
      [ -n "$entrypoint" ] || fail "runbook: docker compose run without --entrypoint runs the backup loop"
      [ "${1:-}" = backup ] || fail "runbook: run of unknown service ${1:-}"
      shift
      as_backup "$entrypoint" "$@"
      ;;
    *) fail "runbook: docker compose $verb is not carried out by the drill" ;;
  esac
}

check_copy() {
  wait_for 90 "the copy to finish recovery" recovered "$copy_port"
  local got live archive_mode
  got=$(counts "$copy_port")
  archive_mode=$(psql_at "$copy_port" -c 'SHOW archive_mode')
  live=$(counts "$primary_port")
  say "restored copy: ${got% *} of $ROWS written before the target, ${got#* } of $ROWS written after; archive_mode $archive_mode"
  [ "$got" = "$ROWS 0" ] || fail "the copy is not the database as it was at the target"
  [ "$archive_mode" = off ] || fail "the copy archives into the repository"
  [ "$live" = "$((ROWS - 1)) $ROWS" ] || fail "the live database changed during the copy: $live"
  as_pg "$PGBIN/pg_ctl" -D "$work/copy" -m fast -w stop >/dev/null
  wait "$copy_pid" || fail "the copy's PostgreSQL did not stop cleanly"
  copy_pid=''
  ! ls "$work/repo/archive/reservations/"*/00000002.history* >/dev/null 2>&1 ||
    fail "the copy pushed its timeline into the repository"
}

mapfile -t runbook < <(bash "$here/runbook-commands.sh" "$repo_root/README.md")
((${#runbook[@]} > 0)) || fail "no docker compose command in the README's backup runbook"
for line in "${runbook[@]}"; do
  say "\$ $line"
  case $line in
    *"pgbackrest-restore backup copy "*)
      eval "$line" >"$work/copy.log" 2>&1 &
      copy_pid=$!
      check_copy
      ;;
    *) eval "$line" ;;
  esac
done

wait_for 90 "the database restored in place to finish recovery" recovered "$primary_port"
got=$(counts "$primary_port")
say "restored in place: ${got% *} of $ROWS written before the target, ${got#* } of $ROWS written after"
[ "$got" = "$ROWS 0" ] || fail "the database restored in place is not as it was at the target"
[[ $(as_backup pgbackrest info --output=json) == *'"cipher":"aes-256-cbc"'* ]] || fail "the repository is not encrypted"
as_backup backup-metrics --check >/dev/null || fail "backup-metrics --check after the restore: $(as_backup backup-metrics --check)"
say "PASSED"
