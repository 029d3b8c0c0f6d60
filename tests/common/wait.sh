# shellcheck shell=bash
# wait.sh - waiting for a condition, shared by tests/netns/lib.sh and
# tests/vm/guest/lib.sh.  Sourced.
#
# wait_until SECONDS CMD...: poll CMD every $WAIT_STEP (default 0.2) s until
# it succeeds (0) or SECONDS of wall time have passed (1); CMD's stderr is
# dropped.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" 2>/dev/null && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep "${WAIT_STEP:-0.2}"
	done
}
