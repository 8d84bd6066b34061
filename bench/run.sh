#!/usr/bin/env bash
# Load benchmark of the authorization server, all three measured in one run on the same
# server with PostgreSQL and Redis: the liveness endpoint (the framework's floor),
# client_credentials issuance (every token durable in PostgreSQL before the answer), and
# introspection of a valid opaque token. Prints requests/second and the ratios.
#
#   bench/run.sh            # needs wrk, PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 6379
#   DURATION=30s CONNECTIONS=32 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-9400}
DB=lanyard_bench_$$

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -f auth-server/target/lanyard-auth-server.jar ] || ./mvnw -q -B -DskipTests -pl auth-server -am package

psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
LOG=$(mktemp)
SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$DB SPRING_DATASOURCE_USERNAME=postgres \
SPRING_DATA_REDIS_URL=redis://127.0.0.1:6379 LANYARD_REDIS_KEYPREFIX="bench-$$:" \
LANYARD_MASTER_KEY=bench-master-key-bench-master-key-0123 LANYARD_BOOTSTRAP=bench/bootstrap.yaml \
LANYARD_ISSUER=http://localhost:$PORT SERVER_PORT=$PORT LOGGING_LEVEL_ROOT=warn \
  java -Xms512m -Xmx512m -jar auth-server/target/lanyard-auth-server.jar >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null || true
  redis-cli --scan --pattern "bench-$$:*" | xargs -r redis-cli del >/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://localhost:$PORT/actuator/health/liveness" >/dev/null && break; sleep 1; done

basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }
SERVICE=$(basic bench-service bench-service-secret-at-least-32-characters)
INTROSPECTOR=$(basic bench-introspector bench-introspector-secret-at-least-32-chars)
TOKEN=$(curl -sf -H "Authorization: Basic $SERVICE" -d grant_type=client_credentials \
  "http://localhost:$PORT/oauth2/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')

warm() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-10s}" "$@" >/dev/null; }

measure() { # name, then wrk arguments
  local name=$1; shift
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local p99; p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  local bad; bad=$(echo "$out" | awk '/non-2xx/ {print $2}')
  printf '%-20s %10s req/s   p99 %-8s non-2xx %s\n' "$name" "$rps" "$p99" "${bad:-0}" >&2
  echo "$rps"
}

echo "Lanyard load benchmark: $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(date -u +%Y-%m-%d)" >&2
# Warm the JIT on every path first, so no measurement pays for compilation.
warm "http://localhost:$PORT/actuator/health/liveness"
BENCH_BASIC=$SERVICE warm -s bench/client-credentials.lua "http://localhost:$PORT/oauth2/token"
BENCH_BASIC=$INTROSPECTOR BENCH_TOKEN=$TOKEN warm -s bench/introspect.lua "http://localhost:$PORT/oauth2/introspect"
FLOOR=$(measure liveness "http://localhost:$PORT/actuator/health/liveness")
ISSUE=$(BENCH_BASIC=$SERVICE measure client_credentials -s bench/client-credentials.lua "http://localhost:$PORT/oauth2/token")
INTROSPECT=$(BENCH_BASIC=$INTROSPECTOR BENCH_TOKEN=$TOKEN measure introspection -s bench/introspect.lua "http://localhost:$PORT/oauth2/introspect")
ISSUED=$(psql -h 127.0.0.1 -U postgres -d "$DB" -tAc "SELECT count(*) FROM oauth_authorizations")

awk -v f="$FLOOR" -v i="$ISSUE" -v n="$INTROSPECT" -v rows="$ISSUED" 'BEGIN {
  printf "client_credentials / liveness: %.0f%% (goal >= 25%%)\n", 100 * i / f
  printf "introspection / liveness:      %.0f%% (goal >= 50%%)\n", 100 * n / f
  printf "tokens durable in PostgreSQL:  %d rows\n", rows
}'
