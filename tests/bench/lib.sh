# shellcheck shell=bash
# lib.sh - what the benchmarks in tests/bench share (bash, sourced), beside
# tests/common (wait_until; acd's config head, start and stop).  The caller
# defines die and nsx (ip netns exec "$NS") and sets TMP, NS, ACD_SOCKET,
# ACD_BIN, ACDCTL, ACD_DICT and UPMODE as it uses them.

# shellcheck source=../common/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/lib.sh"
# shellcheck source=../common/acd.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/acd.sh"
# shellcheck disable=SC2034 # read by wait_until
WAIT_STEP=0.1
log() { :; }
fail() { die "$@"; }

# bench_conf [RADATTR_DIR]: the benchmarks' acd.conf, on stdout: state in
# $TMP/state, warnings only on stderr, the socket $ACD_SOCKET, radattr files
# in RADATTR_DIR (default $TMP/radattr), the dictionary, tbf (what
# bench_verify reads back) with the upload mode; a caller may add sections.
bench_conf() {
	acd_conf_head "$TMP" warning "${1:-$TMP/radattr}"
	printf '[shaper]\nprofile = tbf\nup-mode = %s\n' "$UPMODE"
}

# bench_acd [CMD...]: acd on $TMP/acd.conf in $NS through CMD (taskset
# ...), its stderr added to $TMP/acd.log, once it answers on $ACD_SOCKET;
# dies with its log if it exits or does not answer within 10 s
bench_acd() {
	ACD_START_WAIT=10 acd_start "$TMP/acd.conf" "$TMP/acd.log" ip netns exec "$NS" "$@" && return 0
	cat "$TMP/acd.log" >&2
	die "acd did not answer on $ACD_SOCKET"
}

# radattr_plan N SAMPLE: $TMP/radattr/radattr.ppp0..ppp{N-1}, as radattr.so
# writes them for a mix of plans (varied RP-*-Speed-Limit rates), the same
# for shl0..shl{SAMPLE-1} (the shell hook's sample), and $TMP/expect.json:
# the {down, up} kbit/s the kernel must show for interface i
radattr_plan() {
	mkdir -p "$TMP/radattr"
	awk -v n="$1" -v s="$2" -v dir="$TMP/radattr" 'BEGIN {
		split("2048 5120 10240 20480 51200 102400 307200 1000000", plan, " ")
		printf "[" >(dir "/../expect.json")
		for (i = 0; i < n; i++) {
			down = plan[i % 8 + 1] + (i % 97) * 8
			up = int(down / 4) + (i % 13)
			# the ppp session, and for the first s the shell sample interface
			for (j = 0; j < (i < s ? 2 : 1); j++) {
				f = dir "/radattr." (j ? "shl" : "ppp") i
				printf "User-Name sub%05d@isp.example\n", i >f
				print "Service-Type Framed-User" >f
				print "Framed-Protocol PPP" >f
				printf "Framed-IP-Address 100.64.%d.%d\n", int(i / 250), i % 250 + 2 >f
				print "Framed-IP-Netmask 255.255.255.255" >f
				print "Acct-Interim-Interval 300" >f
				print "Session-Timeout 86400" >f
				printf "RP-Upstream-Speed-Limit %d\n", up >f
				printf "RP-Downstream-Speed-Limit %d\n", down >f
				printf "Class plan-%d\n", i % 8 >f
				close(f)
			}
			printf "%s{\"down\":%d,\"up\":%d}", (i ? "," : ""), down, up >(dir "/../expect.json")
		}
		print "]" >(dir "/../expect.json")
	}'
}

# verify_tc PREFIX K WHO: the kernel shapes PREFIX0..PREFIX{K-1} in $NS as
# $TMP/expect.json says (one {down, up} in kbit/s per interface): a tbf root
# at the download rate, one ingress qdisc, one u32 filter with one action,
# police at the upload rate or mirred to ifb-PREFIXi whose tbf has it
# ($UPMODE); exits 1 with the first ten differences otherwise.
verify_tc() {
	_p=$1 _k=$2 _who=$3
	nsx tc -j qdisc show >"$TMP/qdiscs.json" || die "tc cannot list the qdiscs"
	awk -v n="$_k" -v p="$_p" 'BEGIN { for (i = 0; i < n; i++) print "filter show dev " p i " parent ffff:" }' \
		>"$TMP/filters.batch"
	nsx tc -j -batch "$TMP/filters.batch" >"$TMP/filters.json" || die "tc cannot list the filters"
	ip -n "$NS" -j link show type ifb >"$TMP/ifbs.json" || die "ip cannot list the IFB devices"
	jq -n -r --argjson k "$_k" --arg p "$_p" --arg mode "$UPMODE" \
		--slurpfile q "$TMP/qdiscs.json" --slurpfile f "$TMP/filters.json" \
		--slurpfile ifbs "$TMP/ifbs.json" --slurpfile exp "$TMP/expect.json" '
	(reduce ($q[0][] | select(.root == true)) as $x ({}; .[$x.dev] = $x)) as $root
	| (reduce ($q[0][] | select(.kind == "ingress")) as $x ({}; .[$x.dev] += 1)) as $ingress
	| [ range(0; $k) as $i
	    | $exp[0][$i] as $e
	    | "\($p)\($i)" as $dev
	    | ( $root[$dev] as $r
	        | if $r == null then "\($dev): no root qdisc"
	          elif $r.kind != "tbf" or $r.handle != "1:" then "\($dev): root qdisc \($r.kind) \($r.handle), want tbf 1:"
	          elif $r.options.rate != $e.down * 125 then "\($dev): tbf rate \($r.options.rate) B/s, want \($e.down * 125)"
	          else empty end ),
	      ( if ($ingress[$dev] // 0) != 1 then "\($dev): no ingress qdisc" else empty end ),
	      ( [ ($f[$i] // [])[] | select(.options.actions != null) ] as $fl
	        | if ($fl | length) != 1 then "\($dev): \($fl | length) u32 filters with actions under ffff:, want 1"
	          else $fl[0].options.actions as $a
	          | if ($a | length) != 1 then "\($dev): \($a | length) actions, want 1"
	            elif $mode == "police" then
	              if $a[0].kind != "police" then "\($dev): action \($a[0].kind), want police"
	              elif ($a[0].rate | type) == "number" and $a[0].rate != $e.up * 125 then
	                "\($dev): police rate \($a[0].rate) B/s, want \($e.up * 125)"
	              else empty end
	            elif $a[0].kind != "mirred" or $a[0].to_dev != "ifb-\($dev)" then
	              "\($dev): action \($a[0].kind) to \($a[0].to_dev // "-"), want mirred to ifb-\($dev)"
	            else empty end
	          end ),
	      ( if $mode != "ifb" then empty
	        else $root["ifb-\($dev)"] as $r
	        | if $r == null then "ifb-\($dev): missing or no root qdisc"
	          elif $r.kind != "tbf" then "ifb-\($dev): root qdisc \($r.kind), want tbf"
	          elif $r.options.rate != $e.up * 125 then "ifb-\($dev): tbf rate \($r.options.rate) B/s, want \($e.up * 125)"
	          else empty end
	        end )
	  ] as $bad
	| ($ifbs[0] | map(select(.ifname | startswith("ifb-\($p)"))) | length) as $nifb
	| $bad + (if $mode == "ifb" and $nifb != $k then ["\($nifb) IFB devices ifb-\($p)*, want \($k)"] else [] end)
	| .[:10][], (if length > 10 then "... and \(length - 10) more" else empty end)
	' >"$TMP/bad" || die "jq failed on the tc output of $_who"
	if [ -s "$TMP/bad" ]; then
		echo "$(basename "$0"): FAIL: $_who did not shape what the radattr files say:" >&2
		sed 's/^/  /' "$TMP/bad" >&2
		exit 1
	fi
}
