#!/bin/bash
# pppoe.sh - PPPoE discovery of acd as the access concentrator (issue 15),
# on veth pairs, with a stand-in pppd (pppd_standin: waits for its SIGTERM).
#
#   1. handshakes/s: PPPOE_CLIENTS (3000) raw clients with distinct MACs,
#      PPPOE_IN_FLIGHT (64) in discovery at once (and 1 at a time), each
#      PADI, PADO, PADR, PADS, then a PADT that ends its pppd; PADI limits
#      and max-starting off: what acd itself can do, forks of pppd included.
#   2. a PADI flood from random source MACs at PPPOE_FLOOD_RATE (50 000)
#      frames/s, beside 100 clients that want their sessions (a PADI or
#      PADR again after 1 s without an answer, as an eager client does):
#        a. default limits, the clients on the flooded interface (their
#           PADIs again pass the full limits: acd remembers whom it refused);
#        b. default limits, the clients on another interface (as another
#           VLAN of the AC is);
#        c. limits off, the clients on the flooded interface;
#        d. as a, the clients asking again after 5 s, as pppd does.
#   3. a PADR flood: 400 hosts each take a cookie (their PADO) and send
#      its PADR, and never speak LCP, so each pppd acd starts waits for
#      them; with acd's default max-starting (256) no more than that run.
#
# acd runs on CPU 0 (its pppds too: they inherit it), the load on CPU 1.
# For each: the rate sent (frames handed to the kernel) and arrived (ac0's
# rx_packets), what acd read and answered, its CPU time and RSS before and
# after (from /proc), and how many clients got their session how fast.
#
#   usage: tests/bench/pppoe.sh   (root; ACD_BIN, ACDCTL, ACD_DICT,
#                                  PPPOE_LOAD, PPPD_STANDIN in the environment)
#   or:    ctest -L bench -R bench.pppoe -V
#
# Targets: the flood sent at >= 50 000 frames/s; in each of 2a to 2d all
# 100 clients get their session and every PADT they send reaches acd; in 3,
# max-starting pppds and no more.
# PPPOE_ENFORCE=0: report only.  Exit 0 ok, 1 failed, 2 usage, 77 skipped.
set -euo pipefail

CLIENTS=${PPPOE_CLIENTS:-3000}
IN_FLIGHT=${PPPOE_IN_FLIGHT:-64}
FLOOD_RATE=${PPPOE_FLOOD_RATE:-50000}
FLOOD_SECS=${PPPOE_FLOOD_SECS:-20}
ENFORCE=${PPPOE_ENFORCE:-1}
RATE_TARGET=50000
LEGIT=100

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "pppoe.sh: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, packet sockets)"
for t in ip jq taskset nproc; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not found"
done
for v in ACD_BIN ACDCTL PPPOE_LOAD PPPD_STANDIN; do
	eval "x=\${$v:-}"
	[ -n "$x" ] && [ -x "$x" ] || { echo "pppoe.sh: $v is not set or not executable" >&2; exit 2; }
done
[ -r "${ACD_DICT:-}" ] || { echo "pppoe.sh: ACD_DICT is not set" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (acd on one, the load on another)"

NS=acd-pppoe-bench-$$
CL=acd-pppoe-bench-$$-cl
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acd-pppoe.XXXXXX")
ACD_PID=
UPMODE=ifb
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	local kids
	if [ -n "$ACD_PID" ]; then
		# its pppds stay when acd stops, as real ones do: ended here, by pid
		kids=$(ps --ppid "$ACD_PID" -o pid= 2>/dev/null || true)
		kill "$ACD_PID" 2>/dev/null && wait "$ACD_PID" 2>/dev/null
		# shellcheck disable=SC2086 # a list of pids
		[ -z "$kids" ] || kill $kids 2>/dev/null
	fi
	ip netns del "$NS" 2>/dev/null
	ip netns del "$CL" 2>/dev/null
	rm -rf "$TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
ACD_SOCKET=$TMP/acd.sock
ctl() { "$ACDCTL" -s "$ACD_SOCKET" "$@"; }
load() { ip netns exec "$CL" taskset -c 1 "$PPPOE_LOAD" "$@"; }

ip netns add "$NS" || skip "cannot create a network namespace"
ip netns add "$CL"
for i in 0 1; do
	ip -n "$NS" link add "ac$i" address "02:ac:00:00:00:0$i" type veth \
		peer name "cl$i" address "02:c1:00:00:00:0$i" netns "$CL"
	ip -n "$NS" link set "ac$i" up
	ip -n "$CL" link set "cl$i" up
done
cp "$PPPD_STANDIN" "$TMP/pppd"
: >"$TMP/pppoe.so"
printf 'noauth\n' >"$TMP/pppoe-options"
chmod 644 "$TMP/pppoe-options"

# conf off|default: acd.conf with the PADI limits and max-starting off, or
# acd's defaults
conf() {
	{
		bench_conf
		cat <<CONF
[pppoe]
interface = ac0
interface = ac1
ac-name = bench
pppd = $TMP/pppd
plugin = $TMP/pppoe.so
pppd-options = $TMP/pppoe-options
max-sessions-per-mac = 1
CONF
		# off: nor max-starting, for the stand-in pppds never bring their
		# sessions up: 3000 handshakes hold 3000 of them "starting"
		[ "$1" = default ] ||
			printf 'padi-limit = 0\npadi-limit-interface = 0\npadi-limit-mac = 0\nmax-starting = 0\n'
	} >"$TMP/acd.conf"
	ip netns exec "$NS" "$ACD_BIN" -n -v -c "$TMP/acd.conf" >"$TMP/n.out" 2>"$TMP/n.err" ||
		die "acd -n refuses the config: $(cat "$TMP/n.err")"
	LIMITS=$(awk -F' = ' '$1 == "padi-limit" { a = $2 } $1 == "padi-limit-interface" { b = $2 }
		$1 == "padi-limit-mac" { c = $2 } END { printf "%s/s in all, %s/s an interface, %s/s a MAC", a, b, c }' \
		"$TMP/n.out")
}
# reconf off|default: the limits changed by a reload
reconf() {
	conf "$1"
	ctl reload >/dev/null || die "reload refused"
}
conf off
bench_acd taskset -c 0
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$ACD_PID/stat"; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$ACD_PID/status"; }
hwm_kb() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$ACD_PID/status"; }
rx() { ip netns exec "$NS" cat "/sys/class/net/$1/statistics/rx_packets"; }
counters() { ctl -j show pppoe | jq -c '[.interfaces[] | {(.interface): .}] | add'; }
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
HZ=$(getconf CLK_TCK)

ROWS=()
ok=1

echo "acd PPPoE discovery benchmark: acd and its pppds on CPU 0, the load on CPU 1, $(nproc) CPUs"
echo

# ---- 1. handshakes ----------------------------------------------------------

sessions() { ctl -j show pppoe | jq .sessions; }
no_sessions() { [ "$(sessions)" = 0 ]; }
none_starting() { [ "$(ctl -j show pppoe | jq .starting)" = 0 ]; }
handshakes() { # N IN_FLIGHT MACBYTE
	local t0 r0 out secs cpu
	t0=$(cpu_ticks) r0=$(rss_kb)
	# the sessions stay (their pppds run) until the PADTs at the end
	out=$(load clients -i cl0 -n "$1" -c "$2" -m "$3" -e -R 1000 -T 120) || ok=0
	cpu=$(($(cpu_ticks) - t0))
	wait_until 60 no_sessions || die "acd still has $(sessions) sessions after the PADTs"
	secs=$(kv secs "$out")
	echo "  $1 clients, $2 at once: $out"
	ROWS+=("$(printf '%-34s %8s %10s %10s %9s %12s %16s' "handshakes, $2 in flight" - - \
		"$(kv rate "$out")/s" "$(awk -v c="$cpu" -v hz="$HZ" -v s="$secs" 'BEGIN { printf "%.0f%%", c / hz / s * 100 }')" \
		"$r0->$(rss_kb)" "$(kv "done" "$out")/$1 p50 $(kv p50_ms "$out") p99 $(kv p99_ms "$out") ms")")
	echo "  acd CPU per handshake: $(awk -v c="$cpu" -v hz="$HZ" -v n="$(kv "done" "$out")" \
		'BEGIN { printf "%.0f us", n ? c / hz / n * 1e6 : 0 }') (its pppd's fork included, its exec not);" \
		"RSS $r0 -> $(rss_kb) kB, its peak $(hwm_kb) kB"
}
echo "1. discovery handshakes, PADI limits and max-starting off"
handshakes "$CLIENTS" "$IN_FLIGHT" 1
handshakes $((CLIENTS / 4)) 1 2
echo

# ---- 2. the flood -----------------------------------------------------------

# flood NAME CLIENT_IF MACBYTE [RETRY_MS]: the flood on cl0 for FLOOD_SECS,
# the clients on CLIENT_IF from its second 2 on, asking again after
# RETRY_MS (1000)
flood() {
	local name=$1 cif=$2 retry=${4:-1000} t0 r0 rx0 c0 c1 fout cout secs cpu arrived padi pado ratelim retried fpid
	t0=$(cpu_ticks) r0=$(rss_kb) rx0=$(rx ac0) c0=$(counters)
	load flood -i cl0 -r "$FLOOD_RATE" -d "$FLOOD_SECS" >"$TMP/flood.out" &
	fpid=$!
	sleep 2 # the flood at full rate before the clients come
	cout=$(ip netns exec "$CL" "$PPPOE_LOAD" clients -i "$cif" -n "$LEGIT" -m "$3" -t -R "$retry" \
		-T $((FLOOD_SECS - 4))) || true
	wait "$fpid" || die "the flood failed"
	fout=$(cat "$TMP/flood.out")
	secs=$(kv secs "$fout")
	cpu=$(($(cpu_ticks) - t0))
	c1=$(counters)
	arrived=$(awk -v n="$(($(rx ac0) - rx0))" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
	read -r padi pado ratelim retried < <(jq -n -r --argjson a "$c0" --argjson b "$c1" --arg s "$secs" '
		def d(f): ([$b[] | f // 0] | add) - ([$a[] | f // 0] | add);
		[d(.padi_in), d(.pado_out), d(.dropped["rate-limit"]), d(.padi_retry)] | map(. / ($s | tonumber) | floor) | @tsv')
	echo "  flood:   $fout"
	echo "  clients: $cout"
	echo "  acd: read $padi PADI/s, answered $pado/s ($retried/s as retries), $ratelim/s over a limit;" \
		"CPU $(awk -v c="$cpu" -v hz="$HZ" -v s="$secs" 'BEGIN { printf "%.1f s in %.1f s (%.0f%%)", c / hz, s, c / hz / s * 100 }');" \
		"RSS $r0 -> $(rss_kb) kB"
	ROWS+=("$(printf '%-34s %8s %10s %10s %9s %12s %16s' "$name" "$(kv rate "$fout")" "$arrived" "$pado/s" \
		"$(awk -v c="$cpu" -v hz="$HZ" -v s="$secs" 'BEGIN { printf "%.0f%%", c / hz / s * 100 }')" \
		"$r0->$(rss_kb)" "$(kv "done" "$cout")/$LEGIT in $(kv secs "$cout") s, p50 $(kv p50_ms "$cout") ms")")
	LAST_RATE=$(kv rate "$fout") LAST_DONE=$(kv "done" "$cout")
}

reconf default
echo "2a. flood on ac0 at $FLOOD_RATE/s, $LEGIT clients on ac0, default limits ($LIMITS)"
flood "2a flood+clients on ac0, default" cl0 16
rate_a=$LAST_RATE done_a=$LAST_DONE
echo
echo "2d. as 2a, the clients asking again after 5 s (as pppd does)"
flood "2d as 2a, clients retry 5 s" cl0 19 5000
rate_d=$LAST_RATE done_d=$LAST_DONE
echo
echo "2b. flood on ac0, $LEGIT clients on ac1 (another VLAN), default limits"
flood "2b flood ac0, clients ac1, default" cl1 17
rate_b=$LAST_RATE done_b=$LAST_DONE
echo
echo "2c. flood on ac0, $LEGIT clients on ac0, PADI limits and max-starting off"
reconf off
flood "2c flood+clients on ac0, no limits" cl0 18
rate_c=$LAST_RATE done_c=$LAST_DONE
echo

# ---- 3. a PADR flood --------------------------------------------------------------

HOLDERS=400
MAX_STARTING=256
echo "3. a PADR flood: $HOLDERS hosts take a cookie each and never speak LCP, default limits"
reconf default
# the floods' clients sent their PADT once: a PADT lost to the flood (in
# the days of one discovery queue for all frames, most of them) leaves its
# pppd waiting (a real one ends on its LCP echo timeout, the stand-in on
# acd's setup timeout).  Counted, then ended here, for a clean slate.
left=$(ctl -j show pppoe | jq .starting)
kids=$(ps --ppid "$ACD_PID" -o pid= || true)
# shellcheck disable=SC2086 # a list of pids
[ -z "$kids" ] || kill $kids
wait_until 20 none_starting || die "acd's pppds did not end"
echo "  $left sessions of the floods' clients left starting (their PADT lost in a flood)"
r0=$(rss_kb) t0=$(cpu_ticks)
hout=$(ip netns exec "$CL" taskset -c 1 "$PPPOE_LOAD" clients -i cl1 -n "$HOLDERS" -m 20 -R 1000 -T 8) || true
sleep 1
starting=$(ctl -j show pppoe | jq .starting)
kids=$(ps --ppid "$ACD_PID" -o pid= | wc -l)
echo "  hosts: $hout"
echo "  acd: $starting pppds starting, $kids children; CPU $(awk -v c="$(($(cpu_ticks) - t0))" -v hz="$HZ" \
	'BEGIN { printf "%.1f s", c / hz }'); RSS $r0 -> $(rss_kb) kB"
echo

printf '%-34s %8s %10s %10s %9s %12s %16s\n' scenario "sent/s" "arrived/s" answered "acd CPU" "RSS kB" "clients"
printf '%s\n' "${ROWS[@]}"
echo

min_rate=$(printf '%s\n' "$rate_a" "$rate_b" "$rate_c" "$rate_d" | sort -n | head -1)
if [ "${min_rate:-0}" -ge $((RATE_TARGET * 99 / 100)) ]; then r=met; else r=MISSED; ok=0; fi
echo "target: a flood of >= $RATE_TARGET PADIs/s: sent at $min_rate/s at least: $r"
r=met
for d in "$done_a" "$done_b" "$done_c" "$done_d"; do
	[ "$d" = "$LEGIT" ] || { r=MISSED; ok=0; }
done
echo "target: all $LEGIT clients get a session during the flood (2a, 2b, 2c, 2d): $done_a, $done_b, $done_c, $done_d: $r"
if [ "$left" = 0 ]; then r=met; else r=MISSED; ok=0; fi
echo "target: every client's PADT reaches acd during the floods: $left lost: $r"
if [ "$starting" = "$MAX_STARTING" ] && [ "$kids" = "$MAX_STARTING" ]; then r=met; else r=MISSED; ok=0; fi
echo "target: a PADR flood of $HOLDERS starts max-starting ($MAX_STARTING) pppds, no more: $starting starting, $kids running: $r"
[ $ok = 1 ] || [ "$ENFORCE" = 0 ] || exit 1
exit 0
