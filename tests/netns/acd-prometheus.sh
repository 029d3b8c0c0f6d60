#!/bin/bash
# acd-prometheus.sh - a real Prometheus server scrapes acd: both in the AC
# namespace, Prometheus with conf/prometheus/acd-alerts.yml loaded and a
# 1 s scrape interval.  Through its HTTP API: the target is up, a PromQL
# query returns the session count `acdctl show stat` reports (and follows
# it when a session ends), and every alert rule loaded and evaluates
# without an error.  Over IPv6 loopback: listen = [::1]:PORT, allow = ::1.
set -euo pipefail
TEST_NAME=acd-prometheus
. "$(dirname "$0")/lib.sh"

need_acd
command -v prometheus >/dev/null || skip "prometheus not found (Debian package prometheus; tools/install-deps installs it)"
command -v curl >/dev/null || skip "curl not found (tools/install-deps installs it)"
netns_init
SRC=$(cd "$(dirname "$0")/../.." && pwd)
add_pair 0
add_pair 1
add_pair 2
# netns_init turned IPv6 off: on again for the loopback alone
ip netns exec "$AC_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
ip netns exec "$AC_NS" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
export ACD_SOCKET=$TMPD/acd.sock
acd_conf <<CONF
[metrics]
listen = [::1]:9464
allow = ::1
CONF
start_acd
in_ac() { ip netns exec "$AC_NS" "$@"; }
hook ip-up ppp0 10.77.0.1 10.77.0.2 $$ alice
hook ip-up ppp1 10.77.1.1 10.77.1.2 $$ bob
hook ip-up ppp2 10.77.2.1 10.77.2.2 $$ carol

mkdir "$TMPD/prom"
cat >"$TMPD/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $SRC/conf/prometheus/acd-alerts.yml
scrape_configs:
  - job_name: acd
    static_configs:
      - targets: ['[::1]:9464']
YML
ip netns exec "$AC_NS" prometheus --config.file="$TMPD/prometheus.yml" --storage.tsdb.path="$TMPD/prom" \
	--web.listen-address=127.0.0.1:9090 --log.level=warn >"$TMPD/prometheus.log" 2>&1 &
PROM=$!
BG_PIDS+=("$PROM")
# query EXPR: the first result's value, or nothing
query() {
	in_ac curl -sS --max-time 5 -G --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query |
		jq -r '.data.result[0].value[1] // empty'
}
is() { [[ "$(query "$1")" == "$2" ]]; }
wait_until 30 is 'up{job="acd"}' 1 || {
	cat "$TMPD/prometheus.log" >&2
	fail "Prometheus does not see acd up: $(query 'up{job="acd"}')"
}
log "Prometheus scrapes acd"
want=$(ctl -j show stat | jq .sessions)
assert_eq "acdctl's session count" 3 "$want"
q='sum(acd_sessions{state="up"})'
wait_until 10 is "$q" "$want" || fail "$q is $(query "$q"), acdctl says $want"
log "$q = $want, as acdctl show stat says"
hook ip-down ppp1 10.77.1.1 10.77.1.2 $$ bob
wait_until 10 is "$q" 2 || fail "after an ip-down $q is $(query "$q"), not 2"
log "after an ip-down: $q = 2"
is 'acd_build_info' 1 || fail "acd_build_info: $(query acd_build_info)"
log "the alert rules: loaded and healthy"
rules_ok() {
	local r
	r=$(in_ac curl -sS --max-time 5 http://127.0.0.1:9090/api/v1/rules)
	[[ "$(jq '[.data.groups[].rules[]] | length' <<<"$r")" -ge 10 ]] &&
		[[ "$(jq '[.data.groups[].rules[] | select(.health != "ok")] | length' <<<"$r")" == 0 ]]
}
wait_until 10 rules_ok || fail "rules: $(in_ac curl -sS http://127.0.0.1:9090/api/v1/rules | jq -c '[.data.groups[].rules[] | {name, health, lastError}]')"
firing=$(in_ac curl -sS --max-time 5 http://127.0.0.1:9090/api/v1/alerts | jq -r '[.data.alerts[].labels.alertname] | join(" ")')
assert_eq "alerts firing on a healthy acd" "" "$firing"
kill "$PROM"
wait "$PROM" 2>/dev/null || true
stop_acd
pass
