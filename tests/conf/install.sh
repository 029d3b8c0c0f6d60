#!/bin/bash
# conf.install - `cmake --install` into a staging DESTDIR, then what an
# operator relies on: see CMakeLists.txt here.
#   install.sh BUILD_DIR SBINDIR PPP_DIR UNIT_DIR DOCDIR PPPOE_OPTIONS
set -euo pipefail
fail() { printf 'FAIL: conf.install: %s\n' "$*" >&2; exit 1; }
[ $# = 6 ] || fail "usage: install.sh BUILD_DIR SBINDIR PPP_DIR UNIT_DIR DOCDIR PPPOE_OPTIONS"
build=$1 sbindir=$2 pppdir=$3 unitdir=$4 docdir=$5 pppoe_options=$6
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
DESTDIR=$D cmake --install "$build" >"$D.log" 2>&1 || { cat "$D.log"; rm -f "$D.log"; fail "cmake --install failed"; }
rm -f "$D.log"

left=$(grep -rl '@ACD_[A-Z_]*@' "$D") && fail "unfilled @ACD_...@ in: ${left//$D/}"
for b in acd acdctl acd-shape nat64ctl; do
	[ -x "$D$sbindir/$b" ] || fail "$sbindir/$b is not installed"
done

# the hooks: where pppd's run-parts looks, named without a dot, executable,
# running the installed acdctl with pppd's arguments
if [ -n "$pppdir" ]; then
	for ev in ip-up ip-down ipv6-up ipv6-down; do
		h=$pppdir/$ev.d/acd
		[ -x "$D$h" ] || fail "$h is not installed (or not executable)"
		sh -n "$D$h" || fail "$h: not valid sh"
		prog=$(sed -n 's/^exec \([^ ]*\) hook '"$ev"' "\$@"$/\1/p' "$D$h")
		[ "$prog" = "$sbindir/acdctl" ] || fail "$h runs \"$prog\", want $sbindir/acdctl"
		# run it against an acd that is not there: acdctl must say so
		out=$(sed "s|^exec $sbindir/|exec $D$sbindir/|" "$D$h" |
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ACD_SOCKET="$D/none.sock" IFNAME=ppp0 \
				PEERNAME=u PPPD_PID=1 IPLOCAL=10.0.0.1 IPREMOTE=10.0.0.2 \
				sh -s -- ppp0 /dev/pts/0 0 10.0.0.1 10.0.0.2 2>&1) &&
			fail "$h succeeded without acd"
		grep -q "$D/none.sock" <<<"$out" || fail "$h without acd: the message does not name the socket: $out"
	done
	echo "hooks: $pppdir/{ip-up,ip-down,ipv6-up,ipv6-down}.d/acd run $sbindir/acdctl"
else
	echo "hooks: not installed (ACD_PPP_DIR is empty)"
fi

# the systemd unit and the OpenRC script name the installed acd
if [ -n "$unitdir" ]; then
	u=$D$unitdir/acd.service
	[ -f "$u" ] || fail "$unitdir/acd.service is not installed"
	grep -qx "ExecStart=$sbindir/acd -d -c /etc/acd/acd.conf" "$u" || fail "acd.service: ExecStart is not $sbindir/acd"
	if command -v systemd-analyze >/dev/null; then
		# against this machine's units; the binaries are staged, not in
		# $sbindir (checked above), so that complaint is not the unit's
		out=$(systemd-analyze verify --man=no "$u" 2>&1 | grep -F -e 'acd.service' |
			grep -vxF "acd.service: Command $sbindir/acd is not executable: No such file or directory" ||
			true)
		[ -z "$out" ] || fail "systemd-analyze verify: $out"
		echo "acd.service: systemd-analyze verify finds nothing"
	else
		echo "acd.service: not verified (no systemd-analyze)"
	fi
else
	echo "acd.service: not installed (ACD_SYSTEMD_UNIT_DIR is empty)"
fi
o=$D$docdir/examples/openrc/acd
[ -f "$o" ] || fail "examples/openrc/acd is not installed"
grep -qx "command=$sbindir/acd" "$o" || fail "examples/openrc/acd: command is not $sbindir/acd"
[ -f "$D$docdir/examples/acd.conf" ] || fail "examples/acd.conf is not installed"
# its dictionary is the installed one (conf/acd.conf names /usr/local's)
dict=$(sed -n 's/^dictionary = //p' "$D$docdir/examples/acd.conf")
[ -f "$D$dict" ] || fail "examples/acd.conf: dictionary $dict is not what was installed"

# [pppoe] pppd-options' default: there, readable, not writable by others;
# an operator's edit survives the next install
p=$D$pppoe_options
[ -f "$p" ] || fail "$pppoe_options ([pppoe] pppd-options' default) is not installed"
mode=$(stat -c %a "$p")
[ "$mode" = 644 ] || fail "$pppoe_options: mode $mode, want 644"
grep -qx 'plugin radius.so' "$p" || fail "$pppoe_options: no plugin radius.so"
echo '# edited' >> "$p"
DESTDIR=$D cmake --install "$build" >"$D.log" 2>&1 || { cat "$D.log"; rm -f "$D.log"; fail "cmake --install (again) failed"; }
grep -q "Kept: $p" "$D.log" || { rm -f "$D.log"; fail "the second install does not say it kept $pppoe_options"; }
rm -f "$D.log"
[ "$(tail -n 1 "$p")" = '# edited' ] || fail "a second install replaced the edited $pppoe_options"
echo "pppoe-options: $pppoe_options, an edited copy kept"
echo "PASS: conf.install"
