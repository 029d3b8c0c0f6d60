#!/bin/bash
# acd-lifecycle.sh - the daemon beside pppd, on the real kernel: sessions
# reported through `acdctl hook` with pppd's exact argv and environment,
# shaped from their radattr files, measured, overridden, surviving kill -9
# and a restart, dual-stack and IPv6-only (ipv6-up/ipv6-down), terminated,
# ended by ip-down, and ended when the interface vanishes without one (pppd
# killed).  Without PPP in this
# kernel the session link is a veth named ppp0 and the hooks are run as
# pppd would run them (the VM test bed runs real pppd).
set -euo pipefail
TEST_NAME=acd-lifecycle
. "$(dirname "$0")/lib.sh"

need_acd
netns_init iperf3
add_pair 0

export ACD_SOCKET=$TMPD/acd.sock
acd_conf <<CONF
[shaper]
up-mode = ifb
default-down = 3M
default-up = 1M
CONF

log "acd -n: every error at its line, past 4 KB, and the files acd reads at start"
printf 'short\n' >"$TMPD/telnet.pw"
chmod 644 "$TMPD/telnet.pw"
{
	ACD_DICT=$TMPD/no-dictionary acd_conf_head "$TMPD" debug "$TMPD" "$TMPD"
	cat <<CONF
[control]
telnet = 2324
telnet-password-file = $TMPD/telnet.pw
no equals sign
[coa]
listen = 127.0.0.1
[acd]
still none
CONF
	for i in $(seq 50); do echo "log-level = far-too-loud-$i-$(printf '%0100d' 0)"; done
} >"$TMPD/bad.conf"
rc=0; "$ACD_BIN" -n -c "$TMPD/bad.conf" >/dev/null 2>"$TMPD/err" || rc=$?
assert_eq "acd -n exit with errors" 1 "$rc"
line_of() { grep -n -m1 -F -- "$1" "$TMPD/bad.conf" | cut -d: -f1; }
for want in "$(line_of 'no equals sign'): syntax error" "$(line_of 'still none'): syntax error" \
	"$(line_of 'listen = '): [coa] listen needs at least one client" \
	"$(line_of 'telnet-password-file'): telnet-password-file $TMPD/telnet.pw: mode 644" \
	"$(line_of 'dictionary = '): $TMPD/no-dictionary: cannot open RADIUS dictionary"; do
	grep -qF -- "$TMPD/bad.conf:$want" "$TMPD/err" ||
		fail "acd -n did not report '$want'; it said: $(cat "$TMPD/err")"
done
assert_eq "acd -n error lines (5 and 50 bad log-levels)" 55 "$(wc -l <"$TMPD/err")"
(( $(wc -c <"$TMPD/err") > 4096 )) || fail "acd -n's errors should have passed 4 KB here"

stand_in_pppd PPPD

printf 'User-Name alice\nFramed-IP-Address 10.77.0.2\nRP-Downstream-Speed-Limit 10240\nRP-Upstream-Speed-Limit 5120\n' \
	>"$TMPD/radattr.ppp0"
start_acd

log "ip-up ppp0: RADIUS gives 10240/5120 kbit/s"
hook ip-up ppp0 10.77.0.1 10.77.0.2 "$PPPD" alice || fail "hook ip-up failed"
assert_eq "ppp0 tbf rate (bit/s)" 10240000 "$(tbf_bits ppp0)"
assert_eq "ifb of ppp0" ifb-ppp0 "$(ifb_devices "$AC_NS" | tr '\n' ' ' | xargs)"
assert_eq "ifb tbf rate (bit/s)" 5120000 "$(tbf_bits ifb-ppp0)"
s=$(ctl -j show sessions)
assert_jq "session table" "$s" '.[0] | [.ifname,.user,.ip,.down,.up,.source] | join(" ")' \
	"ppp0 alice 10.77.0.2 10240000 5120000 RP-Downstream-Speed-Limit,RP-Upstream-Speed-Limit"
down=$(measure_mbit down 0)
log "download measured $down Mbit/s (RADIUS: 10.24)"
# TCP payload is 1448 of 1514 bytes on the wire: -10 % still holds it
assert_band "download against RP-Downstream-Speed-Limit 10240" "$down" 9.2 10.75 Mbit/s
up=$(measure_mbit up 0)
log "upload measured $up Mbit/s (RADIUS: 5.12)"
assert_band "upload against RP-Upstream-Speed-Limit 5120" "$up" 4.6 5.4 Mbit/s
# the session's byte counters are the kernel's (AC side: tx = download)
k=$(ip -n "$AC_NS" -j -s link show dev ppp0 | jq '.[0].stats64 | "\(.rx.bytes) \(.tx.bytes)"' -r)
c=$(ctl -j show sessions | jq -r '.[] | select(.ifname == "ppp0") | "\(.rx_bytes) \(.tx_bytes)"')
log "ppp0 bytes rx/tx: kernel $k, acd $c"
read -r krx ktx <<<"$k"
read -r crx ctx <<<"$c"
(( ctx > 3000000 && crx > 1500000 )) || fail "acd's counters $c are not the traffic just sent"
(( ctx <= ktx && crx <= krx && ktx - ctx < 100000 && krx - crx < 100000 )) ||
	fail "acd's counters $c are not the kernel's $k"

log "operator override 2M/1M, then kill -9 and restart: it survives"
ctl shaper set alice 2M 1M >/dev/null || fail "shaper set failed"
assert_eq "ppp0 rate after override" 2000000 "$(tbf_bits ppp0)"
stop_acd KILL
assert_eq "shaping after kill -9" 2000000 "$(tbf_bits ppp0)"
start_acd
d=$(ctl -j show session ppp0)
assert_jq "override after restart" "$d" '[.override,.down,.up,.pppd_pid,.user] | map(tostring) | join(" ")' \
	"true 2000000 1000000 $PPPD alice"
assert_eq "ppp0 rate after restart" 2000000 "$(tbf_bits ppp0)"
assert_eq "ifbs after restart (no duplicate)" ifb-ppp0 "$(ifb_devices "$AC_NS" | tr '\n' ' ' | xargs)"
ctl shaper restore ppp0 >/dev/null
assert_eq "ppp0 rate after restore" 10240000 "$(tbf_bits ppp0)"

log "bad requests change nothing"
rc=0; ctl shaper set ppp0 10Q 1M 2>"$TMPD/err" || rc=$?
assert_eq "exit of a bad rate" 1 "$rc"
assert_contains "bad rate message" 'unknown unit "Q"' "$(cat "$TMPD/err")"
assert_eq "ppp0 rate after a bad request" 10240000 "$(tbf_bits ppp0)"
rc=0; ctl show session nosuch 2>/dev/null || rc=$?
assert_eq "exit for an unknown session" 1 "$rc"

log "a malformed radattr gives the default policy and a warning"
add_pair 1
printf 'User-Name bob\nRP-Downstream-Speed-Limit 10M\n' >"$TMPD/radattr.ppp1"
hook ip-up ppp1 10.77.1.1 10.77.1.2 "$PPPD" bob || fail "hook ip-up ppp1 failed"
assert_eq "ppp1 rate (the default)" 3000000 "$(tbf_bits ppp1)"
d=$(ctl -j show session bob)
assert_contains "warning quotes the value" '"10M"' "$(jq -r .radius_warning <<<"$d")"
assert_jq "radattr errors counted" "$(ctl -j show stat)" '.radattr_errors >= 1' true

log "ppp1 vanishes without ip-down (pppd killed): session and IFB go"
ip -n "$AC_NS" link del ppp1
# sessions_are N: acd has N sessions
sessions_are() { [[ $(ctl -j show sessions | jq length) == "$1" ]]; }
# acd waits 3 s for a late ip-down before it calls the session vanished
wait_until 8 sessions_are 1 || true
assert_eq "sessions after ppp1 vanished" 1 "$(ctl -j show sessions | jq length)"
assert_eq "ifbs after ppp1 vanished" ifb-ppp0 "$(ifb_devices "$AC_NS" | tr '\n' ' ' | xargs)"

log "pppd releases the interface before its ip-down runs: still a normal end"
add_pair 2
printf 'User-Name erin\nRP-Downstream-Speed-Limit 2048\n' >"$TMPD/radattr.ppp2"
hook ip-up ppp2 10.77.2.1 10.77.2.2 "$PPPD" erin || fail "hook ip-up ppp2 failed"
ip -n "$AC_NS" link del ppp2
wait_until 2 grep -q "sess=ppp2 user=erin event=link-gone" "$TMPD/acd.log" ||
	fail "acd did not see ppp2 go"
hook ip-down ppp2 10.77.2.1 10.77.2.2 "$PPPD" erin || fail "a late ip-down was refused"
grep -q "sess=ppp2 user=erin event=down cause=ip-down" "$TMPD/acd.log" ||
	fail "the late ip-down was not recorded as ip-down"
assert_eq "sessions after ppp2's late ip-down" 1 "$(ctl -j show sessions | jq length)"

# the monitor sees every change below; in sync once an operator's no-op
# restore of ppp0 shows up in it
"$ACDCTL" -j monitor >"$TMPD/monitor" 2>&1 &
MON=$!
BG_PIDS+=("$MON")
restored_seen() {
	ctl shaper restore ppp0 >/dev/null || fail "shaper restore ppp0 failed"
	[[ -s "$TMPD/monitor" ]]
}
wait_until 5 restored_seen || fail "acdctl monitor shows no event"
# the events of the restores still on their way are skipped below

log "IPv6CP beside IPCP: ipv6-up adds the peer's link-local to the same session, ipv6-down only removes it"
# pppd spells link-locals fe80::%04x:%04x:%04x:%04x; acd keeps the canonical text
hook ipv6-up ppp0 fe80::0000:0000:0000:0001 fe80::0000:0000:a11c:000e "$PPPD" alice ||
	fail "hook ipv6-up ppp0 failed"
assert_eq "sessions after ipv6-up on ppp0" 1 "$(ctl -j show sessions | jq length)"
assert_jq "ppp0 dual-stack" "$(ctl -j show session fe80::a11c:e)" \
	'[.ifname, .user, .ip, .ipv6, .down, .up] | map(tostring) | join(" ")' \
	"ppp0 alice 10.77.0.2 fe80::a11c:e 10240000 5120000"
assert_eq "ppp0 rate after ipv6-up" 10240000 "$(tbf_bits ppp0)"
assert_eq "ifbs after ipv6-up (no second one)" ifb-ppp0 "$(ifb_devices "$AC_NS" | tr '\n' ' ' | xargs)"
# below IPv6's minimum MTU the kernel keeps no IPv6 state for it
ip netns exec "$AC_NS" test ! -e /proc/sys/net/ipv6/conf/ifb-ppp0 ||
	fail "ifb-ppp0 has IPv6 state: its MTU is $(ip -n "$AC_NS" -o link show ifb-ppp0 | grep -o 'mtu [0-9]*')"
assert_jq "lookup by pppd's spelling" "$(ctl -j show session FE80::0000:0000:A11C:000E)" .ifname ppp0
hook ipv6-down ppp0 fe80::0000:0000:0000:0001 fe80::0000:0000:a11c:000e "$PPPD" alice ||
	fail "hook ipv6-down ppp0 failed"
assert_jq "ppp0 after ipv6-down" "$(ctl -j show session alice)" \
	'[.ip, .ipv6, .shaped] | map(tostring) | join(" ")' "10.77.0.2  true"
assert_eq "ppp0 rate after ipv6-down" 10240000 "$(tbf_bits ppp0)"

log "an IPv6-only subscriber: ipv6-up alone starts the session; IPCP comes and goes; ipv6-down ends it"
add_pair 3
printf 'User-Name frank\nRP-Downstream-Speed-Limit 4096\nRP-Upstream-Speed-Limit 2048\n' >"$TMPD/radattr.ppp3"
hook ipv6-up ppp3 fe80::0000:0000:0000:0001 fe80::0000:0000:f4a2:0001 "$PPPD" frank ||
	fail "hook ipv6-up ppp3 failed"
assert_jq "ppp3 IPv6-only" "$(ctl -j show session frank)" \
	'[.ifname, .ip, .ipv6, .down, .up, .shaped] | map(tostring) | join(" ")' \
	"ppp3  fe80::f4a2:1 4096000 2048000 true"
assert_eq "ppp3 rate" 4096000 "$(tbf_bits ppp3)"
assert_eq "ifb of ppp3 rate" 2048000 "$(tbf_bits ifb-ppp3)"
# the table's ip column: its link-local, as the session has no IPv4
assert_eq "ppp3 in show sessions" "ppp3 frank fe80::f4a2:1" \
	"$(ctl show sessions | awk '$1 == "ppp3" { print $1, $2, $3 }')"
hook ip-up ppp3 10.77.3.1 10.77.3.2 "$PPPD" frank || fail "hook ip-up ppp3 failed"
assert_jq "ppp3 dual-stack" "$(ctl -j show session 10.77.3.2)" '[.ifname, .ipv6] | join(" ")' "ppp3 fe80::f4a2:1"
hook ip-down ppp3 10.77.3.1 10.77.3.2 "$PPPD" frank || fail "hook ip-down ppp3 failed"
assert_jq "ppp3 after ip-down, IPv6 still up" "$(ctl -j show session frank)" \
	'[.ip, .ipv6, .shaped] | map(tostring) | join(" ")' " fe80::f4a2:1 true"
rc=0; ctl show session 10.77.3.2 >/dev/null 2>&1 || rc=$?
assert_eq "lookup by ppp3's former IPv4" 1 "$rc"
assert_eq "ppp3 rate after ip-down" 4096000 "$(tbf_bits ppp3)"
hook ipv6-down ppp3 fe80::0000:0000:0000:0001 fe80::0000:0000:f4a2:0001 "$PPPD" frank ||
	fail "hook ipv6-down ppp3 failed"
grep -q "sess=ppp3 user=frank event=down cause=ipv6-down" "$TMPD/acd.log" ||
	fail "ppp3's end was not recorded as ipv6-down"
assert_eq "sessions after ppp3's ipv6-down" 1 "$(ctl -j show sessions | jq length)"
assert_eq "ifbs after ppp3's ipv6-down" ifb-ppp0 "$(ifb_devices "$AC_NS" | tr '\n' ' ' | xargs)"
assert_ne "ppp3 root qdisc after ipv6-down" tbf "$(root_qdisc ppp3 "$AC_NS" | jq -r .kind)"
wait_until 5 grep -q '"session-down".*"ppp3"' "$TMPD/monitor" || true
kill "$MON"
wait "$MON" 2>/dev/null || true
assert_eq "monitor events of the IPv6 hooks" \
	"session-changed ppp0 10.77.0.2 fe80::a11c:e;session-changed ppp0 10.77.0.2 ;session-up ppp3  fe80::f4a2:1;session-changed ppp3 10.77.3.2 fe80::f4a2:1;session-changed ppp3  fe80::f4a2:1;session-down ppp3  fe80::f4a2:1;" \
	"$(jq -j '"\(.event) \(.session.ifname) \(.session.ip) \(.session.ipv6);"' "$TMPD/monitor" |
		sed 's/^\(session-changed ppp0 10.77.0.2 ;\)*//')"

log "terminate sends SIGTERM to pppd"
ctl terminate alice >/dev/null || fail "terminate failed"
wait_until 3 gone "$PPPD" || fail "pppd $PPPD still runs after terminate"

log "ip-down (what pppd runs as it exits) ends the session and clears everything"
hook ip-down ppp0 10.77.0.1 10.77.0.2 "$PPPD" alice || fail "hook ip-down failed"
assert_eq "sessions at the end" 0 "$(ctl -j show sessions | jq length)"
assert_eq "ifbs at the end" "" "$(ifb_devices "$AC_NS" | xargs)"
assert_eq "ingress qdisc at the end" null "$(qdisc_by_handle ppp0 ffff: "$AC_NS")"
assert_ne "root qdisc at the end" tbf "$(root_qdisc ppp0 "$AC_NS" | jq -r .kind)"

log "acd not answering (SIGSTOP): the hook says so after 1 s, and what follows"
kill -STOP "$ACD_PID"
rc=0; hook ip-down ppp9 10.77.9.1 10.77.9.2 "$PPPD" nobody 2>"$TMPD/err" || rc=$?
kill -CONT "$ACD_PID"
assert_eq "hook exit when acd does not answer" 3 "$rc"
assert_contains "hook message (no answer)" "did not answer within 1000 ms" "$(cat "$TMPD/err")"
assert_contains "hook message (what follows)" "ends the session when its interface goes" \
	"$(cat "$TMPD/err")"

if command -v python3 >/dev/null; then
	# hold MODE: connections to acd's socket, held until killed, a number
	# of them, connecting one after another; or "fill": without waiting,
	# until the socket's queue is full (as long as net.core.somaxconn,
	# 4096, more than acd's 256 clients), then closed: they stay queued
	# for acd to accept, each a client that is gone at once
	hold() {
		python3 -c '
import resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (16384, 16384))
held = []
while sys.argv[2] == "fill" or len(held) < int(sys.argv[2]):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.setblocking(sys.argv[2] != "fill")
    try:
        c.connect(sys.argv[1])
    except BlockingIOError:
        c.close()
        break
    held.append(c)
print(len(held), flush=True)
if sys.argv[2] == "fill":
    for c in held:
        c.close()
time.sleep(60)' "$ACD_SOCKET" "$1" >"$TMPD/held" &
		HOLD=$!
		BG_PIDS+=("$HOLD")
		wait_until 10 test -s "$TMPD/held" || fail "could not connect to acd's socket from python3"
	}
	log "acd's socket queue full (EAGAIN): the hook connects again within its second"
	kill -STOP "$ACD_PID"
	hold fill
	# acd back 0.3 s into the hook's second: the case under test
	(sleep 0.3; kill -CONT "$ACD_PID") &
	rc=0; hook ip-down ppp9 10.77.9.1 10.77.9.2 "$PPPD" nobody 2>"$TMPD/err" || rc=$?
	wait "$!" 2>/dev/null || true
	kill -CONT "$ACD_PID"
	log "$(cat "$TMPD/held") connections filled the queue"
	# the queue is the kernel's longest (a storm of pppds waits in it):
	# not the 64 it was, when 65 hooks at once made the 65th wait a second
	[ "$(cat "$TMPD/held")" -gt 256 ] ||
		fail "acd's listen queue held only $(cat "$TMPD/held") connections (net.core.somaxconn: $(sysctl -n net.core.somaxconn))"
	assert_eq "hook exit after a full queue, acd back within 1 s: $(cat "$TMPD/err")" 0 "$rc"
	kill "$HOLD"
	wait "$HOLD" 2>/dev/null || true

	log "acd refuses a monitor (256 clients already): acdctl monitor exits 1 with acd's error"
	hold 300
	# refused: acd answers with an error (exit 1), its table full
	refused() { local rc=0; ctl show stat >/dev/null 2>&1 || rc=$?; ((rc == 1)); }
	wait_until 5 refused || true
	rc=0; timeout 10 "$ACDCTL" monitor >/dev/null 2>"$TMPD/err" || rc=$?
	kill "$HOLD"
	wait "$HOLD" 2>/dev/null || true
	assert_eq "monitor exit when acd refuses" 1 "$rc"
	assert_contains "monitor message" "clients already" "$(cat "$TMPD/err")"
	wait_until 5 ctl show stat >/dev/null || true
else
	log "SKIP (part): no python3 to fill acd's socket queue"
fi

log "with acd down the hook fails fast and says so; a monitor exits 3"
"$ACDCTL" monitor >/dev/null 2>"$TMPD/monitor-err" &
MON=$!
BG_PIDS+=("$MON")
# connected, then its request on the way to acd: acd's reply (to a
# monitor: an empty ok) is not printed, so this short pause has nothing
# to wait for
has_socket() { ls -l "/proc/$1/fd" | grep -q socket; }
wait_until 5 has_socket "$MON" || true
sleep 0.2
stop_acd
rc=0; wait "$MON" || rc=$?
assert_eq "monitor exit when acd stops" 3 "$rc"
assert_contains "monitor message" "closed the stream" "$(cat "$TMPD/monitor-err")"
t0=$(date +%s%N)
rc=0; hook ip-up ppp0 10.77.0.1 10.77.0.2 "$PPPD" alice 2>"$TMPD/err" || rc=$?
t1=$(date +%s%N)
assert_eq "hook exit with acd down" 3 "$rc"
assert_contains "hook message" "unshaped until acd starts" "$(cat "$TMPD/err")"
assert_contains "hook message (the cause)" "acd is not running" "$(cat "$TMPD/err")"
(( (t1 - t0) / 1000000 < 1500 )) || fail "the hook took $(( (t1 - t0) / 1000000 )) ms with acd down"

log "a session that came up while acd was down: at start its IPs come from the link and its routes, its pppd from the pid file"
ip -n "$AC_NS" link add ppp5 type veth peer name sub5 netns "$SUB_NS"
ip -n "$AC_NS" addr add 10.77.5.1 peer 10.77.5.2 dev ppp5
ip -n "$AC_NS" link set ppp5 up
# IPv6CP as pppd 2.4.9 sets it up: its own link-local (/10), a host route
# to the peer's
ip netns exec "$AC_NS" sysctl -qw net.ipv6.conf.ppp5.disable_ipv6=0
ip -n "$AC_NS" -6 addr add fe80::5:1/10 dev ppp5 nodad
ip -n "$AC_NS" -6 route add fe80::5:2/128 dev ppp5 metric 1
"$TMPD/pppd" 600 &
PPPD5=$!
BG_PIDS+=("$PPPD5")
printf '%s\n' "$PPPD5" >"$TMPD/ppp5.pid"
printf 'RP-Downstream-Speed-Limit 4096\nRP-Upstream-Speed-Limit 1024\n' >"$TMPD/radattr.ppp5"
start_acd
assert_jq "ppp5 reconciled without a saved record" "$(ctl -j show session ppp5)" \
	'[.ip, .local_ip, .ipv6, .pppd_pid, .down] | map(tostring) | join(" ")' \
	"10.77.5.2 10.77.5.1 fe80::5:2 $PPPD5 4096000"
ctl terminate 10.77.5.2 >/dev/null || fail "terminate by the reconciled IP failed"
rc=0
wait "$PPPD5" || rc=$?
assert_eq "ppp5's stand-in pppd exit (SIGTERM)" 143 "$rc"
stop_acd
grep -q "event=vanished" "$TMPD/acd.log" || fail "acd did not log the vanished session"

log "telnet = PORT listens on 127.0.0.1 only; beyond loopback acd logs a notice"
printf 'correct horse battery\n' >"$TMPD/telnet.pw"
chmod 600 "$TMPD/telnet.pw"
cp "$TMPD/acd.conf" "$TMPD/acd.conf.orig"
for listen in 2324 0.0.0.0:2324; do
	{
		cat "$TMPD/acd.conf.orig"
		printf '[control]\ntelnet = %s\ntelnet-password-file = %s\n' "$listen" "$TMPD/telnet.pw"
	} >"$TMPD/acd.conf"
	"$ACD_BIN" -n -c "$TMPD/acd.conf" >/dev/null || fail "telnet = $listen does not check"
	n0=$(grep -c "is not a loopback address" "$TMPD/acd.log" || true)
	start_acd
	assert_eq "telnet = $listen: where it listens" "${listen/#2324/127.0.0.1:2324}" \
		"$(ip netns exec "$AC_NS" ss -Hltn 'sport = :2324' | awk '{ print $4 }')"
	stop_acd
	n=$(grep -c "is not a loopback address" "$TMPD/acd.log" || true)
	assert_eq "notices of a non-loopback telnet (telnet = $listen)" \
		"$([[ $listen == 2324 ]] && echo 0 || echo 1)" "$((n - n0))"
done
# an ASan/UBSan build of acd reports into its log (and at exit: leaks)
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
