#!/usr/bin/env bash
# The compose stack's daily backup: creates the stanza once, then a full backup every
# BACKUP_INTERVAL_SECONDS (default a day). pgBackRest expires what is older than 30 days after each
# backup (repo1-retention-full-type=time), archived WAL included.
set -euo pipefail
interval=${BACKUP_INTERVAL_SECONDS:-86400}
until pg_isready -h /var/run/postgresql -U reservations -d reservations -q; do sleep 2; done
pgbackrest --stanza=reservations stanza-create || true
pgbackrest --stanza=reservations check
while true; do
  pgbackrest --stanza=reservations backup --type=full
  pgbackrest --stanza=reservations info
  sleep "$interval"
done
