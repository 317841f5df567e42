#!/usr/bin/env bash
# Triage benchmark (issue 7): builds the packaged service if its sources changed, starts its own
# PostgreSQL and the service on 127.0.0.1, measures every scenario against baselines from the
# same run (pgbench on the service's own SQL, /q/health/live), prints one table and writes it to
# docs/PERFORMANCE.md (the table it replaces moves to "Previous run").
#
#   bench/run.sh             full run (about 7-9 minutes on 2 busy cores)
#   bench/run.sh --quick     5 s scenarios, 3 starts, 15 s of load before the memory reading
#   bench/run.sh --reuse     use target/quarkus-app as it is (no build)
#   bench/run.sh --no-write  print the table only
#
# Needs: JDK 17+ (java, jstat), wrk, pgbench and psql (Debian: wrk, postgresql-client), python3,
# PostgreSQL server binaries (the zonky ones the tests unpack, or Debian's postgresql).
# Knobs (environment): BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_SCENARIO_WARMUP_SECONDS, BENCH_RSS_SECONDS, BENCH_STARTS,
# BENCH_CONNECTIONS (32), BENCH_INCIDENTS (10000), BENCH_JVM_FLAGS, BENCH_SERVICE_OPTS,
# BENCH_LEAN_OPTS, BENCH_PG_FSYNC (off), BENCH_KEEP=1 (keep the work directory): see bench/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."

# Health and metrics are on the management interface (quarkus.management.enabled=true): the
# script picks a free port and passes it as quarkus.management.port. Empty: /q/* on the HTTP port.
export MGMT_PORT=${MGMT_PORT:-free}
# /api/v1 needs a bearer token (README: Authentication): AUTH_HEADER='Authorization: Bearer <token>'
# is sent by every request to /api (wrk scripts and the script's own requests). Unset, a token is
# made here and given to every service instance as a static reader+writer token.
if [ -z "${AUTH_HEADER:-}" ]; then
  bench_token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  export AUTH_HEADER="Authorization: Bearer $bench_token"
  export BENCH_SERVICE_OPTS="${BENCH_SERVICE_OPTS:-} -Dtriage.auth.tokens=bench:reader,writer:$bench_token"
fi
# One token drives every connection: lift its per-caller write limit (600 a minute in production),
# which would otherwise measure the 429s; the limiter still runs on every write.
export BENCH_SERVICE_OPTS="${BENCH_SERVICE_OPTS:-} -Dtriage.rate-limit.writes.per-minute=1000000000 -Dtriage.rate-limit.writes.burst=1000000"

reuse=0
for arg in "$@"; do
  case "$arg" in
    --reuse) reuse=1 ;;
    --quick|--no-write) ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

missing=""
for tool in java wrk python3; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
command -v pgbench >/dev/null || compgen -G '/usr/lib/postgresql/*/bin/pgbench' >/dev/null || missing="$missing pgbench"
command -v psql >/dev/null || compgen -G '/usr/lib/postgresql/*/bin/psql' >/dev/null || missing="$missing psql"
if [ -n "$missing" ]; then
  echo "missing:$missing (Debian: apt-get install wrk postgresql-client python3; a JDK 17+)" >&2
  exit 2
fi

JAR=target/quarkus-app/quarkus-run.jar
if [ "$reuse" = 1 ]; then
  [ -f "$JAR" ] || { echo "--reuse: $JAR does not exist" >&2; exit 2; }
  echo "== reusing $JAR (built $(date -r "$JAR" '+%F %T'))"
elif [ ! -f "$JAR" ] || [ -n "$(find src/main pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "== building: ./mvnw -q -ntp package -DskipTests"
  ./mvnw -q -ntp package -DskipTests
else
  echo "== $JAR is newer than src/main and pom.xml: no build"
fi

# The driver cleans up everything it started (PostgreSQL, services, wrk, pgbench) on exit and
# on SIGINT/SIGTERM/SIGHUP; forward those signals to it and wait for its cleanup.
python3 bench/bench.py "$@" &
driver=$!
trap 'kill -TERM "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null; exit 130' INT TERM HUP
wait "$driver"
