#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# throughput.sh - what the shaper does to real TCP traffic (iperf3):
#   download tbf 10M, upload ifb 5M, a live change 10M -> 2M made while a
#   flow is running, and an unshaped link after clear.
#
# Bands.  iperf3 reports goodput: TCP payload only.  tbf counts every byte
# of the frame it queues on the veth: payload + TCP header with timestamps
# (32) + IPv4 (20) + Ethernet (14).  With MTU 1500 a full segment carries
# 1448 payload bytes in a 1514-byte frame, so a shaper that is exactly right
# at rate R yields R * 1448/1514 = 0.956 R of goodput.  We centre the band on
# that expected goodput (comparing payload with payload), and keep its width
# at +-10 % of the configured rate, as asked: for 10M the band is
# [8.56, 10.56] Mbit/s.  Upload through the IFB is the same: mirred puts the
# Ethernet header back before the IFB's tbf sees the frame.  (On a real
# pppN there is no Ethernet header: the ratio is 1448/1500 there.)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

netns_init iperf3 timeout
add_pair 0

# band_for RATE_MBIT: "LO HI" around the expected goodput.
band_for() {
	awk -v r="$1" 'BEGIN { e = r * 1448 / 1514; printf "%.3f %.3f\n", e - r / 10, e + r / 10 }'
}

diag() {
	log "ppp0 and IFB qdiscs now:"
	ip netns exec "$AC_NS" tc -s qdisc show >&2 || true
}

measure_in_band() { # measure_in_band DIR RATE_MBIT WHAT
	local v lo hi
	read -r lo hi < <(band_for "$2")
	if ! v=$(measure_mbit "$1"); then
		diag
		fail "$3: iperf3 measurement failed"
	fi
	if ! (assert_band "$3 (goodput, configured $2M)" "$v" "$lo" "$hi" Mbit/s); then
		diag
		fail "$3: $v Mbit/s is outside $lo..$hi"
	fi
	printf 'MEASURED %s: %s Mbit/s (band %s..%s)\n' "$3" "$v" "$lo" "$hi"
}

# 1. download, tbf 10M
shape_ok apply ppp0 down 10M
measure_in_band down 10 "download tbf 10M"

# 2. upload through the IFB, tbf 5M (download stays 10M)
shape_ok apply ppp0 down 10M up 5M up-mode ifb
measure_in_band up 5 "upload ifb 5M"

# 3. live change 10M -> 2M while a download flow is running.  The flow has
# a queue of large (GSO) packets in the tbf when the rate and burst shrink;
# they must not block the queue.  Then measure the new rate on a fresh flow.
ip netns exec "$AC_NS" iperf3 -s -1 -B 10.77.0.1 -p 5202 >/dev/null 2>&1 &
srv=$!
BG_PIDS+=("$srv")
wait_until 5 listening "$AC_NS" tcp 5202 || true
timeout 10 ip netns exec "$SUB_NS" iperf3 -c 10.77.0.1 -p 5202 -R -t 3 -J >"$TMPD/live.json" 2>&1 &
cli=$!
# the change is made 1.5 s into the 3 s flow, a queue of its packets in
# the tbf: that moment is what this step tests, not a wait
sleep 1.5
shape_ok apply ppp0 down 2M up 5M up-mode ifb
live_rc=0
wait "$cli" || live_rc=$?
kill "$srv" 2>/dev/null || true
wait "$srv" 2>/dev/null || true
assert_jq "ppp0 tbf rate after the live change" "$(root_qdisc ppp0)" .options.rate 250000
if ((live_rc == 124)); then
	# A known failure mode: packets queued under the old, larger burst that
	# are bigger than the new one (GSO) can never leave the tbf.
	diag
	check_later "the download flow running during the 10M -> 2M change stalled (iperf3 killed after 10 s)"
else
	(measure_in_band down 2 "download after live change 10M -> 2M") ||
		check_later "download after the live change 10M -> 2M is not 2M"
fi

# 4. after clear the link is unshaped
shape_ok clear ppp0
if ! v=$(measure_mbit down 0 2); then
	diag
	fail "unshaped download: iperf3 measurement failed"
fi
assert_band "unshaped download after clear" "$v" 100 1000000 Mbit/s
printf 'MEASURED unshaped download after clear: %s Mbit/s\n' "$v"

pass
