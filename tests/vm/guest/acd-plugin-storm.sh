#!/bin/bash
# acd-plugin-storm.sh - acd.so, acd's pppd plugin, when acd is away: real
# pppd sessions, RADIUS (FreeRADIUS, one user per client with its address
# and its own RP-Downstream/Upstream-Speed-Limit), tbf down and police up,
# and no radattr.so and no hook anywhere, so that acd learns a session only
# from acd.so and its rates only from the attributes acd.so sends.
#
#   1. pppd's own timing while acd is down: Debian's pppoe-server (its
#      pppds load acd.so with acd-timeout 3000, so that a plugin that
#      waited for acd would cost 3 s) answers clients r1..r8 one at a time,
#      r1, r4, r5, r8 with acd running, the others with acd stopped
#      (SIGTERM; r0 warms up).  Per session, on the guest's
#      /proc/uptime clock: the AC's pppd from its start (/proc/PID/stat) to
#      its ip-up script, which pppd runs after its ip-up notifiers, acd.so's
#      among them; and the client from its start to its ip-up.  The medians
#      with acd down must not exceed those with acd up by more than 1.5 s;
#      the sessions that came up while acd was down reach it when it is back.
#   2. kill -9 during a storm: N clients (ACD_VM_STORM_N, 24) dial acd's
#      own AC ([pppoe], one kernel-mode pppd per session with acd.so) at one
#      moment.  acd is killed (kill -9) twice, each time started again 2 s
#      later with the same config and state directory: early, once it has
#      started half of the pppds (in discovery when the guest keeps up:
#      PADSs waiting for their pppds' sockets), and as soon as the
#      restarted acd has taken a session from acd.so (acd.so's queued
#      events and the sessions coming up meet it).  Then every session is
#      known to acd once (no interface, address or PPPoE session id
#      twice), its user's, via "plugin", at its RADIUS rates, read back
#      from tc; every pppd the killed acds had started runs on, adopted
#      (show pppoe counts it, no new acd's child); no PADT for a live
#      session (the new acd sent none, and no client's session went down:
#      one ip-up each, no ip-down).  Measured: how long after the last
#      restart acd had every session that was up at the restart, and all
#      N.  The clients run with persist: one whose discovery a kill cut
#      dials again.
#   3. kill -9 again; 4 clients hang up while acd is dead; acd started: their
#      sessions are gone from acd, the others are all there, still shaped,
#      and again no PADT.
#
# A session acd answered acd.so for but lost to a kill -9 (LOST) fails
# the scenario, after every other check.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

acd_ac_need
command -v pppoe-server >/dev/null || skip "pppoe-server is not installed on the host (Debian: pppoe)"
command -v flock >/dev/null || skip "flock is not installed on the host (Debian: util-linux)"
PLUGIN=$ACD_BUILD_DIR/pppd-plugin/acd.so
if [ ! -f "$PLUGIN" ]; then
	[ -f /usr/include/pppd/pppd.h ] &&
		fail "$PLUGIN is not built, though pppd's headers are there: build the target acd_pppd_plugin"
	skip "acd.so is not built: no pppd plugin headers (Debian: ppp-dev)"
fi
need_modules ppp_generic pppoe veth bridge sch_tbf sch_ingress cls_u32 act_police

N=${ACD_VM_STORM_N:-24}
if [[ ! $N =~ ^[0-9]+$ ]] || ((N < 5 || N > 200)); then
	fail "ACD_VM_STORM_N=\"$N\": give 5 to 200 clients"
fi
NR=9                   # pppoe-server's clients: r0 warms up, r1..r8 are measured
MARGIN=1.5             # s: with acd down, pppd's median may be this much slower
HANGUP=4               # clients that hang up while acd is dead (part 3)
B=$VM_WORK/storm
CLI_LOGS=$VM_OUT/clients
mkdir -p "$B/ready" "$CLI_LOGS"
AC_IP=100.64.0.1
RP_SRC="RP-Downstream-Speed-Limit,RP-Upstream-Speed-Limit"
# each subscriber its address and rates (kbit/s in RADIUS, bit/s here): no
# two alike, so that a session shaped with another's attributes shows
declare -A IP DOWN UP
users=()
for ((i = 0; i < N; i++)); do
	IP[s$i]=100.64.1.$((10 + i)) DOWN[s$i]=$(((2000 + 100 * i) * 1000)) UP[s$i]=$(((1000 + 50 * i) * 1000))
	users+=("s$i")
done
for ((i = 0; i < NR; i++)); do
	IP[r$i]=100.64.2.$((10 + i)) DOWN[r$i]=$(((3000 + 100 * i) * 1000)) UP[r$i]=$(((1500 + 50 * i) * 1000))
	users+=("r$i")
done

step "topology: ns ac; $N clients s0.. on br-sub (acd's AC), $NR clients r0.. on br-rp (pppoe-server)"
netns_add ac
bridge_clients ac br-sub "$N" s p
bridge_clients ac br-rp "$NR" r q

step "FreeRADIUS: ${#users[@]} users, each with its address and RP rates"
radius_start ac "$(for u in "${users[@]}"; do
	printf '%s\tCleartext-Password := "%s-pw"\n\tService-Type = Framed-User,\n\tFramed-Protocol = PPP,\n' "$u" "$u"
	printf '\tFramed-IP-Address = %s,\n\tRP-Downstream-Speed-Limit = %d,\n\tRP-Upstream-Speed-Limit = %d\n\n' \
		"${IP[$u]}" $((DOWN[$u] / 1000)) $((UP[$u] / 1000))
done; printf 'DEFAULT\tAuth-Type := Reject\n')"
secrets=()
for u in "${users[@]}"; do secrets+=("$u" "$u-pw"); done
ppp_secrets "${secrets[@]}"
# the guest's /etc is the host's under a tmpfs overlay: whatever hooks the
# host has for acd go, so that an event can only have come by the plugin
rm -f /etc/ppp/ip-up.d/acd /etc/ppp/ip-down.d/acd /etc/ppp/ipv6-up.d/acd /etc/ppp/ipv6-down.d/acd

# The clients: pppd with pppoe.so; its start, ip-up and ip-down stamped on
# the guest's clock (no fork).  A client made ready waits for the gate (a
# lock the scenario holds) when given one, so that all start at once.
# persist: a client whose discovery acd's kill cut dials again.
# (the times in $VM_WORK/*.log: kept on failure)
T_START=$VM_WORK/times-start.log T_UP=$VM_WORK/times-up.log T_DOWN=$VM_WORK/times-down.log
T_AC=$VM_WORK/times-ac-up.log
cat > "$B/client" <<EOF
#!/bin/sh
# client USER [GATE]
: > $B/ready/\$1
[ -z "\$2" ] || flock -s "\$2" true
read -r t rest < /proc/uptime
echo "\$1 \$t" >> $T_START
exec pppd plugin rp-pppoe.so nic-eth0 rp_pppoe_service isp user "\$1" \\
	noauth noipdefault noipv6 mtu 1492 mru 1492 lcp-max-configure 40 \\
	pppoe-padi-timeout 2 pppoe-padi-attempts 2 persist holdoff 1 maxfail 0 ipparam "\$1" \\
	ip-up-script $B/stamp-up ip-down-script $B/stamp-down \\
	linkname "\$1" logfile "$CLI_LOGS/\$1.log" nodetach
EOF
for ev in up down; do
	# shellcheck disable=SC2016 # the script's own $6 and $t
	printf '#!/bin/sh\nread -r t rest < /proc/uptime\necho "$6 $t" >> %s/times-%s.log\n' "$VM_WORK" "$ev" > "$B/stamp-$ev"
done
# pppoe-server's pppds' ip-up script, after acd.so's notifier: the peer,
# pppd's start (clock ticks since boot, /proc/PID/stat field 22) and now
cat > "$B/stamp-ac" <<EOF
#!/bin/sh
read -r t rest < /proc/uptime
peer=\$5
read -r st < /proc/\$PPPD_PID/stat
set -f
set -- \$st
shift 21
echo "\$peer \$1 \$t" >> $T_AC
EOF
chmod 0755 "$B/client" "$B/stamp-up" "$B/stamp-down" "$B/stamp-ac"
: > "$T_START"
: > "$T_UP"
: > "$T_DOWN"
: > "$T_AC"
HZ=$(getconf CLK_TCK)

# stamp FILE KEY: the time of KEY's last line in FILE (empty: none)
stamp() {
	local k t v=''
	while read -r k t; do [ "$k" = "$2" ] && v=${t##* }; done < "$1"
	printf '%s' "$v"
}
# once_each DOWNS USER...: each USER's client ran one ip-up and DOWNS
# ip-down (0 or 1): its session never went down and came up again
once_each() {
	local want=$1 k t u bad=''
	shift
	declare -A ups=() downs=()
	while read -r k t; do ups[$k]=$((${ups[$k]:-0} + 1)); done < "$T_UP"
	while read -r k t; do downs[$k]=$((${downs[$k]:-0} + 1)); done < "$T_DOWN"
	for u; do
		[ "${ups[$u]:-0}" = 1 ] && [ "${downs[$u]:-0}" = "$want" ] ||
			bad+=" $u (${ups[$u]:-0} ip-up, ${downs[$u]:-0} ip-down: $(grep -E 'PADT|hangup|Terminat' "$CLI_LOGS/$u.log" | tail -n 2 | paste -sd'|'))"
	done
	[ -z "$bad" ] || fail "clients with not one ip-up and $want ip-down:$bad"
}
# ups PREFIX: the clients named PREFIX* with an ip-up, once each
ups() {
	local k t
	declare -A seen=()
	while read -r k t; do [[ $k == "$1"* ]] && seen[$k]=1; done < "$T_UP"
	printf '%s\n' "${!seen[@]}"
}
n_ups() { ups "$1" | grep -c . || true; }
# dial USER [GATE]: USER's client started in its namespace, its pid in $B/pid-USER
dial() {
	ip netns exec "$1" "$B/client" "$1" "${2:-}" 9>&- >/dev/null 2>&1 &
	echo $! > "$B/pid-$1"
}
client_pid() { cat "$B/pid-$1"; }
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

step "acd as the AC on br-sub: its pppds load acd.so (radius.so, no radattr.so); tbf down, police up"
radiusclient_conf "$W"
ac_options "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40"
sed -i '/^plugin radattr\.so$/d' "$W/pppoe-options"
grep -q '^plugin radius\.so$' "$W/pppoe-options" || fail "$W/pppoe-options lost radius.so"
ac_start ac "$W/pppoe-options" br-sub "acd-plugin = $PLUGIN" "[shaper]" "profile = tbf" "up-mode = police"

step "pppoe-server on br-rp: its pppds load radius.so and acd.so (acd-timeout 3000, acd-retry 2)"
mkdir -p "$W/rp"
radiusclient_conf "$W/rp"
ac_options "$W/rp" "$VM_WORK/pppd-rp.log" "lcp-max-configure 40" "mtu 1492" "mru 1492" \
	"plugin $PLUGIN" "acd-socket $ACD_SOCKET" "acd-timeout 3000" "acd-retry 2" "ip-up-script $B/stamp-ac"
sed -i '/^plugin radattr\.so$/d' "$W/rp/pppoe-options"
pppoe_server_start ac br-rp "$AC_IP" 100.64.9.1 16 "$W/rp/pppoe-options"

# ---- 1. pppd's timing with acd up and down ------------------------------------
# dial_rp USER: USER dials pppoe-server alone; until its ip-up and the AC's
# stamp; the client's and the AC pppd's set-up times in CLI_S and AC_S
declare -A CLI_S AC_S
dial_rp() {
	local u=$1 s e a
	dial "$u"
	# shellcheck disable=SC2016 # eval expands it
	wait_until 60 eval '[ -n "$(stamp "$T_UP" "$u")" ] && [ -n "$(stamp "$T_AC" "${IP[$u]}")" ]' ||
		fail "$u: no session through pppoe-server within 60 s: $(tail -3 "$CLI_LOGS/$u.log")"
	s=$(stamp "$T_START" "$u")
	e=$(stamp "$T_UP" "$u")
	a=$(grep "^${IP[$u]} " "$T_AC" | tail -n 1)
	CLI_S[$u]=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }')
	AC_S[$u]=$(awk -v hz="$HZ" -v l="$a" 'BEGIN { split(l, f, " "); printf "%.2f", f[3] - f[2] / hz }')
	log "$u: client start to ip-up ${CLI_S[$u]} s, the AC's pppd start to ip-up ${AC_S[$u]} s"
}
# r1..r8 in the order up, down, down, up, up, down, down, up (acd running
# or stopped by SIGTERM): a drift of the guest's speed falls on both
step "pppoe-server: r0 warms up; then r1..r8, one at a time, with acd running (r1, r4, r5, r8) or stopped"
dial_rp r0
ups_rp=() downs_rp=()
for u in r1 r2 r3 r4 r5 r6 r7 r8; do
	case $u in
	r1 | r4 | r5 | r8)
		alive "$ACD_PID" || ac_again ac
		ups_rp+=("$u")
		;;
	*)
		! alive "$ACD_PID" || acd_stop TERM || fail "acd had exited before SIGTERM"
		downs_rp+=("$u")
		;;
	esac
	dial_rp "$u"
done
alive "$ACD_PID" || fail "acd is not running after r8"
n=$(grep -c 'acd: cannot reach acd' "$VM_WORK/pppd-rp.log" || true)
[ "$n" = "${#downs_rp[@]}" ] ||
	fail "$n pppds of pppoe-server say acd is away, expected those of ${downs_rp[*]}: $(grep 'acd: ' "$VM_WORK/pppd-rp.log" | tail -5)"
up_cli=() up_ac=() down_cli=() down_ac=()
for u in "${ups_rp[@]}"; do up_cli+=("${CLI_S[$u]}") up_ac+=("${AC_S[$u]}"); done
for u in "${downs_rp[@]}"; do down_cli+=("${CLI_S[$u]}") down_ac+=("${AC_S[$u]}"); done
m_up_ac=$(median "${up_ac[@]}") m_down_ac=$(median "${down_ac[@]}")
m_up_cli=$(median "${up_cli[@]}") m_down_cli=$(median "${down_cli[@]}")
result "AC pppd start to ip-up (after acd.so's notifier), median: acd up ${m_up_ac} s (${up_ac[*]}), acd down ${m_down_ac} s (${down_ac[*]})"
result "client start to ip-up, median: acd up ${m_up_cli} s (${up_cli[*]}), acd down ${m_down_cli} s (${down_cli[*]})"
awk -v u="$m_up_ac" -v d="$m_down_ac" -v m="$MARGIN" 'BEGIN { exit !(d <= u + m) }' ||
	fail "with acd down the AC's pppd took ${m_down_ac} s to ip-up (median), with acd up ${m_up_ac} s: more than $MARGIN s slower (acd.so waited for acd?)"
awk -v u="$m_up_cli" -v d="$m_down_cli" -v m="$MARGIN" 'BEGIN { exit !(d <= u + m) }' ||
	fail "with acd down the clients took ${m_down_cli} s to ip-up (median), with acd up ${m_up_cli} s: more than $MARGIN s slower"

# ---- the checks ------------------------------------------------------------------
# want_json USER...: {"USER": [down, up], ...}; ip_json USER...: {"USER": "IP", ...}
want_json() {
	local u s=''
	for u; do s+="${s:+,}\"$u\":[${DOWN[$u]},${UP[$u]}]"; done
	printf '{%s}' "$s"
}
ip_json() {
	local u s=''
	for u; do s+="${s:+,}\"$u\":\"${IP[$u]}\""; done
	printf '{%s}' "$s"
}
# shaped USER...: acd has a session of each USER, shaped at its RADIUS rates
# shellcheck disable=SC2317 # called through wait_until
shaped() {
	local j
	j=$("$ACDCTL" -s "$ACD_SOCKET" -j show sessions) || return 1
	jq -e --argjson w "$(want_json "$@")" --arg src "$RP_SRC" \
		'[.[] | select($w[.user] != null and .shaped and .source == $src and
			[.down, .up] == $w[.user])] | length == ($w | length)' <<<"$j" >/dev/null
}
# up_links: the AC's ppp interfaces with their peer, "IFACE PEER" per line
up_links() {
	ip -n ac -4 -o addr show | awk '$2 ~ /^ppp/ { p = $6; sub(/\/.*/, "", p); print $2, p }' | sort
}
# LOST: the users whose session acd lost: acd acknowledged its acd.so
# event, was killed before its state file held it, and the restarted acd
# found the link without what acd.so had said (see kill_restart); known to
# acd still, by its interface, unshaped.  lost_json: {"USER": true, ...}
declare -A LOST=()
lost_json() {
	local u s=''
	for u in "${!LOST[@]}"; do s+="${s:+,}\"$u\":true"; done
	printf '{%s}' "$s"
}
# check_all USER...: the USERs' sessions, up on the AC, are acd's, once
# each, and no other; each via the plugin at its RADIUS rates (acd's
# record and tc); each s* one of acd's AC's, with its PPPoE session id.  A
# LOST user's session: known by its interface and address only.  Sessions
# of acd's without an address: none (a link still negotiating, such as
# the ppp link of a pppd whose client never had its PADS, see br_sub_ok,
# is not a session).
check_all() {
	local j n q r out links w ip lost ifc up pid
	links=$(up_links)
	n=$(grep -c . <<<"$links" || true)
	[ "$n" = $# ] || fail "$n sessions up on the AC, expected $#: $links"
	w=$(want_json "$@") ip=$(ip_json "$@") lost=$(lost_json)
	j=$(ctlj show sessions)
	ifc=$(jq -r '[.[] | select(.ip == "") | .ifname] | join(" ")' <<<"$j")
	[ -z "$ifc" ] || fail "acd has sessions without an address (a link still negotiating is none): $ifc"
	jq_assert "acd's sessions: $# of them, no interface or address twice" "$j" \
		"length == $# and (map(.ifname) | unique | length) == $# and (map(.ip) | unique | length) == $#"
	jq_assert "acd's sessions are the users' addresses" "$j" "(map(.ip) | sort) == ($ip | [.[]] | sort)"
	# the interface and the peer the kernel has are acd's
	[ "$(jq -r '.[] | "\(.ifname) \(.ip)"' <<<"$j" | sort)" = "$links" ] ||
		fail "acd's interfaces and addresses are not the kernel's: $(jq -c '[.[] | [.ifname, .ip]]' <<<"$j") vs $links"
	while read -r ifc; do
		"$ACDCTL" -s "$ACD_SOCKET" -j show session "$ifc" || fail "acdctl show session $ifc"
	done < <(jq -r '.[].ifname' <<<"$j") > "$B/detail.json"
	# the user each address is RADIUS's for
	jq -e -s --argjson w "$w" --argjson ip "$ip" --argjson lost "$lost" '
		($ip | to_entries | map({(.value): .key}) | add) as $by |
		all(.[]; $by[.ip] as $u | .pppd_pid > 1 and
			($lost[$u] or (.user == $u and .via == "plugin" and .shaped and
				[.radius_down, .radius_up] == $w[$u] and [.down, .up] == $w[$u] and
				(if ($u | startswith("s")) then .pppoe.sid >= 1 and .pppoe_sid == .pppoe.sid
				 else .pppoe == null end))))
		and ([.[] | select(.pppoe) | .pppoe.sid] | length == (unique | length))' "$B/detail.json" >/dev/null ||
		fail "a session is not its user's via the plugin at its RADIUS rates, or a PPPoE id twice: $(jq -c -s \
			'[.[] | {ifname, user, ip, via, down, up, radius_down, radius_up, source, shaped, pppd_pid, pppoe_sid, sid: .pppoe.sid}]' "$B/detail.json")"
	while read -r pid; do
		alive "$pid" || fail "pppd $pid, in acd's sessions, does not run"
	done < <(jq -r '.pppd_pid' "$B/detail.json")
	# tc: one root tbf at the down rate, one ingress police at the up rate,
	# no IFB; "IFACE DOWN UP" per session not lost in $B/rates
	jq -r -s --argjson w "$w" --argjson ip "$ip" --argjson lost "$lost" '
		($ip | to_entries | map({(.value): .key}) | add) as $by |
		.[] | $by[.ip] as $u | select($lost[$u] | not) | "\(.ifname) \($w[$u][0]) \($w[$u][1])"' \
		"$B/detail.json" > "$B/rates"
	q=$(tc_json ac qdisc show) || fail "tc qdisc show in ns ac"
	jq -e -n --argjson q "$q" --rawfile r "$B/rates" '
		all($r | split("\n")[] | select(length > 0) | split(" "); .[0] as $d | (.[1] | tonumber) as $down |
			[$q[] | select(.dev == $d and .root == true)] as $root |
			($root | length) == 1 and $root[0].kind == "tbf" and $root[0].options.rate == ($down / 8))' >/dev/null ||
		fail "tc: a session's root qdisc is not one tbf at its RADIUS down rate: $(jq -c '[.[] | select(.root == true and (.dev | startswith("ppp"))) | {dev, kind, rate: .options.rate}]' <<<"$q")"
	# shellcheck disable=SC2016 # the inner shell's $d
	out=$(cut -d' ' -f1 "$B/rates" | ip netns exec ac sh -c \
		'while read -r d; do echo "### $d"; tc filter show dev "$d" ingress; done')
	while read -r ifc _ up; do
		n=$(awk -v d="### $ifc" '$0 == d { on = 1; next } /^###/ { on = 0 } on && /action order/ { n++ } END { print n + 0 }' <<<"$out")
		r=$(awk -v d="### $ifc" '$0 == d { on = 1; next } /^###/ { on = 0 } on' <<<"$out" | tc_word_bps rate) ||
			fail "tc: no police rate on $ifc"
		if [ "$n" != 1 ] || [ "$r" != "$up" ]; then
			fail "tc: $ifc has $n ingress action(s), police at $r bit/s; expected one at $up"
		fi
	done < "$B/rates"
	[ -z "$(ip -n ac -o link show type ifb)" ] || fail "IFB devices with up-mode police: $(ip -n ac -o link show type ifb)"
}
# ac_pppds: the pids of the kernel-mode pppds on br-sub (acd's AC's), sorted
ac_pppds() {
	pgrep -f '^/usr/sbin/pppd ([0-9.]+: )?plugin pppoe\.so nic-br-sub rp_pppoe_sess [0-9]+:' | sort -n || true
}
padt_out() { ctlj show pppoe | jq '[.interfaces[].padt_out] | add // 0'; }
# no_padt_but_timeouts: the running acd sent no PADT but for the pppds its
# setup timeout ended (ORPHANS, see br_sub_ok)
no_padt_but_timeouts() {
	local p
	p=$(ctlj show pppoe)
	jq -e '([.interfaces[].padt_out] | add // 0) <= .setup_timeouts' <<<"$p" >/dev/null ||
		fail "the new acd sent PADT(s) while every session lives: $(jq -c '{padt_out: [.interfaces[].padt_out], setup_timeouts}' <<<"$p")"
}

step "the sessions of r0..r8 reach acd by the plugin, those made while acd was stopped when it was back"
rs=(r0 r1 r2 r3 r4 r5 r6 r7 r8)
wait_until 20 shaped "${rs[@]}" || fail "pppoe-server's sessions are not all shaped: $(ctl show sessions)"
check_all "${rs[@]}"
[ "$(grep -c 'acd: acd reached again' "$VM_WORK/pppd-rp.log")" = "${#downs_rp[@]}" ] ||
	fail "not every pppd of ${downs_rp[*]} says acd was reached again: $(grep 'acd: ' "$VM_WORK/pppd-rp.log" | tail -5)"

# ---- 2. the storm ----------------------------------------------------------------------
storm=()
for ((i = 0; i < N; i++)); do storm+=("s$i"); done
# The scenario's shell polls at a higher priority than the clients' and the
# AC's pppds (a TCG guest's two CPUs are theirs in a storm), so that a kill
# comes when it is due; acd itself is started at the normal one.
prio() { renice -n "$1" -p $$ >/dev/null; }
# children_ge K: acd has K children or more (CHILDREN: how many; no fork)
# shellcheck disable=SC2317 # called through wait_until
children_ge() {
	local kids=()
	read -r -a kids < "/proc/$ACD_PID/task/$ACD_PID/children" || true
	CHILDREN=${#kids[@]}
	((CHILDREN >= $1))
}
# ups_since LINE: acd has logged a session up by acd.so after its log's LINE
# shellcheck disable=SC2317 # called through wait_until
ups_since() { tail -n +"$(($1 + 1))" "$VM_WORK/acd.log" | grep -q 'event=up .*via=plugin'; }
# user_of IP: the user RADIUS gives IP
user_of() {
	local u
	for u in "${!IP[@]}"; do [ "${IP[$u]}" != "$1" ] || { echo "$u"; return; }; done
}
# kill_acd WHAT: kill -9 acd at once (within its state file's save delay
# of the event that woke us), then what the clients, acd's log and the AC
# said, 2 s.  OLD: the pppds on br-sub at each kill.
OLD=()
kill_acd() {
	local what=$1 up known pads
	acd_stop KILL || fail "acd had exited before kill -9"
	[ "$ACD_RC" = 137 ] || fail "acd after kill -9: status $ACD_RC"
	prio 0
	up=$(n_ups s)
	known=$(tail -n +"$((L_RESTART + 1))" "$VM_WORK/acd.log" | grep -c 'user=s[0-9]* event=up .*via=plugin' || true)
	mapfile -t -O "${#OLD[@]}" OLD < <(ac_pppds)
	pads=$(tail -n +"$((L_GO + 1))" "$VM_WORK/acd.log" | grep -c 'event=pads ' || true)
	result "kill -9 $what, $(secs_since "$t_go") s after the start: $up of $N clients up, $known storm sessions taken from acd.so by this acd, $(ac_pppds | grep -c . || true) pppds on br-sub, $pads PADS sent by then"
	sleep 2
}
# restart_acd: acd started again (UP_RESTART: the clients then up,
# L_RESTART: acd's log lines before, T_RESTART: when)
restart_acd() {
	mapfile -t UP_RESTART < <(ups s)
	L_RESTART=$(wc -l < "$VM_WORK/acd.log")
	T_RESTART=$(vm_elapsed)
	ac_again ac
}
# recover: after restart_acd, the sessions up at the restart (client side)
# known and shaped, and how long that took.  A session the restarted acd
# found without a user whose up a killed acd had logged (acd.so delivered
# it) is given 15 s more (acd.so resends what it had no reply for); still
# without its user then, it was lost: in LOST, with the evidence.
recover() {
	local u ifc j rest=() cand=()
	declare -A ip_of=()
	head -n "$L_RESTART" "$VM_WORK/acd.log" > "$B/acd-killed.log"
	j=$(ctlj show sessions)
	while read -r ifc u; do ip_of[$ifc]=$u; done < <(jq -r '.[] | "\(.ifname) \(.ip)"' <<<"$j")
	while read -r ifc; do
		u=$(user_of "${ip_of[$ifc]:-}")
		if [ -z "$u" ] || [ -n "${LOST[$u]:-}" ]; then continue; fi
		grep -q "sess=$ifc user=$u event=up .*via=plugin" "$B/acd-killed.log" && cand+=("$u")
	done < <(tail -n +"$((L_RESTART + 1))" "$VM_WORK/acd.log" | sed -n 's/.* sess=\(ppp[0-9]*\) user= event=reconciled .*/\1/p')
	for u in "${UP_RESTART[@]}" "${rs[@]}"; do
		[[ " ${cand[*]} " == *" $u "* ]] || [ -n "${LOST[$u]:-}" ] || rest+=("$u")
	done
	log "acd runs again, pid $ACD_PID: ${#UP_RESTART[@]} of $N clients were up at the restart; found without their user although a killed acd had them: ${cand[*]:-none}"
	WAIT_STEP=0.3 wait_until 60 shaped "${rest[@]}" ||
		fail "the sessions up at the restart are not all known and shaped 60 s later: $(ctl show sessions)"
	result "restart -> the $((${#rest[@]} - ${#rs[@]})) storm sessions then up (and r0..r8) known and shaped: $(secs_since "$T_RESTART") s"
	result "the restarted acd took from its journal what it had answered since its last save: $(tail -n +"$((L_RESTART + 1))" "$VM_WORK/acd.log" | grep -o '[0-9]* change(s) from the journal' || echo 'nothing')"
	((${#cand[@]})) || return 0
	wait_until 15 shaped "${cand[@]}" || true
	for u in "${cand[@]}"; do
		shaped "$u" && continue
		LOST[$u]=1
		ifc=$(jq -r --arg i "${IP[$u]}" '.[] | select(.ip == $i) | .ifname' <<<"$j")
		log "LOST $u ($ifc): a killed acd: $(grep "sess=$ifc user=$u event=" "$B/acd-killed.log" | tail -n 2 | paste -sd'|')"
		log "LOST $u ($ifc): the new acd: $(tail -n +"$((L_RESTART + 1))" "$VM_WORK/acd.log" | grep "sess=$ifc " | head -n 3 | paste -sd'|')"
	done
	((${#LOST[@]} == 0)) ||
		result "lost: ${!LOST[*]}: acd had acknowledged their acd.so event but not saved it when it was killed; the restarted acd has them without user or RADIUS rates"
}

step "storm: $N clients dial acd's AC at once"
exec 9> "$B/gate"
flock -x 9
for u in "${storm[@]}"; do dial "$u" "$B/gate"; done
# shellcheck disable=SC2016 # eval expands it
WAIT_STEP=0.5 wait_until 90 eval '[ "$(find "$B/ready" -name "s*" | wc -l)" -ge "$N" ]' ||
	fail "only $(find "$B/ready" -name 's*' | wc -l) of $N clients got ready"
sleep 0.5
L_GO=$(wc -l < "$VM_WORK/acd.log")
L_RESTART=$L_GO
prio -10
t_go=$(vm_elapsed)
flock -u 9
exec 9>&-
# the first kill early, in discovery when the guest keeps up (PADSs still
# waiting for their pppds' sockets); the second as soon as the restarted
# acd has taken a session from acd.so: acd.so's queued events and the
# sessions coming up meet it, the first answered when it dies
step "kill -9 acd early: once it has started half of the $N pppds"
WAIT_STEP=0.05 wait_until 60 children_ge $((N / 2)) || fail "acd started $CHILDREN pppds in 60 s, not $((N / 2))"
kill_acd "early"
restart_acd
prio -10
step "kill -9 acd again as the sessions come up: once it has taken one from acd.so"
# the log followed, not polled: the kill comes within milliseconds of the
# first up, well within the state file's save delay (the journal holds it)
grep -q -m1 'event=up .*via=plugin' <(exec timeout 120 tail -n +"$((L_RESTART + 1))" -F "$VM_WORK/acd.log" 2>/dev/null) || true
kill "$!" 2>/dev/null || true
ups_since "$L_RESTART" || fail "acd took no session from acd.so in 120 s after its restart"
kill_acd "as the sessions come up"
restart_acd
recover
# shellcheck disable=SC2016 # eval expands it
WAIT_STEP=0.5 wait_until 120 eval '[ "$(n_ups s)" -ge "$N" ]' ||
	fail "only $(n_ups s) of $N clients up 120 s after the last restart"
result "the last restart -> all $N clients up: $(secs_since "$T_RESTART") s ($(secs_since "$t_go") s after the start)"
kept=()
for u in "${storm[@]}" "${rs[@]}"; do [ -n "${LOST[$u]:-}" ] || kept+=("$u"); done
WAIT_STEP=0.3 wait_until 60 shaped "${kept[@]}" ||
	fail "not every session shaped 60 s after all were up: $(ctl show sessions)"
result "the last restart -> all $N storm sessions known and shaped$( ((${#LOST[@]} == 0)) || echo " (but the ${#LOST[@]} lost)"): $(secs_since "$T_RESTART") s"

# br_sub_ok: every pppd on br-sub is acd's (show pppoe counts it: its id
# is kept, its exit gets its PADT), no session id twice; those that carry
# no session (after check_all) in ORPHANS, their start (the guest's boot
# clock) in ORPHAN_START.  An acd killed while a PADS waited for its pppd's
# socket (PADS_WAIT): that PADS never goes, the client gives up and dials
# again, and the pppd waits for LCP; the restarted acd ends it 180 s after
# its start (SETUP_MAX), and never takes its ppp link (no address) for a
# session.
declare -A ORPHAN_START=()
br_sub_ok() {
	local pids p st
	mapfile -t NOW < <(ac_pppds)
	pids=$(jq -r '.pppd_pid' "$B/detail.json")
	ORPHANS=()
	for p in "${NOW[@]}"; do
		grep -qx "$p" <<<"$pids" && continue
		ORPHANS+=("$p")
		[ -n "${ORPHAN_START[$p]:-}" ] && continue
		read -r st < "/proc/$p/stat" || continue
		read -r -a st <<<"${st##*) }"
		ORPHAN_START[$p]=$(awk -v t="${st[19]}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')
	done
	jq_assert "show pppoe: the ${#NOW[@]} pppds on br-sub" "$(ctlj show pppoe)" ".sessions == ${#NOW[@]}"
	p=$(pgrep -a -f '^/usr/sbin/pppd ([0-9.]+: )?plugin pppoe\.so nic-br-sub rp_pppoe_sess [0-9]+:' |
		sed -n 's/.* rp_pppoe_sess \([0-9]*\):.*/\1/p' | sort | uniq -d)
	[ -z "$p" ] || fail "two pppds on br-sub with one PPPoE session id: $p"
	((${#ORPHANS[@]} == 0)) ||
		log "pppds on br-sub without a session: $(ps -o pid=,etimes=,args= -p "$(IFS=,; echo "${ORPHANS[*]}")" |
			awk '{ for (i = 3; i < NF; i++) if ($i == "rp_pppoe_sess") s = $(i + 1); printf "%s (sid %s, %s s old); ", $1, s, $2 }')"
}
step "after the restarts: every session once, via the plugin, at its RADIUS rates; the killed acds' pppds adopted"
check_all "${storm[@]}" "${rs[@]}"
br_sub_ok
result "pppds on br-sub: ${#NOW[@]} for $N sessions; without a session (their PADS never went): ${#ORPHANS[@]}"
# the killed acds' pppds all run on, none the new acd's child
adopted=0
declare -A on_br=() orphan=()
for p in "${NOW[@]}"; do on_br[$p]=1; done
for p in "${ORPHANS[@]}"; do orphan[$p]=1; done
mapfile -t OLD < <(printf '%s\n' "${OLD[@]}" | sort -un)
for p in "${OLD[@]}"; do
	[ -n "${on_br[$p]:-}" ] || fail "pppd $p, on br-sub at a kill, is not there now"
	read -r st < "/proc/$p/stat"
	read -r -a st <<<"${st##*) }"
	[ "${st[1]}" != "$ACD_PID" ] || fail "pppd $p of a killed acd is the new acd's child"
	[ -n "${orphan[$p]:-}" ] || adopted=$((adopted + 1))
done
result "adopted: ${#OLD[@]} pppds of the killed acds, $adopted of them carrying their session; the new acd's own: $(pgrep -c -P "$ACD_PID" -x pppd || true); acd's log: $(grep -o 'event=adopted [0-9]* ' "$VM_WORK/acd.log" | awk '{print $2}' | paste -sd, -)"
no_padt_but_timeouts
once_each 0 "${storm[@]}"
result "the last acd's discovery: $(ctlj show pppoe | jq -c '.interfaces[] | {padi_in, pado_out, padr_in, padr_duplicate, pads_out, padt_out, sessions_started, dropped}')"
result "acd.so: $(grep -c 'acd: cannot reach acd' "$VM_WORK/pppd-ac.log" || true) times a pppd of acd's AC queued events while acd was dead, $(grep -c 'acd: acd reached again' "$VM_WORK/pppd-ac.log" || true) times it delivered them later"
result "clients whose discovery a kill cut (they dialed again): $(grep -l 'Unable to complete PPPoE Discovery\|Timeout waiting for PAD' "$CLI_LOGS"/s*.log | grep -c . || true)"

# ---- 3. hang-ups while acd is dead --------------------------------------------
step "kill -9 acd again; $HANGUP clients hang up while acd is dead; acd started"
gone_users=()
for u in "${storm[@]}"; do
	((${#gone_users[@]} < HANGUP)) || break
	[ -n "${LOST[$u]:-}" ] || gone_users+=("$u")
done
gone_pids=()
for u in "${gone_users[@]}"; do
	gone_pids+=("$(jq -r --arg u "$u" 'select(.user == $u) | .pppd_pid' "$B/detail.json")")
done
acd_stop KILL || fail "acd had exited before kill -9"
for u in "${gone_users[@]}"; do kill -TERM "$(client_pid "$u")" || fail "$u's pppd is gone already"; done
# shellcheck disable=SC2317 # called through wait_until
all_gone() {
	local p
	for p; do alive "$p" && return 1; done
	return 0
}
wait_until 20 all_gone "${gone_pids[@]}" ||
	fail "the AC's pppds of ${gone_users[*]} (${gone_pids[*]}) still run 20 s after their clients hung up"
t_restart=$(vm_elapsed)
ac_again ac
left=()
for u in "${storm[@]}"; do [[ " ${gone_users[*]} " == *" $u "* ]] || left+=("$u"); done
# shellcheck disable=SC2016 # eval expands it
# (ghosts, without an address, aside)
n_up() { "$ACDCTL" -s "$ACD_SOCKET" -j show sessions | jq '[.[] | select(.ip != "")] | length'; }
# shellcheck disable=SC2016 # eval expands it
wait_until 20 eval '[ "$(n_up)" = $((${#left[@]} + ${#rs[@]})) ]' ||
	fail "acd has $(n_up) sessions after the restart, expected $((${#left[@]} + ${#rs[@]})): $(ctl show sessions)"
result "restart -> the $HANGUP sessions that ended while acd was dead gone from acd: $(secs_since "$t_restart") s"
kept=()
for u in "${left[@]}" "${rs[@]}"; do [ -n "${LOST[$u]:-}" ] || kept+=("$u"); done
WAIT_STEP=0.3 wait_until 30 shaped "${kept[@]}" || fail "the sessions left are not all shaped: $(ctl show sessions)"
check_all "${left[@]}" "${rs[@]}"
orphans_before=("${ORPHANS[@]}")
br_sub_ok
[ "${#NOW[@]}" = $((${#left[@]} + ${#ORPHANS[@]})) ] ||
	fail "${#NOW[@]} pppds on br-sub for ${#left[@]} sessions and ${#ORPHANS[@]} without one"
for p in "${ORPHANS[@]}"; do
	[[ " ${orphans_before[*]} " == *" $p "* ]] || fail "pppd $p carries no session, though it did before the hang-ups"
done
no_padt_but_timeouts
once_each 0 "${left[@]}"
once_each 1 "${gone_users[@]}"
# the pppds whose PADS never went: the last acd ends each 180 s after its
# start, not after acd's (that would be 180 s after the last restart)
if ((${#ORPHAN_START[@]})); then
	step "the ${#ORPHAN_START[@]} pppd(s) whose PADS a kill cut off: ended 180 s after their start"
	last=0
	for p in "${!ORPHAN_START[@]}"; do
		d=$(awk -v s="${ORPHAN_START[$p]}" 'BEGIN { printf "%d", s + 180 + 15 }')
		((d > last)) && last=$d
	done
	# shellcheck disable=SC2317 # called through wait_until
	orphans_gone() {
		local p
		for p in "${!ORPHAN_START[@]}"; do alive "$p" && return 1; done
		return 0
	}
	now=$(cut -d. -f1 /proc/uptime)
	WAIT_STEP=1 wait_until $((last > now ? last - now : 1)) orphans_gone ||
		fail "pppd(s) without a session still run 195 s after their start: $(ps -o pid=,etimes=,args= -p "$(IFS=,; echo "${!ORPHAN_START[*]}")")"
	for p in "${!ORPHAN_START[@]}"; do
		grep -q "pppd=$p event=adopted-starting" "$VM_WORK/acd.log" ||
			fail "acd did not log pppd $p as adopted and starting"
		grep -q "pppd=$p event=setup-timeout" "$VM_WORK/acd.log" ||
			fail "pppd $p ended, but not by acd's setup timeout: $(grep "pppd=$p " "$VM_WORK/acd.log" | tail -n 3)"
	done
	result "the ${#ORPHAN_START[@]} pppd(s) whose PADS never went: ended by the restarted acd's setup timeout, $(secs_since "$T_RESTART") s after the last restart of phase 2"
fi
acd_stop TERM || fail "acd had exited before SIGTERM"
# every client's times, for a closer look
cp "$T_START" "$T_UP" "$T_DOWN" "$T_AC" "$VM_OUT/"
# acd answers acd.so's event only once its journal holds it: a kill -9
# before the next save of the state file loses nothing acd.so was told
((${#LOST[@]} == 0)) ||
	fail "acd lost ${#LOST[@]} session(s) to kill -9 (${!LOST[*]}): it had answered their acd.so events, and the restarted acd found their links without user or RADIUS rates"
pass
