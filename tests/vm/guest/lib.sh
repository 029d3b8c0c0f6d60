# shellcheck shell=bash
# tests/vm/guest/lib.sh - helpers for guest scenario scripts (bash, sourced).
#
# A scenario runs as root inside the VM (see ../run.sh); the guest sees the
# host's root file system through a tmpfs overlay, so anything written to /etc
# stays in this VM.  /mnt/out is the test's output directory on the host.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   need_modules ppp_generic pppoe veth
#   netns_add ac sub; veth_pair ac eth-ac sub eth-sub
#   ppp_secrets user1 pass1
#   pppoe_server_start ac eth-ac 198.51.100.1 198.51.100.10 4 OPTIONS
#   pppoe_client_start sub eth-sub user1; ppp_wait sub ppp0
# (or pppoe_session ac sub, acd as the AC: acd-ac-lib.sh)
#   iperf_server ac 198.51.100.1
#   r=$(iperf_mbps sub 198.51.100.1 -R); assert_band "tbf down" "$r" 7 10.5 Mbit/s
#   pass
#
# Conventions: every helper that can go wrong calls fail (which collects
# logs into /mnt/out/logs and exits 1); skip exits 77 with the reason;
# "RESULT ..." lines (also in /mnt/out/results.txt) carry measured values.
# Under set -e a command that fails outside a test stops the scenario as
# fail does, naming the command.

set -euo pipefail
export LC_ALL=C

# these helpers reconfigure the machine they run on: only inside the test VM
if [ "$(cat /proc/sys/kernel/hostname)" != acd-vm ] || [ ! -d /mnt/out ]; then
	echo "lib.sh: not inside the acd test VM (run the scenario with tests/vm/run.sh)" >&2
	return 2 2>/dev/null || exit 2
fi

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_OUT=${ACD_VM_OUT:-/mnt/out}
VM_NAME=${ACD_VM_NAME:-$(basename "$0" .sh)}
VM_WORK=/run/acd-vm              # guest-only scratch (tmpfs)
IPERF_T=${ACD_VM_IPERF_T:-4}     # seconds per iperf3 measurement (plus 1 omitted)
mkdir -p "$VM_WORK" "$VM_OUT"
: > "$VM_OUT/results.txt"

_vm_t0=$(cut -d' ' -f1 /proc/uptime)
vm_elapsed() { awk -v a="$_vm_t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN{printf "%.1f", b-a}'; }
# secs_since T: seconds from vm_elapsed's T to now
secs_since() { awk -v a="$1" -v b="$(vm_elapsed)" 'BEGIN{printf "%.1f", b - a}'; }
log()  { printf '[%6ss] %s\n' "$(vm_elapsed)" "$*"; }
step() { printf '[%6ss] ==== %s\n' "$(vm_elapsed)" "$*"; }
result() {  # result KEY VALUE...: a measured value, for people and the report
	printf 'RESULT %s\n' "$*"
	printf '%s\n' "$*" >> "$VM_OUT/results.txt"
}
skip() { VM_SAID=1; printf 'SKIP: %s\n' "$*"; exit 77; }
pass() { VM_SAID=1; log "PASS: $VM_NAME"; exit 0; }
fail() {
	VM_SAID=1
	set +e # the logs, whatever they find
	printf 'FAIL: %s\n' "$*"
	printf '%s\n' "$*" > "$VM_OUT/failure.txt"
	collect_logs
	exit 1
}
# run CMD...: log the command, show its output, return its status
run() { log "+ $*"; "$@"; }
# must DESC CMD...: run CMD, fail with DESC if it fails
must() { local d=$1; shift; run "$@" || fail "$d (command: $*)"; }

# ---- logs --------------------------------------------------------------------
collect_logs() {
	local d=$VM_OUT/logs ns f
	mkdir -p "$d"
	{
		echo "### uptime $(cat /proc/uptime)"; free -m
		echo "### processes"; ps -eo pid,ppid,stat,args | grep -vE '\[.*\]$'
		echo "### netns: $(ip netns list | tr '\n' ' ')"
		for ns in "" $(ip netns list | awk '{print $1}'); do
			local n=(); [ -n "$ns" ] && n=(-n "$ns")
			echo "### ns ${ns:-init}: addresses"; ip "${n[@]}" -d addr show
			echo "### ns ${ns:-init}: routes";    ip "${n[@]}" route show
			echo "### ns ${ns:-init}: qdiscs";    tc "${n[@]}" -s qdisc show
			for f in $(ip "${n[@]}" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
				tc "${n[@]}" -s filter show dev "$f" ingress 2>/dev/null | sed "s/^/$f ingress: /"
				tc "${n[@]}" -s class show dev "$f" 2>/dev/null | sed "s/^/$f class: /"
			done
		done
		echo "### dmesg"; dmesg | tail -80
	} > "$d/state.txt" 2>&1
	for f in "$VM_WORK"/*.log; do [ -f "$f" ] && cp "$f" "$d/"; done
	echo "---- logs saved in $VM_OUT/logs (host: ${ACD_VM_HOST_OUT:-?}/logs); last lines:"
	for f in "$VM_WORK"/*.log; do
		[ -s "$f" ] || continue
		echo "---- $(basename "$f")"; tail -15 "$f"
	done
	echo "---- dmesg"; dmesg | tail -15
}

# ---- what every test shares -----------------------------------------------------
# wait_until, alive, gone, listening, assert_band (tests/common/lib.sh): the
# bands measured, in or out, are RESULT lines
# shellcheck source=../../common/lib.sh
. "$VM_LIB_DIR/../../common/lib.sh"
# shellcheck disable=SC2034 # read by assert_band
BAND_REPORT=result
# a scenario that set -e stops fails as fail does: the command, the logs
errexit_trace
_vm_exit() {
	local rc=$?
	if ((rc == 0)) || [ -n "${VM_SAID:-}" ]; then
		return
	fi
	set +e
	printf 'FAIL: stopped by set -e at %s\n' "${ERREXIT_AT:-an unknown command}"
	printf 'stopped by set -e at %s\n' "${ERREXIT_AT:-an unknown command}" > "$VM_OUT/failure.txt"
	collect_logs
}
trap _vm_exit EXIT

# ---- kernel ------------------------------------------------------------------
need_modules() {
	modprobe -a "$@" || fail "modprobe $* failed (kernel $(uname -r))"
}

# ---- the shaper under test -----------------------------------------------------
need_shaper() {
	[ -n "${ACD_SHAPE:-}" ] ||
		fail "ACD_SHAPE is not set: point it at the built acd-shape (ctest sets it)"
	[ -x "$ACD_SHAPE" ] ||
		fail "ACD_SHAPE=$ACD_SHAPE is not an executable: build the target acd-shape first"
	log "shaper: $ACD_SHAPE"
}
# shape NS ARGS...: run acd-shape in a namespace, log it; its status
shape() { local ns=$1; shift; log "+ acd-shape $*  (ns $ns)"; ip netns exec "$ns" "$ACD_SHAPE" "$@"; }
# shape_ok NS ARGS...: fail unless acd-shape succeeds
shape_ok() { shape "$@" || fail "acd-shape ${*:2} failed in ns $1 (status $?)"; }
# shape_json NS IFACE: acd-shape -j show (validated JSON on stdout)
shape_json() {
	local j
	j=$(ip netns exec "$1" "$ACD_SHAPE" -j show "$2") || fail "acd-shape -j show $2 failed in ns $1"
	jq -e . <<<"$j" >/dev/null 2>&1 || fail "acd-shape -j show $2: not JSON: $j"
	printf '%s\n' "$j"
}
# jq_assert DESC JSON FILTER: the jq FILTER must yield true
jq_assert() {
	jq -e "$3" <<<"$2" >/dev/null 2>&1 ||
		fail "$1: expected $3 in: $(jq -c . <<<"$2" 2>/dev/null || echo "$2")"
}

# ---- namespaces and links ------------------------------------------------------
netns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "ip netns add $ns"
		ip -n "$ns" link set lo up
	done
}
# veth_pair NS1 IF1 NS2 IF2: a veth between two namespaces, both ends up
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		fail "veth $1/$2 <-> $3/$4"
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up || fail "veth up"
}

# nat64_topology: ns v6 (IPv6 only, 2001:db8:64::2, default route to
# 2001:db8:64::1) -- ns nat64 (2001:db8:64::1 | 192.0.2.1, forwarding) --
# ns v4 (IPv4 only, 192.0.2.2)
nat64_topology() {
	netns_add v6 nat64 v4
	veth_pair v6 eth0 nat64 eth-v6
	veth_pair nat64 eth-v4 v4 eth0
	ip -n v6 -6 addr add 2001:db8:64::2/64 dev eth0 nodad
	ip -n nat64 -6 addr add 2001:db8:64::1/64 dev eth-v6 nodad
	ip -n v6 -6 route add default via 2001:db8:64::1
	ip -n nat64 addr add 192.0.2.1/24 dev eth-v4
	ip -n v4 addr add 192.0.2.2/24 dev eth0
	ip netns exec nat64 sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
}

# ---- PPP / PPPoE ---------------------------------------------------------------
# ppp_secrets [USER PASS]...: /etc/ppp/pap-secrets (0600) for both ends (the
# overlay keeps the host's /etc untouched), any address; neutral
# /etc/ppp/options
ppp_secrets() {
	mkdir -p /etc/ppp
	: > /etc/ppp/options            # Debian's default wants auth, a modem, ...
	(umask 077 && : > /etc/ppp/pap-secrets)
	while [ $# -ge 2 ]; do
		ppp_secrets_addr "$1" "$2" '*'
		shift 2
	done
}
# ppp_secrets_addr USER PASS ADDR: USER's line in /etc/ppp/pap-secrets with
# ADDR in its address field: an AC's pppd without RADIUS gives the
# subscriber that address
ppp_secrets_addr() {
	printf '"%s" * "%s" %s\n' "$1" "$2" "$3" >> /etc/ppp/pap-secrets
}

# pppoe_server_start NS IFACE LOCAL_IP FIRST_REMOTE_IP MAX_SESSIONS OPTIONS:
# Debian's pppoe-server as operators run it (3.15: no kernel mode, each
# session's pppd runs a user-space pppoe relay over a pty), its pppds
# reading the options file OPTIONS
pppoe_server_start() {
	need_modules ppp_generic pppoe
	command -v pppoe-server >/dev/null || skip "pppoe-server is not installed on the host (Debian: pppoe)"
	ip netns exec "$1" pppoe-server -F -I "$2" -C acd-vm-ac -S isp \
		-L "$3" -R "$4" -N "$5" -O "$6" \
		>> "$VM_WORK/pppoe-server.log" 2>&1 &
	echo $! > "$VM_WORK/pppoe-server-$1-$2.pid"
	# it has no socket to wait for: it must still run a moment later
	sleep 0.3
	kill -0 "$(cat "$VM_WORK/pppoe-server-$1-$2.pid")" 2>/dev/null ||
		fail "pppoe-server on $1/$2 did not start"
	log "pppoe-server on $1/$2: local $3, remote from $4, max $5 sessions, options $6"
}

# pppoe_client_start NS IFACE USER [LINKNAME [PPPD OPTION...]]: a
# subscriber's pppd with the kernel PPPoE plugin, PAP from
# /etc/ppp/pap-secrets, default route via the session.  Runs in the
# background; see ppp_wait.
pppoe_client_start() {
	local ns=$1 ifc=$2 user=$3 link=${4:-$1}
	shift $(( $# < 4 ? $# : 4 ))
	ip netns exec "$ns" pppd plugin pppoe.so "nic-$ifc" rp_pppoe_service isp \
		user "$user" noauth noipdefault defaultroute noipv6 \
		mtu 1492 mru 1492 maxfail 1 lcp-echo-interval 10 lcp-echo-failure 3 \
		linkname "$link" logfile "$VM_WORK/pppd-$link.log" nodetach "$@" \
		>/dev/null 2>&1 &
	echo $! > "$VM_WORK/pppd-$link.pid"
}

ppp_has_ipv4() { [ -n "$(ip -n "$1" -4 -o addr show dev "$2" 2>/dev/null)" ]; }
# ppp_wait NS IFACE [SECONDS]: until IPCP gave IFACE an IPv4 address
ppp_wait() {
	wait_until "${3:-30}" ppp_has_ipv4 "$1" "$2" ||
		fail "no IPv4 on $1/$2 after ${3:-30}s (PPPoE session not up)"
}
ppp_local_ip() { ip -n "$1" -4 -o addr show dev "$2" | awk '{print $4}' | cut -d/ -f1; }
# ppp_iface_by_peer NS PEER_IP: the ppp interface in NS whose peer is PEER_IP
ppp_iface_by_peer() {
	ip -n "$1" -4 -o addr show | awk -v p="$2" '$2 ~ /^ppp/ && $6 == p"/32" && !n++ {print $2}'
}

# ---- traffic ---------------------------------------------------------------------
# iperf_server NS ADDR: an iperf3 server (daemon) on ADDR port 5201
iperf_server() {
	ip netns exec "$1" iperf3 -s -D -B "$2" -I "$VM_WORK/iperf3-$1.pid" \
		--logfile "$VM_WORK/iperf3-server-$1.log" || fail "iperf3 server in $1"
	wait_until 5 listening "$1" tcp 5201 || fail "iperf3 server in $1 is not listening"
}
# iperf_json NS SERVER [IPERF3 ARGS]: raw JSON of one measurement
iperf_json() {
	local ns=$1 srv=$2; shift 2
	ip netns exec "$ns" timeout $((IPERF_T + 20)) \
		iperf3 -c "$srv" -t "$IPERF_T" -O 1 -J "$@" 2>/dev/null
}
# iperf_mbps NS SERVER [IPERF3 ARGS]: receiver's Mbit/s (-R: SERVER sends)
iperf_mbps() {
	local j r
	j=$(iperf_json "$@")
	r=$(jq -r '.end.sum_received.bits_per_second // empty' <<<"$j" 2>/dev/null)
	if [ -z "$r" ]; then
		printf '%s\n' "$j" > "$VM_WORK/iperf3-failed.log"
		echo "iperf3 $* failed: $(jq -r '.error // "no result"' <<<"$j" 2>/dev/null)" >&2
		echo 0; return 1
	fi
	awk -v b="$r" 'BEGIN{printf "%.2f", b/1e6}'
}
# measure WHAT NS SERVER LO HI [IPERF3 ARGS]: iperf_mbps + assert_band
measure() {
	local what=$1 ns=$2 srv=$3 lo=$4 hi=$5 r; shift 5
	r=$(iperf_mbps "$ns" "$srv" "$@") || fail "$what: iperf3 failed"
	assert_band "$what" "$r" "$lo" "$hi" Mbit/s
}

# meas_rate WHAT NS SERVER RATE LO HI [IPERF3 ARGS]: iperf3 from NS to
# SERVER (-R: SERVER sends) within LO..HI times RATE (bit/s), with a socket
# buffer of 40 ms at RATE: below a tbf's queue (50 ms), so that bursts do
# not overflow it, above the RTT of a busy TCG guest.  Up to three tries (a
# busy host), all reported.
meas_rate() {
	local what=$1 ns=$2 srv=$3 rate=$4 lo hi r first='' try
	lo=$(awk -v r="$rate" -v f="$5" 'BEGIN{printf "%.2f", r * f / 1e6}')
	hi=$(awk -v r="$rate" -v f="$6" 'BEGIN{printf "%.2f", r * f / 1e6}')
	shift 6
	set -- "$@" -w "$(awk -v r="$rate" 'BEGIN{w = r * 0.04 / 8 / 1024; if (w < 16) w = 16; printf "%dK", w}')"
	for try in 1 2 3; do
		r=$(iperf_mbps "$ns" "$srv" "$@") || fail "$what: iperf3 failed"
		awk -v v="$r" -v lo="$lo" -v hi="$hi" 'BEGIN{exit !(v >= lo && v <= hi)}' && break
		first+="${first:+, }$r"
		[ "$try" = 3 ] || log "$what: $r Mbit/s, outside $lo..$hi: once more (a busy host?)"
	done
	assert_band "$what${first:+ (earlier tries: $first)}" "$r" "$lo" "$hi" Mbit/s
}
# bands of meas_rate: a tbf's TCP goodput is ~95 % of the rate; a policer
# drops, and TCP backs off below the rate
# shellcheck disable=SC2034 # for the scenarios
DOWN_LO=0.8 DOWN_HI=1.05 POL_LO=0.45 POL_HI=1.05

# ---- tc readback ------------------------------------------------------------------
# tc_json NS ARGS...: tc -j ARGS in NS (JSON array)
tc_json() { local ns=$1; shift; ip netns exec "$ns" tc -j "$@"; }
# tc_shaped NS IFACE DOWN UP police|ifb: IFACE in NS has exactly one root
# tbf at DOWN (bit/s), an ingress qdisc and exactly one ingress filter
# action: police at UP (and no IFB), or mirred to ifb-IFACE, whose root tbf
# is at UP
tc_shaped() {
	local ns=$1 ifc=$2 d=$3 up=$4 mode=$5 q f r
	q=$(tc_json "$ns" qdisc show dev "$ifc") || fail "tc qdisc show dev $ifc"
	jq_assert "tc: root tbf $d on $ifc" "$q" \
		"[.[] | select(.root == true)] | length == 1 and .[0].kind == \"tbf\" and .[0].options.rate == ($d / 8)"
	jq_assert "tc: ingress qdisc on $ifc" "$q" 'any(.[]; .kind == "ingress")'
	f=$(tc_json "$ns" filter show dev "$ifc" ingress) || fail "tc filter show dev $ifc ingress"
	jq_assert "tc: one ingress action on $ifc (no duplicates)" "$f" \
		"[.[] | .options.actions[]?] | length == 1 and .[0].kind == \"$([ "$mode" = police ] && echo police || echo mirred)\""
	if [ "$mode" = police ]; then
		# tc -j shows no police rate (iproute2 6.1): the text does
		r=$(ip netns exec "$ns" tc filter show dev "$ifc" ingress | tc_word_bps rate) ||
			fail "tc: no police rate on $ifc"
		[ "$r" = "$up" ] || fail "tc: police rate on $ifc is $r bit/s, expected $up"
		[ -z "$(ip -n "$ns" -o link show dev "ifb-$ifc" 2>/dev/null)" ] || fail "ifb-$ifc exists with up-mode police"
	else
		q=$(tc_json "$ns" qdisc show dev "ifb-$ifc") || fail "no ifb-$ifc"
		jq_assert "tc: root tbf $up on ifb-$ifc" "$q" \
			"any(.[]; .root == true and .kind == \"tbf\" and .options.rate == ($up / 8))"
	fi
}
# tc_word_bps WORD < LINE: the rate after WORD in tc's text output, in bit/s
# ("rate 10Mbit" -> 10000000; tc uses powers of 1000)
tc_word_bps() {
	awk -v w="$1" '{ for (i = 1; i < NF; i++) if ($i == w) { v = $(i + 1); break } }
	END {
		if (v == "") exit 1
		m = 1
		if (v ~ /Gbit$/) m = 1e9; else if (v ~ /Mbit$/) m = 1e6; else if (v ~ /Kbit$/) m = 1e3
		sub(/[KMG]?bit$/, "", v)
		printf "%.0f\n", v * m
	}'
}
