#!/usr/bin/env bash
# Regenerates k8s/monitoring/prometheus-rule.yaml (a Prometheus Operator PrometheusRule) from
# monitoring/triage-alerts.rules.yml: a fixed header, then the rules file indented by two
# spaces under `spec:` (empty lines stay empty). The rules file is the source of truth;
# AlertRulesTest fails when the two differ.
#
#   monitoring/sync-prometheus-rule.sh          rewrite the PrometheusRule
#   monitoring/sync-prometheus-rule.sh --check  exit 1 if it is out of date (writes nothing)
set -euo pipefail
cd "$(dirname "$0")/.."

rules=monitoring/triage-alerts.rules.yml
target=k8s/monitoring/prometheus-rule.yaml

render() {
  cat <<'HEADER'
# Generated from monitoring/triage-alerts.rules.yml by monitoring/sync-prometheus-rule.sh.
# Do not edit: change the rules file (and its promtool tests), then run the script.
# The Prometheus Operator picks this up when the PrometheusRule matches the ruleSelector of
# your Prometheus resource (add the labels it selects on in an overlay).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: triage
spec:
HEADER
  sed 's/^./  &/' "$rules"
}

case "${1:-}" in
  --check)
    if render | cmp -s - "$target"; then
      echo "$target is up to date"
    else
      echo "$target is out of date: run monitoring/sync-prometheus-rule.sh" >&2
      exit 1
    fi
    ;;
  "")
    tmp=$(mktemp "$target.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    render > "$tmp"
    chmod 644 "$tmp"
    mv "$tmp" "$target"
    trap - EXIT
    echo "wrote $target"
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
