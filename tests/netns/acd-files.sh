#!/bin/bash
# acd-files.sh - the files a session makes acd read, and what acd quotes
# from them (docs/untrusted-files.md), on the real daemon:
#   - radattr.pppN a symbolic link to a secret file: not followed; the
#     secret appears neither in acd's log (at the hook, a reload, a
#     restart) nor in `acdctl show session`, show sessions or show stat;
#   - radattr.pppN a link to a good rates file elsewhere: not applied, the
#     session gets the default policy and a warning naming the link;
#   - radattr.pppN writable by anyone: not read, the default and a warning;
#   - PPPD_PID not what pppd writes ("-1", "1 2", "4294967297",
#     "99999999999", "", "12abc"): the hook is refused with the value
#     quoted, and no session is made or changed;
#   - pppd's pid files at start-up: a link, a group-writable file or a
#     first line that is not exactly a pid gives no pid (and a log line);
#     a good one gives pppd's.
# Without PPP in this kernel the session links are veths named pppN and
# the hooks are run as pppd runs them (lib.sh's hook).
set -euo pipefail
TEST_NAME=acd-files
. "$(dirname "$0")/lib.sh"

need_acd
netns_init
export ACD_SOCKET=$TMPD/acd.sock
acd_conf <<CONF
[shaper]
up-mode = ifb
default-down = 3M
default-up = 1M
CONF

# Outside the radattr directory: what a link could point at.
SECRET=SECRETc0ffee7f3a9
mkdir -m 700 "$TMPD/etc"
printf 'root:$y$j9T$%s$hash:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n' "$SECRET" \
	>"$TMPD/etc/shadow"
chmod 600 "$TMPD/etc/shadow"
printf 'User-Name mallory\nRP-Downstream-Speed-Limit 10240\nRP-Upstream-Speed-Limit 5120\n' \
	>"$TMPD/etc/rates"

# no_secret WHERE TEXT: nothing of the secret file in TEXT
no_secret() {
	[[ "$2" != *"$SECRET"* && "$2" != *'root:$y$'* ]] ||
		fail "$1 shows the content of the file radattr.ppp0 links to: $2"
}

# found at acd's start (reconciled) and then reported by their hooks
for n in 0 1 2; do add_pair "$n"; done
ln -s "$TMPD/etc/shadow" "$TMPD/radattr.ppp0"
ln -s "$TMPD/etc/rates" "$TMPD/radattr.ppp1"
printf 'User-Name carol\nRP-Downstream-Speed-Limit 2048\nRP-Upstream-Speed-Limit 512\n' >"$TMPD/radattr.ppp2"
chmod 666 "$TMPD/radattr.ppp2"
printf 'User-Name dave\nRP-Downstream-Speed-Limit 4096\n' >"$TMPD/radattr.ppp5"

stand_in_pppd PPPD
start_acd

log "ppp0: radattr.ppp0 is a link to a secret file"
hook ip-up ppp0 10.77.0.1 10.77.0.2 "$PPPD" alice || fail "hook ip-up ppp0 failed"
assert_eq "ppp0 rate (the default)" 3000000 "$(tbf_bits ppp0)"
d=$(ctl -j show session ppp0)
no_secret "acdctl -j show session ppp0" "$d"
no_secret "acdctl show session ppp0" "$(ctl show session ppp0)"
assert_jq "ppp0" "$d" '[.user, .source, .down, .up] | map(tostring) | join(" ")' "alice default 3000000 1000000"
assert_contains "ppp0 warning" "$TMPD/radattr.ppp0: a symbolic link, not followed" \
	"$(jq -r .radius_warning <<<"$d")"
assert_contains "ppp0 warning" "using the default policy" "$(jq -r .radius_warning <<<"$d")"

log "ppp1: radattr.ppp1 is a link to a good rates file elsewhere: not applied"
hook ip-up ppp1 10.77.1.1 10.77.1.2 "$PPPD" bob || fail "hook ip-up ppp1 failed"
assert_eq "ppp1 rate (the default, not the linked 10240 kbit/s)" 3000000 "$(tbf_bits ppp1)"
assert_eq "ppp1 upload rate (the default, not the linked 5120 kbit/s)" 1000000 "$(tbf_bits ifb-ppp1)"
d=$(ctl -j show session ppp1)
assert_jq "ppp1" "$d" '[.user, .source, .radius_down] | map(tostring) | join(" ")' "bob default 3000000"
assert_contains "ppp1 warning" "$TMPD/radattr.ppp1: a symbolic link, not followed" \
	"$(jq -r .radius_warning <<<"$d")"

log "ppp2: radattr.ppp2 is writable by anyone: not pppd's"
hook ip-up ppp2 10.77.2.1 10.77.2.2 "$PPPD" carol || fail "hook ip-up ppp2 failed"
assert_eq "ppp2 rate (the default)" 3000000 "$(tbf_bits ppp2)"
assert_contains "ppp2 warning" "radattr.ppp2: mode 666 lets anyone write it" \
	"$(ctl -j show session ppp2 | jq -r .radius_warning)"

log "PPPD_PID that pppd never writes: the hook is refused, no session changes"
# ppp5 comes after acd's start and without an address: neither found at
# the start nor adopted, so a session ppp5 can come only from a hook
ip -n "$AC_NS" link add ppp5 type veth peer name sub5 netns "$SUB_NS"
ip -n "$AC_NS" link set ppp5 up
for bad in -1 '1 2' 4294967297 99999999999 '' 12abc; do
	rc=0
	hook ip-up ppp5 10.77.5.1 10.77.5.2 "$bad" dave 2>"$TMPD/err" || rc=$?
	assert_eq "exit of a hook with PPPD_PID '$bad'" 1 "$rc"
	assert_contains "message for PPPD_PID '$bad'" "PPPD_PID \"$bad\" is not a process id" "$(cat "$TMPD/err")"
	rc=0; ctl show session ppp5 >/dev/null 2>&1 || rc=$?
	assert_eq "a session ppp5 after PPPD_PID '$bad'" 1 "$rc"
	rc=0
	hook ip-up ppp2 10.77.2.1 10.77.2.2 "$bad" carol 2>/dev/null || rc=$?
	assert_eq "exit of a repeated hook for ppp2 with PPPD_PID '$bad'" 1 "$rc"
	assert_jq "ppp2 after a hook with PPPD_PID '$bad'" "$(ctl -j show session ppp2)" \
		'[.pppd_pid, .ip] | map(tostring) | join(" ")' "$PPPD 10.77.2.2"
done
grep -q 'sess=ppp5 event=ip-up refused: PPPD_PID "4294967297" is not a process id' "$TMPD/acd.log" ||
	fail "acd did not log the refused PPPD_PID"
assert_eq "ppp5 root qdisc (never shaped)" noqueue "$(root_qdisc ppp5 | jq -r .kind)"
hook ip-up ppp5 10.77.5.1 10.77.5.2 "$PPPD" dave || fail "hook ip-up ppp5 with pppd's pid failed"
assert_jq "ppp5" "$(ctl -j show session ppp5)" '[.pppd_pid, .down] | map(tostring) | join(" ")' \
	"$PPPD 4096000"

log "a reload and a restart read radattr.ppp0 again: still nothing of the secret"
ctl reload >/dev/null || fail "reload failed"
stop_acd
log "pppd's pid files for sessions found at start-up (no saved record)"
for n in 6 7 8 9; do
	add_pair "$n"
	printf 'User-Name u%s\nRP-Downstream-Speed-Limit 2048\n' "$n" >"$TMPD/radattr.ppp$n"
done
printf '%s\n' "$PPPD" >"$TMPD/etc/pid"
ln -s "$TMPD/etc/pid" "$TMPD/ppp6.pid"
printf '%s abc\n' "$PPPD" >"$TMPD/ppp7.pid"
printf '%s\n' "$PPPD" >"$TMPD/ppp8.pid"
printf '%s\n' "$PPPD" >"$TMPD/ppp9.pid"
chmod 664 "$TMPD/ppp9.pid"
start_acd
wait_until 10 ctl show session ppp9 >/dev/null 2>&1 || fail "ppp9 was not found at start-up"
for n in 6 7 9; do
	assert_jq "ppp$n (refused pid file)" "$(ctl -j show session "ppp$n")" \
		'[.user, .pppd_pid, .down] | map(tostring) | join(" ")' "u$n 0 2048000"
done
assert_jq "ppp8 (pppd's pid file)" "$(ctl -j show session ppp8)" \
	'[.user, .pppd_pid, .down] | map(tostring) | join(" ")' "u8 $PPPD 2048000"
grep -q "sess=ppp6 event=pid-file-refused $TMPD/ppp6.pid: a symbolic link, not followed" "$TMPD/acd.log" ||
	fail "no log line for the linked pid file ppp6.pid"
grep -q "sess=ppp7 event=pid-file-refused $TMPD/ppp7.pid: \"$PPPD abc\" is not a process id" "$TMPD/acd.log" ||
	fail "no log line for ppp7.pid, whose line is not a pid"
grep -q "sess=ppp9 event=pid-file-refused $TMPD/ppp9.pid: mode 664 lets its group write it" "$TMPD/acd.log" ||
	fail "no log line for the group-writable ppp9.pid"
# found again at the start, still the default and the warning
assert_eq "ppp0 rate after the restart" 3000000 "$(tbf_bits ppp0)"
assert_eq "ppp1 rate after the restart" 3000000 "$(tbf_bits ppp1)"
d=$(ctl -j show session ppp0)
assert_contains "ppp0 warning after the restart" "a symbolic link, not followed" "$(jq -r .radius_warning <<<"$d")"

log "nowhere a trace of the secret"
no_secret "acdctl -j show session ppp0" "$d"
no_secret "acdctl show session ppp0" "$(ctl show session ppp0)"
no_secret "acdctl -j show sessions" "$(ctl -j show sessions)"
no_secret "acdctl -j show stat" "$(ctl -j show stat)"
no_secret "acd's log" "$(cat "$TMPD/acd.log")"
grep -q "$TMPD/radattr.ppp0: a symbolic link, not followed" "$TMPD/acd.log" ||
	fail "acd's log does not say why radattr.ppp0 was not read"
pass
