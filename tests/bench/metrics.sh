#!/bin/bash
# metrics.sh - what the Prometheus endpoint ([metrics], acd/metrics.c)
# costs at N sessions, and what its clients cost acd's hooks.
#
#   usage: tests/bench/metrics.sh       (as root; ACD_BIN, ACDCTL, ACD_DICT
#                                        and STORM_DRIVER in the environment)
#   or:    ctest -L bench -R bench.metrics -V   (from the build directory)
#
# In a fresh namespace, N tun interfaces ppp0.. (point-to-point and NOARP
# like ppp) come up through `acdctl hook ip-up` (storm_driver, 4 at a
# time), each shaped from a radattr file, with [metrics] listening on
# 127.0.0.1 in the namespace.  Then:
#   1. scrapes, the default set and then (after a reload) with the
#      per-session series of all N sessions: METRICS_SCRAPES scrapes each,
#      0.3 s apart so that each is a fresh snapshot (METRICS_FRESH is 0.25
#      s): curl's time for the whole scrape, its size and lines, and what
#      the event loop spent building it (acd_metrics_build_duration_seconds,
#      which reports the snapshot before it); medians and maxima.  The
#      issue's target: the default set built in under 10 ms at 5000.
#   2. hooks beside the endpoint's clients: METRICS_SAMPLE sessions spread
#      over ppp0.. get ip-down and ip-up again, one at a time, (a) with no
#      client, (b) beside 8 clients that hold connections open mid-request
#      (twice max-connections), (c) beside one curl that scrapes without
#      pause over one kept-alive connection: hook latency fork to exit
#      (p50, p99) and acd's own time per hook (show stat's hook_latency:
#      request read to reply), and the scrapes served and snapshots built
#      meanwhile.  On a 2-core machine (c) shares the CPU among curl, the
#      endpoint's thread (nice 19), acd's loop and the hooks' processes.
#
# Environment: METRICS_SIZE (sessions, default 5000), METRICS_SCRAPES (21),
# METRICS_SAMPLE (200), METRICS_ENFORCE (1: exit 1 when the target is
# missed; 0: report only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "metrics.sh: $*" >&2; exit 1; }
skip() { echo "SKIP: metrics.sh: $*"; exit 77; }
# shellcheck source=lib.sh
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for v in ACD_BIN ACDCTL ACD_DICT STORM_DRIVER; do
	[ -n "${!v:-}" ] || die "$v is not set (ctest sets it)"
done
command -v curl >/dev/null || skip "curl not found (tools/install-deps installs it)"
N=${METRICS_SIZE:-5000}
SCRAPES=${METRICS_SCRAPES:-21}
SAMPLE=${METRICS_SAMPLE:-200}
ENFORCE=${METRICS_ENFORCE:-1}
((SAMPLE <= N)) || die "METRICS_SAMPLE ($SAMPLE) is more than METRICS_SIZE ($N)"
UPMODE=police
NS=acd-metricsb-$$
PORT=9464
URL=http://127.0.0.1:$PORT/metrics
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acd-metricsb.XXXXXX")
ACD_PID=
ACD_SOCKET=$TMP/acd.sock
BG=()
cleanup() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$ACD_PID" ]; then
		kill "$ACD_PID" 2>/dev/null || true
		wait "$ACD_PID" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
nsx() { ip netns exec "$NS" "$@"; }
ctl() { "$ACDCTL" -s "$ACD_SOCKET" "$@"; }
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# metric FILE SERIES: the value of the series in a scrape
metric() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
# median and max of the numbers on stdin
medmax() { sort -g | awk '{ v[NR] = $1 } END { printf "%s %s\n", v[int((NR + 1) / 2)], v[NR] }'; }

ip netns add "$NS" || skip "cannot create a network namespace"
has_police "$NS" || UPMODE=ifb
ip -n "$NS" link set lo up
radattr_plan "$N" 1
write_conf() { # [METRICS-LINE...]
	bench_conf
	printf '[metrics]\nlisten = %s\nmax-connections = 4\n' "$PORT"
	printf '%s\n' "$@"
}
write_conf >"$TMP/acd.conf"
"$ACD_BIN" -n -c "$TMP/acd.conf" >/dev/null || die "the benchmark's acd.conf does not check"
bench_acd
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) print "tuntap add ppp" i " mode tun"
	for (i = 0; i < n; i++) print "link set ppp" i " up" }' >"$TMP/links"
ip -n "$NS" -batch "$TMP/links" || die "cannot create $N tun interfaces"
out=$(nsx "$STORM_DRIVER" -m up -x "$ACDCTL" -s "$ACD_SOCKET" -n "$N" -c 4 \
	-e "$TMP/hook.err") || die "hooks failed: $(head -n 5 "$TMP/hook.err")"
echo "  $N sessions up: $out"
[ "$(ctl -j show stat | jq .sessions)" = "$N" ] || die "acd has not all $N sessions"

# scrapes LABEL: SCRAPES fresh scrapes; one row of the first table
scrapes() {
	local i t sz
	: >"$TMP/times" && : >"$TMP/sizes" && : >"$TMP/builds"
	for i in $(seq "$SCRAPES"); do
		sleep 0.3
		read -r t sz < <(nsx curl -sS --max-time 30 -o "$TMP/scrape" \
			-w '%{time_total} %{size_download}\n' "$URL") || die "$1: scrape $i failed"
		echo "$t" >>"$TMP/times"
		echo "$sz" >>"$TMP/sizes"
		# the snapshot before this one; the first scrape's is the storm's
		((i == 1)) || metric "$TMP/scrape" acd_metrics_build_duration_seconds >>"$TMP/builds"
	done
	[ "$(metric "$TMP/scrape" 'acd_sessions{state="up"}')" = "$N" ] ||
		die "$1: the scrape does not count $N sessions up"
	read -r tmed tmax < <(medmax <"$TMP/times")
	read -r bmed bmax < <(medmax <"$TMP/builds")
	read -r smed _ < <(medmax <"$TMP/sizes")
	SC_ROWS+=("$(printf '%-12s %9.2f %9.2f %10.2f %10.2f %10s %8s' "$1" \
		"$(awk -v v="$bmed" 'BEGIN { print v * 1000 }')" "$(awk -v v="$bmax" 'BEGIN { print v * 1000 }')" \
		"$(awk -v v="$tmed" 'BEGIN { print v * 1000 }')" "$(awk -v v="$tmax" 'BEGIN { print v * 1000 }')" \
		"$smed" "$(wc -l <"$TMP/scrape")")")
	BUILD_MED_MS=$(awk -v v="$bmed" 'BEGIN { printf "%.2f", v * 1000 }')
}
SC_ROWS=()
scrapes default
DEFAULT_MS=$BUILD_MED_MS
write_conf "per-session = yes" "per-session-max = $N" >"$TMP/acd.conf"
ctl reload >/dev/null || die "reload to per-session = yes refused"
scrapes per-session
[ "$(grep -c '^acd_session_download_bytes_total{' "$TMP/scrape")" = "$N" ] ||
	die "per-session: not $N download byte series"
write_conf >"$TMP/acd.conf"
ctl reload >/dev/null || die "reload to the default set refused"

# hooks beside the endpoint's clients: the sample's ip-down then ip-up
awk -v n="$N" -v s="$SAMPLE" 'BEGIN { for (i = 0; i < s; i++) print int(i * n / s) }' >"$TMP/sample"
hook_acc() { ctl -j show stat | jq -r '"\(.hook_latency.sum_us) \(.hook_latency.count)"'; }
scrape_counts() {
	nsx curl -sS --max-time 30 -o "$TMP/s" "$URL" || die "a scrape failed"
	echo "$(metric "$TMP/s" acd_metrics_scrapes_total) $(metric "$TMP/s" acd_metrics_snapshots_total)"
}
# hooks LABEL [COUNT]: one row of the second table; COUNT 0: the endpoint
# is full, the scrapes and snapshots are not counted (a scrape would wait)
hooks() {
	local s0 c0 s1 c1 d u sc0=0 sb0=0 sc1=1 sb1=0
	[ "${2:-1}" = 0 ] || read -r sc0 sb0 < <(scrape_counts)
	read -r s0 c0 < <(hook_acc)
	d=$(nsx "$STORM_DRIVER" -m down -x "$ACDCTL" -s "$ACD_SOCKET" -l "$TMP/sample" -c 1 \
		-e "$TMP/hook.err") || die "$1: ip-down hooks failed: $(head -n 3 "$TMP/hook.err")"
	u=$(nsx "$STORM_DRIVER" -m up -x "$ACDCTL" -s "$ACD_SOCKET" -l "$TMP/sample" -c 1 \
		-e "$TMP/hook.err") || die "$1: ip-up hooks failed: $(head -n 3 "$TMP/hook.err")"
	read -r s1 c1 < <(hook_acc)
	[ "${2:-1}" = 0 ] || read -r sc1 sb1 < <(scrape_counts)
	# sc1 - sc0 - 1: not the first scrape_counts' own
	HK_ROWS+=("$(printf '%-12s %9s %9s %9s %9s %11s %9s %10s' "$1" \
		"$(kv "$d" p50_us)" "$(kv "$d" p99_us)" "$(kv "$u" p50_us)" "$(kv "$u" p99_us)" \
		$(((s1 - s0) / (c1 - c0))) $((sc1 - sc0 - 1)) $((sb1 - sb0)))")
}
HK_ROWS=()
hooks alone
stuck=()
for _ in $(seq 8); do # twice max-connections (4): the rest wait in the backlog
	ip netns exec "$NS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&3; exec sleep 600" &
	stuck+=("$!")
	BG+=("$!")
done
sleep 1
hooks "8 stuck" 0
kill "${stuck[@]}" 2>/dev/null || true
wait "${stuck[@]}" 2>/dev/null || true
free_again() { nsx curl -s -o /dev/null --max-time 2 "$URL"; }
wait_until 30 free_again || die "the endpoint did not serve again after the stuck clients left"
# one curl, one kept-alive connection, requests without pause (?N: a query
# string the endpoint ignores)
ip netns exec "$NS" curl -s -o /dev/null --max-time 3600 "$URL?[1-100000000]" &
hammer=$!
BG+=("$hammer")
sleep 1
hooks hammered
kill "$hammer" 2>/dev/null || true
wait "$hammer" 2>/dev/null || true
acd_stop || die "acd died during the run"
ACD_PID=

echo
echo "Scrapes of acd with $N sessions ($SCRAPES each, fresh snapshots; loop = building it on the event loop)"
printf '%-12s %9s %9s %10s %10s %10s %8s\n' set loop_ms loop_max curl_ms curl_max bytes lines
printf '%s\n' "${SC_ROWS[@]}"
echo
echo "Hooks beside the endpoint's clients ($SAMPLE sessions of $N: ip-down then ip-up, one at a time)"
printf '%-12s %9s %9s %9s %9s %11s %9s %10s\n' clients down_p50 down_p99 up_p50 up_p99 \
	acd_us/hook scrapes snapshots
printf '%s\n' "${HK_ROWS[@]}"
echo "(latencies in us, fork to exit; acd_us/hook: request read to reply, in acd)"
echo
rc=0
if awk -v v="$DEFAULT_MS" 'BEGIN { exit !(v < 10) }'; then
	echo "target: the default set built in under 10 ms at $N sessions: met ($DEFAULT_MS ms)"
else
	echo "target: the default set built in under 10 ms at $N sessions: MISSED ($DEFAULT_MS ms)"
	rc=1
fi
((ENFORCE)) || rc=0
exit "$rc"
