#!/bin/bash
# Scenario tbf-link: the short boot of a guest (armhf): the kernel shapes
# one link and the rate is measured.
#
#   ns a -- veth -- ns b; unshaped iperf3 first, then a tbf of 8 Mbit/s on
#   a's side (acd-shape when ACD_SHAPE names one: ctest gives the armhf
#   package's; else the guest's own tc),
#   read back and measured with iperf3 (b receives), then removed.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_modules veth sch_tbf
log "$(uname -m), kernel $(uname -r)"
netns_add a b
veth_pair a eth0 b eth0
ip -n a addr add 192.0.2.1/24 dev eth0
ip -n b addr add 192.0.2.2/24 dev eth0
iperf_server b 192.0.2.2

step "unshaped"
r=$(iperf_mbps a 192.0.2.2) || fail "unshaped: iperf3 failed"
assert_band "unshaped a->b" "$r" 16 100000 Mbit/s   # must clearly exceed the shaped rate

RATE=8000000
step "tbf $RATE bit/s on a/eth0"
if [ -n "${ACD_SHAPE:-}" ]; then
	need_shaper
	shape_ok a apply eth0 down 8M
else
	log "no ACD_SHAPE: the guest's tc shapes (as acd-shape would: tbf, 50 ms queue)"
	must "tc tbf" ip netns exec a tc qdisc replace dev eth0 root handle 1: tbf \
		rate 8mbit burst 10kb latency 50ms
fi
q=$(tc_json a qdisc show dev eth0)
jq_assert "root tbf at $RATE" "$q" "any(.[]; .root == true and .kind == \"tbf\" and .options.rate == ($RATE / 8))"
meas_rate "tbf 8M a->b" a 192.0.2.2 "$RATE" "$DOWN_LO" "$DOWN_HI"
result "tbf counters: $(tc_json a -s qdisc show dev eth0 | jq -c '.[] | select(.kind == "tbf") | {bytes,packets,drops}')"

step "removed"
if [ -n "${ACD_SHAPE:-}" ]; then
	shape_ok a clear eth0
else
	must "tc del" ip netns exec a tc qdisc del dev eth0 root
fi
jq_assert "no tbf left" "$(tc_json a qdisc show dev eth0)" 'all(.[]; .kind != "tbf")'
pass
