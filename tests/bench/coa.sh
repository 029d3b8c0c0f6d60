#!/bin/bash
# coa.sh - CoA throughput of acd (issue 5): COA_SESSIONS (default 1000)
# sessions, then coa_load sends CoA-Requests for COA_SECONDS (default 10),
# each a real rate change of one session (round-robin, NAS-Port-Id), with
# COA_OUTSTANDING (default 32) in flight, every reply verified.  acd runs
# pinned to one CPU (taskset), the load generator on another.
#
#   usage: tests/bench/coa.sh      (root; ACD_BIN, ACDCTL, ACD_DICT,
#                                    STORM_DRIVER, COA_LOAD in the environment)
#   or:    ctest -L bench -R bench.coa -V
#
# Verified after the run: every session is shaped at the rate its last
# CoA set, in acd's table and in the kernel (tc -j).
# Targets: >= 2000 requests/s on one core, p99 < 5 ms (COA_ENFORCE=0:
# report only).  Exit 0 ok, 1 failed, 2 usage, 77 skipped.
set -euo pipefail

N=${COA_SESSIONS:-1000}
SECS=${COA_SECONDS:-10}
OUT=${COA_OUTSTANDING:-32}
ENFORCE=${COA_ENFORCE:-1}
RATE_TARGET=2000
P99_TARGET_US=5000

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "coa.sh: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, tc)"
for t in ip tc jq taskset nproc; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not found"
done
for v in ACD_BIN ACDCTL STORM_DRIVER COA_LOAD; do
	eval "x=\${$v:-}"
	[ -n "$x" ] && [ -x "$x" ] || { echo "coa.sh: $v is not set or not executable" >&2; exit 2; }
done
[ -r "${ACD_DICT:-}" ] || { echo "coa.sh: ACD_DICT is not set" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (acd on one, the load generator on another)"

NS=acd-coa-bench-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acd-coa.XXXXXX")
ACD_PID=
cleanup() {
	[ -z "$ACD_PID" ] || { kill "$ACD_PID" 2>/dev/null; wait "$ACD_PID" 2>/dev/null; } || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
ACD_SOCKET=$TMP/acd.sock
ctl() { "$ACDCTL" -s "$ACD_SOCKET" "$@"; }
nsx() { ip netns exec "$NS" "$@"; }

mkdir "$TMP/radattr"
awk -v n="$N" -v d="$TMP/radattr" 'BEGIN { for (i = 0; i < n; i++) {
	f = d "/radattr.ppp" i; print "User-Name sub" i >f
	print "RP-Downstream-Speed-Limit 10240" >f; print "RP-Upstream-Speed-Limit 2048" >f; close(f) } }'
(umask 077 && echo "bench-secret" >"$TMP/secret")
ip netns add "$NS" || skip "cannot create a network namespace"
ip -n "$NS" link set lo up
if has_police "$NS"; then UPMODE=police; else UPMODE=ifb; fi
{
	bench_conf
	cat <<CONF
[coa]
listen = 127.0.0.1:3799
client = 127.0.0.1 $TMP/secret
CONF
} >"$TMP/acd.conf"
bench_acd taskset -c 0
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) print "tuntap add ppp" i " mode tun"
	for (i = 0; i < n; i++) print "link set ppp" i " up" }' >"$TMP/links"
ip -n "$NS" -batch "$TMP/links" || die "cannot create $N tun interfaces"
nsx "$STORM_DRIVER" -m up -x "$ACDCTL" -s "$ACD_SOCKET" -n "$N" -c 2 -e "$TMP/hook.err" >/dev/null ||
	die "not every session came up: $(sort "$TMP/hook.err" | uniq -c | head -3)"
[ "$(ctl -j show stat | jq .sessions)" = "$N" ] || die "acd does not have $N sessions"

echo "acd CoA benchmark: $N sessions, $SECS s, $OUT requests in flight, upload mode $UPMODE," \
	"acd on CPU 0, load on CPU 1"
kv() { printf '%s\n' "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# load ARGS...: one coa_load run; sets out, prints it with acd's CPU per request
load() {
	t0=$(awk '{ print $14 + $15 }' "/proc/$ACD_PID/stat")
	out=$(nsx taskset -c 1 "$COA_LOAD" -a 127.0.0.1:3799 -S "$TMP/secret" -n "$N" -d "$SECS" \
		-r 4096,8192 "$@") || true
	ticks=$(($(awk '{ print $14 + $15 }' "/proc/$ACD_PID/stat") - t0))
	[ -n "$(kv sent)" ] || die "coa_load failed"
	cpu_us=$((ticks * 1000000 / $(getconf CLK_TCK)))
	echo "  $out acd_cpu_us_per_req=$(($(kv acked) > 0 ? cpu_us / $(kv acked) : 0))"
	[ "$(kv lost)" = 0 ] && [ "$(kv bad)" = 0 ] && [ "$(kv naked)" = 0 ] || { ok=0; echo "  FAIL: lost, NAKed or bad replies"; }
}
ok=1
echo "most it can do ($OUT in flight):"
load -c "$OUT"
max_rate=$(kv req_s)
echo "at the target load, $RATE_TARGET requests/s sent at a steady pace:"
load -R "$RATE_TARGET"
paced_rate=$(kv req_s) p99=$(kv p99_us) p50=$(kv p50_us) maxl=$(kv max_us)
echo "acd:    $(ctl -j show stat | jq -c '.coa | {requests, acks, naks, duplicates, dropped, latency}')"

# verification: acd's table and the kernel agree on every session's rate,
# and that rate is one the benchmark set
ctl -j show sessions >"$TMP/s.json"
nsx tc -j qdisc show >"$TMP/q.json"
bad=$(jq -r --slurpfile q "$TMP/q.json" '
	(reduce ($q[0][] | select(.root == true)) as $x ({}; .[$x.dev] = $x)) as $root
	| [ .[] | select((.source | startswith("coa:") | not) or (.down != 4096000 and .down != 8192000)
	           or ($root[.ifname].options.rate * 8) != .down)
	    | "\(.ifname): acd \(.down) from \(.source), kernel \(($root[.ifname].options.rate // 0) * 8)" ]
	| .[:5][], (if length > 5 then "... and \(length - 5) more" else empty end)' "$TMP/s.json")
[ -z "$bad" ] || die "sessions not at their CoA rate: $bad"
echo "verified: all $N sessions at the rate their last CoA set (acd's table and tc -j)"

# the paced run must have kept up: at least 97% of the target rate answered
if [ "$max_rate" -ge $RATE_TARGET ] && [ "$paced_rate" -ge $((RATE_TARGET * 97 / 100)) ]; then r="met"; else r="MISSED"; ok=0; fi
echo "target >= $RATE_TARGET requests/s on one core: at most $max_rate/s; $paced_rate/s answered at a pace of $RATE_TARGET/s: $r"
if [ "$p99" -lt $P99_TARGET_US ]; then r="met"; else r="MISSED"; ok=0; fi
echo "target p99 < $((P99_TARGET_US / 1000)) ms at $RATE_TARGET requests/s: p99 $(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }') ms" \
	"(p50 $p50 us, max $maxl us; send to verified reply): $r"
[ $ok = 1 ] || [ "$ENFORCE" = 0 ] || exit 1
exit 0
