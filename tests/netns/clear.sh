#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# clear.sh - clear removes everything the shaper created (root qdisc, ingress
# qdisc and filter, IFB) and restores the interface's default; clearing
# again, or clearing an unshaped interface, succeeds; foreign objects stay.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0
add_pair 1

pristine=$(ns_snapshot)

check_cleared() { # WHAT
	local show
	assert_snapshot_same "$1: namespace back to its pristine state" "$pristine" "$(ns_snapshot)"
	assert_eq "$1: ppp0 root qdisc kind (the default)" noqueue "$(root_qdisc ppp0 | jq -r .kind)"
	assert_eq "$1: ppp0 ingress qdisc" null "$(qdisc_by_handle ppp0 ffff:)"
	assert_eq "$1: ppp0 ingress filters" "[]" "$(tcj "$AC_NS" filter show dev ppp0 ingress | jq -c .)"
	assert_eq "$1: IFB devices" "" "$(ifb_devices)"
	show=$(show_j ppp0)
	assert_jq "$1: show ppp0" "$show" \
		.down.installed false \
		.up.installed false \
		.down.rate 0 \
		.up.rate 0
}

# tbf down + ifb/tbf up
shape_ok apply ppp0 down 10M up 5M up-mode ifb
assert_jq "ppp0 root before clear" "$(root_qdisc ppp0)" .handle 1:
link_exists ifb-ppp0 || fail "ifb-ppp0 missing after apply"
shape_ok clear ppp0
check_cleared "clear after tbf + ifb"
shape_ok clear ppp0
check_cleared "second clear"

# htb down + ifb/htb up
shape_ok apply ppp0 down 20M down-qdisc htb up 5M up-mode ifb up-qdisc htb
assert_jq "ppp0 root before clear" "$(root_qdisc ppp0)" .handle 2:
shape_ok clear ppp0
check_cleared "clear after htb + ifb/htb"

# only one direction installed
shape_ok apply ppp0 up 5M up-mode ifb
shape_ok clear ppp0
check_cleared "clear after up only"
shape_ok apply ppp0 down 5M
shape_ok clear ppp0
check_cleared "clear after down only"

# clearing a never-shaped interface
shape_ok clear ppp1
assert_snapshot_same "clear of the never-shaped ppp1" "$pristine" "$(ns_snapshot)"

# clear of one session leaves the other alone
shape_ok apply ppp0 down 10M up 5M up-mode ifb
shape_ok apply ppp1 down 10M up 5M up-mode ifb
shape_ok clear ppp0
assert_jq "ppp1 root after clear ppp0" "$(root_qdisc ppp1)" .handle 1:
link_exists ifb-ppp1 || fail "ifb-ppp1 was removed by clear ppp0"
assert_jq "ppp1 filter after clear ppp0" "$(ingress_filter ppp1)" '.options.actions[0].to_dev' ifb-ppp1
assert_eq "IFB devices after clear ppp0" ifb-ppp1 "$(ifb_devices)"
shape_ok clear ppp1
check_cleared "clear of both"

# a foreign root qdisc (not one of our handles) is not ours to remove
ip netns exec "$AC_NS" tc qdisc add dev ppp1 root handle 5: tbf rate 1mbit burst 5000 latency 20ms
snap=$(ns_snapshot)
shape_ok clear ppp1
assert_snapshot_same "clear ppp1 with a foreign root qdisc 5:" "$snap" "$(ns_snapshot)"

pass
