#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# ifb.sh - upload shaping through a per-session IFB: device name and state,
# ingress qdisc + u32 filter + mirred redirect, the IFB's root qdisc (tbf and
# htb), the "ifb<ifindex>" fallback for long names and for a name taken by a
# foreign device (which must not be touched).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0

# check_ifb IFACE IFB RATE_BITS: ingress redirect of IFACE to IFB, IFB up
# with our tbf at RATE_BITS.
check_ifb() {
	local dev=$1 ifb=$2 rate=$3 link q f root
	link_exists "$ifb" || fail "$dev: IFB device $ifb does not exist (devices: $(ifb_devices | tr '\n' ' '))"
	link=$(ip -n "$AC_NS" -d -j link show dev "$ifb" | jq -c '.[0]')
	assert_jq "$ifb" "$link" \
		.linkinfo.info_kind ifb \
		'.flags | index("UP") != null' true
	q=$(qdisc_by_handle "$dev" ffff:)
	assert_jq "$dev ingress qdisc" "$q" .kind ingress
	f=$(ingress_filter "$dev")
	assert_jq "$dev ingress filter" "$f" \
		.kind u32 \
		.pref 1 \
		.options.fh 800::800 \
		'.options.actions | length' 1 \
		'.options.actions[0].kind' mirred \
		'.options.actions[0].mirred_action' redirect \
		'.options.actions[0].direction' egress \
		'.options.actions[0].to_dev' "$ifb"
	root=$(root_qdisc "$ifb")
	assert_jq "$ifb root qdisc" "$root" \
		.kind tbf \
		"$TBF_HANDLE_OK" true \
		.options.rate "$((rate / 8))"
}

# ---- ppp0: short name -> ifb-ppp0 ------------------------------------------
shape_ok apply ppp0 up 5M up-mode ifb
check_ifb ppp0 ifb-ppp0 5000000
tc_burst=$(root_qdisc ifb-ppp0 | jq -r .options.burst)
assert_eq "ifb-ppp0 default burst at 5M" "$(default_burst 5000000)" "$tc_burst"
assert_eq "ppp0 root qdisc (up only)" noqueue "$(root_qdisc ppp0 | jq -r .kind)"
show=$(show_j ppp0)
assert_jq "show ppp0" "$show" \
	.down.installed false \
	.up.installed true \
	.up.mode ifb \
	.up.qdisc tbf \
	.up.rate 5000000 \
	.up.burst "$tc_burst" \
	.up.ifb ifb-ppp0
assert_eq "IFB devices" "ifb-ppp0" "$(ifb_devices)"

# Upload traffic really passes the IFB's qdisc.
b0=$(show_j ppp0 | jq -r .up.packets)
ip netns exec "$SUB_NS" ping -q -c 5 -i 0.2 -W 1 10.77.0.1 >/dev/null || fail "ping from the subscriber failed"
b1=$(show_j ppp0 | jq -r .up.packets)
((b1 - b0 >= 5)) || fail "show ppp0: up.packets grew by $((b1 - b0)) for 5 pings (redirect to ifb-ppp0 not working?)"

# Identical re-apply: nothing changes, the IFB is not recreated.
ifb_idx=$(ifindex ifb-ppp0)
snap=$(ns_snapshot)
shape_ok apply ppp0 up 5M up-mode ifb
assert_snapshot_same "identical ifb re-apply" "$snap" "$(ns_snapshot)"

# The IFB carries the same scheme: htb 2: with class 2:1.
shape_ok apply ppp0 up 5M up-mode ifb up-qdisc htb
root=$(root_qdisc ifb-ppp0)
assert_jq "ifb-ppp0 root qdisc" "$root" \
	.kind htb \
	.handle 2:
assert_eq "ifb-ppp0 class 2:1 rate/ceil" "5000000 5000000" "$(class_rates ifb-ppp0 2:1)"
assert_eq "ifb-ppp0 ifindex after tbf -> htb (recreated?)" "$ifb_idx" "$(ifindex ifb-ppp0)"
assert_jq "ppp0 filter after tbf -> htb" "$(ingress_filter ppp0)" .options.fh 800::800
assert_jq "show ppp0" "$(show_j ppp0)" .up.qdisc htb
shape_ok apply ppp0 up 5M up-mode ifb
check_ifb ppp0 ifb-ppp0 5000000
assert_eq "ifb-ppp0 ifindex after htb -> tbf (recreated?)" "$ifb_idx" "$(ifindex ifb-ppp0)"

# Down and up together; then up 0 removes the upload half and the IFB.
shape_ok apply ppp0 down 10M up 5M up-mode ifb
check_ifb ppp0 ifb-ppp0 5000000
assert_jq "ppp0 root" "$(root_qdisc ppp0)" .options.rate 1250000
shape_ok apply ppp0 down 10M up 0
assert_eq "ppp0 ingress qdisc after up 0" null "$(qdisc_by_handle ppp0 ffff:)"
assert_eq "IFB devices after up 0" "" "$(ifb_devices)"
assert_jq "ppp0 root after up 0" "$(root_qdisc ppp0)" .options.rate 1250000

# ---- name length: "ifb-" + 11 chars = 15 fits, 12 chars does not -----------
add_pair 1 ppp12345678
shape_ok apply ppp12345678 up 5M up-mode ifb
check_ifb ppp12345678 ifb-ppp12345678 5000000
assert_jq "show ppp12345678" "$(show_j ppp12345678)" .up.ifb ifb-ppp12345678

add_pair 2 pppoe-sub123
idx=$(ifindex pppoe-sub123)
shape_ok apply pppoe-sub123 up 5M up-mode ifb
check_ifb pppoe-sub123 "ifb$idx" 5000000
assert_jq "show pppoe-sub123" "$(show_j pppoe-sub123)" .up.ifb "ifb$idx"

add_pair 3 pppoe-sess4567
idx=$(ifindex pppoe-sess4567)
shape_ok apply pppoe-sess4567 up 5M up-mode ifb
check_ifb pppoe-sess4567 "ifb$idx" 5000000

# ---- a foreign device named ifb-ppp4 forces the fallback ---------------------
# (a veth end: this kernel has no dummy driver; any non-shaper device will do)
add_pair 4
ip -n "$AC_NS" link add ifb-ppp4 type veth peer name foreign4
ip -n "$AC_NS" link set ifb-ppp4 up
ip netns exec "$AC_NS" tc qdisc add dev ifb-ppp4 root handle 7: tbf rate 1mbit burst 5000 latency 20ms
foreign_before=$(ip -n "$AC_NS" -d -j link show dev ifb-ppp4 | jq -c '.[0] | del(.stats64, .stats)'
	tcj "$AC_NS" qdisc show dev ifb-ppp4 | jq -c 'map(del(.refcnt))')
idx=$(ifindex ppp4)
shape_ok apply ppp4 up 5M up-mode ifb
check_ifb ppp4 "ifb$idx" 5000000
assert_jq "show ppp4" "$(show_j ppp4)" .up.ifb "ifb$idx"
foreign_after=$(ip -n "$AC_NS" -d -j link show dev ifb-ppp4 | jq -c '.[0] | del(.stats64, .stats)'
	tcj "$AC_NS" qdisc show dev ifb-ppp4 | jq -c 'map(del(.refcnt))')
assert_snapshot_same "foreign device ifb-ppp4 after apply ppp4" "$foreign_before" "$foreign_after"
shape_ok clear ppp4
link_exists "ifb$idx" && fail "ifb$idx still exists after clear ppp4"
foreign_after=$(ip -n "$AC_NS" -d -j link show dev ifb-ppp4 | jq -c '.[0] | del(.stats64, .stats)'
	tcj "$AC_NS" qdisc show dev ifb-ppp4 | jq -c 'map(del(.refcnt))')
assert_snapshot_same "foreign device ifb-ppp4 after clear ppp4" "$foreign_before" "$foreign_after"
shape_ok gc
link_exists ifb-ppp4 || fail "gc removed the foreign device ifb-ppp4"

# The sessions do not disturb each other.
assert_jq "ppp0 root" "$(root_qdisc ppp0)" .options.rate 1250000
check_ifb ppp12345678 ifb-ppp12345678 5000000

pass
