#!/bin/bash
# acd-perms.sh - who may run which control command: the socket's group
# reads (show, monitor), changes (shaper set/restore, terminate, reload)
# need root or [control] admin-group, hook needs root; a refusal says what
# the command needs, and is logged.  The groups are the caller's own at
# connect (a group it dropped does not count), and a reload applies a new
# admin-group to the next request.
set -euo pipefail
TEST_NAME=acd-perms
. "$(dirname "$0")/lib.sh"

need_acd
netns_init setpriv useradd userdel groupadd groupdel gpasswd

# a user and two groups of our own, gone at exit
G_READ=acdt-rd-$$ G_ADM=acdt-adm-$$ OP=acdt-op-$$
# shellcheck disable=SC2317 # run from the EXIT trap
accounts_gone() {
	userdel "$OP" 2>/dev/null
	groupdel "$G_ADM" 2>/dev/null
	groupdel "$G_READ" 2>/dev/null
	return 0
}
# set +e: under set -e a failing status would end the trap before _cleanup
trap 'rc=$?; set +e; accounts_gone; (exit $rc); _cleanup' EXIT
groupadd "$G_READ" || fail "groupadd $G_READ failed"
groupadd "$G_ADM" || fail "groupadd $G_ADM failed"
useradd -M -N -g "$G_READ" -s /usr/sbin/nologin -d /nonexistent "$OP" || fail "useradd $OP failed"
OP_UID=$(id -u "$OP")
GID_READ=$(getent group "$G_READ" | cut -d: -f3)
GID_ADM=$(getent group "$G_ADM" | cut -d: -f3)

add_pair 0
printf 'User-Name carol\nRP-Downstream-Speed-Limit 4096\nRP-Upstream-Speed-Limit 1024\n' >"$TMPD/radattr.ppp0"
export ACD_SOCKET=$TMPD/acd.sock
chmod 711 "$TMPD" # the socket's mode and group decide who reaches it
conf() { # [ADMIN-GROUP]
	acd_conf <<CONF
[shaper]
up-mode = ifb
[control]
group = $G_READ
${1:+admin-group = $1}
CONF
}
conf
start_acd
stand_in_pppd PPPD
hook ip-up ppp0 10.77.0.1 10.77.0.2 "$PPPD" carol || fail "hook ip-up failed"
assert_eq "ppp0 shaped from RADIUS" 4096000 "$(tbf_bits ppp0)"

# op ARGS...: acdctl as $OP with the groups /etc/group gives it; its exit
# status in rc, stdout in out, stderr in err
op() {
	rc=0
	out=$(setpriv --reuid="$OP" --regid="$GID_READ" --init-groups "$ACDCTL" "$@" 2>"$TMPD/err") || rc=$?
	err=$(cat "$TMPD/err")
}
# refused WHAT NEEDS ARGS...: acdctl ARGS as $OP exits 1 with acd's message
# "WHAT: needs NEEDS"
refused() {
	local what=$1 needs=$2
	shift 2
	op "$@"
	[[ $rc == 1 ]] || fail "acdctl $* as $OP: exit $rc, want 1 (refused); stderr: $err"
	assert_contains "acdctl $* as $OP" "$what: needs $needs" "$err"
}

log "the socket's group reads: show sessions, show session, show stat, monitor"
op show sessions
assert_eq "show sessions as $OP: exit" 0 "$rc"
assert_contains "show sessions as $OP" carol "$out"
ping_sub 0
op -j show session ppp0
assert_jq "show session as $OP" "$out" .user carol '.tx_bytes > 0 and .rx_bytes > 0' true
op -j show stat
assert_jq "show stat as $OP" "$out" .protocol 1
# a refused monitor exits 1 at once; an accepted one runs until killed
rc=0
timeout 2 setpriv --reuid="$OP" --regid="$GID_READ" --init-groups "$ACDCTL" monitor \
	>/dev/null 2>"$TMPD/err" || rc=$?
assert_eq "monitor as $OP (killed by timeout: it ran)" 124 "$rc"

log "without admin-group, changes are root's: refused, and the message says so"
refused terminate "admin (root: [control] admin-group is not set)" terminate ppp0
refused "shaper set" admin shaper set ppp0 3M 1M
refused "shaper restore" admin shaper restore ppp0
refused reload admin reload
refused hook "root (hooks are pppd's: only root may report sessions)" \
	hook ip-down ppp0 /dev/pts/7 0 10.77.0.1 10.77.0.2
op -j terminate ppp0
assert_jq "a refusal in JSON" "$out" .code EPERM
alive "$PPPD" || fail "pppd was signalled by a refused terminate"
assert_eq "ppp0's rate after a refused shaper set" 4096000 "$(tbf_bits ppp0)"
grep -qE "ctl: terminate ppp0 refused: by=uid:$OP_UID pid=[0-9]+: needs admin" "$TMPD/acd.log" ||
	fail "the refused terminate was not logged with who asked"
grep -qE "ctl: hook ip-down refused: by=uid:$OP_UID pid=[0-9]+: needs root" "$TMPD/acd.log" ||
	fail "the refused hook was not logged with who asked"
assert_jq "no session was lost" "$(ctl -j show sessions)" length 1

log "admin-group set (reload), $OP not in it yet: still refused, the group named"
conf "$G_ADM"
ctl reload >/dev/null || fail "reload as root failed"
refused "shaper set" "admin (root or a member of [control] admin-group \"$G_ADM\")" \
	shaper set ppp0 3M 1M

log "$OP added to $G_ADM: it may change things now; hook stays root's"
gpasswd -a "$OP" "$G_ADM" >/dev/null || fail "gpasswd -a $OP $G_ADM failed"
op shaper set ppp0 3M 1M
assert_eq "shaper set as a member of admin-group: exit (stderr: $err)" 0 "$rc"
assert_eq "ppp0's rate set by a member of admin-group" 3000000 "$(tbf_bits ppp0)"
grep -qF "sess=ppp0 user=carol event=override down=3000000 up=1000000 by=uid:$OP_UID" "$TMPD/acd.log" ||
	fail "the override was not logged with who asked"
op shaper restore ppp0
assert_eq "shaper restore as admin: exit (stderr: $err)" 0 "$rc"
assert_eq "ppp0's rate restored" 4096000 "$(tbf_bits ppp0)"
op reload
assert_eq "reload as admin: exit (stderr: $err)" 0 "$rc"
refused hook root hook ip-down ppp0 /dev/pts/7 0 10.77.0.1 10.77.0.2

log "the groups are the caller's own at connect: a dropped group does not count"
# $OP is in $G_ADM in /etc/group, but this process has only $G_READ
rc=0
err=$(setpriv --reuid="$OP_UID" --regid="$GID_READ" --clear-groups "$ACDCTL" shaper set ppp0 2M 1M 2>&1) ||
	rc=$?
assert_eq "shaper set without the admin group in the process: exit" 1 "$rc"
assert_contains "shaper set without the admin group in the process" "needs admin" "$err"
# the admin group as the process's primary group counts as well
rc=0
setpriv --reuid="$OP_UID" --regid="$GID_ADM" --groups="$GID_READ" "$ACDCTL" shaper set ppp0 2M 1M \
	>/dev/null 2>"$TMPD/err" || rc=$?
assert_eq "shaper set with admin-group as the primary group: exit ($(cat "$TMPD/err"))" 0 "$rc"
assert_eq "ppp0's rate" 2000000 "$(tbf_bits ppp0)"

log "terminate as admin: SIGTERM to pppd"
op terminate ppp0
assert_eq "terminate as admin: exit (stderr: $err)" 0 "$rc"
wait_until 3 gone "$PPPD" || fail "pppd $PPPD still runs after terminate"

log "admin-group unset again (reload): the next request is refused"
conf
ctl reload >/dev/null || fail "reload as root failed"
refused reload admin reload

stop_acd
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
