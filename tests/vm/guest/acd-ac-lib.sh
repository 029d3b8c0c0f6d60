# shellcheck shell=bash
# tests/vm/guest/acd-ac-lib.sh - acd as the PPPoE access concentrator in the
# guest, for the scenario acd-ac and the VM benchmarks of tests/bench
# (sourced after lib.sh): FreeRADIUS with the caller's users, pppd's
# radius.so config, acd's hooks installed as an operator installs them, the
# pppd options acd gives its sessions (conf/pppoe-options adapted), acd
# started with a [pppoe] section, and subscribers' own /etc/ppp.
#
#   acd_ac_need                  the binaries and plugins, or fail/skip
#   radius_start NS USERS        FreeRADIUS in NS (127.0.0.1:1812) with the
#                                users file USERS; sets RADDB
#   radiusclient_conf DIR        DIR/radiusclient.conf for radius.so
#   hooks_install                cmake --install: /etc/ppp/*.d/acd
#   ac_options DIR LOG [LINE...] DIR/pppoe-options: conf/pppoe-options with
#                                DIR's radiusclient.conf, acd's socket, pppd's
#                                log in LOG, and LINE... appended
#   sub_etc NS                   NS's own /etc/ppp: its pppd runs no hooks

# run.sh passes only ACD_* variables into the guest: ACD_ACDCTL if set, else
# the acdctl built beside acd
: "${ACDCTL:=${ACD_ACDCTL:-${ACD_BIN:+$(dirname "$ACD_BIN")/acdctl}}}"

acd_ac_need() {
	local v p
	for v in ACD_BIN ACDCTL ACD_DICT ACD_SRC ACD_BUILD_DIR; do
		[ -n "${!v:-}" ] || fail "$v is not set (ctest sets it; see tests/vm/CMakeLists.txt)"
	done
	[ -x "$ACD_BIN" ] || fail "ACD_BIN=$ACD_BIN is not an executable: build the target acd first"
	[ -x "$ACDCTL" ] || fail "ACDCTL=$ACDCTL is not an executable: build the target acdctl first"
	[ -f "$ACD_DICT" ] || fail "ACD_DICT=$ACD_DICT does not exist"
	for p in freeradius radclient pppd run-parts iperf3 jq; do
		command -v "$p" >/dev/null || skip "$p is not installed on the host (tools/install-deps)"
	done
	for p in pppoe.so radius.so radattr.so; do
		compgen -G "/usr/lib/pppd/*/$p" >/dev/null || skip "pppd's $p plugin is missing (Debian: ppp)"
	done
	[ -x /etc/ppp/ip-up ] && [ -x /etc/ppp/ip-down ] ||
		skip "no Debian /etc/ppp/ip-up and ip-down (they run the run-parts directories)"
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
# it), as an operator installs them; Debian's ip-up logs the hooks' output
# to /var/log/ppp-ipupdown.log, kept with the logs
hooks_install() {
	local ev prog
	run cmake --install "$ACD_BUILD_DIR" > "$VM_WORK/install.log" 2>&1 ||
		fail "cmake --install $ACD_BUILD_DIR (see install.log)"
	for ev in ip-up ip-down; do
		[ -x "/etc/ppp/$ev.d/acd" ] || fail "cmake --install did not put the $ev hook in /etc/ppp/$ev.d/acd"
		prog=$(awk '$1 == "exec" { print $2 }' "/etc/ppp/$ev.d/acd")
		[ -x "$prog" ] || fail "/etc/ppp/$ev.d/acd runs $prog, which is not installed"
	done
	rm -f /var/log/ppp-ipupdown.log
	: > "$VM_WORK/ppp-ipupdown.log"
	ln -s "$VM_WORK/ppp-ipupdown.log" /var/log/ppp-ipupdown.log
	log "hooks installed: /etc/ppp/{ip,ipv6}-{up,down}.d/acd -> $prog"
}

# ac_options DIR LOG [LINE...]: the options file of every pppd acd starts,
# made from the shipped conf/pppoe-options as an operator adapts it: radius.so
# reads DIR/radiusclient.conf, the hooks reach acd's socket ($ACD_SOCKET;
# pppd clears its scripts' environment), the log goes to LOG; LINE... added
ac_options() {
	local d=$1 logf=$2 o=$1/pppoe-options
	shift 2
	sed "s|^radius-config-file .*|radius-config-file $d/radiusclient.conf|" \
		"$ACD_SRC/conf/pppoe-options" > "$o" || fail "copy conf/pppoe-options"
	grep -q "^radius-config-file $d/radiusclient.conf\$" "$o" ||
		fail "conf/pppoe-options has no radius-config-file line to adapt"
	{
		echo "# added by the VM test"
		echo "set ACD_SOCKET=$ACD_SOCKET"
		echo "logfile $logf"
		printf '%s\n' "$@"
	} >> "$o"
	chmod 0644 "$o"
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
