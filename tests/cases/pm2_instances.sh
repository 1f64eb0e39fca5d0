#!/bin/sh
# Each cluster instance (issue 12): the -N files of a cluster app are
# counted per instance as well as per app, in scan and summary (JSON
# "instances", a text line each, an HTML row each) and in the metrics (an
# instance label, absent in fork mode).  Instance 2 of three fails.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

# write_logs DIR: desk in cluster mode (pm_ids 1-3), solo in fork mode.
write_logs() {
	for i in 1 2 3; do
		printf '2026-12-01T10:00:0%s: OK-never-seen\n' "$i" > "$1/desk-out-$i.log"
		: > "$1/desk-error-$i.log"
	done
	printf '2026-12-01T10:00:05: ERROR a\n2026-12-01T10:00:06: ERROR b\n2026-12-01T10:00:07: ERROR c\n' >> "$1/desk-error-2.log"
	printf '2026-12-01T10:00:08: ERROR d\n' > "$1/solo-error.log"
	printf '2026-12-01T10:00:09: OK-never-seen\n' > "$1/solo-out.log"
}

# check_json FILE WHAT: the counts of scan or summary --json.
check_json() {
	a='.pattern_sets.errors.apps'
	assert_eq "$(jget "$1" "$a.desk.failures")" 3 "$2: desk failures"
	assert_eq "$(jget "$1" "$a.desk.successes")" 3 "$2: desk successes"
	assert_eq "$(jget "$1" "$a.desk.instances | keys | join(\",\")")" 1,2,3 "$2: desk instances"
	assert_eq "$(jget "$1" "$a.desk.instances[\"2\"].failures")" 3 "$2: instance 2 failures"
	assert_eq "$(jget "$1" "$a.desk.instances[\"2\"].failure_rate")" 0.75 "$2: instance 2 failure rate"
	assert_eq "$(jget "$1" "$a.desk.instances[\"1\"].failures")" 0 "$2: instance 1 failures"
	assert_eq "$(jget "$1" "$a.desk.instances[\"3\"].successes")" 1 "$2: instance 3 successes"
	assert_eq "$(jget "$1" "$a.solo.failures")" 1 "$2: fork app failures"
	assert_eq "$(jget "$1" "$a.solo | has(\"instances\")")" false "$2: no instances in fork mode"
}

write_logs "$D"
rm -f "$L" "$E"
"$OMNIWATCH" scan -p "$T/error.yaml" --json "$D" > "$T/scan.json"
check_json "$T/scan.json" scan
"$OMNIWATCH" scan -p "$T/error.yaml" "$D" > "$T/scan.txt"
grep -q '^    instance 2: 3 failures, 1 success, 0 damaged, failure rate 75.0%$' "$T/scan.txt" ||
	{ cat "$T/scan.txt"; fail "a text line per instance"; }
assert_eq "$(grep -c '^    instance ' "$T/scan.txt")" 3 "text: three instance lines"
"$OMNIWATCH" scan -p "$T/error.yaml" --format html -o "$T/scan.html" "$D"
grep -q '<tr class="instance"><td>&#8195;desk #2</td><td class="n">3</td><td class="n">1</td><td class="n">0</td><td class="n"><span class="pill bad">75.0%</span>' "$T/scan.html" ||
	fail "an HTML row per instance, the failing one marked bad"
assert_eq "$(grep -c '<tr class="instance">' "$T/scan.html")" 3 "html: three instance rows"

# watch keeps the instance counts in its state, and the metrics show them.
cat >> "$CFG.extra" <<Y
metrics:
  textfile: $T/omniwatch.prom
  textfile_interval: 200ms
Y
write_config
cat "$CFG.extra" >> "$CFG"
start_watch
wait_count 4
prom_has() {
	grep -q "^omniwatch_records_total{pattern_set=\"errors\",app=\"desk\",outcome=\"failure\",class=\"error\",instance=\"2\"} 3$" "$T/omniwatch.prom"
}
wait_for "the instance in the textfile" prom_has
grep -q '^omniwatch_records_total{pattern_set="errors",app="solo",outcome="failure",class="error"} 1$' "$T/omniwatch.prom" ||
	fail "no instance label in fork mode"
stop_watch
"$OMNIWATCH" summary -c "$CFG" --json > "$T/summary.json"
check_json "$T/summary.json" summary
"$OMNIWATCH" summary -c "$CFG" > "$T/summary.txt"
grep -q '^    instance 2: 3 failures, 1 success' "$T/summary.txt" ||
	fail "summary: a text line per instance"
