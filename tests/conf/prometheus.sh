#!/bin/bash
# prometheus.sh SRCDIR - conf/prometheus/: the alert rules pass `promtool
# check rules` and their tests (tests/conf/acd-alerts.test.yml); the rules
# and the Grafana dashboard name only metrics acd exports (those
# docs/metrics.md lists, which unit.test_metrics_fmt and netns.acd-metrics
# hold to what acd serves).  Skipped (77) without promtool or jq.
set -euo pipefail
src=$1
rules=$src/conf/prometheus/acd-alerts.yml
dash=$src/conf/prometheus/acd-dashboard.json
doc=$src/docs/metrics.md
fail() { echo "FAIL: conf.prometheus: $*" >&2; exit 1; }
command -v promtool >/dev/null || { echo "SKIP: promtool not found (Debian package prometheus)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not found"; exit 77; }

out=$(promtool check rules "$rules" 2>&1) || fail "promtool check rules: $out"
out=$(cd "$src/tests/conf" && promtool test rules acd-alerts.test.yml 2>&1) ||
	fail "promtool test rules: $out"

# the families docs/metrics.md lists: "| `name{labels}` | type |"
mapfile -t known < <(sed -n 's/^| `\([a-z_][a-z0-9_]*\)[{`].*/\1/p' "$doc" | sort -u)
((${#known[@]} > 50)) || fail "docs/metrics.md lists only ${#known[@]} metrics"
is_known() {
	local m=$1 k
	for k in "${known[@]}"; do
		[[ $m == "$k" || $m == "${k}_bucket" || $m == "${k}_sum" || $m == "${k}_count" ]] && return 0
	done
	return 1
}
# names in PromQL: acd_* and process_* (up is Prometheus' own)
check_exprs() {
	local what=$1 n=0 m
	shift
	for m in $(grep -oE '\b(acd|process)_[a-z0-9_]+' <<<"$*" | sort -u); do
		is_known "$m" || fail "$what names $m, which acd does not export"
		n=$((n + 1))
	done
	echo "$what: $n metrics, all exported"
}
jq -e . "$dash" >/dev/null || fail "$dash is not JSON"
check_exprs "the dashboard" "$(jq -r '.. | objects | (.expr? // empty), (.query? // empty) | strings' "$dash")"
check_exprs "the alert rules" "$(cat "$rules")"
echo "conf.prometheus: OK"
