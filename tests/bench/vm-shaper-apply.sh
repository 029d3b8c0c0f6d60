#!/bin/bash
# Benchmark (VM guest, tests/vm/run.sh): what applying one session's shaping
# costs with each profile, at N = 1000 and 5000 sessions, on a kernel that
# has every qdisc and action (the development kernel has neither fq_codel
# nor act_police, so bench.shaper there can only measure tbf).
#
# bench_shaper does per session what acd does at ip-up: read the session's
# radattr file, build the policy of the profile (-P, picked after probing
# the kernel as acd picks it) and apply it with shaper_apply().  Profiles:
#   tbf       tbf 1: down, an ingress qdisc + u32 + police up (no IFB)
#   fq_codel  htb 2: + fq_codel 21: down, an IFB with the same up: what
#             profile auto takes on this kernel
# Each size and profile starts from a fresh namespace of N dummy devices
# standing for the pppN; a second pass applies the same policies again
# (acd's no-op on a repeated hook).  Reported per session: wall time
# (mean, p50, p99) and the CPU of the process split into user and system:
# netlink requests run in the sender's context, so the system share is the
# kernel's own work (creating the IFB, the qdiscs, the filter and actions).
#
# Environment: ACD_BENCH_SIZES ("1000 5000"), ACD_BENCH_PROFILES
# ("tbf fq_codel"), ACD_BUILD_DIR (ctest sets it; bench_shaper is there).
# shellcheck source=../vm/guest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest/lib.sh"

BENCH=${ACD_BUILD_DIR:?ACD_BUILD_DIR is not set (ctest sets it)}/tests/bench/bench_shaper
[ -x "$BENCH" ] || fail "$BENCH is not built: cmake --build build --target bench_shaper"
need_modules dummy ifb sch_tbf sch_htb sch_fq_codel sch_ingress cls_u32 act_police act_mirred

read -r -a SIZES <<<"${ACD_BENCH_SIZES:-1000 5000}"
read -r -a PROFILES <<<"${ACD_BENCH_PROFILES:-tbf fq_codel}"

# kv LINE KEY: the value of KEY= in one of bench_shaper's pass lines
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
# per S N: S microseconds over N sessions, one decimal
# drop_m: the namespace m deleted, and its devices gone: the kernel tears a
# namespace down after `ip netns del` returns, thousands of IFBs and dummies
# for minutes under TCG, which the next measurement must not share the CPU
# with.  Its devices live in m, out of sight: the canary's outer end
# disappears with them.
drop_m() {
	ip netns del m 2>/dev/null || return 0
	wait_until 600 sh -c '! ip link show m-canary >/dev/null 2>&1' ||
		fail "the last namespace's devices are still there 10 minutes after it went"
}
per() { awk -v s="$1" -v n="$2" 'BEGIN{printf "%.0f", s / n}'; }

mkdir -p "$VM_WORK/rad"
for n in "${SIZES[@]}"; do
	step "$n radattr files"
	for i in $(seq 0 $((n - 1))); do
		printf 'RP-Downstream-Speed-Limit 100000\nRP-Upstream-Speed-Limit 20000\n' \
			> "$VM_WORK/rad/radattr.ppp$i"
	done
	for prof in "${PROFILES[@]}"; do
		step "$prof: $n sessions"
		drop_m
		netns_add m
		# the canary: a veth pair across, whose outer end goes in the same
		# batch as every device of m when m is torn down
		ip link add m-canary type veth peer name canary netns m ||
			fail "cannot link the canary into m"
		for i in $(seq 0 $((n - 1))); do
			echo "link add ppp$i type dummy"; echo "link set ppp$i up"
		done > "$VM_WORK/links"
		ip -n m -batch "$VM_WORK/links" || fail "cannot create $n dummy devices"
		out=$(ip netns exec m "$BENCH" -d "$VM_WORK/rad" -n "$n" -P "$prof" -r) ||
			fail "bench_shaper -P $prof -n $n: $out"
		printf '%s\n' "$out"
		for pass in apply reapply; do
			l=$(grep "^pass=$pass " <<<"$out")
			[ "$(kv "$l" profile)" = "$prof" ] ||
				fail "bench_shaper applied profile $(kv "$l" profile), not $prof"
			result "$pass $prof N=$n" \
				"$(kv "$l" per_session_us) us per session" \
				"(p50 $(kv "$l" p50_us), p99 $(kv "$l" p99_us) us;" \
				"CPU user $(per "$(kv "$l" user_us)" "$n") + system $(per "$(kv "$l" sys_us)" "$n") us)"
		done
		[ "$(ip -n m -o link show type ifb | wc -l)" = \
		  "$([ "$prof" = tbf ] && echo 0 || echo "$n")" ] ||
			fail "$prof: $(ip -n m -o link show type ifb | wc -l) IFBs for $n sessions"
	done
	drop_m
	rm -f "$VM_WORK"/rad/radattr.*
done
pass
