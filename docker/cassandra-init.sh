#!/usr/bin/env bash
# Secures the compose Cassandra, then applies cassandra/schema.cql; idempotent, so it runs on every `up`.
# On a fresh node: log in as the built-in cassandra/cassandra superuser, create the sensorwatch role with
# the password from the environment, then (as that role) give `cassandra` a random password and take its
# login away. Afterwards only the sensorwatch login works.
set -euo pipefail
host="${CASSANDRA_HOST:-cassandra}"
user="${CASSANDRA_USERNAME:?CASSANDRA_USERNAME must be set}"
password="${CASSANDRA_PASSWORD:?CASSANDRA_PASSWORD must be set}"
if [[ ! "$user" =~ ^[a-z][a-z0-9_]*$ ]]; then
  echo "CASSANDRA_USERNAME must be lower-case letters, digits and _ (got $user)" >&2
  exit 2
fi

# Credentials files (mode 600, as cqlsh requires) rather than -p, which would show passwords to ps.
own=$(mktemp) builtin=$(mktemp)
trap 'rm -f "$own" "$builtin"' EXIT
printf '[plain_text_auth]\nusername = %s\npassword = %s\n' "$user" "$password" >"$own"
printf '[plain_text_auth]\nusername = cassandra\npassword = cassandra\n' >"$builtin"
chmod 600 "$own" "$builtin"
cql() { local credentials=$1; shift; cqlsh "$host" 9042 --credentials "$credentials" "$@"; }
quoted() { printf "'%s'" "${1//\'/\'\'}"; }

secured=false
for attempt in $(seq 1 60); do
  if cql "$own" -e 'SELECT release_version FROM system.local' >/dev/null 2>&1; then
    secured=true
    break
  fi
  if cql "$builtin" -e "CREATE ROLE IF NOT EXISTS $user WITH PASSWORD = $(quoted "$password") AND SUPERUSER = true AND LOGIN = true" 2>/dev/null; then
    cql "$own" -e "ALTER ROLE cassandra WITH PASSWORD = $(quoted "$(cat /proc/sys/kernel/random/uuid)") AND LOGIN = false"
    echo "Created role $user; the built-in cassandra role can no longer log in."
    secured=true
    break
  fi
  echo "Cassandra does not accept $user yet (attempt $attempt of 60)"
  sleep 5
done
if [[ "$secured" != true ]]; then
  echo "Cassandra refuses both $user and the built-in role: was its data made with another CASSANDRA_PASSWORD?" >&2
  exit 1
fi
cql "$own" -f /schema/schema.cql
echo "Schema applied."
