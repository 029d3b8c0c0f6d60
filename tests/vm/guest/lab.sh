#!/bin/bash
# Scenario lab: the README's main job, tools/lab, where the kernel has PPP.
#
# The lab probes the kernel and, finding PPP and PPPoE here, dials a real
# PPPoE session per subscriber: pppd with the PPPoE plugin in each
# subscriber namespace, acd as the access concentrator ([pppoe]), whose
# kernel-mode pppd per session asks the lab's FreeRADIUS (radius.so), writes
# radattr.pppN (radattr.so) and runs acd's hooks.  It runs on the binaries under test
# (ACD_LAB_BUILD) and is checked from outside as on the host
# (tests/common/lab-check.sh), plus: it chose real PPPoE, htb + fq_codel and
# Jool (acd's [nat64] for dave, the IPv6-only subscriber, whose pppd refuses
# IPCP and whose CPE gets its prefix from dhcpcd over PPP), acd answered
# every subscriber's discovery, the scrape of acd's metrics shows Jool's BIB
# and pool4 after dave's traffic, and pppd's radattr files are gone with
# their sessions.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../../common/lab-check.sh
. "$VM_LIB_DIR/../../common/lab-check.sh"

for v in ACD_BUILD_DIR ACD_SRC; do
	[ -n "${!v:-}" ] || fail "$v is not set (ctest sets it; see tests/vm/CMakeLists.txt)"
done
for p in freeradius radclient pppd iperf3 jq jool named dig dhcpcd; do
	command -v "$p" >/dev/null || skip "$p is not installed on the host (tools/install-deps)"
done
# what the lab's probe looks for; loaded here so that a missing module is
# this test's failure, not a quiet fall-back to emulation (or to TAYGA)
need_modules ppp_generic pppoe veth sch_htb sch_fq_codel ifb sch_ingress cls_u32 act_mirred jool

out=$VM_WORK/lab.out
step "tools/lab (ACD_LAB_BUILD=$ACD_BUILD_DIR)"
rc=0
ACD_LAB_BUILD=$ACD_BUILD_DIR "$ACD_SRC/tools/lab" </dev/null >"$out" 2>&1 || rc=$?
cat "$out"
cp "$out" "$VM_WORK/lab.log"
[ "$rc" = 0 ] || fail "tools/lab exited $rc"

step "checks"
# the scrape after dave's download through Jool: the NAT64 series show it
grep -qE '^     NAT64 \(jool\): instance up 1, BIB entries tcp [1-9][0-9]* .* pool4 tcp ports used [1-9][0-9]* of [1-9]' "$out" ||
	fail "the lab's scrape of acd's metrics does not show Jool's BIB and pool4 after dave's download"
grep -q '^lab: this kernel has PPP: every subscriber dials a real PPPoE session' "$out" ||
	fail "the lab did not dial real PPPoE sessions on a kernel with PPP"
grep -q '^lab: shaping: profile auto chose fq_codel (htb + fq_codel): this kernel has sch_fq_codel' "$out" ||
	fail "the lab's acd did not shape with htb + fq_codel on a kernel with sch_fq_codel"
grep -q "^lab: this kernel has Jool: acd's \[nat64\] runs a Jool instance (NAT64 jool)$" "$out" ||
	fail "the lab did not run Jool on a kernel with the Jool module"
grep -q '^lab: dave, IPv6-only: NAT64 jool ' "$out" || fail "the summary does not say dave went through Jool"
grep -qE '^     and no ip-up \(dave.s pppd refused IPCP: noip\)' "$out" ||
	fail "dave's session (pppd noip) was not an IPv6-only one"
grep -qE '^lab: dave \(IPv6-only\): SLAAC on pppoe-dave: ' "$out" || fail "no SLAAC over dave's PPP link"
for u in alice bob carol dave; do
	grep -qE "^lab: $u: PPPoE session up after [0-9.]+ s: ppp[0-9]+ in acdlab-ac" "$out" ||
		fail "no PPPoE session line for $u"
done
# acd, not another AC, answered: one record per subscriber link, and the
# discovery counters of `show pppoe` (a PADS per session)
[ "$(grep -cE '^     acd answered its discovery: session id [0-9]+, the client MAC ([0-9a-f]{2}:){5}[0-9a-f]{2}, on acc[0-9]+$' "$out")" = 4 ] ||
	fail "not every session carries acd's PPPoE record (session id, MAC, acc interface)"
grep -q '^lab: acdctl show pppoe' "$out" || fail "the lab did not show acd's discovery counters"
[ "$(grep -cE '^     and ran ip-up: PPPD_PID=[0-9]+ PEERNAME=[a-z]+ IPREMOTE=100\.64\.[0-9.]+$' "$out")" = 3 ] ||
	fail "acd's record of a session lacks its pppd, user or address after ip-up"
lab_check "$out"
for f in /var/run/radattr.ppp*; do
	[ -e "$f" ] && fail "$f is left after the lab"
done
# RESULT lines: user dir limit measured (the two numbers before "off by")
awk '$1 ~ /^(alice|bob|carol|dave)$/ && $2 ~ /^(down|up)(6|64)?$/ {
	for (i = 3; i <= NF; i++) if ($i ~ /%$/) { print "lab", $1, $2, "limit", $(i - 2), "measured", $(i - 1), "Mbit/s"; break }
}' "$out" | while read -r line; do result "$line"; done
t=$(sed -n 's/^     ipv6-up to global address: \([0-9.]*\) s.*/\1/p' "$out" | head -n 1)
result "lab dave ipv6-up to global address (real PPP, SLAAC)" "$t s"
pass
