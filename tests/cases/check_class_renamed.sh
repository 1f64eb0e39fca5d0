#!/bin/sh
# A failure class renamed in its pattern set (then watch restarted or
# reloaded, as check asks): the failures counted under the old name are
# failures still.  They went out of check's rate, summary's totals and the
# alert rules' windows, so a service failing 75% of the time read OK
# after the edit (tester12).  Now they count, under no class.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

write_config
seq -f 'req=%g ERROR partner said 404' 1 30 >> "$L"
seq -f 'req=%g OK-never-seen' 31 40 >> "$L"
start_watch
wait_count 30 failures "the failures counted"
wait_count 10 successes "the successes counted"
assert_eq "$(run_check --warning 0.3 --critical 0.5)" 2 "75% failing: critical"
out_has "failure rate 75% (30/40)" "the rate of all"

echo "# the class renamed, watch started again with the edited set"
stop_watch
sed -i 's/class: error/class: upstream/' "$T/error.yaml"
start_watch
echo "req=41 OK-never-seen" >> "$L"
wait_count 11 successes "a success after the edit"
assert_eq "$(run_check --warning 0.3 --critical 0.5)" 2 "still 73% failing: critical"
out_has "failure rate 73% (30/41)" "the failures under the old name counted"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json" 2> "$T/sum.err"
assert_eq "$(jget "$T/sum.json" .pattern_sets.errors.failures)" 30 \
    "summary's failures, under the old name too"
grep -q "state has failures of class 'error', which pattern set 'errors' no longer has (was the set edited?); they count as failures, under no class" "$T/sum.err" ||
	fail "summary's warning: $(cat "$T/sum.err")"
echo "ok: summary says where they are"
stop_watch
