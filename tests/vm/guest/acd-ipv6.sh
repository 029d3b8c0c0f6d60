#!/bin/bash
# Scenario acd-ipv6: the IPv6 edge of a real PPP session ([ipv6]), with acd
# as the PPPoE access concentrator and the real PPP kernel on both ends.
#
#   s-v6/eth0 -- ac/eth-sub: acd's [pppoe], a kernel-mode pppd per session
#   (PAP from pap-secrets, +ipv6; acd's hooks as `cmake --install` puts
#   them, so ipv6-up reaches acd through Debian's run-parts)
#
# The subscriber is pppd with pppoe.so and +ipv6 in its namespace, its
# kernel doing SLAAC on ppp0 (accept_ra) and dhcpcd asking for a delegated
# prefix over the PPP link, as a home router does (ISC dhclient refuses PPP
# interfaces).  Checked, each from a real value:
# ppp0 gets a global address in the session's /64 and a default route via
# the AC's link-local (the time from acd's ipv6-up to it is a RESULT); acd's
# record shows the /64 and the route is on the AC's pppN; dhcpcd gets a
# /56 of pd-pool, routed via its link-local; the CPE's LAN address from the
# delegated prefix (dhcpcd puts it on lan0) reaches the AC's global address, and
# iperf3 from it over IPv6, through acd's shaping of the session
# ([shaper] default-down/default-up), is within the band of the rate;
# ending the session (SIGTERM to the client's pppd) takes the /64 and the
# /56 back and their routes away.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_ac_need
command -v dhcpcd >/dev/null || skip "dhcpcd is not installed on the host (tools/install-deps)"
need_modules ppp_generic pppoe veth dummy sch_tbf sch_ingress cls_u32 act_police

AC_IP=100.64.0.1
DOWN=8000000 UP=4000000

step "topology: s-v6/eth0 -- ac/eth-sub; the AC's own global address on lo"
netns_add ac s-v6
veth_pair ac eth-sub s-v6 eth0
ip netns exec ac sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n ac -6 addr add 2001:db8:ffff::1/128 dev lo
ip netns exec s-v6 sysctl -qw net.ipv6.conf.default.accept_ra=1
ip netns exec s-v6 sysctl -qw net.ipv6.conf.default.accept_dad=0

step "acd as the AC with [ipv6] (prefix-pool, pd-pool, dns) and its hooks installed"
# dave's IPv4 address from pap-secrets' address field (no RADIUS here)
ppp_secrets
ppp_secrets_addr dave dave-pw 100.64.0.10
sub_etc s-v6
hooks_install
ac_options_pap "$W" "$VM_WORK/pppd-ac.log"
AC_LOG_LEVEL=debug ac_start ac "$W/pppoe-options" eth-sub "[shaper]" "profile = tbf" "up-mode = police" \
	"default-down = $DOWN" "default-up = $UP" "[ipv6]" "prefix-pool = 2001:db8:100::/48" \
	"pd-pool = 2001:db8:200::/40" "dns = 2001:db8:ffff::53" "search = isp.example"

step "dave dials (pppd, pppoe.so, +ipv6); his kernel does SLAAC on ppp0"
pppoe_client_start s-v6 eth0 dave dave +ipv6 lcp-max-configure 40
SUBPID=$(cat "$VM_WORK/pppd-dave.pid")
ppp_wait s-v6 ppp0 60
[ "$(ppp_local_ip s-v6 ppp0)" = 100.64.0.10 ] || fail "dave got $(ppp_local_ip s-v6 ppp0), not pap-secrets' 100.64.0.10"
ac_pppd_ok ac 1
# (the AC's ip-up may come a moment after the client's address)
has_v6() { [ -n "$(ctl -j show session dave 2>/dev/null | jq -r '.ipv6 // empty' 2>/dev/null)" ]; }
wait_until 20 has_v6 || fail "acd got no ipv6-up for dave: $(tail -5 "$VM_WORK/ppp-ipupdown.log")"
t_up=$(vm_elapsed)
global() { ip -n s-v6 -6 -j addr show dev ppp0 | jq -r '[.[].addr_info[] | select(.scope == "global") | .local][0] // empty'; }
has_global() { [ -n "$(global)" ]; }
wait_until 30 has_global || fail "SLAAC gave ppp0 no global address: $(ip -n s-v6 -6 addr show dev ppp0)"
g=$(global)
result "ipv6-up to global address (real PPP)" "$(secs_since "$t_up") s"
s=$(ctlj show session dave)
ifc=$(jq -r .ifname <<<"$s")
p=$(jq -r '.ipv6_prefix // empty' <<<"$s")
[ -n "$p" ] || fail "acd's record of dave has no ipv6_prefix: $s"
python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.IPv6Address('$g') in ipaddress.IPv6Network('$p') else 1)" ||
	fail "dave's address $g is not in his session's /64 $p"
log "dave: $g in $p on the AC's $ifc"
[ "$(ip -n ac -6 -j route show "$p" | jq -r '.[0].dev // empty')" = "$ifc" ] ||
	fail "the AC's route to $p is not on $ifc: $(ip -n ac -6 route show "$p")"
defv6() { ip -n s-v6 -6 -j route show default | jq -r '.[0].dev // empty'; }
wait_until 10 eval '[ "$(defv6)" = ppp0 ]' || fail "dave has no IPv6 default route via ppp0"
ip netns exec s-v6 ping -6 -c 2 -i 0.2 -W 2 -I "$g" 2001:db8:ffff::1 >/dev/null ||
	fail "no IPv6 from $g over the PPP link to the AC"

step "DHCPv6 prefix delegation over the PPP link (dhcpcd, a CPE's client)"
# dhcpcd as a home router runs it: ia_pd on the WAN (ppp0), the first /64 of
# the delegated prefix on the LAN (lan0, ::1).  The kernel keeps doing SLAAC
# on ppp0 (noipv6rs); ia_pd makes dhcpcd solicit at once.
ip -n s-v6 link add lan0 type dummy
ip -n s-v6 link set lan0 up
cat > "$W/dhcpcd-hook" <<EOF
#!/bin/sh
echo "\$reason \$interface \${new_dhcp6_ia_pd1_prefix1:-}/\${new_dhcp6_ia_pd1_prefix1_length:-}" >>"$W/dhcpcd.events"
exit 0
EOF
chmod 0755 "$W/dhcpcd-hook"
cat > "$W/dhcpcd.conf" <<EOF
ipv6only
noipv6rs
script $W/dhcpcd-hook
allowinterfaces ppp0 lan0
interface ppp0
	ia_pd 1 lan0/0/64
EOF
ip netns exec s-v6 dhcpcd -f "$W/dhcpcd.conf" -B -d ppp0 > "$W/dhcpcd.log" 2>&1 &
DHPID=$!
bound() { grep -q '^BOUND6 ppp0 [0-9a-f:]*/56$' "$W/dhcpcd.events" 2>/dev/null; }
wait_until 30 bound || fail "dhcpcd got no prefix over PPP: $(tail -n 15 "$W/dhcpcd.log")"
pd=$(awk '$1 == "BOUND6" && $2 == "ppp0" { print $3; exit }' "$W/dhcpcd.events")
python3 -c "import ipaddress,sys; n=ipaddress.IPv6Network('$pd'); sys.exit(0 if n.prefixlen == 56 and n.subnet_of(ipaddress.IPv6Network('2001:db8:200::/40')) else 1)" ||
	fail "the delegated prefix $pd is not a /56 of pd-pool"
jq_assert "acd's record: the delegated prefix" "$(ctlj show session dave)" ".ipv6_delegated == \"$pd\""
[ "$(ip -n ac -6 -j route show "$pd" | jq -r '.[0].dev // empty')" = "$ifc" ] ||
	fail "the AC's route to $pd is not on $ifc: $(ip -n ac -6 route show "$pd")"
log "delegated $pd, routed on $ifc via $(ip -n ac -6 -j route show "$pd" | jq -r '.[0].gateway')"
lan=$(python3 -c "import ipaddress; print(ipaddress.IPv6Network('$pd')[1])")
lan_addr() { ip -n s-v6 -6 -j addr show dev lan0 | jq -r --arg a "$lan" '[.[].addr_info[] | select(.local == $a)][0].local // empty'; }
wait_until 10 eval '[ -n "$(lan_addr)" ]' ||
	fail "dhcpcd put no $lan on lan0: $(ip -n s-v6 -6 addr show dev lan0)"
ip netns exec s-v6 ping -6 -c 2 -i 0.2 -W 2 -I "$lan" 2001:db8:ffff::1 >/dev/null ||
	fail "no IPv6 from $lan (the delegated prefix, on the CPE's LAN) to the AC"

step "iperf3 over IPv6 from the delegated prefix, through acd's shaping of $ifc"
ip netns exec ac iperf3 -s -B 2001:db8:ffff::1 -D -p 5201 >/dev/null 2>&1
wait_until 5 eval 'ip netns exec ac ss -Htln "sport = :5201" | grep -q .' || fail "iperf3 server did not start"
for dir in down up; do
	rev=()
	[ "$dir" = down ] && rev=(-R)
	ip netns exec s-v6 iperf3 -c 2001:db8:ffff::1 -B "$lan" -p 5201 "${rev[@]}" -t 5 -O 1 -J \
		> "$W/iperf-$dir.json" 2>&1 || true
	got=$(jq -r '.end.sum_received.bits_per_second // empty' "$W/iperf-$dir.json")
	[ -n "$got" ] || fail "iperf3 $dir over IPv6: $(head -c 300 "$W/iperf-$dir.json")"
	want=$([ "$dir" = down ] && echo "$DOWN" || echo "$UP")
	pct=$(awk -v g="$got" -v w="$want" 'BEGIN { printf "%+.1f", (g - w) / w * 100 }')
	result "IPv6 $dir from the delegated prefix" "$(awk -v g="$got" 'BEGIN { printf "%.2f", g / 1e6 }') Mbit/s for $((want / 1000000)) Mbit/s ($pct %)"
	# tbf (down): within 15 %; a policed upload: TCP backs off at its drops
	lo=$([ "$dir" = down ] && echo -15 || echo -30)
	awk -v p="$pct" -v lo="$lo" 'BEGIN { exit !(p >= lo && p <= 15) }' ||
		fail "IPv6 $dir through acd's shaping: $pct % of the rate (band $lo..+15 %)"
done

step "the session ends: the /64 and the /56 go back, their routes go"
kill "$DHPID" 2>/dev/null || true
kill "$SUBPID"
no_session() { ! ctl show session dave >/dev/null 2>&1; }
wait_until 20 no_session || fail "dave's session is still in acd 20 s after his pppd ended"
[ -z "$(ip -n ac -6 route show "$p")" ] || fail "the route to $p outlived the session"
[ -z "$(ip -n ac -6 route show "$pd")" ] || fail "the route to $pd outlived the session"
jq_assert "the pools after the session" "$(ctlj show ipv6)" '.pool_used == 0 and .dhcpv6.pd_pool_used == 0'
acd_stop TERM || fail "acd had exited: $(tail -5 "$VM_WORK/acd.log")"
pass
