#!/bin/bash
# Scenario nat64ctl: the NAT64/DNS64 control plane on the real Jool module.
#
#   ns v6 (IPv6 only, 2001:db8:64::2) -- ns nat64 (Jool + named) -- ns v4 (IPv4 only, 192.0.2.2)
#
# nat64ctl applies [nat64] (pool6 2001:db8:46::/96, a network-specific
# prefix, pool4 192.0.2.1) and installs [dns64] for a named in the nat64
# namespace.  The v6 host resolves an A-only name through our DNS64 and
# reaches the IPv4 server by ping and TCP; re-apply is a no-op; a pool4
# change applies atomically while a ping flow runs (loss measured); bad
# configs are refused with the running one intact; the ephemeral-range
# refusal and --fix-ephemeral on the real sysctl; status with BIB counts.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ctest passes NAT64CTL, but run.sh forwards only ACD_* variables: find the
# binary beside acd-shape in the same build tree when it did not come through.
if [ -z "${NAT64CTL:-}" ]; then
	NAT64CTL=${ACD_NAT64CTL:-}
	[ -z "$NAT64CTL" ] && [ -n "${ACD_SHAPE:-}" ] && NAT64CTL=$(dirname "$(dirname "$ACD_SHAPE")")/nat64ctl/nat64ctl
fi
[ -x "${NAT64CTL:-}" ] || fail "nat64ctl not found (NAT64CTL=${NAT64CTL:-unset}, ACD_SHAPE=${ACD_SHAPE:-unset}): build the target nat64ctl"
need_modules veth jool
for t in jool named dig iperf3 jq; do command -v "$t" >/dev/null || fail "$t is not installed (tools/install-deps)"; done
log "nat64ctl $NAT64CTL; jool $(jool --version 2>&1 | head -1); module $(cat /sys/module/jool/version 2>/dev/null)"

step "topology"
nat64_topology
[ -z "$(ip -n v6 -4 addr show scope global)" ] || fail "v6 namespace has IPv4"

W=$VM_WORK/nat64ctl
mkdir -p "$W"
CONF=$W/nat64.conf
write_conf() {  # write_conf TCP_UDP_PORTS
	cat > "$CONF" <<-EOC
	[nat64]
	instance = vmtest
	pool6 = 2001:db8:46::/96
	pool4 = 192.0.2.1 tcp,udp $1
	pool4 = 192.0.2.1 icmp
	ephemeral-dropin = $W/sysctl.d/70-nat64ctl.conf
	[dns64]
	server = bind
	output = $W/dns64.conf
	clients = 2001:db8:64::/64
	# RFC 6052 3.1 lets a network-specific prefix map non-global IPv4
	mapped = any
	EOC
}
N() { log "+ nat64ctl $*  (ns nat64)" >&2; ip netns exec nat64 "$NAT64CTL" -c "$CONF" "$@"; }
pool4_csv() { ip netns exec nat64 jool -i vmtest pool4 display --csv --no-headers | sort; }
write_conf 61001-65535
must "check-config" N check-config

step "plan and apply (create)"
rc=0
N plan || rc=$?
[ "$rc" = 3 ] || fail "plan before apply: exit $rc (expected 3: changes pending)"
t0=$(vm_elapsed)
must "apply" N apply
result "apply (create): $(awk -v a="$t0" -v b="$(vm_elapsed)" 'BEGIN{printf "%.2f", b-a}') s"
pool4_csv | grep -q '^0,TCP,192.0.2.1,61001,65535,' || fail "pool4 TCP not in Jool: $(pool4_csv)"
ip netns exec nat64 jool -i vmtest global display | grep -qE 'pool6: *2001:db8:46::/96' || fail "pool6 not set"

step "DNS64: named with nat64ctl's dns64 block"
must "dns64 render --install" N dns64 render --install
cat > "$W/zone" <<'EOZ'
$TTL 60
@       SOA ns hostmaster 1 60 60 600 60
@       NS  ns
ns      A   192.0.2.1
server  A   192.0.2.2
EOZ
cat > "$W/named.conf" <<EOC
options {
	directory "$W";
	pid-file "$W/named.pid";
	session-keyfile "$W/session.key";
	listen-on { none; };
	listen-on-v6 { 2001:db8:64::1; };
	recursion yes;
	allow-query { any; };
	dnssec-validation no;
	include "$W/dns64.conf";
};
zone "example.test" { type primary; file "$W/zone"; };
EOC
named-checkconf "$W/named.conf" || fail "named-checkconf"
ip netns exec nat64 named -g -c "$W/named.conf" > "$VM_WORK/named.log" 2>&1 &
wait_until 20 eval 'ip netns exec v6 dig +short +time=1 +tries=1 @2001:db8:64::1 SOA example.test | grep -q hostmaster' ||
	fail "named does not answer"
AAAA=$(ip netns exec v6 dig +short @2001:db8:64::1 AAAA server.example.test)
[ "$AAAA" = 2001:db8:46::c000:202 ] || fail "server.example.test AAAA via DNS64: '$AAAA'"
result "DNS64 server.example.test -> $AAAA"

step "ping and TCP to the name through NAT64"
must "NAT64 ping" ip netns exec v6 ping -6 -c 3 -i 0.2 -W 2 "$AAAA"
iperf_server v4 192.0.2.2
measure "nat64ctl NAT64 TCP v6->v4" v6 "$AAAA" 5 100000 -6
out=$(ip netns exec v6 "$NAT64CTL" -c "$CONF" -j probe --server 2001:db8:64::1 --name server.example.test \
	--target 192.0.2.2 --tcp-port 5201) || fail "probe failed: $out"
jq_assert "probe" "$out" '.ok and (.steps | length == 4)'
st=$(N -j status) || fail "status"
log "status: $st"
jq_assert "status" "$st" '.running and .module_loaded and .pool6 == "2001:db8:46::/96" and .bib.tcp >= 1
	and ([.pool4[] | select(.protocol == "tcp")][0].in_use >= 1)'
result "status: bib tcp $(jq .bib.tcp <<<"$st") udp $(jq .bib.udp <<<"$st") icmp $(jq .bib.icmp <<<"$st"); tools $(jq -r .tools_version <<<"$st"), module $(jq -r .module_version <<<"$st")"
N status || true # for the console; -j status above is the check

step "re-apply is a no-op"
before=$(pool4_csv)
out=$(N apply) || fail "re-apply"
[ "$out" = "no changes" ] || fail "re-apply: '$out'"
N plan >/dev/null || fail "plan after apply is not empty"
[ "$(pool4_csv)" = "$before" ] || fail "re-apply changed pool4"

step "pool4 change while traffic flows"
ip netns exec v6 ping -6 -i 0.05 -c 120 -W 1 "$AAAA" > "$VM_WORK/ping-flow.log" 2>&1 &
PING=$!
# the change 1.5 s into the 6 s ping flow: what this step measures
sleep 1.5
write_conf 62000-62999
t0=$(vm_elapsed)
must "apply (pool4 change)" N apply
result "apply (pool4 change): $(awk -v a="$t0" -v b="$(vm_elapsed)" 'BEGIN{printf "%.2f", b-a}') s"
wait "$PING" || true # the loss below is the check
loss=$(grep -oE '[0-9.]+% packet loss' "$VM_WORK/ping-flow.log" | cut -d% -f1 || true)
result "ping flow across the pool4 change: ${loss:-?}% loss of 120"
awk -v l="${loss:-100}" 'BEGIN { exit !(l <= 5) }' || fail "ping flow lost ${loss:-?}% across the pool4 change"
pool4_csv | grep -q '^0,TCP,192.0.2.1,62000,62999,' || fail "pool4 change not in effect: $(pool4_csv)"
measure "NAT64 TCP after the pool4 change" v6 "$AAAA" 5 100000 -6
ip netns exec nat64 jool -i vmtest session display --tcp --numeric --csv | grep -q '192.0.2.1,62[0-9][0-9][0-9]' ||
	fail "new TCP sessions do not use the new pool4 ports"

step "bad configs are refused, the running one stays"
before=$(pool4_csv)
cp "$CONF" "$W/good.conf"
printf '[nat64]\ninstance = vmtest\npool6 = 2001:db8:46::/96\npool4 = 192.0.2.1 tcp 70000-80000\n' > "$CONF"
rc=0
N apply || rc=$?
[ "$rc" = 2 ] || fail "a config with port 70000 was not refused as a config error (exit $rc)"
printf '[nat64]\ninstance = vmtest\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1 tcp,udp 62000-62999\npool4 = 192.0.2.1 icmp\n' > "$CONF"
rc=0
err=$(N apply 2>&1) || rc=$?
[ "$rc" = 1 ] && [[ $err == *"--recreate"* ]] || fail "pool6 change without --recreate: exit $rc: $err"
cp "$W/good.conf" "$CONF"
[ "$(pool4_csv)" = "$before" ] || fail "a refused config changed pool4"
ip netns exec nat64 jool -i vmtest global display | grep -qE 'pool6: *2001:db8:46::/96' || fail "pool6 changed"
must "ping after refusals" ip netns exec v6 ping -6 -c 2 -i 0.2 -W 2 "$AAAA"

step "ephemeral port range"
old=$(ip netns exec nat64 cat /proc/sys/net/ipv4/ip_local_port_range)
ip netns exec nat64 sysctl -qw net.ipv4.ip_local_port_range="32768 65535"
rc=0
err=$(N apply 2>&1) || rc=$?
[ "$rc" = 1 ] && [[ $err == *"overlap the kernel's ephemeral range net.ipv4.ip_local_port_range = 32768-65535"* ]] ||
	fail "overlap not refused: exit $rc: $err"
must "apply --fix-ephemeral" N apply --fix-ephemeral
got=$(ip netns exec nat64 cat /proc/sys/net/ipv4/ip_local_port_range | tr -s ' \t' ' ')
[ "$got" = "32768 61999" ] || fail "ip_local_port_range after --fix-ephemeral: '$got'"
grep -q '^net.ipv4.ip_local_port_range = 32768 61999$' "$W/sysctl.d/70-nat64ctl.conf" || fail "drop-in not written"
ip netns exec nat64 sysctl -qw net.ipv4.ip_local_port_range="$old"

step "remove"
must "remove" N remove
ip netns exec v6 ping -6 -c 1 -W 1 "$AAAA" >/dev/null 2>&1 && fail "still translating after remove"
rc=0
N plan >/dev/null || rc=$?
[ "$rc" = 3 ] || fail "plan after remove should show the instance to create"
pass
