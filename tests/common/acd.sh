# shellcheck shell=bash
# acd.sh - acd under test, as the netns tests, the VM guest, tools/lab and
# the benchmarks run it.  Sourced by bash, after lib.sh (wait_until, alive).
# Uses ACD_BIN and ACDCTL (the binaries), ACD_DICT (radius-dict/dictionary)
# and ACD_SOCKET (acd's control socket).
#
#   acd_conf_head DIR LEVEL [RADATTR_DIR [PID_DIR]]
#                      the start of an acd.conf
#   pppd_hook EVENT IFACE LOCAL REMOTE PPPD_PID USER MAC [VAR=VALUE...] CMD...
#                      CMD run as pppd runs its ip-up, ipv6-up, ... scripts
#   acd_start CONF LOG [VAR=VALUE...] [CMD...]
#                      acd in the background, once it answers:
#                      acd_spawn, then acd_wait
#   acd_answers        acd answers on $ACD_SOCKET
#   acd_stop [SIGNAL]  acd signalled (TERM) and reaped

# acd_conf_head DIR LEVEL [RADATTR_DIR [PID_DIR]]: the start of an acd.conf
# on stdout: state in DIR/state, the log on stderr at LEVEL, the socket
# $ACD_SOCKET, pppd's radattr files in RADATTR_DIR (default DIR) and its
# pid files in PID_DIR (default: acd's, pppd's /var/run), the dictionary
# $ACD_DICT.  [radius] comes last, so its keys may follow; a section may
# also come again.
acd_conf_head() {
	cat <<CONF
[acd]
state-dir = $1/state
log = stderr
log-level = $2
[control]
socket = $ACD_SOCKET
[pppd]
radattr-dir = ${3:-$1}
${4:+pid-dir = $4
}[radius]
dictionary = $ACD_DICT
CONF
}

# What pppd 2.4.9 passes its scripts behind Debian's pppoe-server (a pty
# relay), as the VM test bed shows: no tty name, the pty's speed.
PPPD_TTY=""
PPPD_SPEED=38400

# pppd_hook EVENT IFACE LOCAL REMOTE PPPD_PID USER MAC [VAR=VALUE...] CMD...:
# run CMD as pppd runs its script for EVENT (ip-up, ip-down, ipv6-up,
# ipv6-down) through Debian's /etc/ppp/EVENT and run-parts: the arguments
# IFACE TTY SPEED LOCAL REMOTE, and only the environment pppd sets (PATH
# its own; IPLOCAL/IPREMOTE for IPCP, LLLOCAL/LLREMOTE for IPv6CP, whose
# LOCAL and REMOTE are link-local addresses; MACREMOTE as the kernel-mode
# rp-pppoe plugin sets it) and Debian's wrapper adds (PPP_*), then
# VAR=VALUE: what pppd sets besides at that moment (IPLOCAL for an ipv6-up
# after IPCP, CONNECT_TIME and BYTES_* at the end, ...).  Its exit status.
pppd_hook() {
	local ev=$1 ifc=$2 loc=$3 rem=$4 pid=$5 user=$6 mac=$7 addrs more=()
	shift 7
	if [[ $ev == ipv6-* ]]; then
		addrs=(LLLOCAL="$loc" LLREMOTE="$rem")
	else
		addrs=(IPLOCAL="$loc" IPREMOTE="$rem")
	fi
	while [[ ${1:-} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		more+=("$1")
		shift
	done
	env -i PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin \
		PPPLOGNAME=root ORIG_UID=0 PPPD_PID="$pid" SPEED="$PPPD_SPEED" IFNAME="$ifc" \
		PEERNAME="$user" "${addrs[@]}" MACREMOTE="$mac" PPP_IFACE="$ifc" PPP_TTY="$PPPD_TTY" \
		PPP_SPEED="$PPPD_SPEED" PPP_LOCAL="$loc" PPP_REMOTE="$rem" PPP_IPPARAM= PPP_TTYNAME= \
		"${more[@]}" "$@" "$ifc" "$PPPD_TTY" "$PPPD_SPEED" "$loc" "$rem"
}

# acd_start CONF LOG [VAR=VALUE...] [CMD...]: acd_spawn, then acd_wait
acd_start() {
	acd_spawn "$@"
	acd_wait
}
# acd_spawn CONF LOG [VAR=VALUE...] [CMD...]: acd -d -c CONF in the
# background, through CMD (ip netns exec NS, taskset -c 0, ...) with
# VAR=VALUE in its environment, its stdout and stderr appended to LOG;
# ACD_PID is its pid
acd_spawn() {
	local conf=$1 log=$2 vars=()
	shift 2
	while [[ ${1:-} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		vars+=("$1")
		shift
	done
	env "${vars[@]}" "$@" "$ACD_BIN" -d -c "$conf" >>"$log" 2>&1 &
	ACD_PID=$!
}
# acd_wait: 0 once acd answers on $ACD_SOCKET; 1 when it exits first or
# does not answer within $ACD_START_WAIT (20) seconds
acd_wait() {
	wait_until "${ACD_START_WAIT:-20}" _acd_up_or_gone
	acd_answers
}
acd_answers() { "$ACDCTL" -s "$ACD_SOCKET" show stat >/dev/null 2>&1; }
_acd_up_or_gone() { acd_answers || gone "$ACD_PID"; }

# acd_stop [SIGNAL]: SIGNAL (TERM) to acd, then reaped; its exit status in
# ACD_RC.  1 when acd had already gone (the signal reached nothing).
acd_stop() {
	kill "-${1:-TERM}" "$ACD_PID" 2>/dev/null || return 1
	ACD_RC=0
	# shellcheck disable=SC2034 # for the caller
	wait "$ACD_PID" 2>/dev/null || ACD_RC=$?
}
