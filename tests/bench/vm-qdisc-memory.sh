#!/bin/bash
# Benchmark (VM guest, tests/vm/run.sh): the kernel memory one subscriber's
# shaping takes, per mode, with ACD_BENCH_N (1000) sessions.
#
# Each session is a dummy device standing for its pppN, shaped by acd-shape
# as acd shapes a session in that mode (download 100M, upload 20M):
#   tbf       tbf 1: down, police up (no IFB)
#   fq_codel  htb 2: + fq_codel 21: down, an IFB with the same up
#   cake      cake 4: down, an IFB with cake 4: up
# Memory is MemTotal - MemFree after dropping the page cache, and Slab,
# before and after shaping all N, divided by N (the dummies exist in both);
# then every session is cleared and the next mode measured.  The result
# goes in docs/shaping.md: what 1000 sessions cost on a 4 GB Raspberry Pi.
#
# A mode that would leave the guest under 15 % of its memory stops there
# and says how many sessions fitted (cake: 1000 do not fit in 2 GiB).
#
# Environment: ACD_BENCH_N (1000), ACD_BENCH_MODES ("tbf fq_codel cake").
# shellcheck source=../vm/guest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest/lib.sh"

N=${ACD_BENCH_N:-1000}
need_shaper
need_modules dummy ifb sch_tbf sch_htb sch_fq_codel sch_cake sch_ingress cls_u32 act_police \
	act_mirred

used_kb() { awk '/^MemTotal:/{t=$2} /^MemFree:/{f=$2} END{print t - f}' /proc/meminfo; }
slab_kb() { awk '/^Slab:/{print $2}' /proc/meminfo; }
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 2; }
total_kb() { awk '/^MemTotal:/{print $2}' /proc/meminfo; }
avail_pct() { awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{printf "%d", a * 100 / t}' /proc/meminfo; }

netns_add m
for i in $(seq 1 "$N"); do echo "link add d$i type dummy"; echo "link set d$i up"; done > "$VM_WORK/links"
ip -n m -batch "$VM_WORK/links" || fail "cannot create $N dummy devices"

declare -A ARGS=(
	[tbf]="down 100M up 20M up-mode police"
	[fq_codel]="down 100M up 20M down-qdisc htb leaf fq_codel up-mode ifb up-qdisc htb up-leaf fq_codel"
	[cake]="down 100M up 20M down-qdisc cake up-mode ifb up-qdisc cake"
)
read -r -a MODES <<<"${ACD_BENCH_MODES:-tbf fq_codel cake}"
for mode in "${MODES[@]}"; do
	step "$mode: $N sessions"
	settle
	u0=$(used_kb) s0=$(slab_kb) t0=$(vm_elapsed)
	n=0 stop=''
	for i in $(seq 1 "$N"); do
		# shellcheck disable=SC2086 # the words of ARGS are acd-shape's
		ip netns exec m "$ACD_SHAPE" apply "d$i" ${ARGS[$mode]} >/dev/null ||
			fail "acd-shape apply d$i ${ARGS[$mode]}"
		n=$i
		# a guest short of memory stops here rather than meet the OOM killer
		if [ $((i % 25)) = 0 ] && [ "$(avail_pct)" -lt 15 ]; then
			stop=" (stopped: under 15 % of the guest's $(( $(total_kb) / 1024 )) MiB left)"
			break
		fi
	done
	t1=$(secs_since "$t0")
	settle
	u1=$(used_kb) s1=$(slab_kb)
	result "memory $mode" "$(( (u1 - u0) / n )) KiB per session ($(( (s1 - s0) / n )) KiB slab), $(( (u1 - u0) / 1024 )) MiB for $n sessions$stop; applied in ${t1}s"
	for i in $(seq 1 "$n"); do ip netns exec m "$ACD_SHAPE" clear "d$i" >/dev/null || fail "clear d$i"; done
	[ -z "$(ip -n m -o link show type ifb)" ] || fail "IFBs left after clearing $mode"
done
pass
