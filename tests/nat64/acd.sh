#!/bin/bash
# acd.sh - acd's [nat64] section against the stand-in jool (fake-jool): no
# root, no module.  acd -n reports [nat64] errors as file:line with acd's
# own; acd applies the section at start (one jool file handle), shows it
# in `show nat64` and `show stat`, re-applies what drifted (the instance
# removed behind its back, as after a module reload) at the next check and
# logs it, applies a changed pool4 at SIGHUP, keeps the running NAT64 when
# the reloaded file is bad, and leaves it running when acd stops.
set -euo pipefail
ACD_BIN=${ACD_BIN:?ACD_BIN is not set (ctest sets it)}
ACDCTL=${ACDCTL:?ACDCTL is not set (ctest sets it)}
ACD_DICT=${ACD_DICT:?ACD_DICT is not set (ctest sets it)}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common/lib.sh
. "$HERE/../common/lib.sh"
# shellcheck source=../common/acd.sh
. "$HERE/../common/acd.sh"
T=$(mktemp -d /tmp/acd-nat64.XXXXXX)
ACD_PID=
cleanup() {
	set +e
	[[ -z $ACD_PID ]] || { kill "$ACD_PID" 2>/dev/null; wait "$ACD_PID" 2>/dev/null; }
	rm -rf -- "$T"
}
trap cleanup EXIT
fail() {
	printf 'FAIL: acd-nat64: %s\n' "$*" >&2
	[[ -e $T/acd.log ]] && sed 's/^/  acd: /' "$T/acd.log" >&2
	exit 1
}
log() { printf '[acd-nat64] %s\n' "$*" >&2; }

export FAKE_JOOL_DIR=$T/jool NAT64CTL_JOOL=$HERE/fake-jool NAT64CTL_SYSFS_MODULE=$T/sys
export NAT64CTL_PROC_SYS=$T/proc NAT64CTL_MODPROBE="" NAT64CTL_TMPDIR=$T/tmp
export ACD_SOCKET=$T/acd.sock
mkdir -p "$FAKE_JOOL_DIR" "$T/sys/jool" "$T/proc/net/ipv4" "$T/tmp"
echo 4.1.9.0 >"$T/sys/jool/version"
printf '32768\t60999\n' >"$T/proc/net/ipv4/ip_local_port_range"
handled() { [[ -e $FAKE_JOOL_DIR/handled.log ]] && wc -l <"$FAKE_JOOL_DIR/handled.log" || echo 0; }

conf() { # conf POOL4-LINE...
	{
		acd_conf_head "$T" info
		cat <<CONF
[acd]
nat64-check-interval = 10s
[nat64]
instance = acdtest
pool6 = 64:ff9b::/96
CONF
	} >"$T/acd.conf"
	for l in "$@"; do printf 'pool4 = %s\n' "$l" >>"$T/acd.conf"; done
}
# line_of TEXT: the number of the first line of acd.conf that has TEXT
line_of() { grep -n -m1 -F -- "$1" "$T/acd.conf" | cut -d: -f1; }

log "acd -n: [nat64] mistakes are file:line errors beside acd's own"
conf "192.0.2.1 tcp 0-10" "192.0.2.1 udp 61001-65535"
printf 'bogus = 1\n[shaper]\nup-mode = fast\n' >>"$T/acd.conf"
out=$("$ACD_BIN" -n -c "$T/acd.conf" 2>&1) && fail "acd -n accepted a bad [nat64]: $out"
[[ $out == *"$T/acd.conf:$(line_of 'pool4 = 192.0.2.1 tcp 0-10'): pool4 \"192.0.2.1 tcp 0-10\""* ]] ||
	fail "no pool4 error with its line: $out"
[[ $out == *"$T/acd.conf:$(line_of 'bogus = 1'): unknown key \"bogus\" in [nat64]"* ]] ||
	fail "no unknown-key error: $out"
[[ $out == *"$T/acd.conf:$(line_of 'up-mode = fast'): up-mode \"fast\""* ]] || fail "acd's own error is missing: $out"

log "start: the section is applied once (one atomic jool file handle)"
conf "192.0.2.1 tcp,udp 61001-65535" "192.0.2.1 icmp"
"$ACD_BIN" -n -c "$T/acd.conf" >/dev/null || fail "the good config does not check"
acd_start "$T/acd.conf" "$T/acd.log" || fail "acd did not answer on $ACD_SOCKET"
nat64_running() { [[ $("$ACDCTL" -j show nat64 | jq -r '.running') == true ]]; }
wait_until 10 nat64_running || true
s=$("$ACDCTL" -j show nat64) || fail "show nat64 failed"
[[ $(jq -r .running <<<"$s") == true ]] || fail "acd did not bring the instance up: $s"
[[ $(handled) == 1 ]] || fail "expected one jool file handle at start, got $(handled)"
[[ $(jq -r '.pool6' <<<"$s") == 64:ff9b::/96 ]] || fail "pool6: $s"
[[ $(jq -r '[.pool4[] | .protocol] | sort | join(",")' <<<"$s") == ICMP,TCP,UDP ]] || fail "pool4: $s"
[[ $(jq -r '.pool4[] | select(.protocol == "TCP") | .capacity' <<<"$s") == 4535 ]] ||
	fail "TCP capacity (61001-65535 on one address): $s"
[[ $("$ACDCTL" -j show stat | jq -r '.nat64.enabled') == true ]] || fail "show stat has no nat64"
t=$("$ACDCTL" show nat64) || fail "show nat64 (table) failed"
[[ $t == *"used_pct"*"0.00"* && $t == *"protocol"*"ICMP"* ]] || fail "show nat64 as text lacks the pool4 entries: $t"
grep -q "nat64: applied (start)" "$T/acd.log" || fail "the apply at start was not logged"

log "drift: the instance vanishes (module reloaded); the next check re-applies and logs it"
rm -f "$FAKE_JOOL_DIR"/inst-acdtest.json
t0=$(date +%s)
wait_until 15 test -e "$FAKE_JOOL_DIR/inst-acdtest.json" ||
	fail "the vanished instance was not re-applied within 15 s"
log "re-applied after $(($(date +%s) - t0)) s (check interval 10 s)"
wait_until 2 grep -q "nat64: drift: " "$T/acd.log" || fail "the drift was not logged"
[[ -e $FAKE_JOOL_DIR/inst-acdtest.json ]] || fail "no instance after the re-apply"

log "SIGHUP with a changed pool4: applied at once; a bad file keeps everything"
conf "192.0.2.1 tcp,udp 62000-65535" "192.0.2.1 icmp"
kill -HUP "$ACD_PID"
wait_until 5 grep -q "nat64: applied (reload)" "$T/acd.log" || fail "the reloaded pool4 was not applied"
n=$(handled)
[[ $(jq -r '[.pool4[] | select(.protocol == "TCP")][0]."port range"' "$FAKE_JOOL_DIR/inst-acdtest.json") == 62000-65535 ]] ||
	fail "jool did not get the new port range: $(cat "$FAKE_JOOL_DIR/inst-acdtest.json")"
conf "192.0.2.1 tcp,udp 62000-65535" "192.0.2.0/33 icmp"
kill -HUP "$ACD_PID"
wait_until 5 grep -q "reload: config has errors, the running config stays" "$T/acd.log" ||
	fail "the bad reload was not refused"
[[ $(handled) == "$n" ]] || fail "a bad reload reached jool"

"$ACDCTL" show stat >/dev/null || fail "acd stopped answering"
acd_stop || fail "acd had exited before it was stopped"
ACD_PID=
[[ -e $FAKE_JOOL_DIR/inst-acdtest.json ]] || fail "stopping acd removed the NAT64 (it must stay)"
grep -E "runtime error|Sanitizer" "$T/acd.log" && fail "sanitizer report"
echo "PASS: acd-nat64"
