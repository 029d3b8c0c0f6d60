#!/bin/sh
# radattr-hook.sh - the status quo that acd replaces, for the shaper benchmark.
#
# A faithful copy of the /etc/ppp/ip-up.d hook operators run today with
# pppd's radius.so + radattr.so: read /var/run/radattr.$IFNAME with sed/awk,
# fork tc (and ip) per session.  pppd's ip-up arguments: $1 interface,
# $2 tty, $3 speed, $4 local IP, $5 remote IP, $6 ipparam.
#
# The benchmark driver sets (pppd itself would not):
#   RADATTR_DIR  where the radattr.IFACE files are (default /var/run)
#   UPMODE       police: ingress + u32 + police (3 forks of tc)
#                ifb:    IFB device + tbf on it + ingress + u32 mirred
#                        (6 forks of tc/ip), for kernels without act_police
set -e

IF="$1"
RADATTR="${RADATTR_DIR:-/var/run}/radattr.$IF"
[ -r "$RADATTR" ] || exit 0

# radattr.so writes "Name Value" per line; rates are kbit/s.
DOWN=$(sed -n 's/^RP-Downstream-Speed-Limit[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' "$RADATTR")
UP=$(awk '$1 == "RP-Upstream-Speed-Limit" { print $2; exit }' "$RADATTR")
[ -n "$DOWN" ] && [ -n "$UP" ] || exit 0

# burst: 20 ms at the rate, at least one full frame (bytes); arithmetic, no fork.
DBURST=$((DOWN * 20 / 8)); [ "$DBURST" -ge 1518 ] || DBURST=1518
UBURST=$((UP * 20 / 8)); [ "$UBURST" -ge 1518 ] || UBURST=1518

tc qdisc replace dev "$IF" root handle 1: tbf rate "${DOWN}kbit" burst "$DBURST" latency 50ms

case "${UPMODE:-police}" in
police)
	tc qdisc replace dev "$IF" handle ffff: ingress
	tc filter replace dev "$IF" parent ffff: prio 1 protocol all u32 match u32 0 0 \
		police rate "${UP}kbit" burst 100k drop
	;;
ifb)
	IFB="ifb-$IF"
	ip link add "$IFB" type ifb 2>/dev/null || true
	ip link set "$IFB" up
	tc qdisc replace dev "$IFB" root handle 1: tbf rate "${UP}kbit" burst "$UBURST" latency 50ms
	tc qdisc replace dev "$IF" handle ffff: ingress
	tc filter replace dev "$IF" parent ffff: prio 1 protocol all u32 match u32 0 0 \
		action mirred egress redirect dev "$IFB"
	;;
*)
	echo "radattr-hook: unknown UPMODE '$UPMODE'" >&2
	exit 2
	;;
esac
