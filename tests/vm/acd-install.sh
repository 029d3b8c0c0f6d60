#!/bin/bash
# tests/vm/acd-install.sh - acd under test, installed for an ARM guest as an
# operator installs it: from its Debian package.
#
#   acd-install.sh ARCH DEST
#
# An ARM guest of the test bed (run.sh with ACD_VM_ARCH) cannot run the
# host's binaries: it gets acd's .deb of its architecture installed in DEST
# (/usr/sbin/acd, acdctl, acd-shape, nat64ctl, the dictionaries, /etc/acd,
# the pppd hooks), which run.sh lays over the guest's root
# (ACD_VM_ACD_ROOT).  So the scenarios run what `tools/deb ARCH` packages,
# not a build of our own.
#
#   1. the package: build/deb/acd_VERSION_ARCH.deb of this source tree, made
#      by tools/deb ARCH first when it is missing or older than a file that
#      tools/deb packages (git's tracked and untracked, unignored files), so
#      a second run reuses it
#   2. its Depends checked against the guest's root (setup.sh's, with its
#      dpkg database): what apt would have to add is a failure here
#   3. dpkg -x into DEST, laid out as dpkg leaves it on the guest's
#      merged-/usr root (DEST/lib/... moved to DEST/usr/lib/...: a real
#      DEST/lib would hide the root's /lib symlink in the overlay)
#
# The maintainer scripts are not run: the postinst only enables acd.service
# (deb-systemd-helper) and try-restarts a running acd on upgrades; the
# guest has no systemd and the scenarios start acd themselves.  That apt
# installs the package and its scripts work is tools/deb-root's test
# (arm.deb-root-arm64).
#
# Environment: ACD_VM_CACHE (as setup.sh: the guest's root is in its -ARCH
# cache), ACD_VM_SKIP=1 (exit 77).
# Exit status: 0 installed, 77 skipped, 1 failed (with the reason).
set -euo pipefail

[ $# = 2 ] || { echo "usage: $0 ARCH DEST" >&2; exit 2; }
ARCH=$1 DEST=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CACHE=${ACD_VM_CACHE:-/var/cache/acd-vm}-$ARCH
ROOTFS=$CACHE/rootfs
say() { printf 'acd-install[%s]: %s\n' "$ARCH" "$*"; }
die() { printf 'acd-install[%s]: FAILED: %s\n' "$ARCH" "$*" >&2; exit 1; }
# shellcheck source=host-lib.sh
. "$HERE/host-lib.sh"
vm_skip_unless_ready skipped "builds the package with apt's help, reads $CACHE; the VM test bed runs as root"

case $ARCH in
arm64) MAGIC=aarch64 ;;
armhf) MAGIC='ARM, EABI5' ;;
*)     die "ARCH=$ARCH: use arm64 or armhf" ;;
esac
if [ ! -x "$ROOTFS/bin/bash" ] || [ ! -d "$ROOTFS/var/lib/dpkg" ]; then
	die "no $ARCH guest root in $ROOTFS: run ACD_VM_ARCH=$ARCH $HERE/setup.sh (ctest: vm-$ARCH.setup)"
fi

VERSION=$(cd "$SRC" && { dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null ||
	sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog; })
DEB=$SRC/build/deb/acd_${VERSION}_$ARCH.deb

# deb_newer_source: on stdout the first file tools/deb would package that
# changed after $DEB was made (nothing: $DEB is current)
deb_newer_source() {
	# (-files0-from takes the paths: find allows none beside it)
	# shellcheck disable=SC2185
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
		find -files0-from - -newer "$DEB" -print -quit 2>/dev/null) || true
}

# deb_current: $DEB made by tools/deb unless it is there and current
deb_current() {
	local why t0
	if [ ! -f "$DEB" ]; then
		why="there is no $DEB"
	else
		why=$(deb_newer_source)
		if [ -z "$why" ]; then
			say "package: $DEB is current (made $(date -r "$DEB" '+%F %T'))"
			return 0
		fi
		why="$why changed after $DEB was made"
	fi
	say "package: $why: tools/deb $ARCH"
	t0=$(date +%s.%N)
	if ! "$SRC/tools/deb" "$ARCH"; then
		# (its lintian may have failed after the .deb was written: not
		# a package to test, nor to take for current next time)
		rm -f "$DEB"
		die "tools/deb $ARCH failed (above)"
	fi
	[ -f "$DEB" ] || die "tools/deb $ARCH made no $DEB"
	# dated when tools/deb copied the sources, so that an edit made
	# during the build makes the next run build again
	touch -d "@$t0" "$DEB"
}

# deps_met: the package's Depends (versions, alternatives) against the
# guest root's dpkg database, checked by dpkg-dev's own resolver (that of
# Build-Depends; dpkg -i --no-act stops before its dependency check)
deps_met() {
	local deps out
	command -v dpkg-checkbuilddeps >/dev/null || die "dpkg-checkbuilddeps missing (Debian: dpkg-dev)"
	deps=$(dpkg-deb -f "$DEB" Depends) || die "dpkg-deb -f $DEB Depends"
	out=$(dpkg-checkbuilddeps --admindir="$ROOTFS/var/lib/dpkg" -a "$ARCH" -d "$deps" /dev/null 2>&1) ||
		die "the guest's root $ROOTFS lacks what the package depends on (setup.sh's ROOT_PKGS): ${out##*: }"
	say "package: Depends met by the guest's root: $deps"
}

# install_acd DEST: the package unpacked in DEST (emptied first), as dpkg
# lays it on the guest's merged-/usr root
install_acd() {
	local dest=$1 d to
	rm -rf "$dest"; mkdir -p "$dest"
	dpkg -x "$DEB" "$dest" || die "dpkg -x $DEB $dest"
	for d in "$dest"/*/; do
		d=$(basename "$d")
		[ -L "$ROOTFS/$d" ] || continue
		to=$(readlink "$ROOTFS/$d")   # lib -> usr/lib
		mkdir -p "$dest/$to" || die "mkdir $dest/$to"
		cp -a "$dest/$d/." "$dest/$to/" || die "moving $dest/$d into $dest/$to, as the guest's root has /$d"
		rm -rf "${dest:?}/$d"
	done
}

mkdir -p "$(dirname "$DEST")"
deb_current
deps_met
install_acd "$DEST"
for b in acd acdctl acd-shape nat64ctl; do
	f=$DEST/usr/sbin/$b
	[ -x "$f" ] || die "$f was not installed"
	file -b "$f" | grep -q "$MAGIC" || die "$f is not an $ARCH program: $(file -b "$f")"
done
say "installed $(basename "$DEB") in $DEST ($(elapsed)s): $(cd "$DEST" && echo usr/sbin/*)"
