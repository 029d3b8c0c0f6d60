#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# live-change.sh - changing a live policy: 10M -> 20M -> tbf to htb -> back,
# with upload through an IFB.  After every step (and in samples taken while
# the steps run) there is exactly one root qdisc and it is ours, the ingress
# filter keeps handle 800::800 and the IFB is never recreated.  Same-kind
# rate changes happen in place (the qdisc's counters keep counting).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init
add_pair 0

shape_ok apply ppp0 down 10M up 5M up-mode ifb
ifb_idx=$(ifindex ifb-ppp0)
act_idx=$(ingress_filter ppp0 | jq -r '.options.actions[0].index')

# Background sampler: all qdiscs of the namespace about every 10 ms, one
# JSON array a line (checked at the end).  Throttled: CI machines are small.
sampler() {
	while :; do
		tcj "$AC_NS" qdisc show
		echo
		sleep 0.01
	done >"$TMPD/samples" 2>/dev/null
}
sampler &
BG_PIDS+=("$!")

step() { # step DOWN_KIND DOWN_BITS UP_KIND UP_BITS ARGS...
	local dk=$1 dr=$2 uk=$3 ur=$4 qd f dh=1:/3: uh=1:/3: drate=null urate=null
	shift 4
	shape_ok apply ppp0 "$@"
	if [[ $dk == htb ]]; then dh=2:; else drate=$((dr / 8)); fi
	if [[ $uk == htb ]]; then uh=2:; else urate=$((ur / 8)); fi
	qd=$(tcj "$AC_NS" qdisc show dev ppp0)
	assert_jq "ppp0 qdiscs after apply $*" "$qd" \
		'[.[] | select(.root == true)] | length' 1 \
		'.[] | select(.root == true) | .kind + " " + (.handle | sub("^[13]:$"; "1:/3:"))' "$dk $dh" \
		'.[] | select(.root == true) | .options.rate' "$drate" \
		'[.[] | select(.kind == "ingress")] | length' 1
	[[ $dk == htb ]] && assert_eq "ppp0 class 2:1 after apply $*" "$dr $dr" "$(class_rates ppp0 2:1)"
	qd=$(tcj "$AC_NS" qdisc show dev ifb-ppp0)
	assert_jq "ifb-ppp0 qdiscs after apply $*" "$qd" \
		'[.[] | select(.root == true)] | length' 1 \
		'.[] | select(.root == true) | .kind + " " + (.handle | sub("^[13]:$"; "1:/3:"))' "$uk $uh" \
		'.[] | select(.root == true) | .options.rate' "$urate"
	[[ $uk == htb ]] && assert_eq "ifb-ppp0 class 2:1 after apply $*" "$ur $ur" "$(class_rates ifb-ppp0 2:1)"
	f=$(ingress_filter ppp0)
	assert_jq "ppp0 ingress filter after apply $*" "$f" \
		.options.fh 800::800 \
		'.options.actions[0].to_dev' ifb-ppp0
	assert_eq "ifb-ppp0 ifindex after apply $* (IFB recreated?)" "$ifb_idx" "$(ifindex ifb-ppp0)"
}

for round in 1 2; do
	log "round $round"
	step tbf 10000000 tbf 5000000 down 10M up 5M up-mode ifb
	ping_sub 0 3
	before=$(show_j ppp0)
	step tbf 20000000 tbf 10000000 down 20M up 10M up-mode ifb
	after=$(show_j ppp0)
	# in place: counters of the tbf root (down) and the IFB's tbf (up) go on
	for d in down up; do
		b=$(jq -r ".$d.packets" <<<"$before")
		a=$(jq -r ".$d.packets" <<<"$after")
		((a >= b && b > 0)) || fail "$d.packets went from $b to $a on a 10M -> 20M change (qdisc recreated?)"
	done
	step htb 20000000 tbf 10000000 down 20M down-qdisc htb up 10M up-mode ifb
	step htb 20000000 htb 10000000 down 20M down-qdisc htb up 10M up-mode ifb up-qdisc htb
	step htb 30000000 htb 2000000 down 30M down-qdisc htb up 2M up-mode ifb up-qdisc htb
	step tbf 10000000 htb 2000000 down 10M up 2M up-mode ifb up-qdisc htb
	step tbf 10000000 tbf 5000000 down 10M up 5M up-mode ifb
done

# the mirred action was never replaced by a new one
assert_jq "ppp0 mirred action index" "$(ingress_filter ppp0)" '.options.actions[0].index' "$act_idx"

kill "${BG_PIDS[0]}"
wait "${BG_PIDS[0]}" 2>/dev/null || true
BG_PIDS=()
# The last line may be cut short by the kill.
sed '$d' "$TMPD/samples" | grep . |
	jq -c '[.[] | select(.root == true and (.dev == "ppp0" or .dev == "ifb-ppp0")) | .dev + " " + .kind + " " + .handle] | sort' \
	>"$TMPD/roots" || fail "the sampler's output is not JSON: $(head -c 300 "$TMPD/samples")"
n=$(wc -l <"$TMPD/roots")
((n >= 10)) || fail "the sampler took only $n samples"
bad=$(grep -v -E '^\["ifb-ppp0 (tbf [13]:|htb 2:)","ppp0 (tbf [13]:|htb 2:)"\]$' "$TMPD/roots" | sort | uniq -c || true)
[[ -z "$bad" ]] || fail "samples taken during the changes show a missing, foreign or second root qdisc:"$'\n'"$bad"
log "$n samples, all with exactly one root qdisc of ours"

pass
