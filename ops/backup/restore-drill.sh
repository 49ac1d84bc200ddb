#!/usr/bin/env bash
# Point-in-time restore drill with pgBackRest and the PostgreSQL 15 binaries, on this machine:
#   1. a scratch primary cluster with WAL archiving to a pgBackRest repository (30-day retention),
#      migrated with the service's own migrations;
#   2. a full backup, reservations written BEFORE a target time, then reservations written AFTER;
#   3. a restore of the backup plus archived WAL to the target time into a new cluster;
#   4. checks: every BEFORE reservation is there, no AFTER reservation is.
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

# PostgreSQL refuses to run as root: as root, run the cluster tools as `postgres`.
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

work=$(mktemp -d /tmp/restore-drill.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/log" "$work/lock"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work"
primary_port=$((20000 + RANDOM % 10000))
restored_port=$((primary_port + 1))

cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$work/primary" stop -m immediate >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$work/restored" stop -m immediate >/dev/null 2>&1 || true
  if [ "${KEEP_DRILL:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

conf="$work/pgbackrest.conf"
as_pg tee "$conf" >/dev/null <<CONF
[global]
repo1-path=$work/repo
repo1-retention-full-type=time
repo1-retention-full=30
log-path=$work/log
lock-path=$work/lock
log-level-console=warn
start-fast=y
archive-check=y

[drill]
pg1-path=$work/primary
pg1-port=$primary_port
pg1-socket-path=$work
CONF
pgbr() { as_pg pgbackrest --config="$conf" --stanza=drill "$@"; }
psql_primary() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$work" -p "$primary_port" -d drill -At "$@"; }

say "scratch primary on port $primary_port"
as_pg "$PGBIN/initdb" -D "$work/primary" -A trust -U postgres --no-sync >/dev/null
as_pg tee -a "$work/primary/postgresql.conf" >/dev/null <<PGCONF
port = $primary_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$conf --stanza=drill archive-push %p'
max_wal_senders = 3
timezone = 'UTC'
PGCONF
as_pg "$PGBIN/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w start >/dev/null
as_pg psql -X -q -h "$work" -p "$primary_port" -d postgres -c 'CREATE DATABASE drill'

say "migrating with the service's migrations"
(cd "$repo_root" && npm_config_loglevel=error DATABASE_URL="postgresql://postgres@127.0.0.1:$primary_port/drill" npx --no-install tsx scripts/db.ts migrate >/dev/null)
(cd "$repo_root" && npm_config_loglevel=error DATABASE_URL="postgresql://postgres@127.0.0.1:$primary_port/drill" npx --no-install tsx scripts/db.ts partitions >/dev/null) || true

pgbr stanza-create
pgbr check
say "full backup"
pgbr backup --type=full

insert_reservations() {
  # $1 = tag written into notes; ids are UUIDv7 of the current time, as the service makes them.
  psql_primary -c "
    INSERT INTO reservations.reservations (id, reservation_date, confirmation_code, guest_id, trip_id, trip_date, party_size, contact_email, notes)
    SELECT u.id, reservations.uuid_v7_date(u.id), to_char(reservations.uuid_v7_date(u.id), 'YYMMDD') || '-' || upper(substr(md5(random()::text), 1, 6)),
           gen_random_uuid(), gen_random_uuid(), current_date + 30, 2, 'drill@example.com', '$1'
      FROM generate_series(1, $ROWS) AS n,
           LATERAL (SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7'
                            || substr(md5(random()::text || n), 1, 3) || '8' || substr(md5(random()::text || n), 1, 15))::uuid AS id) AS u"
}

insert_reservations before
sleep 1.2   # backup and recovery times have whole-second precision
target=$(psql_primary -c "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1.2
insert_reservations after
psql_primary -c 'SELECT pg_switch_wal()' >/dev/null
pgbr check   # waits until the WAL holding the AFTER rows is archived too
as_pg "$PGBIN/pg_ctl" -D "$work/primary" -m fast -w stop >/dev/null
say "restoring to $target"

pgbr --pg1-path="$work/restored" --type=time --target="$target" --target-action=promote restore
as_pg sed -i "s/^port = .*/port = $restored_port/" "$work/restored/postgresql.conf"
as_pg tee -a "$work/restored/postgresql.auto.conf" >/dev/null <<PGCONF
port = $restored_port
archive_mode = off
PGCONF
as_pg "$PGBIN/pg_ctl" -D "$work/restored" -l "$work/restored.log" -w start >/dev/null
psql_restored() { as_pg psql -X -q -h "$work" -p "$restored_port" -d drill -At "$@"; }
for _ in $(seq 1 60); do
  [ "$(psql_restored -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
  sleep 0.5
done
[ "$(psql_restored -c 'SELECT pg_is_in_recovery()')" = f ] || fail "the restored cluster did not finish recovery"

before=$(psql_restored -c "SELECT count(*) FROM reservations.reservations WHERE notes = 'before'")
after=$(psql_restored -c "SELECT count(*) FROM reservations.reservations WHERE notes = 'after'")
say "restored: $before of $ROWS written before the target, $after of $ROWS written after"
[ "$before" = "$ROWS" ] || fail "reservations written before the target time are missing"
[ "$after" = 0 ] || fail "reservations written after the target time are present"
pgbr info --output=json | grep -q '"label"' || fail "no backup listed in the repository"
say "PASSED"
