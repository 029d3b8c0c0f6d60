#!/bin/bash
# acd-ipv6.sh - the IPv6 edge of a session ([ipv6]): sessions emulated as
# the lab does (a veth whose AC end is pppN, pppd's hooks), real clients on
# the subscriber's side.
#   1. the kernel's own SLAAC (accept_ra) configures a global address in
#      the session's /64 and a default route via the AC's link-local;
#   2. rdisc6 (ndisc6) shows the prefix, the MTU, the RDNSS and the DNSSL;
#   3. PREF64 names [nat64] pool6, its length code and its lifetime, as
#      tests/netns/ra_client.py decodes it from RFC 8781 (apart from acd's
#      encoder);
#   4. show session and the state file carry the /64; its route is on pppN;
#   5. malformed router solicitations are dropped and counted, nothing else;
#   6. kill -9 acd and start it again: the same /64, still routed, still
#      advertised;
#   7. ipv6-down: a final RA (router lifetime 0) takes the default route
#      away, the /64 is back in the pool; the same user dials again and
#      gets it back (sticky); a full pool leaves a session link-local only,
#      with a log line that says so;
#   8. DHCPv6 prefix delegation with a real client (ISC dhclient -P): a /56
#      from pd-pool, routed via the client's link-local; kill -9 acd and
#      start it again before T1: the client's Renew keeps its prefix;
#      Release: the route goes, the prefix is back; malformed DHCPv6
#      messages are dropped and counted;
#   9. RADIUS wins over the pools (radattr file): Framed-IPv6-Prefix is the
#      /64 SLAAC uses, DNS-Server-IPv6-Address the RDNSS (rdisc6), the
#      Framed-IPv6-Routes are on pppN with their metric, a malformed one is
#      refused with a log line, Delegated-IPv6-Prefix is what dhclient -P
#      gets; the session's end takes the routes away.
set -euo pipefail
TEST_NAME=acd-ipv6
. "$(dirname "$0")/lib.sh"

need_acd
netns_init rdisc6 python3 tayga dhclient
export ACD_SOCKET=$TMPD/acd.sock
for ns in "$AC_NS" "$SUB_NS"; do
	for k in all default; do
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$k.disable_ipv6=0"
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$k.accept_dad=0"
	done
done
ip netns exec "$AC_NS" sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec "$SUB_NS" sysctl -qw net.ipv6.conf.default.accept_ra=1
RA_CLIENT=$(dirname "$0")/ra_client.py

# a pool of two /64s: the third session finds it full
acd_conf <<CONF
[ipv6]
prefix-pool = 2001:db8:100::/63
pd-pool = 2001:db8:200::/48
pd-length = 56
dns = 2001:db8::53
search = isp.example
ra-interval = 10s
router-lifetime = 30s
prefix-valid-lifetime = 3600s
prefix-preferred-lifetime = 60s
[nat64]
backend = tayga
pool6 = 2001:db8:64::/96
tayga-device = nat64t
tayga-ipv4-address = 10.65.0.1
tayga-pool = 10.65.0.0/24
tayga-config = $TMPD/tayga.conf
tayga-data-dir = $TMPD/tayga
tayga-pidfile = $TMPD/tayga.pid
CONF
# TAYGA runs for as long as acd's NAT64 is on (acd leaves it, as it
# leaves sessions): ours to end, before the usual clean-up
tayga_cleanup() {
	local rc=$?
	set +e
	[ -s "$TMPD/tayga.pid" ] && kill "$(cat "$TMPD/tayga.pid")" 2>/dev/null
	(exit "$rc")
	_cleanup
}
trap tayga_cleanup EXIT

start_acd
stand_in_pppd P0
stand_in_pppd P1
stand_in_pppd P2

# ppp_link N: pppd's unit N up with its addresses, the subscriber's sub N
ppp_link() {
	ip -n "$AC_NS" link add "ppp$1" type veth peer name "sub$1" netns "$SUB_NS"
	ip -n "$AC_NS" link set "ppp$1" up
	ip -n "$SUB_NS" link set "sub$1" up
	ip -n "$AC_NS" addr add "10.77.$1.1" peer "10.77.$1.2/32" dev "ppp$1"
}
ll() { # NS IFACE: its link-local address
	ip -n "$1" -6 -j addr show dev "$2" | jq -r '[.[].addr_info[] | select(.scope == "link") | .local][0] // empty'
}
has_ll() { [ -n "$(ll "$1" "$2")" ]; }
global_of() { # IFACE: the subscriber's global address on it
	ip -n "$SUB_NS" -6 -j addr show dev "$1" | jq -r '[.[].addr_info[] | select(.scope == "global") | .local][0] // empty'
}
has_global() { [ -n "$(global_of "$1")" ]; }
default_via() { ip -n "$SUB_NS" -6 -j route show default dev "$1" | jq -r '.[0].gateway // empty'; }
has_default() { [ -n "$(default_via "$1")" ]; }
no_default() { [ -z "$(default_via "$1")" ]; }
# session_up N USER PID: ip-up and ipv6-up, as pppd runs them
session_up() {
	local n=$1
	wait_until 5 has_ll "$AC_NS" "ppp$n" || fail "ppp$n has no link-local address"
	wait_until 5 has_ll "$SUB_NS" "sub$n" || fail "sub$n has no link-local address"
	hook ip-up "ppp$n" "10.77.$n.1" "10.77.$n.2" "$3" "$2" || fail "hook ip-up ppp$n"
	hook ipv6-up "ppp$n" "$(ll "$AC_NS" "ppp$n")" "$(ll "$SUB_NS" "sub$n")" "$3" "$2" ||
		fail "hook ipv6-up ppp$n"
}
ipv6_stat() { ctl -j show ipv6 | jq -r "$1"; }

log "alice dials: ip-up, ipv6-up"
ppp_link 0
t0=$(date +%s%N)
session_up 0 alice "$P0"
wait_until 10 has_global sub0 || fail "SLAAC gave sub0 no global address within 10 s: $(ip -n "$SUB_NS" -6 addr show dev sub0)"
ms=$((($(date +%s%N) - t0) / 1000000))
g0=$(global_of sub0)
log "sub0 has $g0 after $ms ms (ipv6-up to a global address)"
printf 'RESULT ipv6-up to global address: %s ms\n' "$ms"
s=$(ctl -j show session ppp0)
p0=$(jq -r '.ipv6_prefix // empty' <<<"$s")
[ -n "$p0" ] || fail "show session ppp0 has no ipv6_prefix: $s"
python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.IPv6Address('$g0') in ipaddress.IPv6Network('$p0') else 1)" ||
	fail "sub0's address $g0 is not in the session's prefix $p0"
python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.IPv6Network('$p0').subnet_of(ipaddress.IPv6Network('2001:db8:100::/63')) else 1)" ||
	fail "the session's prefix $p0 is not from the pool 2001:db8:100::/63"
wait_until 5 has_default sub0 || fail "sub0 has no default route from the RA"
assert_eq "sub0's default router" "$(ll "$AC_NS" ppp0)" "$(default_via sub0)"
route=$(ip -n "$AC_NS" -6 -j route show "$p0")
assert_eq "the AC's route to $p0" ppp0 "$(jq -r '.[0].dev // empty' <<<"$route")"
log "ping the AC across the session's /64, from its global address"
ip -n "$AC_NS" -6 addr add 2001:db8:ffff::1/128 dev lo
ip netns exec "$SUB_NS" ping -6 -c 2 -i 0.2 -W 2 -I "$g0" 2001:db8:ffff::1 >/dev/null ||
	fail "no IPv6 from $g0 through the session to the AC"

log "rdisc6: prefix, MTU, RDNSS, DNSSL"
out=$(ip netns exec "$SUB_NS" rdisc6 -1 -w 3000 sub0) || fail "rdisc6 got no answer: $out"
grep -qE "Prefix +: ${p0%/64}/64" <<<"$out" || fail "rdisc6 shows no prefix $p0: $out"
grep -qE 'Recursive DNS server +: 2001:db8::53' <<<"$out" || fail "rdisc6 shows no RDNSS: $out"
grep -qE 'DNS search list +: isp\.example' <<<"$out" || fail "rdisc6 shows no DNSSL: $out"
grep -qE 'Router lifetime +: +30 \(0x0000001e\) seconds' <<<"$out" || fail "rdisc6: router lifetime not 30 s: $out"
mtu=$(ip -n "$AC_NS" -j link show dev ppp0 | jq -r '.[0].mtu')
grep -qE "MTU +: +$mtu bytes" <<<"$out" || fail "rdisc6 shows no MTU $mtu: $out"

log "PREF64 (RFC 8781), decoded apart from acd's encoder"
ra=$(ip netns exec "$SUB_NS" python3 "$RA_CLIENT" sub0) || fail "ra_client: $ra"
assert_jq "PREF64 prefix" "$ra" .pref64.prefix 2001:db8:64::/96
assert_jq "PREF64 length code" "$ra" .pref64.plc 0
# three times ra-interval, in 8-second units: 30 s rounds up to 32
assert_jq "PREF64 lifetime" "$ra" .pref64.lifetime 32
assert_jq "prefix flags and lifetimes" "$ra" '.prefixes[0] | [.prefix, .on_link, .autonomous, .valid, .preferred] | map(tostring) | join(" ")' \
	"$p0 true true 3600 60"
assert_jq "RDNSS lifetime" "$ra" '.rdnss[0].lifetime' 30
assert_jq "DNSSL" "$ra" '.dnssl[0].domains | join(",")' isp.example

log "malformed solicitations are dropped and counted"
rs0=$(ipv6_stat .rs_in)
for bad in hoplimit code optlen short; do
	ip netns exec "$SUB_NS" python3 "$RA_CLIENT" sub0 --bad "$bad"
done
sleep 0.5
assert_eq "RS accepted after four bad ones" "$rs0" "$(ipv6_stat .rs_in)"
assert_eq "RS dropped: hop limit" 1 "$(ipv6_stat '.rs_dropped["hop-limit"]')"
assert_eq "RS dropped: code" 1 "$(ipv6_stat '.rs_dropped.code')"
assert_eq "RS dropped: option" 1 "$(ipv6_stat '.rs_dropped.option')"
assert_eq "RS dropped: short" 1 "$(ipv6_stat '.rs_dropped.short')"
ctl show session ppp0 >/dev/null || fail "the session went after bad solicitations"

log "the state file keeps the /64; kill -9 acd and start it again"
wait_until 5 grep -q "\"ipv6_prefix\": *\"$p0\"" "$TMPD/state/sessions.json" ||
	fail "the state file has no prefix $p0: $(cat "$TMPD/state/sessions.json")"
stop_acd KILL
start_acd
assert_jq "ppp0's prefix after the restart" "$(ctl -j show session ppp0)" .ipv6_prefix "$p0"
assert_eq "the AC's route to $p0 after the restart" ppp0 \
	"$(ip -n "$AC_NS" -6 -j route show "$p0" | jq -r '.[0].dev // empty')"
ra=$(ip netns exec "$SUB_NS" python3 "$RA_CLIENT" sub0) || fail "no RA after the restart: $ra"
assert_jq "the prefix advertised after the restart" "$ra" '.prefixes[0].prefix' "$p0"
assert_eq "sub0's address after the restart" "$g0" "$(global_of sub0)"

log "bob dials, then carol: the pool of two is full"
ppp_link 1
session_up 1 bob "$P1"
wait_until 10 has_global sub1 || fail "SLAAC gave sub1 no global address"
p1=$(ctl -j show session ppp1 | jq -r '.ipv6_prefix // empty')
[ -n "$p1" ] && [ "$p1" != "$p0" ] || fail "bob's prefix '$p1' (alice has $p0)"
ppp_link 2
session_up 2 carol "$P2"
wait_until 5 grep -q 'sess=ppp2 user=carol: the prefix pool 2001:db8:100::/63 is full' "$TMPD/acd.log" ||
	fail "no log line says the pool is full: $(grep -E 'ipv6|ppp2' "$TMPD/acd.log" | tail -n 12)"
s=$(ctl -j show session ppp2)
assert_jq "carol's session, up without a prefix" "$s" '.ipv6_prefix // "none"' none
[ -n "$(jq -r '.ipv6 // empty' <<<"$s")" ] || fail "carol's session lost its link-local: $s"
assert_eq "pool full" 1 "$(ipv6_stat .pool_full)"

log "alice's ipv6-down: a final RA, the default route goes, the /64 back"
hook ipv6-down ppp0 "$(ll "$AC_NS" ppp0)" "$(ll "$SUB_NS" sub0)" "$P0" alice || fail "hook ipv6-down ppp0"
wait_until 5 no_default sub0 || fail "sub0 still has a default route after the final RA"
assert_eq "final RAs" 1 "$(ipv6_stat .ra_final)"
assert_eq "the AC's route to $p0 after ipv6-down" "" \
	"$(ip -n "$AC_NS" -6 -j route show "$p0" | jq -r '.[0].dev // empty')"
assert_eq "pool used" 1 "$(ipv6_stat .pool_used)"
log "alice's IPv6 again (sticky): the same /64"
hook ipv6-up ppp0 "$(ll "$AC_NS" ppp0)" "$(ll "$SUB_NS" sub0)" "$P0" alice || fail "hook ipv6-up ppp0 again"
assert_jq "alice's prefix again" "$(ctl -j show session ppp0)" .ipv6_prefix "$p0"

log "DHCPv6: dhclient -P on alice's link (sub0) asks for a prefix"
# dhclient's script: what it was told, one line per event
printf '#!/bin/sh\necho "$reason ${new_ip6_prefix:-} ${old_ip6_prefix:-}" >>"%s"\nexit 0\n' \
	"$TMPD/dhclient.events" >"$TMPD/dhclient-script"
chmod 0755 "$TMPD/dhclient-script"
: >"$TMPD/dhclient.conf"
dhc() {
	ip netns exec "$SUB_NS" dhclient -cf "$TMPD/dhclient.conf" -lf "$TMPD/dhclient.leases" \
		-pf "$TMPD/dhclient.pid" -sf "$TMPD/dhclient-script" "$@"
}
dhc -P -d -v sub0 >"$TMPD/dhclient.log" 2>&1 &
BG_PIDS+=($!)
event_of() { grep -m1 "^$1 " "$TMPD/dhclient.events" 2>/dev/null | cut -d' ' -f2; }
bound() { [ -n "$(event_of BOUND6)" ]; }
wait_until 15 bound || fail "dhclient got no prefix: $(tail -n 20 "$TMPD/dhclient.log")"
pd=$(event_of BOUND6)
log "dhclient: BOUND6 $pd"
python3 -c "import ipaddress,sys; n=ipaddress.IPv6Network('$pd'); sys.exit(0 if n.prefixlen == 56 and n.subnet_of(ipaddress.IPv6Network('2001:db8:200::/48')) else 1)" ||
	fail "the delegated prefix $pd is not a /56 of pd-pool 2001:db8:200::/48"
assert_jq "show session: the delegated prefix" "$(ctl -j show session ppp0)" .ipv6_delegated "$pd"
route=$(ip -n "$AC_NS" -6 -j route show "$pd")
assert_eq "the AC's route to $pd: device" ppp0 "$(jq -r '.[0].dev // empty' <<<"$route")"
assert_eq "the AC's route to $pd: via the client's link-local" "$(ll "$SUB_NS" sub0)" \
	"$(jq -r '.[0].gateway // empty' <<<"$route")"
log "a host of alice's LAN (an address of $pd on her lo) reaches the AC through the route"
lan=$(python3 -c "import ipaddress; print(ipaddress.IPv6Network('$pd')[1])")
ip -n "$SUB_NS" -6 addr add "$lan/128" dev lo
ip netns exec "$SUB_NS" ping -6 -c 2 -i 0.2 -W 2 -I "$lan" 2001:db8:ffff::1 >/dev/null ||
	fail "no IPv6 from $lan (the delegated prefix) to the AC and back"

log "kill -9 acd and start it again before T1 (30 s): the lease and its route come back"
stop_acd KILL
start_acd
assert_jq "the delegated prefix after the restart" "$(ctl -j show session ppp0)" .ipv6_delegated "$pd"
assert_eq "the route to $pd after the restart" ppp0 \
	"$(ip -n "$AC_NS" -6 -j route show "$pd" | jq -r '.[0].dev // empty')"
renewed() { [ -n "$(event_of RENEW6)" ]; }
wait_until 45 renewed || fail "dhclient did not renew within 45 s: $(tail -n 20 "$TMPD/dhclient.log")"
assert_eq "the prefix renewed" "$pd" "$(event_of RENEW6)"
assert_eq "DHCPv6 renewals acd answered" 1 "$(ipv6_stat '.dhcpv6.in.renew')"

log "dhclient -r: Release, the route goes, the prefix is back in the pool"
used=$(ipv6_stat .dhcpv6.pd_pool_used)
dhc -P -r sub0 >>"$TMPD/dhclient.log" 2>&1 || true
released() { [ "$(ipv6_stat .dhcpv6.pd_released)" = 1 ]; }
wait_until 10 released || fail "acd saw no Release: $(ctl -j show ipv6)"
assert_eq "the route to $pd after the Release" "" \
	"$(ip -n "$AC_NS" -6 -j route show "$pd" | jq -r '.[0].dev // empty')"
assert_eq "pd-pool in use after the Release" $((used - 1)) "$(ipv6_stat .dhcpv6.pd_pool_used)"
assert_jq "show session after the Release" "$(ctl -j show session ppp0)" '.ipv6_delegated // "none"' none

log "malformed DHCPv6 messages are dropped and counted"
for hex in 01 0b000001000100 01000001000100020003 01000001000200020004; do
	ip netns exec "$SUB_NS" python3 -c "
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'sub0')
s.bind(('::', 546))
s.sendto(bytes.fromhex('$hex'), ('ff02::1:2', 547, 0, socket.if_nametoindex('sub0')))
"
done
sleep 0.5
drops=$(ipv6_stat '[.dhcpv6.dropped[]] | add')
[ "$drops" -ge 4 ] || fail "acd counted $drops dropped DHCPv6 messages for 4 malformed ones: $(ctl -j show ipv6)"
ctl show session ppp0 >/dev/null || fail "alice's session went after malformed DHCPv6 messages"
log "a flood of 200 Information-Requests: a few answered, the rest dropped (rate_limited)"
out0=$(ipv6_stat .dhcpv6.out)
ip netns exec "$SUB_NS" python3 -c "
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'sub0')
s.bind(('::', 546))
m = bytes.fromhex('0b000001' '0001000a00030001020000000001')
for i in range(200):
    s.sendto(m, ('ff02::1:2', 547, 0, socket.if_nametoindex('sub0')))
"
sleep 0.5
answered=$(($(ipv6_stat .dhcpv6.out) - out0))
limited=$(ipv6_stat .dhcpv6.rate_limited)
log "answered $answered, rate-limited $limited"
[ "$answered" -ge 1 ] && [ "$answered" -le 40 ] || fail "$answered of 200 Information-Requests answered (want 1..40)"
[ $((answered + limited)) -eq 200 ] || fail "answered $answered + rate-limited $limited is not the 200 sent"

log "dave's RADIUS gives his IPv6: Framed-IPv6-Prefix, DNS-Server-IPv6-Address, Framed-IPv6-Route, Delegated-IPv6-Prefix"
# as radattr.so writes them; one route is malformed (a length of 129): it
# alone is refused, with a log line that quotes it
printf '%s\n' 'User-Name dave' 'Framed-IPv6-Prefix 2001:db8:300:1::/64' \
	'Delegated-IPv6-Prefix 2001:db8:400::/56' \
	'DNS-Server-IPv6-Address 2001:db8::aa' 'DNS-Server-IPv6-Address 2001:db8::bb' \
	'Framed-IPv6-Route 2001:db8:5::/48 :: 10' 'Framed-IPv6-Route 2001:db8:6::/129' \
	>"$TMPD/radattr.ppp3"
stand_in_pppd P3
ppp_link 3
session_up 3 dave "$P3"
wait_until 10 has_global sub3 || fail "SLAAC gave sub3 no global address"
g3=$(global_of sub3)
python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.IPv6Address('$g3') in ipaddress.IPv6Network('2001:db8:300:1::/64') else 1)" ||
	fail "sub3's address $g3 is not in RADIUS's Framed-IPv6-Prefix 2001:db8:300:1::/64"
s=$(ctl -j show session ppp3)
assert_jq "dave's prefix: RADIUS's, not the (full) pool's" "$s" .ipv6_prefix 2001:db8:300:1::/64
assert_jq "dave's routes" "$s" '.ipv6_routes | join(",")' "2001:db8:5::/48 metric 10"
grep -qF 'sess=ppp3 user=dave event=radius-ipv6 warning="Framed-IPv6-Route "2001:db8:6::/129" (line 7): the length is not a number from 0 to 128; ignored"' \
	"$TMPD/acd.log" || fail "no log line refuses the malformed route: $(grep ppp3 "$TMPD/acd.log" | tail -n 8)"
out=$(ip netns exec "$SUB_NS" rdisc6 -1 -w 3000 sub3) || fail "rdisc6 got no answer on sub3: $out"
grep -qE 'Prefix +: 2001:db8:300:1::/64' <<<"$out" || fail "rdisc6 shows no RADIUS prefix: $out"
grep -qE 'Recursive DNS server +: 2001:db8::aa' <<<"$out" || fail "rdisc6 shows no RADIUS RDNSS: $out"
grep -qE 'Recursive DNS server +: 2001:db8::bb' <<<"$out" || fail "rdisc6 shows no second RADIUS RDNSS: $out"
grep -qE 'Recursive DNS server +: 2001:db8::53' <<<"$out" && fail "rdisc6 shows [ipv6] dns, not RADIUS's: $out"
ra=$(ip netns exec "$SUB_NS" python3 "$RA_CLIENT" sub3) || fail "ra_client: $ra"
assert_jq "RDNSS from RADIUS, in its order" "$ra" '[.rdnss[].address] | join(",")' 2001:db8::aa,2001:db8::bb
route=$(ip -n "$AC_NS" -6 -j route show 2001:db8:5::/48)
assert_eq "the AC's route to RADIUS's 2001:db8:5::/48: device" ppp3 "$(jq -r '.[0].dev // empty' <<<"$route")"
assert_eq "the AC's route to RADIUS's 2001:db8:5::/48: metric" 10 "$(jq -r '.[0].metric // empty' <<<"$route")"
log "kill -9 acd and start it again: dave keeps RADIUS's /64 and routes"
stop_acd KILL
start_acd
s=$(ctl -j show session ppp3)
assert_jq "dave's prefix after the restart" "$s" .ipv6_prefix 2001:db8:300:1::/64
assert_jq "dave's routes after the restart" "$s" '.ipv6_routes | join(",")' "2001:db8:5::/48 metric 10"
assert_eq "the AC's route to 2001:db8:5::/48 after the restart" "ppp3 10" \
	"$(ip -n "$AC_NS" -6 -j route show 2001:db8:5::/48 | jq -r '.[0] | "\(.dev) \(.metric)"')"
log "dhclient -P on dave's link: RADIUS's Delegated-IPv6-Prefix, not one from pd-pool"
printf '#!/bin/sh\necho "$reason ${new_ip6_prefix:-}" >>"%s"\nexit 0\n' "$TMPD/dhc3.events" >"$TMPD/dhc3-script"
chmod 0755 "$TMPD/dhc3-script"
ip netns exec "$SUB_NS" dhclient -cf "$TMPD/dhclient.conf" -lf "$TMPD/dhc3.leases" \
	-pf "$TMPD/dhc3.pid" -sf "$TMPD/dhc3-script" -P -d -v sub3 >"$TMPD/dhc3.log" 2>&1 &
BG_PIDS+=($!)
bound3() { grep -q '^BOUND6 ' "$TMPD/dhc3.events" 2>/dev/null; }
wait_until 15 bound3 || fail "dhclient got no prefix on sub3: $(tail -n 20 "$TMPD/dhc3.log")"
assert_eq "dave's delegated prefix" 2001:db8:400::/56 "$(grep -m1 '^BOUND6 ' "$TMPD/dhc3.events" | cut -d' ' -f2)"
assert_jq "show session: RADIUS's delegated prefix" "$(ctl -j show session ppp3)" .ipv6_delegated 2001:db8:400::/56
assert_eq "the AC's route to 2001:db8:400::/56" ppp3 \
	"$(ip -n "$AC_NS" -6 -j route show 2001:db8:400::/56 | jq -r '.[0].dev // empty')"
kill "$(cat "$TMPD/dhc3.pid")" 2>/dev/null || true
log "dave hangs up: his routes go"
hook ipv6-down ppp3 "$(ll "$AC_NS" ppp3)" "$(ll "$SUB_NS" sub3)" "$P3" dave || fail "hook ipv6-down ppp3"
hook ip-down ppp3 10.77.3.1 10.77.3.2 "$P3" dave || fail "hook ip-down ppp3"
assert_eq "the route to 2001:db8:5::/48 after the session" "" \
	"$(ip -n "$AC_NS" -6 -j route show 2001:db8:5::/48 | jq -r '.[0].dev // empty')"
assert_eq "the route to 2001:db8:300:1::/64 after the session" "" \
	"$(ip -n "$AC_NS" -6 -j route show 2001:db8:300:1::/64 | jq -r '.[0].dev // empty')"
assert_eq "the route to 2001:db8:400::/56 after the session" "" \
	"$(ip -n "$AC_NS" -6 -j route show 2001:db8:400::/56 | jq -r '.[0].dev // empty')"

grep -E 'ERROR|AddressSanitizer|runtime error' "$TMPD/acd.log" && fail "acd logged an error"
pass
