# shellcheck shell=bash
# lab-check.sh - checks of a tools/lab run from its output, shared by
# tests/netns/lab.sh (emulated pppd) and tests/vm/guest/lab.sh (real
# PPPoE).  Sourced; the caller defines fail.
#
#   lab_check OUT    OUT: the lab's whole output (stdout + stderr).  Every
#                    line that says the lab did its job (every RADIUS rate
#                    applied, every IPv6 link-local recorded), the session
#                    table with each subscriber at its RADIUS address (dave,
#                    IPv6-only, at his link-local), six measurement rows and
#                    alice's two over IPv6, dave's IPv6-only path (SLAAC, the
#                    delegated prefix, DNS64, ipv4only.arpa, the NAT64 named,
#                    his down64 row through it), a scrape of [metrics] with
#                    the four sessions (promtool-clean), carol's end through acdctl terminate
#                    (acd's log line, gone from the second table), the
#                    tear-down, and nothing left: no /run/acd-lab, no
#                    acdlab-* namespace.

lab_check() {
	local out=$1 u n left
	_lab_want() { grep -qE "$1" "$out" || fail "tools/lab did not print: $2"; }
	_lab_want '^lab: acd applied the rates RADIUS gave to all 4 sessions$' "acd applied every RADIUS rate"
	# `acdctl show sessions`: ifname user ip ...
	for u in alice:100.64.0.10 bob:100.64.0.11 carol:100.64.0.12; do
		_lab_want "^ +ppp[0-9]+ +${u%%:*} +${u#*:} " "a session row for ${u%%:*} (${u#*:})"
	done
	_lab_want '^ +ppp[0-9]+ +dave +fe80::' "a session row for dave (IPv6-only: his link-local)"
	_lab_want '^lab: acd recorded the IPv6 link-local \(IPv6CP\) of all 4 sessions$' "acd recorded every IPv6 link-local"
	# dave, IPv6-only: which NAT64 ran, and each step of his path
	_lab_want '^lab: this kernel (has Jool|has no Jool).*\(NAT64 (jool|tayga)\)$' "which NAT64 the lab runs"
	_lab_want '^     and no ip-up|^     ppp[0-9]+ up: radattr.ppp[0-9]+ written; no ip-up: dave' "dave's session without IPCP"
	_lab_want '^lab: dave \(IPv6-only\): SLAAC on [a-z0-9-]+: 2001:db8:100:' "dave's global address by SLAAC"
	_lab_want '^     ipv6-up to global address: [0-9.]+ s' "the time from ipv6-up to dave's global address"
	_lab_want '^     dhcpcd \(DHCPv6-PD\): delegated 2001:db8:2[0-9a-f:]+/56, routed by acd' "dave's delegated prefix"
	_lab_want '^     DNS64: v4only\.upstream\.example \(A 198\.51\.100\.2; its zone has no AAAA\) -> AAAA 2001:db8:64::c633:6402$' "the DNS64 answer for the IPv4-only name"
	_lab_want '^     RFC 7050: ipv4only\.arpa AAAA -> .*: the NAT64 prefix 2001:db8:64::/96$' "the NAT64 prefix from ipv4only.arpa"
	_lab_want '^lab: dave, IPv6-only: NAT64 (jool|tayga) ' "the summary's line for dave with its NAT64"
	n=$(grep -cE '^     dave +down64 +Filter-Id [0-9]+/[0-9]+ .* [0-9.]+ +[-+][0-9.]+%$' "$out" || true)
	[ "$n" = 1 ] || fail "no in-band measurement row for dave's download through the NAT64 (down64)"
	n=$(grep -cE '^     (alice|bob|carol) +(down|up) +[A-Za-z]' "$out" || true)
	[ "$n" = 6 ] || fail "$n of 6 measurement rows (3 subscribers x down, up)"
	n=$(grep -cE '^     alice +(down6|up6) +[A-Za-z]' "$out" || true)
	[ "$n" = 2 ] || fail "$n of 2 IPv6 measurement rows (alice down6, up6)"
	# [metrics]: a scrape with the four sessions, clean for promtool
	_lab_want "^lab: acd's Prometheus endpoint: " "the metrics endpoint"
	_lab_want '^     [0-9]+ series; sessions up 4, shaper applies [1-9]' "the scrape's sessions and shaper applies"
	_lab_want '^     DNS64 \(named\): resolver up 1, configuration installed 1$' "named up and its DNS64 installed, in the scrape"
	if command -v promtool >/dev/null; then
		_lab_want '^     promtool check metrics: no problems$' "promtool's verdict on the scrape"
	fi
	_lab_want '^lab: all measurements within their bands of what RADIUS says$' "every measurement in its band"
	_lab_want 'acd: .*user=carol event=(down|vanished)' "acd's log line for carol's end"
	awk '/^lab: acdctl show sessions:$/ { t++ } t == 2' "$out" | grep -qE '^ +ppp[0-9]+ +carol ' &&
		fail "carol is still in the session table after acdctl terminate"
	_lab_want '^lab: torn down' "its tear-down"
	[ ! -e /run/acd-lab ] || fail "/run/acd-lab is still there after the lab"
	if left=$(ls -d /etc/netns/acdlab-* 2>/dev/null); then
		fail "the lab's /etc/netns directories are left: $left"
	fi
	if left=$(ip netns list | grep '^acdlab-'); then
		fail "namespaces left after the lab: $left"
	fi
	return 0
}
