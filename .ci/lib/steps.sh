# Shared by the end-to-end checks (.ci/observability-e2e.sh, .ci/failover-e2e.sh): numbered
# steps, bounded waits, free ports. Sourced after the script sets START (its start, date +%s) and
# DEADLINE (the latest second any wait may reach); the script defines fail() itself.
# shellcheck shell=bash

passed=0
step="setup"

elapsed() { echo $(( $(date +%s) - START )); }
log() { printf '[%3ss] %s\n' "$(elapsed)" "$*"; }
begin() { step="$*"; log "-- $step"; }
pass() { passed=$((passed + 1)); log "PASS $step${1:+: $1}"; }

alive() {   # a started child that has not exited (a zombie counts as exited)
  [ -r "/proc/$1/stat" ] || return 1
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# wait_until SECONDS COMMAND...: retries COMMAND every WAIT_POLL seconds (0.2) until it succeeds,
# at most SECONDS and never past DEADLINE; exit code 99 from COMMAND gives up at once (the process
# waited for has died). WAITED: the seconds the last wait took, for the failure messages.
WAITED=0
wait_until() {
  local began limit rc
  began=$(date +%s)
  limit=$(( began + $1 )); shift
  if (( limit > DEADLINE )); then limit=$DEADLINE; fi
  while true; do
    rc=0
    "$@" >/dev/null 2>&1 || rc=$?
    if (( rc == 0 )); then WAITED=$(( $(date +%s) - began )); return 0; fi
    if (( rc == 99 )) || (( $(date +%s) >= limit )); then WAITED=$(( $(date +%s) - began )); return 1; fi
    sleep "${WAIT_POLL:-0.2}"
  done
}

free_ports() {   # N distinct free TCP ports on 127.0.0.1
  python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}
