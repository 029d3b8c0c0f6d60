#!/bin/bash
# tests/vm/acd-install.sh - acd under test, installed for an ARM guest.
#
#   acd-install.sh ARCH DEST BUILD
#
# An ARM guest of the test bed (run.sh with ACD_VM_ARCH) cannot run the
# host's binaries: it gets acd installed for its architecture in DEST (what
# an operator's install leaves: /usr/sbin/acd, acdctl, acd-shape, nat64ctl,
# the dictionaries, /etc/acd), which run.sh lays over the guest's root
# (ACD_VM_ACD_ROOT).  BUILD is a scratch directory for the build.
#
# install_acd below is the one place that decides how: today a cross-build
# of this source tree (Debian's cross compiler, the :ARCH -dev packages, and
# radcli's, which is not co-installable with the host's, unpacked aside);
# once the packages are built in CI, the .deb unpacked into DEST instead.
#
# Environment: ACD_VM_CACHE (as setup.sh: radcli is unpacked in its -ARCH
# cache), ACD_VM_SKIP=1 (exit 77).
# Exit status: 0 installed, 77 skipped, 1 failed (with the reason).
set -euo pipefail

[ $# = 3 ] || { echo "usage: $0 ARCH DEST BUILD" >&2; exit 2; }
ARCH=$1 DEST=$2 BUILD=$3
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${ACD_VM_CACHE:-/var/cache/acd-vm}-$ARCH
say() { printf 'acd-install[%s]: %s\n' "$ARCH" "$*"; }
die() { printf 'acd-install[%s]: FAILED: %s\n' "$ARCH" "$*" >&2; exit 1; }
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

if [ "${ACD_VM_SKIP:-0}" = 1 ]; then
	say "skipped: ACD_VM_SKIP=1 (the operator opted out of the VM test bed)"
	exit 77
fi
if [ "$(id -u)" != 0 ]; then
	say "skipped: needs root (downloads into $CACHE; the VM test bed runs as root)"
	exit 77
fi
case $ARCH in
arm64) TRIPLET=aarch64-linux-gnu CPU=aarch64 ;;
armhf) TRIPLET=arm-linux-gnueabihf CPU=arm ;;
*)     die "ARCH=$ARCH: use arm64 or armhf" ;;
esac

# radcli_aside: libradcli-dev:ARCH unpacked in the cache (keyed on its
# version) with a radcli.pc pointing there, on stdout its pkgconfig dir
radcli_aside() {
	local v d dl
	v=$(apt-cache policy "libradcli-dev:$ARCH" | awk '/Candidate:/{print $2}')
	[ -n "$v" ] && [ "$v" != "(none)" ] || die "no libradcli-dev:$ARCH in apt's lists (dpkg --add-architecture $ARCH; apt-get update)"
	d=$CACHE/radcli-$v
	if [ ! -f "$d/pkgconfig/radcli.pc" ]; then
		mkdir -p "$CACHE"
		dl=$(mktemp -d "$CACHE/radcli-dl.XXXXXX")
		chown _apt "$dl" 2>/dev/null || true
		(cd "$dl" && apt-get download -q "libradcli-dev:$ARCH=$v" "libradcli4:$ARCH=$v") \
			>"$dl/log" 2>&1 || { cat "$dl/log" >&2; die "apt-get download libradcli-dev:$ARCH"; }
		rm -rf "$d"; mkdir -p "$d/pkgconfig"
		for f in "$dl"/*.deb; do dpkg -x "$f" "$d"; done
		rm -rf "$dl"
		# the shipped .pc, its prefix moved to the unpacked tree
		sed -e "s|^prefix=.*|prefix=$d/usr|" \
			-e "s|^libdir=.*|libdir=$d/usr/lib/$TRIPLET|" \
			-e "s|^includedir=.*|includedir=$d/usr/include|" \
			"$d/usr/lib/$TRIPLET/pkgconfig/radcli.pc" > "$d/pkgconfig/radcli.pc" ||
			die "no radcli.pc in libradcli-dev:$ARCH"
	fi
	printf '%s\n' "$d/pkgconfig"
}

# install_acd DEST: acd for ARCH installed in DEST (emptied first)
install_acd() {
	local dest=$1 pc
	command -v "$TRIPLET-gcc" >/dev/null ||
		die "$TRIPLET-gcc missing (Debian: crossbuild-essential-$ARCH)"
	[ -f "/usr/lib/$TRIPLET/pkgconfig/libnl-route-3.0.pc" ] ||
		die "the $ARCH -dev packages are missing (libnl-3-dev:$ARCH libnl-route-3-dev:$ARCH libev-dev:$ARCH libjansson-dev:$ARCH libinih-dev:$ARCH libgnutls28-dev:$ARCH nettle-dev:$ARCH libmicrohttpd-dev:$ARCH)"
	pc=$(radcli_aside)
	say "cross-building $SRC for $ARCH in $BUILD"
	# a minimal inline toolchain: Debian's multiarch cross compiler finds
	# the :ARCH libraries in /usr/lib/TRIPLET by itself
	PKG_CONFIG_LIBDIR=$pc:/usr/lib/$TRIPLET/pkgconfig:/usr/share/pkgconfig \
		cmake -S "$SRC" -B "$BUILD" -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="$CPU" \
		-DCMAKE_C_COMPILER="$TRIPLET-gcc" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc \
		-DBUILD_TESTING=OFF -DACD_WERROR=ON -DACD_PPP_DIR= >"$BUILD.log" 2>&1 ||
		{ tail -30 "$BUILD.log" >&2; die "cmake (cross $ARCH) failed"; }
	cmake --build "$BUILD" -j"$(nproc)" >>"$BUILD.log" 2>&1 ||
		{ grep -E 'error|warning' "$BUILD.log" | head -20 >&2; die "cross build for $ARCH failed (log: $BUILD.log)"; }
	rm -rf "$dest"; mkdir -p "$dest"
	DESTDIR=$dest cmake --install "$BUILD" >>"$BUILD.log" 2>&1 ||
		{ tail -20 "$BUILD.log" >&2; die "cmake --install into $dest failed"; }
}

mkdir -p "$(dirname "$BUILD")"
install_acd "$DEST"
for b in acd acdctl acd-shape nat64ctl; do
	f=$DEST/usr/sbin/$b
	[ -x "$f" ] || die "$f was not installed"
	file -b "$f" | grep -q "$(case $ARCH in arm64) echo aarch64 ;; armhf) echo 'ARM, EABI5' ;; esac)" ||
		die "$f is not an $ARCH program: $(file -b "$f")"
done
say "installed in $DEST ($(elapsed)s): $(cd "$DEST" && echo usr/sbin/*)"
