#!/bin/bash
# acd-telnet.sh - the telnet management interface: off unless configured,
# a password from a root-only file, the shared command table, bounded
# lines, limited clients.
set -euo pipefail
TEST_NAME=acd-telnet
. "$(dirname "$0")/lib.sh"

need_acd
netns_init
add_pair 0
printf 'User-Name carol\nRP-Downstream-Speed-Limit 4096\nRP-Upstream-Speed-Limit 1024\n' >"$TMPD/radattr.ppp0"
export ACD_SOCKET=$TMPD/acd.sock
printf 'correct horse battery\n' >"$TMPD/pw"
chmod 600 "$TMPD/pw"
conf() { # telnet setting
	{
		acd_conf_head
		cat <<CONF
[control]
$1
telnet-max-clients = 2
telnet-idle-timeout = 10s
[shaper]
up-mode = ifb
CONF
	} >"$TMPD/acd.conf"
}
# session LINES...: one telnet session to 127.0.0.1:2323 in the AC namespace;
# prints what the server sent (CRs and telnet option bytes removed)
session() {
	ip netns exec "$AC_NS" bash -c '
		trap "" PIPE
		exec 3<>/dev/tcp/127.0.0.1/2323 || exit 9
		for l in "$@"; do printf "%s\r\n" "$l" >&3 2>/dev/null; sleep 0.1; done
		timeout 2 cat <&3; true' _ "$@" | tr -d '\r\373\374\377\001'
}

log "telnet is off unless configured"
conf ""
start_acd
rc=0; ip netns exec "$AC_NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/2323' 2>/dev/null || rc=$?
assert_ne "connect with telnet off" 0 "$rc"
stop_acd

log "a password file others can read is refused, and acd says why"
conf "telnet = 127.0.0.1:2323
telnet-password-file = $TMPD/pw"
chmod 640 "$TMPD/pw"
rc=0; ip netns exec "$AC_NS" timeout 5 "$ACD_BIN" -d -c "$TMPD/acd.conf" 2>"$TMPD/err" || rc=$?
assert_eq "acd exit with a readable password file" 1 "$rc"
assert_contains "message" "chmod 600" "$(cat "$TMPD/err")"
chmod 600 "$TMPD/pw"

log "telnet needs the password; then the shared commands work"
start_acd
out=$(session "not it" "show sessions" "also wrong" "still wrong" "show sessions")
assert_contains "prompt" "Password:" "$out"
assert_contains "three wrong passwords" "too many tries" "$out"
[[ "$out" == *"carol"* ]] && fail "commands ran without the password: $out"
out=$(session "correct horse battery" "show sessions" "shaper set carol 3M 512k" \
	"show session ppp0" "shaper set carol 3Q 1M" "sh sess" "quit")
assert_contains "session table" "carol" "$out"
assert_contains "override applied" "source             operator" "$out"
assert_contains "bad rate" 'error: down rate "3Q": unknown unit "Q"' "$out"
assert_contains "no abbreviations" 'error: unknown command "sh"' "$out"
assert_contains "quit" "bye" "$out"
assert_eq "ppp0 rate set over telnet" 3000000 "$(root_qdisc ppp0 "$AC_NS" | jq -r '.options.rate * 8')"
assert_jq "the same session over the socket" "$("$ACDCTL" -j show session carol)" '.override' true

log "an over-long line is refused, the connection stays"
long=$(head -c 3000 /dev/zero | tr '\0' x)
out=$(session "correct horse battery" "$long" "show stat")
assert_contains "long line" "longer than 1024 bytes" "$out"
assert_contains "still serving" "sessions_up" "$out"

log "at most telnet-max-clients (2) at once"
ip netns exec "$AC_NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/2323; exec 4<>/dev/tcp/127.0.0.1/2323; sleep 3' &
BG_PIDS+=("$!")
sleep 0.5
out=$(session "correct horse battery")
assert_contains "third client" "too many telnet clients" "$out"
grep -q "wrong password" "$TMPD/acd.log" || fail "wrong passwords were not logged"
grep -q "correct horse" "$TMPD/acd.log" && fail "the password appeared in the log"
stop_acd
# an ASan/UBSan build of acd reports into its log (and at exit: leaks)
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
