#!/bin/sh
# bench/run.sh: how fast `omniwatch scan` reads PM2 logs, and in how much
# memory, next to the tools it has to beat on the same bytes, on every
# layout PM2 writes, in one run and one table:
#   cat >FILE                 the ceiling: the files read and written once
#                             (each command's output goes to a file in the
#                             corpus directory, cat's too: coreutils 9 copies
#                             it in the kernel, copy_file_range(2); the
#                             issue's targets were set against this figure);
#   pcre2grep -M -c REGEX     the route_not_found regex of patterns/omni.yaml
#                             run the way people ran it before omniwatch;
#   zcat >FILE                the ceiling for the gzipped copy, on all the
#                             files and on the largest one alone (a scan
#                             reads several files at once, one file not).
# Each corpus comes from tests/gencorpus, whose truth file says what the
# scan must count (in total, and per file for the one-file gz row); a scan
# that counts wrong fails the bench, however fast.
#
# Targets (issue 16), per layout and mix: scan >= 0.5 x cat and >= 3 x
# pcre2grep -M; gz scan >= 4 x zcat on all files and on one; peak RSS
# <= 16 MiB.  Missing a target is reported, not an error, unless
# BENCH_STRICT=1.
#
# Environment (defaults in brackets):
#   BENCH_MODE    layouts: all, or a list of fork, time, cluster, json,
#                 cluster-json                                  [all]
#   BENCH_MIXES   record mixes: "default" and gencorpus -w weights, e.g.
#                 plain=2000 (omni records rare, as in production)
#                                                   [default plain=2000]
#   BENCH_GENFLAGS  more gencorpus options for every corpus         []
#   BENCH_BYTES   size of each corpus, k/M/G suffix               [256M]
#   BENCH_APPS    apps (each writes an out and an error file)      [2]
#   BENCH_SEED    gencorpus seed                                   [1]
#   BENCH_GZIP    gzip level of the .gz copy                       [6]
#   BENCH_REPEAT  runs per command; the fastest one counts         [3]
#   BENCH_DIR     where a scratch directory for the corpora is made;
#                 only that directory is removed at the end  [$TMPDIR]
#   BENCH_KEEP    1: keep the scratch directory (and every corpus)
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
modes=${BENCH_MODE:-all}
[ "$modes" = all ] && modes='fork time cluster json cluster-json'
mixes=${BENCH_MIXES:-default plain=2000}
bytes=${BENCH_BYTES:-256M}
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
for m in $modes; do
	case $m in
	fork|time|cluster|json|cluster-json) ;;
	*) bench_die "BENCH_MODE: unknown layout '$m' (all, fork, time, cluster, json, cluster-json)" ;;
	esac
done
if [ ! -x "$GENCORPUS" ]; then
	make -C "$build" tests/gencorpus >/dev/null ||
		bench_die "cannot build $GENCORPUS (run ./configure first)"
fi
if [ ! -x "$OMNIWATCH" ]; then
	make -C "$build" omniwatch >/dev/null ||
		bench_die "cannot build $OMNIWATCH (run ./configure first)"
fi

# A directory of our own inside BENCH_DIR: only that one is removed.
mkdir -p "${BENCH_DIR:-${TMPDIR:-/tmp}}" &&
	dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/omniwatch-bench.XXXXXX") ||
	bench_die "cannot make a directory in ${BENCH_DIR:-${TMPDIR:-/tmp}}"
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT
rows=$dir/rows
: >"$rows"

# timed NAME CMD...: runs CMD (stdout to $cdir/NAME.out) BENCH_REPEAT times
# and prints the fastest "seconds peak-KiB".
timed() {
	name=$1
	shift
	best=
	i=0
	while [ "$i" -lt "$repeat" ]; do
		i=$((i + 1))
		rc=0
		/usr/bin/time -f '%e %M' -o "$cdir/$name.t" "$@" \
		    >"$cdir/$name.out" 2>"$cdir/$name.err" || rc=$?
		# pcre2grep exits 1 when a file has no match; that is fine.
		if [ "$rc" -ne 0 ] && ! { [ "$name" = pcre2grep ] && [ "$rc" -eq 1 ]; }; then
			cat "$cdir/$name.err" >&2
			bench_die "$name exited with $rc"
		fi
		t=$(tail -n 1 "$cdir/$name.t")
		if [ -z "$best" ] || awk -v a="${t% *}" -v b="${best% *}" \
		    'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	echo "$best"
}

# The counts a scan's JSON report gives, in the truth file's order.
counts='.pattern_sets.omni | [.failures, .successes, .damaged,
    .classes.route_not_found, .classes.other] | map(tostring) | join(" ")'
truth='[.failures, .successes, .damaged, .route_not_found, .other] |
    map(tostring) | join(" ")'

# bench_one LAYOUT MIX: one corpus, measured; appends a row to $rows.
bench_one() {
	mode=$1
	mix=$2
	cdir=$dir/$mode.$mix
	plain=$cdir/plain
	gz=$cdir/gz
	rm -rf "$cdir"
	mkdir -p "$plain" "$gz"
	w=
	[ "$mix" = default ] || w="-w $mix"
	echo "bench: $mode, $mix mix: generating $bytes" >&2
	# shellcheck disable=SC2086 # word lists
	"$GENCORPUS" -m "$mode" -s "$seed" -b "$bytes" -a "$apps" $w \
	    $genflags -o "$plain" -t "$cdir/truth.json" >/dev/null
	# One gzip per file, as many at once as there are CPUs.
	# shellcheck disable=SC2016 # the inner sh expands $1..$3
	find "$plain" -type f -print0 |
	    xargs -0 -P "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" \
	    -I{} sh -c 'gzip -"$1" -c "$2" >"$3/${2##*/}.gz"' sh "$level" {} "$gz"
	# The largest file stands for "one file".
	one=$(cd "$plain" && ls -S | head -n 1)
	# Every command reads from the page cache, not the disk, and no
	# writeback of the fresh corpus competes with it.
	sync
	cat "$plain"/* "$gz"/* >/dev/null
	echo "bench: $mode, $mix mix: running (best of $repeat)" >&2
	t_cat=$(timed cat cat "$plain"/*)
	t_scan=$(timed scan "$OMNIWATCH" scan --json "$plain")
	t_grep=$(timed pcre2grep pcre2grep -M -c "$regex" "$plain"/*)
	t_zcat=$(timed zcat zcat "$gz"/*)
	t_gzscan=$(timed gzscan "$OMNIWATCH" scan --json "$gz")
	t_zcat1=$(timed zcat1 zcat "$gz/$one.gz")
	t_gzscan1=$(timed gzscan1 "$OMNIWATCH" scan --json "$gz/$one.gz")
	want=$(jq -r ".total | $truth" "$cdir/truth.json")
	want1=$(jq -r --arg f "$one" \
	    '.files[] | select(.path == $f) | .counts | '"$truth" \
	    "$cdir/truth.json")
	ok=ok
	for f in scan gzscan; do
		got=$(jq -r "$counts" "$cdir/$f.out")
		if [ "$got" != "$want" ]; then
			echo "bench: $mode, $mix: $f counted $got, truth $want" >&2
			ok=WRONG
		fi
	done
	got=$(jq -r "$counts" "$cdir/gzscan1.out")
	if [ "$got" != "$want1" ]; then
		echo "bench: $mode, $mix: gz scan of $one counted $got, truth $want1" >&2
		ok=WRONG
	fi
	total=$(jq -r .bytes "$cdir/truth.json")
	onebytes=$(wc -c <"$plain/$one")
	echo "$mode $mix $total $onebytes $t_cat $t_scan $t_grep $t_zcat" \
	    "$t_gzscan $t_zcat1 $t_gzscan1 $ok" >>"$rows"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$cdir"
}

for mode in $modes; do
	for mix in $mixes; do
		bench_one "$mode" "$mix"
	done
done

# One table: throughput in MB/s (10^6 bytes of log text, decompressed for
# the gz columns), then the ratios the targets are about.
awk -v strict="${BENCH_STRICT:-0}" -v repeat="$repeat" '
function sec(s) { return s < 0.01 ? 0.01 : s }
function mark(ok) { if (!ok) missed++; return ok ? " " : "!" }
{
	mode = $1; mix = $2; total = $3; one = $4
	cat = sec($5); scan = sec($7); grep = sec($9); zcat = sec($11)
	gzscan = sec($13); zcat1 = sec($15); gzscan1 = sec($17)
	rss = ($8 > $14 ? $8 : $14) / 1024
	if ($18 > rss * 1024) rss = $18 / 1024
	r1 = cat / scan; r2 = grep / scan; r3 = zcat / gzscan
	r4 = zcat1 / gzscan1
	line[NR] = sprintf("%-12s %-10s %6.0f %7.0f %7.0f %6.2f%s %6.2f%s %6.2f%s %6.2f%s %5.1f%s %s",
	    mode, mix, total / 1e6, total / 1e6 / cat, total / 1e6 / scan,
	    r1, mark(r1 >= 0.5), r2, mark(r2 >= 3), r3, mark(r3 >= 4),
	    r4, mark(r4 >= 4), rss, mark(rss <= 16), $19)
	if ($19 != "ok")
		wrong++
}
END {
	printf "%-12s %-10s %6s %7s %7s %7s %7s %7s %7s %6s %s\n", "layout",
	    "mix", "MB", "cat", "scan", "scan/", "scan/", "gz/zcat", "gz/zcat",
	    "peak", "counts"
	printf "%-12s %-10s %6s %7s %7s %7s %7s %7s %7s %6s\n", "", "", "",
	    "MB/s", "MB/s", "cat", "grep -M", "files", "one", "MiB"
	for (i = 1; i <= NR; i++)
		print line[i]
	printf "best of %d runs each; targets: scan/cat >= 0.5, scan/pcre2grep >= 3,\n", repeat
	print "gz scan/zcat >= 4 (all files, and the largest alone), peak RSS <= 16 MiB;"
	printf "! marks a missed target (%d missed).\n", missed
	if (wrong)
		exit 1
	if (strict && missed)
		exit 1
}' "$rows"
