#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# tbf.sh - download shaping with tbf: installed objects, idempotent re-apply,
# in-place change, explicit burst/latency, 64-bit rates, show -j readback.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0

# apply down 10M -> tbf root 1:, rate 1250000 B/s (tc -j prints bytes/s).
shape_ok apply ppp0 down 10M
root=$(root_qdisc ppp0)
assert_jq "ppp0 root qdisc" "$root" \
	.kind tbf \
	.handle 1: \
	.options.rate 1250000 \
	.options.lat 50000
tc_burst=$(jq -r .options.burst <<<"$root")

show=$(show_j ppp0)
assert_jq "show ppp0" "$show" \
	.ifname ppp0 \
	.ifindex "$(ifindex ppp0)" \
	.mtu 1500 \
	.down.installed true \
	.down.qdisc tbf \
	.down.rate 10000000 \
	.down.latency_us 50000 \
	.down.leaf none \
	.down.burst "$tc_burst"
# Default burst: SHAPER_BURST_TIME_US at the rate (floor MTU + 18 = 1518).
assert_eq "ppp0 default burst at 10M (bytes)" "$(default_burst 10000000)" "$tc_burst"
assert_jq "show ppp0" "$show" \
	.up.installed false \
	.up.rate 0
# The table form works too.
shape_ok show ppp0
[[ -n "$SH_OUT" ]] || fail "acd-shape show ppp0 printed nothing"

# Some traffic, so the counters are not zero.
ping_sub 0 5
before=$(show_j ppp0)
pkts_before=$(jq -r .down.packets <<<"$before")
((pkts_before >= 5)) || fail "show ppp0: down.packets $pkts_before after 5 pings, expected >= 5"

# Apply again, identical: still exactly one root, same handle and options,
# and the same qdisc instance (counters not reset: no delete-then-add).
shape_ok apply ppp0 down 10M
root2=$(root_qdisc ppp0)
assert_eq "ppp0 root after identical re-apply" "$root" "$root2"
assert_eq "ppp0 root qdiscs after identical re-apply" 1 "$(root_qdiscs ppp0 | jq length)"
after=$(show_j ppp0)
pkts_after=$(jq -r .down.packets <<<"$after")
((pkts_after >= pkts_before)) ||
	fail "ppp0: down.packets went from $pkts_before to $pkts_after on an identical re-apply (qdisc recreated?)"
assert_jq "show ppp0 after re-apply" "$after" \
	.down.rate 10000000 \
	.down.burst "$tc_burst"

# No stray objects: no ingress qdisc, no IFB, nothing on the subscriber side.
assert_eq "ppp0 ingress qdisc (down only)" null "$(qdisc_by_handle ppp0 ffff:)"
assert_eq "IFB devices (down only)" "" "$(ifb_devices)"

# In-place change of rate: same handle, counters kept.
shape_ok apply ppp0 down 20M
root=$(root_qdisc ppp0)
assert_jq "ppp0 root after 20M" "$root" \
	.handle 1: \
	.options.rate 2500000 \
	.options.burst "$(default_burst 20000000)"
pkts=$(show_j ppp0 | jq -r .down.packets)
((pkts >= pkts_before)) || fail "ppp0: down.packets went from $pkts_before to $pkts on 10M -> 20M (qdisc recreated?)"

# Explicit burst and latency.
shape_ok apply ppp0 down 10M down-burst 20000 latency 100
root=$(root_qdisc ppp0)
assert_jq "ppp0 tbf rate" "$root" \
	.options.rate 1250000 \
	.options.burst 20000 \
	.options.lat 100000
show=$(show_j ppp0)
assert_jq "show ppp0" "$show" \
	.down.burst 20000 \
	.down.latency_us 100000

# Burst floor: at 200 kbit/s the burst time holds less than one frame, so
# the burst is MTU + 18 = 1518.
shape_ok apply ppp0 down 200k
root=$(root_qdisc ppp0)
assert_jq "ppp0 tbf rate at 200k" "$root" .options.rate 25000
assert_eq "default burst at 200k is the floor (test premise)" 1518 "$(default_burst 200000)"
assert_jq "ppp0 tbf burst at 200k (floor MTU+18)" "$root" .options.burst 1518

# Other rate spellings give the same kernel rate.
for r in 10mbit 10000k 10000000; do
	shape_ok apply ppp0 down "$r"
	assert_jq "ppp0 tbf rate for '$r'" "$(root_qdisc ppp0)" .options.rate 1250000
done

# Above 2^32-1 bit/s the kernel needs TCA_TBF_RATE64: 40G = 5e9 bytes/s.
shape_ok apply ppp0 down 40G
root=$(root_qdisc ppp0)
assert_jq "ppp0 tbf rate at 40G (64-bit)" "$root" .options.rate 5000000000
# The kernel keeps the burst as time in 64 ns ticks: at 5e9 bytes/s one tick
# is 320 bytes, so acd-shape reads it back exact to a tick; tc truncates the
# time to whole microseconds (5000 bytes here) before converting.
want=$(default_burst 40000000000)
tc_burst=$(jq -r .options.burst <<<"$root")
assert_band "ppp0 tbf burst at 40G by tc (default $want)" "$tc_burst" "$((want - 5320))" "$((want + 320))" bytes
show=$(show_j ppp0)
assert_jq "show ppp0 at 40G" "$show" .down.rate 40000000000
assert_band "show ppp0 at 40G: down.burst (default $want, +-1 tick)" \
	"$(jq -r .down.burst <<<"$show")" "$((want - 320))" "$((want + 320))" bytes

# Bad input: usage errors (exit 2), nothing changed.
snap=$(ns_snapshot)
shape_fails 2 apply ppp0 down 10Q
shape_fails 2 apply ppp0 down 10M down-qdisc nosuch
shape_fails 2 apply ppp0 down 10MB
assert_snapshot_same "after refused apply arguments" "$snap" "$(ns_snapshot)"

pass
