#!/bin/bash
# Benchmark (VM guest, tests/vm/run.sh): latency under load per shaping
# mode, on a real PPPoE session with acd as the access concentrator.
#
#   sub/eth0 -- ac/eth-sub: acd's [pppoe], a kernel-mode pppd; the session
#   shaped by acd ([shaper] profile and up-mode per mode, the plan's rates
#   set live with acdctl shaper set)
#
# For each mode and plan: irtt (one packet every 10 ms, one-way delays: the
# two ends share the guest's clock) alone, then under bidirectional
# saturation: iperf3 -R -P 4 (download) and iperf3 -P 4 (upload) at once,
# irtt from 4 s into them.  Reported, the median of ACD_BENCH_ROUNDS rounds
# of each: the idle RTT, the added one-way delay (under load - idle) at the
# median and p99 for download (server -> subscriber) and upload, each
# direction's TCP goodput as a % of the plan, and Jain's fairness index of
# its four flows (1 = equal shares).  Modes (download / upload):
#   tbf      tbf / police (the tbf profile on a kernel with act_police)
#   tbf-ifb  tbf / IFB + tbf (the tbf profile without act_police)
#   fq_codel htb + fq_codel / IFB + htb + fq_codel
#   cake     cake / IFB + cake
# and once, unshaped (the baseline of the link itself).  Variants of cake,
# to choose its options on numbers (acd gives besteffort, raw length, no
# ack filter; each variant is acd's cake changed with tc after every rate
# change, both ways unless said):
#   cake-ds4  diffserv4 (four tins by DSCP) instead of besteffort
#   cake-ovh  overhead 26: each packet counted with its PPPoE (8), Ethernet
#             (14) and FCS (4) bytes, the operator's link rather than IP
#   cake-ack  ack-filter on the upload (the IFB): drops ACKs a later ACK
#             makes redundant
#
# Environment: ACD_BENCH_ROUNDS (2), ACD_BENCH_PLANS ("10 50 100", Mbit/s,
# the same both ways), ACD_BENCH_MODES ("tbf tbf-ifb fq_codel cake"; the
# cake-* variants on demand),
# ACD_VM_IPERF_T (seconds of load, 14).  Fails only when a session or a
# measurement does not work; the table is the result.
# shellcheck source=../vm/guest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest/lib.sh"
# shellcheck source=../vm/guest/acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

ROUNDS=${ACD_BENCH_ROUNDS:-2}
read -r -a PLANS <<<"${ACD_BENCH_PLANS:-10 50 100}"
read -r -a MODES <<<"${ACD_BENCH_MODES:-tbf tbf-ifb fq_codel cake}"
T=${ACD_VM_IPERF_T:-14}
acd_need
for p in iperf3 irtt jq; do
	command -v "$p" >/dev/null || skip "$p is not installed on the host (tools/install-deps)"
done
need_modules ppp_generic pppoe veth sch_tbf sch_htb sch_fq_codel sch_cake ifb sch_ingress \
	cls_u32 act_police act_mirred

AC_IP=100.64.0.1

step "topology: sub/eth0 -- ac/eth-sub; acd as the AC"
ac_pap_pair ac sub alice 100.64.0.10
ac_start ac "$W/pppoe-options" eth-sub "[shaper]" "profile = tbf" "up-mode = police" \
	"default-down = 10M" "default-up = 10M"
pppoe_client_start sub eth0 alice alice lcp-max-configure 40
ppp_wait sub ppp0 60
SUB_IP=$(ppp_local_ip sub ppp0)
wait_until 20 eval '[ "$(ctl -j show session alice 2>/dev/null | jq -r ".down // 0")" = 10000000 ]' ||
	fail "acd did not shape alice: $(ctl -j show session alice)"
ip netns exec ac iperf3 -s -B "$AC_IP" -p 5201 -D >/dev/null 2>&1
ip netns exec ac iperf3 -s -B "$AC_IP" -p 5202 -D >/dev/null 2>&1
ip netns exec ac irtt server -b "$AC_IP:2112" > "$W/irtt-server.log" 2>&1 &
wait_until 5 eval 'ip netns exec ac ss -Hlun "sport = :2112" | grep -q .' || fail "irtt server did not start"

# mode_set MODE: [shaper] of acd.conf for MODE, reloaded
mode_set() {
	local prof up
	case $1 in
	tbf)      prof=tbf up=police ;;
	tbf-ifb)  prof=tbf up=ifb ;;
	fq_codel) prof=fq_codel up=auto ;;
	cake|cake-*) prof=cake up=auto ;;
	*)        fail "mode $1: unknown" ;;
	esac
	sed -i -e "s/^profile = .*/profile = $prof/" -e "s/^up-mode = .*/up-mode = $up/" "$W/acd.conf"
	ctl reload >/dev/null || fail "reload to mode $1 failed: $(tail -3 "$VM_WORK/acd.log")"
}

# cake_variant MODE: a cake-* mode's options on acd's cake, after each rate
# change (tc change keeps what it does not name: rate, memlimit, handle)
cake_variant() {
	local down up dev
	case $1 in
	cake-ds4) down=diffserv4 up=diffserv4 ;;
	cake-ovh) down="overhead 26" up="overhead 26" ;;
	cake-ack) down='' up=ack-filter ;;
	*)        return 0 ;;
	esac
	for dev in ppp0 ifb-ppp0; do
		local o=$down
		[ "$dev" = ppp0 ] || o=$up
		[ -n "$o" ] || continue
		# shellcheck disable=SC2086 # o is tc's words
		tc -n ac qdisc change dev "$dev" root cake $o ||
			fail "$1: tc qdisc change dev $dev root cake $o"
		tc -n ac qdisc show dev "$dev" root | grep -q "${o%% *}" ||
			fail "$1: $dev's cake did not take $o: $(tc -n ac qdisc show dev "$dev" root)"
	done
}

# irtt_stats FILE: "rtt_p50 send_p50 send_p99 recv_p50 recv_p99 lost" in ms
irtt_stats() {
	jq -r '[.round_trips[] | select(.delay.rtt != null)] as $r
	| def pct(f; p): ([$r[] | f] | sort) as $s | if ($s | length) == 0 then -1
	    else $s[((($s | length) - 1) * p | floor)] / 1e6 end;
	[pct(.delay.rtt; 0.5), pct(.delay.send; 0.5), pct(.delay.send; 0.99),
	 pct(.delay.receive; 0.5), pct(.delay.receive; 0.99),
	 ((.round_trips | length) - ($r | length))] | map(. * 1000 | round / 1000) | @tsv' "$1"
}
# iperf_stats FILE: "Mbit/s jain" of one direction's four flows
iperf_stats() {
	jq -r '[.end.streams[].receiver.bits_per_second] as $x
	| [.end.sum_received.bits_per_second / 1e6,
	   (($x | add) * ($x | add)) / (($x | length) * ($x | map(. * .) | add))]
	| map(. * 1000 | round / 1000) | @tsv' "$1"
}

# one_case MODE PLAN ROUND: a row of raw numbers in $W/raw.tsv
one_case() {
	local mode=$1 plan=$2 r=$3 bps idle load d u pd pu
	bps=$((plan * 1000000))
	[ "$plan" = 0 ] && bps=0
	ctl shaper set alice "$bps" "$bps" >/dev/null || fail "acdctl shaper set alice $bps $bps"
	[ "$plan" = 0 ] || cake_variant "$mode"
	sleep 1
	ip netns exec sub irtt client -i 10ms -d 3s -q -o "$W/idle.json" "$AC_IP:2112" >/dev/null 2>&1 ||
		fail "irtt (idle) failed"
	idle=$(irtt_stats "$W/idle.json")
	ip netns exec sub iperf3 -c "$AC_IP" -p 5201 -R -P 4 -t "$T" -J > "$W/down.json" 2>&1 &
	pd=$!
	ip netns exec sub iperf3 -c "$AC_IP" -p 5202 -P 4 -t "$T" -J > "$W/up.json" 2>&1 &
	pu=$!
	sleep 4
	ip netns exec sub irtt client -i 10ms -d $((T - 6))s -q -o "$W/load.json" "$AC_IP:2112" \
		>/dev/null 2>&1 || fail "irtt (under load) failed"
	wait "$pd" || fail "$mode $plan: iperf3 down: $(head -c 300 "$W/down.json")"
	wait "$pu" || fail "$mode $plan: iperf3 up: $(head -c 300 "$W/up.json")"
	load=$(irtt_stats "$W/load.json")
	d=$(iperf_stats "$W/down.json")
	u=$(iperf_stats "$W/up.json")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$plan" "$r" "$idle" "$load" "$d" "$u" >> "$W/raw.tsv"
	log "$mode ${plan}M round $r: idle [$idle] load [$load] down [$d] up [$u]"
}

: > "$W/raw.tsv"
for r in $(seq 1 "$ROUNDS"); do
	for mode in "${MODES[@]}"; do
		step "round $r: $mode"
		mode_set "$mode"
		for plan in "${PLANS[@]}"; do one_case "$mode" "$plan" "$r"; done
	done
	step "round $r: unshaped"
	one_case unshaped 0 "$r"
done
cp "$W/raw.tsv" "$VM_OUT/latency-raw.tsv" 2>/dev/null || true

# columns of raw.tsv: mode plan round | idle: rtt s50 s99 r50 r99 lost |
# load: rtt s50 s99 r50 r99 lost | down: mbps jain | up: mbps jain
step "latency under load (median of $ROUNDS rounds; one-way delay added by the load, ms)"
awk -F'\t' '
function med(k,   n, i, j, t, a) {
	n = split(v[k], a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $1 SUBSEP $2
	if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
	v[k, "idle"] = v[k, "idle"] " " $4
	v[k, "d50"] = v[k, "d50"] " " ($13 - $7); v[k, "d99"] = v[k, "d99"] " " ($14 - $7)
	v[k, "u50"] = v[k, "u50"] " " ($11 - $5); v[k, "u99"] = v[k, "u99"] " " ($12 - $5)
	v[k, "lost"] = v[k, "lost"] " " $15
	v[k, "gd"] = v[k, "gd"] " " ($2 ? $16 / $2 * 100 : $16); v[k, "jd"] = v[k, "jd"] " " $17
	v[k, "gu"] = v[k, "gu"] " " ($2 ? $18 / $2 * 100 : $18); v[k, "ju"] = v[k, "ju"] " " $19
}
END {
	printf "%-9s %5s %8s %8s %8s %8s %8s %6s %9s %9s %7s %7s\n", "mode", "plan", "idle_rtt",
		"down_p50", "down_p99", "up_p50", "up_p99", "lost", "goodput_d", "goodput_u", "fair_d", "fair_u"
	for (i = 1; i <= nk; i++) {
		k = order[i]; split(k, m, SUBSEP)
		printf "%-9s %5s %8.2f %8.2f %8.2f %8.2f %8.2f %6d %8.1f%s %8.1f%s %7.3f %7.3f\n", m[1],
			m[2] ? m[2] "M" : "none", med(k SUBSEP "idle"), med(k SUBSEP "d50"),
			med(k SUBSEP "d99"), med(k SUBSEP "u50"), med(k SUBSEP "u99"),
			med(k SUBSEP "lost"), med(k SUBSEP "gd"), m[2] ? "%" : "M", med(k SUBSEP "gu"),
			m[2] ? "%" : "M", med(k SUBSEP "jd"), med(k SUBSEP "ju")
	}
}' "$W/raw.tsv" | tee "$W/table.txt"
while IFS= read -r line; do result "latency" "$line"; done < "$W/table.txt"
pass
