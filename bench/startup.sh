#!/usr/bin/env bash
# Start-up benchmark of the authorization server (issue 9, item 5): the time from launching
# the JVM to the first 200 from /actuator/health/readiness, with PostgreSQL and Redis running
# (a warm database server; every start gets a new, empty database, so Flyway migrates from
# scratch each time). Three ways of running the same build, interleaved round by round so
# the machine's noise falls on all of them alike:
#
#   jar       java -jar auth-server/target/lanyard-auth-server.jar        (nested jar)
#   extracted java -jar auth-server/target/cds/lanyard-auth-server.jar    (extracted, no archive)
#   cds       the extracted jar with -XX:SharedArchiveFile=auth-server/target/cds/application.jsa
#
# ./mvnw package builds all three (the archive by a training run, see auth-server/pom.xml).
#
#   bench/startup.sh            # needs curl, psql, PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 6379
#   ROUNDS=10 bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
PORT=${PORT:-9450}
JAR=auth-server/target/lanyard-auth-server.jar
EXTRACTED=auth-server/target/cds/lanyard-auth-server.jar
ARCHIVE=auth-server/target/cds/application.jsa
[ -f $JAR ] && [ -f $EXTRACTED ] && [ -f $ARCHIVE ] || ./mvnw -q -B -DskipTests -pl auth-server -am package

WORK=$(mktemp -d)
PREFIX="startup-bench-$$:"
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  for db in $(psql -h 127.0.0.1 -U postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'lanyard_startup_$$_%'"); do
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null || true
  done
  redis-cli --scan --pattern "$PREFIX*" | xargs -r redis-cli del >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# start <name> <round> <java arguments...>: prints milliseconds to readiness and the JVM's own figure
start() {
  local name=$1 round=$2; shift 2
  local db=lanyard_startup_$$_${name}_$round
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
  local began; began=$(now_ms)
  SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$db SPRING_DATASOURCE_USERNAME=postgres \
  SPRING_DATA_REDIS_URL=redis://127.0.0.1:6379 LANYARD_REDIS_KEYPREFIX="$PREFIX" \
  LANYARD_MASTER_KEY=startup-bench-master-key-0123456789 LANYARD_ISSUER=http://localhost:$PORT \
  SERVER_PORT=$PORT LANYARD_SHUTDOWN_DRAIN=0s LOGGING_LEVEL_ROOT=warn \
    java -Xms512m -Xmx512m -Dlogging.level.dev.lanyard.server.LanyardServerApplication=info "$@" >"$WORK/$name-$round.log" 2>&1 &
  SERVER=$!
  local ready=
  for _ in $(seq 1 1200); do
    if curl -sf -o /dev/null "http://localhost:$PORT/actuator/health/readiness"; then ready=$(now_ms); break; fi
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.05
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  [ -n "$ready" ] || { echo "$name did not become ready; its log:" >&2; tail -40 "$WORK/$name-$round.log" >&2; exit 1; }
  if grep -q "Unable to use shared archive" "$WORK/$name-$round.log"; then
    echo "$name: the JVM refused the archive (built by another JDK? run ./mvnw package again)" >&2; exit 1
  fi
  local started; started=$(sed -n 's/.*Started LanyardServerApplication in \([0-9.]*\) seconds.*/\1/p' "$WORK/$name-$round.log")
  echo "$name $((ready - began)) ${started:-?}" >>"$WORK/results"
}

for round in $(seq 1 "$ROUNDS"); do
  start jar "$round" -jar "$JAR"
  start extracted "$round" -jar "$EXTRACTED"
  start cds "$round" -XX:SharedArchiveFile="$ARCHIVE" -jar "$EXTRACTED"
done

echo "start to ready (ms), $ROUNDS rounds, $(nproc) cores, $(java -version 2>&1 | head -1)"
awk '
  { n[$1]++; ms[$1, n[$1]] = $2; sum[$1] += $2; jvm[$1] = jvm[$1] " " $3 }
  END {
    for (name in n) { split("", v); for (i = 1; i <= n[name]; i++) v[i] = ms[name, i]
      for (i = 1; i <= n[name]; i++) for (j = i + 1; j <= n[name]; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      median[name] = v[int((n[name] + 1) / 2)]; min[name] = v[1]; max[name] = v[n[name]] }
    printf "%-10s %8s %8s %8s %8s   %s\n", "way", "median", "min", "max", "ratio", "JVM \"Started in\" (s)"
    split("jar extracted cds", order, " ")
    for (k = 1; k <= 3; k++) { name = order[k]
      printf "%-10s %8d %8d %8d %7.0f%%  %s\n", name, median[name], min[name], max[name], 100 * median[name] / median["jar"], jvm[name] }
  }' "$WORK/results"
