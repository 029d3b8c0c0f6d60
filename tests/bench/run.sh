#!/bin/bash
# run.sh - the shaper benchmark: the shaper library against the operators'
# status quo (radattr-hook.sh: sed/awk + a fork of tc/ip per object),
# side by side in one run, for N = 100 and N = 1000 sessions.
#
#   usage: tests/bench/run.sh [PATH/TO/bench_shaper]     (as root)
#   or:    ctest -L bench       (from the build directory)
#
# For each N, in a private network namespace holding exactly N interfaces
# ppp0..ppp{N-1} (tun devices: point-to-point and NOARP like ppp; the dev
# kernel has no ppp and no dummy) and N radattr files with varied rates:
#   1. the shell hook runs once per interface, as pppd's ip-up would run it;
#   2. the namespace is made afresh, bench_shaper applies the same policies
#      through the library, then applies them all again (the idempotent
#      re-apply, which must change nothing); this is repeated BENCH_REPEAT
#      times, each in a fresh namespace, and the fastest run counts;
#   3. after each side, tc -j must show on every interface the tbf root at
#      the radattr's download rate, the ingress qdisc and exactly one u32
#      filter with police (or mirred to the IFB, whose tbf must carry the
#      upload rate): a benchmark that shapes nothing proves nothing.
#
# Upload mode: police when the kernel has act_police, else ifb (the hook
# then creates an IFB and redirects to it, the shaper uses up-mode ifb);
# both sides always do the same work.
#
# Environment:
#   BENCH_SHAPER        bench_shaper binary (or give it as $1)
#   BENCH_SIZES         session counts, default "100 1000"
#   BENCH_UPMODE        auto (default), police or ifb
#   BENCH_SHELL_BUDGET  seconds the shell hook may run per N (default 180);
#                       past it the shell is measured on the sessions done
#                       so far (whole hundreds) and the table says so
#   BENCH_ENFORCE       1 (default): exit 1 when a target is missed;
#                       0: report only
#   BENCH_REPEAT        shaper runs per N, the fastest counts (default 5):
#                       a run is under a second, so one burst of load on a
#                       shared machine would otherwise decide the result
# Targets (from the issue): shaper >= 100x faster per session than the
# hook, and shaper per-session cost at the largest N <= 1.5x the smallest.
#
# Exit: 0 ok, 1 failed (verification or target), 2 usage, 77 skipped.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
HOOK=$HERE/radattr-hook.sh
BENCH=${1:-${BENCH_SHAPER:-}}
SIZES=${BENCH_SIZES:-100 1000}
UPMODE=${BENCH_UPMODE:-auto}
BUDGET=${BENCH_SHELL_BUDGET:-180}
ENFORCE=${BENCH_ENFORCE:-1}
REPEAT=${BENCH_REPEAT:-5}
SPEEDUP_TARGET=100
FLAT_TARGET=1.5
# pppd replaces the environment of its scripts; give the hook a plain one.
HOOK_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "run.sh: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (network namespace, tc)"
for t in ip tc sed awk jq date mktemp; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not found"
done
case $REPEAT in ""|*[!0-9]*|0*) echo "run.sh: BENCH_REPEAT=$REPEAT: want a count >= 1" >&2; exit 2 ;; esac
case $UPMODE in auto|police|ifb) ;; *) echo "run.sh: BENCH_UPMODE=$UPMODE: use auto, police or ifb" >&2; exit 2 ;; esac
[ -n "$BENCH" ] || { echo "run.sh: give the bench_shaper binary as \$1 or BENCH_SHAPER" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "run.sh: $BENCH: not an executable" >&2; exit 2; }
[ -r "$HOOK" ] || die "$HOOK missing"

NS=acd-bench-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acd-bench.XXXXXX")
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

nsx() { ip netns exec "$NS" "$@"; }

# A fresh namespace holding exactly $1 interfaces ppp0..ppp{$1-1}, up.
make_ns() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS" || skip "cannot create a network namespace"
	ip -n "$NS" link set lo up
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) print "tuntap add ppp" i " mode tun"
		for (i = 0; i < n; i++) print "link set ppp" i " up" }' >"$TMP/links"
	ip -n "$NS" -batch "$TMP/links" || die "cannot create $1 tun interfaces"
}

max=0
for n in $SIZES; do
	case $n in ''|*[!0-9]*|0*) echo "run.sh: BENCH_SIZES: \"$n\" is not a count" >&2; exit 2 ;; esac
	[ "$n" -le "$max" ] || max=$n
done

# radattr files as radattr.so writes them ("Name Value", rates in kbit/s),
# for the largest N; smaller N use the first ones.  expect.json holds the
# rates the kernel must show afterwards.
radattr_plan "$max" 0

# ---- upload mode: police if the kernel has act_police, else ifb ----
make_ns 0
ip -n "$NS" tuntap add probe0 mode tun
ip -n "$NS" link set probe0 up
nsx tc qdisc add dev probe0 handle ffff: ingress || skip "kernel has no ingress qdisc"
if has_police "$NS"; then has_police=yes; else has_police=no; fi
if [ "$UPMODE" = auto ]; then
	if [ $has_police = yes ]; then UPMODE=police; else UPMODE=ifb; fi
fi
if [ "$UPMODE" = police ] && [ $has_police = no ]; then
	skip "BENCH_UPMODE=police but the kernel has no act_police"
fi
if [ "$UPMODE" = ifb ]; then
	ip -n "$NS" link add probe-ifb type ifb 2>/dev/null || skip "kernel has neither act_police nor ifb"
	nsx tc filter add dev probe0 parent ffff: prio 2 protocol all u32 match u32 0 0 \
		action mirred egress redirect dev probe-ifb 2>/dev/null || skip "kernel has neither act_police nor act_mirred"
fi

# The processes one session of the hook costs, counted if strace is here.
printf 'RP-Upstream-Speed-Limit 1000\nRP-Downstream-Speed-Limit 4000\n' >"$TMP/radattr/radattr.probe0"
if command -v strace >/dev/null 2>&1 &&
	nsx env -i PATH="$HOOK_PATH" RADATTR_DIR="$TMP/radattr" UPMODE="$UPMODE" \
		strace -f -qq -e trace=execve -e signal=none -o "$TMP/strace" \
		/bin/sh "$HOOK" probe0 /dev/pts/0 0 10.255.255.1 100.64.0.2; then
	forks=$(awk '/execve\(/ && / = 0$/ { n++; p = $2; sub(/^execve\("/, "", p);
		sub(/".*/, "", p); sub(/.*\//, "", p); l = l (l ? " " : "") p }
		END { printf "%d (%s; counted with strace)", n, l }' "$TMP/strace")
elif [ "$UPMODE" = police ]; then
	forks="6 (sh sed awk tc tc tc)"
else
	forks="9 (sh sed awk tc ip ip tc tc tc)"
fi
rm -f "$TMP/radattr/radattr.probe0"

# ---- verification: every interface < $1 carries the policy of expect.json ----
verify() {
	verify_tc ppp "$1" "$2"
	echo "verified: $2: $1/$1 interfaces shaped as their radattr files say"
}

# key=value from bench_shaper's line for one pass
field() { sed -n "s/^pass=$1 .*[ ]$2=\([^ ]*\).*/\1/p" "$TMP/bench.out"; }

echo "shaper benchmark: sizes $SIZES, upload mode $UPMODE (act_police: $has_police)"
echo "hook processes per session: $forks"
: >"$TMP/rows"
for n in $SIZES; do
	# ---- the status quo: the hook once per session ----
	make_ns "$n"
	echo "N=$n: shell hook ..."
	res=$(nsx env -i PATH="$HOOK_PATH" RADATTR_DIR="$TMP/radattr" UPMODE="$UPMODE" \
		/bin/sh -c '
		hook=$1 n=$2 budget_ns=$(($3 * 1000000000)) i=0
		t0=$(date +%s%N)
		while [ $i -lt $n ]; do
			/bin/sh "$hook" "ppp$i" "/dev/pts/$i" 0 10.255.255.1 100.64.0.2 ||
				{ echo "radattr-hook.sh failed on ppp$i" >&2; exit 1; }
			i=$((i + 1))
			if [ $((i % 100)) -eq 0 ] && [ $i -lt $n ]; then
				[ $(($(date +%s%N) - t0)) -lt $budget_ns ] || break
			fi
		done
		t1=$(date +%s%N)
		echo "$i $(((t1 - t0) / 1000))"' sh "$HOOK" "$n" "$BUDGET") || die "shell hook run failed"
	shell_k=${res% *} shell_us=${res#* }
	verify "$shell_k" "shell hook (N=$n)"

	# ---- the shaper, from the same pristine state, best of $REPEAT runs ----
	best=
	r=1
	while [ $r -le "$REPEAT" ]; do
		make_ns "$n"
		echo "N=$n: bench_shaper (run $r/$REPEAT) ..."
		nsx "$BENCH" -d "$TMP/radattr" -n "$n" -u "$UPMODE" -r >"$TMP/bench.out" ||
			die "bench_shaper failed (N=$n)"
		sed 's/^/  /' "$TMP/bench.out"
		verify "$n" "shaper (N=$n, after apply + re-apply)"
		apply=$(field apply per_session_us)
		p50=$(field apply p50_us)
		reapply=$(field reapply per_session_us)
		rss=$(sed -n 's/^maxrss_kb=//p' "$TMP/bench.out")
		[ -n "$apply" ] && [ -n "$p50" ] && [ -n "$reapply" ] && [ -n "$rss" ] ||
			die "cannot read bench_shaper's output"
		if [ -z "$best" ] || awk -v a="$apply" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$apply row="$n $shell_k $shell_us $apply $p50 $reapply $rss"
		fi
		r=$((r + 1))
	done
	echo "$row" >>"$TMP/rows"
done
ip netns del "$NS"

echo
sort -n "$TMP/rows" >"$TMP/rows.sorted"
awk -v mode="$UPMODE" -v st="$SPEEDUP_TARGET" -v ft="$FLAT_TARGET" -v budget="$BUDGET" \
	-v rep="$REPEAT" '
{
	n[NR] = $1; k[NR] = $2; sh[NR] = $3 / $2; ap[NR] = $4; p50[NR] = $5; re[NR] = $6
	rss[NR] = $7
}
END {
	printf "%6s  %-6s  %14s  %14s  %10s  %8s  %14s  %11s\n", "N", "mode",
		"shell us/sess", "shaper us/sess", "shaper p50", "speed-up", "re-apply us/s",
		"peak RSS kB"
	bad = 0
	for (i = 1; i <= NR; i++) {
		sp = sh[i] / ap[i]
		printf "%6d  %-6s  %14.1f  %14.1f  %10.1f  %7.0fx  %14.1f  %11d\n", n[i], mode,
			sh[i], ap[i], p50[i], sp, re[i], rss[i]
		if (k[i] < n[i])
			printf "        (shell measured on ppp0..ppp%d: %d of %d sessions, %ds budget)\n",
				k[i] - 1, k[i], n[i], budget
		if (sp < st) bad = 1
	}
	printf "us/sess = total wall time / sessions; shaper: best of %d runs, shell: one run\n", rep
	printf "speed-up target >= %dx: %s\n", st, bad ? "MISSED" : "met"
	if (NR > 1) {
		fl = ap[NR] / ap[1]
		printf "flatness: shaper us/session N=%d / N=%d = %.2f (target <= %.1f): %s\n",
			n[NR], n[1], fl, ft, fl <= ft ? "met" : "MISSED"
		if (fl > ft) bad = 1
	}
	exit bad
}' "$TMP/rows.sorted" && ok=1 || ok=0
if [ $ok = 0 ] && [ "$ENFORCE" != 0 ]; then
	echo "run.sh: FAIL: a target was missed" >&2
	exit 1
fi
exit 0
