#!/usr/bin/env bash
# The fault suite (DatabaseFaultsTest, NetworkBlackHoleTest) while stress-ng keeps every core
# busy: production pods run with CPU limits and noisy neighbours, and the categories, latencies
# and recovery must hold there too (issue 8). Runs it RUNS times in a row and stops at the first
# failure; each run's table goes to target/resilience-report-stress-<n>.md.
#
#   .ci/fault-suite-under-load.sh         one run (what .ci/run does)
#   .ci/fault-suite-under-load.sh 5       five in a row (docs/RESILIENCE.md records them)
#
# Needs the test classes of a previous build (./mvnw verify, or test-compile); installs stress-ng
# from Debian when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}

if ! command -v stress-ng >/dev/null; then
  echo "== installing stress-ng (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends stress-ng >/dev/null
fi

# One CPU hog per core, for as long as the runs last at most (each takes 3-5 minutes).
stress-ng --cpu "$(nproc)" --timeout "$((runs * 600))s" --quiet &
stress_pid=$!
trap 'kill $stress_pid 2>/dev/null || true; wait $stress_pid 2>/dev/null || true' EXIT

for n in $(seq 1 "$runs"); do
  started=$(date +%s)
  echo "== fault suite under CPU contention (stress-ng --cpu $(nproc)): run $n of $runs, load $(cut -d' ' -f1-3 /proc/loadavg)"
  ./mvnw -B -ntp surefire:test -Dtest='DatabaseFaultsTest,NetworkBlackHoleTest' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtriage.fault-report.file="target/resilience-report-stress-$n.md"
  echo "== run $n passed in $(($(date +%s) - started)) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  cat "target/resilience-report-stress-$n.md"
done
