#!/bin/bash
# acd-acct.sh - acd's own RADIUS accounting against a real FreeRADIUS
# (a throw-away raddb in the AC namespace whose detail module writes every
# Accounting-Request to a file):
#   - Start at ip-up with the session's attributes and Acct-Session-Id;
#   - more than 4 GiB through one session (unshaped veth): the Interim
#     after the traffic carries Acct-Output-Gigawords >= 1 and
#     octets + gigawords * 2^32 equal to the kernel's 64-bit counter;
#   - Stop at ip-down (User-Request) with the kernel's totals;
#   - a restart of acd sends no second Start; the session's Interims go on;
#   - period = daily: acd runs with a TZ whose midnight is seconds away
#     (a real daily boundary, no test hook): Stop (Session-Timeout) +
#     Start with a new Acct-Session-Id, both linked by
#     Acct-Multi-Session-Id; the two periods' counts add up to the link's;
#   - terminate (admin-reset) -> Stop with Admin-Reset;
#   - an interface that vanishes (pppd killed) -> Stop with NAS-Error and
#     the link's last counters (from the kernel's RTM_DELLINK);
#   - FreeRADIUS stopped: the queue stays bounded, drops are counted and
#     logged at most once a second (the lines of the window counted, against
#     the bound the limit guarantees), acd's RSS does not grow, hooks stay
#     fast (the event loop never waits for RADIUS), and acd still exits
#     at once;
#   - IPv6: the Interim at ipv6-up carries RADIUS's Framed-IPv6-Prefix, the
#     Stop after ipv6-down still carries it and the prefix dhclient -P got
#     (Delegated-IPv6-Prefix), as FreeRADIUS decodes them.
set -euo pipefail
TEST_NAME=acd-acct
. "$(dirname "$0")/lib.sh"

need_acd
command -v freeradius >/dev/null || skip "freeradius not found (tools/install-deps installs it)"
netns_init iperf3 dhclient
add_pair 0
add_pair 1
add_pair 2
add_pair 3

export ACD_SOCKET=$TMPD/acd.sock
umask 077
printf 'acct-s3cret\n' >"$TMPD/acct.secret"
umask 022

# ---- FreeRADIUS: accounting only, every request into ./detail ------------
RADDB=$TMPD/raddb
# shellcheck source=../common/radius.sh
. "$(dirname "$0")/../common/radius.sh"
acct_raddb "$RADDB"
RAD_PID=
start_radius() {
	ACD_RADIUS_SECRET=acct-s3cret ACD_ACCT_PORT=1813 ip netns exec "$AC_NS" \
		freeradius -f -d "$RADDB" -l stdout >>"$TMPD/radius.log" 2>&1 &
	RAD_PID=$!
	BG_PIDS+=("$RAD_PID")
	wait_until 20 listening "$AC_NS" udp 1813 && return 0
	cat "$TMPD/radius.log" >&2
	fail "FreeRADIUS did not start"
}
start_radius

# total JSON-RECORD DIR: Acct-DIR-Octets + Acct-DIR-Gigawords * 2^32
total() {
	jq -r --arg d "$2" '(.["Acct-\($d)-Octets"] | tonumber) +
		(.["Acct-\($d)-Gigawords"] // "0" | tonumber) * 4294967296' <<<"$1"
}
# near WHAT GOT WANT SLACK: |GOT - WANT| <= SLACK (ARP may add a frame or two)
near() {
	awk -v g="$2" -v w="$3" -v s="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= s) }' ||
		fail "$1: expected $3 (within $4 bytes), got $2"
	log "$1: $2 (kernel $3)"
}

# ---- acd ------------------------------------------------------------------
write_conf() { # write_conf PERIOD
	acd_conf <<CONF
nas-identifier = bras-test
[shaper]
default-down = 0
default-up = 0
[accounting]
server = 127.0.0.1
secret-file = $TMPD/acct.secret
interim-interval = 10s
period = $1
queue-size = 16
timeout = 1s
retries = 1
CONF
}
write_conf none

ACD_PID=
acct_start() { # acct_start [TZ]
	# ASan (an ACD_SANITIZE build) keeps freed memory in a quarantine that
	# would look like growth to the RSS check below: no quarantine
	start_acd ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0" \
		TZ="${1:-UTC}"
}
ahook() { # ahook EVENT IFACE PPPD-PID USER: pair N's addresses
	local n=${2#ppp}
	hook "$1" "$2" "10.77.$n.1" "10.77.$n.2" "$3" "$4"
}
acct() { ctl -j show stat | jq -r ".accounting.$1"; }
sid() { ctl -j show session "$1" | jq -r .acct_session_id; }

declare -A PPPD
for i in 0 1 2 3; do
	stand_in_pppd "PPPD[$i]"
done

acct_start
log "ip-up ppp0 (alice): Start with the session's attributes"
ahook ip-up ppp0 "${PPPD[0]}" alice || fail "ip-up ppp0 failed"
SID0=$(sid ppp0)
[[ "$SID0" =~ ^[0-9A-F]{16}$ ]] || fail "ppp0 has no Acct-Session-Id: '$SID0'"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID0\" and .\"Acct-Status-Type\" == \"Start\"")
assert_jq "ppp0 Start" "$r" '."User-Name"' alice '."Framed-IP-Address"' 10.77.0.2 \
	'."Calling-Station-Id"' 02:00:00:00:00:00 '."NAS-Port-Id"' ppp0 \
	'."NAS-Identifier"' bras-test '."Acct-Multi-Session-Id"' "$SID0" \
	'."NAS-IP-Address"' 127.0.0.1 '."Acct-Delay-Time"' 0 '."Acct-Output-Octets"' null

log "IPv6CP comes up on ppp0 too: an Interim-Update at once, with its interface id"
hook ipv6-up ppp0 fe80::1 fe80::a078:616e:78e0:a3c1 "${PPPD[0]}" alice || fail "ipv6-up ppp0 failed"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID0\" and .\"Acct-Status-Type\" == \"Interim-Update\"" 5)
assert_jq "ppp0 newinfo Interim" "$r" '."Framed-Interface-Id"' a078:616e:78e0:a3c1 \
	'."Framed-IP-Address"' 10.77.0.2 '."User-Name"' alice
grep -q "acct: sess=ppp0 user=alice event=newinfo" "$TMPD/acd.log" ||
	fail "the Interim was not newinfo's (a periodic one?)"
assert_eq "Starts of ppp0 after ipv6-up" 1 \
	"$(rec ".\"Acct-Session-Id\" == \"$SID0\" and .\"Acct-Status-Type\" == \"Start\"" | jq length)"
# IPv4 stays up: the session goes on, and ends with ip-down below
hook ipv6-down ppp0 fe80::1 fe80::a078:616e:78e0:a3c1 "${PPPD[0]}" alice || fail "ipv6-down ppp0 failed"

log "more than 4 GiB down through ppp0 (AC -> subscriber, the ppp link's TX)"
ip netns exec "$SUB_NS" iperf3 -s -1 -B 10.77.0.2 >"$TMPD/iperf3.log" 2>&1 &
srv=$!
wait_until 5 listening "$SUB_NS" tcp 5201 || true
t0=$(date +%s.%N)
out=$(timeout 120 ip netns exec "$AC_NS" iperf3 -c 10.77.0.2 -n 4608M -J) || fail "iperf3 failed: $out"
t1=$(date +%s.%N)
wait "$srv" || true
GBPS=$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100' <<<"$out")
SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
log "4.5 GiB in $SECS s ($GBPS Gbit/s)"
read -r krx ktx < <(link_bytes "$AC_NS" ppp0)
((ktx > 4294967296)) || fail "the kernel counted only $ktx bytes out of ppp0"
t_end=$(date +%s)
log "the next Interim after the traffic (interim-interval 10s)"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID0\" and .\"Acct-Status-Type\" == \"Interim-Update\" and
	(.\"Acct-Output-Gigawords\" // \"0\" | tonumber) >= 1 and (.Timestamp | tonumber) > $t_end" 13)
assert_jq "ppp0 Interim" "$r" '(."Acct-Output-Gigawords" | tonumber) >= 1' true \
	'."Acct-Input-Gigawords"' 0 '(."Acct-Session-Time" | tonumber) > 0' true
near "Interim output octets + gigawords" "$(total "$r" Output)" "$ktx" 2000
near "Interim input octets" "$(total "$r" Input)" "$krx" 2000

log "ip-down ppp0: Stop, User-Request, the kernel's totals"
read -r krx ktx < <(link_bytes "$AC_NS" ppp0)
ahook ip-down ppp0 "${PPPD[0]}" alice || fail "ip-down ppp0 failed"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID0\" and .\"Acct-Status-Type\" == \"Stop\"")
assert_jq "ppp0 Stop" "$r" '."Acct-Terminate-Cause"' User-Request '."User-Name"' alice
near "Stop output" "$(total "$r" Output)" "$ktx" 500
near "Stop input" "$(total "$r" Input)" "$krx" 500
pkts=$(ip -n "$AC_NS" -s -j link show dev ppp0 | jq -r '.[0].stats64.tx.packets')
near "Stop output packets" "$(jq -r '."Acct-Output-Packets"' <<<"$r")" "$pkts" 5
assert_eq "Starts of ppp0 in all" 1 \
	"$(rec ".\"Acct-Session-Id\" == \"$SID0\" and .\"Acct-Status-Type\" == \"Start\"" | jq length)"

log "ip-up ppp1 (bob); a restart of acd sends no second Start"
ahook ip-up ppp1 "${PPPD[1]}" bob || fail "ip-up ppp1 failed"
SID1=$(sid ppp1)
wait_rec ".\"Acct-Session-Id\" == \"$SID1\" and .\"Acct-Status-Type\" == \"Start\"" >/dev/null
stop_acd
grep -q "sess=ppp1.*event=down" "$TMPD/acd.log" && fail "stopping acd ended ppp1"
[[ $(rec ".\"Acct-Session-Id\" == \"$SID1\" and .\"Acct-Status-Type\" == \"Stop\"" | jq length) == 0 ]] ||
	fail "stopping acd sent a Stop for ppp1"

# period = daily, and a TZ whose midnight comes MIDNIGHT_IN seconds from now:
# local = UTC - offset, so an offset of (now + MIDNIGHT_IN) mod 1 day puts
# local midnight there (POSIX TZ offsets may carry seconds)
MIDNIGHT_IN=8
at=$(($(date +%s) + MIDNIGHT_IN))
off=$((at % 86400))
TZ_TEST=$(printf 'ACD+%02d:%02d:%02d' $((off / 3600)) $((off / 60 % 60)) $((off % 60)))
write_conf daily
acct_start "$TZ_TEST"
log "acd restarted with period = daily, TZ=$TZ_TEST (local midnight at $(date -d "@$at" +%T) UTC)"
assert_eq "ppp1's Acct-Session-Id after the restart" "$SID1" "$(sid ppp1)"
# time for a second Start, which must not come
sleep 0.5
assert_eq "Starts for ppp1 after the restart" 1 \
	"$(rec ".\"Acct-Session-Id\" == \"$SID1\" and .\"Acct-Status-Type\" == \"Start\"" | jq length)"
ip netns exec "$AC_NS" ping -q -c 20 -i 0.01 10.77.1.2 >/dev/null || fail "ping over ppp1 failed"

log "the period boundary: Stop (Session-Timeout) + Start with a new id, linked"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID1\" and .\"Acct-Status-Type\" == \"Stop\"" $((MIDNIGHT_IN + 5)))
assert_jq "ppp1 period Stop" "$r" '."Acct-Terminate-Cause"' Session-Timeout \
	'."Acct-Multi-Session-Id"' "$SID1"
# the new period starts at the boundary, not in the second before it (time()
# reads a coarse clock that can lag the timer's): else it ends again there
(($(date -d "$(jq -r '."Event-Timestamp"' <<<"$r")" +%s) >= at)) || fail "ppp1's period Stop is stamped before the boundary $at: $r"
STOP_A=$r
SID1B=$(sid ppp1)
[[ "$SID1B" =~ ^[0-9A-F]{16}$ && "$SID1B" != "$SID1" ]] || fail "ppp1 kept its id over the boundary: '$SID1B'"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID1B\" and .\"Acct-Status-Type\" == \"Start\"")
assert_jq "ppp1 new period Start" "$r" '."Acct-Multi-Session-Id"' "$SID1" '."User-Name"' bob
grep -q "sess=ppp1.*event=period-split" "$TMPD/acd.log" || fail "no period-split in acd's log"
log "a reload that changes [accounting] keeps the running settings and says so"
write_conf none
kill -HUP "$ACD_PID"
wait_until 3 grep -q "reload: \[accounting\] changes at the next start" "$TMPD/acd.log" || true
grep -q "reload: \[accounting\] changes at the next start" "$TMPD/acd.log" ||
	fail "the reload did not say that [accounting] waits for a restart"
log "traffic in the new period, IPv6CP up too, then terminate (admin-reset): ip-down first, then ipv6-down"
hook ipv6-up ppp1 fe80::1 fe80::b0b "${PPPD[1]}" bob || fail "ipv6-up ppp1 failed"
ip netns exec "$AC_NS" ping -q -c 50 -i 0.01 -s 1000 10.77.1.2 >/dev/null || fail "ping over ppp1 failed"
ctl terminate ppp1 >/dev/null || fail "terminate ppp1 failed"
read -r krx ktx < <(link_bytes "$AC_NS" ppp1)
ahook ip-down ppp1 "${PPPD[1]}" bob || fail "ip-down ppp1 failed"
assert_jq "ppp1 after ip-down, IPv6CP still up" "$(ctl -j show session ppp1)" '.ip' "" '.ipv6' fe80::b0b
hook ipv6-down ppp1 fe80::1 fe80::b0b "${PPPD[1]}" bob || fail "ipv6-down ppp1 failed"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID1B\" and .\"Acct-Status-Type\" == \"Stop\"")
# the Stop still has the address of the protocol that went down first
assert_jq "ppp1 Stop" "$r" '."Acct-Terminate-Cause"' Admin-Reset '."Acct-Multi-Session-Id"' "$SID1" \
	'."Framed-IP-Address"' 10.77.1.2 '."Framed-Interface-Id"' 0:0:0:b0b
# a late down hook for the ended session is done already
hook ip-down ppp1 10.77.1.1 10.77.1.2 "${PPPD[1]}" bob || fail "a second ip-down for the ended ppp1 was refused"
out_a=$(total "$STOP_A" Output)
out_b=$(total "$r" Output)
((out_b >= 50 * 1000)) || fail "the new period counted $out_b bytes out, less than its 50 pings"
near "the two periods' output together" $((out_a + out_b)) "$ktx" 500
near "the two periods' input together" $(($(total "$STOP_A" Input) + $(total "$r" Input))) "$krx" 500
# counted from the boundary, not from bob's start (8 s and more before it)
stime=$(jq -r '."Acct-Session-Time"' <<<"$r")
((stime <= $(date +%s) - at)) || fail "the new period's session time $stime s does not count from the boundary"


log "ppp2 vanishes (pppd killed): Stop with NAS-Error and the link's last counters"
ahook ip-up ppp2 "${PPPD[2]}" carol || fail "ip-up ppp2 failed"
SID2=$(sid ppp2)
ip netns exec "$AC_NS" ping -q -c 30 -i 0.01 -s 1400 10.77.2.2 >/dev/null || fail "ping over ppp2 failed"
read -r krx ktx < <(link_bytes "$AC_NS" ppp2)
ip -n "$AC_NS" link del ppp2
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID2\" and .\"Acct-Status-Type\" == \"Stop\"" 10)
assert_jq "ppp2 Stop" "$r" '."Acct-Terminate-Cause"' NAS-Error
near "vanished session's output" "$(total "$r" Output)" "$ktx" 500
grep -q "event=counters-lost" "$TMPD/acd.log" && fail "acd lost the vanished link's counters"

log "FreeRADIUS stopped: bounded queue, drops counted, RSS flat, hooks fast"
kill "$RAD_PID"
wait "$RAD_PID" 2>/dev/null || true
sent_before=$(acct sent)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$ACD_PID/status"; }
# Records come in bursts, as from a storm of hooks: an ip-up and its
# ip-down back to back, then a pause (each cycle takes at least 40 ms).
# A limit that logs once a second on average but not always 1 s apart
# shows here: acd's old flush timer, set before a line went out, brought
# a second line a few ms after it when two drops fell in between.
cycle() { # cycle N: N ip-up/ip-down pairs on ppp3, client-side ms per hook into $TMPD/hook-ms
	local i a b c
	for ((i = 0; i < $1; i++)); do
		a=$(date +%s%N)
		ahook ip-up ppp3 "${PPPD[3]}" dave >/dev/null || fail "ip-up ppp3 failed (server dead)"
		b=$(date +%s%N)
		ahook ip-down ppp3 "${PPPD[3]}" dave >/dev/null || fail "ip-down ppp3 failed (server dead)"
		c=$(date +%s%N)
		echo $(((b - a) / 1000000)) >>"$TMPD/hook-ms"
		c=$((40 - (c - a) / 1000000))
		((c <= 0)) || sleep "0.$(printf %03d "$c")"
	done
}
# The drop log's window, exactly: the monotonic clock read, then the log's
# size; at the end the log's size, then the clock.  Every drop line counted
# was written inside the window, and only the first of them can have taken
# its turn (acd's CLOCK_MONOTONIC, read before the line is written) before
# the window began.  /proc/uptime ticks as CLOCK_MONOTONIC does (they part
# only over a suspend, which widens the window) in steps of 10 ms: the end
# is rounded up.
uptime_cs() { local u; read -r u _ </proc/uptime; echo $((10#${u/./})); }
logsize() { stat -c %s "$TMPD/acd.log"; }
w0=$(uptime_cs)
o0=$(logsize)
cycle 40
rss0=$(rss)
cycle 160
o1=$(logsize)
w1=$(($(uptime_cs) + 1))
rss1=$(rss)
# the first record's tries (timeout 1s, retries 1) may outlast the cycles on
# a fast machine: wait for them to be given up
some_failed() { [ "$(acct failed)" != 0 ]; }
wait_until 5 some_failed || true
st=$(ctl -j show stat)
log "accounting: $(jq -c .accounting <<<"$st")"
log "acd's time per hook: $(jq -c .hook_latency <<<"$st")"
log "RSS ${rss0} kB after 40 cycles, ${rss1} kB after 200 (dead server, queue 16)"
HOOK_MS=$(sort -n "$TMPD/hook-ms" | awk '{ a[NR] = $1 } END { printf "p50 %d ms, max %d ms", a[int(NR / 2) + 1], a[NR] }')
log "ip-up as pppd sees it (acdctl exec + request): $HOOK_MS"
assert_jq "accounting counters" "$st" '.accounting.queue_size' 16 \
	'.accounting.queue_depth <= 16' true '.accounting.dropped >= 300' true \
	'.accounting.failed >= 1' true '.accounting.last_error | test("no answer")' true
assert_eq "records sent while the server was dead" "$sent_before" "$(acct sent)"
# a loop that waited for RADIUS would take its 1 s timeout; one slow hook
# may have waited on the kernel's rtnl lock for other tests' namespaces
(($(jq -r '.hook_latency.p99_us' <<<"$st") < 100000 && $(jq -r '.hook_latency.max_us' <<<"$st") < 900000)) ||
	fail "hooks took acd $(jq -c .hook_latency <<<"$st"): the loop waited for RADIUS?"
((rss1 - rss0 < 1024)) || fail "acd's RSS grew by $((rss1 - rss0)) kB over 160 cycles with a dead server"
# acd logs drops at most once a second (on its monotonic clock, two lines
# at least 1 s apart): in a window of D s, at most ceil(D) lines began their
# turn inside it, and one more before it
dropped=$(tail -c +$((o0 + 1)) "$TMPD/acd.log" | head -c $((o1 - o0)) | grep "event=dropped" || true)
drops=$(grep -c . <<<"$dropped" || true)
max=$(((w1 - w0 + 99) / 100 + 1))
log "$drops drop log lines in $(((w1 - w0) / 100)).$(printf %02d $(((w1 - w0) % 100))) s (at most $max)"
((drops >= 1 && drops <= max)) || {
	cut -c1-120 <<<"$dropped" >&2
	fail "$drops drop log lines in a window of $((w1 - w0))0 ms (want at least 1, at most $max: one a second, and one whose turn came before the window)"
}

log "acd exits at once with a full queue and a dead server"
a=$(date +%s%N)
stop_acd
b=$(date +%s%N)
((b - a < 5000000000)) || fail "acd took $(((b - a) / 1000000)) ms to exit"
grep -q "event=exit-unsent" "$TMPD/acd.log" || fail "acd did not log the records it could not send"
grep -q "acct-s3cret" "$TMPD/acd.log" "$TMPD/state/"* && fail "the secret appeared in the log or state"
log "IPv6: RADIUS's Framed-IPv6-Prefix and the delegated prefix in accounting (Interim, Stop)"
start_radius
write_conf none
cat >>"$TMPD/acd.conf" <<CONF
[ipv6]
prefix-pool = 2001:db8:100::/60
pd-pool = 2001:db8:200::/48
pd-length = 56
CONF
# IPv6 on ppp3 and sub3 only
pair_ipv6 3
printf 'User-Name dave\nFramed-IPv6-Prefix 2001:db8:300:1::/64\n' >"$TMPD/radattr.ppp3"
acct_start
ahook ip-up ppp3 "${PPPD[3]}" dave || fail "ip-up ppp3 failed"
SID3=$(sid ppp3)
wait_rec ".\"Acct-Session-Id\" == \"$SID3\" and .\"Acct-Status-Type\" == \"Start\"" >/dev/null
hook ipv6-up ppp3 "$(link_local "$AC_NS" ppp3)" "$(link_local "$SUB_NS" sub3)" "${PPPD[3]}" dave || fail "ipv6-up ppp3 failed"
# (acd found ppp3's link at its start: ip-up's Interim came first, without IPv6)
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID3\" and .\"Acct-Status-Type\" == \"Interim-Update\" and .\"Framed-Interface-Id\" != null" 5)
assert_jq "ppp3 newinfo Interim: RADIUS's prefix" "$r" '."Framed-IPv6-Prefix"' 2001:db8:300:1::/64
log "dhclient -P on sub3: a /56 from pd-pool"
printf '#!/bin/sh\necho "$reason ${new_ip6_prefix:-}" >>"%s"\nexit 0\n' "$TMPD/dhc3.events" >"$TMPD/dhc3-script"
chmod 0755 "$TMPD/dhc3-script"
: >"$TMPD/dhc3.conf"
ip netns exec "$SUB_NS" dhclient -cf "$TMPD/dhc3.conf" -lf "$TMPD/dhc3.leases" \
	-pf "$TMPD/dhc3.pid" -sf "$TMPD/dhc3-script" -P -d -v sub3 >"$TMPD/dhc3.log" 2>&1 &
BG_PIDS+=($!)
bound3() { grep -q '^BOUND6 ' "$TMPD/dhc3.events" 2>/dev/null; }
wait_until 15 bound3 || fail "dhclient got no prefix on sub3: $(tail -n 20 "$TMPD/dhc3.log")"
pd=$(grep -m1 '^BOUND6 ' "$TMPD/dhc3.events" | cut -d' ' -f2)
assert_jq "show session ppp3: the delegated prefix" "$(ctl -j show session ppp3)" .ipv6_delegated "$pd"
kill "$(cat "$TMPD/dhc3.pid")" 2>/dev/null || true
log "ipv6-down, then ip-down: the Stop still names both prefixes"
hook ipv6-down ppp3 "$(link_local "$AC_NS" ppp3)" "$(link_local "$SUB_NS" sub3)" "${PPPD[3]}" dave || fail "ipv6-down ppp3 failed"
ahook ip-down ppp3 "${PPPD[3]}" dave || fail "ip-down ppp3 failed"
r=$(wait_rec ".\"Acct-Session-Id\" == \"$SID3\" and .\"Acct-Status-Type\" == \"Stop\"" 5)
assert_jq "ppp3 Stop" "$r" '."Framed-IPv6-Prefix"' 2001:db8:300:1::/64 '."Delegated-IPv6-Prefix"' "$pd"
log "FreeRADIUS logged Framed-IPv6-Prefix $(jq -r '."Framed-IPv6-Prefix"' <<<"$r") and Delegated-IPv6-Prefix $pd"
stop_acd
rm -f "$TMPD/radattr.ppp3"
if grep -qE "Sanitizer|runtime error:" "$TMPD/acd.log"; then
	grep -E -A20 "Sanitizer|runtime error:" "$TMPD/acd.log" >&2
	fail "sanitizer report in acd's log"
fi
log "numbers: 4.5 GiB in $SECS s ($GBPS Gbit/s); dead server: $HOOK_MS per hook; RSS $rss0 -> $rss1 kB"
pass
