#!/bin/sh
# bench/run.sh: how fast `omniwatch scan` reads PM2 logs, and in how much
# memory, next to the tools it has to beat on the same bytes:
#   cat >/dev/null            the ceiling: reading the files at all;
#   pcre2grep -M -c REGEX     the route_not_found regex of patterns/omni.yaml
#                             run the way people ran it before omniwatch;
#   zcat >/dev/null           the ceiling for the gzipped copy.
# The corpus comes from tests/gencorpus, whose truth file says what the scan
# must count; a scan that counts wrong fails the bench, however fast.
#
# Targets (the issue): plain scan >= 0.5 x cat and >= 3 x pcre2grep -M;
# peak RSS <= 16 MiB whatever the corpus size; gz scan no slower than zcat.
# Missing a target is reported, not an error, unless BENCH_STRICT=1.
#
# Environment (defaults in brackets):
#   BENCH_BYTES   corpus size, k/M/G suffix                    [1G]
#   BENCH_MODE    fork, time, cluster or json (PM2 layout)      [fork]
#   BENCH_APPS    apps (each writes an out and an error file)   [2]
#   BENCH_SEED    gencorpus seed                                [1]
#   BENCH_GZIP    gzip level of the .gz copy                    [6]
#   BENCH_REPEAT  runs per command; the fastest one counts      [3]
#   BENCH_GENFLAGS  more gencorpus options, e.g. "-w plain=400" for a
#                 corpus where [Omni] records are rare             []
#   BENCH_DIR     where the corpus goes (removed at the end)    [mktemp -d]
#   BENCH_KEEP    1: keep BENCH_DIR
#   BENCH_STRICT  1: exit 1 when a target is missed
#   OMNIWATCH, GENCORPUS   the binaries [built in the tree]
set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${top_builddir:-$top}
OMNIWATCH=${OMNIWATCH:-$build/omniwatch}
GENCORPUS=${GENCORPUS:-$build/tests/gencorpus}
: "${OMNIWATCH_PATTERNS:=$top/patterns}"
export OMNIWATCH_PATTERNS
bytes=${BENCH_BYTES:-1G}
mode=${BENCH_MODE:-fork}
apps=${BENCH_APPS:-2}
seed=${BENCH_SEED:-1}
level=${BENCH_GZIP:-6}
repeat=${BENCH_REPEAT:-3}
genflags=${BENCH_GENFLAGS:-}

# The route_not_found regex of patterns/omni.yaml, verbatim.
regex='\[Omni\] Failed to create ticket: \{[\s\S]*?status: false[\s\S]*?errors:[\s\S]*?RoutesRequests\.php'

bench_die() {
	echo "bench: $*" >&2
	exit 2
}

for tool in /usr/bin/time pcre2grep jq gzip zcat awk; do
	command -v "$tool" >/dev/null 2>&1 ||
		bench_die "$tool not found (apt-get install time pcre2-utils jq gzip)"
done
if [ ! -x "$GENCORPUS" ]; then
	make -C "$build" tests/gencorpus >/dev/null ||
		bench_die "cannot build $GENCORPUS (run ./configure first)"
fi
if [ ! -x "$OMNIWATCH" ]; then
	make -C "$build" omniwatch >/dev/null ||
		bench_die "cannot build $OMNIWATCH (run ./configure first)"
fi

if [ -n "${BENCH_DIR:-}" ]; then
	dir=$BENCH_DIR
	mkdir -p "$dir"
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/omniwatch-bench.XXXXXX")
fi
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT
plain=$dir/plain
gz=$dir/gz
mkdir -p "$plain" "$gz"

echo "bench: generating $bytes ($mode, $apps apps, seed $seed) in $dir"
# shellcheck disable=SC2086 # BENCH_GENFLAGS is a list of words
"$GENCORPUS" -m "$mode" -s "$seed" -b "$bytes" -a "$apps" $genflags \
    -o "$plain" -t "$dir/truth.json"
total=$(jq -r .bytes "$dir/truth.json")
echo "bench: gzip -$level copy"
# One gzip per file, as many at once as there are CPUs.
# shellcheck disable=SC2016 # the inner sh expands $1..$3
find "$plain" -type f -print0 |
    xargs -0 -P "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" -I{} \
    sh -c 'gzip -"$1" -c "$2" >"$3/${2##*/}.gz"' sh "$level" {} "$gz"
gzbytes=$(cat "$gz"/* | wc -c)
# Every command reads from the page cache, not the disk, and no writeback
# of the fresh corpus competes with it.
sync
cat "$plain"/* "$gz"/* >/dev/null

# timed NAME CMD...: runs CMD (stdout to $dir/NAME.out) BENCH_REPEAT times
# and keeps the fastest "seconds peak-KiB" in $dir/NAME.time.
timed() {
	name=$1
	shift
	best=
	i=0
	while [ "$i" -lt "$repeat" ]; do
		i=$((i + 1))
		rc=0
		/usr/bin/time -f '%e %M' -o "$dir/$name.t" "$@" \
		    >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
		# pcre2grep exits 1 when a file has no match; that is fine.
		if [ "$rc" -ne 0 ] && ! { [ "$name" = pcre2grep ] && [ "$rc" -eq 1 ]; }; then
			cat "$dir/$name.err" >&2
			bench_die "$name exited with $rc"
		fi
		t=$(tail -n 1 "$dir/$name.t")
		if [ -z "$best" ] || awk -v a="${t% *}" -v b="${best% *}" \
		    'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	echo "$best" >"$dir/$name.time"
}

echo "bench: running (best of $repeat)"
timed cat cat "$plain"/*
timed scan "$OMNIWATCH" scan --json "$plain"
timed pcre2grep pcre2grep -M -c "$regex" "$plain"/*
timed zcat zcat "$gz"/*
timed gzscan "$OMNIWATCH" scan --json "$gz"

# Counts: the scans must agree with the truth, plain and gzipped.
counts='[.failures, .successes, .damaged, .classes.route_not_found,
    .classes.other] | map(tostring) | join(" ")'
want=$(jq -r '.total | [.failures, .successes, .damaged, .route_not_found,
    .other] | map(tostring) | join(" ")' "$dir/truth.json")
got=$(jq -r ".pattern_sets.omni | $counts" "$dir/scan.out")
gotgz=$(jq -r ".pattern_sets.omni | $counts" "$dir/gzscan.out")
greps=$(awk -F: '{ n += $NF } END { print n }' "$dir/pcre2grep.out")

awk -v total="$total" -v gzbytes="$gzbytes" -v mode="$mode" \
    -v cat="$(cat "$dir/cat.time")" -v scan="$(cat "$dir/scan.time")" \
    -v grep="$(cat "$dir/pcre2grep.time")" -v zcat="$(cat "$dir/zcat.time")" \
    -v gzscan="$(cat "$dir/gzscan.time")" -v want="$want" -v got="$got" \
    -v gotgz="$gotgz" -v greps="$greps" -v strict="${BENCH_STRICT:-0}" '
function sec(s) { split(s, f, " "); return f[1] < 0.01 ? 0.01 : f[1] }
function rss(s) { split(s, f, " "); return f[2] / 1024 }
function row(name, s) {
	printf "  %-28s %8.2f %9.0f %10.1f\n", name, sec(s), total / 1e6 / sec(s), rss(s)
}
function check(name, ok, text) {
	printf "  %-34s %s  %s\n", name, text, ok ? "ok" : "MISSED"
	if (!ok)
		missed++
}
BEGIN {
	printf "corpus: %.0f MB in %s mode (%.0f MB gzipped)\n", total / 1e6, mode, gzbytes / 1e6
	printf "  %-28s %8s %9s %10s\n", "command", "seconds", "MB/s", "peak MiB"
	row("cat", cat)
	row("omniwatch scan --json", scan)
	row("pcre2grep -M -c (route regex)", grep)
	row("zcat (gz copy)", zcat)
	row("omniwatch scan --json (gz)", gzscan)
	print "MB = 10^6 bytes of log text (decompressed for the gz rows)."
	print "targets:"
	r = sec(cat) / sec(scan)
	check("scan/cat throughput", r >= 0.5, sprintf("%6.2f (>= 0.5)", r))
	r = sec(grep) / sec(scan)
	check("scan/pcre2grep throughput", r >= 3, sprintf("%6.2f (>= 3)", r))
	r = sec(zcat) / sec(gzscan)
	check("gz-scan/zcat throughput", r >= 1, sprintf("%6.2f (>= 1)", r))
	m = rss(scan) > rss(gzscan) ? rss(scan) : rss(gzscan)
	check("scan peak RSS (MiB)", m <= 16, sprintf("%6.1f (<= 16)", m))
	print "counts (failures successes damaged route_not_found other):"
	printf "  truth %s\n  scan  %s  %s\n  gz    %s  %s\n", want, got,
	    got == want ? "ok" : "WRONG", gotgz, gotgz == want ? "ok" : "WRONG"
	printf "  (pcre2grep -M -c counted %s)\n", greps
	if (got != want || gotgz != want)
		exit 1
	if (strict && missed)
		exit 1
}'
