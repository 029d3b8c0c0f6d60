#!/bin/bash
# tayga.sh - backend = tayga on our kernel (no Jool needed), in namespaces:
#
#   c6 (IPv6 only) --veth-- gw (nat64ctl + TAYGA on a tun) --veth-- s4 (IPv4 only)
#   2001:db8:6::2           2001:db8:6::1 | 10.64.0.1               10.64.0.2
#
# pool6 2001:db8:64::/96 (a network-specific prefix: TAYGA refuses private
# IPv4 under 64:ff9b::/96), dynamic pool 10.65.0.0/24 routed back by s4.
# nat64ctl apply creates the tun, routes and the daemon; ping and TCP
# (iperf3) from c6 reach s4 through the prefix; a re-apply is a no-op (same
# pid); a config change restarts TAYGA; remove stops it and deletes the tun.
# Exit 0 pass, 1 fail, 77 skip.
set -euo pipefail
NAT64CTL=${NAT64CTL:?NAT64CTL is not set (ctest sets it)}
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
skip() { printf 'SKIP: tayga: %s\n' "$*"; exit 77; }
log() { printf '[tayga] %s\n' "$*" >&2; }
[[ ${EUID:-$(id -u)} -eq 0 ]] || skip "needs root (namespaces, tun)"
for t in ip tayga iperf3 jq ping; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (tools/install-deps)"
done
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
ip netns add "n64probe-$$" 2>/dev/null || skip "cannot create a network namespace"
ip netns del "n64probe-$$"

T=$(mktemp -d /tmp/nat64-tayga.XXXXXX)
NS=(n64-c6-$$ n64-gw-$$ n64-s4-$$)
C6=${NS[0]} GW=${NS[1]} S4=${NS[2]}
cleanup() {
	local p
	set +e
	p=$(cat "$T/tayga.pid" 2>/dev/null) && kill "$p" 2>/dev/null
	[[ -n ${IPERF_PID:-} ]] && kill "$IPERF_PID" 2>/dev/null
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf -- "$T"
}
trap cleanup EXIT
fail() { printf 'FAIL: tayga: %s\n' "$*" >&2; exit 1; }

for n in "${NS[@]}"; do
	ip netns add "$n" || fail "ip netns add $n"
	ip -n "$n" link set lo up
done
ip link add c6 netns "$C6" type veth peer name gw6 netns "$GW" || fail "veth c6"
ip link add gw4 netns "$GW" type veth peer name s4 netns "$S4" || fail "veth s4"
for x in "$C6 c6" "$GW gw6" "$GW gw4" "$S4 s4"; do set -- $x; ip -n "$1" link set "$2" up; done
ip -n "$C6" -6 addr add 2001:db8:6::2/64 dev c6 nodad
ip -n "$C6" -6 route add default via 2001:db8:6::1
ip -n "$GW" -6 addr add 2001:db8:6::1/64 dev gw6 nodad
ip -n "$GW" addr add 10.64.0.1/24 dev gw4
ip -n "$S4" addr add 10.64.0.2/24 dev s4
# no NAT44 here (no nftables needed): s4 routes TAYGA's pool back to gw
ip -n "$S4" route add 10.65.0.0/24 via 10.64.0.1
ip netns exec "$GW" sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
ip netns exec "$C6" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
[[ -z $(ip -n "$C6" -4 addr show scope global) ]] || fail "c6 has IPv4"

cat > "$T/nat64.conf" <<EOC
[nat64]
backend = tayga
pool6 = 2001:db8:64::/96
tayga-device = nat64t
tayga-ipv4-address = 10.65.0.1
tayga-pool = 10.65.0.0/24
tayga-config = $T/tayga.conf
tayga-data-dir = $T/data
tayga-pidfile = $T/tayga.pid
EOC
gwctl() { ip netns exec "$GW" "$NAT64CTL" -c "$T/nat64.conf" "$@"; }
TARGET=2001:db8:64::a40:2   # 10.64.0.2 under the prefix

rc=0
out=$(gwctl plan) || rc=$?
[[ $rc -eq 3 ]] || fail "plan before apply: exit $rc: $out"
gwctl apply || fail "apply failed"
pid1=$(cat "$T/tayga.pid") || fail "no pid file"
ip -n "$GW" link show nat64t >/dev/null || fail "no tun device nat64t"
ip netns exec "$C6" ping -6 -c 3 -i 0.2 -W 2 "$TARGET" >/dev/null || fail "ping $TARGET through TAYGA"
ip netns exec "$S4" iperf3 -s -1 -B 10.64.0.2 >"$T/iperf3-s.log" 2>&1 &
IPERF_PID=$!
wait_until 3 listening "$S4" tcp 5201 || true
j=$(timeout 30 ip netns exec "$C6" iperf3 -6 -c "$TARGET" -t 3 -J) || fail "iperf3 through TAYGA: $j"
mbit=$(jq -r '.end.sum_received.bits_per_second / 1e6 | . * 10 | round / 10' <<<"$j")
log "TCP through TAYGA: $mbit Mbit/s"
awk -v m="$mbit" 'BEGIN { exit !(m > 1) }' || fail "TCP through TAYGA: $mbit Mbit/s"
echo "RESULT tayga TCP v6->v4: $mbit Mbit/s"

out=$(gwctl apply) || fail "re-apply failed"
[[ $out == "no changes" ]] || fail "re-apply: expected no changes, got: $out"
[[ $(cat "$T/tayga.pid") == "$pid1" ]] || fail "re-apply restarted TAYGA"
st=$(gwctl -j status) || fail "status"
jq -e --argjson p "$pid1" '.running and .pid == $p and .config_current' <<<"$st" >/dev/null || fail "status -j: $st"

sed -i 's/^tayga-ipv4-address = .*/tayga-ipv4-address = 10.65.0.254/' "$T/nat64.conf"
rc=0
out=$(gwctl plan) || rc=$?
[[ $rc -eq 3 && $out == *"tayga.conf (differs from the render)"* ]] || fail "plan after a change: $rc $out"
gwctl apply >/dev/null || fail "apply of a change failed"
pid2=$(cat "$T/tayga.pid")
[[ $pid2 != "$pid1" ]] || fail "changed config but TAYGA not restarted"
grep -q '^ipv4-addr 10.65.0.254$' "$T/tayga.conf" || fail "tayga.conf not updated"
ip netns exec "$C6" ping -6 -c 2 -i 0.2 -W 2 "$TARGET" >/dev/null || fail "ping after the change"

gwctl remove || fail "remove"
kill -0 "$pid2" 2>/dev/null && fail "TAYGA still runs after remove"
ip -n "$GW" link show nat64t >/dev/null 2>&1 && fail "tun device left after remove"
ip netns exec "$C6" ping -6 -c 1 -W 1 "$TARGET" >/dev/null 2>&1 && fail "still translating after remove"
echo "PASS: tayga"
