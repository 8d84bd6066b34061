#!/usr/bin/env bash
# Load benchmarks, each comparison measured in one run on one machine, with PostgreSQL and
# Redis (the numbers that matter are the ratios; the machine is shared and noisy):
#
#  authorization server
#   - discovery (/.well-known/openid-configuration: a static JSON, the framework's floor)
#   - client_credentials issuance (every token durable in PostgreSQL before the answer)
#   - introspection of a user's opaque access token
#   - token exchange of a user's opaque token, the internal JWT reused while valid
#   - token exchange of distinct user tokens (every exchange signs a new JWT)
#   - bare JCA SHA256withRSA signing with the same threads (the exchange grant's bound)
#  token-exchange service (gateway side)
#   - its liveness endpoint
#   - cached GET /exchange
#  and for each the server CPU per request: the measured Java process plus PostgreSQL and
#  Redis, from /proc (throughput on a shared machine swings by tens of percent, CPU per
#  request much less), PostgreSQL commits and WAL bytes per request (the capacity figures
#  in the README), and the resident memory of both Java processes at the end.
#
#   bench/run.sh            # needs wrk, curl, psql, python3, PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 6379
#   DURATION=30s CONNECTIONS=32 DISTINCT_TOKENS=30000 bench/run.sh
#   SERVER_JAVA_OPTS="-Xmx512m" bench/run.sh   # the server's JVM options (default: the Docker image's)
#   SERVER_CDS=off bench/run.sh                 # the fat jar without the class-data-sharing archive
#   MEMORY_DETAIL=1 bench/run.sh                # also where the server's memory is at the end (native memory tracking)
#
# The server runs as the Docker image runs it: the extracted jar with the class-data-sharing
# archive of the build's training run (auth-server/target/cds/), and the image's JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
SECONDS_RUN=${DURATION%s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-9400}
GATEWAY_PORT=${GATEWAY_PORT:-9410}
# Distinct user tokens: the first DISTINCT_WARMUP warm the path, the rest must last the whole
# measurement (the script warns when they ran out: the run's CPU then counts idle time).
DISTINCT_TOKENS=${DISTINCT_TOKENS:-16000}
DISTINCT_WARMUP=${DISTINCT_WARMUP:-6000}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' docker/auth-server.Dockerfile)}
[ -n "${MEMORY_DETAIL:-}" ] && SERVER_JAVA_OPTS="$SERVER_JAVA_OPTS -XX:NativeMemoryTracking=summary"
DB=lanyard_bench_$$
PREFIX="bench-$$:"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -f auth-server/target/lanyard-auth-server.jar ] && [ -f token-exchange/target/lanyard-token-exchange-exec.jar ] \
  && { [ "${SERVER_CDS:-on}" = off ] || [ -f auth-server/target/cds/application.jsa ]; } \
  || ./mvnw -q -B -DskipTests -pl auth-server,token-exchange -am package

if [ "${SERVER_CDS:-on}" = off ]; then
  SERVER_JAR="-jar auth-server/target/lanyard-auth-server.jar"
else
  SERVER_JAR="-XX:SharedArchiveFile=auth-server/target/cds/application.jsa -jar auth-server/target/cds/lanyard-auth-server.jar"
fi
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
WORK=$(mktemp -d)
SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$DB SPRING_DATASOURCE_USERNAME=postgres \
SPRING_DATA_REDIS_URL=redis://127.0.0.1:6379 LANYARD_REDIS_KEYPREFIX="$PREFIX" \
LANYARD_MASTER_KEY=bench-master-key-bench-master-key-0123 LANYARD_BOOTSTRAP=bench/bootstrap.yaml \
LANYARD_ISSUER=http://localhost:$PORT SERVER_PORT=$PORT LOGGING_LEVEL_ROOT=warn \
  java $SERVER_JAVA_OPTS $SERVER_JAR >"$WORK/auth-server.log" 2>&1 &
SERVER=$!
GATEWAY=
cleanup() {
  kill $SERVER ${GATEWAY:-} 2>/dev/null || true; wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null || true
  redis-cli --scan --pattern "$PREFIX*" | xargs -r redis-cli del >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://localhost:$PORT/actuator/health/liveness" >/dev/null && break; sleep 1; done

basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }
SERVICE=$(basic bench-service bench-service-secret-at-least-32-characters)
INTROSPECTOR=$(basic bench-introspector bench-introspector-secret-at-least-32-chars)
GATEWAY_BASIC=$(basic bench-gateway bench-gateway-secret-at-least-32-characters)
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
TOKEN=$(curl -sf -H "Authorization: Basic $SERVICE" -d grant_type=client_credentials \
  "http://localhost:$PORT/oauth2/token" | json_field access_token)

# A user's opaque access token, through the login page as a browser would get it.
JAR="$WORK/cookies"
VERIFIER=bench-verifier-0123456789-0123456789-0123456789
CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | base64 -w0 | tr '+/' '-_' | tr -d '=')
AUTHORIZE="http://localhost:$PORT/oauth2/authorize?response_type=code&client_id=bench-web&scope=openid%20profile&state=s&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcallback&code_challenge=$CHALLENGE&code_challenge_method=S256"
curl -s -c "$JAR" -b "$JAR" -o /dev/null "$AUTHORIZE"
# The login page has more than one form (password, passkey): each carries the same token.
CSRF=$(curl -s -c "$JAR" -b "$JAR" "http://localhost:$PORT/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode username=bench-user \
  --data-urlencode password=bench-user-password-2026 --data-urlencode "_csrf=$CSRF" "http://localhost:$PORT/login"
CODE=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{redirect_url}' "$AUTHORIZE" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
USER_TOKEN=$(curl -sf -u bench-web:bench-web-secret-at-least-32-characters-x -d grant_type=authorization_code \
  -d "code=$CODE" -d redirect_uri=http://127.0.0.1:1/callback -d "code_verifier=$VERIFIER" \
  "http://localhost:$PORT/oauth2/token" | json_field access_token)
[ -n "$USER_TOKEN" ] || { echo "Could not get a user token" >&2; exit 1; }
# Distinct user tokens for the exchange that must sign every time.
python3 bench/user-tokens.py "http://localhost:$PORT" "$DISTINCT_TOKENS" >"$WORK/user-tokens.txt"

LANYARD_ISSUER=http://localhost:$PORT EXCHANGE_CLIENT_ID=bench-gateway \
EXCHANGE_CLIENT_SECRET=bench-gateway-secret-at-least-32-characters SPRING_DATA_REDIS_URL=redis://127.0.0.1:6379 \
LANYARD_REDIS_KEYPREFIX="$PREFIX" SERVER_PORT=$GATEWAY_PORT LOGGING_LEVEL_ROOT=warn \
  java -Xms256m -Xmx256m -jar token-exchange/target/lanyard-token-exchange-exec.jar >"$WORK/token-exchange.log" 2>&1 &
GATEWAY=$!
for _ in $(seq 1 120); do curl -sf "http://localhost:$GATEWAY_PORT/actuator/health/liveness" >/dev/null && break; sleep 1; done

warm() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-10s}" "$@" >/dev/null; }
# Warms a path that can be repeated until the JIT is done with it: another slice while the
# measured process's compiler threads took more than 2 % of its CPU in the last one (at most
# WARM_SLICES). Ten seconds leave client_credentials still compiling: its measurement then
# counted 0.1-0.5 ms of compiler CPU per token, which a running server does not pay.
warm_steady() {
  local pid=${MEASURED:-$SERVER} slice
  for slice in $(seq 1 "${WARM_SLICES:-8}"); do
    local j0 s0; j0=$(jit_ticks "$pid"); s0=$(ticks "$pid")
    warm "$@"
    local j=$(($(jit_ticks "$pid") - j0)) s=$(($(ticks "$pid") - s0))
    [ $((j * 50)) -le "$s" ] && return
  done
  echo "warning: the JIT was still compiling after $slice warm-up slices ($*)" >&2
}
measure() { # name, then wrk arguments; prints "requests/s CPU-ms-per-request" (and the figures of the run)
  local name=$1; shift
  local before; before=$(snapshot)
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local p99; p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  local bad; bad=$(echo "$out" | awk '/non-2xx/ {print $2}')
  local requests; requests=$(requests_of "$out")
  local cpu; cpu=$(capacity "$name" "$requests" "$before" "$(snapshot)")
  if [ -n "${REQUEST_LIMIT:-}" ] && [ "$requests" -ge "$REQUEST_LIMIT" ]; then
    echo "warning: $name used up its $REQUEST_LIMIT requests before the end of the run: its CPU per request counts idle time (raise DISTINCT_TOKENS)" >&2
  fi
  printf '%-22s %10s req/s   p99 %-8s non-2xx %s\n' "$name" "$rps" "$p99" "${bad:-0}" >&2
  echo "$rps $cpu"
}

# CPU per request of the measured Java process (the server, or the exchange service for the
# gateway_ lines), PostgreSQL and Redis, and PostgreSQL commits and WAL bytes per request,
# around each measurement (other load on the machine counts too: run it on an otherwise
# idle machine). Prints the total CPU milliseconds per request.
ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
# CPU ticks of a Java process's JIT compiler threads (part of its ticks above).
jit_ticks() {
  local t comm total=0
  for t in /proc/"$1"/task/*; do
    read -r comm <"$t/comm" 2>/dev/null || continue
    case $comm in
      C1\ Compiler*|C2\ Compiler*) total=$((total + $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')));;
    esac
  done
  echo "$total"
}
sql() { psql -h 127.0.0.1 -U postgres -d "$DB" -tAc "$1"; }
snapshot() { # prints: server_ticks pg_ticks redis_ticks commits wal_lsn rows jit_ticks
  echo "$(ticks "${MEASURED:-$SERVER}") $(ticks $(pgrep -x postgres)) $(ticks $(pgrep -x redis-server)) \
$(sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()") \
$(sql "SELECT pg_current_wal_lsn()") $(sql "SELECT count(*) FROM oauth_authorizations") $(jit_ticks "${MEASURED:-$SERVER}")"
}
capacity() { # name, requests served, snapshot before, snapshot after
  local name=$1 requests=$2; read -r s0 p0 r0 c0 w0 n0 j0 <<<"$3"; read -r s1 p1 r1 c1 w1 n1 j1 <<<"$4"
  local wal; wal=$(sql "SELECT pg_wal_lsn_diff('$w1', '$w0')")
  local hz; hz=$(getconf CLK_TCK)
  awk -v name="$name" -v req="$requests" -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) -v c=$((c1 - c0)) \
      -v w="$wal" -v n=$((n1 - n0)) -v j=$((j1 - j0)) -v hz="$hz" 'BEGIN {
    ms = 1000 / hz / req
    printf "%-22s CPU ms/request: %.3f (Java %.3f of which JIT %.3f, PostgreSQL %.3f, Redis %.3f);  %.2f commits, %5.0f WAL bytes, %.2f rows per request\n",
      name, (s + p + r) * ms, s * ms, j * ms, p * ms, r * ms, c / req, w / req, n / req > "/dev/stderr"
    printf "%.4f\n", (s + p + r) * ms
  }'
}
requests_of() { awk '/requests in/ {print $1}' <<<"$1"; }

echo "Lanyard load benchmark: $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, server JVM options: ${SERVER_JAVA_OPTS:-none}, server: java $SERVER_JAR, $(date -u +%Y-%m-%d)" >&2
# Warm the JIT on every path first, so no measurement pays for compilation.
warm_steady "http://localhost:$PORT/.well-known/openid-configuration"
BENCH_BASIC=$SERVICE warm_steady -s bench/client-credentials.lua "http://localhost:$PORT/oauth2/token"
BENCH_BASIC=$INTROSPECTOR BENCH_TOKEN=$USER_TOKEN warm_steady -s bench/introspect.lua "http://localhost:$PORT/oauth2/introspect"
BENCH_BASIC=$GATEWAY_BASIC BENCH_TOKEN=$USER_TOKEN warm_steady -s bench/exchange.lua "http://localhost:$PORT/oauth2/token"
# The distinct path needs its own warm-up (a token-cache miss, a signature): with fewer, the
# JIT still compiles it during the measurement.
head -n "$DISTINCT_WARMUP" "$WORK/user-tokens.txt" >"$WORK/warm-tokens.txt"
tail -n +$((DISTINCT_WARMUP + 1)) "$WORK/user-tokens.txt" >"$WORK/distinct-tokens.txt"
BENCH_BASIC=$GATEWAY_BASIC BENCH_TOKENS=$WORK/warm-tokens.txt THREADS=$THREADS warm -s bench/exchange-distinct.lua "http://localhost:$PORT/oauth2/token"
MEASURED=$GATEWAY warm_steady "http://localhost:$GATEWAY_PORT/actuator/health/liveness"
MEASURED=$GATEWAY BENCH_TOKEN=$USER_TOKEN warm_steady -s bench/gateway-exchange.lua "http://localhost:$GATEWAY_PORT/exchange"

read -r FLOOR FLOOR_CPU <<<"$(measure discovery "http://localhost:$PORT/.well-known/openid-configuration")"
read -r ISSUE ISSUE_CPU <<<"$(BENCH_BASIC=$SERVICE measure client_credentials -s bench/client-credentials.lua "http://localhost:$PORT/oauth2/token")"
read -r INTROSPECT INTROSPECT_CPU <<<"$(BENCH_BASIC=$INTROSPECTOR BENCH_TOKEN=$USER_TOKEN measure introspection -s bench/introspect.lua "http://localhost:$PORT/oauth2/introspect")"
read -r EXCHANGE EXCHANGE_CPU <<<"$(BENCH_BASIC=$GATEWAY_BASIC BENCH_TOKEN=$USER_TOKEN measure exchange_reused -s bench/exchange.lua "http://localhost:$PORT/oauth2/token")"
read -r DISTINCT DISTINCT_CPU <<<"$(BENCH_BASIC=$GATEWAY_BASIC BENCH_TOKENS=$WORK/distinct-tokens.txt THREADS=$THREADS \
  REQUEST_LIMIT=$((DISTINCT_TOKENS - DISTINCT_WARMUP - THREADS)) measure exchange_distinct -s bench/exchange-distinct.lua "http://localhost:$PORT/oauth2/token")"
kill -STOP $GATEWAY
read -r SIGN SIGN_CPU <<<"$(java bench/RsaSignBaseline.java "$THREADS" "$SECONDS_RUN")"
kill -CONT $GATEWAY
printf '%-22s %10s sig/s   CPU ms/signature: %s\n' "jca_rs256_sign" "$SIGN" "$SIGN_CPU" >&2
kill -STOP $SERVER
read -r GATEWAY_FLOOR _ <<<"$(MEASURED=$GATEWAY measure gateway_liveness "http://localhost:$GATEWAY_PORT/actuator/health/liveness")"
kill -CONT $SERVER
read -r GATEWAY_CACHED _ <<<"$(MEASURED=$GATEWAY BENCH_TOKEN=$USER_TOKEN measure gateway_exchange -s bench/gateway-exchange.lua "http://localhost:$GATEWAY_PORT/exchange")"
ISSUED=$(psql -h 127.0.0.1 -U postgres -d "$DB" -tAc "SELECT count(*) FROM oauth_authorizations")
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }
echo "resident memory after the run: server $(rss $SERVER) (JVM options: ${SERVER_JAVA_OPTS:-none}), exchange service $(rss $GATEWAY) (-Xmx256m)" >&2
if [ -n "${MEMORY_DETAIL:-}" ]; then
  jcmd "$SERVER" GC.heap_info | sed -n '2,4p' >&2
  jcmd "$SERVER" VM.native_memory summary | grep -E '^(Total|-  *[A-Za-z ]+ \(reserved)' | sed 's/reserved=[0-9]*KB, //' >&2
fi

awk -v fc="$FLOOR_CPU" -v ic="$ISSUE_CPU" -v nc="$INTROSPECT_CPU" -v xc="$EXCHANGE_CPU" -v dc="$DISTINCT_CPU" \
    -v sc="$SIGN_CPU" -v gf="$GATEWAY_FLOOR" -v gc="$GATEWAY_CACHED" -v rows="$ISSUED" 'BEGIN {
  printf "client_credentials, CPU per token:          %.3f ms (goal <= 0.5 ms)\n", ic
  printf "introspection / discovery, CPU:             %.2f x (goal <= 1.5 x)\n", nc / fc
  printf "exchange reusing its JWT, CPU:              %.3f ms (goal <= 0.25 ms)\n", xc
  printf "exchange of distinct tokens / bare RS256:   %.2f x CPU (goal <= 1.3 x)\n", dc / sc
  printf "  the same / (reused exchange + bare RS256):  %.2f x CPU (the rest: the token cache miss, the user row, building the JWT)\n", dc / (xc + sc)
  printf "cached /exchange / gateway liveness:        %4.0f%% req/s (goal >= 70%%)\n", 100 * gc / gf
  printf "tokens durable in PostgreSQL:               %d rows\n", rows
}'
