#!/bin/bash
# netns.lab - the README's main job, tools/lab, run as an operator runs it
# (on the binaries under test: ACD_LAB_BUILD), then checked from outside
# (tests/common/lab-check.sh): its exit status (0 only when every iperf3
# measurement is within its band of the RADIUS rate), the lines that say
# acd applied every rate, the session table, carol's end, dave's IPv6-only
# path (SLAAC, dhcpcd's delegated prefix, DNS64 in named, ipv4only.arpa,
# his download through the NAT64: TAYGA on this kernel), and that it left
# nothing behind.  ACD_LAB_EMULATE=1: pppd is emulated here even where the
# kernel has PPP; tests/vm/guest/lab.sh runs the lab with real PPPoE.
set -euo pipefail
NAME=lab
skip() { printf 'SKIP: %s: %s\n' "$NAME" "$*"; exit 77; }
fail() { printf 'FAIL: %s: %s\n' "$NAME" "$*" >&2; exit 1; }

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../common/lab-check.sh
. "$top/tests/common/lab-check.sh"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
[ -n "${ACD_LAB_BUILD:-}" ] || fail "ACD_LAB_BUILD is not set (ctest sets it to the build directory)"
for t in ip tc jq iperf3 freeradius radclient ss named rndc tsig-keygen dig dhcpcd tayga python3; do
	command -v "$t" >/dev/null || skip "$t not found (tools/install-deps installs it)"
done
[ -c /dev/net/tun ] || skip "no /dev/net/tun (TAYGA, the NAT64 for dave)"
ip netns add "acdt-lab-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "acdt-lab-probe-$$"
# an operator's lab (ACD_LAB_KEEP=1) is not ours to stop
if [ -d /run/acd-lab ] || ip netns list | grep -q '^acdlab-'; then
	skip "a lab is already here (/run/acd-lab or acdlab-* namespaces): tools/lab stop"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# a lab emulated on purpose where PPP works: this test is the emulation's
rc=0
ACD_LAB_EMULATE=1 ACD_LAB_SECONDS=${ACD_LAB_SECONDS:-3} "$top/tools/lab" </dev/null >"$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" = 0 ] || fail "tools/lab exited $rc"

grep -qE '^lab: .*each subscriber link is a veth pair' "$out" || fail "tools/lab did not say it emulates pppd"
lab_check "$out"
printf 'PASS: %s\n' "$NAME"
