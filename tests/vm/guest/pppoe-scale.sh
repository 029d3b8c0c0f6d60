#!/bin/bash
# Scenario pppoe-scale: N (20) concurrent PPPoE subscribers, each in its own
# namespace behind a bridge on the AC (acd the access concentrator on the
# bridge, a kernel-mode pppd per session), each with its own PAP user, all
# shaped by our shaper at once (download tbf 2/4/6M by session; upload
# police on even sessions, IFB on odd ones).  Every session is read back
# (acd-shape -j show and tc) and carries a short measured download, in
# concurrent batches.  Then: subscribers hang up -> `acd-shape gc` removes
# exactly their orphaned IFBs; clear on the rest leaves nothing behind.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

N=${ACD_VM_SCALE_N:-20}
BATCH=${ACD_VM_SCALE_BATCH:-5}
RAMP=${ACD_VM_SCALE_RAMP:-5}
T=${ACD_VM_SCALE_T:-3}
need_shaper
acd_need
need_modules ppp_generic pppoe veth bridge sch_tbf sch_ingress cls_u32 act_police act_mirred
modprobe ifb numifbs=0 || fail "modprobe ifb"

step "topology: $N subscriber namespaces on bridge br-sub of ns ac"
# batched: under TCG every exec of ip costs tens of milliseconds
netns_add ac
ip -n ac link add br-sub type bridge || fail "bridge"
ip -n ac link set br-sub up
{
	for ((i = 0; i < N; i++)); do echo "netns add s$i"; done
	for ((i = 0; i < N; i++)); do echo "link add p$i netns ac type veth peer name eth0 netns s$i"; done
} > "$VM_WORK/topo.batch"
ip -b "$VM_WORK/topo.batch" || fail "ip -b topology"
for ((i = 0; i < N; i++)); do echo "link set p$i master br-sub up"; done > "$VM_WORK/ac.batch"
ip -n ac -b "$VM_WORK/ac.batch" || fail "ip -n ac -b (bridge ports)"
ip -all netns exec ip link set lo up >/dev/null || fail "lo up"
for ((i = 0; i < N; i++)); do
	ip -n "s$i" link set eth0 up || fail "s$i eth0 up"
done
# each user's address in pap-secrets: the AC has no RADIUS
ppp_secrets
for ((i = 0; i < N; i++)); do ppp_secrets_addr "user$i" "pass-$i-$RANDOM" "198.51.100.$((10 + i))"; done
AC_IP=198.51.100.1
ac_pap_start ac br-sub

# subscribers whose ppp0 has IPv4 (one ip call for all namespaces)
n_up() {
	ip -all netns exec ip -4 -o addr show dev ppp0 2>/dev/null |
		awk '/^netns: /{ns = $2; next} ns ~ /^s[0-9]+$/ && / inet / {n++} END{print n + 0}'
}
step "$N PPPoE sessions (ramps of $RAMP)"
t0=$(vm_elapsed)
# started in ramps of RAMP (all stay up together); each ramp waits for its
# sessions so a slow guest does not time out LCP on twenty at once
for ((i = 0; i < N; i++)); do
	pppoe_client_start "s$i" eth0 "user$i" "s$i" lcp-max-configure 40
	if (( (i + 1) % RAMP == 0 )) && (( i + 1 < N )); then
		target=$((i + 1))
		WAIT_STEP=1 wait_until 120 eval '[ "$(n_up)" -ge "$target" ]' ||
			fail "only $(n_up)/$target sessions came up in 120s"
		log "  $target/$N sessions up"
	fi
done
all_up() {
	local n; n=$(n_up)
	[ "$n" != "${last_n:-}" ] && log "  $n/$N sessions up"
	last_n=$n
	[ "$n" -ge "$N" ]
}
WAIT_STEP=1 wait_until 180 all_up || fail "only $(n_up)/$N sessions came up in 180s"
result "$N sessions up in $(secs_since "$t0")s"
declare -a SIP SIF
# one ip call per side: subscriber addresses, then the AC's peer addresses
ip -all netns exec ip -4 -o addr show dev ppp0 2>/dev/null |
	awk '/^netns: /{ns = $2; next} ns ~ /^s[0-9]+$/ && / inet / {sub(/^s/, "", ns); split($4, a, "/"); print ns, a[1]}' \
	> "$VM_WORK/sub-ips"
while read -r i ip4; do SIP[i]=$ip4; done < "$VM_WORK/sub-ips"
map_ac() {
	local i ifc
	ip -n ac -4 -o addr show > "$VM_WORK/ac-addrs"
	for ((i = 0; i < N; i++)); do
		[ -n "${SIP[i]:-}" ] || return 1
		ifc=$(awk -v p="${SIP[i]}/32" '$2 ~ /^ppp/ && $6 == p {print $2; exit}' "$VM_WORK/ac-addrs")
		[ -n "$ifc" ] || return 1
		SIF[i]=$ifc
	done
}
ac_pppd_ok ac "$N"
wait_until 20 map_ac || fail "not every session has its ppp interface on the AC: $(cat "$VM_WORK/ac-addrs")"
[ "$(printf '%s\n' "${SIF[@]}" | sort -u | wc -l)" = "$N" ] || fail "AC interfaces not distinct: ${SIF[*]}"
[ "$(printf '%s\n' "${SIP[@]}" | sort -u | wc -l)" = "$N" ] || fail "subscriber addresses not distinct: ${SIP[*]}"
# every subscriber authenticated as its own user.  The AC's pppds share one
# log file and write a message and its newline separately, so two lines
# can run together ("...for user6PAP peer ...for user8"): split them again.
sed 's/PAP peer /\nPAP peer /g' "$VM_WORK/pppd-ac.log" >"$VM_WORK/pppd-ac.lines"
for ((i = 0; i < N; i++)); do
	grep -q "^PAP peer authentication succeeded for user$i\$" "$VM_WORK/pppd-ac.lines" ||
		fail "no PAP success for user$i in the AC's log"
done
log "sessions: $(for ((i = 0; i < N; i++)); do printf 's%d=%s/%s ' "$i" "${SIF[i]}" "${SIP[i]}"; done)"

down_m() { echo $(( 2 + 2 * ($1 % 3) )); }      # 2, 4, 6 Mbit/s
upmode() { if (( $1 % 2 )); then echo ifb; else echo police; fi; }

step "shape all $N sessions"
t0=$(vm_elapsed)
for ((i = 0; i < N; i++)); do
	ip netns exec ac "$ACD_SHAPE" apply "${SIF[i]}" down "$(down_m "$i")M" up 1M up-mode "$(upmode "$i")" ||
		fail "acd-shape apply ${SIF[i]} (session $i) failed"
done
result "$N acd-shape apply in $(secs_since "$t0")s"

step "read back every session"
q_all=$(tc_json ac qdisc show) || fail "tc qdisc show"
# all sessions' acd-shape -j show, checked against the kernel in one jq run
for ((i = 0; i < N; i++)); do
	j=$(ip netns exec ac "$ACD_SHAPE" -j show "${SIF[i]}") || fail "acd-shape -j show ${SIF[i]} failed"
	printf '{"i":%d,"mode":"%s","down":%d,"show":%s}\n' "$i" "$(upmode "$i")" "$(down_m "$i")000000" "$j"
done > "$VM_WORK/shows.jsonl"
jq -e . "$VM_WORK/shows.jsonl" >/dev/null || fail "acd-shape -j show: not JSON: $(cat "$VM_WORK/shows.jsonl")"
bad=$(jq -rn --argjson q "$q_all" '
	def tbf($dev; $rate): any($q[]; .dev == $dev and .kind == "tbf" and .options.rate == $rate / 8);
	inputs
	| . as $s | .show as $j
	| [ (if ($j.down.installed and $j.down.qdisc == "tbf" and $j.down.rate == $s.down) then empty else "show down" end),
	    (if ($j.up.installed and $j.up.rate == 1000000 and $j.up.mode == $s.mode) then empty else "show up" end),
	    (if tbf($j.ifname; $s.down) then empty else "kernel tbf" end),
	    (if any($q[]; .dev == $j.ifname and .kind == "ingress") then empty else "kernel ingress" end),
	    (if $s.mode == "police" or tbf($j.up.ifb; 1000000) then empty else "kernel IFB tbf" end) ]
	| select(length > 0)
	| "session \($s.i) (\($j.ifname)): \(join(", ")) wrong: \($j | tojson)"' "$VM_WORK/shows.jsonl")
[ -z "$bad" ] || fail "readback: $bad"
nifb=$(ip -n ac -o link show type ifb | wc -l)
[ "$nifb" = $((N / 2)) ] || fail "expected $((N / 2)) IFB devices, found $nifb"
result "readback: $N sessions shaped, $nifb IFBs"

step "traffic: every session, $BATCH at a time, ${T}s each"
for ((i = 0; i < N; i++)); do
	ip netns exec ac iperf3 -s -D -B 198.51.100.1 -p $((5300 + i)) -I "$VM_WORK/iperf3-$i.pid" ||
		fail "iperf3 server $i"
done
wait_until 10 eval "[ \$(ip netns exec ac ss -ltn | grep -c ':5[34][0-9][0-9] ') -ge $N ]" ||
	fail "iperf3 servers not listening"
t0=$(vm_elapsed)
rates=()
for ((b = 0; b < N; b += BATCH)); do
	pids=()
	for ((i = b; i < b + BATCH && i < N; i++)); do
		ip netns exec "s$i" timeout $((T + 30)) iperf3 -c 198.51.100.1 -p $((5300 + i)) \
			-R -t "$T" -O 1 -J > "$VM_WORK/iperf-$i.json" 2>&1 &
		pids+=($!)
	done
	# each one's result is checked below, with its output kept
	for p in "${pids[@]}"; do wait "$p" || true; done
	for ((i = b; i < b + BATCH && i < N; i++)); do
		r=$(jq -r '.end.sum_received.bits_per_second // empty' "$VM_WORK/iperf-$i.json" 2>/dev/null || true)
		[ -n "$r" ] || { cp "$VM_WORK/iperf-$i.json" "$VM_WORK/iperf-$i-failed.log"; fail "session $i: iperf3 failed"; }
		m=$(awk -v b="$r" 'BEGIN{printf "%.2f", b/1e6}')
		rates+=("s$i=$m/$(down_m "$i")")
		lo=$(awk -v r="$(down_m "$i")" 'BEGIN{print r * 0.6}')
		hi=$(awk -v r="$(down_m "$i")" 'BEGIN{print r * 1.05}')
		awk -v v="$m" -v lo="$lo" -v hi="$hi" 'BEGIN{exit !(v >= lo && v <= hi)}' ||
			fail "session $i (${SIF[i]}, tbf $(down_m "$i")M): measured $m Mbit/s, expected $lo..$hi"
	done
done
result "per-session down Mbit/s (measured/shaped): ${rates[*]}"
result "traffic check of $N sessions in $(secs_since "$t0")s"
free -m | sed -n 2p | awk '{print "guest memory used: " $3 " MiB of " $2}'

step "hang-ups: 4 IFB sessions end, gc removes exactly their IFBs"
gone=(1 3 5 7)
for i in "${gone[@]}"; do
	kill "$(cat "$VM_WORK/pppd-s$i.pid")" || fail "kill pppd s$i"
done
gone_if() { local i; for i in "${gone[@]}"; do ip -n ac link show dev "${SIF[i]}" >/dev/null 2>&1 && return 1; done; return 0; }
wait_until 30 gone_if || fail "AC interfaces of the hung-up sessions still exist"
[ "$(ip -n ac -o link show type ifb | wc -l)" = $((N / 2)) ] ||
	log "note: IFBs already removed before gc"
out=$(ip netns exec ac "$ACD_SHAPE" gc) || fail "acd-shape gc failed: $out"
log "gc: $out"
for i in "${gone[@]}"; do
	ip -n ac link show dev "ifb-${SIF[i]}" >/dev/null 2>&1 && fail "gc left ifb-${SIF[i]}"
done
nifb=$(ip -n ac -o link show type ifb | wc -l)
[ "$nifb" = $((N / 2 - ${#gone[@]})) ] || fail "after gc: $nifb IFBs, expected $((N / 2 - ${#gone[@]}))"
result "gc removed the ${#gone[@]} orphaned IFBs, $nifb remain"

step "clear the remaining sessions"
for ((i = 0; i < N; i++)); do
	[[ " ${gone[*]} " == *" $i "* ]] && continue
	ip netns exec ac "$ACD_SHAPE" clear "${SIF[i]}" || fail "clear ${SIF[i]}"
done
q_all=$(tc_json ac qdisc show)
jq_assert "no shaper qdisc left" "$q_all" 'all(.[]; .kind | IN("tbf","htb","ingress") | not)'
[ -z "$(ip -n ac -o link show type ifb)" ] || fail "IFBs left after clear"
pass
