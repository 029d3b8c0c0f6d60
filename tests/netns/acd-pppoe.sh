#!/bin/bash
# acd-pppoe.sh - acd as the PPPoE access concentrator, on veth pairs (this
# kernel has no PPP: discovery is real, the session's pppd is a stand-in
# that records its argv; the VM test bed runs real pppd).
#   1. interop: rp-pppoe's `pppoe -d` (plain, -U Host-Uniq, -S service)
#      completes against acd, each a session of its own with a pppd whose
#      argv is exactly pppoe-server -k's; `pppoe -k` (a PADT) ends them
#      with no PADT back; ppp's pppoe-discovery lists the AC-Name and the
#      services; an unknown service gets no PADO;
#   2. a raw client (pppoe_client.py) from spoofed MACs: Host-Uniq and
#      Relay-Session-Id echoed byte for byte, RFC 4638 PPP-Max-Payload; a
#      replayed PADR gets the same PADS and no second pppd; forged,
#      another client's and expired cookies refused; per-MAC and global
#      session limits (a reload sets them); malformed frames and PADRs not
#      to us get no reply, are counted by reason and change nothing; a
#      PADI flood on ac0 spends ac0's PADI limit, not the one of the AC
#      that a client on ac1 (another VLAN) needs;
#   3. PADT: the client's ends its pppd (SIGTERM) with no PADT back, also
#      40 of them each right behind its PADR (acd on one CPU: pppds that
#      have not run yet); one from another MAC changes nothing; a pppd
#      that exits gets its PADT;
#   4. a pppd that fails at once: a PADT each time, then a backoff (PADS
#      with AC-System-Error), no respawn storm, and recovery;
#   5. acd restarted (SIGTERM, kill -9) beside a running session: the
#      session keeps its PPPoE record from the state file, no PADT while
#      acd is away, and the restarted acd sends the PADT when pppd exits.
set -euo pipefail
TEST_NAME=acd-pppoe
. "$(dirname "$0")/lib.sh"

need_acd
for t in pppoe pppoe-discovery python3 taskset; do
	command -v "$t" >/dev/null ||
		skip "$t not found (Debian packages pppoe, ppp, python3, util-linux)"
done
netns_init
PC=$(dirname "$0")/pppoe_client.py

AC_MAC=02:ac:00:00:00:01
CL_MAC=02:c1:00:00:00:01
# MTU 1508 on both ends: room for RFC 4638's 1500-byte sessions
ip -n "$AC_NS" link add ac0 address "$AC_MAC" mtu 1508 type veth \
	peer name cl0 address "$CL_MAC" mtu 1508 netns "$SUB_NS"
ip -n "$AC_NS" link set ac0 up
ip -n "$SUB_NS" link set cl0 up
# a second interface of the AC (another VLAN, as an AC has many)
ip -n "$AC_NS" link add ac1 address 02:ac:00:00:00:02 type veth \
	peer name cl1 address 02:c1:00:00:00:02 netns "$SUB_NS"
ip -n "$AC_NS" link set ac1 up
ip -n "$SUB_NS" link set cl1 up

# The stand-in pppd: named pppd (acd's terminate checks the name), its argv
# one per line in argv.PID, covered.PID when it finds /etc/ppp/ip-pre-up
# covered by /bin/true (acd's bind mount), exits 1 at once while
# $TMPD/fail exists, else
# waits (at most 5 minutes, should the test die) and on SIGTERM leaves
# term.PID and exits 0.
cat >"$TMPD/pppd" <<EOF
#!/bin/bash
D=$TMPD
[ /etc/ppp/ip-pre-up -ef /bin/true ] && : >"\$D/covered.\$\$"
printf '%s\n' "\$0" "\$@" >"\$D/.argv.\$\$" && mv "\$D/.argv.\$\$" "\$D/argv.\$\$"
[ -e "\$D/fail" ] && exit 1
s=
trap '[ -n "\$s" ] && kill "\$s" 2>/dev/null; : >"\$D/term.\$\$"; exit 0' TERM
for _ in \$(seq 60); do
	sleep 5 &
	s=\$!
	wait "\$s"
done
EOF
chmod 755 "$TMPD/pppd"
: >"$TMPD/pppoe.so" # acd checks the plugin is a file; the stand-in never loads it
printf 'noauth\n' >"$TMPD/pppoe-options"
chmod 644 "$TMPD/pppoe-options"

# Every stand-in still running at the end is stopped, by its pid: acd
# leaves them running when it stops, as it leaves real pppds.
# shellcheck disable=SC2317 # run from the EXIT trap
stop_standins() {
	local f pid
	for f in "$TMPD"/argv.*; do
		[[ -e $f ]] || continue
		pid=${f##*.}
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == pppd ]] &&
			grep -qF "$TMPD/pppd" "/proc/$pid/cmdline" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
	done
	return 0
}
# shellcheck disable=SC2317 # the EXIT trap
_pppoe_cleanup() {
	local rc=$?
	set +e
	if ((rc != 0)) && [[ -s $TMPD/acd.log ]]; then
		echo "--- the end of acd's log:" >&2
		tail -n 40 "$TMPD/acd.log" >&2
	fi
	[[ -n $TMPD ]] && stop_standins
	(exit "$rc")
	_cleanup
}
trap _pppoe_cleanup EXIT

export ACD_SOCKET=$TMPD/acd.sock
# the longest service name acd takes: 64 bytes
LONG_SVC=svc-$(printf '%060d' 64)
# pppoe_conf PER_MAC MAX [PADI_LIMIT PADI_LIMIT_IF]: acd.conf with these
# session limits (and PADI limits, else acd's defaults), checked by acd -n
# where acd runs (it checks that ac0 exists)
pppoe_conf() {
	{
		acd_conf_head "$TMPD" debug "$TMPD" "$TMPD"
		cat <<CONF
[pppoe]
${PPPOE_EXTRA:-}
interface = ac[01]
${3:+padi-limit = $3
}${4:+padi-limit-interface = $4
}ac-name = acd-test-ac
service-name = internet
service-name = video
service-name = $LONG_SVC
pppd = ${PPPD_BIN:-$TMPD/pppd}
plugin = ${PPPD_PLUGIN:-$TMPD/pppoe.so}
pppd-options = $TMPD/pppoe-options
local-ip = 100.64.0.1
max-sessions-per-mac = $1
max-sessions = $2
padi-limit-mac = 10
cookie-lifetime = 5s
CONF
	} >"$TMPD/acd.conf"
	ip netns exec "$AC_NS" "$ACD_BIN" -n -c "$TMPD/acd.conf" >/dev/null 2>"$TMPD/acd-n.err" ||
		fail "the test config does not check: $(cat "$TMPD/acd-n.err")"
}

# ---- helpers -----------------------------------------------------------------

# pc ARGS...: the raw client in the client namespace
pc() { ip netns exec "$SUB_NS" python3 "$PC" "$@"; }
# rpc ARGS...: rp-pppoe's client on cl0
rpc() { ip netns exec "$SUB_NS" pppoe -I cl0 "$@"; }
# st FILTER: jq FILTER on ac0's counters in `show pppoe`
st() { ctl -j show pppoe | jq -c ".interfaces[] | select(.interface == \"ac0\") | $1"; }
# top FILTER: jq FILTER on `show pppoe` as a whole
top() { ctl -j show pppoe | jq -c "$1"; }
# is FN ARG VALUE: FN ARG prints VALUE (for wait_until)
# shellcheck disable=SC2317 # through wait_until
is() { [[ $($1 "$2") == "$3" ]]; }
# drops_since BEFORE: the `dropped` counters that grew since BEFORE (an
# earlier st .dropped), as {"reason": growth}, keys sorted
drops_since() {
	jq -cS -n --argjson a "$1" --argjson b "$(st .dropped)" \
		'[$b | keys[] as $k | select($b[$k] != ($a[$k] // 0)) | {($k): ($b[$k] - ($a[$k] // 0))}] | add // {}'
}
# standin SID MAC: the pid of the stand-in started for session SID:MAC
standin() {
	local f
	for f in "$TMPD"/argv.*; do
		[[ -e $f ]] || continue
		if [[ $(sed -n '/^rp_pppoe_sess$/{n;p;q}' "$f") == "$1:$2" ]]; then
			echo "${f##*.}"
			return 0
		fi
	done
	return 1
}
# wait_standin SID MAC: standin, once its argv file is there
wait_standin() {
	wait_until 5 standin "$1" "$2" >/dev/null || fail "no pppd was started for session $1:$2"
	standin "$1" "$2"
}
nargv() { find "$TMPD" -maxdepth 1 -name 'argv.*' | wc -l; }
# expect_argv SID MAC SERVICE MTU: what acd must run, pppoe-server -k's argv
# with the address pair first (before pppoe.so, which would look it up as
# an interface)
expect_argv() {
	printf '%s\n' "$TMPD/pppd" 100.64.0.1: plugin "$TMPD/pppoe.so" nic-ac0 rp_pppoe_sess \
		"$1:$2" rp_pppoe_service "$3" file "$TMPD/pppoe-options" nodetach noaccomp \
		nopcomp default-asyncmap remotenumber "$2" mru "$4" mtu "$4"
}
assert_argv() {
	local pid
	pid=$(wait_standin "$1" "$2")
	diff -u <(expect_argv "$@") "$TMPD/argv.$pid" >"$TMPD/diff.out" ||
		fail "pppd's argv for session $1:$2 (- expected, + acd's):"$'\n'"$(cat "$TMPD/diff.out")"
}
# session MAC ARGS...: a raw client's whole discovery; its JSON in OUT, its
# exit status in RC (0 PADS, 1 no PADO, 2 no PADS)
session() {
	local mac=$1
	shift
	RC=0
	OUT=$(pc session cl0 "$mac" "$@") || RC=$?
}
# session_ok MAC ARGS...: session, which must end in a PADS with a session
# id: that into SID_NEW
session_ok() {
	session "$@"
	((RC == 0)) || fail "session of $1: exit $RC: $OUT"
	SID_NEW=$(jq .pads[0].sid <<<"$OUT")
	((SID_NEW > 0)) || fail "session of $1: no session id: $OUT"
}
# listen_bg NAME MAC SECONDS [ARGS...]: the raw client listens in the
# background for frames to MAC, into $TMPD/NAME; returns once it listens
listen_bg() {
	local name=$1 mac=$2 secs=$3
	shift 3
	rm -f "$TMPD/$name" "$TMPD/$name.ready"
	# not through pc: $! must be the client itself, for a kill to reach it
	ip netns exec "$SUB_NS" python3 "$PC" listen cl0 "$mac" "$secs" --ready "$TMPD/$name.ready" \
		"$@" >"$TMPD/$name" &
	LISTENER=$!
	BG_PIDS+=("$LISTENER")
	wait_until 5 test -e "$TMPD/$name.ready" || fail "the raw client did not start listening"
}
mac() { printf '02:aa:00:00:00:%02x' "$1"; }

# start_acd, with acd (and so the pppds it starts) on one CPU: pppds just
# forked wait while acd is busy, as on a loaded AC
start_acd() {
	acd_spawn "$TMPD/acd.conf" "$TMPD/acd.log" taskset -c 0 ip netns exec "$AC_NS"
	BG_PIDS+=("$ACD_PID")
	acd_wait && return 0
	cat "$TMPD/acd.log" >&2
	fail "acd did not answer on $ACD_SOCKET"
}

pppoe_conf 8 0
start_acd

# ---- 1. rp-pppoe and pppoe-discovery ------------------------------------------

log "1. interop: rp-pppoe's pppoe -d, -U, -S; pppoe -k; pppoe-discovery"
# an unknown service: rp-pppoe tries three PADIs (1, 2, 4 s) and gives up;
# in the background meanwhile
rpc -d -S nosuch -t 1 >"$TMPD/nosuch.out" 2>"$TMPD/nosuch.err" &
NOSUCH=$!
BG_PIDS+=("$NOSUCH")

declare -A SID
for how in plain -U video long; do
	case $how in
	plain) args=() ;;
	-U) args=(-U) ;;
	video) args=(-S video) ;;
	long) args=(-S "$LONG_SVC") ;;
	esac
	out=$(rpc -d -t 1 "${args[@]}" 2>"$TMPD/rpc.err") || fail "pppoe -d $how: $(cat "$TMPD/rpc.err")"
	# pppoe -d prints SESSION:AC_MAC
	[[ $out =~ ^([0-9]+):$AC_MAC$ ]] || fail "pppoe -d ${args[*]}: printed '$out', not SID:$AC_MAC"
	SID[$how]=${BASH_REMATCH[1]}
	((SID[$how] > 0)) || fail "pppoe -d ${args[*]}: session id 0"
done
log "rp-pppoe's sessions: ${SID[plain]}, ${SID[-U]} (Host-Uniq), ${SID[video]} (-S video), ${SID[long]} (a 64-byte service)"
# requests in the same second share a cookie: each is its own session all
# the same (-U's Host-Uniq, -S's service make them different requests)
assert_eq "distinct session ids of the rp-pppoe sessions" 4 "$(printf '%s\n' "${SID[@]}" | sort -u | wc -l)"
assert_argv "${SID[plain]}" "$CL_MAC" "" 1492
assert_argv "${SID[-U]}" "$CL_MAC" "" 1492
assert_argv "${SID[video]}" "$CL_MAC" video 1492
assert_argv "${SID[long]}" "$CL_MAC" "$LONG_SVC" 1492
assert_eq "sessions after four pppoe -d" 4 "$(top .sessions)"
assert_eq "pppds started" 4 "$(nargv)"
# no acd.so here: pppd's scripts are how acd hears of these sessions
assert_eq "pppds with ip-pre-up covered (no acd.so)" 0 "$(find "$TMPD" -maxdepth 1 -name 'covered.*' | wc -l)"
# pppoe -d leaves the session to pppd: it sends no PADT
assert_eq "PADTs from pppoe -d" 0 "$(st .padt_in)"

log "pppoe -k (a PADT) ends each at once; acd sends no PADT back and counts no pppd failure"
for how in plain -U video long; do
	rpc -k -e "${SID[$how]}:$AC_MAC" || fail "pppoe -k -e ${SID[$how]}:$AC_MAC failed"
done
for how in plain -U video long; do
	pid=$(standin "${SID[$how]}" "$CL_MAC")
	wait_until 5 test -e "$TMPD/term.$pid" || fail "pppd $pid of session ${SID[$how]} got no SIGTERM"
done
wait_until 5 is top .sessions 0 || fail "sessions after pppoe -k: $(top .sessions), not 0"
assert_jq "counters after pppoe -k" "$(st .)" .padt_in 4 .padt_out 0
# pppds ended by their client within 2 s are not pppds that fail to start
assert_jq "no backoff for sessions the client ended" "$(top .)" .backoffs 0 .backoff_s 0

out=$(ip netns exec "$SUB_NS" pppoe-discovery -I cl0 -t 1 -a 1 2>&1) || fail "pppoe-discovery: $out"
assert_contains "pppoe-discovery: the AC" "Access-Concentrator: acd-test-ac" "$out"
assert_contains "pppoe-discovery: service internet" "Service-Name: internet" "$out"
assert_contains "pppoe-discovery: service video" "Service-Name: video" "$out"
assert_contains "pppoe-discovery: the 64-byte service" "Service-Name: $LONG_SVC" "$out"
assert_contains "pppoe-discovery: the AC's MAC" "AC-Ethernet-Address: $AC_MAC" "$out"
out=$(ip netns exec "$SUB_NS" pppoe-discovery -I cl0 -t 1 -a 1 -S nosuch 2>&1) || true
[[ $out != *Access-Concentrator* ]] || fail "pppoe-discovery -S nosuch found an AC: $out"
# three PADIs of pppoe -d (at 0, 1 and 3 s; it gives up at 7 s: its end is
# checked later), one of pppoe-discovery
wait_until 5 is st .dropped.service 4 || fail "PADIs dropped for their service: $(st .dropped.service), not 4"
assert_eq "PADOs" 5 "$(st .pado_out)"
assert_eq "pppds started after the interop" 4 "$(nargv)"

log "PADTs right behind their PADRs, 40 clients at once: every pppd ends"
# acd and its pppds share one CPU (start_acd), and each PADT comes in the
# same read as its PADR: acd signals a pppd it forked a moment ago, which
# has not run yet.  Session ids go up one by one: the next is known.
session_ok 02:ab:00:00:00:ff
next=$((SID_NEW + 1))
pc padt cl0 02:ab:00:00:00:ff "$AC_MAC" "$SID_NEW"
wait_until 5 is top .sessions 0 || fail "sessions: $(top .sessions), not 0"
s0=$(top .sessions)
t0=$(st .padt_in)
out=$(pc burst cl0 02:ab:00:00:00:00 40 --early-padt "$next") || fail "40 clients at once: $out"
assert_eq "the sessions' ids" "$(seq -s ' ' "$next" $((next + 39)))" \
	"$(jq -r '[.sessions[][1]] | sort | map(tostring) | join(" ")' <<<"$out")"
wait_until 5 is st .padt_in $((t0 + 40)) || fail "PADTs counted: $(st .padt_in), not $((t0 + 40))"
assert_eq "PADTs for no session" null "$(st '.dropped["unknown-session"]')"
wait_until 10 is top .sessions "$s0" ||
	fail "sessions after 40 PADTs: $(top .sessions), not $s0 (pppds that missed their SIGTERM?)"
assert_eq "PADTs sent back" 0 "$(st .padt_out)"
while read -r m sid; do
	pid=$(standin "$sid" "$m") || continue # SIGTERM before it was the stand-in: no argv
	gone "$pid" || fail "pppd $pid of session $sid:$m runs after its client's PADT"
done < <(jq -r '.sessions[] | "\(.[0]) \(.[1])"' <<<"$out")

# ---- 2. the raw client ----------------------------------------------------------

log "2. reload: one session per MAC, four in all"
pppoe_conf 1 4
ctl reload >/dev/null || fail "reload failed"

# a PADO kept for later: its cookie will have expired
OLD=$(pc padi cl0 "$(mac 0x60)") || fail "no PADO for $(mac 0x60)"

log "Host-Uniq and Relay-Session-Id echoed byte for byte; PPP-Max-Payload 1500 agreed"
A=$(mac 1)
HU=00ff10ee0080
RELAY=0a00ff0100
session "$A" --host-uniq $HU --relay $RELAY --service internet --max-payload 1500
((RC == 0)) || fail "session of $A: exit $RC: $OUT"
assert_jq "PADO to $A" "$OUT" .pado.src "$AC_MAC" .pado.ac_name acd-test-ac .pado.host_uniq $HU \
	.pado.relay $RELAY .pado.max_payload 1500 '.pado.services | join(",")' "internet,video,$LONG_SVC" \
	'.pado.cookie | length' 42
assert_jq "PADS to $A" "$OUT" '.pads[0].sid > 0' true .pads[0].host_uniq $HU .pads[0].relay $RELAY \
	.pads[0].max_payload 1500 '.pads[0].services | join(",")' internet \
	'.pads[0] | has("ac_system_error") or has("service_name_error")' false
SID_A=$(jq .pads[0].sid <<<"$OUT")
assert_argv "$SID_A" "$A" internet 1500
assert_jq "show pppoe: max payload" "$(ctl -j show pppoe)" .interfaces[0].mtu 1508

log "a retransmitted PADR (same cookie): the same PADS, one pppd"
B=$(mac 2)
n0=$(nargv)
dup0=$(st .padr_duplicate)
session "$B" --repeat 2 --gap 0.5
((RC == 0)) || fail "session of $B: exit $RC: $OUT"
assert_jq "the PADR twice" "$OUT" '.pads | length' 2 '.pads[0].sid > 0' true \
	'.pads[0].sid == .pads[1].sid' true '.pads[0].tags == .pads[1].tags' true
SID_B=$(jq .pads[0].sid <<<"$OUT")
assert_eq "PADRs counted as duplicates" $((dup0 + 1)) "$(st .padr_duplicate)"
assert_eq "pppds started for $B" $((n0 + 1)) "$(nargv)"
assert_argv "$SID_B" "$B" "" 1492

log "one session per MAC: a second one from $B (its own Host-Uniq) gets AC-System-Error"
hits0=$(st .limit_hits)
session "$B" --host-uniq 0102
((RC == 0)) || fail "second session of $B: exit $RC: $OUT"
assert_jq "PADS to $B's second session" "$OUT" .pads[0].sid 0 '.pads[0] | has("ac_system_error")' true \
	.pads[0].host_uniq 0102
assert_eq "limit hits" $((hits0 + 1)) "$(st .limit_hits)"
assert_eq "pppds after the per-MAC limit" $((n0 + 1)) "$(nargv)"

log "another MAC still gets a session; the fifth of the AC does not"
C=$(mac 3)
D=$(mac 4)
E=$(mac 5)
session_ok "$C"
SID_C=$SID_NEW
session_ok "$D"
SID_D=$SID_NEW
assert_eq "sessions" 4 "$(top .sessions)"
session "$E"
assert_jq "PADS to $E, over max-sessions" "$OUT" .pads[0].sid 0 '.pads[0] | has("ac_system_error")' true
assert_eq "limit hits" $((hits0 + 2)) "$(st .limit_hits)"
assert_eq "session ids" 4 "$(printf '%s\n' "$SID_A" "$SID_B" "$SID_C" "$SID_D" | sort -u | wc -l)"

# the cookie's expiry, in the monotonic clock's seconds (acd's cookies are
# on CLOCK_MONOTONIC: a wall-clock step does not refuse them)
mono() { python3 -c 'import time; print(int(time.monotonic()))'; }
old_cookie=$(jq -r .cookie <<<"$OLD")
expiry=$((16#${old_cookie:2:8}))
log "a cookie past its expiry ($((expiry - $(mono))) s from now; lifetime 5 s) is refused"
# acd drops an old secret at the second rotation after the cookie, which a
# PADI 6 s or more after the cookie's may cause: if none came since it
# expired, refused as expired; else as not ours
idle=$((($(mono) <= expiry) ? 1 : 0))
# shellcheck disable=SC2317 # through wait_until
past() { (($(mono) > $1)); }
wait_until 8 past "$expiry" || true
d0=$(st .dropped)
rc=0; out=$(pc padr cl0 "$(mac 0x60)" "$AC_MAC" "$old_cookie" -t 0.5) || rc=$?
((rc == 2)) || fail "a PADR with an expired cookie: exit $rc: $out"
d=$(drops_since "$d0")
log "dropped as $d"
[[ $d == '{"cookie-expired":1}' || ($idle == 0 && $d == '{"cookie":1}') ]] ||
	fail "an expired cookie dropped as $d"

log "cookies: one bit flipped, another client's, another relay's: no PADS"
d0=$(st .dropped)
n0=$(nargv)
F=$(mac 6)
session "$F" -t 0.5 --flip-cookie 60
((RC == 2)) || fail "a PADR with a forged cookie: exit $RC: $OUT"
cookie_a=$(pc padi cl0 "$A" | jq -r .cookie)
rc=0; out=$(pc padr cl0 "$F" "$AC_MAC" "$cookie_a" -t 0.5) || rc=$?
((rc == 2)) || fail "a PADR from $F with $A's cookie: exit $rc: $out"
session "$F" -t 0.5 --relay 01 --padr-relay 02
((RC == 2)) || fail "a PADR with another Relay-Session-Id: exit $RC: $OUT"
assert_eq "dropped since" '{"cookie":3}' "$(drops_since "$d0")"
assert_eq "pppds after bad cookies" "$n0" "$(nargv)"

log "PADRs with a session id, to another MAC, to broadcast: no PADS"
d0=$(st .dropped)
G=$(mac 7)
session "$G" -t 0.5 --padr-sid 4660
((RC == 2)) || fail "a PADR with session id 4660: exit $RC: $OUT"
session "$G" -t 0.5 --padr-dst 02:99:00:00:00:01
((RC == 2)) || fail "a PADR to another AC: exit $RC: $OUT"
session "$G" -t 0.5 --padr-dst ff:ff:ff:ff:ff:ff
((RC == 2)) || fail "a PADR to broadcast: exit $RC: $OUT"
# the PADR to another host's MAC is the kernel's OTHERHOST: acd never reads it
assert_eq "dropped since" '{"not-ours":1,"session-id":1}' "$(drops_since "$d0")"
assert_eq "pppds after PADRs not for us" "$n0" "$(nargv)"

log "malformed frames: no reply, each counted by its reason, nothing changes"
d0=$(st .dropped)
s0=$(st '[.padi_in, .pado_out, .padr_in, .pads_out, .pads_error, .padt_in, .padt_out]')
out=$(pc bad cl0 "$G" --ac "$AC_MAC" --wait 0.5 ver-type length tag duplicate-tag session-id source \
	code not-a-client no-service short)
assert_eq "replies to malformed frames" "" "$out"
assert_eq "dropped since" \
	'{"code":1,"duplicate-tag":1,"length":1,"not-a-client":1,"service":1,"session-id":1,"short":1,"source":1,"tag":1,"ver-type":1}' \
	"$(drops_since "$d0")"
# only the two PADIs that parsed (duplicate tags are refused by the parser)
assert_eq "counters after malformed frames" \
	"$(jq -c '.[0] += 1' <<<"$s0")" "$(st '[.padi_in, .pado_out, .padr_in, .pads_out, .pads_error, .padt_in, .padt_out]')"
assert_eq "sessions after malformed frames" 4 "$(top .sessions)"
assert_eq "pppds after malformed frames" "$n0" "$(nargv)"

log "a PADI flood on ac0 spends ac0's limit, not the AC's: a client on ac1 is still answered"
pppoe_conf 1 4 20 10
ctl reload >/dev/null || fail "reload failed"
d0=$(st .dropped)
ip netns exec "$SUB_NS" python3 "$PC" flood cl0 2.5 1000 >"$TMPD/flood" &
FLOOD=$!
BG_PIDS+=("$FLOOD")
sleep 0.5 # nothing to wait for: the flood going, the AC-wide bucket of 20 emptied
rc=0; out=$(pc padi cl1 "$(mac 0x70)" -t 1.5) || rc=$?
wait "$FLOOD" || true
((rc == 0)) || fail "no PADO on ac1 during a flood on ac0 (ac0: $(drops_since "$d0")): $out"
assert_jq "PADO on ac1" "$out" .src 02:ac:00:00:00:02
log "flood $(cat "$TMPD/flood"): ac0 dropped $(drops_since "$d0")"
(($(drops_since "$d0" | jq '.["rate-limit"]') > 1000)) || fail "the flood on ac0 was not limited"
pppoe_conf 1 4
ctl reload >/dev/null || fail "reload failed"

wait "$NOSUCH" || true
grep -q "Timeout waiting for PADO" "$TMPD/nosuch.err" ||
	fail "pppoe -d -S nosuch did not time out: $(cat "$TMPD/nosuch.out" "$TMPD/nosuch.err")"
grep -qE "^[1-9][0-9]*:" "$TMPD/nosuch.out" && fail "pppoe -d -S nosuch got a session: $(cat "$TMPD/nosuch.out")"

# ---- 3. PADT ----------------------------------------------------------------------

log "3. the client's PADT ends its pppd; acd sends none back"
t0=$(st .padt_in)
pid_a=$(standin "$SID_A" "$A")
listen_bg padt-a "$A" 1.5 -c PADT
pc padt cl0 "$A" "$AC_MAC" "$SID_A"
wait_until 5 test -e "$TMPD/term.$pid_a" || fail "pppd $pid_a got no SIGTERM for $A's PADT"
wait_until 5 gone "$pid_a" || fail "pppd $pid_a still runs"
wait "$LISTENER" || true
assert_eq "PADTs to $A after its own" "" "$(cat "$TMPD/padt-a")"
assert_jq "counters" "$(st .)" .padt_in $((t0 + 1)) .padt_out 0
assert_eq "sessions" 3 "$(top .sessions)"

log "a PADT with $D's session id from another MAC changes nothing"
d0=$(st .dropped)
pid_d=$(standin "$SID_D" "$D")
pc padt cl0 "$(mac 0x66)" "$AC_MAC" "$SID_D"
wait_until 5 is st .padt_in $((t0 + 2)) || fail "acd did not count the PADT"
assert_eq "dropped since" '{"unknown-session":1}' "$(drops_since "$d0")"
alive "$pid_d" || fail "pppd $pid_d of $D ended by another MAC's PADT"
[[ ! -e $TMPD/term.$pid_d ]] || fail "pppd $pid_d of $D got SIGTERM for another MAC's PADT"
assert_eq "sessions" 3 "$(top .sessions)"

log "$D's pppd exits: acd sends the PADT pppd 2.4.9 does not"
listen_bg padt-d "$D" 5 -c PADT -n 1
kill -TERM "$pid_d"
wait "$LISTENER" || true
assert_jq "PADT to $D" "$(cat "$TMPD/padt-d")" .sid "$SID_D" .src "$AC_MAC" .code PADT
assert_eq "PADTs sent" 1 "$(st .padt_out)"
wait_until 5 is top .sessions 2 || fail "sessions: $(top .sessions), not 2"
# its session never came up (no hook from the stand-in): a failed set-up,
# told at notice as a setup timeout is
grep -qE "sid=$SID_D mac=$D pppd=$pid_d event=setup-failed status=[0-9]+ \\([a-z ]+\\) after=" "$TMPD/acd.log" ||
	fail "acd did not log the failed set-up of $D: $(grep "pppd=$pid_d" "$TMPD/acd.log")"
log "room again: $E gets a session now"
session_ok "$E"

if [ -f /etc/ppp/ip-pre-up ]; then
	log "with acd.so, the new pppd finds ip-pre-up covered in its own mount namespace; acd's is untouched"
	: >"$TMPD/acd.so" # acd checks it is a file; the stand-in never loads it
	s0=$(top .sessions)
	PPPOE_EXTRA="acd-plugin = $TMPD/acd.so" pppoe_conf 1 5
	ctl reload >/dev/null || fail "reload failed"
	session_ok "$(mac 0x77)"
	pid=$(wait_standin "$SID_NEW" "$(mac 0x77)")
	grep -qx "ip-up-script" "$TMPD/argv.$pid" || fail "no ip-up-script '' with acd.so: $(cat "$TMPD/argv.$pid")"
	[ -e "$TMPD/covered.$pid" ] || fail "pppd $pid found /etc/ppp/ip-pre-up as it is, with acd.so"
	! ip netns exec "$AC_NS" test /etc/ppp/ip-pre-up -ef /bin/true ||
		fail "acd's /etc/ppp/ip-pre-up is covered: pppd's mount went back"
	[ /etc/ppp/ip-pre-up -ef /bin/true ] && fail "the host's /etc/ppp/ip-pre-up is covered"
	grep -q "the sessions' pppds run none of /etc/ppp's scripts" "$TMPD/acd.log" ||
		fail "acd did not say it covers pppd's scripts"
	sleep 2.2 # ended within 2 s of its start it would count toward 4.'s backoff
	kill -TERM "$pid"
	wait_until 5 is top .sessions "$s0" || fail "sessions: $(top .sessions), not $s0"
	pppoe_conf 1 4
	ctl reload >/dev/null || fail "reload failed"
else
	log "SKIP (part): no /etc/ppp/ip-pre-up here (Debian's ppp) to see covered"
fi

# ---- 4. pppd fails at once ------------------------------------------------------

log "4. pppd exits at once: a PADT each time, then a backoff, not a respawn storm"
# the real pppd where Debian's ppp is installed: with no PPP in this kernel
# (no /dev/ppp) it exits at once, as on a box whose pppd cannot run; else
# the stand-in, told to exit 1.  The last pppd to exit (D's) had run for
# seconds: no failure in a row yet.
if [ -x /usr/sbin/pppd ] && [ -f "$(echo /usr/lib/pppd/*/pppoe.so)" ] && [ ! -e /dev/ppp ]; then
	log "(Debian's pppd, /usr/sbin/pppd with its pppoe.so)"
	PPPD_BIN=/usr/sbin/pppd PPPD_PLUGIN=pppoe.so pppoe_conf 1 4
	ctl reload >/dev/null || fail "reload failed"
else
	log "(the stand-in: no Debian pppd here, or a kernel with PPP)"
	touch "$TMPD/fail"
fi
n0=$(st .sessions_started)
out0=$(st .padt_out)
sf0=$(top .setup_failures)
for i in 1 2 3; do
	session "$(mac $((0x30 + i)))" --wait-padt 3
	((RC == 0)) || fail "session $i with a failing pppd: exit $RC: $OUT"
	assert_jq "failing session $i" "$OUT" '.pads[0].sid > 0' true '.padt.sid == .pads[0].sid' true
done
assert_eq "PADTs sent" $((out0 + 3)) "$(st .padt_out)"
# each ended before its session came up: counted, as its log line says
assert_eq "setup failures counted" $((sf0 + 3)) "$(top .setup_failures)"
assert_jq "backoff" "$(top .)" .backoffs 1 '.backoff_s > 0' true
session "$(mac 0x34)"
((RC == 0)) || fail "session in the backoff: exit $RC: $OUT"
assert_jq "PADS in the backoff" "$OUT" .pads[0].sid 0 '.pads[0] | has("ac_system_error")' true
sleep 1.5 # nothing to wait for: no pppd may start meanwhile
assert_eq "pppds started while pppd fails" $((n0 + 3)) "$(st .sessions_started)"
rm -f "$TMPD/fail"
wait_until 8 is top .backoff_s 0 || fail "the backoff did not end: $(top .)"

# (restart_case's first session shows PADRs are served again)
# room for the restart cases beside the sessions still running
pppoe_conf 1 16
ctl reload >/dev/null || fail "reload failed"

# ---- 5. restart ---------------------------------------------------------------------

# restart_case SIGNAL N: session R with pppd's ip-up for pppN, acd stopped
# with SIGNAL and started again
restart_case() {
	local sig=$1 n=$2 r sid pid before after ifc=ppp$2
	r=$(mac $((0x50 + n)))
	session_ok "$r" --host-uniq "5e55$n$n" --relay "4e1a$n$n" --max-payload 1500
	sid=$SID_NEW
	pid=$(wait_standin "$sid" "$r")
	# what pppd does once IPCP is up: the link, its addresses, ip-up
	ip -n "$AC_NS" link add "$ifc" type veth peer name "sub$n" netns "$SUB_NS"
	ip -n "$AC_NS" link set "$ifc" up
	ip -n "$AC_NS" addr add "10.64.$n.1" peer "10.64.$n.2/32" dev "$ifc"
	printf 'User-Name r%s\n' "$n" >"$TMPD/radattr.$ifc"
	pppd_hook ip-up "$ifc" "10.64.$n.1" "10.64.$n.2" "$pid" "r$n" "$r" \
		ACD_SOCKET="$ACD_SOCKET" "$ACDCTL" hook ip-up || fail "hook ip-up $ifc failed"
	before=$(ctl -j show session "$ifc" | jq -cS .pppoe)
	assert_jq "$ifc's PPPoE record" "$before" .sid "$sid" .mac "$r" .interface ac0 .service "" \
		.max_payload 1500 .host_uniq "5e55$n$n" .relay_id "4e1a$n$n"
	# the state file is written 0.5 to 5 s after a change
	wait_until 8 jq -e --arg i "$ifc" --argjson s "$sid" \
		'[.. | objects | select(.ifname? == $i) | .pppoe.sid] | index($s) != null' \
		"$TMPD/state/sessions.json" >/dev/null || fail "$ifc's PPPoE record is not in the state file"

	log "acd stopped ($sig) and started beside session $sid of $r"
	listen_bg "padt-$n" "$r" 30 -c PADT
	local running
	running=$(top .sessions)
	stop_acd "$sig"
	[[ $sig != TERM ]] || assert_eq "acd's exit status at SIGTERM" 0 "$ACD_RC"
	start_acd
	# every running pppd found again in /proc, hook or none: no id given twice
	assert_eq "sessions found again after the restart" "$running" "$(top .sessions)"
	after=$(ctl -j show session "$ifc" | jq -cS .pppoe)
	assert_eq "$ifc's PPPoE record after the restart" "$before" "$after"
	alive "$pid" || fail "pppd $pid of $r did not survive acd's restart"
	assert_eq "PADTs while acd restarted" "" "$(cat "$TMPD/padt-$n")"

	log "its pppd exits: the restarted acd sends the PADT (before any discovery frame came)"
	kill -TERM "$pid"
	wait_until 5 test -s "$TMPD/padt-$n" || fail "no PADT to $r after its pppd $pid exited"
	kill "$LISTENER" 2>/dev/null || true
	wait "$LISTENER" 2>/dev/null || true
	# Host-Uniq and Relay-Session-Id echoed in it as before the restart
	assert_jq "PADT to $r" "$(head -1 "$TMPD/padt-$n")" .sid "$sid" .src "$AC_MAC" \
		.host_uniq "5e55$n$n" .relay "4e1a$n$n"
	assert_eq "PADTs to $r" 1 "$(wc -l <"$TMPD/padt-$n")"
	assert_eq "PADTs the restarted acd sent" 1 "$(st .padt_out)"
	# the ids the state file named are not given again at once
	session_ok "$(mac $((0x58 + n)))"
	((SID_NEW > sid)) || fail "session id $SID_NEW after the restart, not one after $sid"
}
log "5. restart with SIGTERM"
restart_case TERM 0
log "5. restart after kill -9"
restart_case KILL 1

stop_acd
assert_eq "acd's exit status at SIGTERM" 0 "$ACD_RC"
if grep -qE "Sanitizer|runtime error:" "$TMPD/acd.log"; then
	grep -E -A20 "Sanitizer|runtime error:" "$TMPD/acd.log" >&2
	fail "sanitizer report in acd's log"
fi
pass
