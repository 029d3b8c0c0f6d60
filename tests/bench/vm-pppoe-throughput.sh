#!/bin/bash
# Benchmark (VM guest, tests/vm/run.sh): one PPPoE session's unshaped iperf3
# throughput through acd's kernel-mode session against Debian's pppoe-server
# (3.15, no kernel mode: every packet through its user-space pppoe relay
# and a pty, as operators run it) and accel-ppp (its own PPP stack, kernel
# mode), side by side in one VM.
#
#   s-acd/eth0   -- ac/eth-acd:   acd's [pppoe], pppd with pppoe.so rp_pppoe_sess
#   s-rp/eth0    -- ac/eth-rp:    pppoe-server -I eth-rp, pppd pty "pppoe -n ..."
#   s-accel/eth0 -- ac/eth-accel: accel-pppd (tests/bench/accel-ppp.sh)
#
# Both AC pppds read the same options (conf/pppoe-options adapted: radius.so
# against FreeRADIUS, acd's hooks; mtu/mru 1492), accel-ppp asks the same
# FreeRADIUS, and RADIUS gives no rates, so nobody shapes; every client is
# pppd with pppoe.so.  Rounds of down (iperf3 -R) and up for each AC in
# turn, alternating so a burst of host load hits all; the median of each
# counts.  Prints a table and the ratios; RESULT lines in results.txt.
# accel-ppp is not in Debian: without a build of
# tests/bench/accel-ppp-build.sh (ACD_ACCEL_PPP, or its cache) its column
# says so and the others still run.
#
# Environment: ACD_BENCH_ROUNDS (3), ACD_VM_IPERF_T (seconds per run, 4 + 1
# omitted).  Fails only when a session or a measurement does not work.
# shellcheck source=../vm/guest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest/lib.sh"
# shellcheck source=../vm/guest/acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"
# shellcheck source=accel-ppp.sh
. "$(dirname "${BASH_SOURCE[0]}")/accel-ppp.sh"

ROUNDS=${ACD_BENCH_ROUNDS:-3}
acd_ac_need
command -v pppoe-server >/dev/null || skip "pppoe-server is not installed on the host (Debian: pppoe)"
need_modules ppp_generic pppoe veth

W=$VM_WORK/acd
mkdir -p "$W/state"
# shellcheck disable=SC2034 # read by tests/common/acd.sh
ACD_SOCKET=$W/acd.sock
AC_IP=100.64.0.1
declare -A FRAMED=([acd]=100.64.1.10 [rp]=100.64.1.11 [accel]=100.64.1.12)
declare -A NAME=([acd]="acd (kernel)" [rp]=pppoe-server [accel]="accel-ppp")
ACS=(acd rp)
if accel_find; then
	ACS+=(accel)
else
	log "accel-ppp: not built (tests/bench/accel-ppp-build.sh SRC on the host): its column is left out"
fi

step "topology: s-K -- ac/eth-K for K in ${ACS[*]}"
netns_add ac "${ACS[@]/#/s-}"
for k in "${ACS[@]}"; do veth_pair ac "eth-$k" "s-$k" eth0; done

step "FreeRADIUS (a user per AC, no rates), acd, pppoe-server${ACCEL:+, accel-ppp}"
radius_start ac "$(for k in "${ACS[@]}"; do
	printf 'u-%s\tCleartext-Password := "pw-%s"\n\tService-Type = Framed-User,\n\tFramed-Protocol = PPP,\n\tFramed-IP-Address = %s\n\n' \
		"$k" "$k" "${FRAMED[$k]}"
done)"
radiusclient_conf "$W"
hooks_install
# mtu/mru for pppoe-server's pppd (acd gives its own on the command line)
ac_options "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40" "mtu 1492" "mru 1492"
. "$ACD_SRC/tests/common/acd.sh"
{
	acd_conf_head "$W" info /var/run
	printf '[pppoe]\ninterface = eth-acd\nac-name = acd-bench\nservice-name = isp\npppd-options = %s\nlocal-ip = %s\n' \
		"$W/pppoe-options" "$AC_IP"
} > "$W/acd.conf"
ACD_START_WAIT=15 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec ac || fail "acd does not answer"
ip netns exec ac pppoe-server -F -I eth-rp -C rp-bench -S isp -L "$AC_IP" -R 100.64.2.1 -N 4 \
	-O "$W/pppoe-options" >> "$VM_WORK/pppoe-server.log" 2>&1 &
sleep 0.3
[ -z "${ACCEL:-}" ] || accel_start ac eth-accel "$AC_IP"
secrets=()
for k in "${ACS[@]}"; do secrets+=("u-$k" "pw-$k"); done
ppp_secrets "${secrets[@]}"
# (after ppp_secrets: a subscriber's /etc/ppp is a copy)
for k in "${ACS[@]}"; do sub_etc "s-$k"; done

step "one session through each AC"
for k in "${ACS[@]}"; do
	pppoe_client_start "s-$k" eth0 "u-$k" "$k" lcp-max-configure 40
done
for k in "${ACS[@]}"; do
	ppp_wait "s-$k" ppp0 60
	[ "$(ppp_local_ip "s-$k" ppp0)" = "${FRAMED[$k]}" ] || fail "s-$k did not get ${FRAMED[$k]}"
done
# the AC side of each: acd's kernel-mode pppd, pppoe-server's relay
wait_until 15 eval '"$ACDCTL" -s "$ACD_SOCKET" show session u-acd >/dev/null' || fail "acd has no session of u-acd"
s=$("$ACDCTL" -s "$ACD_SOCKET" -j show session u-acd)
jq_assert "u-acd's session is acd's discovery" "$s" '.pppoe.interface == "eth-acd"'
for k in "${ACS[@]}"; do
	ifc=$(ppp_iface_by_peer ac "${FRAMED[$k]}")
	[ -n "$ifc" ] || fail "no AC interface for ${FRAMED[$k]}"
	tc_json ac qdisc show dev "$ifc" | jq -e 'all(.[]; .kind != "tbf" and .kind != "ingress")' >/dev/null ||
		fail "the AC's $ifc ($k) is shaped: $(tc_json ac qdisc show dev "$ifc")"
done
pgrep -f '^/usr/sbin/pppd ([0-9.]+: )?plugin pppoe.so nic-eth-acd rp_pppoe_sess ' >/dev/null ||
	fail "no kernel-mode pppd of acd's"
pgrep -f '^/usr/sbin/pppoe -n -I eth-rp -e ' >/dev/null || fail "no user-space relay of pppoe-server's"
log "acd's pppd: $(pgrep -a -f 'nic-eth-acd rp_pppoe_sess')"
log "pppoe-server's relay: $(pgrep -a -f 'pppoe -n -I eth-rp')"
if [ -n "${ACCEL:-}" ]; then
	# accel-ppp's session: no pppd of its own, the peer's address on a ppp
	# interface of its process
	[ "$(pgrep -c -f 'nic-eth-accel' || true)" = 0 ] || fail "a pppd on eth-accel: accel-ppp runs none"
	log "accel-ppp's session: $(ip -n ac -o -4 addr | grep -F "peer ${FRAMED[accel]}/")"
fi
iperf_server ac "$AC_IP"

step "$ROUNDS rounds: down and up through each AC, alternating"
declare -A M
for ((r = 1; r <= ROUNDS; r++)); do
	for dir in down up; do
		for k in "${ACS[@]}"; do
			args=()
			[ "$dir" = down ] && args=(-R)
			v=$(iperf_mbps "s-$k" "$AC_IP" "${args[@]}") || fail "iperf3 $dir through $k failed"
			M[$k.$dir]+="$v "
			log "round $r: $k $dir $v Mbit/s"
		done
	done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
{
	printf '\nPPPoE throughput, one session, unshaped: iperf3 %ss, median of %d rounds (Mbit/s)\n' "$IPERF_T" "$ROUNDS"
	printf '%-9s' direction
	for k in "${ACS[@]}"; do printf ' %13s' "${NAME[$k]}"; done
	printf ' %9s' "acd/pppoe"
	[ -z "${ACCEL:-}" ] || printf ' %9s' "acd/accel"
	printf '   every run\n'
	for dir in down up; do
		printf '%-9s' "$dir"
		for k in "${ACS[@]}"; do printf ' %13s' "$(median "${M[$k.$dir]}")"; done
		printf ' %9s' "$(ratio "$(median "${M[acd.$dir]}")" "$(median "${M[rp.$dir]}")")"
		[ -z "${ACCEL:-}" ] || printf ' %9s' "$(ratio "$(median "${M[acd.$dir]}")" "$(median "${M[accel.$dir]}")")"
		printf '  '
		for k in "${ACS[@]}"; do printf ' %s: %s;' "$k" "${M[$k.$dir]% }"; done
		printf '\n'
	done
} | tee "$VM_OUT/table.txt"
for dir in down up; do
	line="throughput $dir:"
	for k in "${ACS[@]}"; do line+=" ${NAME[$k]} $(median "${M[$k.$dir]}") Mbit/s (runs ${M[$k.$dir]% });"; done
	result "$line acd/pppoe-server $(ratio "$(median "${M[acd.$dir]}")" "$(median "${M[rp.$dir]}")")${ACCEL:+, acd/accel-ppp $(ratio "$(median "${M[acd.$dir]}")" "$(median "${M[accel.$dir]}")")}"
done
[ -z "${ACCEL:-}" ] || accel_stop
pass
