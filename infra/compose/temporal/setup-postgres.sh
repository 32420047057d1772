#!/bin/sh
# Creates Temporal's databases on PostgreSQL and applies its versioned schema. Idempotent: on a
# database that already exists `create` fails harmlessly, `setup-schema -v 0.0` keeps a newer
# version, and `update-schema` applies only what is missing. Runs in temporalio/admin-tools.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12

i=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "PostgreSQL at $POSTGRES_SEEDS:$PORT is not reachable" >&2; exit 1; }
  sleep 2
done

sqltool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"; }

for pair in temporal:temporal visibility:temporal_visibility; do
  dir=${pair%%:*}
  db=${pair#*:}
  sqltool --db "$db" create || echo "database $db already exists"
  sqltool --db "$db" setup-schema -v 0.0
  sqltool --db "$db" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "Temporal schema is up to date"
