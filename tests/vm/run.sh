#!/bin/bash
# tests/vm/run.sh - boot one VM of the test bed and run a guest script in it.
#
#   run.sh [--name NAME] [--out DIR] [--timeout SECONDS] SCRIPT [ARG...]
#   run.sh --shell            interactive guest shell on this terminal
#
# The guest is Debian's stock kernel (from the cache that setup.sh fills) under
# QEMU with the host's root file system shared read-only (writes land in a
# tmpfs overlay), so SCRIPT and everything it runs are the host's files, given
# by absolute path.  SCRIPT runs as root with bash; every ACD_* variable of
# this environment is passed to it.
#
# Output: DIR/console.log (the whole serial console), DIR/rc (the guest
# script's exit status) and whatever the script stores in /mnt/out (= DIR).
# DIR defaults to ./vm-out/NAME and is emptied first.
#
# Exit status: the guest script's (0 pass, 77 skip, other = fail); 124 timeout;
# 125 no result (kernel panic, guest crash, QEMU failure); 77 when
# ACD_VM_SKIP=1; 1 when the test bed is not set up.
#
# Environment: ACD_VM_CACHE (/var/cache/acd-vm), ACD_VM_SKIP, ACD_VM_TIMEOUT
# (600), ACD_VM_MEM (MiB, 1024), ACD_VM_SMP (2), ACD_VM_ACCEL (auto|tcg|kvm),
# ACD_VM_LOGLEVEL (kernel console loglevel, 4).
#
# ACD_VM_ARCH=arm64|armhf boots Debian's ARM kernel instead (TCG, cache
# ACD_VM_CACHE-ARCH): its root is the one setup.sh made for it, with
# ACD_VM_ACD_ROOT (acd installed for that architecture, acd-install.sh) laid
# over it, and the source tree this script is in mounted at its own path, so
# that SCRIPT (which must lie in it) and the scenarios' libraries are there.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCH=${ACD_VM_ARCH:-amd64}
CACHE=${ACD_VM_CACHE:-/var/cache/acd-vm}
[ "$ARCH" = amd64 ] || CACHE=$CACHE-$ARCH
SRC=$(cd "$HERE/../.." && pwd)
NAME='' OUT='' TIMEOUT=${ACD_VM_TIMEOUT:-600} SHELLMODE=0
usage() { echo "usage: $0 [--name NAME] [--out DIR] [--timeout S] SCRIPT [ARG...] | --shell" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--name)    NAME=$2; shift 2 ;;
	--out)     OUT=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--shell)   SHELLMODE=1; shift ;;
	--)        shift; break ;;
	-*)        usage ;;
	*)         break ;;
	esac
done
if [ "$SHELLMODE" = 0 ]; then
	[ $# -ge 1 ] || usage
	SCRIPT=$(realpath -e "$1") || { echo "vm-run: no such script: $1" >&2; exit 1; }
	shift
	: "${NAME:=$(basename "$SCRIPT" .sh)}"
else
	: "${NAME:=shell}"
fi
say() { printf 'vm-run[%s]: %s\n' "$NAME" "$*" >&2; }
# shellcheck source=host-lib.sh
. "$HERE/host-lib.sh"
vm_skip_unless_ready SKIP "the guest runs the host's root file system as root"

# a setup.sh run changing the cache waits for us (and we for it); QEMU
# inherits the lock, so it is held until the VM is gone
if [ -e "$CACHE/.lock" ]; then
	exec 9<"$CACHE/.lock"
	flock -s -n 9 || { say "waiting for setup.sh to finish with $CACHE"; flock -s -w 1800 9; } ||
		{ say "FAIL: $CACHE/.lock still held after 30 minutes"; exit 1; }
fi
KVER=$(cat "$CACHE/current" 2>/dev/null || true)
KERNEL=$CACHE/kroot-$KVER/boot/vmlinuz-$KVER
MODULES=$CACHE/kroot-$KVER/lib/modules
INITRD=$CACHE/initramfs-$KVER.cpio.gz
if [ -z "$KVER" ] || [ ! -f "$KERNEL" ] || [ ! -f "$INITRD" ]; then
	say "FAIL: the VM test bed is not set up in $CACHE: run $HERE/setup.sh (ctest: vm.setup)"
	exit 1
fi
# per architecture: QEMU, its machine and CPU (under TCG: a Cortex-A72 as
# in a Pi 4; "max" would add pointer authentication, slow to emulate), the
# serial console, the root shared as the guest's
case $ARCH in
amd64) QEMU_BIN=qemu-system-x86_64 MACHINE=q35 TCG_CPU=max CONSOLE=ttyS0 ROOTDIR=/ ;;
arm64) QEMU_BIN=qemu-system-aarch64 MACHINE=virt TCG_CPU=cortex-a72 CONSOLE=ttyAMA0 ROOTDIR=$CACHE/rootfs ;;
armhf) QEMU_BIN=qemu-system-arm MACHINE=virt,highmem=off TCG_CPU=cortex-a15 CONSOLE=ttyAMA0 ROOTDIR=$CACHE/rootfs ;;
*)     say "FAIL: ACD_VM_ARCH=$ARCH (use amd64, arm64 or armhf)"; exit 1 ;;
esac
command -v "$QEMU_BIN" >/dev/null ||
	{ say "FAIL: $QEMU_BIN missing: run ACD_VM_ARCH=$ARCH $HERE/setup.sh"; exit 1; }
[ -x "$ROOTDIR/bin/bash" ] ||
	{ say "FAIL: no $ARCH root in $ROOTDIR: run ACD_VM_ARCH=$ARCH $HERE/setup.sh"; exit 1; }
if [ "$ARCH" != amd64 ] && [ "$SHELLMODE" = 0 ]; then
	case $SCRIPT in
	"$SRC"/*) ;;
	*) say "FAIL: an $ARCH guest sees only $SRC of the host: $SCRIPT is not in it"; exit 1 ;;
	esac
fi

: "${OUT:=$PWD/vm-out/$NAME}"
mkdir -p "$OUT" && OUT=$(realpath "$OUT") || exit 1
find "$OUT" -mindepth 1 -delete

# the guest command: ACD_* variables (shell-quoted), then the script
if [ "$SHELLMODE" = 0 ]; then
	{
		echo "# written by $0 for test $NAME"
		while IFS= read -r v; do
			printf 'export %s=%q\n' "$v" "${!v}"
		done < <(compgen -v | grep '^ACD_' | grep -v '^ACD_VM_CACHE$')
		printf 'export ACD_VM_NAME=%q ACD_VM_OUT=/mnt/out ACD_VM_HOST_OUT=%q\n' "$NAME" "$OUT"
		printf 'cd /mnt/out || exit 125\n'
		printf 'exec bash %q' "$SCRIPT"; printf ' %q' "$@"; printf '\n'
	} > "$OUT/guest-cmd.sh"
fi

# kvm_cpu: the first CPU model with which this host's KVM boots the guest
# kernel as far as its first console line, or nothing.  /dev/kvm is not
# enough: under nested or paravirtual KVM QEMU may abort at the first vCPU
# reset (`-cpu host` passes an MSR, IA32_ARCH_CAPABILITIES, the host then
# refuses), or the vCPU may spin without ever reaching the kernel.  The
# kernel boots without an initramfs, panics at the missing root and QEMU
# exits (-no-reboot): a second or two.  The answer is kept for this boot of
# the host in $CACHE.
kvm_cpu() {
	local c log memo=$CACHE/kvm-cpu.$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
	[ -w /dev/kvm ] || return 0
	if [ -f "$memo" ]; then
		cat "$memo"
		return 0
	fi
	log=$(mktemp)
	for c in host host,-arch-capabilities ''; do
		[ -n "$c" ] || break
		timeout 15 qemu-system-x86_64 -machine q35 -accel kvm -cpu "$c" -m 256 \
			-kernel "$KERNEL" -append "console=ttyS0 loglevel=7 panic=-1" \
			-display none -monitor none -serial stdio -no-reboot -nic none \
			</dev/null >"$log" 2>&1
		grep -q 'Linux version' "$log" && break
	done
	rm -f "$log"
	rm -f "$CACHE"/kvm-cpu.*
	echo "$c" >"$memo" 2>/dev/null
	echo "$c"
}
ACCEL=${ACD_VM_ACCEL:-auto}
KVM_CPU=
# an ARM guest on this amd64 host is emulated
[ "$ARCH" = amd64 ] || ACCEL=tcg
if [ "$ACCEL" = auto ] || [ "$ACCEL" = kvm ]; then
	KVM_CPU=$(kvm_cpu)
	if [ -n "$KVM_CPU" ]; then
		ACCEL=kvm
	elif [ "$ACCEL" = kvm ]; then
		say "FAIL: ACD_VM_ACCEL=kvm but KVM cannot boot the guest kernel here (/dev/kvm missing or not writable, or its vCPU fails; see kvm_cpu in run.sh): use tcg or auto"
		exit 1
	else
		[ -e /dev/kvm ] && say "/dev/kvm is here but KVM cannot boot the guest kernel with it: using TCG"
		ACCEL=tcg
	fi
fi
case $ACCEL in
kvm) ACCEL_ARGS=(-accel kvm -cpu "$KVM_CPU") ;;
tcg) ACCEL_ARGS=(-accel tcg,thread=multi -cpu "$TCG_CPU") ;;
*)   say "FAIL: ACD_VM_ACCEL=$ACCEL (use auto, tcg or kvm)"; exit 1 ;;
esac

APPEND="console=$CONSOLE quiet loglevel=${ACD_VM_LOGLEVEL:-4} panic=-1 oops=panic"
APPEND="$APPEND acd.stage2=$HERE/guest/stage2.sh"
[ "$SHELLMODE" = 1 ] && APPEND="$APPEND acd.shell=1"
# an ARM guest: the source tree, and acd's install tree over its root
EXTRA=()
if [ "$ARCH" != amd64 ]; then
	APPEND="$APPEND acd.src=$SRC"
	EXTRA+=(-fsdev local,id=src,path="$SRC",security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=src,mount_tag=src)
	if [ -n "${ACD_VM_ACD_ROOT:-}" ]; then
		[ -d "$ACD_VM_ACD_ROOT" ] ||
			{ say "FAIL: ACD_VM_ACD_ROOT=$ACD_VM_ACD_ROOT is not a directory (acd-install.sh makes it)"; exit 1; }
		APPEND="$APPEND acd.acdroot=1"
		EXTRA+=(-fsdev local,id=acdroot,path="$ACD_VM_ACD_ROOT",security_model=none,readonly=on
			-device virtio-9p-pci,fsdev=acdroot,mount_tag=acdroot)
	fi
fi

QEMU=("$QEMU_BIN" -machine "$MACHINE" "${ACCEL_ARGS[@]}"
	-smp "${ACD_VM_SMP:-2}" -m "${ACD_VM_MEM:-1024}"
	-kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND"
	-display none -monitor none -serial stdio -no-reboot -nic none
	-fsdev local,id=hostroot,path="$ROOTDIR",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev local,id=modules,path="$MODULES",security_model=none,readonly=on
	-device virtio-9p-pci,fsdev=modules,mount_tag=modules
	-fsdev local,id=out,path="$OUT",security_model=none
	-device virtio-9p-pci,fsdev=out,mount_tag=out
	-device virtio-rng-pci "${EXTRA[@]}")

if [ "$SHELLMODE" = 1 ]; then
	exec "${QEMU[@]}"
fi


say "booting $KVER ($ACCEL${KVM_CPU:+ -cpu $KVM_CPU}, ${ACD_VM_SMP:-2} CPU, ${ACD_VM_MEM:-1024} MiB, timeout ${TIMEOUT}s): $SCRIPT $*"
say "console: $OUT/console.log"
VM_T0=$(date +%s.%N)   # elapsed (host-lib.sh) counts the boot from here
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null' EXIT
trap 'say "interrupted"; exit 130' INT TERM
# QEMU runs in the background so that the timeout and the clean-up act on
# its PID; the console streams to our stdout and to console.log
"${QEMU[@]}" </dev/null > >(tr -d '\r' | tee "$OUT/console.log") 2>"$OUT/qemu.stderr" &
QPID=$!
# watchdog: polls, so it ends by itself within a second of QEMU
(
	end=$((SECONDS + TIMEOUT))
	while kill -0 "$QPID" 2>/dev/null; do
		if [ $SECONDS -ge $end ]; then
			touch "$OUT/.timeout"; kill "$QPID"; sleep 5; kill -9 "$QPID"; break
		fi
		sleep 1
	done
) >/dev/null 2>&1 &
WD=$!
QRC=0
wait "$QPID" || QRC=$?
QPID=
wait "$WD" || true
sleep 0.2   # let tee finish the log
WALL=$(elapsed)

if [ -s "$OUT/qemu.stderr" ]; then sed 's/^/qemu: /' "$OUT/qemu.stderr" >&2; fi
panic=$(grep -m1 -E 'Kernel panic|BUG: |Oops: |general protection fault' "$OUT/console.log" 2>/dev/null || true)
if [ -e "$OUT/.timeout" ]; then
	say "FAIL: TIMEOUT: no result after ${TIMEOUT}s, VM killed (console: $OUT/console.log)"
	exit 124
fi
if [ -n "$panic" ]; then
	say "FAIL: guest kernel crashed: $panic (console: $OUT/console.log)"
	exit 125
fi
if [ ! -f "$OUT/rc" ]; then
	say "FAIL: the VM ended without a result (qemu exit $QRC, ${WALL}s; console: $OUT/console.log)"
	exit 125
fi
RC=$(cat "$OUT/rc")
case $RC in
''|*[!0-9]*) say "FAIL: garbled result '$RC'"; exit 125 ;;
0)  say "PASS (${WALL}s)" ;;
77) say "SKIP (${WALL}s): $(grep -m1 '^SKIP' "$OUT/console.log" || echo 'guest exit 77')" ;;
*)  say "FAIL: guest script exit status $RC (${WALL}s; console: $OUT/console.log)" ;;
esac
exit "$RC"
