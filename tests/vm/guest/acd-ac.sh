#!/bin/bash
# Scenario acd-ac: acd IS the PPPoE access concentrator, with real pppd
# clients and the real PPP kernel on both ends.
#
# acd answers discovery on its interfaces ([pppoe]) and starts one
# kernel-mode pppd per session (pppoe.so, rp_pppoe_sess SID:MAC) with a copy
# of conf/pppoe-options (radius.so against FreeRADIUS, radattr.so, the hooks
# of conf/ppp as `cmake --install` puts them); the session's ip-up hook
# reaches acd, which ties it to its discovery record and shapes it from the
# RADIUS attributes.  Subscribers dial with pppd's own pppoe.so, each from
# its namespace, behind an access switch (a bridge in ns sw):
#
#   s-alice, s-bob, s-vic, s-jim -- sw/br0 -- ac/eth-sub (MTU 1508)
#                      s-vic: eth0.100 -- ac/eth-sub.100 (VLAN 100)
#   s-jim/eth1 ------------------------------ ac/eth-std (MTU 1500)
#   [pppoe] interface = eth-sub, eth-sub.* (pattern), eth-std
#
# Checked, each from a real value: every session up with the address RADIUS
# gave, acd's record (user, ip, the "pppoe" object: sid, mac = the client's,
# interface), the AC pppd acd's child with the argv it was given, tc against
# RADIUS (RP, Mikrotik, WISPr, Filter-Id) and iperf3 down/up in band; a
# VLAN subscriber on eth-sub.100, and a VLAN with no sub-interface on the AC
# not answered on the parent; RFC 4638 (pppd 2.4.9's pppoe.so asks for
# PPP-Max-Payload on its own when mru/mtu > 1492): MTU 1500 on the 1508
# link (a 1500-byte DF ping), nothing echoed and 1492 on the 1500 link.
# Ends: the AC pppd SIGTERMed (client gone, acd's PADT counted, session
# ended), SIGKILLed (no LCP: only acd's PADT can tell the client, whose
# kernel unbinds the session: "Modem hangup" long before LCP echoes fail),
# `acdctl terminate`, the client hanging up (2.4.9 sends no PADT: its LCP
# Terminate ends the AC pppd, acd PADTs) and a PADT from the client
# (rp-pppoe's pppoe -k: acd's padt_in ends the AC pppd, no PADT back).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_ac_need
{ command -v pppoe && command -v pppoe-discovery; } >/dev/null ||
	skip "rp-pppoe's pppoe or ppp's pppoe-discovery is missing (Debian: pppoe, ppp)"
need_modules ppp_generic pppoe veth bridge 8021q sch_tbf sch_ingress cls_u32 act_police

AC_IP=100.64.0.1
declare -A PASS=([alice]=alice-pw [bob]=bob-pw [vic]=vic-pw [jim]=jim-pw)
declare -A FRAMED=([alice]=100.64.0.10 [bob]=100.64.0.11 [vic]=100.64.0.12 [jim]=100.64.0.13)
declare -A WANT_DOWN=([alice]=12000000 [bob]=8000000 [vic]=4000000 [jim]=5500000)
declare -A WANT_UP=([alice]=6000000 [bob]=3000000 [vic]=2000000 [jim]=2500000)
declare -A SRC=([alice]="RP-Downstream-Speed-Limit,RP-Upstream-Speed-Limit"
	[bob]=Mikrotik-Rate-Limit [vic]="WISPr-Bandwidth-Max-Down,WISPr-Bandwidth-Max-Up" [jim]=Filter-Id)
# per user: NS, client interface, AC interface of the discovery, MAC (the
# client's), SID, the AC's ppp interface and pppd, the client's pppd
declare -A NS CIF ACIF MAC SID IFC PID SUBPID

# pstat IFACE KEY: a counter of `show pppoe` for IFACE (0 if not listed yet)
pstat() { ctlj show pppoe | jq -r --arg i "$1" --arg k "$2" '[.interfaces[] | select(.interface == $i) | .[$k]] | add // 0'; }

# ---- topology --------------------------------------------------------------------------
step "topology: access switch sw/br0 to ac/eth-sub (MTU 1508, VLAN 100), s-jim/eth1 to ac/eth-std (MTU 1500)"
netns_add ac sw s-alice s-bob s-vic s-jim
veth_pair ac eth-sub sw up0
ip -n sw link add br0 type bridge || fail "bridge"
for u in alice bob vic jim; do
	veth_pair sw "p-$u" "s-$u" eth0
	ip -n sw link set "p-$u" master br0 || fail "p-$u into br0"
	NS[$u]=s-$u CIF[$u]=eth0 ACIF[$u]=eth-sub
done
ip -n sw link set up0 master br0
ip -n sw link set br0 up
# RFC 4638: 1508 on the AC's link and jim's path through the switch
for l in "ac eth-sub" "sw up0" "sw p-jim" "s-jim eth0"; do
	# shellcheck disable=SC2086
	ip -n ${l% *} link set ${l#* } mtu 1508 || fail "mtu 1508 on $l"
done
# VLAN 100 on both ends (the switch passes tagged frames), 200 only at vic's
ip -n ac link add link eth-sub name eth-sub.100 type vlan id 100 || fail "vlan 100 on eth-sub"
ip -n ac link set eth-sub.100 up
for v in 100 200; do
	ip -n s-vic link add link eth0 name "eth0.$v" type vlan id "$v" || fail "vlan $v on s-vic/eth0"
	ip -n s-vic link set "eth0.$v" up
done
CIF[vic]=eth0.100 ACIF[vic]=eth-sub.100
veth_pair ac eth-std s-jim eth1
for u in alice bob vic jim; do
	MAC[$u]=$(ip -n "s-$u" -j link show dev eth0 | jq -r '.[0].address')
done
AC_MAC=$(ip -n ac -j link show dev eth-sub | jq -r '.[0].address')

# ---- FreeRADIUS, acd -------------------------------------------------------------------
step "FreeRADIUS (PAP users with RP, Mikrotik, WISPr and Filter-Id rates) in ns ac"
radius_start ac "$(rate_users alice=100.64.0.10 bob=100.64.0.11 vic=100.64.0.12 jim=100.64.0.13)"

step "acd as the AC: [pppoe] on eth-sub, eth-sub.* and eth-std; pppd options from conf/pppoe-options"
radiusclient_conf "$W"
hooks_install
# lcp-max-configure: a busy TCG guest can take longer than pppd's 10 tries
ac_options "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40"
log "pppd options: $(grep -v '^#' "$W/pppoe-options" | grep . | tr '\n' ';')"
ac_start ac "$W/pppoe-options" "eth-sub eth-sub.* eth-std" "[shaper]" "profile = tbf" \
	"up-mode = police"
jq_assert "show pppoe: nothing yet" "$(ctlj show pppoe)" '.sessions == 0'

# the subscribers' side of PAP, and their own /etc/ppp (no hooks)
secrets=()
for u in alice bob vic jim; do secrets+=("$u" "${PASS[$u]}"); done
ppp_secrets "${secrets[@]}"
for u in alice bob vic jim; do sub_etc "s-$u"; done

# ---- sessions ----------------------------------------------------------------------------
has_session() { ctl show session "$1" >/dev/null 2>&1; }
# dial USER [PPPD OPTION...]: USER's pppd on CIF[USER]; waits for the
# address RADIUS gives and for acd's session of USER; sets SUBPID, IFC,
# PID, SID
dial() {
	local u=$1 t0 ip s
	shift
	t0=$(vm_elapsed)
	pppoe_client_start "${NS[$u]}" "${CIF[$u]}" "$u" "$u" lcp-max-configure 40 "$@"
	SUBPID[$u]=$(cat "$VM_WORK/pppd-$u.pid")
	ppp_wait "${NS[$u]}" ppp0 60
	ip=$(ppp_local_ip "${NS[$u]}" ppp0)
	[ "$ip" = "${FRAMED[$u]}" ] ||
		fail "$u got $ip, not RADIUS's Framed-IP-Address ${FRAMED[$u]} (radius.so not used?)"
	wait_until 15 has_session "$u" ||
		fail "acd has no session for $u: $(tail -5 "$VM_WORK/ppp-ipupdown.log")"
	s=$(ctlj show session "$u")
	IFC[$u]=$(jq -r .ifname <<<"$s")
	PID[$u]=$(jq -r .pppd_pid <<<"$s")
	SID[$u]=$(jq -r '.pppoe.sid // empty' <<<"$s")
	[ -n "${SID[$u]}" ] || fail "acd's session of $u has no pppoe object: $(jq -c . <<<"$s")"
	log "$u: up in $(secs_since "$t0")s: ${NS[$u]}/ppp0 $ip <-> ac/${IFC[$u]}, sid ${SID[$u]} on ${ACIF[$u]}, AC pppd ${PID[$u]}"
}
# check_session USER: acd's record of USER's session: who, where, which
# discovery, shaped to the RADIUS rates; its pppd is acd's child with the
# argv acd builds; the client's pppd took the same session id
check_session() {
	local u=$1 s args
	s=$(ctlj show session "$u")
	jq_assert "acd's session of $u" "$s" "
		.ifname == \"${IFC[$u]}\" and .user == \"$u\" and .ip == \"${FRAMED[$u]}\" and
		.local_ip == \"$AC_IP\" and (.mac | ascii_downcase) == \"${MAC[$u]}\" and
		.pppoe.sid == ${SID[$u]} and (.pppoe.mac | ascii_downcase) == \"${MAC[$u]}\" and
		.pppoe.interface == \"${ACIF[$u]}\" and .pppoe.service == \"isp\" and
		.shaped == true and .source == \"${SRC[$u]}\" and
		.down == ${WANT_DOWN[$u]} and .up == ${WANT_UP[$u]}"
	[ "$(ps -o ppid= -p "${PID[$u]}" | tr -d ' ')" = "$ACD_PID" ] ||
		fail "$u's AC pppd ${PID[$u]} is not acd's child: $(ps -o pid,ppid,args -p "${PID[$u]}")"
	args=$(tr '\0' ' ' < "/proc/${PID[$u]}/cmdline")
	[[ $args == "/usr/sbin/pppd $AC_IP: plugin pppoe.so nic-${ACIF[$u]} rp_pppoe_sess ${SID[$u]}:${MAC[$u]} rp_pppoe_service isp file $W/pppoe-options nodetach silent noaccomp nopcomp default-asyncmap remotenumber ${MAC[$u]} mru "* ]] ||
		fail "$u's AC pppd argv: $args"
	grep -q "PPP session is ${SID[$u]}\$" "$VM_WORK/pppd-$u.log" ||
		fail "$u's pppd log has no 'PPP session is ${SID[$u]}': $(tail -5 "$VM_WORK/pppd-$u.log")"
	result "$u: $(jq -c '{ifname, user, ip, mac, pppd_pid, down, up, source, pppoe}' <<<"$s")"
}
# check_tc USER: USER's interface on the AC shaped to the RADIUS rates,
# upload policed
check_tc() { tc_shaped ac "${IFC[$1]}" "${WANT_DOWN[$1]}" "${WANT_UP[$1]}" police; }
# meas WHAT USER down|up LO HI: iperf3 through USER's session against the
# RADIUS rate, within LO..HI times it (meas_rate)
meas() {
	if [ "$3" = down ]; then
		meas_rate "$1" "${NS[$2]}" "$AC_IP" "${WANT_DOWN[$2]}" "$4" "$5" -R
	else
		meas_rate "$1" "${NS[$2]}" "$AC_IP" "${WANT_UP[$2]}" "$4" "$5"
	fi
}

step "alice and bob dial acd on eth-sub"
t0=$(vm_elapsed)
dial alice
dial bob
result "alice and bob: sessions up in $(secs_since "$t0")s"
for u in alice bob; do
	grep -q "PAP peer authentication succeeded for $u" "$VM_WORK/pppd-ac.log" ||
		fail "the AC's pppd log has no PAP success for $u"
	[ -s "/var/run/radattr.${IFC[$u]}" ] || fail "radattr.so wrote no /var/run/radattr.${IFC[$u]}"
	grep -q "pppoe: interface=eth-sub mac=${MAC[$u]} sid=${SID[$u]} service=\"isp\" pppd=${PID[$u]} event=pads" \
		"$VM_WORK/acd.log" || fail "acd logged no PADS for $u: $(grep 'pppoe:' "$VM_WORK/acd.log" | tail -5)"
	check_session "$u"
	check_tc "$u"
done
[ "${SID[alice]}" != "${SID[bob]}" ] || fail "alice and bob share session id ${SID[alice]}"
# the AC's kernel carries the sessions: its pppoe.ko lists them
ac_pppd_ok ac 2
t=$(ctlj show sessions)
jq_assert "show sessions: alice and bob, each with its discovery" "$t" \
	'length == 2 and all(.[]; .shaped == true)'
iperf_server ac "$AC_IP"

step "traffic against the RADIUS rates, through kernel-mode sessions acd started"
meas "alice down (RP ${WANT_DOWN[alice]} bit/s)" alice down $DOWN_LO $DOWN_HI
meas "alice up police (RP ${WANT_UP[alice]} bit/s)" alice up $POL_LO $POL_HI
meas "bob down (Mikrotik tx ${WANT_DOWN[bob]} bit/s)" bob down $DOWN_LO $DOWN_HI

step "show pppoe: the discovery of two sessions on eth-sub"
p=$(ctlj show pppoe)
log "show pppoe: $(jq -c . <<<"$p")"
jq_assert "show pppoe counters of eth-sub" "$p" '.sessions == 2 and
	any(.interfaces[]; .interface == "eth-sub" and .mtu == 1508 and .padi_in >= 2 and
	    .pado_out >= 2 and .padr_in >= 2 and .pads_out >= 2 and .sessions_started == 2 and
	    .pads_error == 0 and .padt_out == 0)'
result "show pppoe after alice and bob: $(jq -c '[.interfaces[] | {interface, padi_in, pado_out, padr_in, pads_out, padt_in, padt_out, sessions_started, dropped}]' <<<"$p")"

# ---- VLAN ------------------------------------------------------------------------------------
step "VLAN: vic dials on eth0.100, acd answers on eth-sub.100 (interface = eth-sub.*)"
out=$(ip netns exec s-vic pppoe-discovery -I eth0.100 -S isp -t 2 -a 2 2>&1) || true
log "pppoe-discovery on VLAN 100: $(tr '\n' ' ' <<<"$out")"
grep -q 'Access-Concentrator: acd-vm-ac' <<<"$out" || fail "no PADO from acd on VLAN 100: $out"
dial vic
check_session vic
check_tc vic
meas "vic down over VLAN 100 (WISPr ${WANT_DOWN[vic]} bit/s)" vic down $DOWN_LO $DOWN_HI
jq_assert "show pppoe: eth-sub.100 listed, its MTU the parent's" "$(ctlj show pppoe)" \
	'any(.interfaces[]; .interface == "eth-sub.100" and .sessions_started == 1 and .pads_out >= 1)'

step "VLAN 200 has no sub-interface on the AC: its PADIs reach eth-sub tagged and are not answered"
pado0=$(pstat eth-sub pado_out)
out=$(ip netns exec s-vic pppoe-discovery -I eth0.200 -S isp -t 1 -a 2 2>&1) || true
log "pppoe-discovery on VLAN 200: $(tr '\n' ' ' <<<"$out")"
grep -q 'Access-Concentrator' <<<"$out" && fail "acd answered a PADI of VLAN 200 (no eth-sub.200): $out"
[ "$(pstat eth-sub pado_out)" = "$pado0" ] || fail "eth-sub sent a PADO for VLAN 200"
result "VLAN 200 PADIs on the parent: not answered ($(ctlj show pppoe | jq -c '.interfaces[] | select(.interface == "eth-sub") | {padi_in, pado_out, dropped}'))"

# ---- RFC 4638 ----------------------------------------------------------------------------------
# pppd 2.4.9's pppoe.so has no max-payload option: with mru and mtu above
# 1492 (and an interface MTU of 8 more) it puts PPP-Max-Payload in its PADI
# and PADR itself, and falls back to 1492 unless the AC echoes the tag
# jim_payload PAYLOAD MTU: jim's session agreed PPP-Max-Payload PAYLOAD (0:
# none), his AC pppd has mru/mtu MTU, the session's interface MTU on both
# ends
jim_payload() {
	local side m
	jq_assert "jim on ${ACIF[jim]}: max payload $1" "$(ctlj show session jim)" ".pppoe.max_payload == $1"
	[[ $(tr '\0' ' ' < "/proc/${PID[jim]}/cmdline") == *" mru $2 mtu $2 "* ]] ||
		fail "jim's AC pppd on ${ACIF[jim]} is not mru/mtu $2: $(tr '\0' ' ' < "/proc/${PID[jim]}/cmdline")"
	for side in "s-jim ppp0" "ac ${IFC[jim]}"; do
		# shellcheck disable=SC2086
		m=$(ip -n ${side% *} -j link show dev ${side#* } | jq .[0].mtu)
		[ "$m" = "$2" ] || fail "MTU of $side is $m, expected $2 (max payload $1)"
	done
}
step "RFC 4638 refused: jim asks for 1500 on eth1 -- ac/eth-std (MTU 1500): nothing echoed, 1492"
ip -n s-jim link set eth1 mtu 1508 || true # his side could; the AC's cannot
CIF[jim]=eth1 ACIF[jim]=eth-std MAC[jim]=$(ip -n s-jim -j link show dev eth1 | jq -r '.[0].address')
dial jim mru 1500 mtu 1500
check_session jim
jim_payload 0 1492
result "RFC 4638 on a 1500 link: max_payload 0, session MTU 1492 on both ends"

step "client hangs up: SIGTERM to jim's own pppd (2.4.9 sends no PADT: LCP Terminate ends the AC pppd)"
padt_out0=$(pstat eth-std padt_out)
n_term=$(grep -c 'LCP terminated by peer' "$VM_WORK/pppd-ac.log" || true)
t0=$(vm_elapsed)
kill -TERM "${SUBPID[jim]}"
wait_until 15 gone "${PID[jim]}" || fail "jim's AC pppd ${PID[jim]} still runs after the client hung up"
wait_until 15 eval '! has_session jim' || fail "acd still has jim's session after he hung up"
result "client hang-up -> AC pppd gone, session ended: $(secs_since "$t0")s"
[ "$(grep -c 'LCP terminated by peer' "$VM_WORK/pppd-ac.log")" -gt "$n_term" ] ||
	fail "the AC's pppd did not log 'LCP terminated by peer': $(tail -5 "$VM_WORK/pppd-ac.log")"
wait_until 5 eval '[ "$(pstat eth-std padt_out)" = $((padt_out0 + 1)) ]' ||
	fail "acd sent no PADT at the AC pppd's exit: $(ctlj show pppoe | jq -c .)"
[ "$(pstat eth-std padt_in)" = 0 ] ||
	result "note: jim's pppd sent a PADT ($(pstat eth-std padt_in)): not the 2.4.9 behaviour"
grep -q 'Sent PADT' "$VM_WORK/pppd-jim.log" && result "note: jim's pppd logged 'Sent PADT'"
grep -q "sid=${SID[jim]} mac=${MAC[jim]} pppd=${PID[jim]} event=pppd-exit" "$VM_WORK/acd.log" ||
	fail "acd did not log the exit of jim's AC pppd"
wait_until 15 gone "${SUBPID[jim]}" || fail "jim's pppd still runs"

step "RFC 4638 agreed: jim asks for 1500 on eth0 -- sw -- ac/eth-sub (MTU 1508)"
CIF[jim]=eth0 ACIF[jim]=eth-sub MAC[jim]=$(ip -n s-jim -j link show dev eth0 | jq -r '.[0].address')
dial jim mru 1500 mtu 1500
check_session jim
check_tc jim
jim_payload 1500 1500
# a 1500-byte IP packet, not fragmented, through the session both ways
ip netns exec s-jim ping -c 2 -i 0.3 -W 3 -M 'do' -s 1472 "$AC_IP" >/dev/null ||
	fail "no 1500-byte DF ping through jim's RFC 4638 session"
result "RFC 4638 on a 1508 link: max_payload 1500, session MTU 1500, 1500-byte DF ping through"

# ---- ends of sessions: the PADT ------------------------------------------------------------------
step "SIGTERM to bob's AC pppd: his pppd ends, acd PADTs, the session ends"
padt_out0=$(pstat eth-sub padt_out)
t0=$(vm_elapsed)
kill -TERM "${PID[bob]}"
wait_until 20 gone "${SUBPID[bob]}" || fail "bob's pppd still runs after his AC pppd was terminated"
result "AC pppd SIGTERM -> client pppd gone: $(secs_since "$t0")s"
wait_until 15 eval '! has_session bob' || fail "acd still has bob's session"
wait_until 5 eval '[ "$(pstat eth-sub padt_out)" = $((padt_out0 + 1)) ]' ||
	fail "eth-sub padt_out $(pstat eth-sub padt_out), expected $((padt_out0 + 1))"
grep -qE 'LCP terminated by peer|Modem hangup|PADT' "$VM_WORK/pppd-bob.log" ||
	fail "bob's pppd log says nothing of the end: $(tail -5 "$VM_WORK/pppd-bob.log")"
result "bob's pppd: $(grep -E 'LCP terminated by peer|Modem hangup|PADT|Connection terminated' "$VM_WORK/pppd-bob.log" | tr '\n' ';')"

step "SIGKILL to jim's AC pppd: no LCP Terminate, only acd's PADT tells his pppd"
padt_out0=$(pstat eth-sub padt_out)
t0=$(vm_elapsed)
kill -KILL "${PID[jim]}"
# LCP echoes would notice after 3 x 10 s: well before that, the PADT
wait_until 15 gone "${SUBPID[jim]}" ||
	fail "jim's pppd still runs 15 s after his AC pppd was killed (no PADT?): $(tail -5 "$VM_WORK/pppd-jim.log")"
result "AC pppd SIGKILL -> PADT -> client pppd gone: $(secs_since "$t0")s"
tail -n 8 "$VM_WORK/pppd-jim.log" | grep -q 'Modem hangup' ||
	fail "jim's pppd did not end by 'Modem hangup' (the kernel's PADT): $(tail -8 "$VM_WORK/pppd-jim.log")"
tail -n 8 "$VM_WORK/pppd-jim.log" | grep -q 'LCP terminated by peer' &&
	fail "jim's pppd got an LCP Terminate from a SIGKILLed pppd?"
wait_until 5 eval '[ "$(pstat eth-sub padt_out)" = $((padt_out0 + 1)) ]' ||
	fail "eth-sub padt_out $(pstat eth-sub padt_out), expected $((padt_out0 + 1))"
wait_until 20 eval '! has_session jim' || fail "acd still has jim's session after his AC pppd was killed"

step "acdctl terminate alice: her AC pppd ends, acd PADTs, her pppd ends"
padt_out0=$(pstat eth-sub padt_out)
t0=$(vm_elapsed)
j=$(ctlj terminate alice)
jq_assert "terminate alice" "$j" ".ifname == \"${IFC[alice]}\" and .pppd_pid == ${PID[alice]}"
wait_until 15 gone "${PID[alice]}" || fail "alice's AC pppd still runs after terminate"
wait_until 20 gone "${SUBPID[alice]}" || fail "alice's pppd still runs after terminate"
wait_until 15 eval '! has_session alice' || fail "acd still has alice's session after terminate"
result "terminate alice -> client pppd gone, session ended: $(secs_since "$t0")s"
wait_until 5 eval '[ "$(pstat eth-sub padt_out)" = $((padt_out0 + 1)) ]' ||
	fail "eth-sub padt_out $(pstat eth-sub padt_out), expected $((padt_out0 + 1))"
grep -qE "sess=${IFC[alice]} user=alice event=down cause=admin-reset" "$VM_WORK/acd.log" ||
	fail "alice's session did not end as admin-reset: $(grep "sess=${IFC[alice]} " "$VM_WORK/acd.log" | tail -3)"

step "a PADT from the client (rp-pppoe's pppoe -k on vic's VLAN): acd ends the AC pppd, no PADT back"
padt_out0=$(pstat eth-sub.100 padt_out)
t0=$(vm_elapsed)
run ip netns exec s-vic pppoe -I eth0.100 -e "${SID[vic]}:$AC_MAC" -k || fail "pppoe -k"
wait_until 15 eval '[ "$(pstat eth-sub.100 padt_in)" = 1 ]' ||
	fail "acd counted no PADT in on eth-sub.100: $(ctlj show pppoe | jq -c .)"
wait_until 15 gone "${PID[vic]}" || fail "vic's AC pppd still runs after his PADT"
wait_until 15 eval '! has_session vic' || fail "acd still has vic's session after his PADT"
result "client PADT -> AC pppd gone, session ended: $(secs_since "$t0")s"
grep -q "sid=${SID[vic]} .*event=pppd-exit.*(client sent PADT)" "$VM_WORK/acd.log" ||
	fail "acd did not log vic's pppd exit after his PADT: $(grep 'pppoe:' "$VM_WORK/acd.log" | tail -3)"
[ "$(pstat eth-sub.100 padt_out)" = "$padt_out0" ] || fail "acd sent a PADT back to the client that ended the session"
# his pppd knows nothing of it (the PADT came from another program, and
# the AC's kernel unbound the session on it): it would wait for LCP echoes
kill -TERM "${SUBPID[vic]}" 2>/dev/null || true
wait_until 15 gone "${SUBPID[vic]}" || fail "vic's pppd still runs after SIGTERM"

step "nothing left"
wait_until 15 eval '[ "$(ctlj show sessions | jq length)" = 0 ]' || fail "sessions left: $(ctlj show sessions)"
p=$(ctlj show pppoe)
log "show pppoe: $(jq -c . <<<"$p")"
jq_assert "show pppoe at the end" "$p" '.sessions == 0 and .spawn_failures == 0 and .backoffs == 0 and
	([.interfaces[] | .pads_out] | add) >= 5 and ([.interfaces[] | .padt_out] | add) == 4 and
	([.interfaces[] | .padt_in] | add) == 1 and ([.interfaces[] | .sessions_started] | add) == 5 and
	([.interfaces[] | .padi_in] | add) >= 5'
result "show pppoe at the end: $(jq -c '[.interfaces[] | {interface, mtu, padi_in, pado_out, padr_in, pads_out, padt_in, padt_out, sessions_started, dropped}]' <<<"$p")"
ip -n ac -o link show | grep ': ppp' && fail "ppp interfaces left on the AC"
pgrep -x pppd >/dev/null && fail "pppd left: $(pgrep -a -x pppd)"
acd_stop TERM || fail "acd had exited before SIGTERM"
[ "$ACD_RC" = 0 ] || fail "acd exited with $ACD_RC on SIGTERM"
pass
