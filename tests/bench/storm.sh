#!/bin/bash
# storm.sh - the session-storm benchmark of acd (issue 4): N sessions come
# up at once through the real hook program, as pppd would run it, and
# (issue 20) through acd.so's protocol, as pppds with the plugin send it.
#
#   usage: tests/bench/storm.sh        (as root; ACD_BIN, ACDCTL, ACD_DICT
#                                       and STORM_DRIVER in the environment)
#   or:    ctest -L bench -R bench.storm   (from the build directory)
#
# For each N in STORM_SIZES (default 1000 5000), STORM_REPEAT times (medians
# are reported), in a fresh private network namespace:
#   1. acd starts (log-level warning, state-dir on the same disk as the
#      temp dir, as /var/lib/acd would be) while the namespace is empty,
#      then N interfaces ppp0..ppp{N-1} appear (tun devices: point-to-point
#      and NOARP like ppp; this kernel has neither ppp nor dummy), each with
#      a radattr file of varied RP-*-Speed-Limit rates;
#   2. the storm: storm_driver runs `acdctl hook ip-up pppK /dev/pts/K 0
#      LOCAL REMOTE` with pppd's environment, one process per session,
#      STORM_CONCURRENCY (default 16) at a time like the pppd children of a
#      busy box, and times each from posix_spawn to exit (exit 0 = acd
#      replied after shaping): sessions/s and the latency percentiles;
#   3. acd's RSS (VmRSS, VmHWM) and CPU time (utime+stime) over the storm
#      and the state save it causes;
#   4. verification: `acdctl -j show sessions` holds N sessions, all shaped
#      at their radattr rates, and tc -j shows on every interface the tbf
#      root, the ingress qdisc and the filter (police, or mirred to its IFB
#      whose tbf carries the upload rate);
#   5. the status quo on STORM_SAMPLE (default 100) more interfaces
#      shl0..: radattr-hook.sh (sed/awk + tc/ip forks) once per interface,
#      one after the other, verified the same way;
#   6. acd's own share of a hook (show stat's hook_latency mixes in the
#      storm's last hooks): STORM_SAMPLE sessions spread over
#      ppp0..ppp{N-1} get ip-down, then, one at a time, `acdctl show stat`
#      (a no-op round trip) followed by their ip-up again; daemon-side
#      apply = hook latency - no-op latency, the median of the per-session
#      differences (acd's state save is not in it: a writer thread does it
#      later, and the hook does not wait for it).
# and then, in the same run, the plugin path, again in a fresh namespace:
#   7. acd starts with a radattr-dir that is empty, the same N interfaces
#      appear, and storm_driver -m plugin does per session what one pppd
#      with acd.so does at ip-up: connect to the control socket, send the
#      event encoded by acd.so's own serializer (pppd-plugin/event.c) with
#      the session's RADIUS attributes in it (those of its radattr file, as
#      radius.so hands them to acd.so in memory), read acd's reply, close;
#      STORM_CONCURRENCY in flight at once from one process (no process per
#      session), each timed from its socket's creation to the reply;
#   8. acd's CPU time, user and system apart (system: the kernel's work for
#      acd, tc and links, which grows with the number of qdiscs), and the
#      same verification, plus: `show session` of every session says it
#      came via the plugin, with the PPPoE session id, user and MAC sent.
#      acd reads no radattr file here: the rates can only be the plugin's.
#   9. the same again, paced: the events are due at STORM_PACED_RATE a
#      second (open loop, as pppds that come up at that rate would send
#      them), STORM_CONCURRENCY in flight at most, each timed from when it
#      was due.  Closed loop (8), the mean e2e is the number in flight over
#      the rate (Little); paced, it is what a subscriber sees at that rate.
# Then once with STORM_RSS_SIZE (default 10000) sessions: tun creation
# time, the storm, acd's RSS, and the same verification.
#
# A hook that fails is counted ("fail"); a session acd never gets because
# its hook failed before acd read it is "lost" and fails the run (pppd does
# not retry: that subscriber stays unshaped).  To still measure RSS and
# shaping at N, lost sessions are then sent again, one at a time.
#
# Output: two tables (the storm, a row per N and path; acd's apply against
# the shell hook) and one line per target, "met" or "MISSED".  The spawn
# floor (STORM_FLOOR, a do-nothing program linked as acdctl is, run the
# same way) is printed too: no hook program can be faster than that on the
# machine at hand.
#
# Environment:
#   ACD_BIN, ACDCTL, ACD_DICT, STORM_DRIVER   binaries, dictionary (ctest sets them)
#   STORM_FLOOR        the do-nothing program of the spawn floor (ctest: storm_noop;
#                      default /bin/true)
#   STORM_SIZES        session counts, default "1000 5000"
#   STORM_RSS_SIZE     sessions for the RSS run, default 10000 (0: no RSS run)
#   STORM_CONCURRENCY  hooks (plugin: events) at once, default 16
#   STORM_PATHS        the paths measured per N, default "hook plugin paced"
#                      (the RSS run and the shell hook come with hook)
#   STORM_PACED_RATE   the events a second of paced, default 2000
#   STORM_REPEAT       runs per N, the median counts, default 3
#   STORM_SAMPLE       sessions for the shell hook and the apply sample, default 100
#   STORM_UPMODE       auto (default: police if the kernel has act_police), police, ifb
#   STORM_ENFORCE      1 (default): exit 1 when a target is missed; 0: report only
#
# Targets (from the issue): hook-to-shaped p99 < 5 ms in the storm,
# >= 500 sessions/s, daemon-side apply >= 100x faster than the shell hook,
# acd's cost per session (its CPU time per session over the storm, and its
# apply time) at the largest N <= 1.5x the smallest (flat), and acd's peak
# RSS (VmHWM) < 30 MB at STORM_RSS_SIZE sessions.  When the spawn floor
# itself, STORM_CONCURRENCY at a time, has a p99 above 5 ms (16 processes on
# 2 cores wait in the run queue), the p99 line says so: run again with one
# hook per core to see the hook's own latency.
# Targets of the plugin path (issue 20): e2e p99 < 2 ms at 16 in flight,
# every event taken; >= 2000 sessions/s; acd's cost per session at the
# largest N <= 1.5x the smallest apart from the kernel's share, i.e. its
# user CPU time per session (its system time per session is reported
# beside it).
#
# Exit: 0 ok, 1 failed (verification, or a target with STORM_ENFORCE=1),
# 2 usage, 77 skipped.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
HOOK=$HERE/radattr-hook.sh
SIZES=${STORM_SIZES:-1000 5000}
RSS_N=${STORM_RSS_SIZE:-10000}
CONC=${STORM_CONCURRENCY:-16}
REPEAT=${STORM_REPEAT:-3}
SAMPLE=${STORM_SAMPLE:-100}
UPMODE=${STORM_UPMODE:-auto}
ENFORCE=${STORM_ENFORCE:-1}
P99_TARGET_US=5000
RATE_TARGET=500
SPEEDUP_TARGET=100
FLAT_TARGET=1.5
RSS_TARGET_KB=30720
PATHS=${STORM_PATHS:-hook plugin paced}
PACED_RATE=${STORM_PACED_RATE:-2000}
PLUGIN_P99_TARGET_US=2000
PLUGIN_RATE_TARGET=2000
PLUGIN_CONC_TARGET=16

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "storm.sh: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
usage() { echo "storm.sh: $*" >&2; exit 2; }
count() { case $2 in ''|*[!0-9]*|0[0-9]*) usage "$1=\"$2\": want a count" ;; esac; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespace, tc)"
for t in ip tc jq awk sort date mktemp; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not found"
done
need_exe() {
	[ -n "$2" ] || usage "$1 is not set (run through ctest, or export $1=<builddir>/...)"
	[ -x "$2" ] || usage "$1=$2: not an executable"
}
need_exe ACD_BIN "${ACD_BIN:-}"
need_exe ACDCTL "${ACDCTL:-}"
need_exe STORM_DRIVER "${STORM_DRIVER:-}"
FLOOR=${STORM_FLOOR:-/bin/true}
need_exe STORM_FLOOR "$FLOOR"
FLOOR_NAME=$(basename "$FLOOR")
if [ -z "${ACD_DICT:-}" ] || [ ! -r "$ACD_DICT" ]; then
	usage "ACD_DICT (radius-dict/dictionary) is not set or not readable"
fi
[ -r "$HOOK" ] || die "$HOOK missing"
count STORM_RSS_SIZE "$RSS_N"
count STORM_CONCURRENCY "$CONC"
count STORM_REPEAT "$REPEAT"
count STORM_SAMPLE "$SAMPLE"
if [ "$CONC" -lt 1 ] || [ "$REPEAT" -lt 1 ] || [ "$SAMPLE" -lt 1 ]; then
	usage "STORM_CONCURRENCY, STORM_REPEAT and STORM_SAMPLE must be >= 1"
fi
case $UPMODE in auto|police|ifb) ;; *) usage "STORM_UPMODE=$UPMODE: use auto, police or ifb" ;; esac
count STORM_PACED_RATE "$PACED_RATE"
HOOKS=0 PLUGIN=0 PACED=0
for p in $PATHS; do
	case $p in
	hook) HOOKS=1 ;;
	plugin) PLUGIN=1 ;;
	paced) PACED=1 ;;
	*) usage "STORM_PATHS: \"$p\": use hook, plugin and paced, or some of them" ;;
	esac
done
[ $HOOKS = 1 ] || [ $PLUGIN = 1 ] || [ $PACED = 1 ] || usage "STORM_PATHS is empty"
[ $PACED = 0 ] || [ "$PACED_RATE" -gt 0 ] || usage "STORM_PACED_RATE must be > 0"
[ $HOOKS = 1 ] || RSS_N=0
max=0
for n in $SIZES; do
	count STORM_SIZES "$n"
	[ "$n" -ge "$SAMPLE" ] || usage "STORM_SIZES: $n is smaller than STORM_SAMPLE=$SAMPLE"
	[ "$n" -le "$max" ] || max=$n
done
[ "$max" -gt 0 ] || usage "STORM_SIZES is empty"
[ "$RSS_N" -le "$max" ] || max=$RSS_N

NS=acd-storm-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acd-storm.XXXXXX")
ACD_PID=
ACD_SOCKET=$TMP/acd.sock
cleanup() {
	if [ -n "$ACD_PID" ]; then
		kill "$ACD_PID" 2>/dev/null || true
		wait "$ACD_PID" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

nsx() { ip netns exec "$NS" "$@"; }
ctl() { "$ACDCTL" -s "$ACD_SOCKET" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# key=value from a line of storm_driver
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ---- radattr files and the rates the kernel must show (max sessions) ----
radattr_plan "$max" "$SAMPLE"

# ---- upload mode: police if the kernel has act_police, else ifb ----
ip netns add "$NS" || skip "cannot create a network namespace"
ip -n "$NS" tuntap add probe0 mode tun || skip "cannot create tun devices"
ip -n "$NS" link set probe0 up
nsx tc qdisc add dev probe0 handle ffff: ingress || skip "kernel has no ingress qdisc"
if has_police "$NS"; then has_police=yes; else has_police=no; fi
if [ "$UPMODE" = auto ]; then
	if [ $has_police = yes ]; then UPMODE=police; else UPMODE=ifb; fi
fi
[ "$UPMODE" != police ] || [ $has_police = yes ] || skip "STORM_UPMODE=police but the kernel has no act_police"
if [ "$UPMODE" = ifb ]; then
	ip -n "$NS" link add probe-ifb type ifb 2>/dev/null || skip "kernel has neither act_police nor ifb"
	nsx tc filter add dev probe0 parent ffff: prio 2 protocol all u32 match u32 0 0 \
		action mirred egress redirect dev probe-ifb 2>/dev/null || skip "kernel has neither act_police nor act_mirred"
fi
ip netns del "$NS"

# hook: pppd's radattr files in $TMP/radattr; plugin: acd.so sends the
# attributes, and acd's radattr-dir is empty, so no file can shape a session
mkdir "$TMP/noradattr"
bench_conf >"$TMP/acd-hook.conf"
bench_conf "$TMP/noradattr" >"$TMP/acd-plugin.conf"
for p in hook plugin; do
	"$ACD_BIN" -n -c "$TMP/acd-$p.conf" >/dev/null || die "the benchmark's acd-$p.conf does not check"
done

# A fresh, empty namespace with acd running in it, on acd-$1.conf.
start() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS" || die "cannot create a network namespace"
	ip -n "$NS" link set lo up
	rm -rf "$TMP/state"
	cp "$TMP/acd-$1.conf" "$TMP/acd.conf"
	bench_acd
}

stop() {
	acd_stop || die "acd (pid $ACD_PID) died during the run"
	ACD_PID=
	ip netns del "$NS"
}

# Interfaces PREFIX0..PREFIX{$2-1}, up; prints the ms it took.
links() {
	awk -v n="$2" -v p="$1" 'BEGIN {
		for (i = 0; i < n; i++) print "tuntap add " p i " mode tun"
		for (i = 0; i < n; i++) print "link set " p i " up" }' >"$TMP/links"
	t0=$(now_ms)
	ip -n "$NS" -batch "$TMP/links" || die "cannot create $2 tun interfaces"
	echo $(($(now_ms) - t0))
}

# acd's CPU time so far, in clock ticks: user and system
acd_cpu_ticks() { awk '{ print $14, $15 }' "/proc/$ACD_PID/stat"; }
# Wait (10 s at most) until acd's state file holds $1 sessions: the save a
# storm causes (acd writes it up to 5 s after the last change) is part of
# what the storm costs acd.
saved() {
	local want=$1
	wait_until 10 _saved || echo "  (acd's state file does not hold $want sessions 10 s after the storm)"
}
_saved() { [ "$(jq '.sessions | length' "$TMP/state/sessions.json" 2>/dev/null)" = "$want" ]; }
# us per session of $1 ticks over $2 sessions
per_sess() { echo $(($1 * 1000000 / $(getconf CLK_TCK) / $2)); }
acd_mem() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$ACD_PID/status"; }

# Wait until acd has $1 sessions (a hook that gave up may still be served
# later); give up when the count has not moved for 10 s.  Prints the count.
settle() {
	local want=$1 last=-1 s
	while wait_until 10 _there_or_moved; do
		[ "$s" != "$want" ] || break
		last=$s
	done
	echo "$s"
}
# _there_or_moved: settle's count s is what it wants, or not what it last was
_there_or_moved() {
	s=$(ctl -j show stat | jq .sessions) || die "acdctl show stat failed"
	[ "$s" = "$want" ] || [ "$s" != "$last" ]
}

# acd's session table: $1 sessions, all shaped at their radattr rates
verify_table() {
	ctl -j show sessions >"$TMP/sessions.json" || die "acdctl -j show sessions failed"
	jq -r --argjson n "$1" --slurpfile exp "$TMP/expect.json" '
	[ if length != $n then "acdctl show sessions: \(length) sessions, want \($n)" else empty end,
	  ( .[] | (.ifname | ltrimstr("ppp") | tonumber) as $i | $exp[0][$i] as $e
	    | if .shaped != true then "\(.ifname): not shaped"
	      elif .down != $e.down * 1000 or .up != $e.up * 1000 then
	        "\(.ifname): acd says \(.down)/\(.up) bit/s, want \($e.down * 1000)/\($e.up * 1000)"
	      else empty end ) ]
	| .[:10][], (if length > 10 then "... and \(length - 10) more" else empty end)
	' "$TMP/sessions.json" >"$TMP/bad" || die "jq failed on acdctl's session table"
	if [ -s "$TMP/bad" ]; then
		echo "storm.sh: FAIL: acd's session table:" >&2
		sed 's/^/  /' "$TMP/bad" >&2
		exit 1
	fi
	wc -c <"$TMP/sessions.json"
}

# One storm of $1 sessions in a fresh namespace; appends a row to $2.
# Columns: see the header printed at the end.
storm() {
	n=$1 rows=$2 full=$3
	start hook
	idle_rss=$(acd_mem VmRSS)
	links_ms=$(links ppp "$n")
	: >"$TMP/hook.err"
	read -r u0 s0 <<<"$(acd_cpu_ticks)"
	out=$(nsx "$STORM_DRIVER" -m up -x "$ACDCTL" -s "$ACD_SOCKET" -n "$n" -c "$CONC" \
		-e "$TMP/hook.err" -o "$TMP/storm.raw") || true
	echo "  storm:  $out"
	[ -n "$(kv "$out" ok)" ] || die "storm_driver failed"
	have=$(settle "$n")
	saved "$have"
	read -r u1 s1 <<<"$(acd_cpu_ticks)"
	ticks=$((u1 - u0 + s1 - s0))
	rss=$(acd_mem VmRSS) hwm=$(acd_mem VmHWM)
	# acd's own time per hook (request read to reply queued), over the
	# storm's last LAT_WINDOW (1024) hooks
	hl=$(ctl -j show stat | jq -r '.hook_latency | "\(.p50_us) \(.p99_us) \(.max_us)"') ||
		die "acdctl show stat has no hook_latency"
	failed=$(kv "$out" failed) lost=$((n - have))
	if [ "$failed" != 0 ]; then
		echo "  $failed hook(s) failed; their messages:"
		sed 's/ppp[0-9][0-9]*/pppK/g; s/acd-storm\.[A-Za-z0-9]*/acd-storm.X/' "$TMP/hook.err" |
			sort | uniq -c | sed 's/^/    /'
	fi
	list_bytes=0
	if [ "$lost" != 0 ]; then
		# a failed hook is not retried by pppd: the subscriber stays
		# unshaped.  Counted as a failure; to measure the rest at N, the
		# lost ones are sent again, one at a time.
		echo "  FAIL: acd has $have sessions, want $n: $lost sessions lost (not there 10 s after the storm);" \
			"sending them again one at a time"
		LOST=$((LOST + lost))
		ctl -j show sessions | jq -r '.[].ifname | ltrimstr("ppp")' | sort -n >"$TMP/present" ||
			die "acdctl -j show sessions failed"
		awk -v n="$n" 'NR == FNR { have[$1] = 1; next } END { for (i = 0; i < n; i++) if (!(i in have)) print i }' \
			"$TMP/present" /dev/null >"$TMP/missing"
		nsx "$STORM_DRIVER" -m up -x "$ACDCTL" -s "$ACD_SOCKET" -l "$TMP/missing" -c 1 -e "$TMP/hook.err" \
			>/dev/null || die "the lost sessions fail one at a time too"
		[ "$(settle "$n")" = "$n" ] || die "acd does not have $n sessions even after the lost ones were sent again"
		rss=$(acd_mem VmRSS) hwm=$(acd_mem VmHWM)
	fi
	list_bytes=$(verify_table "$n")
	verify_tc ppp "$n" "acd (N=$n)"
	echo "  verified: acd shaped $n/$n sessions as their radattr files say (tc -j and acdctl -j show sessions)"
	shell="- - -" apply="- - - -"
	if [ "$full" = 1 ] && [ "$lost" = 0 ]; then
		# the status quo on shl0..shl{SAMPLE-1}, one after the other
		links shl "$SAMPLE" >/dev/null
		sh_out=$(nsx "$STORM_DRIVER" -m shell -x "$HOOK" -p shl -n "$SAMPLE" -c 1 \
			-d "$TMP/radattr" -u "$UPMODE" -e "$TMP/shell.err") ||
			{ cat "$TMP/shell.err" >&2; die "radattr-hook.sh failed: $sh_out"; }
		echo "  shell:  $sh_out"
		verify_tc shl "$SAMPLE" "radattr-hook.sh (N=$n)"
		shell="$(kv "$sh_out" p50_us) $(kv "$sh_out" cpu_mean_us) $(kv "$sh_out" p99_us)"
		# acd's share: SAMPLE sessions spread over the table go down, then
		# come up again one at a time, each after a no-op round trip
		awk -v n="$n" -v s="$SAMPLE" 'BEGIN { for (i = 0; i < s; i++) print int(i * n / s) }' \
			>"$TMP/sample"
		d_out=$(nsx "$STORM_DRIVER" -m down -x "$ACDCTL" -s "$ACD_SOCKET" -l "$TMP/sample" -c 1 \
			-e "$TMP/hook.err") || die "ip-down hooks failed: $d_out"
		[ "$(settle $((n - SAMPLE)))" = $((n - SAMPLE)) ] || die "acd did not end the sample sessions"
		p_out=$(nsx "$STORM_DRIVER" -m pair -x "$ACDCTL" -s "$ACD_SOCKET" -l "$TMP/sample" \
			-e "$TMP/hook.err") || die "ip-up hooks of the sample failed: $p_out"
		echo "  sample: $p_out"
		[ "$(settle "$n")" = "$n" ] || die "acd did not take the sample sessions back"
		verify_table "$n" >/dev/null
		verify_tc ppp "$n" "acd (N=$n, after the sample went down and up)"
		apply="$(kv "$p_out" diff_p50_us) $(kv "$p_out" noop_p50_us) $(kv "$p_out" up_p50_us) $(kv "$p_out" up_p99_us)"
	fi
	echo "$n $links_ms $(kv "$out" per_s) $(kv "$out" p50_us) $(kv "$out" p99_us)" \
		"$(kv "$out" max_us) $failed $((ticks * 1000000 / $(getconf CLK_TCK) / n))" \
		"$idle_rss $rss $hwm $list_bytes $apply $shell $(kv "$out" cpu_p50_us) $lost $hl" \
		"$(per_sess $((u1 - u0)) "$n") $(per_sess $((s1 - s0)) "$n")" >>"$rows"
	stop
}

# Every session ppp0..ppp{$1-1} came by acd.so: `show session` says via
# plugin, with the PPPoE session id, user and MAC that storm_driver sent.
verify_via() {
	nsx "$STORM_DRIVER" -m show -s "$ACD_SOCKET" -n "$1" -o "$TMP/show.jsonl" >/dev/null ||
		die "acd has no session for some of ppp0..ppp$(($1 - 1)) (show session)"
	jq -r -n --argjson n "$1" '
	[ inputs | .data | (.ifname | ltrimstr("ppp") | tonumber) as $i
	  | if .via != "plugin" then "\(.ifname): show session says via \"\(.via)\", want plugin"
	    elif .pppoe_sid != $i % 65534 + 1 then "\(.ifname): pppoe_sid \(.pppoe_sid), want \($i % 65534 + 1)"
	    elif (.user | ltrimstr("sub") | rtrimstr("@isp.example") | tonumber? // -1) != $i then
	      "\(.ifname): user \"\(.user)\", want sub\($i)@isp.example"
	    elif (.mac | split(":") | .[2:] | map(explode | map(if . > 57 then . - 87 else . - 48 end)
	          | .[0] * 16 + .[1]) | .[0] * 16777216 + .[1] * 65536 + .[2] * 256 + .[3]) != $i then
	      "\(.ifname): MAC \(.mac) is not the one sent"
	    else empty end ]
	| .[:10][], (if length > 10 then "... and \(length - 10) more" else empty end)
	' "$TMP/show.jsonl" >"$TMP/bad" || die "jq failed on acd's show session replies"
	if [ -s "$TMP/bad" ]; then
		echo "storm.sh: FAIL: the sessions of acd.so's storm, as show session gives them:" >&2
		sed 's/^/  /' "$TMP/bad" >&2
		exit 1
	fi
}

# One storm of $1 sessions through acd.so's protocol in a fresh namespace,
# acd reading no radattr file, closed loop ($3 = 0) or paced at $3 events a
# second; appends a row to $2 (columns: see the tables at the end).
plugin_storm() {
	n=$1 rows=$2 rate=$3
	start plugin
	links_ms=$(links ppp "$n")
	: >"$TMP/plugin.err"
	read -r u0 s0 <<<"$(acd_cpu_ticks)"
	out=$(nsx "$STORM_DRIVER" -m plugin -s "$ACD_SOCKET" -d "$TMP/radattr" -n "$n" -c "$CONC" \
		-r "$rate" -e "$TMP/plugin.err" -o "$TMP/plugin.raw") || true
	if [ "$rate" = 0 ]; then echo "  plugin: $out"; else echo "  paced:  $out"; fi
	[ -n "$(kv "$out" ok)" ] || die "storm_driver -m plugin failed"
	have=$(settle "$n")
	saved "$have"
	read -r u1 s1 <<<"$(acd_cpu_ticks)"
	rss=$(acd_mem VmRSS) hwm=$(acd_mem VmHWM)
	hl=$(ctl -j show stat | jq -r '.hook_latency | "\(.p50_us) \(.p99_us) \(.max_us)"') ||
		die "acdctl show stat has no hook_latency"
	failed=$(kv "$out" failed) lost=$((n - have))
	if [ "$failed" != 0 ]; then
		echo "  $failed event(s) not taken; what storm_driver saw:"
		sed 's/ppp[0-9][0-9]*/pppK/g; s/acd-storm\.[A-Za-z0-9]*/acd-storm.X/' "$TMP/plugin.err" |
			sort | uniq -c | sed 's/^/    /'
	fi
	if [ "$lost" != 0 ]; then
		# acd.so would have queued them and tried again: not lost for the
		# subscriber, but a failure of the run all the same
		echo "  FAIL: acd has $have sessions, want $n: $lost events not taken; sending them again one at a time"
		LOST=$((LOST + lost))
		ctl -j show sessions | jq -r '.[].ifname | ltrimstr("ppp")' | sort -n >"$TMP/present" ||
			die "acdctl -j show sessions failed"
		awk -v n="$n" 'NR == FNR { have[$1] = 1; next } END { for (i = 0; i < n; i++) if (!(i in have)) print i }' \
			"$TMP/present" /dev/null >"$TMP/missing"
		nsx "$STORM_DRIVER" -m plugin -s "$ACD_SOCKET" -d "$TMP/radattr" -l "$TMP/missing" -c 1 \
			-e "$TMP/plugin.err" >/dev/null || die "the events not taken fail one at a time too"
		[ "$(settle "$n")" = "$n" ] || die "acd does not have $n sessions even after the events were sent again"
	fi
	verify_table "$n" >/dev/null
	verify_tc ppp "$n" "acd via acd.so's protocol (N=$n)"
	verify_via "$n"
	echo "  verified: acd shaped $n/$n sessions at the rates acd.so sent, none from a radattr file;" \
		"show session says via plugin for each"
	echo "$n $links_ms $(kv "$out" per_s) $(kv "$out" p50_us) $(kv "$out" p99_us) $(kv "$out" max_us)" \
		"$failed $lost $(kv "$out" late) $(per_sess $((u1 - u0)) "$n") $(per_sess $((s1 - s0)) "$n")" \
		"$(kv "$out" cpu_mean_us) $rss $hwm $hl $(kv "$out" inflight_max)" >>"$rows"
	stop
}

echo "acd session storm: sizes $SIZES (x$REPEAT, medians), RSS at $RSS_N, concurrency $CONC," \
	"sample $SAMPLE, upload mode $UPMODE (act_police: $has_police)"
# The floor under any hook here: spawning a do-nothing program.
ip netns add "$NS"
floor=$(nsx "$STORM_DRIVER" -m noop -x "$FLOOR" -n 200 -c 1) || die "cannot spawn $FLOOR"
floor_c=$(nsx "$STORM_DRIVER" -m noop -x "$FLOOR" -n 1000 -c "$CONC") || die "cannot spawn $FLOOR"
ip netns del "$NS"
echo "spawn floor ($FLOOR_NAME, 1 at a time): $floor"
echo "spawn floor ($FLOOR_NAME, $CONC at a time): $floor_c"

: >"$TMP/rows"
: >"$TMP/prows"
: >"$TMP/qrows"
LOST=0
for n in $SIZES; do
	r=1
	while [ $r -le "$REPEAT" ]; do
		echo "N=$n run $r/$REPEAT:"
		[ $HOOKS = 0 ] || storm "$n" "$TMP/rows" 1
		[ $PLUGIN = 0 ] || plugin_storm "$n" "$TMP/prows" 0
		[ $PACED = 0 ] || plugin_storm "$n" "$TMP/qrows" "$PACED_RATE"
		r=$((r + 1))
	done
done
: >"$TMP/rssrow"
if [ "$RSS_N" -gt 0 ]; then
	echo "N=$RSS_N (RSS):"
	storm "$RSS_N" "$TMP/rssrow" 0
fi

# ---- the tables: per N and path, the median of each column over the runs ----
# hook row: 1 N, 2 links ms, 3 sess/s, 4-6 e2e p50/p99/max us, 7 failed hooks,
# 8 acd CPU us/session, 9-11 acd VmRSS idle/after, VmHWM kB, 12 bytes of
# `show sessions`, 13 acd apply us (median of hook - no-op), 14 no-op p50 us,
# 15-16 sample hook p50/p99 us, 17 shell p50 us, 18 shell CPU us/session,
# 19 shell p99 us, 20 hook process CPU p50 us, 21 sessions lost,
# 22-24 acd's own hook time p50/p99/max us (show stat hook_latency),
# 25-26 acd CPU user/system us/session
# plugin (and paced) row: 1 N, 2 links ms, 3 sess/s, 4-6 e2e p50/p99/max us,
# 7 events not taken, 8 sessions lost, 9 late (answered after 300 ms), 10-11
# acd CPU user/system us/session, 12 storm_driver's CPU us/session, 13-14
# acd VmRSS, VmHWM kB, 15-17 acd's own time per event p50/p99/max us, 18 the
# most in flight at once
echo
awk -v conc="$CONC" -v rep="$REPEAT" -v sample="$SAMPLE" \
	-v p99t="$P99_TARGET_US" -v ratet="$RATE_TARGET" -v spt="$SPEEDUP_TARGET" \
	-v flatt="$FLAT_TARGET" -v rsst="$RSS_TARGET_KB" \
	-v pp99t="$PLUGIN_P99_TARGET_US" -v pratet="$PLUGIN_RATE_TARGET" -v pconct="$PLUGIN_CONC_TARGET" \
	-v qrate="$PACED_RATE" -v hz="$(getconf CLK_TCK)" \
	-v floor1="$floor" -v floorc="$floor_c" -v floorname="$FLOOR_NAME" -v ncpu="$(nproc)" '
function median(a, k,    i, j, t, b) {
	for (i = 1; i <= k; i++) b[i] = a[i]
	for (i = 2; i <= k; i++) for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
	return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
function kv(line, key,    i, f, n) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2) + 0
	return 0
}
# the mean over the runs of field f of key n in v (cnt[n] runs)
function mean(v, cnt, n, f,    c, t) {
	for (c = 1; c <= cnt[n]; c++) t += v[n, f, c]
	return t / cnt[n]
}
# the medians over the runs of the N rows in v (N keys in order, cnt runs
# each, fields 2..nf) into out[i, f]; for the fields in worst ("7 21") the
# worst run instead
function medians(N, order, cnt, v, nf, worst, out,    i, j, n, k, f, c, a, w, nw) {
	nw = split(worst, w, " ")
	for (i = 1; i <= N; i++) {
		n = order[i]; k = cnt[n]
		for (f = 2; f <= nf; f++) { delete a; for (c = 1; c <= k; c++) a[c] = v[n, f, c]; out[i, f] = median(a, k) }
		for (j = 1; j <= nw; j++)
			for (c = 1; c <= k; c++) if (c == 1 || v[n, w[j], c] > out[i, w[j]]) out[i, w[j]] = v[n, w[j], c]
	}
}
FILENAME ~ /\/rssrow$/ { split($0, R, " "); rss_n = R[1]; next }
FILENAME ~ /\/prows$/ {
	if (!($1 in pcnt)) porder[++pn] = $1
	c = ++pcnt[$1]
	for (f = 2; f <= NF; f++) pv[$1, f, c] = $f
	pnf = NF
	next
}
FILENAME ~ /\/qrows$/ {
	if (!($1 in qcnt)) qorder[++qn] = $1
	c = ++qcnt[$1]
	for (f = 2; f <= NF; f++) qv[$1, f, c] = $f
	qnf = NF
	next
}
{
	if (!($1 in cnt)) order[++nn] = $1
	c = ++cnt[$1]
	for (f = 2; f <= NF; f++) v[$1, f, c] = $f
	nf = NF
}
function hookrow(n, x, note) {
	printf "%6d %6s %6d %8.1f %8.2f %8.2f %8.2f %7.2f %7.2f %5d %5d %8.0f %6.0f %6.0f %8.0f %8d %8d%s\n", n, "hook",
		x[2], x[3], x[4] / 1000, x[5] / 1000, x[6] / 1000, x[22] / 1000, x[23] / 1000, x[7], x[21],
		x[8], x[25], x[26], x[20], x[10], x[11], note
}
function pluginrow(n, path, x) {
	printf "%6d %6s %6d %8.1f %8.2f %8.2f %8.2f %7.2f %7.2f %5d %5d %8.0f %6.0f %6.0f %8.0f %8d %8d\n",
		n, path, x[2], x[3], x[4] / 1000, x[5] / 1000, x[6] / 1000, x[15] / 1000, x[16] / 1000, x[7], x[8],
		x[10] + x[11], x[10], x[11], x[12], x[13], x[14]
}
END {
	medians(nn, order, cnt, v, nf, "7 21", m)
	medians(pn, porder, pcnt, pv, pnf, "7 8 9", pm)
	medians(qn, qorder, qcnt, qv, qnf, "7 8 9", qm)
	print "the storm, " conc " at a time. hook: `acdctl hook ip-up`, a process per event; plugin: acd.so'"'"'s"
	print "protocol (its own encoder, RADIUS attributes in the request), one process for all; paced:"
	print "the same, the events due at " qrate "/s (open loop), at most " conc " in flight:"
	printf "%6s %6s %6s %8s %8s %8s %8s %7s %7s %5s %5s %8s %6s %6s %8s %8s %8s\n", "N", "path", "links", "sess/s",
		"e2e p50", "e2e p99", "e2e max", "acd p50", "acd p99", "fail", "lost", "acd CPU", "user", "sys",
		"client", "RSS", "HWM"
	printf "%6s %6s %6s %8s %8s %8s %8s %7s %7s %5s %5s %8s %6s %6s %8s %8s %8s\n", "", "", "ms", "", "ms", "ms",
		"ms", "ms", "ms", "", "", "us/sess", "", "", "CPU us", "kB", "kB"
	# N in the order of STORM_SIZES: hook, plugin, paced, N by N
	for (i = 1; i <= nn || i <= pn || i <= qn; i++) {
		if (i <= nn) {
			for (f = 2; f <= nf; f++) x[f] = m[i, f]
			hookrow(order[i], x, "")
		}
		if (i <= pn) {
			for (f = 2; f <= pnf; f++) x[f] = pm[i, f]
			pluginrow(porder[i], "plugin", x)
		}
		if (i <= qn) {
			for (f = 2; f <= qnf; f++) x[f] = qm[i, f]
			pluginrow(qorder[i], "paced", x)
		}
	}
	if (rss_n)
		hookrow(R[1], R, sprintf("  (one run; idle RSS %d kB)", R[9]))
	if (nn)
		printf "spawn floor: %s %d at a time: %.1f /s, p99 %.1f ms; 1 at a time: p50 %.1f ms, CPU %.1f ms/proc\n",
			floorname, conc, kv(floorc, "per_s"), kv(floorc, "p99_us") / 1000, kv(floor1, "p50_us") / 1000,
			kv(floor1, "cpu_p50_us") / 1000
	if (nn) {
		print ""
		print "acd apply vs radattr-hook.sh (" sample " sessions each, one at a time, at table size N):"
		printf "%6s %9s %9s %9s %10s %9s %8s %10s %9s %8s\n", "N", "no-op rt", "hook p50", "hook p99",
			"acd apply", "shell", "speed-up", "shell CPU", "acd CPU", "CPU x"
		printf "%6s %9s %9s %9s %10s %9s %8s %10s %9s %8s\n", "", "ms", "ms", "ms", "us", "ms", "",
			"ms/sess", "us/sess", ""
	}
	for (i = 1; i <= nn; i++) {
		na = 0
		for (c = 1; c <= cnt[order[i]]; c++) if (v[order[i], 13, c] == "-") na = 1
		if (na) {
			SP[i] = 0
			printf "%6d  not measured: sessions were lost in a run\n", order[i]
			continue
		}
		SP[i] = m[i, 13] > 0 ? m[i, 17] / m[i, 13] : 0
		SPC[i] = m[i, 8] > 0 ? m[i, 18] / m[i, 8] : 0
		printf "%6d %9.2f %9.2f %9.2f %10.0f %9.1f %7.0fx %10.1f %9.0f %7.0fx\n", order[i],
			m[i, 14] / 1000, m[i, 15] / 1000, m[i, 16] / 1000, m[i, 13], m[i, 17] / 1000, SP[i],
			m[i, 18] / 1000, m[i, 8], SPC[i]
	}
	printf "medians of %d runs (fail, lost: the worst run).  e2e, hook: posix_spawn of the hook to its exit\n", rep
	print "(0 = acd replied after shaping); plugin: socket() of the pppd'"'"'s connection to acd'"'"'s reply"
	print "line (paced: from when it was due).  fail: hooks that did not exit 0, events acd did not"
	print "take; lost: sessions acd never got"
	print "(pppd does not retry a hook: those subscribers stay unshaped; acd.so would try again).  acd"
	print "p50/p99: the daemon itself per event, from show stat hook_latency (the last 1024 of the storm)."
	print "acd CPU: utime+stime of acd over the storm and its state save / N; user, sys: the two apart (sys: the kernel'"'"'s"
	print "work for acd: netlink, qdiscs, links; a kernel with tick accounting samples the split at each"
	print "tick: the plugin path'"'"'s user time at N=1000 is a few tens of samples, +-20%).  client CPU:"
	print "hook, the hook process'"'"'s (wait4, p50); plugin, storm_driver'"'"'s whole / N (what acd.so would"
	print "cost the pppds)."
	if (nn) {
		print "acd apply: (hook rt - no-op rt), `acdctl show stat` just before each ip-up, median of the"
		print "differences (the state save is not in it: acd writes it later, from a thread)."
		print "shell: wall p50 and CPU (wait4) of radattr-hook.sh with its sed/awk/tc/ip children.  speed-up"
		print "= shell / acd apply (wall); CPU x = shell CPU / acd CPU."
	}
	for (i = 1; i <= pn; i++) if (pm[i, 9] > 0)
		printf "plugin, N=%d: %d events answered after 300 ms (acd.so'"'"'s acd-timeout: it would have queued them and tried again)\n",
			porder[i], pm[i, 9]
	for (i = 1; i <= qn; i++) if (qm[i, 9] > 0)
		printf "paced, N=%d: %d events answered after 300 ms (acd.so'"'"'s acd-timeout)\n", qorder[i], qm[i, 9]

	bad = 0
	if (nn) {
		ok = 1; w = ""
		for (i = 1; i <= nn; i++) { if (m[i, 5] >= p99t || m[i, 7] > 0) ok = 0; w = w sprintf(" %.1f ms (N=%d, %d failed)", m[i, 5] / 1000, order[i], m[i, 7]) }
		printf "target e2e p99 < %.0f ms in the storm, every hook exit 0:%s: %s\n", p99t / 1000, w, ok ? "met" : "MISSED"; bad += !ok
		if (kv(floorc, "p99_us") >= p99t)
			printf "(below the floor: %s, %d at a time, has p99 %.1f ms here: no hook can meet it at this\nconcurrency on this machine; STORM_CONCURRENCY=%d, one per core, shows the hook without the run queue)\n",
				floorname, conc, kv(floorc, "p99_us") / 1000, ncpu
		w = ""
		for (i = 1; i <= nn; i++) w = w sprintf(" %.2f ms (N=%d)", m[i, 23] / 1000, order[i])
		printf "(the daemon itself, request read to reply queued:%s)\n", w
		ok = 1; w = ""
		for (i = 1; i <= nn; i++) { if (m[i, 3] < ratet) ok = 0; w = w sprintf(" %.0f/s", m[i, 3]) }
		printf "target >= %d sessions/s:%s: %s\n", ratet, w, ok ? "met" : "MISSED"; bad += !ok
		ok = 1; w = ""
		for (i = 1; i <= nn; i++) { if (SP[i] < spt) ok = 0; w = w sprintf(" %.0fx", SP[i]) }
		printf "target daemon-side apply >= %dx faster than the shell hook:%s: %s\n", spt, w, ok ? "met" : "MISSED"; bad += !ok
	}
	if (nn > 1) {
		fc = m[nn, 8] / m[1, 8]
		if (SP[1] > 0 && SP[nn] > 0) {
			fa = m[nn, 13] / m[1, 13]; fas = sprintf("%.2f", fa)
		} else {
			fa = 99; fas = "n/a"
		}
		ok = fc <= flatt && fa <= flatt
		printf "target cost per session flat, N=%d / N=%d <= %.1f: acd CPU %.2f, acd apply %s: %s\n",
			order[nn], order[1], flatt, fc, fas, ok ? "met" : "MISSED"; bad += !ok
	}
	if (rss_n) {
		ok = R[11] < rsst
		printf "target acd RSS < %d MB at %d sessions: VmHWM %d kB, VmRSS %d kB: %s\n", rsst / 1024,
			R[1], R[11], R[10], ok ? "met" : "MISSED"; bad += !ok
		if (R[12] > 0)
			printf "(`show sessions -j` sends %.0f bytes/session; a reply may reach 32 MiB (ACD_REPLY_MAX), about %d sessions)\n",
				R[12] / R[1], 33554432 / (R[12] / R[1])
	}
	if (pn) {
		ok = 1; w = ""
		for (i = 1; i <= pn; i++) {
			if (pm[i, 5] >= pp99t || pm[i, 7] > 0 || pm[i, 8] > 0) ok = 0
			w = w sprintf(" %.2f ms (N=%d, %d not taken)", pm[i, 5] / 1000, porder[i], pm[i, 7])
		}
		printf "target plugin e2e p99 < %.0f ms at %d in flight, every event taken:%s: %s\n", pp99t / 1000, conc,
			w, ok ? "met" : "MISSED"; bad += !ok
		if (conc != pconct)
			printf "(the target is for %d in flight; this run had STORM_CONCURRENCY=%d)\n", pconct, conc
		# Little: with conc always in flight, the mean e2e is conc / rate
		w = ""
		for (i = 1; i <= pn; i++)
			w = w sprintf(" %.2f ms at %.0f/s (N=%d)", conc / pm[i, 3] * 1000, pm[i, 3], porder[i])
		printf "(%d in flight at every moment: the mean e2e is %d / sessions per s:%s;\n", conc, conc, w
		printf "a p99 under %.0f ms at %d in flight needs more than %.0f sessions/s, acd under %.0f us per event)\n",
			pp99t / 1000, conc, conc * 1000000 / pp99t, pp99t / conc
		ok = 1; w = ""
		for (i = 1; i <= pn; i++) { if (pm[i, 3] < pratet) ok = 0; w = w sprintf(" %.0f/s", pm[i, 3]) }
		printf "target plugin >= %d sessions/s:%s: %s\n", pratet, w, ok ? "met" : "MISSED"; bad += !ok
		w = ""
		for (i = 1; i <= pn && i <= nn; i++)
			if (order[i] == porder[i] && m[i, 3] > 0 && pm[i, 10] + pm[i, 11] > 0)
				w = w sprintf(" N=%d: %.1fx the sessions/s, acd CPU %.2fx;", porder[i], pm[i, 3] / m[i, 3],
					(pm[i, 10] + pm[i, 11]) / m[i, 8])
		if (w != "")
			printf "(plugin against hook:%s)\n", substr(w, 1, length(w) - 1)
	}
	if (qn) {
		w = ""; slow = 0
		for (i = 1; i <= qn; i++) {
			w = w sprintf(" N=%d: p99 %.2f ms, p50 %.2f ms, %.0f/s, %d in flight at most, %d not taken;", qorder[i],
				qm[i, 5] / 1000, qm[i, 4] / 1000, qm[i, 3], qm[i, 18], qm[i, 7] + qm[i, 8])
			if (qm[i, 3] < qrate * 0.95) slow = 1
		}
		printf "(paced, the events due at %d/s, at most %d in flight, each timed from when it was due:%s%s)\n", qrate,
			conc, substr(w, 1, length(w) - 1), slow ? "; acd did not keep up with the rate" : ""
	}
	if (pn > 1) {
		# the mean of the runs, not the median: the kernel samples the
		# user/system split at its tick, and at N=1000 the user time of a
		# run is a few ticks; the mean pools them
		n1 = porder[1]; n2 = porder[pn]
		u1 = mean(pv, pcnt, n1, 10); u2 = mean(pv, pcnt, n2, 10)
		s1 = mean(pv, pcnt, n1, 11); s2 = mean(pv, pcnt, n2, 11)
		fu = u1 > 0 ? u2 / u1 : 99
		ok = fu <= flatt
		printf "target plugin cost per session flat apart from the kernel'"'"'s share, N=%d / N=%d <= %.1f: acd user CPU %.0f -> %.0f us, %.2f: %s\n",
			n2, n1, flatt, u1, u2, fu, ok ? "met" : "MISSED"; bad += !ok
		printf "(the kernel'"'"'s share, acd system CPU: %.0f -> %.0f us per session, %s; user + system %.0f -> %.0f us, %.2f;\n",
			s1, s2, (s1 > 0 ? sprintf("%.2f", s2 / s1) : "n/a"), u1 + s1, u2 + s2, (u1 + s1 > 0 ? (u2 + s2) / (u1 + s1) : 0)
		printf "means of %d and %d runs; the user time at N=%d is %d ticks of %.0f ms in all)\n", pcnt[n1], pcnt[n2],
			n1, u1 * n1 * pcnt[n1] * hz / 1000000 + 0.5, 1000 / hz
	}
	exit bad ? 1 : 0
}' "$TMP/rows" "$TMP/prows" "$TMP/qrows" "$TMP/rssrow" && ok=1 || ok=0
if [ "$LOST" != 0 ]; then
	echo "storm.sh: FAIL: $LOST sessions never reached acd (see \"lost\" above)" >&2
	exit 1
fi
if [ "$ok" = 0 ] && [ "$ENFORCE" != 0 ]; then
	echo "storm.sh: FAIL: a target was missed" >&2
	exit 1
fi
exit 0
