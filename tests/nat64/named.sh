#!/bin/bash
# named.sh - nat64ctl's DNS64 render in a real BIND 9.18 named on
# 127.0.0.1 (its own port, throw-away config and zone):
#   - `dns64 render --install` checks with named-checkconf and installs
#   - an A-only name gets the synthesized AAAA under the configured prefix
#   - a name with a private IPv4 address gets none (RFC 6052 3.1 default)
#   - a name with an AAAA of its own keeps it (no synthesis)
#   - ipv4only.arpa answers 192.0.0.170/171 under the prefix (RFC 7050)
#   - nat64ctl probe agrees; a different prefix is reported
#   - a render named-checkconf refuses never replaces the installed file
#   - dns64 status: down before named runs, up once it answers rndc
# Exit 0 pass, 1 fail, 77 skip.
set -euo pipefail
NAT64CTL=${NAT64CTL:?NAT64CTL is not set (ctest sets it)}
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
skip() { printf 'SKIP: named: %s\n' "$*"; exit 77; }
fail() { printf 'FAIL: named: %s\n' "$*" >&2; [[ -f $T/named.log ]] && tail -20 "$T/named.log" >&2; exit 1; }
log() { printf '[named] %s\n' "$*" >&2; }
for t in named named-checkconf dig jq rndc tsig-keygen; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (tools/install-deps: bind9 bind9-utils bind9-dnsutils)"
done
[[ ${EUID:-$(id -u)} -eq 0 ]] || skip "needs root (named's pid and key files; run as root)"

T=$(mktemp -d /tmp/nat64-named.XXXXXX)
chmod 755 "$T"
NAMED_PID=""
cleanup() {
	set +e
	[[ -n $NAMED_PID ]] && kill "$NAMED_PID" 2>/dev/null && wait "$NAMED_PID" 2>/dev/null
	rm -rf -- "$T"
}
trap cleanup EXIT
# a port of our own: 20000 + pid, checked free
PORT=$((20000 + $$ % 20000))
while ss -Hlun "sport = :$PORT" | grep -q .; do PORT=$((PORT + 1)); done
# and one for its control channel (rndc)
CPORT=$((PORT + 1))
while ss -Hltn "sport = :$CPORT" | grep -q .; do CPORT=$((CPORT + 1)); done
PREFIX=64:ff9b::
export NAT64CTL_TMPDIR=$T/tmp

cat > "$T/nat64.conf" <<EOC
[nat64]
pool6 = 64:ff9b::/96
[dns64]
server = bind
output = $T/dns64.conf
clients = any
control-config = $T/rndc.conf
EOC
tsig-keygen -a hmac-sha256 nat64-test >"$T/rndc.key"
cat > "$T/rndc.conf" <<EOC
include "$T/rndc.key";
options { default-key "nat64-test"; default-server 127.0.0.1; default-port $CPORT; };
EOC
cat > "$T/example.test.zone" <<'EOZ'
$TTL 60
@        SOA ns hostmaster 1 60 60 600 60
@        NS  ns
ns       A   192.0.2.53
public   A   198.51.100.77
public   A   203.0.113.5
private  A   10.20.30.40
dual     A   198.51.100.78
dual     AAAA 2001:db8::78
EOZ
# 198.51.100.0/24 and 203.0.113.0/24 are documentation (non-global) blocks,
# which the default mapped list excludes: the test's config maps them as
# "public" stand-ins, keeping every other non-global block excluded.
sed -i 's/^clients = any$/clients = any\nmapped = 192.0.0.170\/31 198.51.100.0\/24 203.0.113.0\/24 !10.0.0.0\/8 !172.16.0.0\/12 !192.168.0.0\/16 !127.0.0.0\/8 !169.254.0.0\/16 !100.64.0.0\/10 !0.0.0.0\/8 !192.0.0.0\/24 !192.0.2.0\/24 any/' "$T/nat64.conf"
# dns64 status before named runs: down, in rndc's words
if out=$("$NAT64CTL" -c "$T/nat64.conf" dns64 status 2>&1); then
	fail "dns64 status says up before named runs: $out"
fi
[[ $out == *"rndc status"*"is the server running?"* ]] || fail "dns64 status, named not running: $out"
cat > "$T/named.conf" <<EOC
include "$T/rndc.key";
controls { inet 127.0.0.1 port $CPORT allow { 127.0.0.1; } keys { "nat64-test"; }; };
options {
	directory "$T";
	pid-file "$T/named.pid";
	session-keyfile "$T/session.key";
	listen-on port $PORT { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion yes;
	allow-query { 127.0.0.1; };
	dnssec-validation no;
	include "$T/dns64.conf";
};
zone "example.test" { type primary; file "$T/example.test.zone"; };
EOC

"$NAT64CTL" -c "$T/nat64.conf" dns64 render --install || fail "dns64 render --install failed"
[[ -s $T/dns64.conf ]] || fail "nothing installed at $T/dns64.conf"
out=$("$NAT64CTL" -c "$T/nat64.conf" dns64 render --install) || fail "second install failed"
[[ $out == *unchanged* ]] || fail "second install of the same render should say unchanged: $out"
named-checkconf "$T/named.conf" || fail "named-checkconf refuses the test's named.conf"

named -g -c "$T/named.conf" >"$T/named.log" 2>&1 &
NAMED_PID=$!
# named_up: named answers (ends the test if it exited)
named_up() {
	dig +short +time=1 +tries=1 @127.0.0.1 -p "$PORT" SOA example.test | grep -q hostmaster && return 0
	kill -0 "$NAMED_PID" 2>/dev/null || fail "named exited at start"
	return 1
}
wait_until 20 named_up || true
q() { dig +short +time=2 +tries=2 @127.0.0.1 -p "$PORT" "$@"; }
q SOA example.test | grep -q hostmaster || fail "named does not answer on 127.0.0.1:$PORT"
log "named $(named -v) on 127.0.0.1:$PORT"
out=$("$NAT64CTL" -c "$T/nat64.conf" dns64 status) || fail "dns64 status with named running: $out"
[[ $out == "DNS64 resolver: up (rndc status answered)" ]] || fail "dns64 status: $out"

got=$(q AAAA public.example.test | sort | tr '\n' ' ')
[[ $got == "64:ff9b::c633:644d 64:ff9b::cb00:7105 " ]] || fail "public.example.test AAAA: expected the two synthesized addresses, got '$got'"
got=$(q AAAA private.example.test)
[[ -z $got ]] || fail "private.example.test (10.20.30.40) must get no AAAA, got '$got'"
got=$(q A private.example.test)
[[ $got == 10.20.30.40 ]] || fail "private.example.test A: '$got'"
got=$(q AAAA dual.example.test)
[[ $got == 2001:db8::78 ]] || fail "dual.example.test must keep its own AAAA only, got '$got'"
got=$(q AAAA ipv4only.arpa | sort | tr '\n' ' ')
[[ $got == "64:ff9b::c000:aa 64:ff9b::c000:ab " ]] || fail "ipv4only.arpa AAAA: got '$got'"
log "synthesized: public -> 64:ff9b::c633:644d, private -> none, ipv4only.arpa -> 64:ff9b::c000:aa/ab"

# probe: the same checks through the library
out=$("$NAT64CTL" -j -c "$T/nat64.conf" probe --server 127.0.0.1 --port "$PORT" --name public.example.test) ||
	fail "probe failed: $out"
jq -e '.ok and (.steps | length == 2)' <<<"$out" >/dev/null || fail "probe -j: $out"
# ... and it notices a resolver whose prefix is not ours
sed 's/^pool6 = .*/pool6 = 2001:db8:64::\/96/' "$T/nat64.conf" > "$T/other.conf"
sed -i "s|^output = .*|output = $T/other-dns64.conf|" "$T/other.conf"
if out=$("$NAT64CTL" -c "$T/other.conf" probe --server 127.0.0.1 --port "$PORT"); then
	fail "probe with another prefix passed: $out"
fi
[[ $out == *"not under the configured prefix 2001:db8:64::/96"* ]] || fail "probe message: $out"

# a render named-checkconf refuses: the installed file stays as it was
cp "$T/dns64.conf" "$T/installed.before"
cat > "$T/bad.conf" <<EOC
[nat64]
pool6 = 2001:db8:64::/64
[dns64]
output = $T/dns64.conf
suffix = ::ffff:ffff:ffff:ffff
EOC
"$NAT64CTL" -c "$T/bad.conf" check-config >/dev/null || fail "bad.conf should pass our own checks (only named refuses it)"
if err=$("$NAT64CTL" -c "$T/bad.conf" dns64 render --install 2>&1); then
	fail "a render named-checkconf refuses was installed: $err"
fi
[[ $err == *"named-checkconf refused the DNS64 render"*"bad suffix"* ]] || fail "message: $err"
cmp -s "$T/installed.before" "$T/dns64.conf" || fail "the installed file changed after a refused render"
ls "$T" | grep -q 'dns64.conf\.' && fail "a temporary file was left beside the installed one"
# named still serves the old config after a reload
kill -HUP "$NAMED_PID"
wait_until 5 grep -q "reloading configuration succeeded" "$T/named.log" || fail "named did not reload"
got=$(q AAAA public.example.test | sort | head -1)
[[ $got == 64:ff9b::c633:644d ]] || fail "after a reload: '$got'"
# the unbound render passes unbound-checkconf (and says what it cannot do)
if command -v unbound-checkconf >/dev/null 2>&1; then
	printf '[nat64]\npool6 = 64:ff9b::/96\n[dns64]\nserver = unbound\noutput = %s\n' "$T/unbound-dns64.conf" > "$T/unbound.conf"
	"$NAT64CTL" -c "$T/unbound.conf" dns64 render --install >/dev/null || fail "unbound render refused by unbound-checkconf"
	grep -q 'unbound has no `mapped` filter' "$T/unbound-dns64.conf" || fail "unbound render does not state the missing mapped filter"
fi
echo "PASS: named"
