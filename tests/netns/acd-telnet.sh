#!/bin/bash
# acd-telnet.sh - the telnet management interface: off unless configured,
# a password from a root-only file, the shared command table, bounded
# lines, limited clients, a pause after a wrong password, a login deadline
# that typing does not move, idle clients closed.
set -euo pipefail
TEST_NAME=acd-telnet
. "$(dirname "$0")/lib.sh"

need_acd
netns_init python3 telnet
add_pair 0
printf 'User-Name carol\nRP-Downstream-Speed-Limit 4096\nRP-Upstream-Speed-Limit 1024\n' >"$TMPD/radattr.ppp0"
export ACD_SOCKET=$TMPD/acd.sock
printf 'correct horse battery\n' >"$TMPD/pw"
chmod 600 "$TMPD/pw"
conf() { # telnet setting
	acd_conf <<CONF
[control]
$1
telnet-max-clients = 2
telnet-idle-timeout = 10s
[shaper]
up-mode = ifb
CONF
}
# session LINES...: one telnet session to 127.0.0.1:2323 in the AC namespace,
# the lines $GAP seconds apart (default 0.1); prints what the server sent
# (CRs and telnet option bytes removed)
session() {
	ip netns exec "$AC_NS" bash -c '
		trap "" PIPE
		exec 3<>/dev/tcp/127.0.0.1/2323 || exit 9
		gap=$1; shift
		for l in "$@"; do printf "%s\r\n" "$l" >&3 2>/dev/null; sleep "$gap"; done
		timeout 2 cat <&3; true' _ "${GAP:-0.1}" "$@" | tr -d '\r\373\374\377\001'
}
# bytes_session CHUNK...: one telnet session; each CHUNK (a Python bytes
# literal, b"...") is sent in a send of its own, $GAP seconds (default 0.3)
# after the one before, with Nagle off so each goes out at once; prints what
# the server sent (CRs and telnet option bytes removed)
bytes_session() {
	ip netns exec "$AC_NS" python3 -c '
import ast, os, socket, sys, time
s = socket.create_connection(("127.0.0.1", 2323))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
gap = float(os.environ.get("GAP") or 0.3)
for chunk in sys.argv[1:]:
    time.sleep(gap)
    s.sendall(ast.literal_eval(chunk))
s.settimeout(2)
out = b""
while True:
    try:
        d = s.recv(65536)
    except (socket.timeout, ConnectionResetError):
        break
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)' "$@" | tr -d '\r\373\374\375\377\001\003'
}
# telnet_conns N: wait until acd's side has N established telnet connections
conns() { ip netns exec "$AC_NS" ss -Htn state established '( sport = :2323 )' | wc -l; }
conns_are() { [[ $(conns) == "$1" ]]; }
telnet_conns() { wait_until 5 conns_are "$1" || fail "acd has $(conns) telnet connections, not $1"; }
# held HOW: connect, then "trickle" (a byte every 0.5 s, never a whole line)
# or "login" (the password, then silence); prints after how many seconds
# acd closed the connection (15 if it did not)
held() {
	ip netns exec "$AC_NS" bash -c '
		trap "" PIPE
		exec 3<>/dev/tcp/127.0.0.1/2323 || exit 9
		t0=$(date +%s.%N)
		case $1 in
		trickle) (for _ in $(seq 30); do printf x >&3 || exit 0; sleep 0.5; done) 2>/dev/null & ;;
		login) printf "correct horse battery\r\n" >&3 ;;
		esac
		timeout 15 cat <&3 >/dev/null
		awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN { printf \"%.1f\n\", b - a }"' _ "$1"
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
out=$(GAP=2 session "not it" "also wrong" "still wrong" "show sessions")
assert_contains "prompt" "Password:" "$out"
assert_contains "three wrong passwords" "too many tries" "$out"
[[ "$out" == *"carol"* ]] && fail "commands ran without the password: $out"

log "after a wrong password the next prompt waits 1 s, and what comes meanwhile is dropped"
out=$(session "not it" "correct horse battery" "show sessions")
[[ "$out" == *"carol"* ]] && fail "a password sent during the pause was taken: $out"
assert_eq "prompts (the first, and one after the pause)" 2 "$(grep -o "Password:" <<<"$out" | wc -l)"
out=$(GAP=2 session "not it" "correct horse battery" "show sessions" "quit")
assert_contains "the password after the pause" "carol" "$out"
out=$(session "correct horse battery" "show sessions" "shaper set carol 3M 512k" \
	"show session ppp0" "shaper set carol 3Q 1M" "sh sess" "quit")
assert_contains "session table" "carol" "$out"
assert_contains "override applied" "source             operator" "$out"
assert_contains "bad rate" 'error: down rate "3Q": unknown unit "Q"' "$out"
grep -q "sess=ppp0 user=carol event=override down=3000000 up=512000 by=telnet:127.0.0.1" "$TMPD/acd.log" ||
	fail "the override over telnet was not logged with who asked"
assert_contains "no abbreviations" 'error: unknown command "sh"' "$out"
assert_contains "quit" "bye" "$out"
assert_eq "ppp0 rate set over telnet" 3000000 "$(root_qdisc ppp0 "$AC_NS" | jq -r '.options.rate * 8')"
assert_jq "the same session over the socket" "$("$ACDCTL" -j show session carol)" '.override' true

log "CR NUL ends a line as CR LF does (RFC 854, RFC 1123 3.3.1), within a read and across reads"
out=$(bytes_session 'b"correct horse battery\r\0show session ppp0\r\0quit\r\0"')
assert_contains "CR NUL in one read: logged in, the command ran" "carol" "$out"
assert_contains "CR NUL in one read: quit" "bye" "$out"
# the CR at the end of one read, its NUL or LF at the start of the next:
# the NUL is not the next line's first byte, nor the LF an empty line
out=$(bytes_session 'b"correct horse battery\r"' 'b"\0show session ppp0\r"' 'b"\nshow stat\r"' 'b"\0quit\r"' 'b"\0"')
assert_contains "CR | NUL across reads: logged in, the command ran" "carol" "$out"
assert_contains "CR | LF across reads: the next command ran" "sessions_up" "$out"
assert_contains "across reads: quit" "bye" "$out"
assert_eq "prompts across reads (login, show session, show stat; none for an empty line)" 3 \
	"$(grep -o "acd> " <<<"$out" | wc -l)"
# every byte in a send of its own
# shellcheck disable=SC2046 # one argument per byte
out=$(GAP=0.01 bytes_session $(printf 'correct horse battery\r\0show session ppp0\r\0quit\r\0' |
	od -An -v -tx1 | xargs printf 'b"\\x%s" '))
assert_contains "byte by byte: logged in, the command ran" "carol" "$out"
assert_contains "byte by byte: quit" "bye" "$out"
# a wrong password ended by CR NUL counts once: its NUL, coming after the
# next prompt, is not a second (empty) try, which would bring a third prompt
out=$(GAP=1.5 bytes_session 'b"not it\r"' 'b"\0"' | grep -c "Password:" || true)
assert_eq "prompts: the first, and one after the pause" 2 "$out"

log "the telnet client in character mode (Enter sends CR NUL) logs in and runs commands"
# a real terminal: telnet runs on a pty; ^] then "mode character", as a user would
out=$(ip netns exec "$AC_NS" python3 -c '
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("telnet", ["telnet", "127.0.0.1", "2323"])
seen = b""
def expect(what, secs=5):
    global seen
    end = time.time() + secs
    while what not in seen and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            if not d:
                break
            seen += d
    if what not in seen:
        sys.stdout.buffer.write(seen)
        sys.exit("telnet: no %r within %d s" % (what, secs))
    seen = seen[seen.index(what) + len(what):]
expect(b"Password: ")
os.write(fd, b"\x1d")
expect(b"telnet> ")
os.write(fd, b"mode character\r")
time.sleep(0.5)
os.write(fd, b"correct horse battery\r")
expect(b"acd> ")
os.write(fd, b"show session ppp0\r")
expect(b"carol")
expect(b"acd> ")
os.write(fd, b"quit\r")
expect(b"bye")
print("logged in, ran a command, quit")' 2>&1) || fail "telnet in character mode: $out"
assert_contains "telnet in character mode" "logged in, ran a command, quit" "$out"

log "an over-long line is refused, the connection stays"
long=$(head -c 3000 /dev/zero | tr '\0' x)
out=$(session "correct horse battery" "$long" "show stat")
assert_contains "long line" "longer than 1024 bytes" "$out"
assert_contains "still serving" "sessions_up" "$out"

log "at most telnet-max-clients (2) at once"
ip netns exec "$AC_NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/2323; exec 4<>/dev/tcp/127.0.0.1/2323; sleep 3' &
BG_PIDS+=("$!")
telnet_conns 2
out=$(session "correct horse battery")
assert_contains "third client" "too many telnet clients" "$out"
wait "${BG_PIDS[-1]}" 2>/dev/null || true
telnet_conns 0

log "telnet-idle-timeout (10s): before login typing does not move the deadline; after it, silence closes"
held trickle >"$TMPD/t-trickle" &
BG_PIDS+=("$!")
held login >"$TMPD/t-login" &
BG_PIDS+=("$!")
wait "${BG_PIDS[-2]}" "${BG_PIDS[-1]}" || true
assert_band "time to close a client that types but never logs in" "$(cat "$TMPD/t-trickle")" 9 12 s
assert_band "time to close a silent logged-in client" "$(cat "$TMPD/t-login")" 9 12 s
grep -q "telnet: 127.0.0.1 did not log in within 10s: closed" "$TMPD/acd.log" ||
	fail "the login deadline was not logged"
grep -q "telnet: 127.0.0.1 idle for 10s: closed" "$TMPD/acd.log" || fail "the idle close was not logged"
grep -q "wrong password" "$TMPD/acd.log" || fail "wrong passwords were not logged"
grep -q "correct horse" "$TMPD/acd.log" && fail "the password appeared in the log"
stop_acd
# an ASan/UBSan build of acd reports into its log (and at exit: leaks)
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
