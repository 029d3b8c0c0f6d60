#!/bin/bash
# unit.cli-options - every program `cmake --install` puts in a bin or sbin
# directory answers as users of any Debian tool expect, before and without
# a command:
#   --help, -h   usage on stdout, nothing on stderr, exit 0
#   --version    one line "NAME VERSION" on stdout (VERSION: project()'s in
#                CMakeLists.txt), nothing on stderr, exit 0
#   --bogus      exit 2 (each program's usage error), usage on stderr,
#                nothing on stdout
# acdctl is pppd's hook too: `acdctl hook EVENT ARGS...` keeps pppd's
# arguments as they are, however they look (checked against a socket that
# is not there: it must say acd is not running, not that its usage is bad).
#   cli-options.sh BUILD_DIR VERSION
set -euo pipefail
fail() { printf 'FAIL: cli-options: %s\n' "$*" >&2; exit 1; }
[ $# = 2 ] || fail "usage: cli-options.sh BUILD_DIR VERSION"
build=$1 version=$2
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "the version \"$version\" from CMake is not X.Y.Z"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
# staged: no root, nothing outside $D; the prefix is whatever the build says
DESTDIR=$D/root cmake --install "$build" >"$D/install.log" 2>&1 ||
	{ cat "$D/install.log" >&2; fail "cmake --install failed"; }

# every installed program: executables under */bin and */sbin
mapfile -t progs < <(find "$D/root" -type f -perm -u+x \( -path '*/bin/*' -o -path '*/sbin/*' \) | sort)
names=()
for p in "${progs[@]}"; do names+=("$(basename "$p")"); done
for want in acd acdctl acd-shape nat64ctl; do
	[[ " ${names[*]} " == *" $want "* ]] || fail "$want is not among the installed programs: ${names[*]}"
done

bad=()
# run PROG ARGS...: stdout into $out, stderr into $err, exit status into $rc
run() {
	rc=0
	timeout 10 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ACD_SOCKET="$D/none.sock" \
		"$@" >"$D/out" 2>"$D/err" </dev/null || rc=$?
	out=$(cat "$D/out")
	err=$(cat "$D/err")
}
for p in "${progs[@]}"; do
	n=$(basename "$p")
	for h in --help -h; do
		run "$p" $h
		((rc == 0)) || bad+=("$n $h: exit $rc, want 0 (stderr: ${err:0:200})")
		[[ -z "$err" ]] || bad+=("$n $h: wrote on stderr: ${err:0:200}")
		[[ "$out" == *[Uu]sage:* ]] || bad+=("$n $h: no usage on stdout: ${out:0:200}")
	done
	run "$p" --version
	((rc == 0)) || bad+=("$n --version: exit $rc, want 0 (stderr: ${err:0:200})")
	[[ -z "$err" ]] || bad+=("$n --version: wrote on stderr: ${err:0:200}")
	[[ "$out" == "$n $version" ]] || bad+=("$n --version: printed \"${out:0:200}\", want \"$n $version\"")
	# before a command, and whatever follows: options come first
	run "$p" --version show
	[[ $rc == 0 && "$out" == "$n $version" ]] ||
		bad+=("$n --version show: exit $rc, \"${out:0:200}\"")
	run "$p" --bogus-option
	((rc == 2)) || bad+=("$n --bogus-option: exit $rc, want 2 (usage error)")
	[[ -z "$out" ]] || bad+=("$n --bogus-option: wrote on stdout: ${out:0:200}")
	[[ "$err" == *--bogus-option* && "$err" == *[Uu]sage:* ]] ||
		bad+=("$n --bogus-option: stderr does not name the option and give the usage: ${err:0:300}")
	echo "$n: --help, -h, --version ($version), --bogus-option (exit 2)"
done

# pppd's hook: whatever pppd passes after `hook EVENT` is its, never an option
acdctl=$(printf '%s\n' "${progs[@]}" | grep '/acdctl$')
for argv in "ppp0 /dev/pts/0 0 10.0.0.1 10.0.0.2" "ppp0 --help 0 10.0.0.1 10.0.0.2 --version"; do
	# shellcheck disable=SC2086 # the words are the arguments
	run "$acdctl" hook ip-up $argv
	((rc == 3)) && [[ -z "$out" && "$err" == *"acd is not running ($D/none.sock"* ]] ||
		bad+=("acdctl hook ip-up $argv: exit $rc (want 3: acd is not running), stdout \"${out:0:100}\", stderr \"${err:0:200}\"")
done
echo "acdctl hook: pppd's arguments are not options"

if ((${#bad[@]})); then
	printf '  - %s\n' "${bad[@]}" >&2
	fail "${#bad[@]} check(s) failed"
fi
echo "PASS: cli-options (${names[*]})"
