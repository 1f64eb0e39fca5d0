#!/bin/sh
# omniwatch backtest (omniwatch(1)): bursts of stamped failures an hour
# apart, in gzip'd, rotated and live files, give exactly those episodes at
# those times; --rule and --set; records without a stamp are counted and
# said; nothing is sent and no state is made (a receiver on 127.0.0.1
# that records every request gets none).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

R=$T/recv
start_receiver "$R"

# burst HOUR: four failures at HOUR:00:01..04, a secret in each.
burst() {
	for _b_i in 1 2 3 4; do
		echo "2026-11-29T$1:00:0$_b_i: req=$_b_i ERROR upstream token=tok-$1-$_b_i"
	done
}

# The oldest hour in a logrotate .2.gz, the next in .1, the last live;
# a success half an hour after each of the first two.
{ burst 08; echo "2026-11-29T08:30:00: req=s1 SUCCESS"; } | gzip > "$D/demo-api-out.log.2.gz"
{ burst 09; echo "2026-11-29T09:30:00: req=s2 SUCCESS"; } > "$D/demo-api-out.log.1"
burst 10 > "$L"
echo "a line without a stamp: ERROR upstream" >> "$L"

write_config
cat >> "$CFG" <<Y
receivers:
  ops: {url: "http://127.0.0.1:$(port_of "$R")/hook", timeout: 2s}
alerts:
  - {name: fails, kind: failures, threshold: 3, window: 5m}
  - {name: rate, kind: failure_rate, threshold: 0.5, min_events: 2, window: 10m, repeat_interval: 2m}
  - {name: quiet, kind: no_success, window: 30m}
Y
OUT=$T/bt.json

echo "# the config's sources, rotated and compressed copies included"
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$OUT" ||
    fail "backtest exited with $?"
assert_eq "$(jget "$OUT" '.totals.records')" 14 "stamped records replayed"
assert_eq "$(jget "$OUT" '.totals.records_without_stamp')" 1 "records without a stamp, counted"
assert_eq "$(jget "$OUT" '.files | length')" 3 "files read"
assert_eq "$(jget "$OUT" '.clock.from')" 2026-11-29T08:00:01Z "clock from the first stamp"
assert_eq "$(jget "$OUT" '.clock.to')" 2026-11-29T10:00:04Z "to the last"
# failures >= 3 in 5m: the third failure of each hour fires it; it
# resolves when the second leaves the window (5m after it).
assert_eq "$(bt_episodes fails)" "2026-11-29T08:00:03Z 2026-11-29T08:05:02Z 4 2; 2026-11-29T09:00:03Z 2026-11-29T09:05:02Z 4 2; 2026-11-29T10:00:03Z null 4 1" "fails: episodes"
# rate: 2 events at :02; repeats every 2m for the 10m the window holds
# two events (5 repeats), then resolved: 7 notifications.
assert_eq "$(bt_episodes rate)" "2026-11-29T08:00:02Z 2026-11-29T08:10:03Z 1 7; 2026-11-29T09:00:02Z 2026-11-29T09:10:03Z 1 7; 2026-11-29T10:00:02Z null 1 1" "rate: episodes and repeats"
# no_success: quiet from the start of the replay (08:00:01), then from
# each success; the hour without records between 09:00 and 09:30 is quiet.
assert_eq "$(bt_episodes quiet)" "2026-11-29T09:00:00Z 2026-11-29T09:30:00Z 3600 2; 2026-11-29T10:00:00Z null 1804 1" "quiet: episodes on the stamps"
assert_eq "$(jget "$OUT" '.rules[] | select(.name == "quiet") | .clock | test("stamps")')" true "no_success says how it was judged"
assert_eq "$(jget "$OUT" '.totals.notifications')" 23 "notifications in all"
assert_eq "$(jget "$OUT" '[.episodes[] | select(.rule == "fails")][0].sample')" "req=3 ERROR upstream token=[REDACTED]" "sample: the record that fired it, redacted"
assert_eq "$(grep -c 'tok-' "$OUT" || true)" 0 "no secret in the report"

echo "# nothing sent, no state"
[ ! -e "$T/state" ] || fail "backtest created the state directory"
echo "ok: no state directory"
assert_eq "$(posts "$R")" 0 "requests to the receiver"

echo "# PATHs instead of the sources; --since/--until bound the clock"
# --until is exclusive: the clock runs to 10:00:00.999, past the last
# record, and the half hour without records after the success is quiet.
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$OUT" \
    --since 2026-11-29T09:00:00Z --until 2026-11-29T10:00:01Z \
    "$D/demo-api-out.log.1" "$D/demo-api-out.log.2.gz" ||
    fail "backtest with paths exited with $?"
assert_eq "$(jget "$OUT" '.totals.records')" 5 "records of 09:00-10:00"
assert_eq "$(bt_episodes fails)" "2026-11-29T09:00:03Z 2026-11-29T09:05:02Z 4 2" "fails in range"
assert_eq "$(jget "$OUT" '.clock.to')" 2026-11-29T10:00:00.999Z "clock to --until"
assert_eq "$(bt_episodes quiet)" "2026-11-29T10:00:00Z null 1801 1" "quiet from --since, to --until (1800.999 s, six digits)"

echo "# a range without any record: no_success judged on the clock alone"
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$OUT" \
    --since 2026-11-29T12:00:00Z --until 2026-11-29T13:00:00Z
assert_eq "$(jget "$OUT" '.totals.records')" 0 "no records in 12:00-13:00"
assert_eq "$(bt_episodes quiet)" "2026-11-29T12:30:00Z null 3600 1" "quiet from --since, fired after its window, quiet to the end"
assert_eq "$(jget "$OUT" '[.episodes[] | select(.rule != "quiet")] | length')" 0 "the other rules: nothing"

echo "# --rule and --set"
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$OUT" --rule fails \
    --set fails.threshold=4 --set fails.window=2m
assert_eq "$(jget "$OUT" '[.rules[].name] | join(",")')" fails "--rule: only that rule"
assert_eq "$(bt_episodes fails)" "2026-11-29T08:00:04Z 2026-11-29T08:02:01Z 4 2; 2026-11-29T09:00:04Z 2026-11-29T09:02:01Z 4 2; 2026-11-29T10:00:04Z null 4 1" "--set threshold=4 window=2m"
assert_eq "$(jget "$OUT" '.overrides | join(" ")')" "fails.threshold=4 fails.window=2m" "the overrides are said"
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$OUT" --rule fails --set fails.threshold=5
assert_eq "$(jget "$OUT" '.episodes | length')" 0 "threshold 5: never fires"
rc=0
"$OMNIWATCH" backtest -c "$CFG" --set fails.threshold=0.5 2>"$T/err" || rc=$?
assert_eq "$rc" 2 "a bad --set value: usage error"
assert_eq "$(cat "$T/err")" "omniwatch backtest: --set 'fails.threshold=0.5': alerts.fails.threshold: '0.5' is not a count; expected a whole number from 1 to 1000000000" "named by the argument, checked as the file is"
rc=0
"$OMNIWATCH" backtest -c "$CFG" --set nosuch.window=1m 2>"$T/err" || rc=$?
assert_eq "$rc" 2 "--set of an unknown rule"
grep -q "has no alert rule named 'nosuch'" "$T/err" || fail "message: $(cat "$T/err")"
rc=0
"$OMNIWATCH" backtest -c "$CFG" --rule nosuch 2>"$T/err" || rc=$?
assert_eq "$rc" 2 "--rule of an unknown rule"
grep -q "expected one of: fails rate quiet" "$T/err" || fail "message: $(cat "$T/err")"

echo "# text and HTML: a timeline per rule"
"$OMNIWATCH" backtest -c "$CFG" > "$T/bt.txt"
grep -q '^rule fails (failures >= 3 over 5m): 3 episodes, 5 notifications, firing at the end$' "$T/bt.txt" ||
    fail "text header: $(cat "$T/bt.txt")"
grep -q '^  2026-11-29T08:00:01Z |#' "$T/bt.txt" || fail "text timeline"
grep -q '^1 record without a stamp: counted, not replayed (no time to place it at)' "$T/bt.txt" || fail "undated said"
"$OMNIWATCH" backtest -c "$CFG" --format html -o "$T/bt.html"
assert_eq "$(grep -c 'class="timeline"' "$T/bt.html")" 3 "HTML timelines"
assert_eq "$(grep -c 'class="firing"' "$T/bt.html")" 8 "HTML episodes drawn"
if grep -Eq '(src|href)=' "$T/bt.html"; then fail "HTML loads something"; fi
assert_eq "$(grep -c 'tok-' "$T/bt.html" || true)" 0 "no secret in the HTML"

echo "# still nothing sent, no state"
[ ! -e "$T/state" ] || fail "backtest created the state directory"
assert_eq "$(posts "$R")" 0 "requests to the receiver"

echo "# records of two files are merged by stamp, not read file by file"
# PM2 writes an app's failures and successes to two files: alternating
# F S F S F is no streak of 2, though the -error.log alone is one of 3.
mkdir -p "$T/mix"
printf '2026-11-29T11:00:0%s: req=%s ERROR upstream\n' 1 a 3 b 5 c > "$T/mix/mix-error.log"
printf '2026-11-29T11:00:0%s: req=%s SUCCESS\n' 2 d 4 e > "$T/mix/mix-out.log"
cat > "$T/mix.yaml" <<Y
sources:
  - pm2_home: $T/nowhere
pattern_sets: [$PATTERNS]
state_dir: $T/state
alerts:
  - {name: streak, kind: consecutive_failures, threshold: 2, window: 1m}
Y
"$OMNIWATCH" backtest -c "$T/mix.yaml" --format json -o "$OUT" "$T/mix"
assert_eq "$(jget "$OUT" '.episodes | length')" 0 "F S F S F: no streak of 2"
echo '2026-11-29T11:00:06: req=f ERROR upstream' >> "$T/mix/mix-error.log"
"$OMNIWATCH" backtest -c "$T/mix.yaml" --format json -o "$OUT" "$T/mix"
assert_eq "$(bt_episodes streak)" "2026-11-29T11:00:06Z null 2 1" "F S F S F F: fires at the second F, firing at the end"
[ ! -e "$T/state" ] || fail "backtest created the state directory"

echo "# stamps before 1970 are no time to replay at, and crash nothing"
printf '1960-01-01T00:00:0%s: req=%s ERROR upstream\n' 1 a 2 b 3 c > "$T/mix/old-error.log"
"$OMNIWATCH" backtest -c "$T/mix.yaml" --format json -o "$OUT" "$T/mix/old-error.log"
assert_eq "$(jget "$OUT" '.totals.records_without_stamp')" 3 "counted as without a stamp"
assert_eq "$(jget "$OUT" '.episodes | length')" 0 "nothing replayed"

echo "# rules over PM2's own log, without a pm2.log among the files, say so"
# (backtest_pm2.sh replays them over one)
cat >> "$T/mix.yaml" <<Y
  - {name: crashy, kind: restarts, threshold: 3, window: 10m}
Y
"$OMNIWATCH" backtest -c "$T/mix.yaml" --format json -o "$OUT" "$T/mix"
assert_eq "$(jget "$OUT" '[.rules[] | "\(.name)=\(.replayed)"] | join(" ")')" "streak=true crashy=true" "replayed"
assert_eq "$(jget "$OUT" '.totals.pm2_logs')" 0 "no PM2 log read"
"$OMNIWATCH" backtest -c "$T/mix.yaml" "$T/mix" > "$T/bt.txt"
grep -q "^  (no PM2 log (pm2.log) was among the files read, so there was nothing to judge it on" "$T/bt.txt" ||
    fail "text: $(cat "$T/bt.txt")"
echo "ok: the text says so"

echo "# a logs directory given as pm2_home: the error names the fix (issue 15)"
# examples/pm2-logs is PM2_HOME/logs, not a PM2 home; pointing pm2_home
# at it read nothing and said only that DIR/logs did not exist.
mkdir -p "$T/justlogs"
cp "$top_srcdir/examples/pm2-logs/omni-app-error.log" "$T/justlogs/"
cat > "$T/justlogs.yaml" <<Y
sources:
  - pm2_home: $T/justlogs
pattern_sets: [omni]
state_dir: $T/state
alerts:
  - {name: omni-failing, kind: failure_rate, threshold: 0.4, window: 5m, min_events: 3}
Y
want="source 1: pm2_home $T/justlogs holds PM2's app logs itself (omni-app-error.log), as PM2_HOME/logs does; give its parent, the PM2_HOME (PM2 uses \$PM2_HOME, else ~/.pm2), or the files: path: $T/justlogs/*.log"
rc=0
"$OMNIWATCH" backtest -c "$T/justlogs.yaml" > /dev/null 2> "$T/err" || rc=$?
assert_eq "$rc" 2 "backtest: a logs directory as pm2_home"
assert_eq "$(cat "$T/err")" "omniwatch backtest: $T/justlogs.yaml: $want" "backtest: the message"
rc=0
"$OMNIWATCH" watch -c "$T/justlogs.yaml" --check > /dev/null 2> "$T/err" || rc=$?
[ "$rc" -ne 0 ] || fail "watch --check took a logs directory as pm2_home"
grep -qF "$want" "$T/err" || fail "watch --check: $(cat "$T/err")"
echo "ok: watch --check says the same"
"$OMNIWATCH" backtest -c "$T/justlogs.yaml" --format json -o "$OUT" "$T/justlogs"
assert_eq "$(jget "$OUT" '.totals.records')" 8 "the directory as a PATH: its records"
[ ! -e "$T/state" ] || fail "backtest created the state directory"
