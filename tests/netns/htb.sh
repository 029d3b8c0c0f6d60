#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# htb.sh - download shaping with htb: root 2:, class 2:1 (rate = ceil),
# leaves fq_codel 21: / sfq 22: / cake 23: when the kernel has them, and a
# clean failure with the interface left as it was when it does not.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0

check_htb() { # check_htb RATE_BITS: our htb tree at that rate
	local root
	root=$(root_qdisc ppp0)
	assert_jq "ppp0 root qdisc" "$root" \
		.kind htb \
		.handle 2:
	assert_eq "ppp0 class 2:1 rate/ceil (bit/s)" "$1 $1" "$(class_rates ppp0 2:1)"
}

shape_ok apply ppp0 down 20M down-qdisc htb
check_htb 20000000
show=$(show_j ppp0)
assert_jq "show ppp0" "$show" \
	.down.installed true \
	.down.qdisc htb \
	.down.rate 20000000 \
	.down.leaf none \
	.up.installed false

# Traffic really goes through class 2:1 (not htb's unshaped direct queue).
p0=$(class_packets ppp0 2:1)
ping_sub 0 5
p1=$(class_packets ppp0 2:1)
((p1 - p0 >= 5)) || fail "ppp0: class 2:1 sent $((p1 - p0)) packets for 5 pings (traffic not classified into 2:1?)"

# Identical re-apply: nothing changes.
snap=$(ns_snapshot)
shape_ok apply ppp0 down 20M down-qdisc htb
assert_snapshot_same "identical htb re-apply" "$snap" "$(ns_snapshot)"

# Rate change in place.
shape_ok apply ppp0 down 30M down-qdisc htb
check_htb 30000000
assert_jq "show ppp0" "$(show_j ppp0)" .down.rate 30000000
shape_ok apply ppp0 down 20M down-qdisc htb
check_htb 20000000

declare -A leaf_handle=([fq_codel]=21: [sfq]=22: [cake]=23:)
for leaf in fq_codel sfq cake; do
	if kernel_has_qdisc "$leaf"; then
		log "kernel has $leaf: expecting it installed as ${leaf_handle[$leaf]}"
		shape_ok apply ppp0 down 20M down-qdisc htb leaf "$leaf"
		check_htb 20000000
		q=$(qdisc_by_handle ppp0 "${leaf_handle[$leaf]}")
		assert_jq "ppp0 leaf qdisc ${leaf_handle[$leaf]}" "$q" \
			.kind "$leaf" \
			.parent 2:1
		assert_jq "show ppp0" "$(show_j ppp0)" .down.leaf "$leaf"
		# back to no leaf
		shape_ok apply ppp0 down 20M down-qdisc htb
		check_htb 20000000
		assert_eq "ppp0 leaf ${leaf_handle[$leaf]} after leaf none" null \
			"$(qdisc_by_handle ppp0 "${leaf_handle[$leaf]}")"
	else
		log "kernel lacks $leaf: expecting a clean failure"
		# From htb 20M: a different rate with the missing leaf must fail and
		# leave htb 20M exactly as it was.
		snap=$(ns_snapshot)
		shape_fails 1 apply ppp0 down 30M down-qdisc htb leaf "$leaf"
		assert_err_names ppp0
		assert_contains "stderr of leaf $leaf" "$leaf" "$SH_ERR"
		assert_snapshot_same "failed apply with leaf $leaf (from htb)" "$snap" "$(ns_snapshot)"
		check_htb 20000000
		assert_jq "show ppp0 after failed leaf $leaf" "$(show_j ppp0)" .down.rate 20000000
	fi
done

# From tbf: a failing switch to htb+leaf must leave the tbf root in place.
for leaf in fq_codel sfq cake; do
	kernel_has_qdisc "$leaf" && continue
	shape_ok apply ppp0 down 10M
	snap=$(ns_snapshot)
	shape_fails 1 apply ppp0 down 30M down-qdisc htb leaf "$leaf"
	assert_contains "stderr of leaf $leaf" "$leaf" "$SH_ERR"
	assert_snapshot_same "failed tbf -> htb+$leaf" "$snap" "$(ns_snapshot)"
	assert_jq "ppp0 root after failed tbf -> htb+$leaf" "$(root_qdisc ppp0)" \
		.kind tbf "$TBF_HANDLE_OK" true
done

# Same from an unshaped interface: it stays unshaped.
shape_ok clear ppp0
for leaf in fq_codel sfq cake; do
	kernel_has_qdisc "$leaf" && continue
	snap=$(ns_snapshot)
	shape_fails 1 apply ppp0 down 30M down-qdisc htb leaf "$leaf"
	assert_snapshot_same "failed unshaped -> htb+$leaf" "$snap" "$(ns_snapshot)"
done

# Upload leaves (up-leaf: the leaf under the IFB's class 2:1), on ppp1.
add_pair 1
for leaf in fq_codel sfq cake; do
	if kernel_has_qdisc "$leaf"; then
		shape_ok apply ppp1 up 5M up-mode ifb up-qdisc htb up-leaf "$leaf"
		assert_jq "ifb-ppp1 leaf qdisc ${leaf_handle[$leaf]}" \
			"$(qdisc_by_handle ifb-ppp1 "${leaf_handle[$leaf]}")" .kind "$leaf" .parent 2:1
		shape_ok clear ppp1
		continue
	fi
	# from unshaped: nothing may be left behind, no IFB in particular
	snap=$(ns_snapshot)
	shape_fails 1 apply ppp1 up 5M up-mode ifb up-qdisc htb up-leaf "$leaf"
	assert_err_names ppp1
	assert_contains "stderr of up-leaf $leaf" "$leaf" "$SH_ERR"
	assert_snapshot_same "failed unshaped -> ifb/htb+$leaf" "$snap" "$(ns_snapshot)"
	# from ifb/tbf: the same IFB device (same ifindex), the same qdiscs
	shape_ok apply ppp1 up 5M up-mode ifb
	snap=$(ns_snapshot)
	shape_fails 1 apply ppp1 up 8M up-mode ifb up-qdisc htb up-leaf "$leaf"
	assert_snapshot_same "failed ifb/tbf -> ifb/htb+$leaf" "$snap" "$(ns_snapshot)"
	# A failing apply that would also drop the upload half: rolled back
	# without the IFB being deleted and recreated (no unshaped window, no
	# reset counters).  Checked to the end: the other checks still run.
	shape_fails 1 apply ppp1 down 10M down-qdisc htb leaf "$leaf"
	(assert_snapshot_same "failed (up ifb 5M) -> (down htb+$leaf, no up)" "$snap" "$(ns_snapshot)") ||
		check_later "a failed apply (up ifb 5M) -> (down htb+$leaf, no up) deleted and recreated ifb-ppp1"
	shape_ok clear ppp1
done

# htb -> tbf swaps the root and leaves no class 2:1 behind.
shape_ok apply ppp0 down 20M down-qdisc htb
check_htb 20000000
shape_ok apply ppp0 down 10M
root=$(root_qdisc ppp0)
assert_jq "ppp0 root after htb -> tbf" "$root" \
	.kind tbf \
	"$TBF_HANDLE_OK" true
assert_eq "ppp0 class 2:1 after htb -> tbf" none "$(class_rates ppp0 2:1)"

pass
