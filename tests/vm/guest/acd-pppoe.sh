#!/bin/bash
# Scenario acd-pppoe: real PPPoE sessions shaped by acd, end to end.
#
# FreeRADIUS (conf/freeradius/ in a throw-away raddb) knows four PAP users,
# one per rate convention; Debian's pppoe-server, as operators run it
# (3.15: no kernel mode, a user-space pppoe relay over a pty per session;
# acd's own AC is vm.acd-ac's), starts a pppd per session
# whose radius.so asks FreeRADIUS and whose radattr.so writes
# /var/run/radattr.pppN; pppd runs Debian's /etc/ppp/ip-up -> run-parts ->
# /etc/ppp/ip-up.d/acd (`cmake --install`, as an operator would) -> acdctl hook ->
# acd, which shapes the session.  Subscribers dial from their own namespaces.
# Every check reads back a real value (acdctl -j, tc -j) or measures one
# (iperf3 through the session):
#   session table (user, ip, mac, pppd pid, policy source, shaped) and tc
#   against the RADIUS rates; per-subscriber download/upload bands;
#   shaper set / restore; a session comes up while acd is stuck (the hook
#   gives up after 1 s, pppd carries on); kill -9 acd, restart:
#   reconciled from ppp interfaces + radattr files, no duplicates, the
#   override kept; reload to up-mode ifb; terminate (SIGTERM to pppd,
#   ip-down); kill -9 of a pppd (interface vanishes: session ends, IFB
#   removed); SIGTERM to acd leaves the shaping in place.
# acd's own RADIUS accounting goes to a second FreeRADIUS that writes a
# detail file: a Start per session (none twice across kill -9 and restart,
# one for the session reconciled without a hook), and Stops for terminate
# and Disconnect (Admin-Reset) and for the killed pppd (NAS-Error), each
# with at least the bytes the kernel had counted on the real ppp link.
# IPv6CP runs beside IPCP: every session's ipv6-up reaches acd through
# conf/ppp/ipv6-up.d, and acd records the peer's link-local address; dave is
# IPv6-only (his pppd refuses IPCP), so his session starts with ipv6-up
# alone, is shaped from his Filter-Id, measured over IPv6 (link-local), and
# ends with ipv6-down.  alice's upload is measured over IPv6 too: the
# ingress police and mirred filters catch every protocol, not only IPv4.
# "down" = AC -> subscriber (tbf on the AC's pppN, iperf3 -R from the
# subscriber), "up" = subscriber -> AC (pppN's ingress: police or IFB).
# pppoe-server 3.15 gives its pppd no client MAC (no MACREMOTE for the hooks,
# no Calling-Station-Id in acd's accounting): the session's mac is empty.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_ac_need
command -v pppoe-server >/dev/null || skip "pppoe-server is not installed on the host (Debian: pppoe)"
need_modules ppp_generic pppoe veth bridge sch_tbf sch_ingress cls_u32 act_police act_mirred
modprobe ifb numifbs=0 || fail "modprobe ifb"

AC_IP=100.64.0.1
USERS=(alice bob carol dave)
declare -A PASS=([alice]=alice-pw [bob]=bob-pw [carol]=carol-pw [dave]=dave-pw)
declare -A FRAMED=([alice]=100.64.0.10 [bob]=100.64.0.11 [carol]=100.64.0.12)
# what each convention must come to, in bit/s (see the users file below)
declare -A WANT_DOWN=([alice]=12000000 [bob]=8000000 [carol]=4000000 [dave]=5500000)
declare -A WANT_UP=([alice]=6000000 [bob]=3000000 [carol]=2000000 [dave]=2500000)
declare -A SRC=([alice]="RP-Downstream-Speed-Limit,RP-Upstream-Speed-Limit"
	[bob]=Mikrotik-Rate-Limit [carol]="WISPr-Bandwidth-Max-Down,WISPr-Bandwidth-Max-Up" [dave]=Filter-Id)
# IFC: the session's interface on the AC; LL: the subscriber's IPv6
# link-local address on it (what ipv6-up gives acd), ACLL: the AC's
declare -A IFC MAC PID SUBPID LL ACLL

# ---- FreeRADIUS ------------------------------------------------------------------
step "FreeRADIUS on 127.0.0.1 in ns ac (conf/freeradius/, our users)"
netns_add ac
# one user per convention (dave has no IPv4: his session is IPv6-only)
radius_start ac "$(rate_users alice=100.64.0.10 bob=100.64.0.11 carol=100.64.0.12 dave)"
# acd's own accounting to a second FreeRADIUS: every Accounting-Request into
# a detail file, read back as JSON (tests/common/radius.sh)
(umask 077 && echo "acct-vm-secret" > "$W/acct.secret")
acct_raddb "$VM_WORK/raddb-acct"
ACD_RADIUS_SECRET=acct-vm-secret ACD_ACCT_PORT=1815 \
	ip netns exec ac freeradius -f -d "$VM_WORK/raddb-acct" -l stdout > "$VM_WORK/radius-acct.log" 2>&1 &
wait_until 30 listening ac udp 1815 ||
	fail "the accounting FreeRADIUS does not listen: $(tail -5 "$VM_WORK/radius-acct.log")"
# iid LL: the interface identifier of a link-local address as FreeRADIUS
# prints Framed-Interface-Id (four groups, no leading zeros)
iid() {
	local g=${1#fe80::} n
	n=$(awk -F: '{print NF}' <<<"$g")
	while [ "$n" -lt 4 ]; do g=0:$g; n=$((n + 1)); done
	printf '%s\n' "$g"
}
# acct_stop USER SID CAUSE RX TX [IID]: USER's Stop for SID, with CAUSE, at
# least the RX/TX bytes the kernel counted on the link before it ended, the
# IPv4 address RADIUS gave USER (if any) and the interface id IID (if given)
acct_stop() {
	local r ip=null iid=${6:-}
	[ -n "${FRAMED[$1]:-}" ] && ip="\"${FRAMED[$1]}\""
	r=$(wait_rec ".\"Acct-Status-Type\" == \"Stop\" and .\"Acct-Session-Id\" == \"$2\"" 10)
	jq_assert "$1's Stop" "$r" ".\"User-Name\" == \"$1\" and .\"Acct-Terminate-Cause\" == \"$3\" and
		(.\"Acct-Input-Octets\" | tonumber) >= $4 and (.\"Acct-Output-Octets\" | tonumber) >= $5 and
		(.\"Acct-Output-Octets\" | tonumber) > 1000000 and .\"Framed-IP-Address\" == $ip and
		(\"$iid\" == \"\" or .\"Framed-Interface-Id\" == \"$iid\")"
	result "$1 Stop: $3, in $(jq -r '."Acct-Input-Octets"' <<<"$r") out $(jq -r '."Acct-Output-Octets"' <<<"$r") bytes (kernel before the end: $4 / $5)"
}

# ---- acd -----------------------------------------------------------------------------
step "acd in ns ac (up-mode police), the hooks installed by cmake --install as an operator would"
# pppd's radattr.so always writes /var/run/radattr.IFNAME
(umask 077 && echo "coa-vm-secret" > "$W/coa.secret")
{
	echo "# written by tests/vm/guest/acd-pppoe.sh"
	acd_conf_head "$W" info /var/run
	cat <<EOF
[shaper]
# tbf and the policer, as this scenario measures them (profiles: vm.profiles)
profile = tbf
up-mode = police
[coa]
listen = 127.0.0.1:3799
client = 127.0.0.1 $W/coa.secret
[accounting]
server = 127.0.0.1:1815
secret-file = $W/acct.secret
EOF
} > "$W/acd.conf"
run "$ACD_BIN" -n -c "$W/acd.conf" >/dev/null || fail "acd -n rejects $W/acd.conf"
ACD_PID=
# start_acd: acd in ns ac, once it answers (tests/common/acd.sh)
start_acd() {
	ACD_START_WAIT=15 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec ac ||
		fail "acd does not answer on $ACD_SOCKET"
	[ "$(cat "/proc/$ACD_PID/comm")" = acd ] || fail "pid $ACD_PID is not acd"
	log "acd runs, pid $ACD_PID"
}
start_acd

hooks_install
radiusclient_conf "$W"

# ---- PPPoE -----------------------------------------------------------------------------
step "Debian's pppoe-server (a pppd and a user-space relay per session, radius.so + radattr.so)"
ip -n ac link add br-sub type bridge || fail "bridge"
ip -n ac link set br-sub up
secrets=()
for u in "${USERS[@]}"; do
	netns_add "s-$u"
	veth_pair ac "p-$u" "s-$u" eth0
	ip -n ac link set "p-$u" master br-sub || fail "p-$u into br-sub"
	MAC[$u]=$(ip -n "s-$u" -j link show dev eth0 | jq -r '.[0].address')
	secrets+=("$u" "${PASS[$u]}")
done
ppp_secrets "${secrets[@]}"     # the subscribers' side of PAP
# conf/pppoe-options adapted, as acd's AC reads it; mtu/mru for
# pppoe-server's pppd (acd gives its own on the command line)
ac_options "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40" "mtu 1492" "mru 1492"
pppoe_server_start ac br-sub "$AC_IP" 100.64.1.1 8 "$W/pppoe-options"

# ac_pppd_of USER: pid of the AC's pppd (pppoe-server names it "pppd")
# carrying USER's session: its pty command, pppoe-server's relay
# "pppoe -n -I br-sub -e SID:MAC ...", names the subscriber's MAC
ac_pppd_of() {
	ps -eo pid=,args= | awk -v m="${MAC[$1]}" \
		'$2 ~ /(^|\/)pppd$/ && $3 == "pty" &&
		 match(tolower($0), " -e [0-9]+:" m "( |$)") && !n++ {print $1}'
}
# link_ll NS IFACE: the link-local address of IFACE in NS (a subscriber's
# on its ppp0, the AC's on the session's interface)
link_ll() { ip -n "$1" -6 -j addr show dev "$2" scope link 2>/dev/null | jq -r '.[0].addr_info[0].local // empty'; }
# ll_iface LL: the AC interface with pppd's host route to the peer's
# link-local LL (pppd's ipv6-up spells LL fe80::xxxx:xxxx:xxxx:xxxx, with
# leading zeros: ip's canonical text is compared here)
ll_iface() { ip -n ac -6 -j route show | jq -r --arg ll "$1" 'first(.[] | select(.dst == $ll) | .dev)'; }
# dial USER [PPPD OPTION...]: the subscriber's pppd, dual-stack (with
# noip: IPv6 only); waits for IPv4 (unless noip) and IPv6CP on both ends,
# sets IFC/PID/LL/ACLL
dial() {
	local u=$1 t0 ip='' v4=1 o
	shift
	for o; do [ "$o" = noip ] && v4=0; done
	t0=$(vm_elapsed)
	sub_etc "s-$u"
	pppoe_client_start "s-$u" eth0 "$u" "$u" +ipv6 lcp-max-configure 40 "$@"
	SUBPID[$u]=$(cat "$VM_WORK/pppd-$u.pid")
	wait_until 60 eval '[ -n "$(link_ll "s-$u" ppp0)" ]' || fail "$u: IPv6CP gave s-$u/ppp0 no link-local address"
	LL[$u]=$(link_ll "s-$u" ppp0)
	if [ "$v4" = 1 ]; then
		ppp_wait "s-$u" ppp0 60
		ip=$(ppp_local_ip "s-$u" ppp0)
		[ "$ip" = "${FRAMED[$u]}" ] ||
			fail "$u got $ip, not RADIUS's Framed-IP-Address ${FRAMED[$u]} (radius.so not used?)"
		wait_until 10 eval '[ -n "$(ppp_iface_by_peer ac "$ip")" ]' || fail "no ppp interface on the AC for $ip"
		IFC[$u]=$(ppp_iface_by_peer ac "$ip")
	else
		wait_until 10 eval '[ -n "$(ll_iface "${LL[$u]}")" ]' ||
			fail "no route to $u's ${LL[$u]} on the AC: $(ip -n ac -6 route show)"
		IFC[$u]=$(ll_iface "${LL[$u]}")
	fi
	PID[$u]=$(ac_pppd_of "$u")
	[ -n "${PID[$u]}" ] || fail "no AC pppd for $u (MAC ${MAC[$u]}): $(ps -eo pid,args | grep '[p]ppd')"
	ACLL[$u]=$(link_ll ac "${IFC[$u]}")
	log "$u: session up in $(secs_since "$t0")s: s-$u/ppp0 ${ip:+$ip }${LL[$u]} <-> ac/${IFC[$u]} ${ACLL[$u]}, AC pppd ${PID[$u]}"
}
has_session() { ctl show session "$1" >/dev/null; }

step "alice and bob dial in"
for u in alice bob; do
	dial "$u"
	wait_until 10 has_session "$u" || fail "acd has no session for $u: $(tail -5 "$VM_WORK/ppp-ipupdown.log")"
	grep -q "PAP peer authentication succeeded for $u" "$VM_WORK/pppd-ac.log" ||
		fail "the AC's pppd log has no PAP success for $u"
	[ -s "/var/run/radattr.${IFC[$u]}" ] || fail "radattr.so wrote no /var/run/radattr.${IFC[$u]}"
	log "radattr.${IFC[$u]} ($u): $(tr '\n' ';' < "/var/run/radattr.${IFC[$u]}")"
	# the hook ran through Debian's wrapper and run-parts, with pppd's argv
	grep -q "^[0-9.]* /etc/ppp/ip-up ${IFC[$u]} .* $AC_IP ${FRAMED[$u]}" "$VM_WORK/ppp-ipupdown.log" ||
		fail "no /etc/ppp/ip-up run for ${IFC[$u]} in ppp-ipupdown.log: $(cat "$VM_WORK/ppp-ipupdown.log")"
	# and ipv6-up, with the link-local addresses, into the same session
	# (acd keeps them in canonical text, as ip prints them)
	wait_until 10 grep -q "^[0-9.]* /etc/ppp/ipv6-up ${IFC[$u]} " "$VM_WORK/ppp-ipupdown.log" ||
		fail "no /etc/ppp/ipv6-up run for ${IFC[$u]}: $(cat "$VM_WORK/ppp-ipupdown.log")"
	wait_until 10 eval '[ "$(ctl -j show session "${IFC[$u]}" | jq -r .ipv6)" = "${LL[$u]}" ]' ||
		fail "acd's session of $u has not the peer's link-local ${LL[$u]}: $(ctl -j show session "${IFC[$u]}")"
	result "$u dual-stack: ${IFC[$u]} ${FRAMED[$u]} and ${LL[$u]}, one session"
done

# ---- read-back helpers -----------------------------------------------------------------
# check_session USER [DOWN UP SOURCE OVERRIDE]: acd's record of USER's session
# is complete and shaped to DOWN/UP (default: the RADIUS rates)
check_session() {
	local u=$1 d=${2:-${WANT_DOWN[$1]}} up=${3:-${WANT_UP[$1]}} src=${4:-${SRC[$1]}} ov=${5:-false} s
	s=$(ctlj show session "${IFC[$u]}")
	jq_assert "acd's session of $u" "$s" "
		.ifname == \"${IFC[$u]}\" and .user == \"$u\" and .ip == \"${FRAMED[$u]}\" and
		.ipv6 == \"${LL[$u]}\" and
		.local_ip == \"$AC_IP\" and .mac == \"\" and
		.pppd_pid == ${PID[$u]} and .shaped == true and .source == \"$src\" and
		.down == $d and .up == $up and .override == $ov and
		.radius_down == ${WANT_DOWN[$u]} and .radius_up == ${WANT_UP[$u]} and
		.radius_source == \"${SRC[$u]}\" and .shape_error == \"\""
}
# check_table N USER...: show sessions has N sessions on distinct
# interfaces, among them USER's, shaped, with user and ip, no mac (pppd's
# pid is in show session only)
check_table() {
	local t u want=$1
	shift
	t=$(ctlj show sessions)
	jq_assert "show sessions: $want sessions, distinct interfaces" "$t" \
		"length == $want and (map(.ifname) | unique | length) == $want"
	for u in "$@"; do
		jq_assert "show sessions: $u" "$t" "any(.[]; .ifname == \"${IFC[$u]}\" and .user == \"$u\" and
			.ip == \"${FRAMED[$u]}\" and .mac == \"\" and .shaped == true)"
	done
}
check_tc() { tc_shaped ac "$@"; }

# meas WHAT USER down|up RATE LO HI: iperf3 through USER's session, within
# LO..HI times RATE (bit/s); up to three tries (a busy host), all reported.
# With MEAS_V6=1, over IPv6: to the AC's link-local address on the session
# (a second iperf3 server, on port 5202, listens on IPv6)
iperf_server ac "$AC_IP"
ip netns exec ac iperf3 -s -D -p 5202 -I "$VM_WORK/iperf3-ac6.pid" --logfile "$VM_WORK/iperf3-server-ac6.log" ||
	fail "iperf3 IPv6 server in ac"
wait_until 5 listening ac tcp 5202 || fail "iperf3 IPv6 server in ac is not listening"
meas() {
	local args=() srv=$AC_IP
	if [ "${MEAS_V6:-0}" = 1 ]; then
		srv=${ACLL[$2]}%ppp0
		args+=(-p 5202 -6)
	fi
	[ "$3" = down ] && args+=(-R)
	meas_rate "$1" "s-$2" "$srv" "$4" "$5" "$6" "${args[@]}"
}

# ---- RADIUS rates ----------------------------------------------------------------------
step "session table and tc against the RADIUS rates"
ctl show sessions
check_table 2 alice bob
for u in alice bob; do
	check_session "$u"
	check_tc "${IFC[$u]}" "${WANT_DOWN[$u]}" "${WANT_UP[$u]}" police
done
result "sessions: $(ctlj show sessions | jq -c '[.[] | {ifname, user, ip, mac, down, up, source, shaped}]')"
result "alice pppd $(ctlj show session alice | jq .pppd_pid), bob pppd $(ctlj show session bob | jq .pppd_pid) (AC pppd pids ${PID[alice]}, ${PID[bob]})"

step "traffic against the RADIUS rates"
for u in alice bob; do
	meas "$u down (${SRC[$u]%%,*} ${WANT_DOWN[$u]} bit/s)" "$u" down "${WANT_DOWN[$u]}" $DOWN_LO $DOWN_HI
	meas "$u up police (${WANT_UP[$u]} bit/s)" "$u" up "${WANT_UP[$u]}" $POL_LO $POL_HI
done
MEAS_V6=1 meas "alice up police over IPv6 (${WANT_UP[alice]} bit/s)" alice up "${WANT_UP[alice]}" $POL_LO $POL_HI

step "acd's accounting: one Start per session, with the session's facts"
declare -A SID
for u in alice bob; do
	SID[$u]=$(ctlj show session "${IFC[$u]}" | jq -r .acct_session_id)
	r=$(wait_rec ".\"Acct-Status-Type\" == \"Start\" and .\"Acct-Session-Id\" == \"${SID[$u]}\"" 10)
	jq_assert "$u's Start" "$r" ".\"User-Name\" == \"$u\" and
		.\"NAS-Port-Id\" == \"${IFC[$u]}\" and .\"Calling-Station-Id\" == null"
	# the Start has what the first of IPCP and IPv6CP brought; the second
	# followed at once as an Interim-Update: between them, both addresses
	for a in "Framed-IP-Address ${FRAMED[$u]}" "Framed-Interface-Id $(iid "${LL[$u]}")"; do
		r=$(wait_rec ".\"Acct-Session-Id\" == \"${SID[$u]}\" and .\"${a%% *}\" == \"${a#* }\" and
			(.\"Acct-Status-Type\" == \"Start\" or .\"Acct-Status-Type\" == \"Interim-Update\")" 10)
		result "$u: ${a%% *} ${a#* } in the $(jq -r '."Acct-Status-Type"' <<<"$r")"
	done
done

# ---- operator override ------------------------------------------------------------------
step "acdctl shaper set alice 2M 1M"
run ctl shaper set alice 2M 1M || fail "shaper set alice failed"
check_session alice 2000000 1000000 operator true
check_tc "${IFC[alice]}" 2000000 1000000 police
meas "alice down, override 2M" alice down 2000000 $DOWN_LO $DOWN_HI

# ---- acd killed; a session comes up meanwhile; restart ---------------------------------------
step "acd stuck (SIGSTOP): carol dials in; then kill -9 acd"
kill -STOP "$ACD_PID"
dial carol
# the hook gave up after its one second, said so, and pppd carried on
hook_fail="acdctl hook ip-up ${IFC[carol]}: acd at $ACD_SOCKET did not answer within 1000 ms; acd is busy: the session runs unshaped until acd adopts it"
wait_until 10 grep -qF "$hook_fail" "$VM_WORK/ppp-ipupdown.log" ||
	fail "no clear hook failure for ${IFC[carol]}: $(tail -5 "$VM_WORK/ppp-ipupdown.log")"
t_run=$(awk -v i="${IFC[carol]}" '$2 == "/etc/ppp/ip-up" && $3 == i {print $1; exit}' "$VM_WORK/ppp-ipupdown.log")
t_msg=$(grep -m1 -F "$hook_fail" "$VM_WORK/ppp-ipupdown.log" | awk '{print $1}')
hook_s=$(awk -v a="$t_run" -v b="$t_msg" 'BEGIN{printf "%.2f", b - a}')
result "ip-up hook with acd stuck: gave up after ${hook_s}s (run-parts included)"
awk -v d="$hook_s" 'BEGIN{exit !(d >= 0.9 && d <= 5)}' ||
	fail "the ip-up hook took ${hook_s}s with acd stuck, expected its 1 s timeout (0.9..5 with run-parts on a busy TCG guest)"
q=$(tc_json ac qdisc show dev "${IFC[carol]}")
jq_assert "carol unshaped while acd is stuck" "$q" 'all(.[]; .kind != "tbf")'
acd_stop KILL || fail "acd had exited before kill -9"
[ "$ACD_RC" = 137 ] || fail "acd after kill -9: status $ACD_RC"
rc=0
ctl show stat >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "acdctl with acd down: exit $rc, expected 3 (unreachable)"
check_tc "${IFC[alice]}" 2000000 1000000 police          # the kernel keeps it

step "restart acd: reconcile from ppp interfaces and radattr files"
t0=$(vm_elapsed)
start_acd
wait_until 10 eval '[ "$(ctl -j show sessions | jq length)" = 3 ]' ||
	fail "after restart: $(ctl -j show sessions)"
result "acd restart to 3 reconciled sessions: $(secs_since "$t0")s"
grep -q 'reconcile: 3 session(s) found' "$VM_WORK/acd.log" || fail "acd logged no 'reconcile: 3 session(s) found'"
ctl show sessions
kernel_ifs=$(ip -n ac -o link show | awk -F': ' '$2 ~ /^ppp/ {print $2}' | sort | tr '\n' ' ')
acd_ifs=$(ctlj show sessions | jq -r '.[].ifname' | sort | tr '\n' ' ')
[ "$kernel_ifs" = "$acd_ifs" ] || fail "acd's sessions ($acd_ifs) are not the ppp interfaces ($kernel_ifs)"
check_table 3 alice bob
check_session alice 2000000 1000000 operator true       # the override survived
check_tc "${IFC[alice]}" 2000000 1000000 police
check_session bob                                     # pid, mac, user from the state file
check_tc "${IFC[bob]}" "${WANT_DOWN[bob]}" "${WANT_UP[bob]}" police
# carol: no hook ever reached acd; her rates come from radattr alone
s=$(ctlj show session "${IFC[carol]}")
log "carol, reconciled without a hook: $(jq -c . <<<"$s")"
# (her name too: FreeRADIUS returns User-Name, radattr.so writes it)
# (her peer link-local from pppd's host route: her ipv6-up hook failed too)
jq_assert "carol reconciled from radattr.${IFC[carol]}" "$s" "
	.user == \"carol\" and .ipv6 == \"${LL[carol]}\" and .shaped == true and .down == ${WANT_DOWN[carol]} and .up == ${WANT_UP[carol]} and
	.source == \"${SRC[carol]}\" and .override == false"
check_tc "${IFC[carol]}" "${WANT_DOWN[carol]}" "${WANT_UP[carol]}" police
result "carol after reconcile: $(jq -c '{ifname, user, ip, ipv6, mac, pppd_pid, down, up, source}' <<<"$s")"
meas "carol down (WISPr ${WANT_DOWN[carol]} bit/s, reconciled)" carol down "${WANT_DOWN[carol]}" $DOWN_LO $DOWN_HI
meas "carol up police (${WANT_UP[carol]} bit/s, reconciled)" carol up "${WANT_UP[carol]}" $POL_LO $POL_HI
meas "alice down, override 2M after restart" alice down 2000000 $DOWN_LO $DOWN_HI

for u in alice bob; do
	n=$(rec ".\"Acct-Status-Type\" == \"Start\" and .\"Acct-Session-Id\" == \"${SID[$u]}\"" | jq length)
	[ "$n" = 1 ] || fail "$n Starts for $u's session after acd's kill -9 and restart, expected 1"
done
SID[carol]=$(jq -r .acct_session_id <<<"$s")
r=$(wait_rec ".\"Acct-Status-Type\" == \"Start\" and .\"Acct-Session-Id\" == \"${SID[carol]}\"" 10)
jq_assert "carol's Start (reconciled)" "$r" ".\"User-Name\" == \"carol\" and .\"NAS-Port-Id\" == \"${IFC[carol]}\""

step "acdctl shaper restore alice"
run ctl shaper restore alice || fail "shaper restore alice failed"
check_session alice
check_tc "${IFC[alice]}" "${WANT_DOWN[alice]}" "${WANT_UP[alice]}" police
meas "alice down, restored to RADIUS 12M" alice down "${WANT_DOWN[alice]}" $DOWN_LO $DOWN_HI

# ---- up-mode ifb by reload ----------------------------------------------------------------
step "reload with up-mode = ifb: every session's upload through an IFB"
sed -i 's/^up-mode = police$/up-mode = ifb/' "$W/acd.conf"
grep -q '^up-mode = ifb$' "$W/acd.conf" || fail "config edit"
run ctl reload || fail "acdctl reload failed"
for u in alice bob carol; do
	check_tc "${IFC[$u]}" "${WANT_DOWN[$u]}" "${WANT_UP[$u]}" ifb
done
nifb=$(ip -n ac -o link show type ifb | wc -l)
[ "$nifb" = 3 ] || fail "after reload: $nifb IFB devices, expected 3"
check_session bob
meas "bob up ifb (Mikrotik rx ${WANT_UP[bob]} bit/s)" bob up "${WANT_UP[bob]}" $DOWN_LO $DOWN_HI

# ---- ends of sessions ------------------------------------------------------------------
step "acdctl terminate bob: SIGTERM to his pppd, ip-down"
read -r krx ktx < <(link_bytes ac "${IFC[bob]}")
v0=$(ctlj show stat | jq .sessions_vanished)
j=$(ctlj terminate bob)
jq_assert "terminate bob" "$j" ".ifname == \"${IFC[bob]}\" and .pppd_pid == ${PID[bob]}"
t0=$(vm_elapsed)
wait_until 15 gone "${PID[bob]}" || fail "bob's AC pppd ${PID[bob]} still runs after terminate"
wait_until 15 eval '! has_session "${IFC[bob]}"' || fail "acd still has ${IFC[bob]} after terminate"
result "terminate bob -> session gone: $(secs_since "$t0")s"
# ended by its ip-down hook (not as vanished after the grace time), with
# the operator's cause (ip-down before acd recorded terminate causes)
grep -qE "sess=${IFC[bob]} user=bob event=down cause=(admin-reset|ip-down|ipv6-down)$" "$VM_WORK/acd.log" ||
	fail "acd did not end ${IFC[bob]}: $(grep "sess=${IFC[bob]} " "$VM_WORK/acd.log" | tail -5)"
for ev in ip-down ipv6-down; do
	wait_until 5 grep -q "^[0-9.]* /etc/ppp/$ev ${IFC[bob]} " "$VM_WORK/ppp-ipupdown.log" ||
		fail "$ev did not run for ${IFC[bob]}"
done
sleep 1   # the hook's own output, if any, follows its run line
# (the one that came first leaves the session to the other)
grep -E "acdctl hook ipv6?-down ${IFC[bob]}:" "$VM_WORK/ppp-ipupdown.log" &&
	fail "an ip-down/ipv6-down hook of ${IFC[bob]} was refused or failed (see above)"
grep -q "sess=${IFC[bob]} .*event=vanished" "$VM_WORK/acd.log" && fail "${IFC[bob]} ended as vanished, not by ip-down"
jq_assert "show stat: terminate is not a vanished session" "$(ctlj show stat)" ".sessions_vanished == $v0"
[ -z "$(ip -n ac -o link show dev "ifb-${IFC[bob]}" 2>/dev/null)" ] || fail "ifb-${IFC[bob]} left after terminate"
ip -n ac link show dev "${IFC[bob]}" >/dev/null 2>&1 && fail "${IFC[bob]} still exists"
[ -e "/var/run/radattr.${IFC[bob]}" ] && fail "radattr.${IFC[bob]} left by a cleanly ended pppd"
wait_until 15 gone "${SUBPID[bob]}" || fail "bob's own pppd did not notice the end"
check_table 2 alice
jq_assert "bob's session gone" "$(ctlj show sessions)" "all(.[]; .ifname != \"${IFC[bob]}\")"
acct_stop bob "${SID[bob]}" Admin-Reset "$krx" "$ktx" "$(iid "${LL[bob]}")"

# ---- RADIUS CoA and Disconnect (RFC 5176) from radclient -------------------------------------
step "bob dials again; RADIUS CoA-Request: his download 8M -> 5M; Disconnect-Request ends him"
command -v radclient >/dev/null || fail "radclient not found (freeradius-utils)"
dial bob
wait_until 10 has_session bob || fail "acd has no session for bob after he dialled again"
# coa TYPE ATTRS...: radclient in ns ac against acd's [coa]; its exit status
coa() {
	local type=$1
	shift
	printf '%s\n' "$@" | ip netns exec ac timeout 15 radclient -x -r 2 -t 2 -S "$W/coa.secret" \
		127.0.0.1:3799 "$type" >> "$VM_WORK/radclient.log" 2>&1
}
coa coa 'User-Name = "bob"' 'Mikrotik-Rate-Limit = "3M/5M"' "Event-Timestamp = $(date +%s)" ||
	fail "acd did not ACK the CoA for bob: $(tail -20 "$VM_WORK/radclient.log")"
grep -q "CoA-ACK" "$VM_WORK/radclient.log" || fail "no CoA-ACK in radclient's output"
jq_assert "bob after CoA" "$(ctlj show session bob)" \
	'.down == 5000000 and .up == 3000000 and .coa == true and .source == "coa:Mikrotik-Rate-Limit"'
check_tc "${IFC[bob]}" 5000000 3000000 ifb
meas "bob down after CoA (Mikrotik 5000000 bit/s)" bob down 5000000 $DOWN_LO $DOWN_HI
PID[bob]=$(ac_pppd_of bob)
SID[bob]=$(ctlj show session bob | jq -r .acct_session_id)
read -r krx ktx < <(link_bytes ac "${IFC[bob]}")
t0=$(vm_elapsed)
coa disconnect "Framed-IP-Address = ${FRAMED[bob]}" 'Message-Authenticator = 0x00' ||
	fail "acd did not ACK the Disconnect for bob: $(tail -20 "$VM_WORK/radclient.log")"
grep -q "Disconnect-ACK" "$VM_WORK/radclient.log" || fail "no Disconnect-ACK in radclient's output"
wait_until 15 gone "${PID[bob]}" || fail "bob's AC pppd ${PID[bob]} still runs after Disconnect"
wait_until 15 eval '! has_session "${IFC[bob]}"' || fail "acd still has ${IFC[bob]} after Disconnect"
result "Disconnect-Request bob -> pppd gone, session ended: $(secs_since "$t0")s"
grep -q "sess=${IFC[bob]} user=bob event=down cause=disconnect-request" "$VM_WORK/acd.log" ||
	fail "${IFC[bob]} did not end with cause disconnect-request: $(grep "sess=${IFC[bob]} " "$VM_WORK/acd.log" | tail -3)"
[ -z "$(ip -n ac -o link show dev "ifb-${IFC[bob]}" 2>/dev/null)" ] || fail "ifb-${IFC[bob]} left after Disconnect"
wait_until 15 gone "${SUBPID[bob]}" || fail "bob's own pppd did not notice the Disconnect"
jq_assert "show stat: CoA counters" "$(ctlj show stat)" '.coa.acks == 2 and .coa.naks == 0'
acct_stop bob "${SID[bob]}" Admin-Reset "$krx" "$ktx" "$(iid "${LL[bob]}")"

step "kill -9 carol's AC pppd: her interface vanishes, acd ends the session"
PID[carol]=$(ac_pppd_of carol)
read -r krx ktx < <(link_bytes ac "${IFC[carol]}")
v0=$(ctlj show stat | jq .sessions_vanished)
t0=$(vm_elapsed)
kill -9 "${PID[carol]}" || fail "kill -9 ${PID[carol]}"
wait_until 10 eval '! ip -n ac link show dev "${IFC[carol]}" >/dev/null 2>&1' ||
	fail "${IFC[carol]} still exists after its pppd was killed"
wait_until 10 eval '[ -z "$(ip -n ac -o link show dev "ifb-${IFC[carol]}" 2>/dev/null)" ]' ||
	fail "acd did not remove ifb-${IFC[carol]} when ${IFC[carol]} went"
result "kill -9 pppd -> IFB removed: $(secs_since "$t0")s"
wait_until 20 eval '! has_session "${IFC[carol]}"' || fail "acd still has ${IFC[carol]}"
result "kill -9 pppd -> session ended: $(secs_since "$t0")s"
grep -q "sess=${IFC[carol]} .*event=vanished" "$VM_WORK/acd.log" || fail "acd logged no vanished for ${IFC[carol]}"
jq_assert "show stat: one more vanished session" "$(ctlj show stat)" ".sessions_vanished == $v0 + 1"
kill "${SUBPID[carol]}" 2>/dev/null || true # her own pppd would wait 30 s for LCP echoes
# the counters of a vanished link come from the kernel's RTM_DELLINK
acct_stop carol "${SID[carol]}" NAS-Error "$krx" "$ktx"
grep -q "sess=${IFC[carol]} .*event=counters-lost" "$VM_WORK/acd.log" && fail "acd lost ${IFC[carol]}'s last counters"
[ "$(ip -n ac -o link show type ifb | wc -l)" = 1 ] || fail "IFBs left: $(ip -n ac -o link show type ifb)"

step "dave dials in IPv6-only (his pppd refuses IPCP): ipv6-up alone starts his session"
n0=$(wc -l < "$VM_WORK/ppp-ipupdown.log") a0=$(wc -l < "$VM_WORK/acd.log")
dial dave noip
# the hook runs and acd's log lines of dave's session (interface names are
# reused: bob had the one dave gets)
since_dial() { tail -n +$((n0 + 1)) "$VM_WORK/ppp-ipupdown.log"; }
acd_since_dial() { tail -n +$((a0 + 1)) "$VM_WORK/acd.log"; }
wait_until 10 eval 'since_dial | grep -q "^[0-9.]* /etc/ppp/ipv6-up ${IFC[dave]} "' ||
	fail "no /etc/ppp/ipv6-up run for ${IFC[dave]}: $(since_dial)"
# no IPCP, so no ip-up: the session is ipv6-up's
since_dial | grep "^[0-9.]* /etc/ppp/ip-up ${IFC[dave]} " &&
	fail "ip-up ran for ${IFC[dave]}, whose subscriber refused IPCP"
wait_until 10 has_session dave || fail "acd has no session for dave: $(tail -5 "$VM_WORK/ppp-ipupdown.log")"
s=$(ctlj show session "${LL[dave]}")
jq_assert "acd's IPv6-only session of dave (found by its link-local)" "$s" "
	.ifname == \"${IFC[dave]}\" and .user == \"dave\" and .ip == \"\" and .ipv6 == \"${LL[dave]}\" and
	.mac == \"\" and .pppd_pid == ${PID[dave]} and .shaped == true and
	.source == \"${SRC[dave]}\" and .down == ${WANT_DOWN[dave]} and .up == ${WANT_UP[dave]}"
check_tc "${IFC[dave]}" "${WANT_DOWN[dave]}" "${WANT_UP[dave]}" ifb
result "dave: $(jq -c '{ifname, user, ip, ipv6, down, up, source}' <<<"$s")"
MEAS_V6=1 meas "dave down over IPv6 (Filter-Id ${WANT_DOWN[dave]} bit/s)" dave down "${WANT_DOWN[dave]}" $DOWN_LO $DOWN_HI
MEAS_V6=1 meas "dave up ifb over IPv6 (Filter-Id ${WANT_UP[dave]} bit/s)" dave up "${WANT_UP[dave]}" $DOWN_LO $DOWN_HI
SID[dave]=$(jq -r .acct_session_id <<<"$s")
r=$(wait_rec ".\"Acct-Status-Type\" == \"Start\" and .\"Acct-Session-Id\" == \"${SID[dave]}\"" 10)
jq_assert "dave's Start (no IPv4 address)" "$r" ".\"User-Name\" == \"dave\" and .\"NAS-Port-Id\" == \"${IFC[dave]}\" and
	.\"Framed-IP-Address\" == null and .\"Framed-Interface-Id\" == \"$(iid "${LL[dave]}")\""
read -r krx ktx < <(link_bytes ac "${IFC[dave]}")
run ctl terminate dave >/dev/null || fail "terminate dave failed"
wait_until 15 eval '! has_session "${IFC[dave]}"' || fail "acd still has ${IFC[dave]} after terminate"
wait_until 5 eval 'since_dial | grep -q "^[0-9.]* /etc/ppp/ipv6-down ${IFC[dave]} "' ||
	fail "ipv6-down did not run for ${IFC[dave]}"
acd_since_dial | grep -qE "sess=${IFC[dave]} user=dave event=down cause=(admin-reset|ipv6-down)$" ||
	fail "acd did not end ${IFC[dave]} by ipv6-down: $(acd_since_dial | grep "sess=${IFC[dave]} " | tail -5)"
acd_since_dial | grep -q "sess=${IFC[dave]} .*event=vanished" && fail "${IFC[dave]} ended as vanished, not by ipv6-down"
[ -z "$(ip -n ac -o link show dev "ifb-${IFC[dave]}" 2>/dev/null)" ] || fail "ifb-${IFC[dave]} left after terminate"
acct_stop dave "${SID[dave]}" Admin-Reset "$krx" "$ktx" "$(iid "${LL[dave]}")"
wait_until 15 gone "${SUBPID[dave]}" || fail "dave's own pppd did not notice the end"

step "SIGTERM to acd: alice stays shaped"
acd_stop TERM || fail "acd had exited before SIGTERM"
[ "$ACD_RC" = 0 ] || fail "acd exited with $ACD_RC on SIGTERM"
grep -q 'exiting; 1 session(s) stay shaped' "$VM_WORK/acd.log" || fail "acd did not log its clean exit"
check_tc "${IFC[alice]}" "${WANT_DOWN[alice]}" "${WANT_UP[alice]}" ifb
meas "alice up ifb after acd exited (${WANT_UP[alice]} bit/s)" alice up "${WANT_UP[alice]}" $DOWN_LO $DOWN_HI
meas "alice down after acd exited (${WANT_DOWN[alice]} bit/s)" alice down "${WANT_DOWN[alice]}" $DOWN_LO $DOWN_HI
[ -s "$W/state/sessions.json" ] || fail "no state file $W/state/sessions.json"
pass
