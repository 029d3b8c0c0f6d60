# Shared by tools/cross and tools/deb (sourced): timing, installing only
# what is missing, the target's libradcli unpacked aside.
# Expects: arch, triplet (for radcli_aside), cache.
# shellcheck shell=bash
# shellcheck disable=SC2154 # arch, triplet, cache: set by the sourcing script

now() { date +%s.%N; }
step_start=
step() { step_start=$(now); echo "== ${tool:-cross} $arch: $*"; }
took() { awk -v t="${tool:-cross} $arch: $1" -v a="$step_start" -v b="$(now)" 'BEGIN { printf "%s took %.1f s\n", t, b - a }'; }
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

# apt-get, waiting for another apt (another engineer, install-deps) to finish
apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 "$@"
}

ensure_packages() { # package...
	local missing=() p
	# one dpkg-query for all: twenty separate ones took 10 s on a busy CI box
	local have
	have=$(dpkg-query -W -f='${Package} ${Architecture} ${Status}\n' "$@" 2>/dev/null |
		awk -v host="$(dpkg --print-architecture)" '/ install ok installed$/ {
			print $1 ":" $2; if ($2 == host || $2 == "all") print $1 }' || true)
	for p in "$@"; do
		grep -qxF "$p" <<<"$have" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "tools/cross: missing ${missing[*]}; run as root to install them" >&2
		exit 77
	fi
	local a
	for a in arm64 armhf; do
		if printf '%s\n' "${missing[@]}" | grep -q ":$a\$\|-$a\$" &&
			! dpkg --print-foreign-architectures | grep -qx "$a"; then
			dpkg --add-architecture "$a"
			need_update=1
		fi
	done
	if [ -n "${need_update:-}" ] || ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then
		apt_get update -qq
	fi
	# host packages the install upgrades to match their foreign twins
	local up
	up=$(apt_get install -s --no-install-recommends "${missing[@]}" 2>/dev/null |
		sed -n 's/^Inst \([^ ]*\) \[\([^]]*\)\] (\([^ ]*\).*/\1 \2 -> \3/p' | grep -v ":$arch " || true)
	if [ -n "$up" ]; then
		echo "tools/cross: apt upgrades these host packages to the versions of their twins:"
		while IFS= read -r l; do printf '    %s\n' "$l"; done <<<"$up"
	fi
	echo "tools/cross: installing ${missing[*]}"
	apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}


# libradcli-dev is not co-installable across architectures: the target's
# libradcli4 and libradcli-dev are unpacked under $cache/radcli/ARCH-VERSION
# with a radcli.pc pointing there.  Sets radcli_dir.
radcli_aside() {
	# the target's own version (binNMUs such as +b2 differ per architecture)
	radcli_ver=$(apt-cache policy "libradcli-dev:$arch" | sed -n 's/^ *Candidate: //p')
	if [ -z "$radcli_ver" ] || [ "$radcli_ver" = "(none)" ]; then
		echo "tools/cross: apt knows no libradcli-dev:$arch (apt-get update?)" >&2
		exit 1
	fi
	radcli_dir=$cache/radcli/$arch-$radcli_ver
	if [ ! -f "$radcli_dir/pkgconfig/radcli.pc" ]; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "tools/cross: no $radcli_dir; run as root to make it" >&2
			exit 77
		fi
		rm -rf "$radcli_dir.tmp"
		mkdir -p "$radcli_dir.tmp/debs"
		(cd "$radcli_dir.tmp/debs" &&
			apt_get download -q "libradcli4:$arch=$radcli_ver" "libradcli-dev:$arch=$radcli_ver" >/dev/null)
		for d in "$radcli_dir.tmp"/debs/*.deb; do dpkg -x "$d" "$radcli_dir.tmp/root"; done
		mkdir -p "$radcli_dir.tmp/pkgconfig"
		# the .pc as Debian writes it, with the prefix moved to where it lies now
		sed "s|^prefix=.*|prefix=$radcli_dir/root/usr|" \
			"$radcli_dir.tmp/root/usr/lib/$triplet/pkgconfig/radcli.pc" \
			>"$radcli_dir.tmp/pkgconfig/radcli.pc"
		rm -rf "$radcli_dir"
		mv "$radcli_dir.tmp" "$radcli_dir"
	fi
}
