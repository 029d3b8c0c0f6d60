# shellcheck shell=bash source-path=SCRIPTDIR
# lib.sh - shared helpers for the acd-shape network-namespace tests.
#
# Source it from a scenario script; do not run it.  Every scenario:
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
#   netns_init            # skip (77) unless root + netns + tools; needs $ACD_SHAPE
#   add_pair 0            # ppp0 in the AC namespace <-> sub0 in the subscriber one
#   ...assertions...      # any failure prints "FAIL: ..." and exits 1
#   pass                  # prints "PASS: <test>" and exits 0
#
# Topology: two throw-away namespaces per test run, "$AC_NS" (the access
# concentrator, where acd-shape runs) and "$SUB_NS" (the subscribers).  Each
# pair N is a veth pair named like a PPP session: the AC end is "pppN" (or a
# name given to add_pair), the subscriber end "subN"; addresses 10.77.N.1/24
# (AC) and 10.77.N.2/24 (subscriber).  Names contain $$, so tests can run in
# parallel; an EXIT trap kills our background processes and deletes both
# namespaces, and with them every device (veth, IFB) created inside.
#
# Exit codes: 0 pass, 1 fail, 77 skip (printed as "SKIP: <reason>").  A
# command that stops the script through set -e is named as it exits.

set -euo pipefail

TEST_NAME=$(basename "$0" .sh)
AC_NS="acdt-${TEST_NAME}-$$-ac"
SUB_NS="acdt-${TEST_NAME}-$$-sub"
TMPD=""
CREATED_NS=()
BG_PIDS=()

# Last acd-shape run (see shape_run).
SH_RC=0
SH_OUT=""
SH_ERR=""

log() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
skip() { SAID=1; printf 'SKIP: %s: %s\n' "$TEST_NAME" "$*"; exit 77; }
fail() { SAID=1; printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2; exit 1; }
# wait_until, alive, listening, assert_band, errexit_trace
# (tests/common/lib.sh); acd_conf_head, pppd_hook, acd_start, acd_stop
# (tests/common/acd.sh)
# shellcheck source=../common/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/lib.sh"
# shellcheck source=../common/acd.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/acd.sh"
# shellcheck disable=SC2034 # read by wait_until
WAIT_STEP=0.1
errexit_trace
# check_later: a failure that should not stop the remaining checks; pass
# turns it into exit 1.  Use as: cmd || check_later "what went wrong".
LATER=()
check_later() { printf 'FAIL (later): %s: %s\n' "$TEST_NAME" "$*" >&2; LATER+=("$*"); }
pass() {
	SAID=1
	if ((${#LATER[@]})); then
		printf 'FAIL: %s: %d check(s) failed:\n' "$TEST_NAME" "${#LATER[@]}" >&2
		printf '  - %s\n' "${LATER[@]}" >&2
		exit 1
	fi
	printf 'PASS: %s\n' "$TEST_NAME"
	exit 0
}

# ---- set-up and tear-down ------------------------------------------------

_cleanup() {
	local rc=$?
	set +e
	if ((rc != 0)) && [[ -z ${SAID:-} ]]; then
		printf 'FAIL: %s: stopped by set -e at %s\n' "$TEST_NAME" "${ERREXIT_AT:-an unknown command}" >&2
	fi
	local pid ns
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${CREATED_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[[ -n "$TMPD" ]] && rm -rf -- "$TMPD"
	exit "$rc"
}

# need_root [TOOL...]: skip unless we are root, can create a network
# namespace and have ip, tc, jq and the extra TOOLs (e.g. iperf3).
# shellcheck disable=SC2120 # optional arguments
need_root() {
	local t probe
	[[ ${EUID:-$(id -u)} -eq 0 ]] || skip "needs root (running as uid ${EUID:-?})"
	for t in ip tc jq "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
	done
	probe="acdt-probe-$$"
	if ! ip netns add "$probe" 2>/dev/null; then
		skip "ip netns add failed (no network namespace support or no CAP_SYS_ADMIN)"
	fi
	ip netns del "$probe"
}

# need_shape: the binary under test comes from $ACD_SHAPE (ctest sets it).
need_shape() {
	[[ -n "${ACD_SHAPE:-}" ]] ||
		fail "ACD_SHAPE is not set: run through ctest, or export ACD_SHAPE=<builddir>/shaper/acd-shape"
	[[ -x "$ACD_SHAPE" ]] || fail "ACD_SHAPE=$ACD_SHAPE is not an executable file"
}

# Namespaces of an earlier run that was killed without running its trap
# (ctest's TIMEOUT kills hard): ours by their name, their creator gone.
_reap_stale() {
	local ns
	for ns in $(ip netns list | awk '{ print $1 }'); do
		[[ $ns =~ ^acdt-[a-z-]+-([0-9]+)-(ac|sub)$ ]] || continue
		kill -0 "${BASH_REMATCH[1]}" 2>/dev/null && continue
		log "deleting $ns, left by the dead run ${BASH_REMATCH[1]}"
		ip netns del "$ns" 2>/dev/null || true
	done
}

# netns_init [TOOL...]: need_root, need_shape, create the namespace pair.
# shellcheck disable=SC2120 # optional arguments
netns_init() {
	need_root "$@"
	need_shape
	_reap_stale
	TMPD=$(mktemp -d "/tmp/acdt-${TEST_NAME}-$$.XXXXXX")
	trap _cleanup EXIT
	trap 'SAID=1; exit 130' INT
	trap 'SAID=1; exit 143' TERM
	local ns
	for ns in "$AC_NS" "$SUB_NS"; do
		ip netns add "$ns" || fail "ip netns add $ns failed"
		CREATED_NS+=("$ns")
		ip -n "$ns" link set lo up
		# No IPv6 autoconfiguration chatter on the test links.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
	done
	log "namespaces $AC_NS / $SUB_NS"
}

# add_pair N [ACNAME]: veth ACNAME (default pppN) in $AC_NS <-> subN in $SUB_NS,
# 10.77.N.1/24 and 10.77.N.2/24, both up.
add_pair() {
	local n=$1 ac=${2:-ppp$1} sub="sub$1"
	ip -n "$AC_NS" link add "$ac" type veth peer name "$sub" netns "$SUB_NS" ||
		fail "cannot create veth $ac <-> $sub"
	ip -n "$AC_NS" addr add "10.77.$n.1/24" dev "$ac"
	ip -n "$SUB_NS" addr add "10.77.$n.2/24" dev "$sub"
	ip -n "$AC_NS" link set "$ac" up
	ip -n "$SUB_NS" link set "$sub" up
}

# link_local NS IFACE: its usable (not tentative) IPv6 link-local address
link_local() {
	ip -n "$1" -6 -j addr show dev "$2" |
		jq -r '[.[].addr_info[] | select(.scope == "link" and (.tentative | not)) | .local][0] // empty'
}
has_link_local() { [ -n "$(link_local "$1" "$2")" ]; }
# pair_ipv6 N: IPv6 on pppN and subN (no DAD: link-locals usable at once),
# once both have their link-local
pair_ipv6() {
	ip netns exec "$AC_NS" sysctl -qw "net.ipv6.conf.ppp$1.accept_dad=0"
	ip netns exec "$SUB_NS" sysctl -qw "net.ipv6.conf.sub$1.accept_dad=0"
	ip netns exec "$AC_NS" sysctl -qw "net.ipv6.conf.ppp$1.disable_ipv6=0"
	ip netns exec "$SUB_NS" sysctl -qw "net.ipv6.conf.sub$1.disable_ipv6=0"
	wait_until 5 has_link_local "$AC_NS" "ppp$1" || fail "ppp$1 has no link-local address"
	wait_until 5 has_link_local "$SUB_NS" "sub$1" || fail "sub$1 has no link-local address"
}

# ---- running things --------------------------------------------------------

# shape ARGS...: run acd-shape inside the AC namespace.
shape() { ip netns exec "$AC_NS" "$ACD_SHAPE" "$@"; }

# shape_run ARGS...: run acd-shape, never exit; sets SH_RC, SH_OUT, SH_ERR.
# A sanitizer report on stderr is always a failure (ASan's exit code is 1,
# which would otherwise look like an expected "operation failed").
shape_run() {
	SH_RC=0
	SH_OUT=$(shape "$@" 2>"$TMPD/shape.err") || SH_RC=$?
	SH_ERR=$(<"$TMPD/shape.err")
	log "acd-shape $* -> exit $SH_RC${SH_ERR:+, stderr: $SH_ERR}"
	case "$SH_ERR" in
	*AddressSanitizer* | *LeakSanitizer* | *UndefinedBehaviorSanitizer* | *"runtime error:"*)
		fail "acd-shape $*: sanitizer report:"$'\n'"$SH_ERR" ;;
	esac
	if ((SH_RC > 2)); then
		fail "acd-shape $*: exit $SH_RC (crash or signal?); stderr: $SH_ERR"
	fi
}

# shape_ok ARGS...: acd-shape must exit 0; its stdout is in SH_OUT.
shape_ok() {
	shape_run "$@"
	[[ $SH_RC -eq 0 ]] || fail "acd-shape $*: expected exit 0, got $SH_RC; stderr: $SH_ERR"
}

# shape_fails RC ARGS...: acd-shape must exit with RC (1 or 2).
shape_fails() {
	local want=$1
	shift
	shape_run "$@"
	[[ $SH_RC -eq $want ]] ||
		fail "acd-shape $*: expected exit $want, got $SH_RC; stdout: $SH_OUT; stderr: $SH_ERR"
	[[ -n "$SH_ERR" ]] || fail "acd-shape $*: failed with exit $want but printed no message on stderr"
}

# show_j IFACE: acd-shape -j show IFACE, checked to be one JSON object.
show_j() {
	shape_ok -j show "$1"
	jq -e 'type == "object"' >/dev/null 2>&1 <<<"$SH_OUT" ||
		fail "acd-shape -j show $1: output is not a JSON object: $SH_OUT"
	printf '%s\n' "$SH_OUT"
}

# tcj NS ARGS...: tc -j ARGS... inside namespace NS.
tcj() {
	local ns=$1
	shift
	ip netns exec "$ns" tc -j "$@"
}

# ---- reading kernel state --------------------------------------------------

# root_qdiscs DEV [NS]: JSON array of the root qdiscs of DEV.
root_qdiscs() {
	tcj "${2:-$AC_NS}" qdisc show dev "$1" | jq -c '[.[] | select(.root == true)]'
}

# root_qdisc DEV [NS]: the root qdisc object; fails unless there is exactly one.
root_qdisc() {
	local out
	out=$(tcj "${2:-$AC_NS}" qdisc show dev "$1" |
		jq -rc '[.[] | select(.root == true)] | if length == 1 then .[0] else "\(length) \(tojson)" end')
	[[ $out == "{"* ]] || fail "$1: expected exactly one root qdisc, got ${out%% *}: ${out#* }"
	printf '%s\n' "$out"
}

# qdisc_by_handle DEV HANDLE [NS]: the qdisc object with HANDLE, or "null".
qdisc_by_handle() {
	tcj "${3:-$AC_NS}" qdisc show dev "$1" | jq -c --arg h "$2" 'map(select(.handle == $h)) | .[0]'
}

# ingress_filters DEV [NS]: JSON array of the filter entries that carry a
# handle (tc also lists the u32 hash table itself, without options.fh or
# with fh "800:"; those are dropped).
ingress_filters() {
	tcj "${2:-$AC_NS}" filter show dev "$1" ingress |
		jq -c '[.[] | select(.options.fh != null and (.options.fh | test("::")))]'
}

# ingress_filter DEV [NS]: the one u32 filter; fails unless exactly one.
ingress_filter() {
	local out
	out=$(tcj "${2:-$AC_NS}" filter show dev "$1" ingress |
		jq -rc '[.[] | select(.options.fh != null and (.options.fh | test("::")))] |
			if length == 1 then .[0] else "\(length) \(tojson)" end')
	[[ $out == "{"* ]] || fail "$1: expected exactly one ingress filter, got ${out%% *}: ${out#* }"
	printf '%s\n' "$out"
}

# class_rates DEV CLASSID [NS]: "RATE CEIL" in bit/s of an HTB class, or
# "none" when the class does not exist.  tc 6.1 has no JSON for classes, so
# this reads its text: "rate 20Mbit ceil 20Mbit" (K/M/G/T are powers of
# 1000; Ki/Mi/... powers of 1024).
class_rates() {
	ip netns exec "${3:-$AC_NS}" tc class show dev "$1" classid "$2" | awk '
		function bits(s,   v, u, m, b) {
			if (!match(s, /^[0-9.]+/)) return "?"
			v = substr(s, 1, RLENGTH); u = substr(s, RLENGTH + 1)
			m = 1; b = (u ~ /^.i/) ? 1024 : 1000
			if (u ~ /^[Kk]/) m = b; else if (u ~ /^M/) m = b * b
			else if (u ~ /^G/) m = b * b * b; else if (u ~ /^T/) m = b * b * b * b
			return sprintf("%.0f", v * m)
		}
		{ for (i = 1; i < NF; i++) { if ($i == "rate") r = $(i + 1); if ($i == "ceil") c = $(i + 1) } }
		END { if (NR == 0) print "none"; else print bits(r), bits(c) }'
}

# ifindex DEV [NS]
ifindex() {
	ip netns exec "${2:-$AC_NS}" cat "/sys/class/net/$1/ifindex"
}

# link_exists DEV [NS]
link_exists() {
	ip -n "${2:-$AC_NS}" link show dev "$1" >/dev/null 2>&1
}

# ifb_devices [NS]: names of the IFB devices in the namespace, one a line.
# shellcheck disable=SC2120 # optional arguments
ifb_devices() {
	ip -n "${1:-$AC_NS}" -d -j link show | jq -r '.[] | select(.linkinfo.info_kind == "ifb") | .ifname'
}

# ns_snapshot [NS]: every device of the namespace (name, index, kind, admin
# up, MTU, alias), all qdiscs, and the classes and filters of the devices
# that can have any, as text to diff.  No counters (tc without -s); qdisc
# refcnt is dropped.  Few processes: this runs often, on busy CI machines.
# shellcheck disable=SC2120 # optional argument
ns_snapshot() {
	local ns=${1:-$AC_NS} tag dev
	# no operstate/carrier: the kernel updates them asynchronously (linkwatch)
	ip -n "$ns" -d -j link show | jq -c '.[] | {ifname, ifindex, kind: .linkinfo.info_kind,
		up: (.flags | index("UP") != null), mtu, ifalias, master}'
	# one jq: the qdisc lines, then which devices have filters or classes
	while read -r tag dev; do
		case $tag in
		Q) printf '%s\n' "$dev" ;;
		I)
			echo "== $dev ingress filters"
			tcj "$ns" filter show dev "$dev" ingress
			echo
			;;
		R)
			echo "== $dev classes"
			ip netns exec "$ns" tc class show dev "$dev"
			echo "== $dev egress filters"
			tcj "$ns" filter show dev "$dev"
			echo
			;;
		esac
	done < <(tcj "$ns" qdisc show | jq -r '
		(map(del(.refcnt)) | sort_by(.dev, .handle) | .[] | "Q \(tojson)"),
		(.[] | select(.kind == "ingress" or .kind == "clsact") | "I \(.dev)"),
		(.[] | select(.root == true and .kind != "noqueue") | "R \(.dev)")')
}

# assert_snapshot_same WHAT BEFORE AFTER: fail with a diff when they differ.
assert_snapshot_same() {
	local what=$1
	printf '%s\n' "$2" >"$TMPD/snap.before"
	printf '%s\n' "$3" >"$TMPD/snap.after"
	if ! diff -u "$TMPD/snap.before" "$TMPD/snap.after" >"$TMPD/snap.diff"; then
		fail "$what: kernel state changed (- before, + after):"$'\n'"$(cat "$TMPD/snap.diff")"
	fi
}

# ---- assertions ------------------------------------------------------------

# assert_eq WHAT EXPECTED GOT
assert_eq() {
	[[ "$2" == "$3" ]] || fail "$1: expected '$2', got '$3'"
}

# assert_ne WHAT UNEXPECTED GOT
assert_ne() {
	[[ "$2" != "$3" ]] || fail "$1: expected anything but '$2', got it"
}

# assert_contains WHAT NEEDLE HAYSTACK
assert_contains() {
	[[ "$3" == *"$2"* ]] || fail "$1: expected to contain '$2', got: $3"
}

# assert_prefix WHAT PREFIX HAYSTACK
assert_prefix() {
	[[ "$3" == "$2"* ]] || fail "$1: expected to start with '$2', got: $3"
}

# assert_jq WHAT JSON FILTER EXPECTED [FILTER EXPECTED...]: each jq FILTER
# on JSON must give exactly one value that prints as EXPECTED (strings raw,
# other values as JSON).  All pairs in one jq run: jq is slow to start, and
# CI machines are small and busy.
assert_jq() {
	local what=$1 json=$2 prog="" i
	shift 2
	(($# % 2 == 0 && $# > 0)) || fail "assert_jq $what: needs FILTER EXPECTED pairs"
	local -a pairs=("$@") got
	for ((i = 0; i < ${#pairs[@]}; i += 2)); do
		prog+="${prog:+, }([${pairs[i]}] | if length == 1 then .[0] | tostring
			else \"<\\(length) values>\" end | gsub(\"\\n\"; \" \"))"
	done
	mapfile -t got < <(jq -r "$prog" <<<"$json" || echo "<jq failed>")
	for ((i = 0; i < ${#pairs[@]}; i += 2)); do
		[[ "${got[i / 2]:-}" == "${pairs[i + 1]}" ]] ||
			fail "$what: ${pairs[i]}: expected '${pairs[i + 1]}', got '${got[i / 2]:-}' (in $json)"
	done
}

# ---- traffic ---------------------------------------------------------------

# ping_sub N [COUNT]: a few pings from the AC end of pair N to the subscriber.
ping_sub() {
	ip netns exec "$AC_NS" ping -q -c "${2:-3}" -i 0.2 -W 1 "10.77.$1.2" >/dev/null ||
		fail "ping 10.77.$1.2 from $AC_NS failed"
}

# measure_mbit DIR [PAIR] [SECONDS]: TCP goodput in Mbit/s over pair PAIR
# (default 0) measured by iperf3 for SECONDS (default 4).  DIR "down" is
# AC -> subscriber (the egress of pppN, what the download shaper limits),
# "up" is subscriber -> AC (the ingress of pppN).  The iperf3 server always
# runs in the AC namespace, the client in the subscriber namespace ("down"
# uses -R).  Prints the receiver's bits_per_second / 1e6.  iperf3 counts
# TCP payload only, not TCP/IP/Ethernet headers.
#
# The socket buffers are 32 KB (-w): with the default, a flow overflows the
# short tbf queue (rate x latency + burst, 17.5 KB at 2 Mbit/s) in bursts,
# and a burst of losses that ends in a 200 ms retransmission timeout makes a
# 4 s run at 2 Mbit/s come out 10-15 % low about one time in three.  32 KB
# is still far above rate x base RTT on a veth (~50 us), so the link stays
# saturated and the shaper alone decides the rate (and an unshaped veth
# still gives several Gbit/s).
measure_mbit() {
	local dir=$1 pair=${2:-0} secs=${3:-4} port=${MEASURE_PORT:-5201} spid json err rev=()
	[[ "$dir" == down ]] && rev=(-R)
	[[ "$dir" == down || "$dir" == up ]] || fail "measure_mbit: direction must be down or up, not '$dir'"
	ip netns exec "$AC_NS" iperf3 -s -1 -B "10.77.$pair.1" -p "$port" >"$TMPD/iperf3-server.log" 2>&1 &
	spid=$!
	wait_until 20 listening "$AC_NS" tcp "$port" || true
	# timeout: iperf3 3.12 can spin forever when the path stalls.
	json=$(timeout "$((secs + 10))" ip netns exec "$SUB_NS" iperf3 -c "10.77.$pair.1" -p "$port" \
		"${rev[@]}" -t "$secs" -w 32K -J --connect-timeout 3000 2>&1) || true
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	[[ -n "$json" ]] || fail "iperf3 ($dir, pair $pair) printed nothing: killed after $((secs + 10)) s (stalled path?)"
	err=$(jq -r '.error // empty' <<<"$json" 2>/dev/null) || fail "iperf3 printed no JSON: $json"
	[[ -z "$err" ]] || fail "iperf3 ($dir, pair $pair): $err"
	jq -r '.end.sum_received.bits_per_second / 1e6 | . * 100 | round / 100' <<<"$json"
}

# ---- kernel features ---------------------------------------------------------
# Probed on the loopback device of the subscriber namespace, which no test
# shapes; the kernel may load a module on the way, which counts as having it.

# kernel_has_qdisc KIND
kernel_has_qdisc() {
	if ip netns exec "$SUB_NS" tc qdisc add dev lo root handle 9: "$1" 2>/dev/null; then
		ip netns exec "$SUB_NS" tc qdisc del dev lo root
		return 0
	fi
	return 1
}

# kernel_has_police: can a u32 filter carry a police action? (has_police)
kernel_has_police() { has_police "$SUB_NS"; }

# class_packets DEV CLASSID [NS]: packets sent through a class (tc -s text).
class_packets() {
	ip netns exec "${3:-$AC_NS}" tc -s class show dev "$1" classid "$2" |
		awk '$1 == "Sent" { print $4; found = 1; exit } END { if (!found) print 0 }'
}

# ---- the shaper's documented defaults --------------------------------------

# A tbf root is 1:, or 3: when a smaller burst had to be installed as a
# fresh qdisc (grafted) instead of changed in place.  jq test for a handle:
# shellcheck disable=SC2034 # used by the scenarios
TBF_HANDLE_OK='(.handle == "1:" or .handle == "3:")'

# The default burst time comes from the library's header (the one place it
# is decided); the CLI contract documents the same value.
SHAPER_H="$(dirname "${BASH_SOURCE[0]}")/../../shaper/include/shaper.h"
BURST_TIME_US=$(awk '$1 == "#define" && $2 == "SHAPER_BURST_TIME_US" { sub(/u$/, "", $3); print $3 }' \
	"$SHAPER_H" 2>/dev/null || true)
[[ "$BURST_TIME_US" =~ ^[0-9]+$ ]] || BURST_TIME_US=""

# default_burst RATE_BITS [MTU]: bytes sent in SHAPER_BURST_TIME_US at the
# rate, rounded up, at least MTU + 18, at most 64 MiB.
default_burst() {
	[[ -n "$BURST_TIME_US" ]] || fail "cannot read SHAPER_BURST_TIME_US from $SHAPER_H"
	awk -v r="$1" -v t="$BURST_TIME_US" -v mtu="${2:-1500}" 'BEGIN {
		b = r / 8 * t / 1000000; if (b > int(b)) b = int(b) + 1
		if (b < mtu + 18) b = mtu + 18
		if (b > 64 * 1048576) b = 64 * 1048576
		printf "%d\n", b }'
}

# assert_err_names IFACE: the last acd-shape error message starts with the
# interface name (after an optional "acd-shape: " program prefix).
assert_err_names() {
	local msg=${SH_ERR#acd-shape: }
	[[ "$msg" == "$1"* ]] || fail "stderr should start with the interface name '$1', got: $SH_ERR"
}

# ---- the acd daemon (tests/netns/acd-*.sh) ----------------------------------
# They set ACD_BIN, ACDCTL and ACD_SOCKET and write $TMPD/acd.conf.

# need_acd: the binaries and dictionary ctest passes the tests of acd
need_acd() {
	[[ -n "${ACD_BIN:-}" && -x "${ACD_BIN:-}" ]] || fail "ACD_BIN (the acd binary) is not set"
	[[ -n "${ACDCTL:-}" && -x "${ACDCTL:-}" ]] || fail "ACDCTL (the acdctl binary) is not set"
	[[ -n "${ACD_DICT:-}" && -r "${ACD_DICT:-}" ]] || fail "ACD_DICT (radius-dict/dictionary) is not set"
}

# acd_conf: $TMPD/acd.conf is the head the tests of acd share (state in
# $TMPD/state, a debug log, radattr and pid files in $TMPD: acd_conf_head),
# then stdin; fails unless acd -n accepts it
acd_conf() {
	{
		acd_conf_head "$TMPD" debug "$TMPD" "$TMPD"
		cat
	} >"$TMPD/acd.conf"
	"$ACD_BIN" -n -c "$TMPD/acd.conf" >/dev/null 2>"$TMPD/acd-n.err" ||
		fail "the test config does not check: $(cat "$TMPD/acd-n.err")"
}

# start_acd [VAR=VALUE...]: acd in the AC namespace on $TMPD/acd.conf, logging
# to $TMPD/acd.log, VAR=VALUE in its environment; waits until it answers.
start_acd() {
	acd_spawn "$TMPD/acd.conf" "$TMPD/acd.log" "$@" ip netns exec "$AC_NS"
	BG_PIDS+=("$ACD_PID")
	acd_wait && return 0
	cat "$TMPD/acd.log" >&2
	fail "acd did not answer on $ACD_SOCKET"
}
# stop_acd [SIGNAL]: SIGNAL (TERM) to acd, and it is reaped
stop_acd() { acd_stop "$@" || fail "acd had exited before it was stopped"; }
# ctl ARGS...: acdctl on $ACD_SOCKET (exported by the test)
ctl() { "$ACDCTL" "$@"; }
# tbf_bits IFACE: the rate of IFACE's root tbf in the AC namespace, bit/s
tbf_bits() { root_qdisc "$1" "$AC_NS" | jq -r '.options.rate * 8'; }
# stand_in_pppd VAR: a process named pppd (acd terminates only a process of
# that name), killed at exit; its pid into VAR (an array element too)
stand_in_pppd() {
	[ -x "$TMPD/pppd" ] || cp "$(command -v sleep)" "$TMPD/pppd"
	"$TMPD/pppd" 600 &
	BG_PIDS+=("$!")
	printf -v "$1" '%s' "$!"
}

# hook EVENT IFACE LOCAL REMOTE PPPD_PID USER: `acdctl hook EVENT` as pppd
# 2.4.9 runs it (pppd_hook), MACREMOTE 02:00:00:00:00:0N for pppN, and the
# socket in ACD_SOCKET as pppd's "set ACD_SOCKET=..." gives it.  For
# ipv6-up/ipv6-down LOCAL and REMOTE are link-local addresses (LLLOCAL,
# LLREMOTE; IPCP's IPLOCAL/IPREMOTE pppd sets only once IPCP is up).
hook() {
	pppd_hook "$1" "$2" "$3" "$4" "$5" "$6" 02:00:00:00:00:0"${2: -1}" \
		ACD_SOCKET="$ACD_SOCKET" "$ACDCTL" hook "$1"
}
