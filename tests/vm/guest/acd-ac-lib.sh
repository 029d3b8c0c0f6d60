# shellcheck shell=bash
# tests/vm/guest/acd-ac-lib.sh - acd in the guest, as the PPPoE access
# concentrator or beside pppoe-server, for the scenarios and the VM
# benchmarks of tests/bench (sourced after lib.sh): FreeRADIUS with the
# caller's users, pppd's radius.so config, acd's hooks installed as an
# operator installs them, the pppd options acd gives its sessions
# (conf/pppoe-options adapted), acd started with a [pppoe] section, and
# subscribers' own /etc/ppp.
#
#   acd_need                     acd and acdctl under test, or fail
#   acd_ac_need                  that, FreeRADIUS, pppd's plugins, or fail/skip
#   ctl ARGS / ctlj ARGS         acdctl on acd's socket (ctlj: -j, checked JSON)
#   rate_users RP MT WISPR FID   a users file: one PAP user per rate convention
#   radius_start NS USERS        FreeRADIUS in NS (127.0.0.1:1812) with the
#                                users file USERS; sets RADDB
#   radiusclient_conf DIR        DIR/radiusclient.conf for radius.so
#   hooks_install                cmake --install (or the package's):
#                                /etc/ppp/{ip,ipv6}-{up,down}.d/acd
#   ac_options DIR LOG [LINE...] DIR/pppoe-options: conf/pppoe-options with
#                                DIR's radiusclient.conf, acd's socket, pppd's
#                                log in LOG, and LINE... appended
#   ac_options_pap DIR LOG [LINE...]
#                                the same without RADIUS: PAP against
#                                /etc/ppp/pap-secrets (see ppp_secrets_addr)
#   ac_start NS OPTIONS IFACES [LINE...]
#                                acd in NS answering PPPoE on IFACES, its
#                                sessions' pppd reading OPTIONS; LINE... added
#                                to its acd.conf; once it answers
#   ac_again NS                  acd started again with that acd.conf (after a
#                                stop or a kill -9: the same state directory)
#   ac_pap_start NS IFACE        acd as the AC on IFACE without RADIUS, and
#                                leaving the sessions' shaping to others
#   ac_pppd_ok NS N              N kernel-mode sessions in NS, each a pppd of acd's
#   pppoe_session NS_AC NS_SUB   one PAP session through acd's AC
#   ac_pap_pair AC SUB USER ADDR SUB -- AC, USER's PAP secret, hooks, options
#   sub_etc NS                   NS's own /etc/ppp: its pppd runs no hooks
#   bridge_clients NS BR N [C [P]]
#                                N client namespaces C0.. (c0..), each eth0
#                                a port P0.. (p0..) of the bridge BR in NS
#
# W is acd's directory (config, socket, state), ACD_SOCKET its socket.

# run.sh passes only ACD_* variables into the guest: ACD_ACDCTL if set, else
# the acdctl built beside acd
: "${ACDCTL:=${ACD_ACDCTL:-${ACD_BIN:+$(dirname "$ACD_BIN")/acdctl}}}"
: "${W:=$VM_WORK/acd}"
: "${ACD_SOCKET:=$W/acd.sock}"
mkdir -p "$W/state"

# acd_need: acd, acdctl, the dictionary and the sources under test (ctest
# sets them), tests/common/acd.sh sourced, pppd and its PPPoE plugin
acd_need() {
	local v
	for v in ACD_BIN ACDCTL ACD_DICT ACD_SRC; do
		[ -n "${!v:-}" ] || fail "$v is not set (ctest sets it; see tests/vm/CMakeLists.txt)"
	done
	[ -x "$ACD_BIN" ] || fail "ACD_BIN=$ACD_BIN is not an executable: build the target acd first"
	[ -x "$ACDCTL" ] || fail "ACDCTL=$ACDCTL is not an executable: build the target acdctl first"
	[ -f "$ACD_DICT" ] || fail "ACD_DICT=$ACD_DICT does not exist"
	command -v pppd >/dev/null || skip "pppd is not installed on the host (Debian: ppp)"
	compgen -G "/usr/lib/pppd/*/pppoe.so" >/dev/null || skip "pppd's pppoe.so plugin is missing (Debian: ppp)"
	# shellcheck source=../../common/acd.sh
	. "$ACD_SRC/tests/common/acd.sh"
}

# acd_ac_need: acd_need, and what acd's AC with RADIUS and the hooks needs
acd_ac_need() {
	local p
	acd_need
	# the build's hooks (cmake --install), or the installed package's
	[ -n "${ACD_BUILD_DIR:-}" ] || [ -x /etc/ppp/ip-up.d/acd ] ||
		fail "ACD_BUILD_DIR is not set and no package installed /etc/ppp/ip-up.d/acd (ctest sets it; see tests/vm/CMakeLists.txt)"
	for p in freeradius radclient run-parts iperf3 jq; do
		command -v "$p" >/dev/null || skip "$p is not installed on the host (tools/install-deps)"
	done
	for p in radius.so radattr.so; do
		compgen -G "/usr/lib/pppd/*/$p" >/dev/null || skip "pppd's $p plugin is missing (Debian: ppp)"
	done
	[ -x /etc/ppp/ip-up ] && [ -x /etc/ppp/ip-down ] ||
		skip "no Debian /etc/ppp/ip-up and ip-down (they run the run-parts directories)"
}

ctl() { "$ACDCTL" -s "$ACD_SOCKET" "$@"; }
# ctlj ARGS: acdctl -j ARGS, validated JSON on stdout, or fail
ctlj() {
	local j
	j=$("$ACDCTL" -s "$ACD_SOCKET" -j "$@") || fail "acdctl -j $* failed (status $?): $j"
	jq -e . <<<"$j" >/dev/null 2>&1 || fail "acdctl -j $*: not JSON: $j"
	printf '%s\n' "$j"
}

# rate_users RP MT WISPR FID: a FreeRADIUS users file on stdout with four
# PAP users, one per rate convention, and DEFAULT rejected; each argument
# NAME[=ADDRESS] (Framed-IP-Address), the password NAME-pw, and
#   RP    RP-Downstream/Upstream-Speed-Limit 12000/6000 kbit/s
#   MT    Mikrotik-Rate-Limit "3M/8M" (rx/tx: up 3M, down 8M)
#   WISPR WISPr-Bandwidth-Max-Down/Up 4000000/2000000 bit/s
#   FID   Filter-Id "5500/2500" (kbit/s down/up)
# so that no two subscribers' download bands overlap
rate_users() {
	local a rates=(
		'RP-Downstream-Speed-Limit = 12000,\n\tRP-Upstream-Speed-Limit = 6000'
		'Mikrotik-Rate-Limit = "3M/8M"'
		'WISPr-Bandwidth-Max-Down = 4000000,\n\tWISPr-Bandwidth-Max-Up = 2000000'
		'Filter-Id = "5500/2500"') i=0
	for a; do
		printf '%s\tCleartext-Password := "%s-pw"\n\tService-Type = Framed-User,\n\tFramed-Protocol = PPP,\n' "${a%%=*}" "${a%%=*}"
		[[ $a == *=* ]] && printf '\tFramed-IP-Address = %s,\n' "${a#*=}"
		printf '\t%b\n\n' "${rates[i]}"
		i=$((i + 1))
	done
	printf 'DEFAULT\tAuth-Type := Reject\n\tReply-Message = "unknown subscriber"\n'
}

# radius_start NS USERS: conf/freeradius/ in a throw-away raddb with USERS
# as its users file, in NS, once it answers Status-Server
radius_start() {
	local f
	RADDB=$VM_WORK/raddb
	install -d -m 0700 "$RADDB"
	for f in radiusd.conf clients.conf secret; do
		install -m 0600 "$ACD_SRC/conf/freeradius/$f" "$RADDB/" || fail "copy conf/freeradius/$f"
	done
	(umask 077 && printf '%s\n' "$2" > "$RADDB/users")
	# shellcheck source=../../common/radius.sh
	. "$ACD_SRC/tests/common/radius.sh"
	ACD_RADIUS_SECRET=$(head -n 1 "$RADDB/secret") \
		ip netns exec "$1" freeradius -f -d "$RADDB" -l stdout > "$VM_WORK/radius.log" 2>&1 &
	wait_until 30 radius_answers "$1" "$RADDB/secret" || fail "FreeRADIUS does not answer Status-Server"
	log "FreeRADIUS answers in ns $1"
}

# radiusclient_conf DIR: radius.so's config, its server (RADDB's secret) and
# acd's dictionary (pppd reads "INCLUDE /absolute/path", not radcli's
# "$INCLUDE relative"); radius.so looks the host name up
radiusclient_conf() {
	local d=$1
	sed -n "s|^\\\$INCLUDE[[:space:]]\\+\\(.*\\)|INCLUDE $(dirname "$ACD_DICT")/\\1|p" "$ACD_DICT" \
		> "$d/dictionary.pppd"
	(umask 077; printf '127.0.0.1 %s\n' "$(head -n 1 "$RADDB/secret")" > "$d/radius-servers")
	: > "$d/port-id-map"
	cat > "$d/radiusclient.conf" <<-EOF
	auth_order radius
	login_tries 4
	login_timeout 60
	nologin /etc/nologin
	issue /etc/issue
	authserver 127.0.0.1:1812
	acctserver 127.0.0.1:1813
	servers $d/radius-servers
	dictionary $d/dictionary.pppd
	login_radius /usr/sbin/login.radius
	seqfile $d/radius.seq
	mapfile $d/port-id-map
	default_realm
	radius_timeout 5
	radius_retries 3
	login_local /bin/login
	nas_identifier acd-vm
	EOF
	grep -q '^127.0.1.1 acd-vm$' /etc/hosts || printf '127.0.1.1 acd-vm\n' >> /etc/hosts
}

# hooks_install: `cmake --install` of the build under test puts the hooks
# made from conf/ppp in /etc/ppp/<event>.d/acd (no dot, or run-parts skips
# it), as an operator installs them; without ACD_BUILD_DIR (an ARM guest,
# acd installed from its package: acd-install.sh) the package's hooks are
# there already and are the ones checked.  Debian's ip-up and friends log
# themselves and the hooks' output to /var/log/ppp-ipupdown.log if it
# exists; its ip-pre-up truncates it (">" where the others append), racing
# with the other end's ip-up, so it is a FIFO here, copied line by line to
# $VM_WORK/ppp-ipupdown.log with the time each line came ("EPOCHREALTIME
# line") by a reader that also holds it open for writing (never EOF, so no
# hook ever blocks on it)
hooks_install() {
	local ev prog by="the package"
	if [ -n "${ACD_BUILD_DIR:-}" ]; then
		by="cmake --install"
		run cmake --install "$ACD_BUILD_DIR" > "$VM_WORK/install.log" 2>&1 ||
			fail "cmake --install $ACD_BUILD_DIR (see install.log)"
	fi
	for ev in ip-up ip-down ipv6-up ipv6-down; do
		[ -x "/etc/ppp/$ev.d/acd" ] || fail "$by did not put the $ev hook in /etc/ppp/$ev.d/acd"
		prog=$(awk '$1 == "exec" { print $2 }' "/etc/ppp/$ev.d/acd")
		[ -x "$prog" ] || fail "/etc/ppp/$ev.d/acd runs $prog, which is not installed"
	done
	: > "$VM_WORK/ppp-ipupdown.log"
	rm -f /var/log/ppp-ipupdown.log
	mkfifo -m 0600 /var/log/ppp-ipupdown.log || fail "mkfifo /var/log/ppp-ipupdown.log"
	# (nothing of it on the console's pipe, or the guest would never finish)
	(exec 3<> /var/log/ppp-ipupdown.log
	 while IFS= read -r l <&3; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done) >> "$VM_WORK/ppp-ipupdown.log" 2>&1 &
	log "hooks installed by $by: /etc/ppp/{ip,ipv6}-{up,down}.d/acd -> $prog"
}

# ac_options DIR LOG [LINE...]: the options file of every pppd acd starts,
# made from the shipped conf/pppoe-options as an operator adapts it: radius.so
# reads DIR/radiusclient.conf, the hooks reach acd's socket ($ACD_SOCKET;
# pppd clears its scripts' environment), the log goes to LOG; LINE... added
ac_options() {
	local d=$1 o=$1/pppoe-options
	sed "s|^radius-config-file .*|radius-config-file $d/radiusclient.conf|" \
		"$ACD_SRC/conf/pppoe-options" > "$o" || fail "copy conf/pppoe-options"
	grep -q "^radius-config-file $d/radiusclient.conf\$" "$o" ||
		fail "conf/pppoe-options has no radius-config-file line to adapt"
	_ac_options_end "$@"
}
# ac_options_pap DIR LOG [LINE...]: ac_options for an AC without RADIUS:
# conf/pppoe-options without radius.so, radattr.so and their config, so
# that pppd checks PAP against /etc/ppp/pap-secrets, whose address field
# gives the subscriber's address (ppp_secrets_addr)
ac_options_pap() {
	local o=$1/pppoe-options
	sed '/^plugin radius\.so$/d; /^plugin radattr\.so$/d; /^radius-config-file /d' \
		"$ACD_SRC/conf/pppoe-options" > "$o" || fail "copy conf/pppoe-options"
	grep -v '^#' "$o" | grep radius && fail "conf/pppoe-options: RADIUS lines left to take out (above)"
	grep -q '^require-pap$' "$o" || fail "conf/pppoe-options has no require-pap"
	_ac_options_end "$@"
}
_ac_options_end() {
	local o=$1/pppoe-options logf=$2
	shift 2
	{
		echo "# added by the VM test"
		echo "set ACD_SOCKET=$ACD_SOCKET"
		echo "logfile $logf"
		printf '%s\n' "$@"
	} >> "$o"
	chmod 0644 "$o"
}

# ac_start NS OPTIONS IFACES [LINE...]: acd in NS as the access
# concentrator ([pppoe] on each of the blank-separated IFACES, AC-Name
# acd-vm-ac, service isp, local-ip $AC_IP, its sessions' pppd reading
# OPTIONS), LINE... added to the config (other sections: a section may come
# again), log level $AC_LOG_LEVEL (info), its log in $VM_WORK/acd.log;
# checked with acd -n first; once it answers on $ACD_SOCKET (ACD_PID)
ac_start() {
	local ns=$1 opts=$2 ifaces=$3 i list
	shift 3
	read -r -a list <<<"$ifaces"   # no glob: eth1.* is acd's pattern
	{
		echo "# written by $VM_NAME (tests/vm/guest/acd-ac-lib.sh)"
		acd_conf_head "$W" "${AC_LOG_LEVEL:-info}" /var/run
		echo "[pppoe]"
		for i in "${list[@]}"; do echo "interface = $i"; done
		printf 'ac-name = acd-vm-ac\nservice-name = isp\npppd-options = %s\nlocal-ip = %s\n' "$opts" "$AC_IP"
		printf '%s\n' "$@"
	} > "$W/acd.conf"
	run ip netns exec "$ns" "$ACD_BIN" -n -c "$W/acd.conf" >/dev/null || fail "acd -n rejects $W/acd.conf"
	ac_again "$ns"
	log "acd runs in ns $ns, pid $ACD_PID, the AC on $ifaces"
}

# ac_again NS: acd started (again) in NS with the acd.conf ac_start wrote,
# the same state directory and log; once it answers on $ACD_SOCKET (ACD_PID)
ac_again() {
	ACD_START_WAIT=15 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec "$1" ||
		fail "acd does not answer on $ACD_SOCKET: $(tail -5 "$VM_WORK/acd.log")"
	[ "$(cat "/proc/$ACD_PID/comm")" = acd ] || fail "pid $ACD_PID is not acd"
	jq_assert "show pppoe: enabled" "$(ctlj show pppoe)" '.enabled == true'
}

# ac_pap_start NS IFACE: acd as the AC on IFACE without RADIUS (PAP from
# /etc/ppp/pap-secrets, no hooks): the scenarios that shape with acd-shape
# get their sessions from it.  [pppd] interface-prefix names no interface
# (1..8 characters): acd then neither reconciles nor adopts the ppp links,
# which stay the caller's to shape.
ac_pap_start() {
	# lcp-max-configure: a busy TCG guest can take longer than pppd's 10 tries
	ac_options_pap "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40"
	ac_start "$1" "$W/pppoe-options" "$2" "[pppd]" "interface-prefix = acd-none"
}

# ac_pppd_ok NS N: NS's pppoe.ko carries N sessions (kernel mode), and acd
# has N pppds as children, each with pppoe.so and rp_pppoe_sess
ac_pppd_ok() {
	local n k
	n=$(ip netns exec "$1" awk 'NR > 1' /proc/net/pppoe | wc -l)
	[ "$n" = "$2" ] || fail "$n sessions in $1's /proc/net/pppoe, expected $2: $(ip netns exec "$1" cat /proc/net/pppoe)"
	k=$(pgrep -P "$ACD_PID" -f '^/usr/sbin/pppd ([0-9.]+: )?plugin pppoe\.so nic-[^ ]+ rp_pppoe_sess [0-9]+:' | wc -l)
	[ "$k" = "$2" ] || fail "acd has $k kernel-mode pppds, expected $2: $(pgrep -a -P "$ACD_PID")"
}

# pppoe_session NS_AC NS_SUB: one subscriber session over a fresh veth,
# acd the AC (ac_pap_start) on NS_AC/eth-sub0, the subscriber a pppd with
# pppoe.so in NS_SUB; sets AC_IF (ppp interface on the AC), SUB_IP, AC_IP
pppoe_session() {
	local ac=$1 sub=$2 t0
	t0=$(vm_elapsed)
	acd_need
	need_modules ppp_generic pppoe veth
	netns_add "$ac" "$sub"
	veth_pair "$ac" eth-sub0 "$sub" eth0
	AC_IP=198.51.100.1
	ppp_secrets
	ppp_secrets_addr user1 pass1 198.51.100.10
	ac_pap_start "$ac" eth-sub0
	pppoe_client_start "$sub" eth0 user1 sub1 lcp-max-configure 40
	ppp_wait "$sub" ppp0 60
	SUB_IP=$(ppp_local_ip "$sub" ppp0)
	[ "$SUB_IP" = 198.51.100.10 ] || fail "the subscriber got $SUB_IP, not pap-secrets' 198.51.100.10"
	wait_until 10 eval '[ -n "$(ppp_iface_by_peer "$ac" "$SUB_IP")" ]' ||
		fail "no ppp interface on the AC for $SUB_IP"
	AC_IF=$(ppp_iface_by_peer "$ac" "$SUB_IP")
	log "PPPoE session up: $sub/ppp0 $SUB_IP <-> $ac/$AC_IF $AC_IP ($(secs_since "$t0")s)"
	ip netns exec "$sub" ping -c 2 -i 0.2 -W 2 "$AC_IP" >/dev/null || fail "ping over the PPPoE session"
	grep -q 'PAP peer authentication succeeded for user1' "$VM_WORK/pppd-ac.log" ||
		fail "the AC's pppd log has no PAP success"
	ac_pppd_ok "$ac" 1
}

# ac_pap_pair AC SUB USER ADDR: SUB/eth0 -- AC/eth-sub, USER's PAP secret
# (password USER-pw) with ADDR, SUB's own /etc/ppp, acd's hooks installed
# and the AC's pppd options without RADIUS in $W/pppoe-options: what
# ac_start needs for one subscriber that acd shapes
ac_pap_pair() {
	netns_add "$1" "$2"
	veth_pair "$1" eth-sub "$2" eth0
	ppp_secrets
	ppp_secrets_addr "$3" "$3-pw" "$4"
	sub_etc "$2"
	hooks_install
	ac_options_pap "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40"
}

# sub_etc NS: the subscriber's own /etc/ppp (ip netns exec binds
# /etc/netns/NS/ppp over /etc/ppp): its pppd runs no ip-up/ipv6-up scripts,
# which would run acd's hooks, meant for the AC's sessions (pppd 2.4.9 has
# ip-up-script but no ipv6-up-script option).  After ppp_secrets: the copy
# takes the subscribers' pap-secrets along.
sub_etc() {
	local d=/etc/netns/$1/ppp f
	rm -rf "$d" && mkdir -p "$(dirname "$d")" && cp -a /etc/ppp "$d" || fail "copy /etc/ppp to $d"
	for f in ip-pre-up ip-up ip-down ipv6-up ipv6-down; do
		printf '#!/bin/sh\nexit 0\n' > "$d/$f" && chmod 0755 "$d/$f" || fail "$d/$f"
	done
}

# bridge_clients NS BRIDGE N [CLIENT_PREFIX [PORT_PREFIX]]: the bridge
# BRIDGE in NS (made and up: the access switch and the AC's port in one)
# and N client namespaces CLIENT_PREFIX0.. (c0..), each with an eth0 (up)
# whose peer is the bridge's port PORT_PREFIX0.. (p0..) in NS; by ip -b, as
# one ip netns exec costs a TCG guest ~0.3 s.  The clients' lo stays down.
bridge_clients() {
	local ns=$1 br=$2 n=$3 c=${4:-c} p=${5:-p} i
	ip -n "$ns" link add "$br" type bridge || fail "bridge $br in $ns"
	ip -n "$ns" link set "$br" up
	{
		for ((i = 0; i < n; i++)); do echo "netns add $c$i"; done
		for ((i = 0; i < n; i++)); do echo "link add $p$i netns $ns type veth peer name eth0 netns $c$i"; done
	} > "$VM_WORK/topo-$br.batch"
	ip -b "$VM_WORK/topo-$br.batch" || fail "ip -b $VM_WORK/topo-$br.batch (client namespaces)"
	for ((i = 0; i < n; i++)); do echo "link set $p$i master $br up"; done > "$VM_WORK/ports-$br.batch"
	ip -n "$ns" -b "$VM_WORK/ports-$br.batch" || fail "ip -n $ns -b $VM_WORK/ports-$br.batch (bridge ports)"
	for ((i = 0; i < n; i++)); do
		ip -n "$c$i" link set eth0 up || fail "$c$i eth0 up"
	done
}
