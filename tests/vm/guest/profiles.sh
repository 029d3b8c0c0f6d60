#!/bin/bash
# Scenario profiles: [shaper] profile on a kernel that has every qdisc
# (Debian's: cake, fq_codel, htb, tbf, act_police), with acd as the PPPoE
# access concentrator and a real PPP session shaped from [shaper]
# default-down/default-up.
#
#   1. profile auto: acd -n and its log say it chose fq_codel; the session's
#      pppN has htb 2: with class 2:1 at the download rate and fq_codel 21:
#      below it, its IFB the same at the upload rate; iperf3 both ways
#      within the band.
#   2. a live change (acdctl shaper set) in the middle of a download: the
#      htb class moves in place and the leaf stays (the same qdisc: handle
#      21:, its byte counter goes on rather than starting again), the
#      download follows, and no second of it ran above the old rate (no
#      unshaped gap).
#   3. reload to profile cake: the session moves to cake 4: both ways
#      (besteffort, raw); iperf3 within the band; a live change changes
#      cake in place (same handle, counters on).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_need
command -v iperf3 >/dev/null || skip "iperf3 is not installed on the host (tools/install-deps)"
need_modules ppp_generic pppoe veth sch_cake sch_fq_codel sch_htb ifb sch_ingress cls_u32 act_mirred

AC_IP=100.64.0.1
DOWN=12000000 UP=6000000
DOWN2=4000000 UP2=3000000

step "topology: sub/eth0 -- ac/eth-sub; acd as the AC, profile auto, its hooks installed"
ac_pap_pair ac sub alice 100.64.0.10
ac_start ac "$W/pppoe-options" eth-sub "[shaper]" "profile = auto" \
	"default-down = $DOWN" "default-up = $UP"
why=$(ip netns exec ac "$ACD_BIN" -n -c "$W/acd.conf" | sed -n 's/^shaper: //p')
log "acd -n: shaper: $why"
[[ $why == "profile auto chose fq_codel (htb + fq_codel): this kernel has sch_fq_codel"* ]] ||
	fail "acd -n does not say profile auto chose fq_codel: $why"
grep -q 'shaper: profile auto chose fq_codel' "$VM_WORK/acd.log" ||
	fail "acd's log does not say what it chose: $(head -5 "$VM_WORK/acd.log")"

step "alice dials; acd shapes her session with htb + fq_codel both ways"
pppoe_client_start sub eth0 alice alice lcp-max-configure 40
ppp_wait sub ppp0 60
SUB_IP=$(ppp_local_ip sub ppp0)
wait_until 10 eval '[ -n "$(ppp_iface_by_peer ac "$SUB_IP")" ]' || fail "no ppp interface on the AC for $SUB_IP"
IFC=$(ppp_iface_by_peer ac "$SUB_IP")
shaped() { [ "$(ctl -j show session alice 2>/dev/null | jq -r '.down // 0')" = "$1" ]; }
wait_until 20 shaped "$DOWN" || fail "acd did not shape alice: $(ctl -j show session alice)"

# htb_fq DEV RATE: htb 2: root, class 2:1 at RATE, fq_codel 21: below it
htb_fq() {
	local q c l
	q=$(tc_json ac qdisc show dev "$1") || fail "tc qdisc show dev $1"
	c=$(ip netns exec ac tc class show dev "$1")
	log "$1: $(jq -c '[.[] | {kind, handle, parent, root}]' <<<"$q"); $c"
	jq_assert "htb 2: root of $1 with fq_codel 21: below 2:1" "$q" \
		'any(.[]; .kind == "htb" and .handle == "2:" and .root == true) and any(.[]; .kind == "fq_codel" and .handle == "21:" and .parent == "2:1")'
	l=$(grep '^class htb 2:1 ' <<<"$c") || fail "no htb class 2:1 on $1: $c"
	[ "$(tc_word_bps rate <<<"$l")" = "$2" ] || fail "class 2:1 of $1 is not at $2 bit/s: $l"
}
htb_fq "$IFC" "$DOWN"
htb_fq "ifb-$IFC" "$UP"
jq_assert "show session: htb + fq_codel both ways" "$(ctlj show session alice)" \
	'.kernel.down_qdisc == "htb" and .kernel.down_leaf == "fq_codel" and .kernel.up_mode == "ifb" and .kernel.up_qdisc == "htb" and .kernel.up_leaf == "fq_codel"'
iperf_server ac "$AC_IP"
meas_rate "htb + fq_codel down" sub "$AC_IP" "$DOWN" "$DOWN_LO" "$DOWN_HI" -R
meas_rate "htb + fq_codel up" sub "$AC_IP" "$UP" "$DOWN_LO" "$DOWN_HI"

# live_change WHAT DEV: a 10 s download; at 4 s the rates go to DOWN2/UP2
# by acdctl shaper set; every second of it is read back: none above the
# old rate's band (no unshaped gap), the last four within the new one
live_change() {
	local what=$1 j secs
	ip netns exec sub iperf3 -c "$AC_IP" -R -t 10 -i 1 -J -w 32K > "$W/live-$what.json" 2>&1 &
	local ip=$!
	sleep 4
	BYTES0=$(tc_bytes_of "$2")
	ctl shaper set alice "$DOWN2" "$UP2" >/dev/null || fail "acdctl shaper set failed"
	BYTES1=$(tc_bytes_of "$2")
	wait "$ip" || true
	j=$(cat "$W/live-$what.json")
	secs=$(jq -c '[.intervals[].sum.bits_per_second / 1e6 | . * 100 | round / 100]' <<<"$j") ||
		fail "$what: iperf3 printed no intervals: $(head -c 300 "$W/live-$what.json")"
	result "$what: download per second, $DOWN -> $DOWN2 bit/s at 4 s" "$secs Mbit/s"
	jq_assert "$what: no second above the old rate's band (no unshaped gap)" "$secs" \
		"all(.[]; . <= $DOWN * 1.1 / 1e6)"
	jq_assert "$what: the last four seconds within the new rate's band" "$secs" \
		"(.[-4:] | all(.[]; . <= $DOWN2 * 1.1 / 1e6 and . >= $DOWN2 * 0.6 / 1e6))"
	# the same qdisc went on counting: a new one would start at 0
	[ "$BYTES1" -ge "$BYTES0" ] && [ "$BYTES0" -gt 0 ] ||
		fail "$what: $2's byte counter went from $BYTES0 to $BYTES1: the qdisc was replaced, not changed"
	log "$what: $2 counted $BYTES0 then $BYTES1 bytes around the change"
}

step "a live change during a download: the htb class moves, the fq_codel leaf stays"
tc_bytes_of() { tc_json ac -s qdisc show dev "$1" | jq '[.[] | select(.handle == "21:")][0].bytes'; }
live_change fq_codel "$IFC"
htb_fq "$IFC" "$DOWN2"
htb_fq "ifb-$IFC" "$UP2"
ctl shaper restore alice >/dev/null || fail "acdctl shaper restore failed"
wait_until 10 shaped "$DOWN" || fail "alice is not back at the default rate"

step "reload to profile cake: cake both ways"
sed -i 's/^profile = auto$/profile = cake/' "$W/acd.conf"
ctl reload >/dev/null || fail "reload to profile cake failed"
# cake_is DEV RATE: cake 4: is DEV's root at RATE bit/s, as acd sets it
cake_is() {
	local q
	q=$(tc_json ac -s qdisc show dev "$1") || fail "tc qdisc show dev $1"
	log "$1: $(jq -c '[.[] | {kind, handle, root, bandwidth: .options.bandwidth, memlimit: .options.memlimit}]' <<<"$q")"
	jq_assert "cake 4: root of $1 at $2 bit/s, besteffort, raw" "$q" \
		"[.[] | select(.root == true)] | length == 1 and .[0].kind == \"cake\" and .[0].handle == \"4:\" and .[0].options.bandwidth == ($2 / 8) and .[0].options.diffserv == \"besteffort\" and .[0].options.overhead == 0"
}
wait_until 10 eval 'tc_json ac qdisc show dev "$IFC" | jq -e "any(.[]; .kind == \"cake\")" >/dev/null' ||
	fail "the reload did not move $IFC to cake"
cake_is "$IFC" "$DOWN"
cake_is "ifb-$IFC" "$UP"
meas_rate "cake down" sub "$AC_IP" "$DOWN" "$DOWN_LO" "$DOWN_HI" -R
meas_rate "cake up" sub "$AC_IP" "$UP" "$DOWN_LO" "$DOWN_HI"

step "a live change during a download: cake changes in place"
tc_bytes_of() { tc_json ac -s qdisc show dev "$1" | jq '[.[] | select(.root == true)][0].bytes'; }
live_change cake "$IFC"
cake_is "$IFC" "$DOWN2"
cake_is "ifb-$IFC" "$UP2"

step "alice hangs up: her IFB goes with her session"
kill "$(cat "$VM_WORK/pppd-alice.pid")" 2>/dev/null || true
wait_until 20 eval '! ip -n ac link show "ifb-$IFC" >/dev/null 2>&1' || fail "ifb-$IFC outlived the session"
pass
