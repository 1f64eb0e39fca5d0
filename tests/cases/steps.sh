#!/bin/sh
# --step (issue 14, part 1): a ten-minute incident with stamped records,
# counted per minute, exactly, by scan and by summary (from watch's
# state); 5-minute and hourly steps; the default step of a range; the text
# and HTML reports at the step; bad steps refused.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

cat > "$T/incident.yaml" <<'Y'
name: incident
success:
  - 'ticket created'
failure:
  - class: timeout
    regex: 'upstream timeout'
  - class: refused
    regex: 'connection refused'
Y

# 10:00-10:09 on 2026-11-29: two successes a minute but 10:03-10:05;
# 10:03 four timeouts, 10:04 five timeouts and a refused, 10:05 two
# refused; one success at 10:05:59.999 stays in 10:05.
for m in 0 1 2 3 4 5 6 7 8 9; do
	case $m in
	3) printf '2026-11-29T10:0%s:%02d: upstream timeout\n' $m 1 $m 12 $m 30 $m 59 ;;
	4) printf '2026-11-29T10:0%s:%02d: upstream timeout\n' $m 0 $m 10 $m 20 $m 30 $m 40
	   printf '2026-11-29T10:0%s:50: connection refused\n' $m ;;
	5) printf '2026-11-29T10:0%s:%02d: connection refused\n' $m 0 $m 1
	   printf '2026-11-29T10:05:59.999: ticket created\n' ;;
	*) printf '2026-11-29T10:0%s:%02d: ticket created\n' $m 5 $m 45 ;;
	esac
done > "$T/incident.log"
mv "$T/incident.log" "$D/shop-out.log"

# One minute's [failures, successes, damaged, timeout, refused] of steps.
minute() {
	jq -r --arg t "$2" '.pattern_sets.incident.steps[] | select(.start == $t) |
	    [.failures, .successes, .damaged, .classes.timeout, .classes.refused] | join(",")' "$1"
}

check_minutes() {
	assert_eq "$(jget "$1" .pattern_sets.incident.step)" 1m "$2: default step for 10 minutes"
	assert_eq "$(jget "$1" '.pattern_sets.incident.steps | length')" 10 "$2: 10 steps"
	assert_eq "$(jget "$1" '.pattern_sets.incident.steps[0].start')" 2026-11-29T10:00:00Z "$2: first step"
	assert_eq "$(minute "$1" 2026-11-29T10:02:00Z)" 0,2,0,0,0 "$2: 10:02"
	assert_eq "$(minute "$1" 2026-11-29T10:03:00Z)" 4,0,0,4,0 "$2: 10:03"
	assert_eq "$(minute "$1" 2026-11-29T10:04:00Z)" 6,0,0,5,1 "$2: 10:04"
	assert_eq "$(minute "$1" 2026-11-29T10:05:00Z)" 2,1,0,0,2 "$2: 10:05"
	assert_eq "$(minute "$1" 2026-11-29T10:06:00Z)" 0,2,0,0,0 "$2: 10:06"
	assert_eq "$(jget "$1" '.pattern_sets.incident.steps[5].failure_rate')" 0.666667 "$2: 10:05 rate"
	assert_eq "$(jget "$1" '[.pattern_sets.incident.steps[].start] == ([.pattern_sets.incident.steps[].start] | sort)')" true "$2: steps sorted"
	# "hours" is unchanged: one hour, the whole incident.
	assert_eq "$(jget "$1" '.pattern_sets.incident.hours | length')" 1 "$2: one hour"
	assert_eq "$(jget "$1" '.pattern_sets.incident.hours[0] | [.hour, .failures, .successes] | join(",")')" 2026-11-29T10:00:00Z,12,15 "$2: the hour"
}

"$OMNIWATCH" scan -p "$T/incident.yaml" --json "$D" > "$T/scan.json"
check_minutes "$T/scan.json" scan

PATTERNS=$T/incident.yaml write_config
start_watch
wait_count 12 failures "watch counted the failures"
wait_count 15 successes "watch counted the successes"
stop_watch
"$OMNIWATCH" summary -c "$CFG" --json > "$T/summary.json"
check_minutes "$T/summary.json" summary
jq -S '.pattern_sets.incident | {step, steps, hours}' "$T/scan.json" > "$T/a"
jq -S '.pattern_sets.incident | {step, steps, hours}' "$T/summary.json" > "$T/b"
diff -u "$T/a" "$T/b" || fail "scan and summary steps differ"
echo "ok: scan's and summary's steps are the same"

# 5 minutes: [10:00, 10:05) and [10:05, 10:10).
for cmd in scan summary; do
	if [ $cmd = scan ]; then
		"$OMNIWATCH" scan -p "$T/incident.yaml" --json --step 5m "$D" > "$T/5m.json"
	else
		"$OMNIWATCH" summary -c "$CFG" --json --step 5m > "$T/5m.json"
	fi
	assert_eq "$(jget "$T/5m.json" .pattern_sets.incident.step)" 5m "$cmd: --step 5m"
	assert_eq "$(jget "$T/5m.json" '.pattern_sets.incident.steps | map([.start, .failures, .successes] | join(",")) | join(" ")')" \
	    "2026-11-29T10:00:00Z,10,6 2026-11-29T10:05:00Z,2,9" "$cmd: 5m steps"
done
"$OMNIWATCH" summary -c "$CFG" --json --step 1d > "$T/1d.json"
assert_eq "$(jget "$T/1d.json" '.pattern_sets.incident.steps | map([.start, .failures] | join(",")) | join(" ")')" \
    "2026-11-29T00:00:00Z,12" "summary: --step 1d"

# A range over 6 h defaults to hours; up to 6 h, to minutes.
"$OMNIWATCH" summary -c "$CFG" --json --since 2026-11-29T04:00:00Z --until 2026-11-29T10:04:00Z > "$T/r1.json"
assert_eq "$(jget "$T/r1.json" .pattern_sets.incident.step)" 1h "summary: 6 h 4 min range"
assert_eq "$(jget "$T/r1.json" '.pattern_sets.incident.steps | map([.start, .failures, .successes] | join(",")) | join(" ")')" \
    "2026-11-29T10:00:00Z,4,6" "summary: the range's hour"
"$OMNIWATCH" scan -p "$T/incident.yaml" --json --since 2026-11-29T04:04:00Z --until 2026-11-29T10:04:00Z "$D" > "$T/r2.json"
assert_eq "$(jget "$T/r2.json" .pattern_sets.incident.step)" 1m "scan: 6 h range"
assert_eq "$(jget "$T/r2.json" '.pattern_sets.incident.steps | length')" 4 "scan: 4 minutes in range"

# Text: the steps with failures, one a line, under their set.
"$OMNIWATCH" summary -c "$CFG" > "$T/s.txt"
"$OMNIWATCH" scan -p "$T/incident.yaml" "$D" > "$T/c.txt"
for f in "$T/s.txt" "$T/c.txt"; do
	grep -q '^  steps with failures (1m, UTC):$' "$f" || fail "text: steps heading: $(cat "$f")"
	assert_eq "$(grep -c '^    2026-11-29T10:0' "$f")" 3 "text: three minutes with failures"
	grep -q '^    2026-11-29T10:04:00Z  6 failures, 0 successes, failure rate 100.0%: timeout 5, refused 1$' "$f" ||
	    fail "text: 10:04 line: $(cat "$f")"
	grep -q '^    2026-11-29T10:05:00Z  2 failures, 1 success, failure rate 66.7%: refused 2$' "$f" ||
	    fail "text: 10:05 line"
done
echo "ok: text lists the minutes with failures"

# HTML: the chart is drawn at the step, one bar a minute.
"$OMNIWATCH" summary -c "$CFG" --format html > "$T/s.html"
assert_eq "$(grep -c '<g class="bar">' "$T/s.html")" 10 "html: one bar per minute"
grep -q 'successes per minute, with the failure rate' "$T/s.html" || fail "html: chart per minute"
grep -q '<h3>Per minute (UTC)</h3>' "$T/s.html" || fail "html: heading per minute"
# With a range, the chart spans it (two hours of minutes), not just the
# minutes that hold records.
"$OMNIWATCH" summary -c "$CFG" --format html --since 2026-11-29T09:00:00Z --until 2026-11-29T11:00:00Z > "$T/r.html"
assert_eq "$(grep -o 'data-first="[^"]*" data-bins="[0-9]*"' "$T/r.html")" 'data-first="2026-11-29T09:00:00Z" data-bins="120"' "html: the range's two hours"
assert_eq "$(grep -c '<g class="bar">' "$T/r.html")" 10 "html: bars only where there are records"
"$OMNIWATCH" scan -p "$T/incident.yaml" --format html --step 5m "$D" > "$T/c.html"
assert_eq "$(grep -c '<g class="bar">' "$T/c.html")" 2 "html: --step 5m, two bars"

# Bad steps: exit 2 with what was expected.
for bad in 30s 90s 2d 0 soon -1m; do
	for cmd in scan summary; do
		set +e
		if [ $cmd = scan ]; then
			"$OMNIWATCH" scan --step "$bad" "$D" > /dev/null 2> "$T/e"
		else
			"$OMNIWATCH" summary -c "$CFG" --step "$bad" > /dev/null 2> "$T/e"
		fi
		rc=$?
		set -e
		assert_eq "$rc" 2 "$cmd --step $bad"
		grep -q "^omniwatch $cmd: --step '$bad': .*minutes" "$T/e" || fail "$cmd --step $bad message: $(cat "$T/e")"
	done
done
