#!/bin/bash
# accel-ppp-build.sh - accel-ppp built from source, for the VM benchmarks'
# side-by-side runs (bench.vm-pppoe-throughput, bench.vm-pppoe-setup): the
# access concentrator operators pick when pppoe-server is too slow.  Not
# part of the suite: CI never builds it (nothing here reaches GitHub).
#
#   usage: tests/bench/accel-ppp-build.sh SRC
#     SRC  an accel-ppp git repository (a clone, or a bare mirror), or
#          ACD_ACCEL_PPP_SRC
#
# Builds SRC's HEAD with -DBUILD_DRIVER=FALSE (no ipoe kernel module: the
# PPPoE benchmarks do not need it) into a prefix under
# /var/cache/acd-bench/accel-ppp/COMMIT (ACD_BENCH_CACHE overrides the
# /var/cache/acd-bench part) and points the link `current` there; a second
# call with the same commit builds nothing.  The VM guest sees the host's
# root file system, so the prefix is what the guest runs.  Installs
# libssl-dev and libpcre2-dev if they are missing (root).  Prints the
# prefix.  Exit 0 built or cached, 1 failed, 2 usage.
set -euo pipefail

SRC=${1:-${ACD_ACCEL_PPP_SRC:-}}
CACHE=${ACD_BENCH_CACHE:-/var/cache/acd-bench}/accel-ppp

die() { echo "accel-ppp-build: $*" >&2; exit 1; }
[ -n "$SRC" ] || { echo "usage: $0 SRC  (an accel-ppp git repository; or set ACD_ACCEL_PPP_SRC)" >&2; exit 2; }
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 ||
	die "$SRC is not a git repository: give a clone of https://github.com/accel-ppp/accel-ppp"
commit=$(git -C "$SRC" rev-parse HEAD) || die "$SRC has no HEAD commit"
prefix=$CACHE/$commit
if [ -x "$prefix/sbin/accel-pppd" ]; then
	ln -sfn "$commit" "$CACHE/current"
	echo "$prefix"
	exit 0
fi

missing=()
for p in libssl-dev libpcre2-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "needs ${missing[*]}: run as root, or install them"
	echo "accel-ppp-build: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/accel-ppp-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the tree of HEAD, without the repository (so that a bare mirror works and
# the version string is the commit's)
git -C "$SRC" archive --format=tar HEAD | tar -x -C "$work" -f - || die "git archive of $SRC failed"
mkdir "$work/build"
t0=$(date +%s)
(
	cd "$work/build"
	cmake -DBUILD_DRIVER=FALSE -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
		-DCMAKE_INSTALL_SYSCONFDIR="$prefix/etc" -DLOG_PGSQL=FALSE -DSHAPER=TRUE -DRADIUS=TRUE \
		-DNETSNMP=FALSE -DLUA=FALSE .. > "$work/cmake.log" 2>&1 ||
		{ tail -n 30 "$work/cmake.log" >&2; exit 1; }
	make -j"$(nproc)" > "$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
	make install > "$work/install.log" 2>&1 || { tail -n 20 "$work/install.log" >&2; exit 1; }
) || die "building accel-ppp $commit failed (output above)"
[ -x "$prefix/sbin/accel-pppd" ] || die "the build installed no $prefix/sbin/accel-pppd"
ln -sfn "$commit" "$CACHE/current"
echo "accel-ppp-build: accel-ppp $commit built in $(($(date +%s) - t0)) s" >&2
echo "$prefix"
