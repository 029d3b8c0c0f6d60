#!/bin/bash
# acd-metrics.sh - the Prometheus endpoint ([metrics]) against real clients:
#   - a scrape with sessions, CoA (radclient, when present) and accounting
#     activity passes `promtool check metrics`, and says what show stat says;
#     a client's connection is kept alive between scrapes;
#     accounting's first server never answers, the second (FreeRADIUS)
#     does: the per-server series say which did what;
#   - 404 for another path, 405 for another method, an oversized request
#     refused; acd answers afterwards;
#   - [metrics] allow: a reload to a list without us refuses our connections
#     (and counts them); a reload with a bad value is refused and the running
#     list stays; per-session series with a cap, and the counter of what it
#     dropped;
#   - clients that hold connections open without finishing a request do
#     not hold up the control socket nor the hooks, and take no more than
#     max-connections-per-address: another address is served beside them; a client that scrapes
#     without pause gets at most four snapshots a second built by the loop
#     (what either costs acd's hooks is measured by bench.metrics);
#   - acd -n names the key of a bad listen value.
set -euo pipefail
TEST_NAME=acd-metrics
. "$(dirname "$0")/lib.sh"

need_acd
command -v curl >/dev/null || skip "curl not found (tools/install-deps installs it)"
command -v promtool >/dev/null || skip "promtool not found (Debian package prometheus; tools/install-deps installs it)"
command -v freeradius >/dev/null || skip "freeradius not found (tools/install-deps installs it)"
netns_init socat
add_pair 0
add_pair 1
add_pair 2
printf 'User-Name alice\nRP-Downstream-Speed-Limit 8000\nRP-Upstream-Speed-Limit 2000\n' >"$TMPD/radattr.ppp0"
printf 'User-Name bob "the \\ builder"\nWISPr-Bandwidth-Max-Down 6000000\n' >"$TMPD/radattr.ppp1"

PORT=9464
URL=http://127.0.0.1:$PORT/metrics
export ACD_SOCKET=$TMPD/acd.sock
umask 077
printf 'coa-s3cret\n' >"$TMPD/coa.secret"
umask 022
# write_conf [METRICS-LINE...]: the test's config, the lines added to [metrics]
write_conf() {
	acd_conf <<CONF
[coa]
listen = 127.0.0.1:3799
client = 127.0.0.0/8 $TMPD/coa.secret
[accounting]
server = 127.0.0.1:1
server = 127.0.0.1:1813
secret-file = $TMPD/coa.secret
timeout = 1s
retries = 0
[metrics]
listen = $PORT
max-connections = 4
max-connections-per-address = 3
timeout = 30s
$(printf '%s\n' "$@")
CONF
}
# the second accounting server, a real FreeRADIUS; the first never answers
# shellcheck source=../common/radius.sh
. "$(dirname "$0")/../common/radius.sh"
acct_raddb "$TMPD/raddb"
ACD_RADIUS_SECRET=coa-s3cret ACD_ACCT_PORT=1813 ip netns exec "$AC_NS" \
	freeradius -f -d "$TMPD/raddb" -l stdout >>"$TMPD/radius.log" 2>&1 &
BG_PIDS+=("$!")
wait_until 20 listening "$AC_NS" udp 1813 || fail "FreeRADIUS did not start: $(cat "$TMPD/radius.log")"
write_conf
start_acd
in_ac() { ip netns exec "$AC_NS" "$@"; }
scrape() { in_ac curl -sS --max-time 5 "$URL"; }
code_of() { in_ac curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@" || true; }
# metric TEXT SERIES: the value of the series (name and labels as written)
metric() { awk -v s="$2" '$1 == s { print $2 }' <<<"$1"; }

log "acd -n names the key of a bad listen value and says what to give"
printf '[metrics]\nlisten = 127.0.0.1:99999\n' >"$TMPD/bad.conf"
rc=0; out=$("$ACD_BIN" -n -c "$TMPD/bad.conf" 2>&1) || rc=$?
assert_eq "acd -n on a bad listen" 1 "$rc"
assert_contains "the error" 'bad.conf:2: listen "127.0.0.1:99999": use off, PORT' "$out"

log "two sessions, a CoA, accounting whose first server does not answer"
hook ip-up ppp0 10.77.0.1 10.77.0.2 $$ alice
hook ip-up ppp1 10.77.1.1 10.77.1.2 $$ 'bob "the \ builder"'
if command -v radclient >/dev/null; then
	# no such session: a NAK with Error-Cause 503
	printf 'User-Name = nobody\nRP-Downstream-Speed-Limit = 1000\n' |
		in_ac radclient -r 1 -t 2 -x 127.0.0.1:3799 coa coa-s3cret >/dev/null 2>&1 || true
	COA=1
else
	log "radclient not found: no CoA activity in this scrape"
	COA=0
fi
# each Start: 1 s unanswered by the first server, then the second's answer
acct_done() { [[ "$(ctl -j show stat | jq '.accounting.sent')" -ge 2 ]]; }
wait_until 10 acct_done || fail "the second server never answered the Starts: $(ctl -j show stat | jq .accounting)"

out=$(scrape) || fail "no scrape: $out"
printf '%s\n' "$out" >"$TMPD/scrape.txt"
log "scrape: $(wc -l <"$TMPD/scrape.txt") lines, $(wc -c <"$TMPD/scrape.txt") bytes"
lint=$(promtool check metrics <"$TMPD/scrape.txt" 2>&1) || fail "promtool check metrics: $lint"
assert_eq "promtool's findings" "" "$lint"
# Prometheus keeps its connection between scrapes: so must acd
conns=$(in_ac curl -s -o /dev/null --max-time 5 -w '%{http_code}:%{num_connects} ' "$URL?[1-3]")
assert_eq "three scrapes on one connection (code:new connections)" "200:1 200:0 200:0 " "$conns"
DOC=$(dirname "$0")/../../docs/metrics.md
for f in $(awk '$1 == "#" && $2 == "TYPE" { print $3 }' "$TMPD/scrape.txt"); do
	grep -qF "| \`$f" "$DOC" || fail "docs/metrics.md does not list $f"
done
assert_eq "sessions up" "$(ctl -j show stat | jq .sessions)" "$(metric "$out" 'acd_sessions{state="up"}')"
# the links had their addresses before acd started: found at start-up
assert_eq "sessions by origin reconciled" 3 "$(metric "$out" 'acd_sessions_by_origin{origin="reconciled"}')"
src=$(ctl -j show session ppp0 | jq -r .source)
log "ppp0's policy source: $src"
assert_eq "sessions whose policy came from $src" 1 \
	"$(metric "$out" "acd_sessions_by_policy_source{source=\"$src\"}")"
assert_eq "hooks in the histogram" 2 "$(metric "$out" 'acd_hook_duration_seconds_count')"
assert_eq "events by the hook path" 2 "$(metric "$out" 'acd_pppd_events_total{via="hook"}')"
assert_eq "events by acd.so" 0 "$(metric "$out" 'acd_pppd_events_total{via="plugin"}')"
assert_eq "+Inf bucket = count" "$(metric "$out" 'acd_hook_duration_seconds_count')" \
	"$(metric "$out" 'acd_hook_duration_seconds_bucket{le="+Inf"}')"
# which server did what: acd fails over itself
first='{server="127.0.0.1:1"}' second='{server="127.0.0.1:1813"}'
[[ "$(metric "$out" "acd_accounting_server_timeouts_total$first")" -ge 2 ]] ||
	fail "the first server's timeouts are not counted: $(grep ^acd_accounting <<<"$out")"
assert_eq "the first server's answers" 0 "$(metric "$out" "acd_accounting_server_responses_total$first")"
[[ "$(metric "$out" "acd_accounting_server_responses_total$second")" -ge 2 ]] ||
	fail "the second server's answers are not counted: $(grep ^acd_accounting <<<"$out")"
assert_eq "the second server's timeouts" 0 "$(metric "$out" "acd_accounting_server_timeouts_total$second")"
assert_eq "its round trips" "$(metric "$out" "acd_accounting_server_responses_total$second")" \
	"$(metric "$out" "acd_accounting_server_rtt_seconds_count$second")"
assert_eq "records no server took" 0 "$(metric "$out" acd_accounting_failures_total)"
assert_eq "build info" 1 "$(grep -c '^acd_build_info{version="' <<<"$out")"
for m in process_cpu_seconds_total process_resident_memory_bytes process_open_fds \
	process_start_time_seconds; do
	[[ -n "$(metric "$out" "$m")" ]] || fail "$m is missing"
done
if ((COA)); then
	assert_eq "CoA NAK 503" 1 \
		"$(metric "$out" 'acd_coa_responses_total{type="coa",result="nak",error_cause="503"}')"
fi

log "404 for another path, 405 for another method, nothing echoed"
assert_eq "GET /" 404 "$(code_of "http://127.0.0.1:$PORT/")"
assert_eq "GET /metrics/../etc" 404 "$(code_of "http://127.0.0.1:$PORT/metricsx")"
assert_eq "POST /metrics" 405 "$(code_of -X POST -d x "$URL")"
assert_eq "DELETE /metrics" 405 "$(code_of -X DELETE "$URL")"
body=$(in_ac curl -s --max-time 5 "http://127.0.0.1:$PORT/%3Cscript%3E" || true)
[[ "$body" != *script* ]] || fail "the 404 echoes the path: $body"
assert_eq "HEAD /metrics" 200 "$(code_of -I "$URL")"

log "an oversized request is refused; acd serves the next"
big=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(code_of -H "X-Big: $big" "$URL")
[[ "$c" =~ ^(4[0-9][0-9]|000)$ ]] || fail "a 20000-byte header got $c"
log "a 20000-byte header: HTTP $c"
c=$(code_of "$URL?$big")
[[ "$c" =~ ^(4[0-9][0-9]|000)$ ]] || fail "a 20000-byte URL got $c"
assert_eq "the next scrape" 200 "$(code_of "$URL")"

log "clients that hold connections mid-request do not hold up the control socket, hooks or other addresses"
# (how much they slow acd is measured by bench.metrics, not here)
hooks() { # 10 ip-up + ip-down hooks of a third session, each answered
	local i
	for i in $(seq 10); do
		hook ip-up ppp2 10.77.2.1 10.77.2.2 $$ carol >/dev/null 2>&1 || fail "ip-up $i of ppp2 failed: $1"
		hook ip-down ppp2 10.77.2.1 10.77.2.2 $$ carol >/dev/null 2>&1 ||
			fail "ip-down $i of ppp2 failed: $1"
	done
}
# the library's threads beside the loop's: a connection's thread is joined
# when the library frees the connection's slot
nthreads() { find "/proc/$ACD_PID/task" -mindepth 1 -maxdepth 1 | wc -l; }
threads0=$(nthreads)
STUCK=()
for i in $(seq 8); do # twice max-connections, four times per address
	# a request line and one header, never the blank line that ends them;
	# the shell becomes the sleep that holds the connection
	ip netns exec "$AC_NS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&3; exec sleep 60" &
	STUCK+=("$!")
	BG_PIDS+=("$!")
done
sleep 1
for _ in $(seq 20); do ctl show stat >/dev/null || fail "acd did not answer show stat beside 8 stuck clients"; done
hooks "beside 8 stuck clients"
assert_eq "a scrape from 127.0.0.1, whose 3 connections are held" 000 "$(code_of --max-time 2 "$URL")"
# another address still finds room: what one client holds is bounded
assert_eq "a scrape from 10.77.0.1 beside them" 200 "$(code_of --max-time 5 --interface 10.77.0.1 "$URL")"
kill "${STUCK[@]}" 2>/dev/null || true
# the library closes a connection when its thread has seen the client go,
# and frees its address's slot when it joins that thread: wait for every one
drained() {
	[[ -z "$(in_ac ss -Htn state established state close-wait "( sport = :$PORT )")" ]] &&
		(($(nthreads) <= threads0))
}
wait_until 10 drained ||
	fail "the stuck clients' connections are still held: $(nthreads) threads (were $threads0), $(in_ac ss -Htn "( sport = :$PORT )")"
free_again() { [[ "$(code_of "$URL")" == 200 ]]; }
wait_until 10 free_again || fail "the endpoint did not serve again after the stuck clients left"

log "a client that scrapes without pause: the loop still builds at most 4 snapshots a second"
# one curl, one connection kept alive, 100000 requests (?N: a query string
# the endpoint ignores)
ip netns exec "$AC_NS" curl -s -o /dev/null --max-time 60 "$URL?[1-100000]" &
HAMMER=$!
BG_PIDS+=("$HAMMER")
sleep 1
t0=$(date +%s%N)
out=$(scrape)
s0=$(metric "$out" acd_metrics_scrapes_total) b0=$(metric "$out" acd_metrics_snapshots_total)
hooks "beside a scraping client"
sleep 2
out=$(scrape)
t1=$(date +%s%N)
s1=$(metric "$out" acd_metrics_scrapes_total) b1=$(metric "$out" acd_metrics_snapshots_total)
kill "$HAMMER" 2>/dev/null || true
wait "$HAMMER" 2>/dev/null || true
ms=$(((t1 - t0) / 1000000))
log "$((s1 - s0)) scrapes in $ms ms, $((b1 - b0)) snapshots built"
((s1 - s0 > 2 * (b1 - b0))) || fail "the client's $((s1 - s0)) scrapes did not outnumber the $((b1 - b0)) snapshots"
# builds at least 250 ms apart, from at most 250 ms before the first scrape
# to the last: ms / 250 + 2, and one for a scrape that found the loop late
((b1 - b0 <= ms / 250 + 3)) || fail "$((b1 - b0)) snapshots in $ms ms: more than one per 0.25 s"
hook ip-down ppp2 10.77.2.1 10.77.2.2 $$ carol || true
hook ip-up ppp2 10.77.2.1 10.77.2.2 $$ carol
sleep 0.3 # past METRICS_FRESH: the last scrape's snapshot is not served again
out=$(scrape)
assert_eq "a session from a hook" 1 "$(metric "$out" 'acd_sessions_by_origin{origin="hook"}')"
[[ "$(metric "$out" acd_session_setup_duration_seconds_count)" -ge 10 ]] ||
	fail "sessions set up by hooks: $(metric "$out" acd_session_setup_duration_seconds_count)"

log "[metrics] allow: a reload without us refuses our connections and counts them"
write_conf "allow = 192.0.2.0/24" "allow = 2001:db8::/32"
ctl reload >/dev/null || fail "reload refused a good allow-list"
assert_eq "a refused scrape" 000 "$(code_of "$URL")"
log "a reload with a bad allow value is refused and the running list stays"
write_conf "allow = 192.0.2.0/24"
sed -i 's|^allow = 192.0.2.0/24$|allow = 300.1.2.3|' "$TMPD/acd.conf"
rc=0; err=$(ctl reload 2>&1) || rc=$?
((rc != 0)) || fail "a reload with allow = 300.1.2.3 was accepted"
assert_contains "the reload's error" 'allow "300.1.2.3"' "$err"
assert_eq "still refused" 000 "$(code_of "$URL")"
write_conf "allow = 127.0.0.0/8" "per-session = yes" "per-session-max = 1"
ctl reload >/dev/null || fail "reload refused allow = 127.0.0.0/8"
out=$(scrape) || fail "no scrape after allowing 127.0.0.0/8"
[[ "$(metric "$out" acd_metrics_refused_connections_total)" -ge 2 ]] ||
	fail "refused connections not counted: $(metric "$out" acd_metrics_refused_connections_total)"

log "per-session series: capped at 1, the rest counted, user names escaped"
printf '%s\n' "$out" >"$TMPD/scrape2.txt"
lint=$(promtool check metrics <"$TMPD/scrape2.txt" 2>&1) || fail "promtool check metrics (per-session): $lint"
assert_eq "download byte series" 1 "$(grep -c '^acd_session_download_bytes_total{' <<<"$out")"
[[ "$(metric "$out" acd_metrics_session_series_dropped_total)" -ge 1 ]] ||
	fail "dropped series not counted"
hook ip-down ppp0 10.77.0.1 10.77.0.2 $$ alice
hook ip-down ppp2 10.77.2.1 10.77.2.2 $$ carol
sleep 0.3
out=$(scrape)
grep -qF 'user="bob \"the \\ builder\""' <<<"$out" ||
	fail "bob's series is missing or not escaped: $(grep acd_session_download_bytes_total <<<"$out")"

stop_acd
pass
