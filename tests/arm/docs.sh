#!/bin/bash
# arm.docs - docs/raspberry-pi.md's checked blocks, run as written, so the
# guide cannot drift from what works; and dist/alpine checked as far as a
# Debian machine can.
#   docs.sh ACD_BIN
# The guide marks its checked blocks by the fence's second word:
#   ```sh deb       the package's file name: this version, a real architecture
#   ```sh netns     run in order in a throwaway network namespace whose eth0
#                   and eth1 (veth) stand in for the Pi's two ports
#   ```ini acd.conf acd -n on it, in that namespace, with two paths moved
#                   from the package's to this tree's (said below)
#   ```ini sysctl   sysctl -p on it, in that namespace (net.* are per namespace)
#   ```sh alpine    not run (no Alpine here): shellcheck, and its `apk add`
#                   line against dist/alpine/APKBUILD
# Beside the blocks: every path of the package that sections 1-7 name is in
# the built .deb (build/deb/, tools/deb; skipped, and said so, without a
# current one), and dist/alpine/APKBUILD's makedepends are the Alpine
# packages of what CMakeLists.txt looks for.
# Root only (namespaces): exit 77 otherwise.
set -euo pipefail
fail() { printf 'FAIL: arm.docs: %s\n' "$*" >&2; exit 1; }
[ $# = 1 ] || fail "usage: docs.sh ACD_BIN"
acd=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
guide=$top/docs/raspberry-pi.md
[ "$(id -u)" -eq 0 ] || { echo "arm.docs: skipped: needs root (network namespaces)"; exit 77; }
command -v shellcheck >/dev/null || { echo "arm.docs: skipped: no shellcheck"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# block KIND: the lines of every ``` block whose fence is "```LANG KIND"
block() {
	awk -v kind="$1" '
		/^[ \t]*```/ && inb { inb = 0; next }
		/^[ \t]*```[a-z]+ / { split($0, w, " "); if (w[2] == kind) { inb = 1; n++ }; next }
		inb { sub(/^  /, ""); print }
		END { if (!n) exit 1 }' "$guide"
}
for k in deb netns acd.conf sysctl alpine; do
	block "$k" >"$T/$k" || fail "docs/raspberry-pi.md has no \`\`\` block marked \"$k\""
done

# ---- the README links the guide ----
grep -q '(docs/raspberry-pi.md)' "$top/README.md" || fail "README.md does not link docs/raspberry-pi.md"

# ---- deb: every package name in the guide is this version's ----
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$top/debian/changelog")
grep -q "apt install ./acd_${version}_arm64.deb" "$T/deb" ||
	fail "the install block does not install acd_${version}_arm64.deb: $(cat "$T/deb")"
stale=$(grep -o 'acd_[^ `|]*\.deb' "$guide" | grep -v -e "^acd_${version}_arm64.deb\$" \
	-e "^acd_${version}_armhf.deb\$" | sort -u || true)
[ -z "$stale" ] || fail "the guide names packages tools/deb does not build: $stale"
echo "deb: the guide names acd_${version}_{arm64,armhf}.deb"

# ---- netns, acd.conf, sysctl: in a throwaway network namespace ----
# acd.conf's paths as the package installs them, moved to this tree's: the
# dictionary, and [pppoe] pppd-options' default (/etc/acd/pppoe-options in
# the package; this build's default is its own prefix's)
sed "s|/usr/share/acd/radius-dict/|$top/radius-dict/|" "$T/acd.conf" |
	sed "/^\[pppoe\]/a pppd-options = $top/conf/pppoe-options" >"$T/acd-here.conf"
cat >"$T/run.sh" <<EOF
set -euo pipefail
ip link add eth0 type veth peer name wan0
ip link add eth1 type veth peer name sub0
ip link set wan0 up
ip link set sub0 up
EOF
if unshare -n bash -c 'ip link add d0 type veth peer name d1 && ip link add link d0 name d0.5 type vlan id 5' 2>/dev/null; then
	vlan=1
	cat "$T/netns" >>"$T/run.sh"
else
	# no 8021q in this kernel (our containers): every netns block but the
	# VLAN one runs, and a veth named eth0.100 stands in for acd -n
	vlan=0
	grep -v 'type vlan\|eth0\.100' "$T/netns" >>"$T/run.sh"
	echo 'ip link add eth0.100 type veth peer name vlan100; ip link set vlan100 up; ip link set eth0.100 up' >>"$T/run.sh"
fi
cat >>"$T/run.sh" <<EOF
echo "netns: the guide's commands ran; links:"
ip -br link | sed 's/^/    /'
ip -o link show eth1 | grep -q ' mtu 1508 '  || { echo "eth1's MTU is not 1508" >&2; exit 1; }
"$acd" -n -c "$T/acd-here.conf"
echo "acd.conf: acd -n accepts the guide's [pppoe] on eth0.100"
sysctl -q -p "$T/sysctl"
[ "\$(sysctl -n net.ipv4.ip_forward)" = 1 ] || { echo "sysctl: ip_forward is not 1" >&2; exit 1; }
[ "\$(sysctl -n net.ipv4.ip_local_port_range | tr -s ' \t' ' ')" = "32768 60999" ] ||
	{ echo "sysctl: ip_local_port_range is not the guide's" >&2; exit 1; }
echo "sysctl: sysctl -p takes the guide's file"
EOF
out=$(unshare -n bash "$T/run.sh" 2>&1) || fail "the guide's commands failed in a network namespace: $out"
echo "$out"
[ "$vlan" = 1 ] || echo "netns: VLAN block skipped: this kernel cannot make VLANs (8021q)"
# the sysctl file holds nothing but settings and comments
grep -vE '^(#.*|[a-z0-9_.]+ = .+|)$' "$T/sysctl" && fail "sysctl: lines sysctl.d would not read"

# ---- the package's paths that the guide names, in the built .deb ----
# Every /etc, /usr, /lib path of sections 1-7 (section 8 is Alpine's
# package) is the .deb's, but for these, which the operator writes:
not_packaged=" /etc/systemd/system/acd.service.d /etc/sysctl.d/90-acd.conf /etc/modules-load.d/acd.conf "
# brace: a path with {a,b} groups, expanded (no eval: the guide is text)
brace() {
	local p=$1 pre alts post a
	case $p in
	*'{'*'}'*) ;;
	*) printf '%s\n' "$p"; return ;;
	esac
	pre=${p%%'{'*}; alts=${p#*'{'}; post=${alts#*'}'}; alts=${alts%%'}'*}
	local IFS=,
	for a in $alts; do brace "$pre$a$post"; done
}
awk '/^## 8\./ { exit } { print }' "$guide" |
	grep -oE '/(etc|usr|lib)/[A-Za-z0-9_.+{},/-]*' | sed 's/[.,/]*$//' | sort -u >"$T/paths-named"
[ -s "$T/paths-named" ] || fail "found no package paths in docs/raspberry-pi.md sections 1-7"
deb=
for a in arm64 armhf "$(dpkg --print-architecture)"; do
	[ -f "$top/build/deb/acd_${version}_$a.deb" ] && { deb=$top/build/deb/acd_${version}_$a.deb; break; }
done
# current: made after every file that decides what the package holds (the
# tests' CMakeLists.txt do not)
stale=
# (-files0-from takes the paths: find allows none beside it)
# shellcheck disable=SC2185
[ -z "$deb" ] || stale=$(cd "$top" && git ls-files -z -- debian conf radius-dict cmake '*CMakeLists.txt' ':!tests' |
	find -files0-from - -newer "$deb" -print -quit 2>/dev/null) || true
if [ -z "$deb" ]; then
	echo "paths: SKIPPED: no build/deb/acd_${version}_{arm64,armhf,$(dpkg --print-architecture)}.deb" \
		"(tools/deb ARCH makes one; in CI arm.deb-arm64 runs first): the guide's package paths are not checked"
elif [ -n "$stale" ]; then
	echo "paths: SKIPPED: $deb is older than $stale (tools/deb makes it anew): the guide's package paths are not checked"
else
	dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\.||; s|/$||' | sort -u >"$T/deb-files"
	n=0 missing=
	while read -r named; do
		case $not_packaged in *" $named "*) continue ;; esac
		while read -r p; do
			n=$((n + 1))
			grep -qxF "$p" "$T/deb-files" || missing="$missing $p"
		done < <(brace "$named")
	done <"$T/paths-named"
	[ -z "$missing" ] || fail "the guide names paths $(basename "$deb") does not install:$missing" \
		"(or, if the operator makes them, add them to not_packaged in tests/arm/docs.sh)"
	# the libraries the guide says apt pulls in: the .deb's Depends
	libs=$(grep -m1 '^apt pulls in' -A2 "$guide" | tr '\n' ' ')
	for d in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
		[ "$d" = libc6 ] && continue
		name=${d%%[0-9]*}; name=${name%-}   # libnl-route-3-200 -> libnl-route; libjansson4 -> libjansson
		name=${name%-route}; name=${name#lib}
		case " $libs " in *[\ ,]"$name"[\ ,]* | *[\ ,]"lib$name"[\ ,]*) ;;
		*) fail "the guide's \"apt pulls in\" sentence does not name $name (the .deb depends on $d): $libs" ;;
		esac
	done
	echo "paths: the $n package paths the guide names are in $(basename "$deb"), and its libraries in the guide's list"
fi

# ---- dist/alpine: untested on Alpine; shellcheck is what can run here ----
shellcheck -s sh -e SC2034,SC2154 "$top/dist/alpine/APKBUILD" || fail "dist/alpine/APKBUILD: shellcheck"
sed "s|@ACD_SBINDIR@|/usr/sbin|" "$top/conf/openrc/acd" >"$T/openrc-acd"
shellcheck -s sh -e SC2034 "$T/openrc-acd" || fail "conf/openrc/acd: shellcheck"
grep -q 'UNTESTED ON ALPINE' "$top/dist/alpine/APKBUILD" || fail "APKBUILD no longer says it is untested"
# the guide's Alpine commands, typed at a prompt (SC2164: a cd that fails
# is seen there)
shellcheck -s sh -e SC2164 "$T/alpine" || fail "docs/raspberry-pi.md's alpine blocks: shellcheck"

# what CMakeLists.txt looks for -> the Alpine packages that hold it (and
# what its .pc file's Requires.private needs: gnutls for radcli and
# libmicrohttpd); "-": not built by the APKBUILD (BUILD_TESTING=OFF)
alpine_pkgs() {
	case $1 in
	libnl-3.0 | libnl-route-3.0) echo libnl3-dev ;;
	jansson) echo jansson-dev ;;
	libjansson.a) echo jansson-static ;;
	radcli) echo radcli-dev gnutls-dev ;;
	inih) echo inih-dev ;;
	nettle) echo nettle-dev ;;
	libmicrohttpd) echo libmicrohttpd-dev gnutls-dev ;;
	ev.h | ev) echo libev-dev ;;
	uthash.h) echo uthash-dev ;;
	pppd.h) echo ppp-dev ;;
	cmocka) echo - ;;
	*) return 1 ;;
	esac
}
# and the build's own tools: CMake, its generator, pkg-config, <linux/*.h>
alpine_tools="cmake samurai pkgconf linux-headers"
# what is looked for: pkg_check_modules' modules, find_path's and
# find_library's names (one call a line: a call cut over lines fails here)
mapfile -t cmakes < <(cd "$top" && git ls-files -- '*CMakeLists.txt')
calls=$(cd "$top" && grep -hoE '(pkg_check_modules|find_path|find_library)\(' "${cmakes[@]}" | wc -l)
(cd "$top" && grep -hoE '(pkg_check_modules|find_path|find_library)\([^)]*\)' "${cmakes[@]}") >"$T/cmake-calls"
[ "$(wc -l <"$T/cmake-calls")" -eq "$calls" ] ||
	fail "a pkg_check_modules/find_path/find_library call spans lines: docs.sh reads one a line"
awk '{ gsub(/[()]/, " ")
	if ($1 == "pkg_check_modules") {
		for (i = 3; i <= NF; i++) if ($i !~ /^[A-Z_]+$/) { sub(/[<>=].*/, "", $i); print $i }
	} else { print ($3 == "NAMES" ? $4 : $3) } }' "$T/cmake-calls" | sort -u >"$T/looked-for"
needed=$alpine_tools
while read -r w; do
	p=$(alpine_pkgs "$w") || fail "CMakeLists.txt looks for \"$w\": which Alpine package has it? (alpine_pkgs in tests/arm/docs.sh)"
	[ "$p" = - ] || needed="$needed $p"
done <"$T/looked-for"
# the APKBUILD's own lists, as abuild reads them (each on one line)
# shellcheck disable=SC2016
apk_lists=$(cd "$top/dist/alpine" && sh -c 'srcdir=/nonexistent; . ./APKBUILD; set -f; echo $makedepends; echo $depends') ||
	fail "dist/alpine/APKBUILD does not source"
makedepends=$(echo "$apk_lists" | head -1 | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
depends=$(echo "$apk_lists" | sed -n 2p | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
want=$(echo "$needed" | tr ' ' '\n' | sed '/^$/d' | sort -u)
d=$(diff <(echo "$want") <(echo "$makedepends") | grep '^[<>]' | tr '\n' ' ') || true
[ -z "$d" ] || fail "APKBUILD makedepends (>) against what CMakeLists.txt looks for (<): $d"
# the guide's `apk add` of the build: makedepends, depends, and abuild's own
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$T/alpine" | grep -E '^[[:space:]]*apk add ' |
	grep -v -- '--repository' >"$T/apk-add" || true
[ "$(wc -l <"$T/apk-add")" -eq 1 ] || fail "the guide's alpine blocks need one \`apk add\` of the build's packages: $(cat "$T/apk-add")"
guide_apk=$(sed 's/^[[:space:]]*apk add//' "$T/apk-add" | tr -s ' \t' '\n' | grep -v '^-' | sed '/^$/d' | sort -u)
want=$(printf '%s\n' "$makedepends" "$depends" build-base abuild doas | sed '/^$/d' | sort -u)
d=$(diff <(echo "$want") <(echo "$guide_apk") | grep '^[<>]' | tr '\n' ' ') || true
[ -z "$d" ] || fail "the guide's apk add (>) against APKBUILD's makedepends and depends, build-base, abuild, doas (<): $d"
echo "alpine: APKBUILD and the OpenRC script pass shellcheck, and the guide's commands;" \
	"makedepends hold what CMakeLists.txt looks for ($(paste -sd' ' "$T/looked-for")), as the guide's apk add does" \
	"(untested on Alpine itself)"
