#!/usr/bin/env bash
# End-to-end failover check with a real high-availability PostgreSQL, on 127.0.0.1 only:
#   etcd 3.4 (the DCS) + two Patroni 3.0 nodes running PostgreSQL 15 with synchronous
#   replication (synchronous_mode: true) + HAProxy routing to whichever node Patroni's REST API
#   calls the primary (GET /primary; the pattern of CloudNativePG's -rw Service) + the packaged
#   Triage (prod profile, DB_HOST/DB_PORT pointing at HAProxy) under concurrent idempotent writes
#   from .ci/failover-load.py.
#
# Faults, each judged on its own window:
#   failover    SIGKILL of the primary's postmaster and of its Patroni; the sync standby is
#               promoted when the leader key expires (ttl); the killed node is started again
#               and rejoins as the sync standby (pg_rewind) before the next fault.
#   switchover  a planned `patronictl switchover` back to the first node.
# For each: no status but 2xx/4xx/503; every 503 is problem+json with a category and
# Retry-After; every acknowledged write is stored exactly once (same id) on the new primary;
# liveness 200 and readiness UP throughout; writes flow again within 3 s of the cluster's own
# recovery, without restarting Triage. The cluster's own recovery is when a plain libpq client
# writing through the same HAProxy every 100 ms succeeds again (Patroni's promotion plus HAProxy
# noticing it; Patroni's promotion alone is printed too). The client-visible write outage (the
# longest time without an acknowledged write) is printed for each.
#
# Every wait is bounded and the run stops after FAILOVER_E2E_TIMEOUT seconds (default 300). On
# exit everything started here is stopped and the temp directory removed (FAILOVER_E2E_KEEP=1
# keeps it). Needs: java, python3 (/usr/bin/python3, Debian's, for Patroni), curl, psql,
# patroni + patronictl (Debian: patroni), etcd (etcd-server), haproxy, PostgreSQL 15 server
# binaries (postgresql-15). FAILOVER_E2E_ALLOW_SKIP=1: exit 0 with a notice when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# ---------------------------------------------------------------------- settings (the lead's knobs)
# Health and metrics: "separate" = on the management interface (quarkus.management.enabled=true;
# a free port is picked and passed as quarkus.management.port), "same" = on the API port.
MANAGEMENT=${FAILOVER_MANAGEMENT:-separate}
# The load authenticates with one static token (README: Authentication) holding the reader and
# writer roles; its per-caller write limit is lifted, since one token drives all eight clients.
LOAD_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
AUTH_HEADER=${FAILOVER_AUTH_HEADER:-"Authorization: Bearer $LOAD_TOKEN"}
# Extra JVM options for Triage (e.g. -Dtriage.admin.token=... or a static token file).
TRIAGE_JAVA_OPTS=${FAILOVER_TRIAGE_JAVA_OPTS:-}
# Patroni timings (see docs/RESILIENCE.md, "Failover with Patroni"): the leader key lives ttl
# seconds; the leader renews it every loop_wait; a DCS or PostgreSQL call is retried for
# retry_timeout. Patroni needs loop_wait + 2 x retry_timeout <= ttl, else a leader that retries
# once can lose its key while healthy. Production defaults: 30 / 10 / 10.
PATRONI_TTL=${FAILOVER_TTL:-5}
PATRONI_LOOP_WAIT=${FAILOVER_LOOP_WAIT:-1}
PATRONI_RETRY_TIMEOUT=${FAILOVER_RETRY_TIMEOUT:-2}
# Allowed time from the end of the promotion to the first acknowledged write.
GRACE=${FAILOVER_GRACE:-3}
WORKERS=${FAILOVER_WORKERS:-8}

START=$(date +%s)
DEADLINE=$((START + ${FAILOVER_E2E_TIMEOUT:-300}))
JAR=target/quarkus-app/quarkus-run.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PY=/usr/bin/python3
PGBIN=${FAILOVER_PGBIN:-/usr/lib/postgresql/15/bin}

WORK=""
PIDS=()              # background processes started here, stopped in reverse order
declare -A PATRONI_PID  # node -> pid of its Patroni (exec'd by setpriv, so the pid is Patroni's)
LOAD_PID=""

# shellcheck source=.ci/lib/steps.sh
. .ci/lib/steps.sh   # (the script runs from the repository root)
now() { date +%s.%N; }

dump_logs() {
  [ -n "$WORK" ] && [ -d "$WORK/logs" ] || return 0
  local f
  for f in "$WORK"/logs/*.log; do
    [ -f "$f" ] || continue
    echo "----- last 30 lines of $(basename "$f") -----"
    tail -n 30 "$f" || true
  done
}

fail() {
  trap - ERR
  log "FAIL $step: $*"
  dump_logs
  echo "failover-e2e: failed step: $step"
  echo "failover-e2e: $passed passed, 1 failed"
  exit 1
}
trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR


# as USER CMD...: runs CMD as USER when root (PostgreSQL and Patroni as postgres, etcd and HAProxy
# as nobody), else as the current user.
as() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
  else
    "$@"
  fi
}
# spawn_as USER CMD... &: the same for a background program; exec replaces the subshell that `&`
# forks, so $! is the program's own pid (for kill -9 and cleanup).
spawn_as() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then
    exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
  else
    exec "$@"
  fi
}
own() {   # own USER PATH...: give directories to USER when root
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then chown -R "$user:$(id -gn "$user")" "$@"; fi
}
PG_USER=postgres
ETCD_USER=nobody
if [ "$(id -u)" -ne 0 ]; then PG_USER=$(id -un); ETCD_USER=$PG_USER; fi

stop_pid() {   # TERM, up to $2 s, then KILL
  local pid=$1 wait=${2:-10}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((wait * 5))); do alive "$pid" || break; sleep 0.2; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT ERR INT TERM
  set +e
  [ -n "$WORK" ] && touch "$WORK/load/stop" 2>/dev/null
  [ -n "$LOAD_PID" ] && stop_pid "$LOAD_PID" 15
  local i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do   # Triage, then Patroni (stops its PostgreSQL), HAProxy, etcd
    stop_pid "${PIDS[$i]}" 20
  done
  if [ -n "$WORK" ]; then
    local data pid
    for data in "$WORK"/pg*/data; do   # a PostgreSQL left behind (its Patroni was killed)
      [ -f "$data/postmaster.pid" ] || continue
      as "$PG_USER" "$PGBIN/pg_ctl" -D "$data" stop -m immediate -w -t 10 >/dev/null 2>&1 || {
        pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null); [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; }
    done
    if [ "${FAILOVER_E2E_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT): cleaning up"; exit 130' INT
trap 'log "terminated (SIGTERM): cleaning up"; exit 143' TERM


http() { curl -fsS --max-time 2 "$@"; }
secret() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
mark() { echo "$1 $(now)" >>"$WORK/load/marks"; }

# ------------------------------------------------------------------------------ prerequisites
begin "prerequisites"
[ -f "$JAR" ] || fail "$JAR not found: run ./mvnw verify (or package) first"
missing=""
for tool in patroni patronictl etcd haproxy psql curl; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
[ -x "$PY" ] || missing="$missing /usr/bin/python3"
[ -x "$PGBIN/postgres" ] || missing="$missing $PGBIN/postgres"
command -v setpriv >/dev/null || [ "$(id -u)" -ne 0 ] || missing="$missing setpriv"
if [ -n "$missing" ]; then
  msg="not installed:$missing (Debian: apt-get install patroni etcd-server haproxy postgresql-15)"
  if [ "${FAILOVER_E2E_ALLOW_SKIP:-0}" = 1 ]; then
    log "SKIP: $msg"; echo "failover-e2e: skipped"; exit 0
  fi
  fail "$msg"
fi
WORK=$(mktemp -d /tmp/triage-failover.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs" "$WORK/load" "$WORK/etcd" "$WORK/home"
for n in 1 2; do mkdir -p "$WORK/pg$n/sock"; done
own "$PG_USER" "$WORK/pg1" "$WORK/pg2" "$WORK/home"
own "$ETCD_USER" "$WORK/etcd"
read -r ETCD_PORT ETCD_PEER PG1 PG2 REST1 REST2 HAPROXY_PORT TRIAGE_PORT MGMT_PORT <<<"$(free_ports 9)"
[ "$MANAGEMENT" = separate ] || MGMT_PORT=$TRIAGE_PORT
TRIAGE="http://127.0.0.1:$TRIAGE_PORT"
RUN_ID=$(date +%s)
declare -A REST=([pg1]=$REST1 [pg2]=$REST2)
declare -A PGPORT=([pg1]=$PG1 [pg2]=$PG2)
log "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
pass "etcd $ETCD_PORT, postgres $PG1/$PG2, patroni REST $REST1/$REST2, haproxy $HAPROXY_PORT, triage $TRIAGE_PORT (health on $MGMT_PORT)"

# ---------------------------------------------------------------------------------------- etcd
begin "etcd: single member on 127.0.0.1:$ETCD_PORT (as $ETCD_USER)"
spawn_as "$ETCD_USER" env HOME="$WORK/home" etcd --name e1 --data-dir "$WORK/etcd/data" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "e1=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new \
  --log-level warn >"$WORK/logs/etcd.log" 2>&1 &
PIDS+=($!); ETCD_PID=$!
etcd_ready() { alive "$ETCD_PID" || return 99; http "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
wait_until 30 etcd_ready || fail "etcd not healthy after ${WAITED} s"
pass

# ------------------------------------------------------------------------------------- Patroni
SUPER_PASSWORD=$(secret)
REPL_PASSWORD=$(secret)
DB_PASSWORD=$(secret)
patroni_config() {   # $1 = node name
  local n=$1
  cat <<EOF
scope: triage-failover-$RUN_ID
name: $n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:${REST[$n]}
  connect_address: 127.0.0.1:${REST[$n]}
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    ttl: $PATRONI_TTL
    loop_wait: $PATRONI_LOOP_WAIT
    retry_timeout: $PATRONI_RETRY_TIMEOUT
    maximum_lag_on_failover: 1048576
    # A commit is acknowledged only once the sync standby has it: no acknowledged write can be
    # lost by promoting that standby. Not strict: alone, a primary keeps accepting writes.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        # A standby retries fetching WAL every 500 ms instead of 5 s: it follows the new
        # primary sooner after a switchover (the 5 s default doubles the outage).
        wal_retrieve_retry_interval: 500ms
        max_connections: 100
        wal_keep_size: 256MB
        # Only processes are killed here, never the machine, so the OS page cache survives and
        # fsync adds nothing but minutes of checkpoint on a busy shared disk (seen: a base
        # backup waiting > 90 s for its checkpoint).
        fsync: off
  initdb:
    - encoding: UTF8
    - data-checksums
postgresql:
  listen: 127.0.0.1:${PGPORT[$n]}
  connect_address: 127.0.0.1:${PGPORT[$n]}
  data_dir: $WORK/$n/data
  bin_dir: $PGBIN
  pgpass: $WORK/$n/pgpass
  basebackup:
    - checkpoint: fast
  authentication:
    superuser:
      username: postgres
      password: $SUPER_PASSWORD
    replication:
      username: replicator
      password: $REPL_PASSWORD
  parameters:
    unix_socket_directories: $WORK/$n/sock
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
watchdog:
  mode: off
EOF
}
start_patroni() {   # $1 = node name
  local n=$1
  spawn_as "$PG_USER" env HOME="$WORK/home" "$PY" /usr/bin/patroni "$WORK/$n/patroni.yml" >>"$WORK/logs/patroni-$n.log" 2>&1 &
  PATRONI_PID[$n]=$!
  PIDS+=($!)
}
for n in pg1 pg2; do
  patroni_config "$n" >"$WORK/$n/patroni.yml"
  own "$PG_USER" "$WORK/$n/patroni.yml"
  chmod 600 "$WORK/$n/patroni.yml"
done

rest() { http "http://127.0.0.1:${REST[$1]}$2"; }
is_primary() {   # the node holds the leader key and PostgreSQL runs as primary
  alive "${PATRONI_PID[$1]}" || return 99
  local body; body=$(rest "$1" /primary) || return 1
  grep -Eq '"role": ?"(master|primary)"' <<<"$body"
}
is_sync_standby() { alive "${PATRONI_PID[$1]}" || return 99; rest "$1" /sync >/dev/null; }
other() { [ "$1" = pg1 ] && echo pg2 || echo pg1; }

begin "Patroni: pg1 bootstraps the cluster (ttl $PATRONI_TTL, loop_wait $PATRONI_LOOP_WAIT, retry_timeout $PATRONI_RETRY_TIMEOUT)"
start_patroni pg1
wait_until 60 is_primary pg1 || fail "pg1 not primary after ${WAITED} s"
pass "primary after ${WAITED} s"

begin "PostgreSQL: role and database triage on the primary"
psql_on() {   # $1 = node, rest = psql args (superuser over the node's socket)
  local n=$1; shift
  PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h "$WORK/$n/sock" -p "${PGPORT[$n]}" -U postgres "$@"
}
psql_on pg1 -d postgres -c "CREATE ROLE triage LOGIN PASSWORD '$DB_PASSWORD'" -c "CREATE DATABASE triage OWNER triage" \
  >"$WORK/logs/psql-setup.log" 2>&1 || fail "$(cat "$WORK/logs/psql-setup.log")"
# The reference client's table, in a schema of its own (Flyway wants public empty or its own).
psql_on pg1 -d triage -c "CREATE SCHEMA failover_probe AUTHORIZATION triage" \
  -c "CREATE TABLE failover_probe.direct (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())" \
  -c "ALTER TABLE failover_probe.direct OWNER TO triage" >>"$WORK/logs/psql-setup.log" 2>&1 \
  || fail "$(cat "$WORK/logs/psql-setup.log")"
pass

begin "Patroni: pg2 joins as the synchronous standby"
start_patroni pg2
wait_until 90 is_sync_standby pg2 || fail "pg2 not a sync standby after ${WAITED} s: $(rest pg1 /cluster || true)"
pass "after ${WAITED} s"

# ------------------------------------------------------------------------------------- HAProxy
begin "HAProxy: 127.0.0.1:$HAPROXY_PORT to the node whose Patroni answers GET /primary"
cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 400
defaults
    mode tcp
    # A dead node refuses at once; 500 ms bounds a frozen one. Failed connects are retried on
    # the other server (redispatch).
    timeout connect 500ms
    timeout client 30m
    timeout server 30m
    timeout check 1s
    retries 3
    option redispatch
listen primary
    bind 127.0.0.1:$HAPROXY_PORT
    option httpchk GET /primary
    http-check expect status 200
    # Checked every 500 ms: down after 2 failures (~1 s), up after 1 success; when a server goes
    # down its open sessions are cut, so clients do not wait on a dead primary.
    default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
    server pg1 127.0.0.1:$PG1 maxconn 150 check port $REST1
    server pg2 127.0.0.1:$PG2 maxconn 150 check port $REST2
EOF
chmod 644 "$WORK/haproxy.cfg"
spawn_as "$ETCD_USER" haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/logs/haproxy.log" 2>&1 &
PIDS+=($!); HAPROXY_PID=$!
through_haproxy() {
  alive "$HAPROXY_PID" || return 99
  PGPASSWORD=$DB_PASSWORD PGCONNECT_TIMEOUT=2 psql -X -At -h 127.0.0.1 -p "$HAPROXY_PORT" -U triage -d triage \
    -c "SELECT NOT pg_is_in_recovery()" | grep -qx t
}
wait_until 30 through_haproxy || fail "no read-write session through HAProxy after ${WAITED} s"
pass

# -------------------------------------------------------------------------------------- Triage
begin "Triage: the packaged service (prod profile) with DB_HOST/DB_PORT at HAProxy"
management_opts=()
[ "$MANAGEMENT" = separate ] && management_opts=(-Dquarkus.management.port="$MGMT_PORT" -Dquarkus.management.host=127.0.0.1)
# shellcheck disable=SC2086
DB_HOST=127.0.0.1 DB_PORT=$HAPROXY_PORT DB_NAME=triage DB_USER=triage DB_PASSWORD=$DB_PASSWORD \
  TRIAGE_AUTH_TOKENS="failover-load:reader,writer:$LOAD_TOKEN" \
  "$JAVA" -Dtriage.rate-limit.writes.per-minute=6000000 -Dtriage.rate-limit.writes.burst=100000 \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$TRIAGE_PORT" "${management_opts[@]}" $TRIAGE_JAVA_OPTS \
  -jar "$JAR" >"$WORK/logs/triage.log" 2>&1 &
PIDS+=($!); TRIAGE_PID=$!
triage_writes() {
  alive "$TRIAGE_PID" || return 99
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${AUTH_HEADER:+-H "$AUTH_HEADER"} \
    -H 'Content-Type: application/json' -H "Idempotency-Key: fo-$RUN_ID-warmup" \
    -d '{"issueDescription":"failover warm-up"}' "$TRIAGE/api/v1/incidents")
  [ "$code" = 201 ] || [ "$code" = 200 ]
}
wait_until 90 triage_writes || fail "Triage did not accept a write after ${WAITED} s"
pass "writes accepted after ${WAITED} s"

# ---------------------------------------------------------------------------------------- load
begin "load: $WORKERS concurrent clients (70 % idempotent writes), liveness and readiness polled every 250 ms, and a plain libpq client writing through HAProxy every 100 ms"
PGPASSWORD=$DB_PASSWORD "$PY" .ci/failover-load.py run --base "$TRIAGE" --mgmt "http://127.0.0.1:$MGMT_PORT" \
  --patroni "pg1=http://127.0.0.1:$REST1,pg2=http://127.0.0.1:$REST2" --out "$WORK/load" --run "$RUN_ID" \
  --direct-dsn "host=127.0.0.1 port=$HAPROXY_PORT dbname=triage user=triage connect_timeout=1 options='-c statement_timeout=1000'" \
  --auth-header "$AUTH_HEADER" --workers "$WORKERS" --max-seconds $(( DEADLINE - $(date +%s) )) \
  >"$WORK/logs/load.log" 2>&1 &
LOAD_PID=$!
load_acked() { alive "$LOAD_PID" || return 99; [ "$(wc -l <"$WORK/load/acked.tsv" 2>/dev/null || echo 0)" -ge 100 ]; }
wait_until 30 load_acked || fail "fewer than 100 acknowledged writes after ${WAITED} s: $(tail -n 5 "$WORK/logs/load.log")"
sleep 3
pass "$(wc -l <"$WORK/load/acked.tsv") writes acknowledged so far"

dump_incidents() {   # $1 = node, $2 = file: key<TAB>id of this run's incidents
  psql_on "$1" -d triage -At -F $'\t' \
    -c "SELECT idempotency_key, id FROM incidents WHERE idempotency_key LIKE 'fo-$RUN_ID-%-%' ORDER BY 1" >"$2"
}

# wait_for_promotion OLD: the other node becomes primary; prints the seconds it took.
wait_for_promotion() {
  local new; new=$(other "$1")
  wait_until 60 is_primary "$new" || fail "$new not primary after ${WAITED} s: $(rest "$new" /cluster || true)"
}

# -------------------------------------------------------------------------------- (a) failover
current_primary() {
  local n
  for n in pg1 pg2; do
    if is_primary "$n" >/dev/null 2>&1; then echo "$n"; return 0; fi
  done
  return 1
}
OLD=$(current_primary) || fail "no primary before the failover: $(rest pg1 /cluster || true)"
NEW=$(other "$OLD")
begin "failover: SIGKILL of $OLD's postmaster and its Patroni"
POSTMASTER=$(head -n 1 "$WORK/$OLD/data/postmaster.pid")
[ -n "$POSTMASTER" ] && alive "$POSTMASTER" || fail "no postmaster pid for $OLD"
mark failover_start
kill -KILL "${PATRONI_PID[$OLD]}" "$POSTMASTER"
wait_for_promotion "$OLD"
PROMOTED=$(now)
log "   $NEW is primary $(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) - float(sys.argv[2])))" "$PROMOTED" \
  "$(awk '$1 == "failover_start" {print $2}' "$WORK/load/marks")") s after the kill"
sleep $(( GRACE + 4 ))   # writes must be back within the grace; keep observing a little longer
mark failover_end
dump_incidents "$NEW" "$WORK/dump-failover.tsv" || fail "dumping incidents from $NEW"
pass

begin "failover: the killed node $OLD rejoins as the sync standby (pg_rewind)"
# Orphaned backends of the killed postmaster exit once HAProxy cuts their sessions; PostgreSQL
# refuses to start while they still hold its shared memory, and Patroni retries.
start_patroni "$OLD"
wait_until 90 is_sync_standby "$OLD" || fail "$OLD not a sync standby after ${WAITED} s: $(rest "$NEW" /cluster || true)"
pass "after ${WAITED} s"

# ------------------------------------------------------------------------------ (b) switchover
NEW=$(current_primary) || fail "no primary before the switchover"
OLD=$(other "$NEW")
begin "switchover: patronictl switchover $NEW -> $OLD"
mark switchover_start
patronictl -c "$WORK/$NEW/patroni.yml" switchover --leader "$NEW" --candidate "$OLD" --force \
  >"$WORK/logs/patronictl.log" 2>&1 || fail "patronictl switchover: $(cat "$WORK/logs/patronictl.log")"
wait_for_promotion "$NEW"
sleep $(( GRACE + 4 ))
mark switchover_end
pass "$(grep -i 'switch' "$WORK/logs/patronictl.log" | tail -n 1)"

begin "load: stop"
touch "$WORK/load/stop"
wait_until 20 bash -c "! kill -0 $LOAD_PID 2>/dev/null" || fail "load generator did not stop"
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=""
dump_incidents "$OLD" "$WORK/dump-final.tsv" || fail "dumping incidents from $OLD"
pass "$(wc -l <"$WORK/load/acked.tsv") writes acknowledged in all"

# -------------------------------------------------------------------------------------- verdict
report() {   # $1 = phase, $2 = dump, $3 = cutoff mark
  local out rc=0
  out=$("$PY" .ci/failover-load.py analyze --out "$WORK/load" --phase "$1" --grace "$GRACE" --dump "$2" \
    ${3:+--cutoff-mark "$3"}) || rc=$?
  echo "$out" >"$WORK/result-$1.json"
  echo "$out" | sed 's/^/   /'
  "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
f = lambda v: "n/a" if v is None else "%.2f s" % v
print("failover-e2e: %s: Patroni promotion %s; plain client writes again at %s (its outage %s); Triage write outage %s,"
      " first Triage write %s after the plain client (%s after promotion); worst latency %s; 5xx %s" % (
    r["phase"], f(r["promotionSeconds"]), f(r["clusterWritesBackSeconds"]), f(r["directClientOutageSeconds"]),
    f(r["writeOutageSeconds"]), f(r["firstWriteAfterClusterSeconds"]), f(r["firstWriteAfterPromotionSeconds"]),
    f(r["worstLatencySeconds"]), r["errors"] or "none"))' "$WORK/result-$1.json"
  return $rc
}
begin "verdict: failover"
report failover "$WORK/dump-failover.tsv" failover_end || fail "the contract did not hold during the failover"
pass
begin "verdict: switchover"
report switchover "$WORK/dump-final.tsv" "" || fail "the contract did not hold during the switchover"
pass
begin "verdict: the whole run (every response, liveness)"
"$PY" .ci/failover-load.py summary --out "$WORK/load" | sed 's/^/   /'
"$PY" .ci/failover-load.py summary --out "$WORK/load" >/dev/null || fail "the contract did not hold over the whole run"
TRIAGE_RESTARTS=0; alive "$TRIAGE_PID" || TRIAGE_RESTARTS=1
[ "$TRIAGE_RESTARTS" = 0 ] || fail "Triage is no longer running"
pass "Triage ran throughout (pid $TRIAGE_PID)"

step="done"
log "all steps passed (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
echo "failover-e2e: finished in $(elapsed) s"
echo "failover-e2e: $passed passed, 0 failed"
