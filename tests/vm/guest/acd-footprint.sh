#!/bin/bash
# Scenario acd-footprint: what acd costs on this guest's CPU, to set the
# architectures side by side (the same scenario on amd64 and on ARM guests,
# both emulated: compare ratios, not absolute times).
#
#   acd's RSS when idle and with N sessions; the latency of pppd's hook
#   (`acdctl hook ip-up` run as pppd runs it: spawn, request, the session
#   shaped from its radattr file, answer) for N sessions one after another,
#   then of ip-down; every session's shaping read back from the kernel.
#
# The session links are veths named pppN (real PPP is what pppoe-shaping
# tests; here only acd's own cost is measured); the pppd is a stand-in
# process of that name.  N is ACD_VM_FOOTPRINT_N (20).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_need
need_modules veth sch_tbf sch_ingress cls_u32 act_police
N=${ACD_VM_FOOTPRINT_N:-20}
log "$(uname -m): acd $ACD_BIN, acdctl $ACDCTL, $N sessions"

netns_add ac sub
{
	acd_conf_head "$W" info "$W"
	printf '[shaper]\nprofile = tbf\nup-mode = police\n'
} > "$W/acd.conf"
must "acd -n" ip netns exec ac "$ACD_BIN" -n -c "$W/acd.conf"
ACD_START_WAIT=30 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec ac ||
	fail "acd does not answer on $ACD_SOCKET: $(tail -5 "$VM_WORK/acd.log")"
# rss_kb: kB of acd's memory now, from a walk of its page tables
# (smaps_rollup's Rss): status's VmRSS comes from per-thread counters the
# kernel folds in lazily (every 64 page faults on 6.1), so a few hundred kB
# more may not show there at all.  hwm_kb: its peak, VmHWM, as lazy: never
# less than the Rss just read
rss_kb() { awk '$1 == "Rss:" { print $2 }' "/proc/$ACD_PID/smaps_rollup"; }
hwm_kb() { awk -v r="$(rss_kb)" '$1 == "VmHWM:" { print ($2 > r ? $2 : r) }' "/proc/$ACD_PID/status"; }
sleep 1
rss0=$(rss_kb)
[ -n "$rss0" ] || fail "no Rss in /proc/$ACD_PID/smaps_rollup"
result "acd RSS idle: $rss0 kB"

cp "$(command -v sleep)" "$VM_WORK/pppd"
# (not on the console: stage2 reads it to its end, and a failure would
# wait for this sleep instead of powering off)
"$VM_WORK/pppd" 900 >/dev/null 2>&1 &
PPPD=$!

# ms_since T0: milliseconds from EPOCHREALTIME T0 to now
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", (b - a) * 1000}'; }
# hook_ms EVENT I: pppd's hook for pppI, its latency in ms on stdout
hook_ms() {
	local t0=$EPOCHREALTIME
	pppd_hook "$1" "ppp$2" "10.77.$2.1" "10.77.$2.2" "$PPPD" "u$2" \
		"02:00:00:00:00:$(printf %02x "$2")" ACD_SOCKET="$ACD_SOCKET" "$ACDCTL" hook "$1" \
		>>"$VM_WORK/hook.log" 2>&1 || fail "hook $1 ppp$2 failed: $(tail -3 "$VM_WORK/hook.log")"
	ms_since "$t0"
}
# pct P MS...: the P-th percentile (nearest rank) of MS
pct() { local p=$1; shift; printf '%s\n' "$@" | sort -g | awk -v p="$p" '{v[NR] = $1} END {i = int((p * NR + 99) / 100); if (i < 1) i = 1; print v[i]}'; }

step "ip-up of $N sessions, one after another"
up=()
for i in $(seq "$N"); do
	ip link add "ppp$i" netns ac type veth peer name "s$i" netns sub
	ip -n ac addr add "10.77.$i.1" peer "10.77.$i.2/32" dev "ppp$i"
	ip -n ac link set "ppp$i" up
	ip -n sub link set "s$i" up
	printf 'User-Name u%s\nFramed-IP-Address 10.77.%s.2\nRP-Downstream-Speed-Limit %s\nRP-Upstream-Speed-Limit %s\n' \
		"$i" "$i" $((10000 + i)) $((5000 + i)) > "$W/radattr.ppp$i"
	up+=("$(hook_ms ip-up "$i")")
done
s=$(ctlj show sessions)
jq_assert "$N sessions" "$s" "length == $N"
for i in 1 "$N"; do
	jq_assert "ppp$i from RADIUS" "$s" \
		"any(.[]; .ifname == \"ppp$i\" and .user == \"u$i\" and .down == $(( (10000 + i) * 1000 )) and .up == $(( (5000 + i) * 1000 )))"
	q=$(tc_json ac qdisc show dev "ppp$i")
	jq_assert "tbf on ppp$i" "$q" "any(.[]; .root == true and .kind == \"tbf\" and .options.rate == $(( (10000 + i) * 1000 / 8 )))"
	r=$(ip netns exec ac tc filter show dev "ppp$i" ingress | tc_word_bps rate) || fail "no police on ppp$i"
	[ "$r" = $(( (5000 + i) * 1000 )) ] || fail "police on ppp$i at $r bit/s"
done
rssn=$(rss_kb)
result "acd RSS with $N sessions: $rssn kB (idle $rss0 kB, peak $(hwm_kb) kB)"
result "hook ip-up latency: p50 $(pct 50 "${up[@]}") ms, p90 $(pct 90 "${up[@]}") ms, max $(pct 100 "${up[@]}") ms (all: ${up[*]})"

step "ip-down of $N sessions"
down=()
for i in $(seq "$N"); do
	down+=("$(hook_ms ip-down "$i")")
done
jq_assert "no sessions after ip-down" "$(ctlj show sessions)" 'length == 0'
for i in 1 "$N"; do
	jq_assert "no tbf on ppp$i after ip-down" "$(tc_json ac qdisc show dev "ppp$i")" 'all(.[]; .kind != "tbf")'
done
result "hook ip-down latency: p50 $(pct 50 "${down[@]}") ms, max $(pct 100 "${down[@]}") ms"
result "acd RSS after ip-down: $(rss_kb) kB"
# a hook slower than pppd waits for its scripts is a failure anywhere
awk -v v="$(pct 100 "${up[@]}")" 'BEGIN{exit !(v < 5000)}' || fail "an ip-up hook took over 5 s"
acd_stop || fail "acd had exited"
[ "$ACD_RC" = 0 ] || fail "acd exited $ACD_RC at SIGTERM"
kill "$PPPD"
pass
