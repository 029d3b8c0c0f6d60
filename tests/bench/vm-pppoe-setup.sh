#!/bin/bash
# Benchmark (VM guest, tests/vm/run.sh): PPPoE session set-up, N clients
# (ACD_BENCH_N, 100) dialing at once, acd as the AC against Debian's
# pppoe-server and accel-ppp, in the same VM on the same clients.
#
#   c0..c{N-1}/eth0 -- ac/br-sub (a bridge: the access switch and the AC's
#   port in one), answered by acd ([pppoe] interface = br-sub, one
#   kernel-mode pppd per session), by pppoe-server -I br-sub (a pppd per
#   session behind its user-space relay) with acd in hook mode, or by
#   accel-pppd (tests/bench/accel-ppp.sh: all sessions in one process,
#   RADIUS against the same FreeRADIUS; left out when not built).  acd
#   runs as shipped: its pppds load acd.so (the build's) and run no
#   ip-up/ip-down script ([pppoe] ppp-scripts = auto); "acd-hooks" is acd
#   with acd-plugin = none, its sessions reported by pppd's hooks.
#
# Both ACs' pppds read the same options (conf/pppoe-options adapted:
# radius.so against FreeRADIUS, one user per client with its address,
# radattr.so, acd's ip-up hook through run-parts); the clients are pppd with
# pppoe.so, each made ready in its namespace and all released at one moment
# (a FIFO's EOF), which is their start.  Each client's time is from that
# start to its own ip-up (IPCP done: the subscriber has its address), on
# the guest's /proc/uptime clock.  A warm-up session through each AC first
# (no cold page cache), then the runs in the order acd, pppoe-server,
# pppoe-server, acd, so that what the order costs falls on both.  Per run
# and per AC (both runs pooled): sessions up of N, wall time from the start
# to the last ip-up, sessions/s, latency p50/p99/max.  accel-ppp runs
# between the two pppoe-server runs, acd-hooks once before them: acd,
# acd-hooks, pppoe-server, accel-ppp, accel-ppp, pppoe-server, acd.  Prints a table,
# RESULT lines, and keeps every client's times in the output directory.
#
# Under TCG the guest's two CPUs are the limit: 2 x N pppds, FreeRADIUS and
# the hooks all start at once.  A second VM on the host (another test run)
# halves them: the numbers mean something on an otherwise idle host only.
#
# The CPU each run costs (the guest's /proc): the AC's process tree (acd
# or pppoe-server with every pppd it started, alive or reaped; pppoe-server's
# acd for the hooks beside it; accel-pppd alone), FreeRADIUS, and the whole
# guest (the clients' pppds are the rest), from the release to the moment
# all are up; per session in the RESULT lines "cpu".  accel-ppp shapes
# nothing here; acd shapes each session as it comes up.
#
# Every client's pppd has its own log, $B/cli-RUN-I.log (its messages:
# with debug, pppoe.so would log every client's broadcast PADIs in every
# client's log, 100 x 600 frames); pppoe-server's pppds share
# $VM_WORK/pppd-ac.log.  acd runs pppd as shipped; with
# ACD_BENCH_PPPD_DEBUG=1 it runs a wrapper that adds debug and a log per
# session, $B/ac-RUN-SID.log (every LCP, PAP and IPCP packet: a shell and
# a write per packet more for each session, so not for the numbers).  For a
# client that did not come up, the bench prints where its discovery, LCP,
# PAP and IPCP stopped (on both sides with the wrapper), and keeps the logs
# and acd's lines about its session in $VM_OUT/lost/; acd's log of each run
# is kept beside its pppds' logs.
#
# Environment: ACD_BENCH_N (100), ACD_BENCH_DEADLINE (s for all N of a run
# to come up, 300), ACD_BENCH_ACS (the ACs measured, of "acd acd-hooks
# pppoe-server accel-ppp", all by default), ACD_BENCH_ACD_RUNS (acd's runs, 2; the 2nd
# and later each after a restart of acd, the last after the other ACs),
# ACD_BENCH_MAX_STARTING (acd's [pppoe] max-starting, 0),
# ACD_BENCH_PPPD_DEBUG (1: acd's pppds log every packet, above; 0).
# Fails when a run has a session that did not come up (the table says how
# many did).
# shellcheck source=../vm/guest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest/lib.sh"
# shellcheck source=../vm/guest/acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"
# shellcheck source=accel-ppp.sh
. "$(dirname "${BASH_SOURCE[0]}")/accel-ppp.sh"

N=${ACD_BENCH_N:-100}
DEADLINE=${ACD_BENCH_DEADLINE:-300}
ACS=" ${ACD_BENCH_ACS:-acd acd-hooks pppoe-server accel-ppp} "
ACD_RUNS=${ACD_BENCH_ACD_RUNS:-2}
MAX_STARTING=${ACD_BENCH_MAX_STARTING:-0}
PPPD_DEBUG=${ACD_BENCH_PPPD_DEBUG:-0}
for a in $ACS; do
	case $a in acd | acd-hooks | pppoe-server | accel-ppp) ;; *) fail "ACD_BENCH_ACS: unknown AC \"$a\" (acd, acd-hooks, pppoe-server, accel-ppp)" ;; esac
done
[[ $MAX_STARTING =~ ^[0-9]{1,5}$ ]] || fail "ACD_BENCH_MAX_STARTING=\"$MAX_STARTING\": give acd's [pppoe] max-starting, a number (0: no limit)"
[[ $PPPD_DEBUG =~ ^[01]$ ]] || fail "ACD_BENCH_PPPD_DEBUG=\"$PPPD_DEBUG\": give 1 (acd's pppds log every packet) or 0"
[[ $ACD_RUNS =~ ^[1-9][0-9]?$ ]] || fail "ACD_BENCH_ACD_RUNS=\"$ACD_RUNS\": give a number of runs from 1 to 99"
has_ac() { [[ $ACS == *" $1 "* ]]; }
acd_ac_need
PLUGIN=$ACD_BUILD_DIR/pppd-plugin/acd.so
if [ ! -f "$PLUGIN" ]; then
	log "acd.so is not built ($PLUGIN): acd's runs use pppd's hooks"
	PLUGIN=none
fi
if has_ac accel-ppp; then
	accel_find || log "accel-ppp: not built (tests/bench/accel-ppp-build.sh SRC on the host): left out"
fi
! has_ac pppoe-server || command -v pppoe-server >/dev/null ||
	skip "pppoe-server is not installed on the host (Debian: pppoe)"
need_modules ppp_generic pppoe veth bridge

W=$VM_WORK/acd
B=$VM_WORK/bench
mkdir -p "$W/state" "$B"
# shellcheck disable=SC2034 # read by tests/common/acd.sh
ACD_SOCKET=$W/acd.sock
AC_IP=100.64.0.1
ip4() { echo "100.64.$((1 + $1 / 250)).$(($1 % 250 + 2))"; }

step "topology: $N client namespaces on ac/br-sub (memory: $(free -m | awk '/^Mem:/ {print $2}') MiB)"
netns_add ac
bridge_clients ac br-sub "$N"

step "FreeRADIUS ($N users, each with its address), acd's hooks, the AC's options"
users=$(for ((i = 0; i < N; i++)); do
	printf 'b%d\tCleartext-Password := "pw-%d"\n\tService-Type = Framed-User,\n\tFramed-Protocol = PPP,\n\tFramed-IP-Address = %s\n\n' \
		"$i" "$i" "$(ip4 "$i")"
done)
radius_start ac "$users"
radiusclient_conf "$W"
hooks_install
ac_options "$W" "$VM_WORK/pppd-ac.log" "lcp-max-configure 40" "mtu 1492" "mru 1492"
secrets=()
for ((i = 0; i < N; i++)); do secrets+=("b$i" "pw-$i"); done
ppp_secrets "${secrets[@]}"
# the clients' /etc/ppp: no hooks (their ip-up is the stamp below)
sub_etc c0
for ((i = 1; i < N; i++)); do
	mkdir -p "/etc/netns/c$i" && ln -s /etc/netns/c0/ppp "/etc/netns/c$i/ppp"
done
cat > "$B/stamp-up" <<EOF
#!/bin/sh
# a client's ip-up: its ipparam (RUN:I) and the time, no fork
read -r up rest < /proc/uptime
echo "\$6 \$up" >> $B/up.txt
EOF
chmod 0755 "$B/stamp-up"
: > "$B/up.txt"
. "$ACD_SRC/tests/common/acd.sh"

# A client waits for the start signal (EOF on the FIFO $B/go), then is its
# pppd: started one by one (ip netns exec costs a TCG guest ~0.3 s each),
# the clients still dial at one moment.
cat > "$B/client" <<EOF
#!/bin/sh
# client I RUN
: > $B/ready/\$2-\$1
read -r x < $B/go || true
exec pppd plugin rp-pppoe.so nic-eth0 rp_pppoe_service isp user "b\$1" \\
	noauth noipdefault noipv6 mtu 1492 mru 1492 maxfail 1 lcp-max-configure 40 \\
	pppoe-padi-attempts 6 ipparam "\$2:\$1" ip-up-script $B/stamp-up \\
	ip-down-script /bin/true linkname "\$2-\$1" logfile "$B/cli-\$2-\$1.log" nodetach
EOF
chmod 0755 "$B/client"
# acd's pppd with ACD_BENCH_PPPD_DEBUG=1: the real one (the same process:
# acd watches and reaps it), with a log of its own named by the run (dial()
# writes it) and the session
AC_PPPD=$(command -v pppd)
[ "$PPPD_DEBUG" = 0 ] || AC_PPPD=$B/pppd-ac
cat > "$B/pppd-ac" <<EOF
#!/bin/sh
sid=x prev=
for a; do [ "\$prev" = rp_pppoe_sess ] && sid=\${a%%:*}; prev=\$a; done
read -r run < $B/run || run=x
exec $(command -v pppd) "\$@" debug logfile "$B/ac-\$run-\$sid.log"
EOF
chmod 0755 "$B/pppd-ac"
mkdir -p "$B/ready"
# alive_n PID...: how many of them run (no fork: the poll must not take
# the CPU the sessions are measured on)
alive_n() {
	local p st alive=0
	for p; do
		{ read -r st < "/proc/$p/stat"; } 2>/dev/null || continue
		st=${st##*) }
		[ "${st%% *}" = Z ] || alive=$((alive + 1))
	done
	echo "$alive"
}
# not_pppd RUN: a client of RUN runs that is not pppd yet (no fork)
not_pppd() {
	local p c
	while read -r p; do
		{ read -r c < "/proc/$p/comm"; } 2>/dev/null || continue
		[ "$c" = pppd ] || return 0
	done < "$B/pids-$1"
	return 1
}
# dial RUN COUNT: clients c0..c{COUNT-1} made ready, then released at once;
# the moment in $B/start-RUN.txt, pids in $B/pids-RUN
dial() {
	local run=$1 count=$2 i up rest t
	echo "$run" > "$B/run"
	rm -f "$B/go" && mkfifo "$B/go"
	: > "$B/pids-$run"
	for ((i = 0; i < count; i++)); do
		ip netns exec "c$i" "$B/client" "$i" "$run" >/dev/null 2>&1 &
		echo $! >> "$B/pids-$run"
	done
	WAIT_STEP=0.5 wait_until 300 eval '[ "$(find "$B/ready" -name "$run-*" | wc -l)" -ge "$count" ]' ||
		fail "only $(find "$B/ready" -name "$run-*" | wc -l) of $count clients of $run got ready"
	sleep 0.5 # the last one from its marker into its read
	# the start: the readers see EOF when the writer closes the FIFO (opened
	# read-write, so that it never blocks); one that opened it too late waits
	# for the next writer: once more, for it alone
	for t in 1 2 3; do
		exec 3<> "$B/go"
		sleep 1
		[ "$t" = 1 ] && read -r up rest < /proc/uptime
		exec 3>&-
		sleep 2
		not_pppd "$run" || break
		log "a client of $run was late for the start: released again"
	done
	for ((i = 0; i < count; i++)); do echo "$run:$i $up"; done > "$B/start-$run.txt"
}
n_up() { grep -c "^$1:" "$B/up.txt" || true; }
# settled RUN COUNT: all up, or every client that is not up has given up
settled() {
	local u pids
	u=$(n_up "$1")
	mapfile -t pids < "$B/pids-$1"
	[ "$u" -ge "$2" ] || [ "$(alive_n "${pids[@]}")" -le "$u" ]
}
# hangup RUN: the clients hang up; wait until no pppd and no session is left
hangup() {
	local p
	while read -r p; do kill -TERM "$p" 2>/dev/null || true; done < "$B/pids-$1"
	WAIT_STEP=1 wait_until 180 eval '! pgrep -x pppd >/dev/null' ||
		fail "pppds left after the hang-up of $1: $(pgrep -c -x pppd)"
	# (up ones: accel-ppp keeps its units, down, for the next sessions)
	WAIT_STEP=1 wait_until 60 eval '! ip -n ac -o link show up | grep -q ": ppp"' || fail "ppp interfaces left after $1"
	[ -z "${ACD_PID:-}" ] ||
		WAIT_STEP=1 wait_until 30 eval '[ "$("$ACDCTL" -s "$ACD_SOCKET" -j show sessions | jq length)" = 0 ]' ||
		fail "acd has sessions left after $1: $("$ACDCTL" -s "$ACD_SOCKET" -j show sessions |
			jq -c '[.[] | {ifname, user, ip, uptime, shaped}] | .[:10]')"
}
# stats NAME COUNT RUN...: the table's row of NAME over RUN...: sessions up
# of COUNT each, wall time from the start to the last ip-up (summed over
# the runs), sessions/s, latency p50/p99/max (nearest rank, all runs pooled)
stats() {
	local name=$1 cnt=$2 r files=()
	shift 2
	for r; do files+=("$B/start-$r.txt"); done
	awk -v runs="$*" -v name="$name" -v n="$cnt" '
		BEGIN { nr = split(runs, rr, " "); for (i = 1; i <= nr; i++) want[rr[i]] = 1 }
		FILENAME ~ /start-/ { s[$1] = $2; next }
		{ split($1, a, ":") }
		(a[1] in want) && ($1 in s) {
			l[++k] = $2 - s[$1]
			if (!(a[1] in last) || $2 > last[a[1]]) last[a[1]] = $2
			first[a[1]] = s[$1]
		}
		END {
			if (!k) exit 1
			for (r in last) wall += last[r] - first[r]
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (l[j] < l[i]) { t = l[i]; l[i] = l[j]; l[j] = t }
			p50 = l[int(k * 0.50 + 0.999999)]; p99 = l[int(k * 0.99 + 0.999999)]
			printf "%-26s %4d/%-4d %8.1f %11.2f %8.2f %8.2f %8.2f\n", name, k, n * nr, wall,
				(wall > 0) ? k / wall : 0, p50, p99, l[k]
		}' "${files[@]}" "$B/up.txt"
}
# stages LOG: how far a pppd's log got, in one line: with debug, the
# requests and acks of LCP, PAP and IPCP sent/received; pppd's and
# pppoe.so's own messages on how each phase ended; whether IPCP gave the
# addresses; the first Terminate-Request and the last line
stages() {
	awk '
		/^Timeout waiting for PAD[OS]|^Unable to complete PPPoE|^LCP: timeout|^IPCP: timeout|^No response to PAP|^PAP authentication (succeeded|failed)|^PAP peer authentication|^LCP terminated by peer|^Connect: |^Modem hangup|^Terminating on signal/ {
			sub(/ \(.*/, ""); msgs = msgs (msgs ? "; " : "") $0 }
		/Send PPPOE Discovery .* PADI/ { padi++ } /Recv PPPOE Discovery .* PADO/ { pado++ }
		/Send PPPOE Discovery .* PADR/ { padr++ } /Recv PPPOE Discovery .* PADS/ { pads++ }
		/^PPP session is/ { sid = $4 }
		/^sent \[LCP ConfReq/ { lsr++ } /^rcvd \[LCP ConfReq/ { lrr++ }
		/^sent \[LCP ConfAck/ { lsa++ } /^rcvd \[LCP ConfAck/ { lra++ }
		/^sent \[PAP AuthReq/ { psr++ } /^rcvd \[PAP AuthReq/ { prr++ }
		/^sent \[PAP AuthAck/ { psa++ } /^rcvd \[PAP AuthAck/ { pra++ }
		/^(sent|rcvd) \[PAP AuthNak/ { pnak++ }
		/^sent \[IPCP ConfReq/ { isr++ } /^rcvd \[IPCP ConfReq/ { irr++ }
		/^sent \[IPCP ConfAck/ { isa++ } /^rcvd \[IPCP ConfAck/ { ira++ }
		/^local  IP address/ { ip = 1 }
		/^(sent|rcvd) \[LCP TermReq/ && !term { term = $0 }
		NF { last = $0 }
		END {
			printf "PADI %d PADO %d PADR %d PADS %d sid %s | ", padi, pado, padr, pads, sid ? sid : "-"
			printf "LCP req %d/%d ack %d/%d | PAP req %d/%d ack %d/%d nak %d | IPCP req %d/%d ack %d/%d | %s",
				lsr, lrr, lsa, lra, psr, prr, psa, pra, pnak, isr, irr, isa, ira, ip ? "IP up" : "no IP"
			if (msgs) printf " | %s", msgs
			if (term) printf " | %s", term
			printf " | last: %s\n", last
		}' "$1"
}
# lost RUN COUNT: for each client of RUN not up, where it stopped as it
# saw it and as acd's pppd for its session did (counts sent/received),
# acd's and FreeRADIUS's lines about it; both logs kept in $VM_OUT/lost
lost() {
	local run=$1 count=$2 i c sid mac a
	mkdir -p "$VM_OUT/lost"
	for ((i = 0; i < count; i++)); do
		grep -q "^$run:$i " "$B/up.txt" && continue
		c=$B/cli-$run-$i.log
		log "$run:$i (b$i) did not come up"
		[ -f "$c" ] || { log "  client: no log"; continue; }
		log "  client: $(stages "$c")"
		cp "$c" "$VM_OUT/lost/"
		sid=$(sed -n 's/^PPP session is \([0-9]*\).*/\1/p' "$c" | tail -n 1)
		mac=$(ip -n "c$i" -br link show eth0 | awk '{print tolower($3)}')
		a=$B/ac-$run-$sid.log
		if [ -n "$sid" ] && [ -f "$a" ]; then
			log "  AC pppd (sid $sid): $(stages "$a")"
			cp "$a" "$VM_OUT/lost/"
		else
			log "  AC pppd: no log for sid ${sid:--} (no PADS reached the client, or not acd's run)"
		fi
		log "  acd, mac=$mac: $(grep -c "mac=$mac" "$VM_WORK/acd.log" 2>/dev/null) line(s), the last:"
		{ grep "mac=$mac" "$VM_WORK/acd.log" 2>/dev/null || true; } | tail -n 3 | sed 's/^/    /'
		{ grep "\[b$i\]" "$VM_WORK/radius.log" 2>/dev/null || true; } | tail -n 2 | sed 's/^/    radius: /'
	done
}
# measure RUN COUNT NAME: COUNT clients dial at once through the AC now
# serving; its row of the table
measure() {
	local run=$1 cnt=$2 t0 up c0 c1
	t0=$(vm_elapsed)
	c0=$(cpu_now)
	dial "$run" "$cnt"
	log "$cnt clients ready and released in $(secs_since "$t0")s"
	WAIT_STEP=2 wait_until "$DEADLINE" settled "$run" "$cnt" || true
	c1=$(cpu_now)
	up=$(n_up "$run")
	cpu_result "$run" "$up" "$c0" "$c1"
	log "$run: $up/$cnt up $(secs_since "$t0")s after the first client was started"
	[ "$up" -ge 1 ] || { tail -n 20 "$B/cli-$run-0.log" "$VM_WORK/pppd-ac.log" >&2; fail "no session through $3"; }
	stats "$3" "$cnt" "$run" >> "$B/rows.txt" || fail "no latencies for $run"
	tail -n 1 "$B/rows.txt"
	[ "$up" -ge "$cnt" ] || lost "$run" "$cnt"
	hangup "$run"
}
secs_since() { awk -v a="$1" -v b="$(vm_elapsed)" 'BEGIN{printf "%.1f", b - a}'; }
# tree_cpu PID...: CPU seconds of the processes PID... and all below them:
# each one's user and system time and those of its reaped children (a pppd
# acd reaped is in acd's; a script pppd ran, in that pppd's).  /proc read
# by the shell: a process that ends meanwhile is skipped, not an error.
tree_cpu() {
	local f l
	for f in /proc/[0-9]*/stat; do
		{ read -r l < "$f"; } 2>/dev/null || continue
		f=${f#/proc/} && printf '%s %s\n' "${f%/stat}" "${l##*) }"
	done | awk -v roots="$*" -v hz="$(getconf CLK_TCK)" '
		{ pp[$1] = $3; t[$1] = $13 + $14 + $15 + $16 }
		END {
			n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1
			for (p in t) for (q = p; q in pp && q > 1; q = pp[q]) if (q in want) { s += t[p]; break }
			printf "%.2f", s / hz
		}'
}
# cpu_now: "AC FreeRADIUS guest" CPU seconds now: the serving AC's tree
# (acd's, pppoe-server's and its acd's, or accel-pppd's), FreeRADIUS's, and
# the guest's busy time (/proc/stat: all but idle and iowait)
cpu_now() {
	local roots=${RP_PID:-${ACCEL_PID:-}} st
	[ -n "$roots" ] && [ -n "${RP_PID:-}" ] && roots="$roots ${ACD_PID:-}"
	[ -n "$roots" ] || roots=${ACD_PID:-}
	read -r -a st < /proc/stat
	printf '%s %s %s' "$(tree_cpu $roots)" "$(tree_cpu "$(pgrep -x freeradius | head -n 1)")" \
		"$(awk -v u="${st[1]}" -v n="${st[2]}" -v s="${st[3]}" -v q="${st[6]}" -v sq="${st[7]}" \
			-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (u + n + s + q + sq) / hz }')"
}
# cpu_result RUN UP "BEFORE" "AFTER": RUN's CPU, in all and per session up
cpu_result() {
	local a b
	read -r -a a <<<"$3"
	read -r -a b <<<"$4"
	[ "$2" -ge 1 ] || return 0
	result "$(awk -v run="$1" -v n="$2" -v a0="${a[0]}" -v a1="${b[0]}" -v r0="${a[1]}" -v r1="${b[1]}" \
		-v g0="${a[2]}" -v g1="${b[2]}" 'BEGIN {
			printf "cpu %s: %d up; AC %.1f s (%.0f ms/session), FreeRADIUS %.1f s (%.0f ms), guest %.1f s (%.0f ms), the rest (clients, kernel) %.0f ms/session",
				run, n, a1 - a0, (a1 - a0) * 1000 / n, r1 - r0, (r1 - r0) * 1000 / n,
				g1 - g0, (g1 - g0) * 1000 / n, ((g1 - g0) - (a1 - a0) - (r1 - r0)) * 1000 / n }')"
}

# the ACs: acd with [pppoe] on br-sub, or pppoe-server on br-sub with acd
# for the hooks only
RP_PID=
rp_stop() {
	[ -z "$RP_PID" ] || { kill -TERM "$RP_PID"; wait_until 10 gone "$RP_PID" || fail "pppoe-server does not stop"; RP_PID=; }
}
# use_acd [hooks]: acd as shipped (its pppds load acd.so and run no
# ip-up/ip-down script), or with acd-plugin = none (pppd's hooks, as
# without acd.so installed)
use_acd() {
	local plugin=none
	[ "${1:-}" = hooks ] || plugin=$PLUGIN
	rp_stop
	accel_stop
	[ -z "${ACD_PID:-}" ] || acd_stop TERM || true
	{
		acd_conf_head "$W" notice /var/run
		printf '[pppoe]\ninterface = br-sub\nac-name = acd-bench\nservice-name = isp\npppd-options = %s\nlocal-ip = %s\npppd = %s\nacd-plugin = %s\nmax-starting = %s\n' \
			"$W/pppoe-options" "$AC_IP" "$AC_PPPD" "$plugin" "$MAX_STARTING"
	} > "$W/acd.conf"
	ACD_START_WAIT=15 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec ac || fail "acd does not answer"
}
use_rp() {
	accel_stop
	[ -z "${ACD_PID:-}" ] || acd_stop TERM || true
	acd_conf_head "$W" notice /var/run > "$W/acd.conf"
	ACD_START_WAIT=15 acd_start "$W/acd.conf" "$VM_WORK/acd.log" ip netns exec ac ||
		fail "acd (hooks only) does not answer"
	ip netns exec ac pppoe-server -F -I br-sub -C rp-bench -S isp -L "$AC_IP" -R 100.64.9.1 -N $((N + 8)) \
		-O "$W/pppoe-options" >> "$VM_WORK/pppoe-server.log" 2>&1 &
	RP_PID=$!
	sleep 0.5
	alive "$RP_PID" || fail "pppoe-server did not start: $(tail -5 "$VM_WORK/pppoe-server.log")"
}

use_accel() {
	rp_stop
	[ -z "${ACD_PID:-}" ] || { acd_stop TERM || true; ACD_PID=; }
	accel_start ac br-sub "$AC_IP"
}

# acd, pppoe-server, pppoe-server, acd: whatever the order costs or gives
# (a first run in fresh namespaces, a guest that slows down) falls on both
# acd_run RUN NAME: RUN through acd, then acd's discovery counters for it
# (acd was started for it: they are the run's), how often its link
# notifications overflowed, and every pppd log of the run in $VM_OUT
acd_run() {
	local p l0 logs
	l0=$(wc -l < "$VM_WORK/acd.log")
	measure "$1" "$N" "$2"
	p=$("$ACDCTL" -s "$ACD_SOCKET" -j show pppoe)
	result "acd show pppoe after $1: $(jq -c '{starting, pads_after_pppd, pads_unconnected, setup_timeouts, setup_failures} + (.interfaces[] | {padi_in, pado_out, padr_in, padr_duplicate, pads_out, pads_error, sessions_started, limit_hits, dropped})' <<<"$p")"
	result "acd notifications lost in $1: $(tail -n +"$((l0 + 1))" "$VM_WORK/acd.log" | grep -c 'notifications lost' || true)"
	tail -n +"$((l0 + 1))" "$VM_WORK/acd.log" > "$B/acd-$1.log"
	logs=("$B/acd-$1.log" "$B"/cli-"$1"-*.log)
	[ "$PPPD_DEBUG" = 0 ] || logs+=("$B"/ac-"$1"-*.log)
	tar -C "$B" -czf "$VM_OUT/pppd-logs-$1.tar.gz" "${logs[@]##*/}" || log "cannot keep $1's pppd logs"
}
runs=() acd_runs=() rp_runs=() hook_runs=()
: > "$B/rows.txt"
if has_ac acd; then
	step "acd as the AC: a warm-up session, then $N clients at once (1st acd run)"
	use_acd
	measure acd-warm 1 "acd (warm-up)"
	acd_run acd1 "acd, run 1"
	acd_runs+=(acd1)
	# with no AC between, the runs before the last one, each on a new acd
	for ((k = 2; k < ACD_RUNS; k++)); do
		step "acd as the AC again: $N clients at once (acd run $k)"
		use_acd
		acd_run "acd$k" "acd, run $k"
		acd_runs+=("acd$k")
	done
fi
if has_ac acd-hooks; then
	step "acd as the AC without acd.so (pppd's hooks): a warm-up session, then $N clients at once"
	use_acd hooks
	measure acdh-warm 1 "acd, hooks (warm-up)"
	acd_run acdh1 "acd with hooks, run 1"
	hook_runs+=(acdh1)
fi
if has_ac pppoe-server; then
	step "pppoe-server as the AC (acd for the hooks only): a warm-up session, then $N clients at once"
	use_rp
	measure rp-warm 1 "pppoe-server (warm-up)"
	measure rp1 "$N" "pppoe-server, run 1"
	rp_runs+=(rp1)
fi
if has_ac accel-ppp && [ -n "${ACCEL:-}" ]; then
	step "accel-ppp as the AC: a warm-up session, then $N clients at once, twice"
	use_accel
	measure accel-warm 1 "accel-ppp (warm-up)"
	measure accel1 "$N" "accel-ppp, run 1"
	measure accel2 "$N" "accel-ppp, run 2"
	runs+=(accel1 accel2)
	if has_ac pppoe-server; then
		use_rp
		measure rp-warm2 1 "pppoe-server (warm-up)"
	fi
fi
if has_ac pppoe-server; then
	measure rp2 "$N" "pppoe-server, run 2"
	rp_runs+=(rp2)
fi
if has_ac acd && [ "$ACD_RUNS" -ge 2 ]; then
	step "acd as the AC again: $N clients at once (acd run $ACD_RUNS)"
	use_acd
	acd_run "acd$ACD_RUNS" "acd, run $ACD_RUNS"
	acd_runs+=("acd$ACD_RUNS")
fi
[ "${#acd_runs[@]}" = 0 ] || stats acd "$N" "${acd_runs[@]}" >> "$B/rows.txt" || fail "no latencies for acd"
[ "${#hook_runs[@]}" = 0 ] || stats "acd, hooks" "$N" "${hook_runs[@]}" >> "$B/rows.txt" || fail "no latencies for acd with hooks"
[ "${#rp_runs[@]}" = 0 ] || stats pppoe-server "$N" "${rp_runs[@]}" >> "$B/rows.txt" || fail "no latencies for pppoe-server"
[ "${#runs[@]}" = 0 ] || stats accel-ppp "$N" "${runs[@]}" >> "$B/rows.txt" || fail "no latencies for accel-ppp"
runs+=("${acd_runs[@]}" "${hook_runs[@]}" "${rp_runs[@]}")
[ -z "$RP_PID" ] || kill -TERM "$RP_PID" 2>/dev/null || true

{
	printf '\nPPPoE session set-up: %d clients dialing at once, from their start to each one'"'"'s ip-up (s)\n' "$N"
	printf '%-26s %9s %8s %11s %8s %8s %8s\n' AC "up/N" "wall" "sessions/s" p50 p99 max
	cat "$B/rows.txt"
} | tee "$VM_OUT/table.txt"
while read -r line; do result "setup: $line"; done < "$B/rows.txt"
cp "$B"/start-*.txt "$B/up.txt" "$VM_OUT/" # every client's times, for a closer look
for run in "${runs[@]}"; do
	[ "$(n_up "$run")" = "$N" ] || fail "$run: only $(n_up "$run") of $N sessions came up (see the table)"
done
pass
