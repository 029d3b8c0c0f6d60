#!/bin/bash
# acd-clients.sh - the control socket under bad and many clients: malformed
# and oversized requests get an error and change nothing, a client that
# never reads its replies is dropped without blocking anyone, and many
# concurrent clients are all served.  Who may do what: the socket's group,
# hook for root only, who changed what in the log; a full table of clients.
set -euo pipefail
TEST_NAME=acd-clients
. "$(dirname "$0")/lib.sh"

need_acd
netns_init socat setpriv
# two groups for the socket (neither root's nor nobody's), present on any Linux
GROUPS_OK=()
for g in daemon bin sys adm users; do
	getent group "$g" >/dev/null && GROUPS_OK+=("$g")
done
((${#GROUPS_OK[@]} >= 2)) || skip "needs two of the groups daemon, bin, sys, adm, users"
G1=${GROUPS_OK[0]} G2=${GROUPS_OK[1]}
GID1=$(getent group "$G1" | cut -d: -f3) GID2=$(getent group "$G2" | cut -d: -f3)
add_pair 0
add_pair 1 # no radattr file: the default policy, and a notice that says so
printf 'User-Name dave\nWISPr-Bandwidth-Max-Down 6000000\nWISPr-Bandwidth-Max-Up 1500000\n' >"$TMPD/radattr.ppp0"
export ACD_SOCKET=$TMPD/acd.sock
chmod 711 "$TMPD" # nobody reaches the socket; the socket's mode decides
conf() { # GROUP
	{
		acd_conf_head
		printf '[shaper]\nup-mode = ifb\n[control]\ngroup = %s\n' "$1"
	} >"$TMPD/acd.conf"
}
conf "$G1"
start_acd
assert_eq "ppp0 shaped from WISPr at start" 6000000 "$(root_qdisc ppp0 "$AC_NS" | jq -r '.options.rate * 8')"
before=$(ns_snapshot "$AC_NS")

# (acd may close first, as for an oversized request: not an error here)
raw() { socat -t 2 - "UNIX-CONNECT:$ACD_SOCKET" 2>/dev/null || true; }

log "malformed lines get EPROTO/ENOCMD, the connection stays, nothing changes"
out=$(printf '%s\n' 'garbage' '[1]' '{"cmd":"shaper set","args":"ppp0"}' '{"v":9,"cmd":"show stat"}' \
	'{"cmd":"format disk"}' '{"cmd":"shaper set","args":{"id":"ppp0","down":"fast","up":1}}' \
	'{"cmd":"show stat"}' | raw)
assert_eq "replies" 7 "$(wc -l <<<"$out")"
assert_eq "codes" "EPROTO EPROTO EPROTO EPROTO ENOCMD EINVAL ok" \
	"$(jq -r 'if .ok then "ok" else .code end' <<<"$out" | xargs)"
assert_snapshot_same "kernel state after bad requests" "$before" "$(ns_snapshot "$AC_NS")"

log "an oversized request is refused, the rest of its line skipped, the connection kept"
out=$( { head -c 20000 /dev/zero | tr '\0' a; printf '\n{"cmd":"show stat"}\n'; } | raw)
assert_eq "replies to an oversized request and the next" 2 "$(wc -l <<<"$out")"
assert_contains "oversized" "longer than 8192 bytes" "$(head -1 <<<"$out")"
assert_jq "the request after it" "$(tail -1 <<<"$out")" .ok true

log "a client that floods requests and never reads is paused; everyone else is served"
twenty() { # ms for 20 requests in a row
	local t0 t1
	t0=$(date +%s%N)
	for _ in $(seq 20); do "$ACDCTL" show stat >/dev/null || fail "acd did not answer"; done
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}
base=$(twenty)
for _ in $(seq 30000); do echo '{"cmd":"show session","args":{"id":"ppp0"}}'; done >"$TMPD/flood"
socat -u "OPEN:$TMPD/flood,ignoreeof" "UNIX-CONNECT:$ACD_SOCKET" &
STUCK=$!
BG_PIDS+=("$STUCK")
sleep 0.5
busy=$(twenty)
log "20 requests: ${base} ms alone, ${busy} ms beside the flooding client"
(( busy < 3 * base + 1000 )) || fail "20 requests took $busy ms beside a flooding client (${base} ms alone)"
served=$("$ACDCTL" -j show stat | jq .requests)
sleep 1
assert_jq "no work for the paused client" "$("$ACDCTL" -j show stat)" ".requests <= $served + 2" true
kill "$STUCK" 2>/dev/null || true
grep -q "not reading its replies: paused" "$TMPD/acd.log" || fail "the flooding client was not paused"

log "64 concurrent clients are all served"
pids=()
for i in $(seq 64); do
	"$ACDCTL" -j show sessions >"$TMPD/c$i" &
	pids+=("$!")
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent client failed"; done
for i in $(seq 64); do
	assert_eq "client $i" dave "$(jq -r '.[] | select(.ifname == "ppp0") | .user' "$TMPD/c$i")"
done

log "bad requests were counted"
assert_jq "bad_requests" "$("$ACDCTL" -j show stat)" '.bad_requests >= 5' true

log "a session without a radattr file: the default policy, and a notice with the path"
notices() { grep -c "sess=ppp1 user= event=no-radattr path=$TMPD/radattr.ppp1" "$TMPD/acd.log" || true; }
assert_eq "notices for ppp1" 1 "$(notices)"
assert_jq "ppp1" "$("$ACDCTL" -j show session ppp1)" .radius_source default

# as: run as uid 65534 with only the group GID
as() { local gid=$1; shift; setpriv --reuid=65534 --regid="$gid" --clear-groups "$@"; }
log "a member of [control] group ($G1) may use the socket; others may not connect"
assert_jq "show stat as a member" "$(as "$GID1" "$ACDCTL" -j show stat)" .protocol 1
rc=0; err=$(as 65534 "$ACDCTL" show stat 2>&1) || rc=$?
assert_eq "exit for a non-member" 3 "$rc"
assert_contains "non-member" "Permission denied" "$err"

log "hook is root's: a member gets EPERM with a clear message, and the log says who"
rc=0; err=$(as "$GID1" "$ACDCTL" hook ip-up ppp1 /dev/pts/7 0 10.77.1.1 10.77.1.2 2>&1) || rc=$?
assert_eq "exit for hook as a member" 1 "$rc"
assert_contains "hook as a member" "only root may report sessions" "$err"
grep -q "hook ip-up refused: by=uid:65534" "$TMPD/acd.log" || fail "the refused hook was not logged"

log "each command that changes something is logged with who asked"
as "$GID1" "$ACDCTL" shaper set ppp0 3M 1M >/dev/null || fail "shaper set as a member failed"
"$ACDCTL" shaper restore ppp0 >/dev/null || fail "shaper restore failed"
"$ACDCTL" terminate ppp1 >/dev/null 2>&1 || true # no pppd to signal: refused, still logged
"$ACDCTL" reload >/dev/null || fail "reload failed"
for want in "sess=ppp0 user=dave event=override down=3000000 up=1000000 by=uid:65534" \
	"sess=ppp0 user=dave event=override-restore by=uid:0" \
	"sess=ppp1 user= event=terminate-request by=uid:0" "reload: requested by=uid:0"; do
	grep -qF "$want" "$TMPD/acd.log" || fail "not in the log: $want"
done
assert_eq "notices for ppp1 after a reload (once per session)" 1 "$(notices)"

log "an override that cannot be saved is in force, and the reply says it is not saved"
mkdir "$TMPD/state/sessions.json.tmp" # the temp file cannot be created
out=$("$ACDCTL" -j shaper set ppp0 5M 1M) || fail "shaper set with an unwritable state failed"
assert_jq "unsaved override" "$out" .down 5000000 '.warning | test("override is in force but not saved")' true
assert_contains "in text" "warning" "$("$ACDCTL" shaper set ppp0 5M 1M)"
rmdir "$TMPD/state/sessions.json.tmp"
assert_jq "saved again" "$("$ACDCTL" -j shaper restore ppp0)" 'has("warning")' false

log "reload: [control] group applies to the socket at once; [acd] state-dir needs a restart"
conf "$G2"
sed -i "s|^state-dir = .*|state-dir = $TMPD/state2|" "$TMPD/acd.conf"
"$ACDCTL" reload >/dev/null || fail "reload failed"
assert_eq "socket group after reload" "$GID2" "$(stat -c %g "$ACD_SOCKET")"
grep -qF "reload: [acd] state-dir changes at the next start; still $TMPD/state" "$TMPD/acd.log" ||
	fail "the state-dir change was not logged"
rc=0; as "$GID1" "$ACDCTL" show stat >/dev/null 2>&1 || rc=$?
assert_eq "exit for the old group" 3 "$rc"
assert_jq "show stat as a member of the new group" "$(as "$GID2" "$ACDCTL" -j show stat)" .protocol 1
"$ACDCTL" shaper set ppp0 4M 1M >/dev/null
[[ -e "$TMPD/state2" ]] && fail "state-dir changed without a restart"

log "256 clients at once: the next one gets EBUSY and a message, then is served once they go"
# acd's open descriptors: the listening socket's clients and nothing else
# changes while the monitors connect
nfds() { find "/proc/$ACD_PID/fd" -mindepth 1 | wc -l; }
# settled: the last acdctl's connection may not be closed on acd's side yet
fds0=$(nfds)
for _ in $(seq 50); do
	sleep 0.2
	n=$(nfds)
	((n == fds0)) && break
	fds0=$n
done
mons=()
for _ in $(seq 256); do
	"$ACDCTL" monitor >/dev/null 2>&1 &
	mons+=("$!")
done
BG_PIDS+=("${mons[@]}")
# every monitor in before the 257th knocks: a probe that came in among them
# would take a monitor's place, and that monitor would get the EBUSY
for _ in $(seq 600); do
	(($(nfds) >= fds0 + 256)) && break
	sleep 0.1
done
(($(nfds) >= fds0 + 256)) ||
	fail "only $(($(nfds) - fds0)) of 256 monitors connected in 60 s"
for m in "${mons[@]}"; do
	kill -0 "$m" 2>/dev/null || fail "a monitor exited before the 257th client came"
done
# read only: acdctl may die of SIGPIPE writing its request to the closed socket
out=$(timeout 5 socat -u "UNIX-CONNECT:$ACD_SOCKET" - 2>/dev/null || true)
assert_jq "the 257th client" "$out" .code EBUSY .error "acd serves 256 clients already: try again later"
rc=0; "$ACDCTL" show stat >/dev/null 2>&1 || rc=$?
assert_ne "exit of acdctl as the 257th client" 0 "$rc"
grep -q "256 clients already: connection refused" "$TMPD/acd.log" || fail "the refusal was not logged"
kill "${mons[@]}" 2>/dev/null || true
wait "${mons[@]}" 2>/dev/null || true
for _ in $(seq 50); do "$ACDCTL" show stat >/dev/null 2>&1 && break; sleep 0.1; done
"$ACDCTL" show stat >/dev/null || fail "not served after the monitors went"
kill "$ACD_PID"
wait "$ACD_PID" 2>/dev/null || true
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
