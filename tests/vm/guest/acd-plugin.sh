#!/bin/bash
# acd-plugin.sh - acd.so, acd's pppd plugin, with real pppd: Debian's
# pppoe-server whose pppds load radius.so and acd.so (built under test, by
# path) and neither radattr.so nor any hook, so acd learns each session
# only from the plugin, and its RADIUS attributes only from memory:
#   1. alice (RP-Downstream/Upstream-Speed-Limit) comes up: acd shapes her
#      from RADIUS (12M down, 6M up police, read back from tc) with no
#      radattr file anywhere, show session says via "plugin";
#   2. acd stopped (SIGTERM), bob (Mikrotik-Rate-Limit 3M/8M) dials: his
#      session comes up as fast as alice's did (the plugin's connect fails
#      at once), his pppd says acd is away; acd started again: bob's event,
#      queued in his pppd, is delivered and he is shaped from RADIUS
#      (8M/3M), and alice keeps her RADIUS policy across the restart (the
#      state file holds her attributes: there is no radattr file);
#   3. alice hangs up: her ip-down by the plugin ends her session;
#   4. acd as the access concentrator ([pppoe] acd-plugin = the built
#      acd.so): carol (WISPr) dials acd itself; the pppd acd starts for her
#      loads acd.so last with acd's socket, and she is shaped from RADIUS by
#      the plugin's event, whose PPPoE session id is her discovery's.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_ac_need
command -v pppoe-server >/dev/null || skip "pppoe-server is not installed on the host (Debian: pppoe)"
PLUGIN=$ACD_BUILD_DIR/pppd-plugin/acd.so
if [ ! -f "$PLUGIN" ]; then
	[ -f /usr/include/pppd/pppd.h ] &&
		fail "$PLUGIN is not built, though pppd's headers are there: build the target acd_pppd_plugin"
	skip "acd.so is not built: no pppd plugin headers (Debian: ppp-dev)"
fi
need_modules ppp_generic pppoe veth bridge sch_tbf sch_ingress cls_u32 act_police

AC_IP=100.64.0.1
declare -A IP=([alice]=100.64.0.10 [bob]=100.64.0.11 [carol]=100.64.0.12)
declare -A DOWN=([alice]=12000000 [bob]=8000000 [carol]=4000000)
declare -A UP=([alice]=6000000 [bob]=3000000 [carol]=2000000)
declare -A SRC=([alice]="RP-Downstream-Speed-Limit,RP-Upstream-Speed-Limit" [bob]=Mikrotik-Rate-Limit
	[carol]="WISPr-Bandwidth-Max-Down,WISPr-Bandwidth-Max-Up")
declare -A DIAL_S

step "FreeRADIUS in ns ac: alice by RP kbit/s, bob by Mikrotik rx/tx, carol by WISPr bit/s"
netns_add ac
radius_start ac "$(rate_users alice="${IP[alice]}" bob="${IP[bob]}" carol="${IP[carol]}")"
radiusclient_conf "$W"

step "acd in ns ac: tbf down, police up; no hooks anywhere"
{
	echo "# written by tests/vm/guest/acd-plugin.sh"
	acd_conf_head "$W" info /var/run
	printf '[shaper]\nprofile = tbf\nup-mode = police\n'
} > "$W/acd.conf"
run "$ACD_BIN" -n -c "$W/acd.conf" >/dev/null || fail "acd -n rejects $W/acd.conf"
start_acd() {
	ACD_START_WAIT=15 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec ac ||
		fail "acd does not answer on $ACD_SOCKET: $(tail -5 "$VM_WORK/acd.log")"
	[ "$(cat "/proc/$ACD_PID/comm")" = acd ] || fail "pid $ACD_PID is not acd"
	log "acd runs, pid $ACD_PID"
}
start_acd
# the guest's /etc is the host's under a tmpfs overlay: whatever hooks the
# host has for acd go, so that an event can only have come by the plugin
rm -f /etc/ppp/ip-up.d/acd /etc/ppp/ip-down.d/acd /etc/ppp/ipv6-up.d/acd /etc/ppp/ipv6-down.d/acd

step "pppoe-server: its pppds load radius.so and acd.so, not radattr.so"
ip -n ac link add br-sub type bridge || fail "bridge"
ip -n ac link set br-sub up
for u in alice bob; do
	netns_add "s-$u"
	veth_pair ac "p-$u" "s-$u" eth0
	ip -n ac link set "p-$u" master br-sub || fail "p-$u into br-sub"
done
ppp_secrets alice alice-pw bob bob-pw carol carol-pw
# acd-retry 2: a restarted acd gets the queued events within 2 s
ac_options "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40" "mtu 1492" "mru 1492" \
	"plugin $PLUGIN" "acd-socket $ACD_SOCKET" "acd-timeout 500" "acd-retry 2"
sed -i '/^plugin radattr\.so$/d' "$W/pppoe-options"
grep -q '^plugin radius\.so$' "$W/pppoe-options" || fail "pppoe-options lost radius.so"
grep -q '^plugin radattr' "$W/pppoe-options" && fail "radattr.so is still in $W/pppoe-options"
pppoe_server_start ac br-sub "$AC_IP" 100.64.1.1 8 "$W/pppoe-options"

# dial USER: the subscriber's pppd, until IPCP is up on its side; its time
dial() {
	local u=$1 t0
	t0=$(vm_elapsed)
	sub_etc "s-$u"
	pppoe_client_start "s-$u" eth0 "$u" "$u" lcp-max-configure 40
	ppp_wait "s-$u" ppp0 60
	[ "$(ppp_local_ip "s-$u" ppp0)" = "${IP[$u]}" ] ||
		fail "$u got $(ppp_local_ip "s-$u" ppp0), not RADIUS's ${IP[$u]}"
	DIAL_S[$u]=$(secs_since "$t0")
	result "$u dial (PADI to IPCP up): ${DIAL_S[$u]} s"
}
# shaped_from_radius USER: acd's session for USER has RADIUS's rates
# applied, by acd.so's attributes, and tc shows them on its interface
sess_json() { "$ACDCTL" -s "$ACD_SOCKET" -j show session "$1" 2>/dev/null; }
radius_applied() {
	local j
	j=$(sess_json "${IP[$1]}") || return 1
	jq -e --arg src "${SRC[$1]}" ".radius_down == ${DOWN[$1]} and .radius_up == ${UP[$1]} and
		.radius_source == \$src and .shaped == true" <<<"$j" >/dev/null
}
shaped_from_radius() {
	local u=$1 j ifc
	wait_until 20 radius_applied "$u" ||
		fail "$u: not shaped from RADIUS within 20 s: $(sess_json "${IP[$u]}")"
	j=$(ctlj show session "${IP[$u]}")
	jq_assert "$u: the session by the plugin" "$j" \
		".user == \"$u\" and .via == \"plugin\" and .down == ${DOWN[$u]} and .up == ${UP[$u]} and
		 .pppd_pid > 1"
	ifc=$(jq -r .ifname <<<"$j")
	tc_shaped ac "$ifc" "${DOWN[$u]}" "${UP[$u]}" police
	log "$u: $ifc shaped ${DOWN[$u]}/${UP[$u]} from ${SRC[$u]}, via the plugin"
}
no_radattr() {
	local f
	f=$(compgen -G '/var/run/radattr.*' || true)
	[ -z "$f" ] || fail "a radattr file exists ($f): radattr.so is not loaded, so not by this test"
}

step "alice: acd learns her session and her RADIUS attributes from acd.so only"
dial alice
shaped_from_radius alice
no_radattr
jq_assert "show stat: one path" "$(ctlj show stat)" \
	'.events.plugin >= 1 and .events.hook == 0 and .hook_errors == 0'
grep -q 'cannot reach acd' "$VM_WORK/pppd-ac.log" && fail "pppd says acd was unreachable while it ran"

step "acd stopped; bob dials; acd started: bob's queued event is delivered"
acd_stop TERM || fail "acd had exited before SIGTERM"
dial bob
wait_until 10 grep -q 'acd: cannot reach acd' "$VM_WORK/pppd-ac.log" ||
	fail "bob's pppd does not say acd is away: $(tail -5 "$VM_WORK/pppd-ac.log")"
# the plugin's connect to a stopped acd fails at once: pppd's own timing
# is not acd's (a band, not equality: TCG's timing wanders)
awk -v a="${DIAL_S[alice]}" -v b="${DIAL_S[bob]}" 'BEGIN { exit !(b <= a + 3) }' ||
	fail "bob's dial took ${DIAL_S[bob]} s with acd away, alice's ${DIAL_S[alice]} s with acd up"
start_acd
shaped_from_radius bob
wait_until 10 grep -q 'acd: acd reached again' "$VM_WORK/pppd-ac.log" ||
	fail "bob's pppd does not say it reached acd again"
# alice came back from the state file, with her attributes
shaped_from_radius alice
no_radattr
jq_assert "two sessions" "$(ctlj show sessions)" 'length == 2'

step "alice hangs up: the plugin's ip-down ends her session"
kill "$(cat "$VM_WORK/pppd-alice.pid")" || fail "alice's pppd is gone already"
# shellcheck disable=SC2016 # eval expands it
wait_until 20 eval '! sess_json "${IP[alice]}" >/dev/null' ||
	fail "alice's session is still in acd: $(sess_json "${IP[alice]}")"
jq_assert "bob's stays" "$(ctlj show sessions)" "length == 1 and .[0].user == \"bob\""
grep -q 'sess=[^ ]* user=alice event=down cause=ip-down' "$VM_WORK/acd.log" ||
	fail "acd's log has no ip-down for alice: $(grep alice "$VM_WORK/acd.log" | tail -3)"

step "acd as the AC: its pppd loads acd.so ([pppoe] acd-plugin), carol dials acd"
acd_stop TERM || fail "acd had exited before SIGTERM"
mkdir -p "$W/ac"
radiusclient_conf "$W/ac"
# conf/pppoe-options as shipped, but radattr.so: acd gives acd.so itself
ac_options "$W/ac" "$VM_WORK/pppd-acd-ac.log" "lcp-max-configure 40"
sed -i '/^plugin radattr\.so$/d' "$W/ac/pppoe-options"
grep -Eq '^plugin .*acd\.so$' "$W/ac/pppoe-options" && fail "$W/ac/pppoe-options loads acd.so: acd must add it"
netns_add s-carol
veth_pair ac eth-ac0 s-carol eth0
ac_start ac "$W/ac/pppoe-options" eth-ac0 "acd-plugin = $PLUGIN" \
	"[shaper]" "profile = tbf" "up-mode = police"
dial carol
shaped_from_radius carol
j=$(ctlj show session "${IP[carol]}")
jq_assert "carol: acd's discovery and the plugin's session id agree" "$j" \
	'.pppoe.sid >= 1 and .pppoe_sid == .pppoe.sid'
pid=$(jq -r .pppd_pid <<<"$j")
args=$(tr '\0' ' ' < "/proc/$pid/cmdline")
[[ $args == *" plugin $PLUGIN acd-socket $ACD_SOCKET " ]] ||
	fail "carol's pppd (pid $pid) does not end its argv with acd.so and acd's socket: $args"
[ "$(awk '{print $4}' "/proc/$pid/stat")" = "$ACD_PID" ] || fail "carol's pppd $pid is not acd's child"
no_radattr
grep -q 'acd: cannot reach acd' "$VM_WORK/pppd-acd-ac.log" && fail "carol's pppd could not reach acd"
jq_assert "bob's session lives on beside acd's own" "$(ctlj show sessions)" 'length == 2'
pass
