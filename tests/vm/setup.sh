#!/bin/bash
# tests/vm/setup.sh - prepare the real-kernel VM test bed (idempotent).
#
#   1. host packages (QEMU and everything the guest uses: the guest runs the
#      host's root file system read-only, so pppd, iperf3, jool, tc ... come
#      from here)
#   2. the current Debian kernel (resolved from the linux-image-amd64
#      metapackage), its headers and kbuild, and jool-dkms: downloaded with
#      apt-get and unpacked into the cache, never installed on the host
#   3. the Jool kernel modules, built against those headers
#   4. ARM guests only: a bookworm root of their own (mmdebstrap)
#   5. a tiny initramfs (busybox-static + virtio/9p/overlay modules)
#
# Each step leaves a stamp file holding the versions it was made from; a step
# whose stamp matches is skipped, so a second run takes about a second.
#
# Environment:
#   ACD_VM_CACHE   cache directory (default /var/cache/acd-vm)
#   ACD_VM_SKIP=1  operator opts out of the VM suite: exit 77 (skip)
#   ACD_VM_NO_APT=1  never run apt-get install/update for host packages
#                    (fail if one is missing)
#   ACD_VM_FORCE=1   redo every step
#
#   ACD_VM_ARCH    amd64 (default), arm64 or armhf: the guest's architecture.
#                  An ARM guest cannot run the host's root: step 4 builds a
#                  bookworm root of that architecture with mmdebstrap; its
#                  cache is ACD_VM_CACHE with -ARCH appended
#                  (/var/cache/acd-vm-arm64), never the amd64 one.
#
# Exit status: 0 ready, 77 skipped (ACD_VM_SKIP), 1 failed (with the reason).
set -euo pipefail

ARCH=${ACD_VM_ARCH:-amd64}
CACHE=${ACD_VM_CACHE:-/var/cache/acd-vm}
[ "$ARCH" = amd64 ] || CACHE=$CACHE-$ARCH
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RECIPE=3        # bump when the way a step is done changes

say()  { printf 'vm-setup[%s]: %s\n' "$ARCH" "$*"; }
die()  { printf 'vm-setup[%s]: FAILED: %s\n' "$ARCH" "$*" >&2; exit 1; }
# shellcheck source=host-lib.sh
. "$HERE/host-lib.sh"
vm_skip_unless_ready skipped "installs packages, writes $CACHE, runs QEMU with the host root shared"

mkdir -p "$CACHE/stamps"

stamp_ok()  { [ "${ACD_VM_FORCE:-0}" != 1 ] && [ -f "$CACHE/stamps/$1" ] &&
	      [ "$(cat "$CACHE/stamps/$1")" = "$2" ]; }
stamp_set() { printf '%s\n' "$2" > "$CACHE/stamps/$1.tmp" &&
	      mv "$CACHE/stamps/$1.tmp" "$CACHE/stamps/$1"; }

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0
apt_update() {
	[ "$APT_UPDATED" = 1 ] && return 0
	say "apt-get update"
	apt-get update -q >"$CACHE/apt-update.log" 2>&1 ||
		{ cat "$CACHE/apt-update.log" >&2; return 1; }
	APT_UPDATED=1
}

# ---- 1. host packages ------------------------------------------------------
# per architecture: the kernel's metapackage, the package qualifier of
# foreign packages, QEMU, the kernel's ARCH and the cross compiler for Jool
# (none: no Jool, the armhf guest only shapes), the guest's own root
case $ARCH in
amd64)	META=linux-image-amd64 Q='' KARCH='' CROSS='' JOOL=1 OWNROOT=0
	HOST_PKGS=(qemu-system-x86 busybox-static
		iproute2 iputils-ping procps psmisc jq        # guest: plumbing
		ppp pppoe iperf3 jool-tools) ;;               # guest: the real things
arm64)	META=linux-image-arm64 Q=:arm64 KARCH=arm64 CROSS=aarch64-linux-gnu- JOOL=1 OWNROOT=1
	HOST_PKGS=(qemu-system-arm gcc-12-aarch64-linux-gnu mmdebstrap arch-test qemu-user-static) ;;
armhf)	META=linux-image-armmp Q=:armhf KARCH=arm CROSS='' JOOL=0 OWNROOT=1
	HOST_PKGS=(qemu-system-arm mmdebstrap arch-test qemu-user-static) ;;
*)	die "ACD_VM_ARCH=$ARCH: use amd64, arm64 or armhf" ;;
esac
HOST_PKGS+=(cpio kmod gzip make gcc-12 libelf-dev)  # initramfs, building Jool
if [ "$OWNROOT" = 1 ]; then
	# the guest's root: what the scenarios run (guest/*.sh, ../common), and
	# the shared libraries of acd, which run.sh lays over it.  The list is
	# part of the root's stamp (RKEY): a package added here remakes the root.
	ROOT_PKGS=(bash busybox-static hostname mount util-linux mawk kmod
		iproute2 iputils-ping procps psmisc jq diffutils
		ppp pppoe iperf3 jool-tools
		bind9 bind9-dnsutils                          # nat64ctl: named, dig
		freeradius freeradius-utils                   # acd-ac: RADIUS, radclient
		libnl-3-200 libnl-route-3-200 libev4 libjansson4 libinih1 libradcli4
		libnettle8 libgnutls30 libmicrohttpd12)
fi
missing=()
for p in "${HOST_PKGS[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "${ACD_VM_NO_APT:-0}" = 1 ] &&
		die "host packages missing: ${missing[*]} (ACD_VM_NO_APT=1 forbids installing them)"
	say "installing host packages: ${missing[*]}"
	inst() { apt-get install -y -q --no-install-recommends "${missing[@]}" \
		>"$CACHE/apt-install.log" 2>&1; }
	inst || { apt_update && inst; } ||
		{ tail -20 "$CACHE/apt-install.log" >&2; die "apt-get install ${missing[*]} failed"; }
fi

# apt knows the guest's packages (kernel, root) only with its architecture
# added: a fresh host has none (tools/deb adds it, but runs after setup)
if [ -n "$Q" ] && ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
	[ "${ACD_VM_NO_APT:-0}" = 1 ] &&
		die "apt has no $ARCH architecture (dpkg --add-architecture $ARCH; ACD_VM_NO_APT=1 forbids adding it)"
	say "dpkg --add-architecture $ARCH"
	dpkg --add-architecture "$ARCH" || die "dpkg --add-architecture $ARCH"
	APT_UPDATED=0
	apt_update || die "apt-get update after adding $ARCH failed"
fi

# ---- 2. resolve the current Debian kernel ----------------------------------
# linux-image-amd64 -> linux-image-6.1.0-NN-amd64 -> headers, common, kbuild.
# apt-cache is slow (about a second a call): the answer is kept in
# $CACHE/resolved together with a fingerprint of apt's package lists.
# dep PKG RE: PKG's first dependency matching RE, without <virtual> brackets
# or an :arch qualifier (linux-kbuild of the host: it runs here)
dep() { apt-cache depends "$1" 2>/dev/null |
	awk -v re="$2" '$1=="Depends:" { gsub(/[<>]/, "", $2); sub(/:[a-z0-9]+$/, "", $2) } $1=="Depends:" && $2 ~ re {print $2; exit}'; }
lists_fp() { stat -c '%n %Y %s' /var/lib/apt/lists/*_Packages* 2>/dev/null | sha256sum | cut -c1-16; }
declare -A VER
resolve() {
	local fp; fp=$(lists_fp)
	if [ "${ACD_VM_FORCE:-0}" != 1 ] && [ -f "$CACHE/resolved" ] &&
	   [ "$(sed -n 1p "$CACHE/resolved")" = "fp=$fp" ]; then
		# shellcheck disable=SC1091
		. <(sed 1d "$CACHE/resolved")
	else
		IMG=$(dep "$META$Q" '^linux-image-[0-9]')$Q
		[ "$IMG" != "$Q" ] || return 1
		HDR=linux-headers-${IMG#linux-image-}
		COMMON=$(dep "$HDR" '^linux-headers-.*-common')
		KBUILD=$(dep "$HDR" '^linux-kbuild-')
		[ -n "$COMMON" ] && [ -n "$KBUILD" ] || return 1
		VERS=$(apt-cache policy "$IMG" "$HDR" "$COMMON" "$KBUILD" jool-dkms 2>/dev/null |
			awk '/^[^ ]/{sub(":$","",$1); p=$1} /Candidate:/{printf "%s=%s ", p, $2}')
		{ echo "fp=$fp"; printf 'IMG=%q HDR=%q COMMON=%q KBUILD=%q VERS=%q\n' \
			  "$IMG" "$HDR" "$COMMON" "$KBUILD" "$VERS"; } > "$CACHE/resolved.$$"
		mv "$CACHE/resolved.$$" "$CACHE/resolved"
	fi
	KVER=${IMG#linux-image-}
	KVER=${KVER%"$Q"}
	HDRDIR=${HDR%"$Q"}
	PKGS=("$IMG" "$HDR" "$COMMON" "$KBUILD" jool-dkms)
	VER=()
	local kv p
	for kv in $VERS; do VER[${kv%%=*}]=${kv#*=}; done
	KEY="recipe=$RECIPE"
	for p in "${PKGS[@]}"; do
		[ -n "${VER[$p]:-}" ] && [ "${VER[$p]}" != "(none)" ] ||
			{ rm -f "$CACHE/resolved"; return 1; }
		KEY="$KEY $p=${VER[$p]}"
	done
}
cand() { printf '%s' "${VER[$1]}"; }
resolve || { apt_update || true; resolve; } ||
	die "cannot resolve the kernel from the $META$Q metapackage (apt-get update failed or no such package); set ACD_VM_SKIP=1 to opt out of the VM suite"
say "kernel $KVER ($(cand "$IMG")), jool-dkms $(cand jool-dkms)"

# userspace jool must match the module (the guest runs the host's jool, or
# the one of its own root, from the same archive)
if [ "$OWNROOT" = 0 ]; then
	JT=$(dpkg-query -W -f='${Version}' jool-tools 2>/dev/null || true)
	[ "${JT%%-*}" = "$(cand jool-dkms | sed 's/-.*//')" ] ||
		say "WARNING: jool-tools $JT differs from jool-dkms $(cand jool-dkms): Jool refuses mismatched versions"
fi

KROOT=$CACHE/kroot-$KVER
JKEY="$KEY build=$RECIPE${KARCH:+ cross=$KARCH}"
INIT_SRC=$HERE/initramfs-init
# the guest's own root (ARM): keyed on the packages it is made of, each
# with its candidate version for this architecture
ROOTFS=$CACHE/rootfs
RKEY=''
if [ "$OWNROOT" = 1 ]; then
	RKEY="recipe=$RECIPE arch=$ARCH $(apt-cache policy "${ROOT_PKGS[@]/%/$Q}" 2>/dev/null |
		awk '/^[^ ]/{sub(":$","",$1); p=$1} /Candidate:/{printf "%s=%s ", p, $2}')"
	[[ $RKEY != *'(none)'* ]] || die "a package of the $ARCH root has no candidate: $RKEY"
	# apt-cache names nothing it does not know: every package in the key,
	# or adding one to ROOT_PKGS would not remake the root
	for p in "${ROOT_PKGS[@]}"; do
		[[ " $RKEY" == *" $p$Q="* ]] || die "$p$Q, a package of the $ARCH root, is unknown to apt: $RKEY"
	done
	BBVER=$(sed -n "s/.* busybox-static$Q=\([^ ]*\).*/\1/p" <<<"$RKEY")
else
	BBVER=$(dpkg-query -W -f='${Version}' busybox-static)
fi
IKEY="$JKEY busybox=$BBVER init=$(sha256sum < "$INIT_SRC" | cut -c1-16)"
INITRD=$CACHE/initramfs-$KVER.cpio.gz
all_cached() {
	stamp_ok "kernel-$KVER" "$KEY" && { [ "$JOOL" = 0 ] || stamp_ok "jool-$KVER" "$JKEY"; } &&
	{ [ "$OWNROOT" = 0 ] || { stamp_ok rootfs "$RKEY" && [ -x "$ROOTFS/bin/bash" ]; }; } &&
	stamp_ok "initramfs-$KVER" "$IKEY" && [ -s "$INITRD" ] && [ -f "$KROOT/boot/vmlinuz-$KVER" ] &&
	[ "$(cat "$CACHE/current" 2>/dev/null)" = "$KVER" ]
}
# Running VMs hold the cache lock shared: when nothing is to be done, do not
# wait for them.  Otherwise take it exclusively (and re-check under it).
if all_cached; then
	say "ready: kernel $KVER, cache $CACHE, all steps cached ($(elapsed)s)"
	exit 0
fi
exec 9>>"$CACHE/.lock"
if ! flock -n 9; then
	say "waiting for VMs or another setup using $CACHE"
	flock -w 1800 9 || die "$CACHE/.lock still held after 30 minutes"
fi

if stamp_ok "kernel-$KVER" "$KEY" && [ -d "$KROOT/lib/modules/$KVER" ]; then
	say "kernel: cached ($KROOT)"
else
	say "kernel: downloading ${PKGS[*]}"
	DL=$CACHE/debs.tmp; rm -rf "$DL"; mkdir -p "$DL"
	chown _apt "$DL" 2>/dev/null || true          # apt drops to _apt for downloads
	pkgver=(); for p in "${PKGS[@]}"; do pkgver+=("$p=$(cand "$p")"); done
	dl() { (cd "$DL" && apt-get download -q "${pkgver[@]}") >"$CACHE/download.log" 2>&1; }
	if ! dl; then
		# stale package lists name files the mirror no longer has: refresh once
		if apt_update && resolve; then
			pkgver=(); for p in "${PKGS[@]}"; do pkgver+=("$p=$(cand "$p")"); done
			KROOT=$CACHE/kroot-$KVER
			dl || true
		fi
	fi
	for p in "${PKGS[@]}"; do
		ls "$DL/${p%"$Q"}_"*.deb >/dev/null 2>&1 || {
			tail -5 "$CACHE/download.log" >&2
			die "cannot download $p (kernel $KVER) from the Debian mirror; the VM suite cannot run without it. Set ACD_VM_SKIP=1 to opt out explicitly."
		}
	done
	rm -rf "$KROOT" "$KROOT.tmp"; mkdir -p "$KROOT.tmp"
	for p in "${PKGS[@]}"; do dpkg -x "$DL/${p%"$Q"}_"*.deb "$KROOT.tmp"; done
	[ -f "$KROOT.tmp/boot/vmlinuz-$KVER" ] || die "no vmlinuz-$KVER in $IMG"
	mv "$KROOT.tmp" "$KROOT"
	rm -rf "$DL"
	# the headers' Makefile includes the -common tree by its absolute /usr/src path
	sed -i "s|^include /usr/src/|include $KROOT/usr/src/|" "$KROOT/usr/src/$HDRDIR/Makefile"
	rm -f "$CACHE/stamps/jool-$KVER" "$CACHE/stamps/initramfs-$KVER"
	stamp_set "kernel-$KVER" "$KEY"
	say "kernel: unpacked into $KROOT ($(elapsed)s)"
fi

# ---- 3. Jool modules ----------------------------------------------------------
# an ARM kernel's: cross-compiled (the headers' scripts are the host's
# linux-kbuild, unpacked beside them)
KMAKE=()
[ -z "$KARCH" ] || KMAKE=(ARCH="$KARCH" CROSS_COMPILE="$CROSS")
[ -z "$CROSS" ] || KMAKE+=(CC="${CROSS}gcc-12")
if [ "$JOOL" = 0 ]; then
	say "jool: not built for $ARCH (no scenario of this guest needs it)"
elif stamp_ok "jool-$KVER" "$JKEY" && ls "$KROOT/lib/modules/$KVER/updates/jool/"*.ko >/dev/null 2>&1; then
	say "jool: cached"
else
	JSRC=$(ls -d "$KROOT"/usr/src/jool-* 2>/dev/null | head -1)
	[ -n "$JSRC" ] || die "jool-dkms source not found under $KROOT/usr/src"
	JB=$CACHE/jool-build; rm -rf "$JB"; cp -a "$JSRC" "$JB"
	# the module directories dkms.conf builds (4.1.x: src/mod/common, nat64, siit)
	mapfile -t jdirs < <(sed -n 's/^BUILT_MODULE_LOCATION\[[0-9]*\]="*\([^"]*\)"*/\1/p' "$JB/dkms.conf" | sort -u)
	[ ${#jdirs[@]} -gt 0 ] || jdirs=(src/mod/common src/mod/nat64 src/mod/siit)
	say "jool: building ${jdirs[*]} for $KVER"
	for d in "${jdirs[@]}"; do
		d=${d%/}
		make -C "$KROOT/usr/src/$HDRDIR" M="$JB/$d" -j"$(nproc)" "${KMAKE[@]}" modules \
			>"$CACHE/jool-build.log" 2>&1 ||
			{ tail -30 "$CACHE/jool-build.log" >&2; die "building Jool ($d) against $HDR failed"; }
	done
	rm -rf "$KROOT/lib/modules/$KVER/updates/jool"
	mkdir -p "$KROOT/lib/modules/$KVER/updates/jool"
	find "$JB" -name '*.ko' -exec cp {} "$KROOT/lib/modules/$KVER/updates/jool/" \;
	depmod -b "$KROOT" "$KVER"
	rm -rf "$JB"
	rm -f "$CACHE/stamps/initramfs-$KVER"
	stamp_set "jool-$KVER" "$JKEY"
	say "jool: $(cd "$KROOT/lib/modules/$KVER/updates/jool" && echo *.ko) ($(elapsed)s)"
fi

# ---- 4. the guest's own root (ARM) ---------------------------------------------------
# A bookworm root of the guest's architecture, made with mmdebstrap (its
# maintainer scripts run under qemu-user, registered with binfmt_misc), from
# the host's apt sources.  run.sh shares it read-only as the guest's root and
# lays the acd under test over it (ACD_VM_ACD_ROOT, see acd-install.sh).
if [ "$OWNROOT" = 1 ]; then
	if stamp_ok rootfs "$RKEY" && [ -x "$ROOTFS/bin/bash" ]; then
		say "root: cached ($ROOTFS)"
	else
		qa=$(case $ARCH in arm64) echo aarch64 ;; armhf) echo arm ;; esac)
		if [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$qa" ]; then
			mountpoint -q /proc/sys/fs/binfmt_misc ||
				mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
				die "cannot mount binfmt_misc (mmdebstrap runs $ARCH maintainer scripts under qemu-user)"
			f=/usr/lib/binfmt.d/qemu-$qa.conf
			[ -f "$f" ] || die "$f missing (qemu-user-static)"
			sed -n 's/^\(:.*\)/\1/p' "$f" > /proc/sys/fs/binfmt_misc/register ||
				die "cannot register qemu-$qa with binfmt_misc"
			say "registered qemu-$qa-static with binfmt_misc"
		fi
		say "root: mmdebstrap $ARCH bookworm with ${ROOT_PKGS[*]}"
		src=
		for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
			[ -f "$f" ] && grep -q '^[^#]*deb.*debian' "$f" && { src=$f; break; }
		done
		[ -n "$src" ] || die "no Debian apt source found in /etc/apt to build the root from"
		rm -rf "$ROOTFS" "$ROOTFS.tmp"
		# mmdebstrap has apt run `cat >&FD` by /bin/sh, and dash reads
		# one digit there: with the descriptors this script inherits
		# (flock's, ctest's) and the cache lock's 9, FD was 11 ("Bad fd
		# number").  It gets only 0-2.
		(for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			[ "$fd" -le 2 ] || eval "exec $fd>&-"
		 done
		 exec mmdebstrap --mode=root --variant=apt --arch="$ARCH" \
			--include="$(IFS=,; echo "${ROOT_PKGS[*]}")" \
			--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
			--dpkgopt='path-exclude=/usr/share/locale/*' \
			bookworm "$ROOTFS.tmp" "$src") </dev/null >"$CACHE/mmdebstrap.log" 2>&1 ||
			{ tail -30 "$CACHE/mmdebstrap.log" >&2; die "mmdebstrap of the $ARCH root failed (log: $CACHE/mmdebstrap.log)"; }
		[ -x "$ROOTFS.tmp/bin/bash" ] && [ -x "$ROOTFS.tmp/bin/busybox" ] ||
			die "the $ARCH root has no bash or busybox"
		mv "$ROOTFS.tmp" "$ROOTFS"
		rm -f "$CACHE/stamps/initramfs-$KVER"
		stamp_set rootfs "$RKEY"
		say "root: $ROOTFS ($(du -sm "$ROOTFS" | cut -f1) MiB, $(elapsed)s)"
	fi
fi

# ---- 5. initramfs ----------------------------------------------------------------
BB=/bin/busybox
[ "$OWNROOT" = 0 ] || BB=$ROOTFS/bin/busybox    # of the guest's architecture
if stamp_ok "initramfs-$KVER" "$IKEY" && [ -s "$INITRD" ]; then
	say "initramfs: cached"
else
	W=$(mktemp -d "$CACHE/initrd.XXXXXX")
	trap 'rm -rf "$W"' EXIT
	# the Jool step runs depmod; without Jool (armhf) it is done here
	[ -s "$KROOT/lib/modules/$KVER/modules.dep" ] || depmod -b "$KROOT" "$KVER"
	mkdir -p "$W"/{bin,dev,proc,sys,mods,lower,rw,newroot}
	cp "$BB" "$W/bin/busybox"
	: > "$W/modules.list"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" || die "modprobe --show-depends $m"
	done | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++' | while read -r ko; do
		b=$(basename "$ko")
		case $b in
		*.ko.xz)  xz -dc "$ko" > "$W/mods/${b%.xz}"; b=${b%.xz} ;;
		*.ko.zst) zstd -qdc "$ko" > "$W/mods/${b%.zst}"; b=${b%.zst} ;;
		*)        cp "$ko" "$W/mods/" ;;
		esac
		echo "$b" >> "$W/modules.list"
	done
	install -m 0755 "$INIT_SRC" "$W/init"
	(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) > "$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	stamp_set "initramfs-$KVER" "$IKEY"
	say "initramfs: $INITRD ($(du -k "$INITRD" | cut -f1) KiB; modules: $(tr '\n' ' ' < "$W/modules.list"))"
fi

# ---- done: publish, and drop other kernels' leftovers -------------------------
printf '%s\n' "$KVER" > "$CACHE/current.tmp"; mv "$CACHE/current.tmp" "$CACHE/current"
for d in "$CACHE"/kroot-*; do
	[ -d "$d" ] && [ "$d" != "$KROOT" ] && { say "removing old $d"; rm -rf "$d"; }
done
for f in "$CACHE"/initramfs-*.cpio.gz; do
	[ -f "$f" ] && [ "$f" != "$INITRD" ] && rm -f "$f"
done
say "ready: kernel $KVER, cache $CACHE ($(elapsed)s)"
