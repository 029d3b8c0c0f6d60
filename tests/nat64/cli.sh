#!/bin/bash
# cli.sh - nat64ctl end to end against a stand-in jool (fake-jool): no root,
# no kernel module.  check-config (all errors, file:line), plan as a diff,
# apply creates, re-apply is a no-op (jool not even called), a pool4 change
# is one atomic file, a pool6 change needs --recreate, a rejected file
# leaves the running config alone, the ephemeral-range refusal and
# --fix-ephemeral, the version check, a missing module, status -j with
# pool4 utilisation.  Exit 0 pass, 1 fail.
set -euo pipefail
NAT64CTL=${NAT64CTL:?NAT64CTL is not set (ctest sets it)}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/nat64-cli.XXXXXX)
trap 'rm -rf -- "$T"' EXIT
fail() { printf 'FAIL: cli: %s\n' "$*" >&2; exit 1; }
log() { printf '[cli] %s\n' "$*" >&2; }

export FAKE_JOOL_DIR=$T/jool NAT64CTL_JOOL=$HERE/fake-jool NAT64CTL_SYSFS_MODULE=$T/sys
export NAT64CTL_PROC_SYS=$T/proc NAT64CTL_MODPROBE="" NAT64CTL_TMPDIR=$T/tmp
mkdir -p "$FAKE_JOOL_DIR" "$T/sys/jool" "$T/proc/net/ipv4" "$T/tmp"
echo 4.1.9.0 > "$T/sys/jool/version"
printf '32768\t60999\n' > "$T/proc/net/ipv4/ip_local_port_range"

# run ARGS...: sets RC, OUT, ERR
run() {
	RC=0
	OUT=$("$NAT64CTL" "$@" 2>"$T/err") || RC=$?
	ERR=$(<"$T/err")
	log "nat64ctl $* -> $RC${ERR:+ (stderr: ${ERR:0:300})}"
	case "$ERR" in *Sanitizer* | *"runtime error:"*) fail "sanitizer report: $ERR" ;; esac
}
expect() { [[ $RC -eq $1 ]] || fail "expected exit $1, got $RC; out: $OUT; err: $ERR"; }
has() { [[ "$2" == *"$1"* ]] || fail "expected '$1' in: $2"; }
handled() { [[ -e $FAKE_JOOL_DIR/handled.log ]] && wc -l < "$FAKE_JOOL_DIR/handled.log" || echo 0; }

C=$T/nat64.conf
conf() {  # conf POOL6 POOL4-LINE...
	{
		printf '[nat64]\ninstance = t1\npool6 = %s\nephemeral-dropin = %s\n' "$1" "$T/sysctl.d/70-nat64.conf"
		shift
		for l in "$@"; do printf 'pool4 = %s\n' "$l"; done
	} > "$C"
}

# ---- check-config
run -c "$HERE/../../conf/nat64.conf" check-config
expect 0
printf '[nat64]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1 tcp 0-10\nbogus = 1\n[dns64]\nmapped = any\n' > "$T/bad.conf"
run -c "$T/bad.conf" check-config
expect 2
has "$T/bad.conf:3: pool4 \"192.0.2.1 tcp 0-10\": TCP and UDP port 0" "$ERR"
has "$T/bad.conf:4: unknown key \"bogus\" in [nat64]" "$ERR"
has "mapped maps the non-global address 10.1.2.3 under the well-known prefix" "$ERR"
run -j -c "$T/bad.conf" check-config
expect 2
[[ $(jq -r '.errors | length' <<<"$OUT") == 3 ]] || fail "check-config -j: expected 3 errors: $OUT"
run -c "$T/missing.conf" check-config
expect 2
has "$T/missing.conf: cannot read: No such file or directory" "$ERR"

# ---- plan and apply: create
conf 64:ff9b::/96 "192.0.2.1 tcp,udp 61001-65535" "192.0.2.1 icmp"
run -c "$C" plan
expect 3
has "+ instance t1 (netfilter)" "$OUT"
has "+ pool4 UDP 192.0.2.1/32 61001-65535" "$OUT"
run -c "$C" apply
expect 0
[[ $(handled) == 1 ]] || fail "apply: expected one jool file handle, got $(handled)"
run -c "$C" render jool
diff <(jq -S . <<<"$OUT") <(jq -S . "$FAKE_JOOL_DIR/inst-t1.json") || fail "the file jool got differs from render jool"

# ---- idempotent
run -c "$C" apply
expect 0
has "no changes" "$OUT"
[[ $(handled) == 1 ]] || fail "re-apply called jool file handle again"
run -c "$C" plan
expect 0
has "no changes" "$OUT"
run -j -c "$C" plan
expect 0
[[ $(jq -c .changes <<<"$OUT") == "[]" ]] || fail "plan -j: $OUT"

# ---- pool4 change: one atomic file
conf 64:ff9b::/96 "192.0.2.1 tcp,udp 62000-62999" "192.0.2.1 icmp"
run -c "$C" plan
expect 3
has "- pool4 TCP 192.0.2.1/32 61001-65535" "$OUT"
has "+ pool4 TCP 192.0.2.1/32 62000-62999" "$OUT"
run -c "$C" apply
expect 0
[[ $(handled) == 2 ]] || fail "pool4 change: expected 2 file handles in all, got $(handled)"
[[ $(jq -r '.pool4[0]."port range"' "$FAKE_JOOL_DIR/inst-t1.json") == 62000-62999 ]] || fail "pool4 not updated"

# ---- rejected by jool: running config untouched
cp "$FAKE_JOOL_DIR/inst-t1.json" "$T/before.json"
conf 64:ff9b::/96 "192.0.2.1 tcp,udp 63000-63999"
touch "$FAKE_JOOL_DIR/reject"
run -c "$C" apply
expect 1
has "jool file handle refused the generated configuration" "$ERR"
has "Invalid argument (fake)" "$ERR"
has "The running configuration is unchanged" "$ERR"
cmp -s "$T/before.json" "$FAKE_JOOL_DIR/inst-t1.json" || fail "rejected apply changed the instance"
rm "$FAKE_JOOL_DIR/reject"

# ---- pool6 cannot change in place
conf 2001:db8:64::/96 "192.0.2.1 tcp,udp 62000-62999" "192.0.2.1 icmp"
run -c "$C" apply
expect 1
has "Jool cannot change that in place. Run nat64ctl apply --recreate" "$ERR"
cmp -s "$T/before.json" "$FAKE_JOOL_DIR/inst-t1.json" || fail "refused pool6 change touched the instance"
run -c "$C" apply --recreate
expect 0
[[ $(jq -r .global.pool6 "$FAKE_JOOL_DIR/inst-t1.json") == 2001:db8:64::/96 ]] || fail "pool6 not re-created"

# ---- ephemeral range
printf '32768\t65535\n' > "$T/proc/net/ipv4/ip_local_port_range"
n=$(handled)
run -c "$C" apply   # even with nothing to change: the running pool4 is unsafe
expect 1
has "overlap the kernel's ephemeral range" "$ERR"
conf 2001:db8:64::/96 "192.0.2.1 tcp,udp 61001-65535"
run -c "$C" apply
expect 1
has "uses ports 61001-65535, which overlap the kernel's ephemeral range net.ipv4.ip_local_port_range = 32768-65535" "$ERR"
has "--fix-ephemeral" "$ERR"
[[ $(handled) == "$n" ]] || fail "refused apply called jool"
run -c "$C" apply --fix-ephemeral
expect 0
grep -q '^net.ipv4.ip_local_port_range = 32768 61000$' "$T/sysctl.d/70-nat64.conf" || fail "drop-in: $(cat "$T/sysctl.d/70-nat64.conf" 2>&1)"
[[ $(cat "$T/proc/net/ipv4/ip_local_port_range") == "32768 61000" ]] || fail "range not set"

# ---- version check and missing module
echo 4.1.8.0 > "$T/sys/jool/version"
conf 2001:db8:64::/96 "192.0.2.1 tcp,udp 61001-65000"
run -c "$C" apply
expect 1
has "jool-tools 4.1.9.0 and the Jool kernel module 4.1.8.0 do not match" "$ERR"
echo 4.1.9.0 > "$T/sys/jool/version"
rm -rf "$T/sys/jool"
run -c "$C" apply
expect 1
has "Jool's kernel module is not loaded" "$ERR"
has "backend = tayga" "$ERR"
run -c "$C" plan
expect 1
has "Jool's kernel module is not loaded" "$ERR"
mkdir -p "$T/sys/jool" && echo 4.1.9.0 > "$T/sys/jool/version"
touch "$FAKE_JOOL_DIR/dead"   # module there, socket family missing: jool exits 253
run -c "$C" status
expect 1
has "Jool's socket family doesn't seem to exist" "$ERR"
rm "$FAKE_JOOL_DIR/dead"

# ---- status with BIB entries
run -c "$C" apply
expect 0
printf '%s\n' "TCP,2001:db8::2,40000,192.0.2.1,61002,0" "TCP,2001:db8::3,40001,192.0.2.1,61003,0" \
	"UDP,2001:db8::3,40001,192.0.2.1,61003,0" > "$FAKE_JOOL_DIR/bib.csv"
run -j -c "$C" status
expect 0
jq -e '.running and .pool6 == "2001:db8:64::/96" and .bib.tcp == 2 and .bib.udp == 1 and .sessions.tcp == 2
	and (.pool4[] | select(.protocol == "tcp") | .in_use == 2 and .capacity == 4000)' <<<"$OUT" >/dev/null ||
	fail "status -j: $OUT"
run -c "$C" status
expect 0
has "tcp   192.0.2.1/32       61001-65000      0          2       4000   0.05" "$OUT"

# ---- remove
run -c "$C" remove
expect 0
[[ ! -e $FAKE_JOOL_DIR/inst-t1.json ]] || fail "remove left the instance"
echo "PASS: cli"
