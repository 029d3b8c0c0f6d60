#!/bin/bash
# ipv6.sh - what the IPv6 edge ([ipv6], acd/ipv6.c) costs: a storm of N
# IPv6-only sessions (ipv6-up hooks, as pppd runs them when its peer
# refused IPCP) against acd without [ipv6] and with it, then the same N
# sessions idle.
#
#   usage: tests/bench/ipv6.sh          (as root; ACD_BIN, ACDCTL, ACD_DICT
#                                        and STORM_DRIVER in the environment)
#   or:    ctest -L bench -R bench.ipv6 -V   (from the build directory)
#
# For each mode (off: no [ipv6]; on: [ipv6] prefix-pool, each session a /64
# routed over rtnetlink and a first router advertisement sent before the
# hook's reply), in a fresh namespace: N tun interfaces ppp0.. with a
# link-local address each (point-to-point and NOARP like ppp; RAs sent on
# them are dropped by the tun, after acd's work is done), radattr files
# with varied rates (the sessions are shaped in both modes), then
# storm_driver -m up6 with IPV6_CONCURRENCY hooks at a time: sessions/s,
# hook latency p50/p99 (fork to exit: acd replied) and acd's CPU per
# session; then IPV6_IDLE seconds with nothing happening but acd's timers:
# acd's CPU over them (on: the RAs at ra-interval's random times, one libev
# timer per session; off: nothing), and the RAs sent, measured after
# IPV6_SETTLE (50) seconds, once the first three RAs of every session (at
# most 16 s apart, RFC 4861) are out.  Verified: every
# session in acd's table, and with [ipv6] each with a /64 of its own and a
# route to it on its interface.
#
# Environment: IPV6_SIZE (sessions, default 5000), IPV6_CONCURRENCY (16),
# IPV6_IDLE (seconds idle, default 60), IPV6_RA_INTERVAL (ra-interval, s,
# default 600: the RFC's default MaxRtrAdvInterval).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "ipv6.sh: $*" >&2; exit 1; }
skip() { echo "SKIP: ipv6.sh: $*"; exit 77; }
# shellcheck source=lib.sh
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for v in ACD_BIN ACDCTL ACD_DICT STORM_DRIVER; do
	[ -n "${!v:-}" ] || die "$v is not set (ctest sets it)"
done
N=${IPV6_SIZE:-5000}
CONC=${IPV6_CONCURRENCY:-16}
IDLE=${IPV6_IDLE:-60}
RAI=${IPV6_RA_INTERVAL:-600}
SETTLE=${IPV6_SETTLE:-50}
UPMODE=police
NS=acd-ipv6b-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acd-ipv6b.XXXXXX")
ACD_PID=
ACD_SOCKET=$TMP/acd.sock
cleanup() {
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
ticks() { awk '{ print $14 + $15 }' "/proc/$ACD_PID/stat"; }
hz=$(getconf CLK_TCK)

ip netns add "$NS" || skip "cannot create a network namespace"
has_police "$NS" || UPMODE=ifb
ip netns del "$NS"
radattr_plan "$N" 1

rows=()
for mode in off on; do
	{
		bench_conf
		if [ "$mode" = on ]; then
			printf '[ipv6]\nprefix-pool = 2001:db8::/40\ndns = 2001:db8:ffff::53\n'
			printf 'ra-interval = %ss\nrouter-lifetime = %ss\n' "$RAI" $((RAI * 3))
		fi
	} >"$TMP/acd.conf"
	"$ACD_BIN" -n -c "$TMP/acd.conf" >/dev/null || die "the benchmark's acd.conf does not check"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	nsx sysctl -qw net.ipv6.conf.all.forwarding=1
	rm -rf "$TMP/state"
	bench_acd
	awk -v n="$N" 'BEGIN {
		for (i = 0; i < n; i++) print "tuntap add ppp" i " mode tun"
		for (i = 0; i < n; i++) print "link set ppp" i " up"
		for (i = 0; i < n; i++) print "addr add fe80::1/64 dev ppp" i " nodad" }' >"$TMP/links"
	ip -n "$NS" -batch "$TMP/links" || die "cannot create $N tun interfaces"
	c0=$(ticks)
	out=$(nsx "$STORM_DRIVER" -m up6 -x "$ACDCTL" -s "$ACD_SOCKET" -n "$N" -c "$CONC" \
		-e "$TMP/hook.err") || die "hooks failed: $(head -n 5 "$TMP/hook.err")"
	c1=$(ticks)
	echo "  $mode: $out"
	[ "$(ctl -j show stat | jq .sessions)" = "$N" ] || die "$mode: acd has not all $N sessions"
	if [ "$mode" = on ]; then
		got=$(ctl -j show sessions | jq '[.[] | select(.ipv6 != "")] | length')
		ctl -j show ipv6 >"$TMP/ipv6.json"
		used=$(jq .pool_used "$TMP/ipv6.json")
		[ "$used" = "$N" ] || die "on: $used /64s handed out for $N sessions"
		routes=$(nsx ip -6 route show | grep -c '^2001:db8:' || true)
		[ "$routes" = "$N" ] || die "on: $routes routes for $N sessions' /64s"
		[ "$got" = "$N" ] || die "on: $got of $N sessions have their link-local"
	fi
	# the first three RAs of every session go out within 3 x 16 s of its
	# start (RFC 4861's initial advertisements): idle is what comes after
	sleep "$SETTLE"
	r0=$(ctl -j show ipv6 | jq '.ra_out // 0')
	i0=$(ticks)
	sleep "$IDLE"
	i1=$(ticks)
	r1=$(ctl -j show ipv6 | jq '.ra_out // 0')
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$ACD_PID/status")
	rows+=("$(printf '%-4s %8s %9s %9s %12s %14s %10s %10s' "$mode" \
		"$(kv "$out" per_s | cut -d. -f1)" "$(kv "$out" p50_us)" "$(kv "$out" p99_us)" \
		"$(awk -v c=$((c1 - c0)) -v n="$N" -v hz="$hz" 'BEGIN { printf "%.0f", c / hz * 1e6 / n }')" \
		"$(awk -v c=$((i1 - i0)) -v t="$IDLE" -v hz="$hz" 'BEGIN { printf "%.2f", c / hz / t * 100 }')" \
		"$((r1 - r0))" "$rss")")
	acd_stop || die "acd died during the run"
	ACD_PID=
	ip netns del "$NS"
done

echo
echo "IPv6 edge: $N IPv6-only sessions, $CONC hooks at a time, then ${IDLE}s idle (ra-interval ${RAI}s)"
printf '%-4s %8s %9s %9s %12s %14s %10s %10s\n' ipv6 sess/s p50_us p99_us acd_us/sess \
	"idle_cpu_%" "idle_RAs" rss_kB
printf '%s\n' "${rows[@]}"
awk -v a="${rows[0]}" -v b="${rows[1]}" 'BEGIN {
	split(a, x, " "); split(b, y, " ")
	printf "added per session: %+d us of acd CPU, %+d us p50 hook latency; idle: %+.2f %% CPU\n",
		y[5] - x[5], y[3] - x[3], y[6] - x[6] }'
