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
netns_init socat setpriv prlimit
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
# conf GROUP: the socket's group, its members admins as well (what a
# reader may not do, acd-perms.sh tests)
conf() {
	acd_conf <<CONF
[shaper]
up-mode = ifb
[control]
group = $1
admin-group = $1
CONF
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

log "the limit is 8192 bytes of request, its newline not counted: 8192 served, 8193 refused"
# req_of N: {"cmd":"show stat"} (19 bytes) padded with spaces to N bytes, and a newline
req_of() { printf '{"cmd":"show stat"%*s}\n' $(($1 - 19)) ''; }
assert_eq "length of req_of 8192 with its newline" 8193 "$(req_of 8192 | wc -c)"
out=$( { req_of 8192; req_of 8193; req_of 8192; } | raw)
assert_eq "codes at the boundary" "ok EPROTO ok" "$(jq -r 'if .ok then "ok" else .code end' <<<"$out" | xargs)"
assert_contains "8193 bytes" "longer than 8192 bytes" "$(sed -n 2p <<<"$out")"
# one byte at a time, the newline in a read of its own, is the same
out=$(req_of 8192 | socat -t 2 -b 1 - "UNIX-CONNECT:$ACD_SOCKET" 2>/dev/null || true)
assert_jq "8192 bytes sent a byte at a time" "$out" .ok true

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
paused() { grep -q "not reading its replies: paused" "$TMPD/acd.log"; }
wait_until 5 paused || fail "the flooding client was not paused"
busy=$(twenty)
log "20 requests: ${base} ms alone, ${busy} ms beside the flooding client"
(( busy < 3 * base + 1000 )) || fail "20 requests took $busy ms beside a flooding client (${base} ms alone)"
served=$("$ACDCTL" -j show stat | jq .requests)
# a second in which the paused client must get no work done
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
as "$GID1" "$ACDCTL" shaper set ppp0 3M 1M >/dev/null || fail "shaper set as a member of admin-group failed"
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

# acd's open descriptors: the listening socket's clients and nothing else
# changes while the monitors connect
nfds() { find "/proc/$ACD_PID/fd" -mindepth 1 | wc -l; }
# settle_fds: fds0 = acd's descriptors once the connections of the last
# acdctl runs are closed on acd's side too: the same in two looks 0.2 s
# apart
fds_settled() {
	local n
	n=$(nfds)
	((n == fds0)) && return 0
	fds0=$n
	return 1
}
settle_fds() {
	fds0=-1
	WAIT_STEP=0.2 wait_until 10 fds_settled || true
}
# n_alive PID...: how many of them still run
n_alive() { local n=0 p; for p in "$@"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo "$n"; }

log "a member of the group holds every connection it may: root's hooks still get through"
settle_fds
stand_in_pppd PPPD1
umons=()
for _ in $(seq 256); do
	# not through as(): $! must be the monitor itself, for kill
	setpriv --reuid=65534 --regid="$GID2" --clear-groups "$ACDCTL" monitor >/dev/null 2>&1 &
	umons+=("$!")
done
BG_PIDS+=("${umons[@]}")
# settled: each monitor either connected and stays, or was refused and
# exited, the same in two looks 0.2 s apart
held_settled() {
	local n
	n=$(($(nfds) - fds0))
	((n == $(n_alive "${umons[@]}") && n == held)) && return 0
	held=$n
	return 1
}
held=-1
WAIT_STEP=0.2 wait_until 120 held_settled || true
log "the member holds $held connections"
ok=0; hook ip-up ppp1 10.77.1.1 10.77.1.2 "$PPPD1" erin >"$TMPD/hook.out" 2>&1 || ok=$?
assert_eq "exit of root's hook beside the member's $held connections ($(cat "$TMPD/hook.out"))" 0 "$ok"
assert_jq "the session of that hook" "$("$ACDCTL" -j show session ppp1)" .user erin .pppd_pid "$PPPD1"
assert_eq "connections the member may hold (ACD_CLIENTS_USER_MAX)" 128 "$held"
# root keeps the other 128: a burst of 100 of root's clients at once is served
pids=()
for i in $(seq 100); do
	"$ACDCTL" -j show stat >"$TMPD/r$i" 2>&1 &
	pids+=("$!")
done
for p in "${pids[@]}"; do wait "$p" || fail "one of 100 clients of root failed: $(cat "$TMPD"/r* | grep -v '^{' | head -1)"; done
rc=0; err=$(as "$GID2" "$ACDCTL" show stat 2>&1) || rc=$?
assert_eq "exit of one more client of the member" 1 "$rc"
assert_contains "its message" "acd serves 128 clients of users other than root already" "$err"
grep -q "uid=65534 pid=[0-9]*: 128 clients of users other than root already: connection refused" "$TMPD/acd.log" ||
	fail "the member's refusal was not logged"
kill "${umons[@]}" 2>/dev/null || true
wait "${umons[@]}" 2>/dev/null || true
member_served() { as "$GID2" "$ACDCTL" show stat >/dev/null 2>&1; }
wait_until 5 member_served || fail "the member is not served after its monitors went"

log "256 clients at once: the next one gets EBUSY and a message, then is served once they go"
settle_fds
mons=()
for _ in $(seq 256); do
	"$ACDCTL" monitor >/dev/null 2>&1 &
	mons+=("$!")
done
BG_PIDS+=("${mons[@]}")
# every monitor in before the 257th knocks: a probe that came in among them
# would take a monitor's place, and that monitor would get the EBUSY
fds_from() { (($(nfds) >= $1)); }
wait_until 60 fds_from $((fds0 + 256)) || true
(($(nfds) >= fds0 + 256)) ||
	fail "only $(($(nfds) - fds0)) of 256 monitors connected in 60 s"
for m in "${mons[@]}"; do
	kill -0 "$m" 2>/dev/null || fail "a monitor exited before the 257th client came"
done
# acd logs refusals at most once a second: the member's refusal above may
# be less than a second old, and this one would then only be counted
sleep 1.1
# read only: acdctl may die of SIGPIPE writing its request to the closed socket
out=$(timeout 5 socat -u "UNIX-CONNECT:$ACD_SOCKET" - 2>/dev/null || true)
assert_jq "the 257th client" "$out" .code EBUSY .error "acd serves 256 clients already: try again later"
rc=0; "$ACDCTL" show stat >/dev/null 2>&1 || rc=$?
assert_ne "exit of acdctl as the 257th client" 0 "$rc"
grep -q "256 clients already: connection refused" "$TMPD/acd.log" || fail "the refusal was not logged"
kill "${mons[@]}" 2>/dev/null || true
wait "${mons[@]}" 2>/dev/null || true
wait_until 5 "$ACDCTL" show stat >/dev/null || true
"$ACDCTL" show stat >/dev/null || fail "not served after the monitors went"

log "out of descriptors, acd waits for one (not spinning on its socket), then serves the queued client"
settle_fds
limit=$(prlimit --pid "$ACD_PID" --nofile --noheadings --raw -o SOFT,HARD | awk '{ print $1 ":" $2 }')
# room_for N: the descriptor limit that leaves acd room for N more (the
# limit is on their numbers, and a new one takes the lowest free number)
room_for() {
	local -A open=()
	local f i=0 free=0
	for f in "/proc/$ACD_PID/fd/"*; do open[${f##*/}]=1; done
	while :; do
		if [[ -z ${open[$i]:-} ]]; then
			free=$((free + 1))
			((free == $1)) && break
		fi
		i=$((i + 1))
	done
	echo $((i + 1))
}
prlimit --pid "$ACD_PID" --nofile="$(room_for 4):${limit#*:}"
mons=()
for _ in $(seq 4); do
	"$ACDCTL" monitor >/dev/null 2>&1 &
	mons+=("$!")
done
BG_PIDS+=("${mons[@]}")
fds_are() { (($(nfds) == $1)); }
wait_until 10 fds_are $((fds0 + 4)) || fail "$(($(nfds) - fds0)) of 4 monitors connected"
"$ACDCTL" -j show stat >"$TMPD/queued" 2>&1 &
queued=$!
BG_PIDS+=("$queued")
out_of_fds() { grep -q "ctl: cannot accept clients: Too many open files" "$TMPD/acd.log"; }
wait_until 5 out_of_fds || fail "acd did not say it is out of descriptors"
ticks() { awk '{ print $14 + $15 }' "/proc/$ACD_PID/stat"; } # user + system, 1/100 s
t0=$(ticks)
sleep 1 # the window acd's CPU time is measured over
t1=$(ticks)
log "acd's CPU out of descriptors: $((t1 - t0)) ticks in 1 s"
((t1 - t0 < 15)) || fail "acd used $((t1 - t0))/100 of a CPU in 1 s out of descriptors: spinning"
kill "${mons[0]}"
wait "$queued" || fail "the queued client was not served once a descriptor was free: $(cat "$TMPD/queued")"
assert_jq "the queued client's reply" "$(cat "$TMPD/queued")" .protocol 1
grep -q "ctl: accepting clients again" "$TMPD/acd.log" || fail "acd did not say it accepts again"
prlimit --pid "$ACD_PID" --nofile="$limit"
kill "${mons[@]}" 2>/dev/null || true
wait "${mons[@]}" 2>/dev/null || true
kill "$ACD_PID"
wait "$ACD_PID" 2>/dev/null || true
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
