# shellcheck shell=bash
# lib.sh - what the test scripts share, whatever they test: the netns tests
# (tests/netns/lib.sh), the VM guest (tests/vm/guest/lib.sh), tools/lab,
# the benchmarks and the tests of nat64ctl.  Sourced by bash; the caller
# defines log and fail.
#
#   wait_until SECONDS CMD...   poll CMD until it succeeds
#   alive PID                   the process runs (and is not a zombie)
#   gone PID                    it does not
#   listening NS tcp|udp PORT   a socket in namespace NS listens on PORT
#   has_police NS               the kernel has act_police (tried in NS)
#   assert_band WHAT VALUE LO HI [UNIT]
#                               LO <= VALUE <= HI, or fail
#   errexit_trace               remember where set -e stops the script

# wait_until SECONDS CMD...: poll CMD every $WAIT_STEP (default 0.2) s until
# it succeeds (0) or SECONDS (a whole number) of wall time have passed (1);
# CMD's stderr is dropped.
wait_until() {
	local now end
	now=${EPOCHREALTIME//[!0-9]/}
	# ACD_TEST_TIME_SCALE: slower under qemu-user (tools/cross, tests/CMakeLists.txt)
	end=$((now + $1 * ${ACD_TEST_TIME_SCALE:-1} * 1000000))
	shift
	while :; do
		"$@" 2>/dev/null && return 0
		now=${EPOCHREALTIME//[!0-9]/}
		((now < end)) || return 1
		sleep "${WAIT_STEP:-0.2}"
	done
}

# alive PID: the process exists and is not a zombie (a child of ours that
# exited is one until it is reaped, and kill -0 still reaches it)
alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}
gone() { ! alive "$1"; }

# listening NS tcp|udp PORT: a socket in namespace NS listens on PORT
listening() { ip netns exec "$1" ss -Hl"${2:0:1}"n "sport = :$3" | grep -q .; }

# has_police NS: a u32 filter can carry a police action: tried on the
# ingress of NS's loopback device, and taken away again (the kernel may load
# a module on the way, which counts as having it)
has_police() {
	local rc=0
	ip netns exec "$1" tc qdisc add dev lo ingress 2>/dev/null || return 1
	ip netns exec "$1" tc filter add dev lo ingress pref 1 u32 match u32 0 0 \
		action police rate 1mbit burst 10k drop 2>/dev/null || rc=1
	ip netns exec "$1" tc qdisc del dev lo ingress
	return "$rc"
}

# assert_band WHAT VALUE LO HI [UNIT]: LO <= VALUE <= HI, all decimal
# numbers; else fail.  Either way the value is reported through
# $BAND_REPORT (a function or command; default log): the VM guest keeps
# them as RESULT lines.
assert_band() {
	local what=$1 v=$2 lo=$3 hi=$4 unit=${5:+ $5}
	if [[ ! "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
		"${BAND_REPORT:-log}" "$what: '$v' (band $lo..$hi$unit) NOT A NUMBER"
		fail "$what: '$v' is not a number"
	fi
	if awk -v v="$v" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
		"${BAND_REPORT:-log}" "$what: $v$unit (band $lo..$hi$unit) ok"
	else
		"${BAND_REPORT:-log}" "$what: $v$unit (band $lo..$hi$unit) OUT OF BAND"
		fail "$what: measured $v$unit, expected $lo..$hi$unit"
	fi
}

# errexit_trace: from now on $ERREXIT_AT says which command failed last
# outside a test (if, ||, &&, !): under set -e, the one that stopped the
# script, for an EXIT trap to tell.  It only records; set -E carries the
# trap into functions and subshells, where it changes nothing either.
errexit_trace() {
	set -E
	trap 'ERREXIT_AT="${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND (exit $?)"' ERR
}
