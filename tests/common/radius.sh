# shellcheck shell=bash
# radius.sh - a real FreeRADIUS for the tests: whether one answers, and one
# that takes Accounting-Requests and writes each into a detail file, with
# readers of that file.  Sourced by tools/lab, tests/netns/acd-acct.sh and
# tests/vm/guest/acd-pppoe.sh (which define fail and log), after
# tests/common/lib.sh (wait_until).
#
#   radius_answers NS SECRETFILE
#                        a FreeRADIUS on 127.0.0.1:1812 in namespace NS
#                        answers Status-Server (tried once, 1 s at most)
#   acct_raddb DIR       a throw-away raddb in DIR: accounting only, on
#                        127.0.0.1:$ACD_ACCT_PORT, one client (127.0.0.1)
#                        with the secret $ACD_RADIUS_SECRET (both from the
#                        environment of freeradius), every request into
#                        DIR/detail; sets DETAIL
#   records              the detail file as a JSON array, one object a request
#   rec FILTER           the records that match a jq select() filter
#   wait_rec FILTER [S]  the first such record, waiting up to S (5) seconds
#   link_bytes NS IFACE  "RX TX": the bytes the kernel counted on IFACE in
#                        namespace NS (64-bit statistics), what a Stop must carry

radius_answers() {
	echo 'Message-Authenticator = 0x00' |
		ip netns exec "$1" radclient -q -r 1 -t 1 -S "$2" 127.0.0.1:1812 status >/dev/null 2>&1
}

acct_raddb() {
	install -d -m 0700 "$1" "$1/log" "$1/run"
	(umask 077 && cat >"$1/radiusd.conf") <<'EOF'
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = ${exec_prefix}/sbin
logdir = ${confdir}/log
run_dir = ${confdir}/run
libdir = /usr/lib/freeradius
pidfile = ${run_dir}/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 5
max_requests = 4096
hostname_lookups = no
log {
	destination = files
	file = ${logdir}/radius.log
	colourise = no
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = yes
}
proxy_requests = no
client localhost {
	ipaddr = 127.0.0.1
	proto = udp
	secret = $ENV{ACD_RADIUS_SECRET}
	require_message_authenticator = no
	nas_type = other
}
thread pool {
	start_servers = 2
	max_servers = 4
	min_spare_servers = 1
	max_spare_servers = 2
	max_requests_per_server = 0
}
modules {
	always ok {
		rcode = ok
	}
	detail {
		filename = ${confdir}/detail
		permissions = 0600
		header = "%t"
		locking = no
	}
}
server default {
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = $ENV{ACD_ACCT_PORT}
	}
	preacct {
		ok
	}
	accounting {
		detail
	}
}
EOF
	DETAIL=$1/detail
}

# records: the detail file as one JSON object per request, values as the
# detail module writes them (quotes removed)
records() {
	[[ -f "$DETAIL" ]] || { echo '[]'; return; }
	awk '
		function flush() { if (n) { printf "{%s}\n", body }; n = 0; body = "" }
		/^[^\t]/ { flush(); next }
		/^\t/ {
			line = $0; sub(/^\t/, "", line)
			k = line; sub(/ = .*/, "", k); v = line; sub(/^[^=]* = /, "", v)
			gsub(/^"|"$/, "", v); gsub(/\\/, "\\\\", v); gsub(/"/, "\\\"", v)
			body = body (n++ ? "," : "") "\"" k "\":\"" v "\""
		}
		END { flush() }' "$DETAIL" | jq -s -c .
}
# rec FILTER: the records that match a jq select() filter
rec() { records | jq -c "[.[] | select($1)]"; }
# wait_rec FILTER [SECONDS]: the first record matching FILTER, waiting for it
wait_rec() {
	local out
	if wait_until "${2:-5}" _rec_first "$1"; then
		printf '%s\n' "$out"
		return 0
	fi
	fail "no accounting record matching: $1 (got: $(records | jq -c 'map({s:.["Acct-Status-Type"], id:.["Acct-Session-Id"], p:.["NAS-Port-Id"]})'))"
}

# _rec_first FILTER: the first record matching FILTER into out (wait_rec's)
_rec_first() {
	out=$(rec "$1" | jq -c '.[0] // empty')
	[[ -n "$out" ]]
}

link_bytes() {
	ip -n "$1" -s -j link show dev "$2" | jq -r '.[0].stats64 | "\(.rx.bytes) \(.tx.bytes)"'
}
