#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# vanished.sh - interfaces that do not exist or disappear under the shaper
# (pppd killed): clean errors naming the interface, gc removes orphaned
# IFBs and nothing else, no crash.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0
add_pair 1
add_pair 2

# An interface that never existed.
expect_nosuch() { # ARGS...: exit 1 with a message naming nosuch0
	shape_fails 1 "$@"
	assert_err_names nosuch0
}
expect_nosuch apply nosuch0 down 10M
expect_nosuch apply nosuch0 up 5M up-mode ifb
expect_nosuch show nosuch0
expect_nosuch -j show nosuch0
expect_nosuch clear nosuch0
assert_eq "IFB devices after applying to nosuch0" "" "$(ifb_devices)"

# Devices gc must not touch: an IFB made by hand with the kernel's own
# naming (ifb0 is what the ifb module creates at load), one named like
# ours, and the live session on ppp2.
ip -n "$AC_NS" link add ifb0 type ifb
ip -n "$AC_NS" link add ifb-manual type ifb
shape_ok apply ppp2 down 10M up 5M up-mode ifb

# Sessions on ppp0 and ppp1, then "pppd is killed": the interface vanishes,
# its IFB stays behind.
shape_ok apply ppp0 down 10M up 5M up-mode ifb
shape_ok apply ppp1 up 5M up-mode ifb
link_exists ifb-ppp0 || fail "ifb-ppp0 missing after apply"
ip -n "$AC_NS" link del ppp0
ip -n "$AC_NS" link del ppp1
link_exists ifb-ppp0 || fail "ifb-ppp0 vanished with ppp0 (expected an orphan to collect)"

# pppd restarted on the same name before any gc: the new ppp3 (a new
# ifindex) finds the old session's IFB in its way and must still get a
# working upload shaper.
add_pair 3
shape_ok apply ppp3 up 5M up-mode ifb
old_idx=$(ifindex ppp3)
ip -n "$AC_NS" link del ppp3
add_pair 3
[[ $(ifindex ppp3) != "$old_idx" ]] || fail "the recreated ppp3 has its old ifindex $old_idx"
shape_ok apply ppp3 up 5M up-mode ifb
ifb3=$(show_j ppp3 | jq -r .up.ifb)
assert_jq "ppp3 filter after restart" "$(ingress_filter ppp3)" '.options.actions[0].to_dev' "$ifb3"
assert_jq "$ifb3 root qdisc" "$(root_qdisc "$ifb3")" .options.rate 625000
p0=$(show_j ppp3 | jq -r .up.packets)
ip netns exec "$SUB_NS" ping -q -c 3 -i 0.2 -W 1 10.77.3.1 >/dev/null || fail "ping over the new ppp3 failed"
p1=$(show_j ppp3 | jq -r .up.packets)
((p1 - p0 >= 3)) || fail "ppp3 after restart: up.packets grew by $((p1 - p0)) for 3 pings"

# clear on the vanished name: exit 1, a message naming it, no crash.
shape_fails 1 clear ppp0
assert_contains "clear ppp0 (vanished): stderr" ppp0 "$SH_ERR"
shape_fails 1 show ppp0
assert_contains "show ppp0 (vanished): stderr" ppp0 "$SH_ERR"
shape_fails 1 apply ppp0 down 10M
assert_contains "apply ppp0 (vanished): stderr" ppp0 "$SH_ERR"

# gc removes the orphaned IFBs and nothing else.
shape_ok gc
link_exists ifb-ppp0 && fail "gc left the orphaned ifb-ppp0"
link_exists ifb-ppp1 && fail "gc left the orphaned ifb-ppp1"
link_exists ifb0 || fail "gc removed ifb0, an IFB the shaper did not create"
link_exists ifb-manual || fail "gc removed ifb-manual, an IFB the shaper did not create"
link_exists ifb-ppp2 || fail "gc removed ifb-ppp2, the IFB of the live session on ppp2"
link_exists "$ifb3" || fail "gc removed $ifb3, the IFB of the live session on ppp3"
check=$(show_j ppp2)
assert_jq "show ppp2 after gc" "$check" \
	.up.installed true \
	.up.ifb ifb-ppp2
assert_jq "ppp2 filter after gc" "$(ingress_filter ppp2)" '.options.actions[0].to_dev' ifb-ppp2

# gc again: nothing to do, success.
snap=$(ns_snapshot)
shape_ok gc
assert_snapshot_same "second gc" "$snap" "$(ns_snapshot)"

# A new interface with the old name gets a fresh, working session.
ip -n "$AC_NS" link add ppp0 type veth peer name sub0 netns "$SUB_NS"
shape_ok apply ppp0 up 5M up-mode ifb
link_exists ifb-ppp0 || fail "ifb-ppp0 missing after apply on the new ppp0"
assert_jq "new ppp0 filter" "$(ingress_filter ppp0)" '.options.actions[0].to_dev' ifb-ppp0

# The IFB vanishing under a live session: clear still cleans up the rest.
ip -n "$AC_NS" link del ifb-ppp0
shape_ok clear ppp0
assert_eq "ppp0 ingress qdisc after clear" null "$(qdisc_by_handle ppp0 ffff:)"

pass
