#!/bin/bash
# acd-adopt.sh - a session whose hook never reached acd (acd busy, its
# socket full: pppd does not retry) is not lost while acd runs.  pppd sets
# the link's addresses just before it runs ip-up; a link with acd's prefix
# that has an address and no session adopt-after (3 s here) later is
# adopted as at start-up: shaped from its radattr file, its addresses and
# pppd's pid from the kernel and pppd's pid file, announced to monitors.
# A link whose hook comes in time is not adopted; a hook after the
# adoption updates the same session; when acd's notifications overflow,
# it lists the addresses and still finds the link that lost its hook, and
# ends the session whose link went meanwhile.  acd's notification buffer
# is the size it asks for, above net.core.rmem_max (208 kB on a stock
# kernel, 4 MiB on our CI hosts).
set -euo pipefail
TEST_NAME=acd-adopt
. "$(dirname "$0")/lib.sh"

need_acd
netns_init
export ACD_SOCKET=$TMPD/acd.sock
GRACE=3
acd_conf <<CONF
[shaper]
up-mode = ifb
[pppd]
adopt-after = ${GRACE}s
CONF

stand_in_pppd PPPD
start_acd

# event_rb: the receive buffer of the rtnetlink socket in acd's namespace
# that listens to groups (ss cannot name libnl's sockets' process: their
# port ids are not pids; acd is the only listener in its namespace; ss
# lists a socket with groups twice)
event_rb() {
	ip netns exec "$AC_NS" ss -a -A netlink -m -e |
		awk '/rtnl:/ && !/rtnl:kernel/ && !/groups=0x00000000/ && !seen[$4]++ && match($0, /rb[0-9]+/) {
			rb = substr($0, RSTART + 2, RLENGTH - 2); n++ }
			END { print (n == 1) ? rb : "listeners:" n + 0 }'
}
# acd asks for 8 MiB, which the kernel counts twice
rb=$(event_rb)
rmem_max=$(sysctl -n net.core.rmem_max)
log "acd's event socket buffer: $rb bytes (net.core.rmem_max $rmem_max)"
((rmem_max < 8 << 20)) ||
	log "net.core.rmem_max is 8 MiB or more here: the size would be reached without SO_RCVBUFFORCE too"
[[ $rb =~ ^[0-9]+$ ]] || fail "not one rtnetlink listener in acd's namespace: $rb"
((rb >= 16 << 20)) || fail "acd's event socket buffer is $rb bytes, cut to net.core.rmem_max ($rmem_max): it asked for 8 MiB"
grep -q "event socket's buffer is" "$TMPD/acd.log" && fail "acd warned of a short buffer it does not have"
"$ACDCTL" monitor >"$TMPD/monitor" 2>&1 &
BG_PIDS+=($!)

# ppp_link N: what pppd does before ip-up: the unit, up, its addresses
ppp_link() {
	ip -n "$AC_NS" link add "ppp$1" type veth peer name "sub$1" netns "$SUB_NS"
	ip -n "$AC_NS" link set "ppp$1" up
	ip -n "$AC_NS" addr add "10.77.$1.1" peer "10.77.$1.2/32" dev "ppp$1"
}

log "ppp1: radattr written, address set, its ip-up hook lost"
printf 'User-Name bob\nRP-Downstream-Speed-Limit 4096\nRP-Upstream-Speed-Limit 1024\n' >"$TMPD/radattr.ppp1"
echo "$PPPD" >"$TMPD/ppp1.pid"
t0=$(date +%s%N)
ppp_link 1
log "ppp2: the same, and its hook in time"
printf 'User-Name carol\nRP-Downstream-Speed-Limit 2048\nRP-Upstream-Speed-Limit 512\n' >"$TMPD/radattr.ppp2"
ppp_link 2
hook ip-up ppp2 10.77.2.1 10.77.2.2 "$PPPD" carol || fail "hook ip-up ppp2 failed"

wait_until 10 ctl show session ppp1 >/dev/null || true
ms=$((($(date +%s%N) - t0) / 1000000))
s=$(ctl -j show session ppp1) || fail "ppp1 was not adopted within 10 s"
log "ppp1 adopted after $ms ms"
((ms >= GRACE * 1000 - 500)) || fail "ppp1 adopted after $ms ms: before adopt-after ($GRACE s)"
assert_jq "adopted session" "$s" '[.user,.ip,.local_ip,.pppd_pid,.down,.up,.shaped] | map(tostring) | join(" ")' \
	"bob 10.77.1.2 10.77.1.1 $PPPD 4096000 1024000 true"
assert_eq "ppp1 tbf rate (bit/s)" 4096000 "$(tbf_bits ppp1)"
grep -q "sess=ppp1 user=bob event=adopted ip=10.77.1.2: no hook ${GRACE}s" "$TMPD/acd.log" ||
	fail "acd did not log the adoption of ppp1"
grep -q 'sess=ppp2 .*event=adopted' "$TMPD/acd.log" && fail "ppp2, whose hook came, was adopted too"
assert_eq "sessions" 2 "$(ctl -j show stat | jq .sessions)"
grep -qE '^session-up ppp1 user=bob' "$TMPD/monitor" || fail "no session-up event for ppp1: $(cat "$TMPD/monitor")"

log "the lost hook's twin arrives late: the same session, updated"
hook ip-up ppp1 10.77.1.1 10.77.1.2 "$PPPD" bob || fail "late hook ip-up ppp1 failed"
assert_eq "sessions after the late hook" 2 "$(ctl -j show stat | jq .sessions)"
assert_jq "ppp1 after the late hook" "$(ctl -j show session ppp1)" '.mac' "02:00:00:00:00:01"

log "a link of ours without an address (still negotiating) is left alone"
ip -n "$AC_NS" link add ppp3 type veth peer name sub3 netns "$SUB_NS"
ip netns exec "$AC_NS" sysctl -qw net.ipv6.conf.ppp3.disable_ipv6=1
ip -n "$AC_NS" link set ppp3 up
log "and one that is not ours (no ppp prefix) with an address too"
ip -n "$AC_NS" link add eth9 type veth peer name sub9 netns "$SUB_NS"
ip -n "$AC_NS" link set eth9 up
ip -n "$AC_NS" addr add 10.77.9.1/24 dev eth9
# nothing to wait for: they must still not be sessions well after the grace
sleep $((GRACE + 2)).5
ctl show session ppp3 >/dev/null 2>&1 && fail "ppp3, without an address, became a session"
ctl show session eth9 >/dev/null 2>&1 && fail "eth9 became a session"
assert_eq "sessions after the links that are not sessions" 2 "$(ctl -j show stat | jq .sessions)"

log "notifications lost: acd stopped while 4000 links come, up, down (its netlink socket overflows),"
log "ppp4 gets its address and radattr meanwhile; acd lists the addresses and adopts it;"
log "ppp2's link goes meanwhile (pppd killed -9, no ip-down); acd ends its session"
printf 'User-Name dave\nRP-Downstream-Speed-Limit 1024\nRP-Upstream-Speed-Limit 256\n' >"$TMPD/radattr.ppp4"
awk 'BEGIN { for (i = 0; i < 4000; i++) print "tuntap add flood" i " mode tun"
	for (i = 0; i < 4000; i++) print "link set flood" i " up group 99"
	for (i = 0; i < 4000; i++) print "link set flood" i " down" }' >"$TMPD/flood"
kill -STOP "$ACD_PID"
ip -n "$AC_NS" -batch "$TMPD/flood" || { kill -CONT "$ACD_PID"; fail "cannot create the flood of links"; }
ppp_link 4
ip -n "$AC_NS" link del ppp2
kill -CONT "$ACD_PID"
wait_until 15 ctl show session ppp4 >/dev/null || true
grep -q 'linkwatch: notifications lost' "$TMPD/acd.log" ||
	fail "acd's netlink socket did not overflow: this check proves nothing (more links needed?)"
s=$(ctl -j show session ppp4) || fail "ppp4, whose address notice was lost, was not adopted within 15 s"
assert_jq "ppp4 adopted after the overflow" "$s" '[.user,.down,.up] | map(tostring) | join(" ")' "dave 1024000 256000"
wait_until 10 eval '! ctl show session ppp2 >/dev/null 2>&1' ||
	fail "ppp2's link went while the notifications overflowed, and its session is still there"
grep -q 'sess=ppp2 user=carol event=vanished' "$TMPD/acd.log" || fail "acd did not log ppp2 as vanished"
assert_eq "sessions at the end" 2 "$(ctl -j show stat | jq .sessions)"
# gone now, in one batch (under a second), while this test holds its lock:
# not in the namespace's deletion, which the kernel runs after the test
ip -n "$AC_NS" link del group 99 || fail "cannot remove the flood of links"
pass
