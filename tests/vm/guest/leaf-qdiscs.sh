#!/bin/bash
# Scenario leaf-qdiscs: htb + leaf qdisc (fq_codel, cake, sfq) through our
# shaper on a real PPPoE session (acd the access concentrator), for download
# and (via the IFB) upload.
# Every step is read back twice - from the kernel (tc -j) and from
# acd-shape -j show - and measured with iperf3.  Then htb -> tbf (graft) and
# clear.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=acd-ac-lib.sh
. "$VM_LIB_DIR/acd-ac-lib.sh"

need_shaper
need_modules ppp_generic pppoe veth sch_tbf sch_htb sch_ingress cls_u32 act_mirred \
	sch_fq_codel sch_cake sch_sfq
modprobe ifb numifbs=0 || fail "modprobe ifb"

step "PPPoE session"
pppoe_session ac sub
IF=$AC_IF
iperf_server ac "$AC_IP"

declare -A LEAF_HANDLE=([fq_codel]=21: [sfq]=22: [cake]=23:)

# htb_is DEV RATE_BPS LEAF: the kernel has htb 2: root, class 2:1 at RATE
# (rate = ceil) and LEAF under 2:1 (and no other leaf of ours)
htb_is() {
	local dev=$1 rate=$2 leaf=$3 q c l
	q=$(tc_json ac qdisc show dev "$dev") || fail "tc qdisc show $dev"
	# iproute2 6.1 prints htb classes as text even with -j
	c=$(ip netns exec ac tc class show dev "$dev") || fail "tc class show $dev"
	log "$dev qdiscs: $(jq -c '[.[] | {kind, handle, parent, root}]' <<<"$q")"
	log "$dev classes: $c"
	jq_assert "htb 2: root on $dev" "$q" 'any(.[]; .kind == "htb" and .handle == "2:" and .root == true)'
	l=$(grep '^class htb 2:1 ' <<<"$c") || fail "no htb class 2:1 on $dev: $c"
	[ "$(tc_word_bps rate <<<"$l")" = "$rate" ] && [ "$(tc_word_bps ceil <<<"$l")" = "$rate" ] ||
		fail "class 2:1 on $dev: expected rate = ceil = $rate bit/s: $l"
	if [ "$leaf" != none ]; then
		grep -q " leaf ${LEAF_HANDLE[$leaf]} " <<<"$l" || fail "class 2:1 on $dev has no leaf ${LEAF_HANDLE[$leaf]}: $l"
	fi
	for l in fq_codel sfq cake; do
		if [ "$l" = "$leaf" ]; then
			jq_assert "$l ${LEAF_HANDLE[$l]} under 2:1 on $dev" "$q" \
				"any(.[]; .kind == \"$l\" and .handle == \"${LEAF_HANDLE[$l]}\" and .parent == \"2:1\")"
		else
			jq_assert "no $l on $dev" "$q" "all(.[]; .kind != \"$l\")"
		fi
	done
}

for leaf in fq_codel cake sfq; do
	step "download: htb 10M + $leaf"
	shape_ok ac apply "$IF" down 10M down-qdisc htb leaf "$leaf"
	htb_is "$IF" 10000000 "$leaf"
	j=$(shape_json ac "$IF")
	jq_assert "show: htb + $leaf" "$j" \
		".down.installed == true and .down.qdisc == \"htb\" and .down.leaf == \"$leaf\" and .down.rate == 10000000"
	shape_ok ac apply "$IF" down 10M down-qdisc htb leaf "$leaf"   # idempotent
	measure "htb+$leaf down 10M" sub "$AC_IP" 7 10.5 -R
	j=$(shape_json ac "$IF")
	jq_assert "htb+$leaf counters" "$j" '.down.bytes > 1000000'
	# the traffic really went through the leaf
	jq_assert "$leaf carried the traffic" "$(tc_json ac -s qdisc show dev "$IF")" \
		"any(.[]; .kind == \"$leaf\" and .bytes > 1000000)"
done
if [ -n "$(tc_json ac qdisc show dev "$IF" | jq -r '.[] | select(.kind == "cake") | .handle')" ]; then
	fail "cake left after switching to sfq"
fi

step "upload: ifb + htb 5M + fq_codel (download htb 10M + cake)"
shape_ok ac apply "$IF" down 10M down-qdisc htb leaf cake \
	up 5M up-mode ifb up-qdisc htb up-leaf fq_codel
j=$(shape_json ac "$IF")
log "show: $j"
jq_assert "show: up ifb htb fq_codel" "$j" \
	'.up.installed == true and .up.mode == "ifb" and .up.qdisc == "htb" and .up.leaf == "fq_codel" and .up.rate == 5000000 and .down.leaf == "cake"'
IFB=$(jq -r .up.ifb <<<"$j")
htb_is "$IFB" 5000000 fq_codel
htb_is "$IF" 10000000 cake
measure "ifb htb+fq_codel up 5M" sub "$AC_IP" 3.5 5.3
measure "htb+cake down 10M (with ifb up)" sub "$AC_IP" 7 10.5 -R

step "upload leaf cake on the IFB"
shape_ok ac apply "$IF" down 10M down-qdisc htb leaf cake \
	up 5M up-mode ifb up-qdisc htb up-leaf cake
htb_is "$IFB" 5000000 cake
measure "ifb htb+cake up 5M" sub "$AC_IP" 3.5 5.3

step "htb -> tbf (graft), leaf gone"
shape_ok ac apply "$IF" down 8M up 5M up-mode ifb
q=$(tc_json ac qdisc show dev "$IF")
jq_assert "tbf 1: root after switching from htb" "$q" \
	'any(.[]; .kind == "tbf" and .handle == "1:" and .root == true and .options.rate == 1000000)'
jq_assert "no htb/leaf after switching" "$q" \
	'all(.[]; .kind | IN("htb","fq_codel","cake","sfq") | not)'
q=$(tc_json ac qdisc show dev "$IFB")
jq_assert "IFB back to tbf" "$q" 'any(.[]; .kind == "tbf" and .root == true) and all(.[]; .kind != "htb")'
j=$(shape_json ac "$IF")
jq_assert "show: tbf both ways" "$j" \
	'.down.qdisc == "tbf" and .down.leaf == "none" and .up.qdisc == "tbf" and .up.leaf == "none" and .down.rate == 8000000'
measure "tbf down 8M (after htb)" sub "$AC_IP" 5.5 8.5 -R

step "clear"
shape_ok ac clear "$IF"
q=$(tc_json ac qdisc show dev "$IF")
jq_assert "nothing of ours after clear" "$q" \
	'all(.[]; (.kind | IN("tbf","htb","ingress","fq_codel","sfq","cake") | not))'
[ -z "$(ip -n ac -o link show type ifb)" ] || fail "ifb left after clear"
jq_assert "show after clear" "$(shape_json ac "$IF")" '.down.installed == false and .up.installed == false'
pass
