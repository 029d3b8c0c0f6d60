# shellcheck shell=bash
# lab-check.sh - checks of a tools/lab run from its output, shared by
# tests/netns/lab.sh (emulated pppd) and tests/vm/guest/lab.sh (real
# PPPoE).  Sourced; the caller defines fail.
#
#   lab_check OUT    OUT: the lab's whole output (stdout + stderr).  Every
#                    line that says the lab did its job (every RADIUS rate
#                    applied, every IPv6 link-local recorded), the session
#                    table with each subscriber at its RADIUS address, six
#                    measurement rows and alice's two over IPv6, carol's end through acdctl terminate
#                    (acd's log line, gone from the second table), the
#                    tear-down, and nothing left: no /run/acd-lab, no
#                    acdlab-* namespace.

lab_check() {
	local out=$1 u n left
	_lab_want() { grep -qE "$1" "$out" || fail "tools/lab did not print: $2"; }
	_lab_want '^lab: acd applied the rates RADIUS gave to all 3 sessions$' "acd applied every RADIUS rate"
	# `acdctl show sessions`: ifname user ip ...
	for u in alice:100.64.0.10 bob:100.64.0.11 carol:100.64.0.12; do
		_lab_want "^ +ppp[0-9]+ +${u%%:*} +${u#*:} " "a session row for ${u%%:*} (${u#*:})"
	done
	_lab_want '^lab: acd recorded the IPv6 link-local \(IPv6CP\) of all 3 sessions$' "acd recorded every IPv6 link-local"
	n=$(grep -cE '^     (alice|bob|carol) +(down|up) +[A-Za-z]' "$out" || true)
	[ "$n" = 6 ] || fail "$n of 6 measurement rows (3 subscribers x down, up)"
	n=$(grep -cE '^     alice +(down6|up6) +[A-Za-z]' "$out" || true)
	[ "$n" = 2 ] || fail "$n of 2 IPv6 measurement rows (alice down6, up6)"
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
