# shellcheck shell=bash
# tests/bench/accel-ppp.sh - accel-ppp as a third access concentrator in the
# VM benchmarks (sourced after tests/vm/guest/lib.sh and acd-ac-lib.sh, once
# radius_start has run): the one operators pick when pppoe-server is too
# slow.  Its own PPP stack in one process (no pppd), kernel-mode PPPoE,
# RADIUS like acd's pppds (same FreeRADIUS, same users file, accounting on).
#
#   accel_find            ACCEL: the prefix tests/bench/accel-ppp-build.sh
#                         installed (ACD_ACCEL_PPP, else the build cache's
#                         `current`); 1 when there is none
#   accel_start NS IF LOCAL_IP
#                         accel-pppd in NS answering PPPoE on IF (service
#                         isp), PAP against FreeRADIUS, LOCAL_IP as its end
#                         of every session, MTU/MRU 1492, no shaping;
#                         sets ACCEL_PID
#   accel_stop            ends it (SIGTERM), waits until it is gone

accel_find() {
	ACCEL=${ACD_ACCEL_PPP:-/var/cache/acd-bench/accel-ppp/current}
	[ -x "$ACCEL/sbin/accel-pppd" ] || return 1
	ACCEL=$(readlink -f "$ACCEL")
	log "accel-ppp: $ACCEL ($(basename "$ACCEL"))"
}

accel_start() {
	local ns=$1 ifc=$2 ip=$3 d=$VM_WORK/accel
	mkdir -p "$d"
	(
		umask 077
		cat > "$d/accel-ppp.conf" <<-EOF
			[modules]
			log_file
			radius
			pppoe
			auth_pap

			[core]
			log-error=$d/core.log
			thread-count=2

			[common]
			sid-source=urandom

			[ppp]
			verbose=0
			min-mtu=1280
			mtu=1492
			mru=1492
			ipv4=require
			ipv6=deny
			lcp-echo-interval=20
			lcp-echo-timeout=120
			unit-cache=1

			[pppoe]
			verbose=0
			ac-name=accel-bench
			service-name=isp
			called-sid=mac
			interface=$ifc

			[radius]
			dictionary=$ACCEL/share/accel-ppp/radius/dictionary
			nas-identifier=accel-bench
			nas-ip-address=127.0.0.1
			gw-ip-address=$ip
			server=127.0.0.1,$(head -n 1 "$RADDB/secret"),auth-port=1812,acct-port=1813
			verbose=0

			[log]
			log-file=$d/accel-ppp.log
			log-emerg=$d/emerg.log
			level=3
		EOF
	)
	ip netns exec "$ns" "$ACCEL/sbin/accel-pppd" -c "$d/accel-ppp.conf" >> "$d/stdout.log" 2>&1 &
	ACCEL_PID=$!
	# up when its PPPoE discovery socket (AF_PACKET) is open
	# shellcheck disable=SC2016 # expanded by eval
	wait_until 15 eval 'ip netns exec "$ns" ss -f link -a -p 2>/dev/null | grep -q "pid=$ACCEL_PID," ||
		! alive "$ACCEL_PID"' || fail "accel-pppd opened no packet socket in 15 s"
	alive "$ACCEL_PID" || fail "accel-pppd did not start: $(tail -n 5 "$d/stdout.log" "$d/core.log" "$d/emerg.log" 2>/dev/null)"
	log "accel-pppd (pid $ACCEL_PID) on $ns/$ifc"
}

accel_stop() {
	[ -n "${ACCEL_PID:-}" ] || return 0
	kill -TERM "$ACCEL_PID" 2>/dev/null || true
	wait_until 20 gone "$ACCEL_PID" || fail "accel-pppd does not stop"
	ACCEL_PID=
}
