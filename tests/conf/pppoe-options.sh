#!/bin/bash
# conf.pppoe-options - pppd reads conf/pppoe-options without an unknown
# option: `pppd file FILE dryrun` loads the plugins it names and parses every
# line, then stops before any link (here it stops at the missing /dev/ppp at
# the latest, after the options).
#   pppoe-options.sh FILE
set -uo pipefail
fail() { printf 'FAIL: conf.pppoe-options: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIP: conf.pppoe-options: %s\n' "$*"; exit 77; }
[ $# = 1 ] || fail "usage: pppoe-options.sh FILE"
file=$(realpath -- "$1") || fail "no file $1"
pppd=/usr/sbin/pppd
[ -x "$pppd" ] || skip "no $pppd (Debian: ppp)"
[ "$(id -u)" = 0 ] || skip "pppd runs only as root or a member of dip"
# no link is made with dryrun: /dev/null is only there so pppd wants no tty
out=$(cd / && timeout 10 "$pppd" file "$file" dryrun nodetach /dev/null 2>&1)
case $out in
*"In file "*|*"unrecognized option"*|*"Couldn't load plugin"*|*"improper"*)
	fail "pppd refuses $file: $out" ;;
esac
grep -q '^Plugin radius.so loaded' <<<"$out" || fail "pppd did not load radius.so: $out"
grep -q '^Plugin radattr.so loaded' <<<"$out" || fail "pppd did not load radattr.so: $out"
echo "PASS: conf.pppoe-options: pppd $("$pppd" --version 2>&1 | awk '{print $3}') reads every option of $file"
