#!/bin/sh
# watch and backtest must not disagree: the same logs, written in real
# time while watch follows them (notifying a receiver on 127.0.0.1), then
# replayed by backtest, give the same episodes: each rule fires and
# resolves as often, at the same times within what watch's wall clock adds
# (stamps have whole seconds; watch judges a moment after reading).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

R=$T/recv
alert_config "$R"
cat >> "$CFG" <<Y
  - {name: fails, kind: failures, threshold: 3, window: 3s}
  - {name: streak, kind: consecutive_failures, threshold: 3, window: 3s}
Y

start_watch
echo "# burst 1: three failures fire both rules; they resolve 3 s later"
fail_lines 3 a
wait_posts "$R" 2 '(.body | fromjson).status == "firing"'
wait_posts "$R" 2 '(.body | fromjson).status == "resolved"'
echo "# a success, then two failures: below both thresholds"
ok_lines 1
fail_lines 2 b
wait_count 5
_b2=$(date +%s)
wait_for "the window to empty" now_is $((_b2 + 4))
assert_eq "$(posts "$R")" 4 "nothing for two failures"
echo "# burst 2: four failures fire both again"
fail_lines 4 c
wait_posts "$R" 4 '(.body | fromjson).status == "firing"'
wait_posts "$R" 4 '(.body | fromjson).status == "resolved"'
stop_watch

echo "# backtest over the same logs, its clock running to when watch stopped"
# (without --until, the replay ends at the last stamp, with the second
# episodes still firing)
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$T/bt.json" \
    --until "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" ||
    fail "backtest exited with $?"
assert_eq "$(posts "$R")" 8 "backtest sent nothing"

# watch fires up to a second after the (whole-second) stamp, plus its
# reading; resolving is timed by the window's slots on both sides.  Two
# episodes of each rule.
watch_backtest_agree "$R" "$T/bt.json" 8
