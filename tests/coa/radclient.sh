#!/bin/bash
# radpkt against FreeRADIUS's radclient: radclient exits 0 only when it
# got an ACK whose Response Authenticator and Message-Authenticator it
# verified with its secret, and 1 on a NAK or no (acceptable) reply.
#
# Needs: COA_RESPONDER (tests/coa/coa_responder), ACD_DICT (radius-dict/
# dictionary).  Exit 0 pass, 1 fail, 77 skip.
set -euo pipefail

TEST_NAME=coa_radclient
# shellcheck source=../common/lib.sh
. "$(dirname "$0")/../common/lib.sh"
skip() { printf 'SKIP: %s: %s\n' "$TEST_NAME" "$*"; exit 77; }
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
pass() { printf 'ok: %s\n' "$*"; }

command -v radclient >/dev/null 2>&1 || skip "radclient is not installed (apt install freeradius-utils)"
[[ -x ${COA_RESPONDER:-} ]] || { echo "COA_RESPONDER is not set to the responder binary"; exit 1; }
[[ -r ${ACD_DICT:-} ]] || { echo "ACD_DICT is not set to radius-dict/dictionary"; exit 1; }

dir=$(mktemp -d /tmp/acd-coa.XXXXXX) || exit 1
resp_pid=
cleanup() {
	set +e
	[[ -n $resp_pid ]] && kill "$resp_pid" 2>/dev/null && wait "$resp_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# Secrets live in files (mode 0600), never on the responder's command line.
# radclient takes its secret as an argument: it is a test secret.
SECRET=s3cret-for-coa-test
umask 077
printf '%s\n' "$SECRET" >"$dir/secret"

# start_responder [OPTIONS...]: (re)start it, wait until it listens, set $port
start_responder() {
	if [[ -n $resp_pid ]]; then
		kill "$resp_pid" 2>/dev/null || true
		wait "$resp_pid" 2>/dev/null || true
	fi
	rm -f "$dir/ready"
	: >"$dir/log"
	"$COA_RESPONDER" -s "$dir/secret" -d "$ACD_DICT" -r "$dir/ready" "$@" >"$dir/log" 2>&1 &
	resp_pid=$!
	WAIT_STEP=0.05 wait_until 5 responder_ready || true
	[[ -s $dir/ready ]] || { echo "responder did not start"; exit 1; }
	port=$(cat "$dir/ready")
}

# responder_ready: the responder wrote its port (ends the test if it died)
responder_ready() {
	[[ -s $dir/ready ]] && return 0
	kill -0 "$resp_pid" 2>/dev/null || { cat "$dir/log"; echo "responder died"; exit 1; }
	return 1
}

# rc TYPE SECRET: run radclient with stdin as the request; output in $out, exit in $rc
rc() {
	rc=0
	out=$(radclient -x -r 1 -t 1 "127.0.0.1:$port" "$1" "$2" 2>&1) || rc=$?
}

# expect WHAT WANT_RC GREP_OUTPUT [GREP_LOG]: a failure is counted (fail),
# the checks go on
expect() {
	local what=$1 want=$2 pat_out=$3 pat_log=${4:-}
	if [[ $rc -ne $want ]]; then
		fail "$what: radclient exited $rc, want $want"
	elif [[ -n $pat_out ]] && ! grep -qE -- "$pat_out" <<<"$out"; then
		fail "$what: radclient output lacks /$pat_out/"
	elif [[ -n $pat_log ]] && ! grep -qE -- "$pat_log" "$dir/log"; then
		fail "$what: responder log lacks /$pat_log/"
	else
		pass "$what"
		return 0
	fi
	printf '%s\n--- radclient:\n%s\n--- responder:\n' "$what" "$out"
	cat "$dir/log"
}

start_responder

# 1. CoA with rates: ACK; acd's policy mapping sees the RADIUS values
rc coa "$SECRET" <<'IN'
User-Name = "alice"
Acct-Session-Id = "0000000A"
RP-Downstream-Speed-Limit = 10240
RP-Upstream-Speed-Limit = 2048
Mikrotik-Rate-Limit = "1M/4M"
Event-Timestamp = 1700000000
IN
expect "CoA without Message-Authenticator: ACK" 0 "Received CoA-ACK Id" \
	"policy down=10240000 up=2048000"
grep -q "request code=43 .* ma=absent" "$dir/log" || fail "CoA: responder did not log ma=absent"

# 2. radclient adds a Message-Authenticator for "= 0x00": we verify it
rc coa "$SECRET" <<'IN'
User-Name = "alice"
Message-Authenticator = 0x00
IN
expect "CoA with Message-Authenticator: verified, ACK" 0 "Received CoA-ACK Id" "ma=ok"

# 3. Disconnect
rc disconnect "$SECRET" <<'IN'
Acct-Session-Id = "0000000A"
NAS-IP-Address = 127.0.0.1
Message-Authenticator = 0x00
IN
expect "Disconnect: ACK" 0 "Received Disconnect-ACK Id" "request code=40 .* ma=ok"

# 4. wrong secret: silently dropped, radclient times out
: >"$dir/log"
rc coa "not-the-secret" <<'IN'
User-Name = "alice"
IN
expect "wrong secret: dropped, radclient times out" 1 "No reply" "drop reason=authenticator"
grep -q "^reply" "$dir/log" && fail "wrong secret: the responder replied"

# 5. NAK with Error-Cause 503
rc coa "$SECRET" <<'IN'
User-Name = "nosuch"
Message-Authenticator = 0x00
IN
expect "unknown session: CoA-NAK, Error-Cause 503" 1 \
	"Error-Cause = Session-Context-Not-Found" "error-cause=503"
grep -q "Received CoA-NAK Id" <<<"$out" || fail "unknown session: no CoA-NAK received"

rc disconnect "$SECRET" <<'IN'
User-Name = "nosuch"
IN
expect "unknown session: Disconnect-NAK, Error-Cause 503" 1 \
	"Error-Cause = Session-Context-Not-Found" "code=42 .*error-cause=503"

# 6. an attribute our dictionary lacks: NAK 401, not silently ignored
rc coa "$SECRET" <<'IN'
User-Name = "alice"
Cisco-AVPair = "subscriber:sub-qos-policy-out=100M"
IN
expect "unknown attribute: CoA-NAK, Error-Cause 401" 1 \
	"Error-Cause = Unsupported-Attribute" "problem Vendor-Specific of unknown vendor 9"

# 7. radclient really checks our reply: a corrupted Message-Authenticator
#    (Response Authenticator re-signed over it) and a corrupted Response
#    Authenticator are both refused, so the ACKs above prove both right
start_responder -B ma
rc coa "$SECRET" <<'IN'
User-Name = "alice"
IN
expect "corrupted Message-Authenticator in our ACK: radclient refuses it" 1 \
	"invalid Message-Authenticator" "^reply code=44"
grep -q "Received CoA-ACK Id" <<<"$out" && fail "radclient accepted a bad Message-Authenticator"

start_responder -B auth
rc disconnect "$SECRET" <<'IN'
User-Name = "alice"
IN
expect "corrupted Response Authenticator: radclient refuses it" 1 \
	"invalid Response Authenticator" "^reply code=41"
grep -q "Received Disconnect-ACK Id" <<<"$out" && fail "radclient accepted a bad Response Authenticator"

# 8. Message-Authenticator required: a request without one is dropped
start_responder -m
rc coa "$SECRET" <<'IN'
User-Name = "alice"
IN
expect "Message-Authenticator required, absent: dropped" 1 "" \
	"drop reason=message-authenticator ma=absent"
rc coa "$SECRET" <<'IN'
User-Name = "alice"
Message-Authenticator = 0x00
IN
expect "Message-Authenticator required, present: ACK" 0 "Received CoA-ACK Id" "ma=ok"

if [[ $failures -ne 0 ]]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all radclient checks passed"
