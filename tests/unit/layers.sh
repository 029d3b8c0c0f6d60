#!/bin/bash
# unit.layers - acd's files depend on each other one way only.  Files in a
# cycle can only be read, tested or moved together; a cycle found at review
# is one edge to cut, a cycle found a year later is a redesign.
#   1. call cycles inside each static library: A -> B when A's object file
#      leaves undefined (nm: U) a global that B's defines.  Each edge is
#      printed with one symbol that makes it: that is what to cut.
#   2. include cycles among acd/*.c and acd/*.h (#include "x.h" lines);
#      x.c and x.h are one node, x.
# Every edge that lies on a cycle is shown, in the shortest cycle through
# it (tsort(1) would name only the loops it breaks, missing some edges).
# Exit 0: no cycle; 1: the cycles, on stdout; 77: nm or a library is missing.
#   layers.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
export LC_ALL=C # one sort order and name order, whoever runs it
fail() { printf 'FAIL: layers: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIP: layers: %s\n' "$*" >&2; exit 77; }
[ $# = 2 ] || fail "usage: layers.sh BUILD_DIR SOURCE_DIR"
build=$1 src=$2
[ -d "$build" ] || skip "no build directory $build"
command -v nm >/dev/null || skip "nm is not installed (Debian: binutils)"
# the libraries of acd/, nat64ctl/, shaper/, lib/ (their CMakeLists.txt)
libs="acdcore nat64 shaper acdutil"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

# cycles NAME KIND EDGES: EDGES has lines "A B WHY...", A depends on B.
# An edge A -> B is on a cycle when A is reachable from B: print the
# shortest such cycle (breadth first from B), once, each edge with its WHY.
# Returns 1 when there is a cycle.
cycles() {
	awk -v name="$1" -v kind="$2" '
	{ k = $1 " " $2; if (k in why) next
	  e[++ne] = k; adj[$1] = adj[$1] " " $2; $1 = $2 = ""; why[k] = substr($0, 3) }
	END {
		for (i = 1; i <= ne; i++) {
			split(e[i], ab, " "); a = ab[1]; b = ab[2]
			split("", prev); prev[b] = ""; q[1] = b; qh = qt = 1
			while (qh <= qt && !(a in prev)) {
				v = q[qh++]; nw = split(adj[v], w, " ")
				for (j = 1; j <= nw; j++)
					if (!(w[j] in prev)) { prev[w[j]] = v; q[++qt] = w[j] }
			}
			if (!(a in prev)) continue
			# p: a, prev[a], ..., b; the cycle m: a, b, ..., prev[a] (and back to a)
			n = 0; for (v = a; v != ""; v = prev[v]) p[++n] = v
			m[1] = a; for (j = 2; j <= n; j++) m[j] = p[n + 2 - j]
			# the same cycle, found from another of its edges, starts at the same name
			lo = 1; for (j = 2; j <= n; j++) if (m[j] < m[lo]) lo = j
			s = ""; for (j = 0; j < n; j++) { c[j + 1] = m[(lo + j - 1) % n + 1]; s = s c[j + 1] " -> " }
			if (seen[s]++) continue
			printf "%s: %s cycle: %s%s\n", name, kind, s, c[1]
			for (j = 1; j <= n; j++)
				printf "    %s -> %s: %s\n", c[j], c[j % n + 1], why[c[j] " " c[j % n + 1]]
			found = 1
		}
		exit found
	}' "$3"
}

rc=0
# 1. call cycles: the archive holds exactly the library's object files (shaper's
# rate.c.o is built in another target's dir), and none left from a removed source.
for lib in $libs; do
	a=$(find "$build" -name "lib$lib.a" -print -quit)
	[ -n "$a" ] || skip "no lib$lib.a under $build: build first"
	# nm -P -A: "lib.a[file.c.o]: SYMBOL TYPE ..."
	nm -A -g -P "$a" | awk '
	{ f = $1; sub(/^.*\[/, "", f); sub(/\.o\]:$/, "", f) }
	$3 == "U" { use[f, $2] = 1; next }
	$3 ~ /^[A-TV-Zui]$/ && !($2 in def) { def[$2] = f }
	END { for (fs in use) { split(fs, p, SUBSEP)
		if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]], p[2] } }' |
		sort >"$D/calls.$lib"
	# grep -c, not -q: -q would stop reading and pipefail take nm's SIGPIPE
	[ "$(nm -g -P --defined-only "$a" | grep -c ' [A-Z] ')" != 0 ] ||
		skip "lib$lib.a defines no global symbol (LTO objects?): nm cannot see its calls"
	cycles "$lib" call "$D/calls.$lib" || rc=1
done

# 2. include cycles among acd/'s files
[ -d "$src/acd" ] || fail "no $src/acd"
(cd "$src/acd" && awk '
	BEGIN { for (i = 1; i < ARGC; i++) here[ARGV[i]] = 1 }
	FNR == 1 { node = FILENAME; sub(/\.[ch]$/, "", node) }
	/^[ \t]*#[ \t]*include[ \t]*"/ {
		h = $0; sub(/^[^"]*"/, "", h); sub(/".*$/, "", h); to = h; sub(/\.h$/, "", to)
		# only headers in acd/: shaper.h, uthash.h etc are other layers
		if (to != node && h in here) print node, to, FILENAME ":" FNR, "#include \"" h "\""
	}' *.c *.h) | sort >"$D/includes"
cycles acd include "$D/includes" || rc=1
exit "$rc"
