#!/bin/bash
# acd-clients.sh - the control socket under bad and many clients: malformed
# and oversized requests get an error and change nothing, a client that
# never reads its replies is dropped without blocking anyone, and many
# concurrent clients are all served.
set -euo pipefail
TEST_NAME=acd-clients
. "$(dirname "$0")/lib.sh"

need_acd
netns_init socat
add_pair 0
printf 'User-Name dave\nWISPr-Bandwidth-Max-Down 6000000\nWISPr-Bandwidth-Max-Up 1500000\n' >"$TMPD/radattr.ppp0"
export ACD_SOCKET=$TMPD/acd.sock
{
	acd_conf_head
	printf '[shaper]\nup-mode = ifb\n'
} >"$TMPD/acd.conf"
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
	assert_eq "client $i" dave "$(jq -r '.[0].user' "$TMPD/c$i")"
done

log "bad requests were counted"
assert_jq "bad_requests" "$("$ACDCTL" -j show stat)" '.bad_requests >= 5' true
kill "$ACD_PID"
wait "$ACD_PID" 2>/dev/null || true
if grep -q "Sanitizer" "$TMPD/acd.log"; then
	grep -A20 "Sanitizer" "$TMPD/acd.log" >&2
	fail "acd: sanitizer report in its log"
fi
pass
