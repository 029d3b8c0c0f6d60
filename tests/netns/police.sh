#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# police.sh - upload policing (up-mode police, the default).  On a kernel
# without act_police it must fail with exit 1 and a message that names
# act_police and the ifb alternative, and leave the interface exactly as it
# was (no qdisc, filter or IFB left behind, the rest of the policy not
# applied either).  With act_police, check the filter and action instead.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0

if kernel_has_police; then
	log "kernel has act_police: checking the installed filter"
	shape_ok apply ppp0 up 5M up-mode police
	q=$(qdisc_by_handle ppp0 ffff:)
	assert_jq "ppp0 ingress qdisc" "$q" .kind ingress
	f=$(ingress_filter ppp0)
	assert_jq "ppp0 ingress filter" "$f" \
		.kind u32 \
		.pref 1 \
		.options.fh 800::800 \
		'.options.actions | length' 1 \
		'.options.actions[0].kind' police
	assert_eq "IFB devices (police mode)" "" "$(ifb_devices)"
	show=$(show_j ppp0)
	assert_jq "show ppp0" "$show" \
		.up.installed true \
		.up.mode police \
		.up.rate 5000000 \
		.up.burst 100000
	# the default up-mode is police; identical re-apply changes nothing
	snap=$(ns_snapshot)
	shape_ok apply ppp0 up 5M
	assert_snapshot_same "identical police re-apply" "$snap" "$(ns_snapshot)"
	shape_ok apply ppp0 up 10M up-mode police
	assert_jq "show ppp0" "$(show_j ppp0)" .up.rate 10000000
	assert_jq "ppp0 filter handle after change" "$(ingress_filter ppp0)" .options.fh 800::800
	shape_ok clear ppp0
	assert_eq "ppp0 ingress qdisc after clear" null "$(qdisc_by_handle ppp0 ffff:)"
	pass
fi

log "kernel lacks act_police: expecting clean failures"

expect_police_failure() { # WHAT ARGS...: apply must fail and change nothing
	local what=$1 snap
	shift
	snap=$(ns_snapshot)
	shape_fails 1 "$@"
	assert_err_names ppp0
	assert_contains "$what: stderr" "act_police" "$SH_ERR"
	assert_contains "$what: stderr" "ifb" "$SH_ERR"
	assert_snapshot_same "$what" "$snap" "$(ns_snapshot)"
}

# 1. unshaped interface
expect_police_failure "up 5M police on an unshaped ppp0" apply ppp0 up 5M up-mode police
assert_eq "ppp0 ingress qdisc" null "$(qdisc_by_handle ppp0 ffff:)"
assert_eq "ppp0 ingress filters" "[]" "$(ingress_filters ppp0)"
assert_eq "IFB devices" "" "$(ifb_devices)"
# police is the default up-mode
expect_police_failure "up 5M (default mode) on an unshaped ppp0" apply ppp0 up 5M

# 2. all or nothing: the download half must not be applied either.
expect_police_failure "down 10M up 5M police on an unshaped ppp0" apply ppp0 down 10M up 5M
assert_eq "ppp0 root qdisc after failed down+police" noqueue "$(root_qdisc ppp0 | jq -r .kind)"

# 3. with a download policy installed: it stays as it was.
shape_ok apply ppp0 down 20M
expect_police_failure "down 10M up 5M police over down 20M" apply ppp0 down 10M up 5M up-mode police
assert_jq "ppp0 root after failed police" "$(root_qdisc ppp0)" .options.rate 2500000

# 4. with an ifb upload policy installed: ifb, filter and rates stay.
shape_ok apply ppp0 down 20M up 8M up-mode ifb
before=$(show_j ppp0)
expect_police_failure "up 5M police over up 8M ifb" apply ppp0 down 20M up 5M up-mode police
after=$(show_j ppp0 | jq -c 'del(.down.bytes, .down.packets, .down.drops, .down.overlimits, .up.bytes, .up.packets, .up.drops, .up.overlimits)')
assert_eq "show ppp0 after failed ifb -> police" \
	"$(jq -c 'del(.down.bytes, .down.packets, .down.drops, .down.overlimits, .up.bytes, .up.packets, .up.drops, .up.overlimits)' <<<"$before")" "$after"
assert_jq "show ppp0" "$after" \
	.up.mode ifb \
	.up.rate 8000000

pass
