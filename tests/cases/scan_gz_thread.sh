#!/bin/sh
# One large .gz scanned alone: with CPUs to spare its inflating runs in a
# thread of its own (source_read_ahead), by ISA-L when built in.  A file
# cut or damaged near its end must count exactly what one thread with zlib
# (the way every .gz was read before) counts, with the same error naming
# the file and the compressed and decompressed offsets; the lines before
# a cut are the truth (what zcat gets out of it).
. "$top_srcdir/tests/setup.sh"

echo '{name: errors, success: [OK-never-seen], failure: [{class: error, regex: ERROR}]}' > "$T/error.yaml"
# About 20 MB of lines (the thread's buffers go round its queue many
# times), 4 MB gzipped: ids that do not compress to nothing.
seq 1 500000 | awk '{ printf "req=%d ERROR id=%08x-%04x\n", $1, ($1 * 2654435761) % 4294967296, ($1 * 40503) % 65536 }' |
	gzip -6 -c > "$T/full.gz"
sz=$(stat -c %s "$T/full.gz")
[ "$sz" -gt 2000000 ] || fail "the .gz is too small for the test: $sz bytes"
mkdir -p "$T/cut" "$T/bad" "$T/good"
cp "$T/full.gz" "$T/good/app-error.log.gz"
head -c $((sz - 3000)) "$T/full.gz" > "$T/cut/app-error.log.gz"
# A byte of the deflate data 20 kB before the end, overwritten.
cp "$T/full.gz" "$T/bad/app-error.log.gz"
printf '\377\377\377\377' | dd of="$T/bad/app-error.log.gz" bs=1 seek=$((sz - 20000)) conv=notrunc 2>/dev/null

# scan NAME DIR INFLATER JOBS: the JSON report, stderr and exit status of
# one way of reading (INFLATER "zlib", or "" for the default).
scan() {
	set +e
	OMNIWATCH_INFLATE=$3 "$OMNIWATCH" scan -v -p "$T/error.yaml" --json \
		--jobs "$4" "$2/app-error.log.gz" > "$T/$1.json" 2> "$T/$1.err"
	echo $? > "$T/$1.rc"
	set -e
}

# What the comparison looks at: counts, records, bytes, errors.
summary() {
	jq -S '{p: .pattern_sets, f: [.files[] | del(.path)], e: [.errors[]? | del(.path)]}' "$T/$1.json"
}

for kind in good cut bad; do
	scan "$kind-ref" "$T/$kind" zlib 1
	grep -q 'inflating in a thread' "$T/$kind-ref.err" &&
		fail "$kind: one job must not inflate in a thread"
	for way in zlib:2 :1 :2; do
		name=$kind-${way%%:*}-${way##*:}
		scan "$name" "$T/$kind" "${way%%:*}" "${way##*:}"
		assert_eq "$(cat "$T/$name.rc")" "$(cat "$T/$kind-ref.rc")" "$name exit status"
		summary "$name" > "$T/$name.sum"
		summary "$kind-ref" > "$T/$kind-ref.sum"
		cmp -s "$T/$name.sum" "$T/$kind-ref.sum" ||
			fail "$name: report differs from one thread with zlib: $(diff "$T/$kind-ref.sum" "$T/$name.sum" | head -20)"
		echo "ok: $name reports what one thread with zlib does"
	done
	# A file alone with two jobs: the thread inflates it.
	grep -q 'app-error.log.gz: inflating in a thread of its own' "$T/$kind--2.err" ||
		fail "$kind: two jobs and one file, no inflate thread: $(cat "$T/$kind--2.err")"
done

assert_eq "$(jget "$T/good--2.json" .pattern_sets.errors.failures)" 500000 "whole file, all lines"
assert_eq "$(cat "$T/good--2.rc")" 0 "whole file, exit status"

# The cut: the complete lines zcat gets out before it, and an error that
# names the file and where the cut is.
truth=$( (zcat "$T/cut/app-error.log.gz" 2>/dev/null || true) | tr -dc '\n' | wc -c)
[ "$truth" -gt 400000 ] && [ "$truth" -lt 500000 ] || fail "cut: zcat got $truth lines"
assert_eq "$(jget "$T/cut--2.json" .pattern_sets.errors.failures)" "$truth" "cut: lines before the cut"
assert_eq "$(cat "$T/cut--2.rc")" 1 "cut: exit status"
cutsz=$(stat -c %s "$T/cut/app-error.log.gz")
msg=$(jget "$T/cut--2.json" '.errors[0].message')
echo "$msg" | grep -q "^truncated gzip stream (unexpected end of file) at compressed offset $cutsz, decompressed offset [0-9]*\$" ||
	fail "cut: message '$msg'"
grep -q "app-error.log.gz: truncated gzip stream .* at compressed offset $cutsz, decompressed offset" "$T/cut--2.err" ||
	fail "cut: stderr does not name the file and offset: $(cat "$T/cut--2.err")"

# The damage: what came before it counts, the rest does not, and the error
# says where.
bad=$(jget "$T/bad--2.json" .pattern_sets.errors.failures)
[ "$bad" -gt 400000 ] && [ "$bad" -lt 500000 ] || fail "damaged: $bad lines counted"
echo "ok: damaged: $bad lines before the damage"
msg=$(jget "$T/bad--2.json" '.errors[0].message')
echo "$msg" | grep -q "^corrupt gzip data (.*) at compressed offset [0-9]*, decompressed offset [0-9]*\$" ||
	fail "damaged: message '$msg'"
grep -q "app-error.log.gz: corrupt gzip data" "$T/bad--2.err" ||
	fail "damaged: stderr does not name the file: $(cat "$T/bad--2.err")"

# Several files: only the jobs no file takes, and those of workers that
# ran out of files, lend a thread to inflating, one .gz at a time each;
# the report is the same whatever the jobs.
mkdir -p "$T/several"
for i in 1 2 3; do cp "$T/full.gz" "$T/several/app$i-error.log.gz"; done
for jobs in 1 3 4 6; do
	OMNIWATCH_INFLATE= "$OMNIWATCH" scan -v -p "$T/error.yaml" --json --jobs "$jobs" \
		"$T/several" > "$T/several-$jobs.json" 2> "$T/several-$jobs.err"
	jq -S '{p: .pattern_sets, f: .files}' "$T/several-$jobs.json" > "$T/several-$jobs.sum"
done
# jobs: the least and the most files inflated in a thread (with 3 jobs,
# the first worker done lends its job to the files still read).
for spec in 1:0:0 3:0:2 4:1:3 6:3:3; do
	jobs=${spec%%:*} lo=${spec#*:} lo=${lo%%:*} hi=${spec##*:}
	n=$(grep -c 'inflating in a thread of its own' "$T/several-$jobs.err" || true)
	[ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ] ||
		fail "several files, $jobs jobs: $n files inflated in a thread, not $lo to $hi"
	echo "ok: several files, $jobs jobs: $n inflated in a thread"
	cmp -s "$T/several-$jobs.sum" "$T/several-1.sum" ||
		fail "several files, $jobs jobs: report differs from one job"
done
assert_eq "$(jget "$T/several-4.json" .pattern_sets.errors.failures)" 1500000 "several files, all lines"
