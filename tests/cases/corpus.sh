#!/bin/sh
# corpus: `omniwatch scan --json` counts exactly what tests/gencorpus says
# it wrote -- per app and in total, per file -- in each PM2 layout (fork,
# fork --time, cluster with log_date_format, log_type json in fork and in
# cluster mode), with and without pm2-logrotate's rotated copies, first on
# the plain files and then on the same files gzipped.
#
# The generator mixes ordinary text, stack traces and util.inspect objects
# with every record shape and trap of the omni pattern set (see the top of
# tests/gencorpus.c); its truth comes from the rules of src/record.h and
# src/match.h, applied line by line as it writes.  To rerun one case by
# hand:  tests/gencorpus -m json -s 105 -b 3M -a 3 -r 250k -o /tmp/c -t /tmp/c.json
. "$top_srcdir/tests/setup.sh"
: "${GENCORPUS:?run through make check, or set GENCORPUS to tests/gencorpus}"

bytes=${CORPUS_BYTES:-3M}
seed=${CORPUS_SEED:-100}
tab=$(printf '\t')

# The truth as "key<TAB>value" lines, sorted.
truth_tsv() {
	jq -r '
	    def c($p; $o): ["failures", "successes", "damaged",
		"route_not_found", "other", "first", "last"][] as $k |
		"\($p) \($k)\t\($o[$k])";
	    c("total"; .total),
	    (.apps | to_entries[] | c("app " + .key; .value)),
	    (.files[] | "file \(.path) records\t\(.counts.records)",
		"file \(.path) bytes\t\(.bytes)")' "$1" | sort
}

# The same keys from a scan report; gzip files are named and sized as the
# plain files they hold.
scan_tsv() {
	jq -r '
	    def c($p; $o): ($o + $o.classes) as $v |
		["failures", "successes", "damaged", "route_not_found",
		"other", "first", "last"][] as $k | "\($p) \($k)\t\($v[$k])";
	    .pattern_sets.omni as $s |
	    c("total"; $s),
	    ($s.apps | to_entries[] | c("app " + .key; .value)),
	    (.files[] | (.path | split("/") | last | sub("\\.gz$"; "")) as $n |
		"file \($n) records\t\(.records)",
		"file \($n) bytes\t\(if .gzip then .decompressed_bytes
		    else .bytes end)")' "$1" | sort
}

# check WHAT PLAIN|GZIP DIR TRUTH: scans DIR, asserts every truth value.
check() {
	out=$T/scan.json
	"$OMNIWATCH" scan --json "$3" >"$out" ||
		fail "$1 $2: omniwatch scan exited with $?"
	assert_eq "$(jget "$out" '.errors | length')" 0 "$1 $2: scan errors"
	truth_tsv "$4" >"$T/want.tsv"
	scan_tsv "$out" >"$T/got.tsv"
	# Every key of the truth, with what the scan says (or MISSING).
	join -t "$tab" -a 1 -e MISSING -o 0,1.2,2.2 "$T/want.tsv" "$T/got.tsv" \
	    >"$T/joined.tsv"
	while IFS="$tab" read -r key want got; do
		assert_eq "$got" "$want" "$1 $2: $key"
	done <"$T/joined.tsv"
	# And nothing the truth does not know: no extra app or file.
	assert_eq "$(cut -f1 "$T/got.tsv" | tr '\n' ' ')" \
	    "$(cut -f1 "$T/want.tsv" | tr '\n' ' ')" "$1 $2: apps and files"
}

# MODE and, for some, a pm2-logrotate size: rotated copies
# ("<app>-out__2026-11-29_00-02-43.log") sit beside the live files; or a
# seed of its own (MODE@SEED): time@16 has a head cut at a chunk edge
# right after a plain line, whose tail (" ticket: {") joined that line
# (match.c's match_swallowed), which the generator's truth once missed.
n=0
for run in fork time:300k cluster:200k json json:250k cluster-json time@16; do
	n=$((n + 1))
	mode=${run%%[:@]*}
	rotate=
	what=$mode
	s=$((seed + n))
	case $run in
	*:*)	rotate="-r ${run#*:}"; what="$mode rotated" ;;
	*@*)	s=${run#*@}; what="$mode seed $s" ;;
	esac
	dir=$T/$n
	truth=$T/$n.truth.json
	echo "# $what: gencorpus -m $mode -s $s -b $bytes -a 3 $rotate"
	# shellcheck disable=SC2086 # $rotate is empty or two words
	"$GENCORPUS" -m "$mode" -s "$s" -b "$bytes" -a 3 $rotate -o "$dir" \
	    -t "$truth" || fail "$what: gencorpus failed"
	# The truth must not be trivial, or the test proves nothing.
	for k in successes route_not_found other damaged; do
		[ "$(jget "$truth" ".total.$k")" -gt 0 ] ||
			fail "$what: the corpus has no $k"
	done
	# json and --time: some records must straddle a 64 KiB chunk edge.
	case $mode in
	json|time)
		[ "$(jget "$truth" .cut_chunks)" -gt 0 ] ||
			fail "$what: no chunk ends inside a line" ;;
	esac
	check "$what" plain "$dir" "$truth"
	gzip "$dir"/*.log
	check "$what" gzip "$dir" "$truth"
	rm -rf "$dir"
done

# Same seed, same bytes: the truth of a failed run can be regenerated.
"$GENCORPUS" -s 7 -n 2000 -m json -o "$T/a" -t "$T/a.json"
"$GENCORPUS" -s 7 -n 2000 -m json -o "$T/b" -t "$T/b.json"
cmp -s "$T/a.json" "$T/b.json" || fail "gencorpus: truth differs for one seed"
for f in "$T"/a/*.log; do
	cmp -s "$f" "$T/b/${f##*/}" || fail "gencorpus: ${f##*/} differs for one seed"
done
echo "ok: gencorpus is deterministic"
