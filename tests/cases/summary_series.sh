#!/bin/sh
# summary's per-hour series (issue 5, part 3) and --format/-o (part 4):
# `omniwatch watch` counts a directory of PM2 logs (two apps, a day each,
# known counts per hour), then `summary --json` must say what `scan --json`
# says of the same files: failures, successes, damaged, classes, the rate,
# first and last, per app, and now the hours.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

awk -v OUT="$D/desk-out.log" -v ERR="$D/desk-error.log" \
    -f "$top_srcdir/tests/gen-hours.awk"
awk -v OUT="$D/sync-out.log" -v ERR="$D/sync-error.log" -v SEED=5 \
    -v DAY=2026-11-30 -f "$top_srcdir/tests/gen-hours.awk"

"$OMNIWATCH" scan --json "$D" > "$T/scan.json"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.failures)" 252 "scan failures (gen-hours.awk)"
assert_eq "$(jget "$T/scan.json" .pattern_sets.omni.apps.desk.successes)" 618 "scan desk successes (gen-hours.awk)"

PATTERNS=omni write_config
start_watch
wait_count 252 failures "watch counted the failures"
wait_count "$(jget "$T/scan.json" .pattern_sets.omni.successes)" successes "watch counted the successes"
stop_watch

"$OMNIWATCH" summary -c "$CFG" --json > "$T/summary.json"

# The keys scan and summary share, hours included.
shared='.pattern_sets | map_values({failures, successes, damaged, failure_rate,
    classes, diagnoses, first, last, hours,
    apps: (.apps | map_values({failures, successes, damaged, failure_rate,
        classes, first, last}))})'
jq -S "$shared" "$T/scan.json" > "$T/scan.cmp"
jq -S "$shared" "$T/summary.json" > "$T/summary.cmp"
diff -u "$T/scan.cmp" "$T/summary.cmp" || fail "summary and scan disagree"
echo "ok: summary --json = scan --json on the shared keys"

# The hours themselves: 48 of them, in order, with the day's shape.
assert_eq "$(jget "$T/summary.json" '.pattern_sets.omni.hours | length')" 48 "48 hours"
assert_eq "$(jget "$T/summary.json" '.pattern_sets.omni.hours[0].hour')" 2026-11-29T00:00:00Z "first hour"
assert_eq "$(jget "$T/summary.json" '.pattern_sets.omni.hours[47].hour')" 2026-11-30T23:00:00Z "last hour"
assert_eq "$(jget "$T/summary.json" '[.pattern_sets.omni.hours[].hour] == ([.pattern_sets.omni.hours[].hour] | sort)')" true "hours sorted"
assert_eq "$(jget "$T/summary.json" '.pattern_sets.omni.hours[13] | [.failures, .successes, .classes.route_not_found, .classes.other] | join(",")')" "30,20,30,0" "13:00 (30 404s, 20 successes)"
assert_eq "$(jget "$T/summary.json" '.pattern_sets.omni.hours[15] | [.failures, .successes, .damaged, .classes.other] | join(",")')" "23,21,2,1" "15:00 (damaged, other)"
assert_eq "$(jget "$T/summary.json" '.pattern_sets.omni.hours[13].failure_rate')" 0.6 "13:00 rate"
assert_eq "$(jget "$T/summary.json" '[.pattern_sets.omni.hours[].failures] | add')" 252 "hours add up to the total"
assert_eq "$(jget "$T/summary.json" '[.pattern_sets.omni.hours[].classes.route_not_found] | add')" 236 "classes add up"

# --since/--until cut the hours too (minute buckets: exact on the hour).
"$OMNIWATCH" summary -c "$CFG" --json --since 2026-11-29T13:00:00Z --until 2026-11-29T18:00:00Z > "$T/range.json"
assert_eq "$(jget "$T/range.json" '.pattern_sets.omni.hours | length')" 5 "range: 5 hours"
assert_eq "$(jget "$T/range.json" '.pattern_sets.omni.failures')" "$(jget "$T/range.json" '[.pattern_sets.omni.hours[].failures] | add')" "range: hours add up"
"$OMNIWATCH" scan --json --since 2026-11-29T13:00:00Z --until 2026-11-29T18:00:00Z "$D" > "$T/srange.json"
jq -S "$shared" "$T/srange.json" > "$T/srange.cmp"
jq -S "$shared" "$T/range.json" > "$T/range.cmp"
diff -u "$T/srange.cmp" "$T/range.cmp" || fail "range: summary and scan disagree"

# --format json is --json; -o writes the same to a file, and nothing to
# stdout; text stays the default.
"$OMNIWATCH" summary -c "$CFG" --format json > "$T/f.json"
cmp "$T/summary.json" "$T/f.json" || fail "--format json differs from --json"
"$OMNIWATCH" summary -c "$CFG" --format json -o "$T/o.json" > "$T/o.stdout"
cmp "$T/summary.json" "$T/o.json" || fail "-o differs"
[ ! -s "$T/o.stdout" ] || fail "-o: nothing on stdout"
"$OMNIWATCH" summary -c "$CFG" > "$T/a.txt"
"$OMNIWATCH" summary -c "$CFG" --format text > "$T/b.txt"
cmp "$T/a.txt" "$T/b.txt" || fail "text is the default"
grep -q '252 failures' "$T/a.txt" || fail "text report"
"$OMNIWATCH" scan --format json "$D" > "$T/scan2.json"
cmp "$T/scan.json" "$T/scan2.json" || fail "scan --format json differs from --json"
"$OMNIWATCH" scan --format json -o "$T/scan3.json" "$D"
cmp "$T/scan.json" "$T/scan3.json" || fail "scan -o differs"
ls "$T" | grep -q '\.tmp\.' && fail "a temporary file was left behind"

# Errors: a bad format, an output that cannot be written.
set +e
"$OMNIWATCH" summary -c "$CFG" --format xml > /dev/null 2> "$T/e1"; rc=$?
set -e
assert_eq "$rc" 2 "bad --format"
grep -q "^omniwatch summary: --format 'xml': expected text, json or html" "$T/e1" || fail "bad format message"
set +e
"$OMNIWATCH" scan --format yaml "$D" > /dev/null 2> "$T/e2"; rc=$?
set -e
assert_eq "$rc" 2 "scan: bad --format"
set +e
"$OMNIWATCH" scan -o "$T/no/such/dir/r.html" --format html "$D" > /dev/null 2> "$T/e3"; rc=$?
set -e
assert_eq "$rc" 2 "scan: unwritable -o"
grep -q "$T/no/such/dir/r.html: cannot write: No such file or directory" "$T/e3" || fail "unwritable message: $(cat "$T/e3")"
set +e
"$OMNIWATCH" summary -c "$CFG" -o "$T/no/such/dir/r.json" > /dev/null 2> "$T/e4"; rc=$?
set -e
assert_eq "$rc" 2 "summary: unwritable -o"
