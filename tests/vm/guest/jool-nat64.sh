#!/bin/bash
# Scenario jool-nat64: stateful NAT64 with the real Jool module.
#
#   ns v6 (IPv6 only, 2001:db8:64::2) -- ns nat64 (Jool, netfilter) -- ns v4 (IPv4 only, 192.0.2.2)
#
# The whole configuration goes through `jool file handle` (atomic): create,
# ping and TCP through 64:ff9b::/96, an atomic update (checked to be in
# effect), then a broken file that must be rejected while the running
# configuration stays and keeps translating.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_modules veth jool
command -v jool >/dev/null || fail "no jool userspace tool (jool-tools)"
log "jool $(jool --version 2>&1 | head -1); module $(modinfo -F version jool 2>/dev/null)"

step "topology"
nat64_topology
# the v6 side really is IPv6-only: no IPv4 address, no IPv4 route
[ -z "$(ip -n v6 -4 addr show scope global)" ] && [ -z "$(ip -n v6 -4 route show)" ] || fail "v6 namespace has IPv4"
ip netns exec v6 ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1 && fail "IPv4 reachable without NAT64"

J=(ip netns exec nat64 jool)
PREFIX=64:ff9b::
TARGET=${PREFIX}192.0.2.2

step "atomic configuration: create"
cat > "$VM_WORK/jool.json" <<'EOF'
{
	"instance": "acd",
	"framework": "netfilter",
	"global": { "pool6": "64:ff9b::/96", "logging-bib": false },
	"pool4": [
		{ "protocol": "TCP",  "prefix": "192.0.2.1/32", "port range": "61001-65535" },
		{ "protocol": "UDP",  "prefix": "192.0.2.1/32", "port range": "61001-65535" },
		{ "protocol": "ICMP", "prefix": "192.0.2.1/32", "port range": "0-65535" }
	]
}
EOF
must "jool file handle (create)" "${J[@]}" file handle "$VM_WORK/jool.json"
"${J[@]}" instance display
"${J[@]}" -i acd pool4 display --csv > "$VM_WORK/pool4-1.csv"
grep -q 'TCP,192.0.2.1,61001,65535' "$VM_WORK/pool4-1.csv" || fail "pool4 TCP entry missing: $(cat "$VM_WORK/pool4-1.csv")"

step "ping and TCP through NAT64"
must "NAT64 ping" ip netns exec v6 ping -6 -c 3 -i 0.2 -W 2 "$TARGET"
iperf_server v4 192.0.2.2
r=$(iperf_mbps v6 "$TARGET" -6) || fail "TCP through NAT64: iperf3 failed"
assert_band "NAT64 TCP v6->v4" "$r" 5 100000 Mbit/s
# the v4 server saw the translated source: the pool4 address, a pool4 port
"${J[@]}" -i acd session display --tcp --numeric --csv > "$VM_WORK/sessions.csv"
grep -q '192.0.2.1,6[1-5][0-9][0-9][0-9]' "$VM_WORK/sessions.csv" ||
	fail "no TCP session with a pool4 address/port in Jool's table: $(cat "$VM_WORK/sessions.csv")"
result "jool TCP sessions: $(grep -c 192.0.2.1 "$VM_WORK/sessions.csv")"

step "atomic configuration: update"
sed -e 's/61001-65535/62000-62999/g' -e 's/"logging-bib": false/"logging-bib": true/' \
	"$VM_WORK/jool.json" > "$VM_WORK/jool-2.json"
must "jool file handle (update)" "${J[@]}" file handle "$VM_WORK/jool-2.json"
"${J[@]}" -i acd pool4 display --csv > "$VM_WORK/pool4-2.csv"
grep -q 'TCP,192.0.2.1,62000,62999' "$VM_WORK/pool4-2.csv" || fail "update not in effect: $(cat "$VM_WORK/pool4-2.csv")"
"${J[@]}" -i acd global display | grep -qE 'logging-bib: *true' || fail "logging-bib not updated"
must "NAT64 ping after update" ip netns exec v6 ping -6 -c 2 -i 0.2 -W 2 "$TARGET"
r=$(iperf_mbps v6 "$TARGET" -6) || fail "TCP through NAT64 after update"
assert_band "NAT64 TCP after update" "$r" 5 100000 Mbit/s
"${J[@]}" -i acd session display --tcp --numeric --csv | grep -q '192.0.2.1,62[0-9][0-9][0-9]' ||
	fail "new TCP sessions do not use the updated port range"

step "atomic configuration: broken file is rejected, running config stays"
"${J[@]}" -i acd global display > "$VM_WORK/global-before.txt"
for bad in \
	'{ "instance": "acd", "framework": "netfilter", "global": { "pool6": "not-a-prefix" } }' \
	'{ "instance": "acd", "framework": "netfilter", "global": { "pool6": "64:ff9b::/96" }, "pool4": [ { "protocol": "TCP", "prefix": "192.0.2.1/32", "port range": "70000-80000" } ] }' \
	'{ "instance": "acd", "framework": "netfilter", "global": { "pool6": "64:ff9b::/96" ' ; do
	printf '%s\n' "$bad" > "$VM_WORK/bad.json"
	if "${J[@]}" file handle "$VM_WORK/bad.json" > "$VM_WORK/bad.out" 2>&1; then
		fail "jool accepted a broken file: $bad"
	fi
	log "rejected ($(head -c 120 "$VM_WORK/bad.out" | tr '\n' ' ')): $bad"
done
"${J[@]}" -i acd global display > "$VM_WORK/global-after.txt"
diff -u "$VM_WORK/global-before.txt" "$VM_WORK/global-after.txt" || fail "globals changed by a rejected file"
"${J[@]}" -i acd pool4 display --csv > "$VM_WORK/pool4-3.csv"
cmp -s "$VM_WORK/pool4-2.csv" "$VM_WORK/pool4-3.csv" || fail "pool4 changed by a rejected file"
must "NAT64 ping after rejected update" ip netns exec v6 ping -6 -c 2 -i 0.2 -W 2 "$TARGET"
r=$(iperf_mbps v6 "$TARGET" -6) || fail "TCP through NAT64 after the rejected update"
assert_band "NAT64 TCP after rejected file" "$r" 5 100000 Mbit/s

step "remove"
must "instance remove" "${J[@]}" instance remove acd
ip netns exec v6 ping -6 -c 1 -W 1 "$TARGET" >/dev/null 2>&1 && fail "still translating after instance remove"
pass
