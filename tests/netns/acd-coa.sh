#!/bin/bash
# acd-coa.sh - RFC 5176 against the real client: FreeRADIUS's radclient
# sends CoA-Request and Disconnect-Request to acd's [coa] server.
#   - a CoA with new rates re-shapes the session live: tc readback, acd's
#     session record, and iperf3 all see the new rate; the state file
#     keeps it over an acd restart;
#   - wrong secret: no reply (radclient fails), nothing changed;
#   - the same packet sent twice acts once (the second gets the cached
#     reply); a stale Event-Timestamp is dropped;
#   - a request answered before a restart of acd (SIGTERM, and kill -9 right
#     after the reply) is a duplicate after it: the same reply, byte for
#     byte, and not acted on again (the rate set in between stays);
#   - 250 User-Name attributes (RFC 5176 3.5 allows one) -> NAK 404;
#   - unknown session -> NAK 503, two matching -> NAK 508, another NAS's
#     NAS-Identifier -> NAK 403, an unsupported attribute -> NAK 401, a
#     malformed rate -> NAK 407: each changes nothing;
#   - required Message-Authenticator: without one dropped, with one acted on;
#   - Disconnect-Request: the session's pppd (a stand-in process named
#     pppd) gets SIGTERM and the session's cause is disconnect-request;
#   - counters for all of it in `show stat`;
#   - a session named by Framed-IPv6-Prefix (RADIUS's /64 from its radattr
#     file): CoA re-shapes it, another prefix or another user with it NAK
#     503, Disconnect ends it.
set -euo pipefail
TEST_NAME=acd-coa
. "$(dirname "$0")/lib.sh"

need_acd
command -v radclient >/dev/null || skip "radclient not found (Debian package freeradius-utils; tools/install-deps installs it)"
command -v socat >/dev/null || skip "socat not found (tools/install-deps installs it)"
netns_init iperf3
add_pair 0
add_pair 1
add_pair 2

PORT=3799
export ACD_SOCKET=$TMPD/acd.sock
umask 077
printf 'coa-s3cret\n' >"$TMPD/coa.secret"
printf 'wrong-secret\n' >"$TMPD/wrong.secret"
umask 022
write_conf() {
	acd_conf <<CONF
nas-identifier = bras-test
[shaper]
up-mode = ifb
[coa]
listen = 127.0.0.1:$PORT
client = 127.0.0.0/8 $TMPD/coa.secret
require-message-authenticator = $1
event-timestamp-window = 60s
[ipv6]
prefix-pool = 2001:db8:100::/60
CONF
}
write_conf no

stat() { ctl -j show stat | jq -r ".coa.$1"; }
# stat_is COUNTER N: show stat's coa.COUNTER is N
stat_is() { [[ "$(stat "$1")" == "$2" ]]; }

# radclient TYPE SECRETFILE ATTRS...: one request, no retries; prints
# radclient's output, returns its exit status (0 = ACK, 1 = NAK/timeout)
radc() {
	local type=$1 sf=$2
	shift 2
	printf '%s\n' "$@" | ip netns exec "$AC_NS" timeout 10 \
		radclient -x -r 1 -t 1 -S "$sf" "127.0.0.1:$PORT" "$type" 2>&1
}

declare -A PPPD
for i in 0 1 2; do
	stand_in_pppd "PPPD[$i]"
done
printf 'User-Name alice\nRP-Downstream-Speed-Limit 10240\nRP-Upstream-Speed-Limit 5120\n' >"$TMPD/radattr.ppp0"
printf 'User-Name bob\nMikrotik-Rate-Limit 2M/4M\n' >"$TMPD/radattr.ppp1"
printf 'User-Name bob\nMikrotik-Rate-Limit 2M/4M\n' >"$TMPD/radattr.ppp2"
start_acd
hook ip-up ppp0 10.77.0.1 10.77.0.2 "${PPPD[0]}" alice || fail "ip-up ppp0 failed"
hook ip-up ppp1 10.77.1.1 10.77.1.2 "${PPPD[1]}" bob || fail "ip-up ppp1 failed"
hook ip-up ppp2 10.77.2.1 10.77.2.2 "${PPPD[2]}" bob || fail "ip-up ppp2 failed"
assert_eq "ppp0 tbf before CoA" 10240000 "$(tbf_bits ppp0)"
SID=$(ctl -j show session ppp0 | jq -r .acct_session_id)
[[ "$SID" =~ ^[0-9A-F]{16}$ ]] || fail "ppp0 has no Acct-Session-Id: '$SID'"
snap_before=$(ns_snapshot "$AC_NS")

log "wrong secret: dropped silently (radclient times out), nothing changes"
if out=$(radc coa "$TMPD/wrong.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 1000'); then
	fail "a CoA with the wrong secret was answered: $out"
fi
assert_eq "dropped for the authenticator" 1 "$(stat dropped.authenticator)"
assert_snapshot_same "after a wrong-secret CoA" "$snap_before" "$(ns_snapshot "$AC_NS")"

log "CoA by User-Name: 10240 -> 2048 kbit/s down, upload kept; ACK only after the kernel took it"
now=$(date +%s)
out=$(radc coa "$TMPD/coa.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 2048' \
	"Event-Timestamp = $now" 'NAS-Identifier = "bras-test"') || fail "CoA was not ACKed: $out"
assert_contains "radclient got" "CoA-ACK" "$out"
assert_eq "ppp0 tbf after CoA" 2048000 "$(tbf_bits ppp0)"
assert_eq "ifb-ppp0 tbf after CoA (kept)" 5120000 "$(tbf_bits ifb-ppp0)"
s=$(ctl -j show session ppp0)
assert_jq "session record" "$s" '[.down, .up, .source, .coa] | map(tostring) | join(" ")' \
	"2048000 5120000 coa:RP-Downstream-Speed-Limit true"
down=$(measure_mbit down 0 3)
log "download after CoA: $down Mbit/s (CoA: 2.048)"
assert_band "download after CoA" "$down" 1.7 2.15 Mbit/s

# capture FILE ATTRS...: the CoA-Request radclient builds from ATTRS, caught
# on a port nobody answers (radclient picks id and authenticator itself)
capture() {
	local f=$1 cap
	shift
	rm -f "$f"
	ip netns exec "$AC_NS" timeout 4 socat -u UDP-RECV:3800,bind=127.0.0.1 CREATE:"$f" &
	cap=$!
	wait_until 5 listening "$AC_NS" udp 3800 || true
	printf '%s\n' "$@" |
		ip netns exec "$AC_NS" radclient -r 1 -t 1 -S "$TMPD/coa.secret" 127.0.0.1:3800 coa >/dev/null 2>&1 || true
	wait "$cap" || true
	[[ -s "$f" ]] || fail "could not capture radclient's packet"
}
# udp_xchg PKT REPLY: send the bytes of PKT to acd as they are; its reply
# (empty when none comes within 2 s) into REPLY
udp_xchg() {
	ip netns exec "$AC_NS" python3 - "$1" "$2" "$PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(open(sys.argv[1], "rb").read(), ("127.0.0.1", int(sys.argv[3])))
try:
    data = s.recv(4096)
except socket.timeout:
    data = b""
open(sys.argv[2], "wb").write(data)
PY
}
# reply_code FILE: the RADIUS code of a reply (44 CoA-ACK), empty if none
reply_code() { [[ -s "$1" ]] && od -An -tu1 -N1 "$1" | tr -d ' '; }

log "the same packet twice (captured from radclient, resent with socat): acts once"
capture "$TMPD/pkt" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 3072' "Event-Timestamp = $(date +%s)"
acks=$(stat acks)
send_pkt() { ip netns exec "$AC_NS" socat -u FILE:"$TMPD/pkt" UDP-SENDTO:127.0.0.1:$PORT; }
# the second copy once the first is answered
send_pkt
wait_until 5 stat_is acks $((acks + 1)) || true
send_pkt
# both copies handled, the second counted as a duplicate
wait_until 5 stat_is duplicates 1 || true
assert_eq "ACKs for the packet sent twice" $((acks + 1)) "$(stat acks)"
assert_eq "duplicates" 1 "$(stat duplicates)"
assert_eq "ppp0 tbf after the replayed CoA" 3072000 "$(tbf_bits ppp0)"
grep -c "coa ack ppp0" "$TMPD/acd.log" | { read -r n; assert_eq "CoA actions logged" 2 "$n"; }

log "stale Event-Timestamp (10 minutes old): dropped"
if out=$(radc coa "$TMPD/coa.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 1000' \
	"Event-Timestamp = $(($(date +%s) - 600))"); then
	fail "a stale CoA was answered: $out"
fi
assert_eq "dropped as stale" 1 "$(stat dropped.stale)"
assert_eq "ppp0 tbf after the stale CoA" 3072000 "$(tbf_bits ppp0)"

snap=$(ns_snapshot "$AC_NS")
nak() { # nak CAUSE-NAME ATTRS...: expect a NAK with that Error-Cause
	local want=$1 out
	shift
	if out=$(radc "${TYPE:-coa}" "$TMPD/coa.secret" "$@"); then
		fail "expected a NAK ($want), got: $out"
	fi
	assert_contains "radclient output" "NAK" "$out"
	assert_contains "Error-Cause" "$want" "$out"
}
log "unknown session -> NAK 503 Session-Context-Not-Found"
nak Session-Context-Not-Found 'User-Name = "mallory"' 'RP-Downstream-Speed-Limit = 1000'
log "two sessions of bob -> NAK 508; by Framed-IP-Address it is one"
nak Multiple-Session-Selection-Unsupported 'User-Name = "bob"' 'RP-Downstream-Speed-Limit = 1000'
log "another NAS -> NAK 403"
nak NAS-Identification-Mismatch 'NAS-Identifier = "bras-other"' 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 1000'
log "a NAS-Identifier with a quote is quoted escaped into the log, not raw"
nak NAS-Identification-Mismatch 'NAS-Identifier = "bras\"x=1"' 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 1000'
grep -qF 'NAS-Identifier "bras\042x=1" is not this NAS' "$TMPD/acd.log" ||
	fail "the NAS-Identifier was not quoted escaped: $(grep 'NAS-Identifier' "$TMPD/acd.log" | tail -1)"
log "unsupported attribute (Session-Timeout) -> NAK 401"
nak Unsupported-Attribute 'User-Name = "alice"' 'Session-Timeout = 60'
log "malformed rate -> NAK 407"
nak Invalid-Attribute-Value 'User-Name = "alice"' 'Mikrotik-Rate-Limit = "fast/faster"'
log "no identification -> NAK 402"
nak Missing-Attribute 'RP-Downstream-Speed-Limit = 1000'
log "250 User-Name attributes (RFC 5176 3.5: at most one) -> NAK 404, the log names it"
users=()
for _ in $(seq 250); do users+=('User-Name = "alice"'); done
nak Invalid-Request "${users[@]}" 'RP-Downstream-Speed-Limit = 1000'
grep -q 'nak cause=404: User-Name (attribute 1) 250 times' "$TMPD/acd.log" ||
	fail "the NAK's log line does not name the repeated User-Name: $(grep 'cause=404' "$TMPD/acd.log" | tail -1)"
log "two Event-Timestamps -> NAK 404"
nak Invalid-Request 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 1000' \
	"Event-Timestamp = $(date +%s)" "Event-Timestamp = $(date +%s)"
assert_snapshot_same "after nine NAKed requests" "$snap" "$(ns_snapshot "$AC_NS")"
assert_eq "NAKs counted" 9 "$(stat naks)"

log "by Framed-IP-Address and Acct-Session-Id: Mikrotik 1M/3M (up 1M, down 3M) on ppp1"
out=$(radc coa "$TMPD/coa.secret" 'Framed-IP-Address = 10.77.1.2' 'Mikrotik-Rate-Limit = "1M/3M"') ||
	fail "CoA by Framed-IP-Address failed: $out"
assert_eq "ppp1 tbf" 3000000 "$(tbf_bits ppp1)"
assert_eq "ifb-ppp1 tbf" 1000000 "$(tbf_bits ifb-ppp1)"
out=$(radc coa "$TMPD/coa.secret" "Acct-Session-Id = \"$SID\"" 'WISPr-Bandwidth-Max-Up = 1500000') ||
	fail "CoA by Acct-Session-Id failed: $out"
assert_eq "ifb-ppp0 tbf (WISPr, bit/s)" 1500000 "$(tbf_bits ifb-ppp0)"
assert_eq "ppp0 tbf (kept)" 3072000 "$(tbf_bits ppp0)"

log "a restart keeps what the CoA set (state file), not the radattr file's plan"
stop_acd
start_acd
assert_jq "ppp0 after restart" "$(ctl -j show session ppp0)" '[.down, .up, .coa] | map(tostring) | join(" ")' \
	"3072000 1500000 true"
assert_eq "ppp0 tbf after restart" 3072000 "$(tbf_bits ppp0)"

log "a CoA answered before a restart is a duplicate after it: same reply, not acted on again"
acted() { grep -c "coa ack ppp0" "$TMPD/acd.log" || true; }
capture "$TMPD/pkt-r" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 5120' "Event-Timestamp = $(date +%s)"
udp_xchg "$TMPD/pkt-r" "$TMPD/reply-r1"
assert_eq "reply to the captured CoA (44 CoA-ACK)" 44 "$(reply_code "$TMPD/reply-r1")"
assert_eq "ppp0 tbf after the captured CoA" 5120000 "$(tbf_bits ppp0)"
out=$(radc coa "$TMPD/coa.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 6144') ||
	fail "CoA to 6144 was not ACKed: $out"
assert_eq "ppp0 tbf after another CoA" 6144000 "$(tbf_bits ppp0)"
n=$(acted)
stop_acd
start_acd
udp_xchg "$TMPD/pkt-r" "$TMPD/reply-r2"
cmp -s "$TMPD/reply-r1" "$TMPD/reply-r2" ||
	fail "the replay after a restart got another reply: $(od -An -tx1 -N4 "$TMPD/reply-r2") (before: $(od -An -tx1 -N4 "$TMPD/reply-r1"))"
assert_eq "duplicates after the restart" 1 "$(stat duplicates)"
assert_eq "CoAs acted on (log lines) after the replay" "$n" "$(acted)"
assert_eq "ppp0 tbf after the replay (the later CoA's rate stays)" 6144000 "$(tbf_bits ppp0)"
assert_eq "ppp0 in acd after the replay" 6144000 "$(ctl -j show session ppp0 | jq .down)"

log "the same after kill -9 right after the reply (before any state save)"
capture "$TMPD/pkt-k" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 7168' "Event-Timestamp = $(date +%s)"
udp_xchg "$TMPD/pkt-k" "$TMPD/reply-k1"
stop_acd KILL
assert_eq "reply to the CoA before kill -9 (44 CoA-ACK)" 44 "$(reply_code "$TMPD/reply-k1")"
n=$(acted)
start_acd
before=$(tbf_bits ppp0)
# its change was in the journal before the reply: not lost with the save
assert_eq "ppp0's rate after kill -9 and a start (the CoA's, from the journal)" 7168000 "$before"
assert_eq "ppp0's rate in acd after kill -9 and a start" 7168000 "$(ctl -j show session ppp0 | jq .down)"
udp_xchg "$TMPD/pkt-k" "$TMPD/reply-k2"
cmp -s "$TMPD/reply-k1" "$TMPD/reply-k2" || fail "the replay after kill -9 got another reply"
assert_eq "duplicates after kill -9 and a start" 1 "$(stat duplicates)"
assert_eq "CoAs acted on (log lines) after the replay" "$n" "$(acted)"
assert_eq "ppp0 tbf after the replay (as before it)" "$before" "$(tbf_bits ppp0)"

log "require-message-authenticator = yes (reload): without one dropped, with one acted on"
write_conf yes
ctl reload >/dev/null || fail "reload with require-message-authenticator = yes failed"
if out=$(radc coa "$TMPD/coa.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 4096'); then
	fail "a CoA without Message-Authenticator was answered: $out"
fi
assert_eq "dropped for Message-Authenticator" 1 "$(stat dropped.message_authenticator)"
out=$(radc coa "$TMPD/coa.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 4096' 'Message-Authenticator = 0x00') ||
	fail "a CoA with Message-Authenticator was not ACKed: $out"
assert_eq "ppp0 tbf" 4096000 "$(tbf_bits ppp0)"

# disconnected N ATTR...: a Disconnect-Request naming the session by ATTR...
# is ACKed, and pppN's stand-in pppd ends by its SIGTERM
disconnected() {
	local n=$1 out rc=0
	shift
	out=$(radc disconnect "$TMPD/coa.secret" "$@" 'Message-Authenticator = 0x00') ||
		fail "Disconnect by $* was not ACKed: $out"
	assert_contains "radclient got" "Disconnect-ACK" "$out"
	wait "${PPPD[$n]}" || rc=$?
	assert_eq "ppp$n's stand-in pppd exit status (128 + SIGTERM)" 143 "$rc"
}

log "Disconnect-Request by Calling-Station-Id: SIGTERM to ppp1's pppd"
disconnected 1 'Calling-Station-Id = "02-00-00-00-00-01"'
hook ip-down ppp1 10.77.1.1 10.77.1.2 "${PPPD[1]}" bob || fail "ip-down ppp1 failed"
grep -q "sess=ppp1 user=bob event=down cause=disconnect-request" "$TMPD/acd.log" ||
	fail "ppp1 did not end with cause disconnect-request"
assert_eq "sessions left" 2 "$(ctl -j show stat | jq .sessions)"
TYPE=disconnect nak Session-Context-Not-Found 'Calling-Station-Id = "02:00:00:00:00:01"' 'Message-Authenticator = 0x00'

log "show stat"
ctl show stat | sed -n '/^coa/,$p' >&2
# counters start again with acd: since the restart 2 ACKs and 1 NAK
assert_eq "requests answered since the restart" 3 "$(stat requests)"
assert_eq "ACKs since the restart" 2 "$(stat acks)"
grep -q "coa-s3cret" "$TMPD/acd.log" && fail "the secret appeared in the log"

log "a damaged replay cache: a damaged record loses itself, a damaged file the cache; acd runs"
CACHE=$TMPD/state/coa-cache
assert_eq "replay cache size (64-byte header, 16384 records of 64)" 1048640 "$(command stat -c %s "$CACHE")"
assert_eq "replay cache mode" 600 "$(command stat -c %a "$CACHE")"
stop_acd
printf 'X' | dd of="$CACHE" bs=1 seek=$((64 + 20)) conv=notrunc status=none # slot 0
start_acd
grep -q "coa: replay cache $CACHE: 1 damaged record(s) dropped" "$TMPD/acd.log" ||
	fail "no log line for the damaged record"
stop_acd
printf 'not a cache file' | dd of="$CACHE" bs=1 conv=notrunc status=none
start_acd
grep -q "coa: replay cache $CACHE: not a replay cache (it starts \"not a cache file\"): starting with an empty one" \
	"$TMPD/acd.log" || fail "no log line for the damaged header"
stop_acd
head -c 100 /dev/urandom >"$CACHE"
start_acd
grep -q "coa: replay cache $CACHE: 100 bytes, not 1048640: starting with an empty one" "$TMPD/acd.log" ||
	fail "no log line for the cut file"
assert_eq "replay cache size after it was rewritten" 1048640 "$(command stat -c %s "$CACHE")"
out=$(radc coa "$TMPD/coa.secret" 'User-Name = "alice"' 'RP-Downstream-Speed-Limit = 2048' 'Message-Authenticator = 0x00') ||
	fail "a CoA after the cache was rewritten was not ACKed: $out"
assert_eq "ppp0 tbf" 2048000 "$(tbf_bits ppp0)"
log "CoA and Disconnect by Framed-IPv6-Prefix (RADIUS's /64 for dave's session)"
add_pair 3
# IPv6 on ppp3 and sub3 only
pair_ipv6 3
stand_in_pppd "PPPD[3]"
printf 'User-Name dave\nFramed-IPv6-Prefix 2001:db8:300:1::/64\n' >"$TMPD/radattr.ppp3"
hook ip-up ppp3 10.77.3.1 10.77.3.2 "${PPPD[3]}" dave || fail "ip-up ppp3 failed"
hook ipv6-up ppp3 "$(link_local "$AC_NS" ppp3)" "$(link_local "$SUB_NS" sub3)" "${PPPD[3]}" dave || fail "ipv6-up ppp3 failed"
assert_jq "dave's prefix" "$(ctl -j show session ppp3)" .ipv6_prefix 2001:db8:300:1::/64
out=$(radc coa "$TMPD/coa.secret" 'Framed-IPv6-Prefix = 2001:db8:300:1::/64' 'RP-Downstream-Speed-Limit = 3072' \
	'Message-Authenticator = 0x00') || fail "CoA by Framed-IPv6-Prefix was not ACKed: $out"
assert_contains "radclient got" "CoA-ACK" "$out"
assert_eq "ppp3 tbf after the CoA by Framed-IPv6-Prefix" 3072000 "$(tbf_bits ppp3)"
nak Session-Context-Not-Found 'Framed-IPv6-Prefix = 2001:db8:300:2::/64' 'RP-Downstream-Speed-Limit = 1000' \
	'Message-Authenticator = 0x00'
nak Session-Context-Not-Found 'Framed-IPv6-Prefix = 2001:db8:300:1::/64' 'User-Name = "alice"' \
	'RP-Downstream-Speed-Limit = 1000' 'Message-Authenticator = 0x00'
assert_eq "ppp3 tbf after the NAKs" 3072000 "$(tbf_bits ppp3)"
disconnected 3 'Framed-IPv6-Prefix = 2001:db8:300:1::/64'
pass
