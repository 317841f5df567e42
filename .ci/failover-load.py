#!/usr/bin/python3
"""Load generator and judge for .ci/failover-e2e.sh (Python standard library only).

  run      drives concurrent idempotent writes and reads against Triage, polls liveness and
           readiness, and watches which Patroni node is the primary; every response and every
           observation goes to OUT/events.jsonl, every acknowledged write to OUT/acked.tsv.
           Stops when OUT/stop exists or after --max-seconds.
  analyze  judges one fault window (marks written by the script) and the whole run, and
           checks a dump of the new primary's incidents against the acknowledged writes.

A write is acknowledged when Triage answered 201 (created) or 200 (idempotent replay) to a
POST with an Idempotency-Key; a worker retries the same key until it is acknowledged, as a
careful client does, so a write committed before its reply was lost comes back as a replay
with the same id.
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

WRITE_BODY = {
    "issueDescription": "Checkout API returning 503 during a database failover",
    "errorMessage": "FATAL: terminating connection due to administrator command (57P01)",
    "environment": "production",
    "language": "java",
    "urgency": "high",
    "service": "checkout",
    "labels": {"source": "failover-e2e"},
}


class Recorder:
    def __init__(self, out):
        self.lock = threading.Lock()
        self.events = open(os.path.join(out, "events.jsonl"), "a", buffering=1)
        self.acked = open(os.path.join(out, "acked.tsv"), "a", buffering=1)

    def event(self, **e):
        line = json.dumps(e, separators=(",", ":"))
        with self.lock:
            self.events.write(line + "\n")

    def ack(self, key, incident_id, at):
        with self.lock:
            self.acked.write("%s\t%s\t%.3f\n" % (key, incident_id, at))


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects after any transport error."""

    def __init__(self, base, timeout, auth):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout, self.auth = u.hostname, u.port, timeout, auth
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = {"Accept": "application/json"}
        if self.auth:
            name, _, value = self.auth.partition(":")
            h[name.strip()] = value.strip()
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            payload = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.close()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, payload
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


def worker(n, args, rec, stop):
    client = Client(args.base, args.request_timeout, args.auth_header)
    rnd = random.Random(n)
    seq = 0
    key = None
    known = []
    while not stop.is_set():
        if key is None:
            seq += 1
            key = "fo-%s-%d-%d" % (args.run, n, seq)
        roll = rnd.random()
        if roll < 0.7 or not known:
            kind, method, path, body, headers = "write", "POST", "/api/v1/incidents", WRITE_BODY, {"Idempotency-Key": key}
        elif roll < 0.9:
            kind, method, path, body, headers = "read", "GET", "/api/v1/incidents/" + rnd.choice(known), None, None
        else:
            kind, method, path, body, headers = "list", "GET", "/api/v1/incidents?limit=5", None, None
        started = time.time()
        try:
            status, h, payload = client.request(method, path, body, headers)
        except Exception as e:
            rec.event(t="api", kind=kind, start=started, end=time.time(), status=0, error=type(e).__name__ + ": " + str(e)[:200])
            stop.wait(0.1)
            continue
        ended = time.time()
        e = {"t": "api", "kind": kind, "start": started, "end": ended, "status": status}
        if status >= 400:
            e["ctype"] = h.get("content-type", "")
            e["retryAfter"] = h.get("retry-after")
            try:
                problem = json.loads(payload)
                e["category"] = problem.get("category")
                e["type"] = problem.get("type")
            except Exception:
                e["body"] = payload[:200].decode("utf-8", "replace")
        if kind == "write" and status in (200, 201):
            incident_id = json.loads(payload)["id"]
            e["key"], e["id"] = key, incident_id
            rec.ack(key, incident_id, ended)
            known.append(incident_id)
            del known[:-50]
            key = None  # acknowledged: the next write gets a new key; otherwise retry this one
        rec.event(**e)
        stop.wait(args.think)
    client.close()


def prober(args, rec, stop):
    """Liveness and readiness, as the kubelet sees them."""
    client = Client(args.mgmt, 2, None)
    while not stop.is_set():
        for probe in ("live", "ready"):
            started = time.time()
            try:
                status, _, payload = client.request("GET", "/q/health/" + probe)
                body = json.loads(payload) if payload else {}
                mode = None
                for check in body.get("checks", []):
                    mode = mode or (check.get("data") or {}).get("mode")
                rec.event(t="probe", probe=probe, start=started, end=time.time(), status=status,
                          health=body.get("status"), mode=mode)
            except Exception as e:
                rec.event(t="probe", probe=probe, start=started, end=time.time(), status=0, error=type(e).__name__)
        stop.wait(args.probe_interval)


def watcher(args, rec, stop):
    """Which Patroni node holds the leader key and runs as primary (GET /primary, role in the body)."""
    nodes = [n.split("=", 1) for n in args.patroni.split(",")]
    clients = {name: Client(url, 0.5, None) for name, url in nodes}
    last = None
    while not stop.is_set():
        state = []
        for name, _ in nodes:
            try:
                status, _, payload = clients[name].request("GET", "/primary")
                role = json.loads(payload).get("role") if payload else None
                if status == 200 and role in ("master", "primary"):
                    state.append(name)
            except Exception:
                pass
        state = ",".join(state)
        if state != last:
            rec.event(t="primary", at=time.time(), nodes=state)
            last = state
        stop.wait(0.1)


def direct_writer(args, rec, stop):
    """A plain libpq client writing through HAProxy every 100 ms: the cluster's own write
    availability, to compare Triage with. psycopg2 comes with Debian's patroni package."""
    import psycopg2  # only here: the rest of this tool is the standard library
    conn = None
    while not stop.is_set():
        started = time.time()
        try:
            if conn is None:
                conn = psycopg2.connect(args.direct_dsn)
                conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("INSERT INTO failover_probe.direct DEFAULT VALUES")
            rec.event(t="direct", start=started, end=time.time(), ok=True)
        except Exception as e:
            rec.event(t="direct", start=started, end=time.time(), ok=False, error=type(e).__name__)
            try:
                if conn is not None:
                    conn.close()
            except Exception:
                pass
            conn = None
        stop.wait(0.1)


def run(args):
    os.makedirs(args.out, exist_ok=True)
    rec = Recorder(args.out)
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(n, args, rec, stop), daemon=True) for n in range(args.workers)]
    threads.append(threading.Thread(target=prober, args=(args, rec, stop), daemon=True))
    threads.append(threading.Thread(target=watcher, args=(args, rec, stop), daemon=True))
    if args.direct_dsn:
        threads.append(threading.Thread(target=direct_writer, args=(args, rec, stop), daemon=True))
    for t in threads:
        t.start()
    deadline = time.time() + args.max_seconds
    stop_file = os.path.join(args.out, "stop")
    while time.time() < deadline and not os.path.exists(stop_file):
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(args.request_timeout + 2)
    rec.event(t="stopped", at=time.time())


# ----------------------------------------------------------------------------------- analysis

def load(out):
    events = []
    with open(os.path.join(out, "events.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                events.append(json.loads(line))
    acked = {}
    with open(os.path.join(out, "acked.tsv")) as f:
        for line in f:
            key, incident_id, at = line.rstrip("\n").split("\t")
            if key in acked and acked[key][0] != incident_id:
                acked[key] = ("CONFLICT", float(at))
            else:
                acked.setdefault(key, (incident_id, float(at)))
    marks = {}
    with open(os.path.join(out, "marks")) as f:
        for line in f:
            name, at = line.split()
            marks[name] = float(at)
    return events, acked, marks


def problems_of(api):
    """The failure contract, response by response."""
    problems = []
    for e in api:
        s = e["status"]
        if s == 0:
            problems.append("no HTTP answer from Triage (%s) at %.3f" % (e.get("error"), e["start"]))
        elif not (200 <= s < 300 or 400 <= s < 500 or s == 503):
            problems.append("status %d (%s) at %.3f" % (s, e.get("body") or e.get("type"), e["start"]))
        elif s == 503:
            if not e.get("ctype", "").startswith("application/problem+json"):
                problems.append("503 without problem+json (%s)" % e.get("ctype"))
            elif not e.get("category"):
                problems.append("503 without category (%s)" % e.get("type"))
            if not e.get("retryAfter"):
                problems.append("503 without Retry-After (%s)" % e.get("category"))
    return problems


def analyze(args):
    events, acked, marks = load(args.out)
    start, end = marks[args.phase + "_start"], marks[args.phase + "_end"]
    api = [e for e in events if e["t"] == "api" and start - 2 <= e["start"] <= end]
    problems = problems_of(api)
    categories = {}
    for e in api:
        if e["status"] >= 500:
            k = "%d %s" % (e["status"], e.get("category") or e.get("type"))
            categories[k] = categories.get(k, 0) + 1
    worst = max((e["end"] - e["start"] for e in api), default=0)
    # The primary before the fault, and when another node became primary (promotion finished).
    primaries = [e for e in events if e["t"] == "primary"]
    before = [e["nodes"] for e in primaries if e["at"] <= start]
    old = before[-1] if before else ""
    promoted = next((e["at"] for e in primaries if e["at"] > start and e["nodes"] and e["nodes"] != old
                     and "," not in e["nodes"]), None)
    new = next((e["nodes"] for e in primaries if e["at"] > start and e["nodes"] and e["nodes"] != old
                and "," not in e["nodes"]), None)
    if promoted is None:
        problems.append("no other node became primary after %s (primary was %r)" % (args.phase, old))
    # Client-visible write outage: the longest time without an acknowledged write around the fault.
    acks = sorted(e["end"] for e in api if e["kind"] == "write" and e["status"] in (200, 201))
    acks = [t for t in acks if t >= start - 1]
    failed_writes = [e for e in api if e["kind"] == "write" and e["status"] not in (200, 201)]
    outage, outage_from, outage_to = 0.0, None, None
    for a, b in zip(acks, acks[1:]):
        if b - a > outage:
            outage, outage_from, outage_to = b - a, a, b
    if not acks or acks[-1] < end - 2:
        problems.append("writes were not acknowledged at the end of the window")
    first_after = outage_to
    # The cluster's own time to take writes again: a plain client writing through the same
    # HAProxy (promotion, plus HAProxy noticing it). Without that client, Patroni's promotion.
    direct = [e for e in events if e["t"] == "direct" and start - 2 <= e["start"] <= end]
    direct_fail = next((e for e in direct if e["start"] >= start and not e["ok"]), None)
    direct_back = None if direct_fail is None else next(
        (e["end"] for e in direct if e["start"] > direct_fail["start"] and e["ok"]), None)
    direct_outage = None
    if direct_back is not None:
        last_ok = max((e["end"] for e in direct if e["ok"] and e["end"] <= direct_fail["start"]), default=None)
        direct_outage = None if last_ok is None else direct_back - last_ok
    reference = direct_back if direct_back is not None else promoted
    if reference is not None and first_after is not None and first_after > reference + args.grace:
        problems.append("first write after the outage at +%.2f s, later than the cluster taking writes again"
                        " (+%.2f s) + %.1f s" % (first_after - start, reference - start, args.grace))
    probes = [e for e in events if e["t"] == "probe" and start - 2 <= e["start"] <= end]
    live_bad = [e for e in probes if e["probe"] == "live" and e["status"] != 200]
    ready = [e for e in probes if e["probe"] == "ready"]
    ready_bad = [e for e in ready if e["status"] != 200 or e.get("health") != "UP"]
    if live_bad:
        problems.append("liveness not 200 %d times (first %s)" % (len(live_bad), live_bad[0]))
    if ready_bad:
        problems.append("readiness not UP %d times (first %s)" % (len(ready_bad), ready_bad[0]))
    if not [e for e in probes if e["probe"] == "live"]:
        problems.append("no liveness probe recorded")
    result = {
        "phase": args.phase,
        "requests": len(api),
        "writesAcknowledged": sum(1 for e in api if e["kind"] == "write" and e["status"] in (200, 201)),
        "writesRefused": len(failed_writes),
        "statuses": dict(sorted(_count(str(e["status"]) for e in api).items())),
        "errors": categories,
        "worstLatencySeconds": round(worst, 3),
        "oldPrimary": old,
        "newPrimary": new,
        "promotionSeconds": None if promoted is None else round(promoted - start, 2),
        "writeOutageSeconds": round(outage, 2),
        "outageFromSeconds": None if outage_from is None else round(outage_from - start, 2),
        "firstWriteAfterPromotionSeconds": None if promoted is None or first_after is None
        else round(first_after - promoted, 2),
        "clusterWritesBackSeconds": None if direct_back is None else round(direct_back - start, 2),
        "directClientOutageSeconds": None if direct_outage is None else round(direct_outage, 2),
        "firstWriteAfterClusterSeconds": None if direct_back is None or first_after is None
        else round(first_after - direct_back, 2),
        "readinessModes": sorted({str(e.get("mode")) for e in ready}),
        "probes": {"live": sum(1 for e in probes if e["probe"] == "live"), "ready": len(ready)},
        "problems": sorted(set(problems))[:20],
    }
    if args.dump:
        result["storedCheck"] = check_dump(args.dump, acked, args.cutoff_mark and marks[args.cutoff_mark])
        result["problems"] += result["storedCheck"].pop("problems")
    print(json.dumps(result, indent=1))
    return 1 if result["problems"] else 0


def check_dump(dump, acked, cutoff):
    """Every acknowledged write (up to the cutoff) is stored exactly once, under the id that was acknowledged."""
    stored = {}
    duplicates = 0
    with open(dump) as f:
        for line in f:
            key, incident_id = line.rstrip("\n").split("\t")
            if key in stored:
                duplicates += 1
            stored[key] = incident_id
    problems = []
    checked = missing = wrong = 0
    for key, (incident_id, at) in acked.items():
        if cutoff and at > cutoff:
            continue
        checked += 1
        if incident_id == "CONFLICT":
            wrong += 1
            problems.append("key %s acknowledged with two different ids" % key)
        elif key not in stored:
            missing += 1
            problems.append("acknowledged write %s (%s) missing on the new primary" % (key, incident_id))
        elif stored[key] != incident_id:
            wrong += 1
            problems.append("key %s acknowledged as %s but stored as %s" % (key, incident_id, stored[key]))
    if duplicates:
        problems.append("%d keys stored more than once" % duplicates)
    if checked == 0:
        problems.append("no acknowledged write to check")
    return {"acknowledged": checked, "stored": len(stored), "missing": missing, "wrongId": wrong,
            "duplicates": duplicates, "storedNotAcknowledged": len(set(stored) - set(acked)),
            "problems": problems[:10]}


def summary(args):
    """The whole run: the contract held for every response, and liveness never failed."""
    events, _, _ = load(args.out)
    api = [e for e in events if e["t"] == "api"]
    problems = problems_of(api)
    live_bad = [e for e in events if e["t"] == "probe" and e["probe"] == "live" and e["status"] != 200]
    if live_bad:
        problems.append("liveness not 200 %d times" % len(live_bad))
    print(json.dumps({"requests": len(api), "statuses": dict(sorted(_count(str(e["status"]) for e in api).items())),
                      "problems": sorted(set(problems))[:20]}, indent=1))
    return 1 if problems else 0


def _count(items):
    out = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return out


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base", required=True)
    r.add_argument("--mgmt", required=True)
    r.add_argument("--patroni", required=True, help="name=http://host:port,...")
    r.add_argument("--out", required=True)
    r.add_argument("--run", required=True, help="run id, part of every Idempotency-Key")
    r.add_argument("--auth-header", default="", help='e.g. "Authorization: Bearer <token>"; empty: none')
    r.add_argument("--workers", type=int, default=8)
    r.add_argument("--think", type=float, default=0.02)
    r.add_argument("--request-timeout", type=float, default=10)
    r.add_argument("--probe-interval", type=float, default=0.25)
    r.add_argument("--max-seconds", type=float, default=300)
    r.add_argument("--direct-dsn", default="", help="libpq DSN through HAProxy (password in PGPASSWORD)")
    a = sub.add_parser("analyze")
    a.add_argument("--out", required=True)
    a.add_argument("--phase", required=True)
    a.add_argument("--grace", type=float, default=3.0)
    a.add_argument("--dump", help="key<TAB>id of the incidents stored on the new primary")
    a.add_argument("--cutoff-mark", help="check only writes acknowledged before this mark")
    s = sub.add_parser("summary")
    s.add_argument("--out", required=True)
    args = p.parse_args()
    if args.cmd == "run":
        run(args)
        return 0
    return analyze(args) if args.cmd == "analyze" else summary(args)


if __name__ == "__main__":
    sys.exit(main())
