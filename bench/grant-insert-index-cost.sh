#!/usr/bin/env bash
# What the purge's index (V36, oauth_authorizations_quiet_since) costs each grant's insert:
# the PostgreSQL backend's CPU per row (from /proc) for grant rows inserted as the token
# endpoint inserts them (multi-row INSERTs of a few rows, each committed), with the index
# and without it, in alternating rounds of one run (the machine is shared; compare within
# the run).
#
#   bench/grant-insert-index-cost.sh            # needs psql and PostgreSQL on 127.0.0.1:5432 (user postgres)
#   ROWS=50000 ROUNDS=5 bench/grant-insert-index-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-30000}
ROUNDS=${ROUNDS:-3}
GROUP=${GROUP:-6}
DB="lanyard_bench_index_$$"
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt)
"${PSQL[@]}" -c "CREATE DATABASE $DB" >/dev/null
trap '"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" >/dev/null' EXIT
# The SQL migrations in order (the one Java migration only fills a column of existing users).
for migration in $(ls db/src/main/resources/db/migration/V*.sql | sort -V); do
  "${PSQL[@]}" -d "$DB" -f "$migration" >/dev/null
done
# One round: ROWS rows in statements of GROUP rows, each its own transaction (autocommit),
# as GroupedInserts writes them; prints the backend's CPU in milliseconds (clock ticks of
# its /proc/<pid>/stat, read by the session itself before it ends).
TICK_MS=$((1000 / $(getconf CLK_TCK)))
round() {
  python3 - "$ROWS" "$GROUP" "$1" "/tmp/$DB.cpu" <<'PY' > "/tmp/$DB.sql"
import sys
rows, group, tag, cpu = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
print("SELECT pg_backend_pid() AS pid \\gset")
print("\\setenv BACKEND_PID :pid")
print("\\! awk '{print $14+$15}' /proc/$BACKEND_PID/stat > %s.before" % cpu)
for start in range(0, rows, group):
    values = ",".join(
        "('%s-%d','c','service','client_credentials',md5('%s-%d'),now(),now()+interval '15 minutes','{}')" % (tag, n, tag, n)
        for n in range(start, min(start + group, rows)))
    print("INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type,"
          " access_token_hash, access_token_issued_at, access_token_expires_at, access_token_metadata) VALUES "
          + values + ";")
print("\\! awk '{print $14+$15}' /proc/$BACKEND_PID/stat > %s.after" % cpu)
PY
  "${PSQL[@]}" -d "$DB" -f "/tmp/$DB.sql" >/dev/null
  echo $(( ($(cat "/tmp/$DB.cpu.after") - $(cat "/tmp/$DB.cpu.before")) * TICK_MS ))
  rm -f "/tmp/$DB.sql" "/tmp/$DB.cpu.before" "/tmp/$DB.cpu.after"
}
with=0; without=0
for r in $(seq 1 "$ROUNDS"); do
  "${PSQL[@]}" -d "$DB" -c "SET client_min_messages = warning; TRUNCATE oauth_authorizations CASCADE" >/dev/null
  with=$((with + $(round "with$r")))
  "${PSQL[@]}" -d "$DB" -c "SET client_min_messages = warning; TRUNCATE oauth_authorizations CASCADE; DROP INDEX oauth_authorizations_quiet_since" >/dev/null
  without=$((without + $(round "without$r")))
  "${PSQL[@]}" -d "$DB" -f <(sed -n '/^CREATE INDEX IF NOT EXISTS oauth_authorizations_quiet_since/,/;$/p' \
    db/src/main/resources/db/migration/V36__purge_indexes.sql) >/dev/null
done
total=$((ROWS * ROUNDS))
python3 - "$with" "$without" "$total" <<'PY'
import sys
with_ms, without_ms, rows = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print("grant rows inserted per run: %d (statements of a few rows, each committed)" % rows)
print("with the quiet-since index:    %.4f ms of PostgreSQL backend CPU per row" % (with_ms / rows))
print("without it:                    %.4f ms per row" % (without_ms / rows))
print("ratio with / without:          %.3f" % (with_ms / without_ms))
print("(the token endpoint's PostgreSQL share per client_credentials token: about 0.09-0.13 ms, README)")
PY
