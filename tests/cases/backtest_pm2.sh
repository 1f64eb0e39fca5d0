#!/bin/sh
# backtest replays the rules over PM2's own log (issue 15): restarts and
# app_errored, from pm2.log and the copy pm2-logrotate made of it (it
# rotates pm2.log with the apps' logs: /work/shared/samples/pm2/07's
# README), at the lines' stamps, give exactly the expected episodes; the
# PM2 events and the apps' records run on one clock; --since starts with
# what PM2 said before it; probe rules stay "not replayed".
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

# watch-lib's PM2 home (with logs/) and its pattern set, $T/error.yaml.
H=$W

# The lines PM2 7.0.4 writes (tests/data/pm2-daemon/pm2.log), for app api
# with pm_id 0: STAMP: PM2 log: MSG.
pl() {
	echo "$1: PM2 log: $2"
}
start_api() {
	pl "$1" "App [api:0] starting in -fork mode-"
	pl "$1" "App [api:0] online"
}
# crash STAMP: api exits and PM2 starts it again (a restart).
crash() {
	pl "$1" "App [api:0] exited with code [1] via signal [SIGINT]"
	start_api "$1"
}

# The older lines, rotated and compressed by pm2-logrotate: the first
# start (no restart), then three restarts in three seconds.
{
	pl 2026-11-29T07:59:59 "==============================================================================="
	start_api 2026-11-29T08:00:00
	crash 2026-11-29T08:10:01
	crash 2026-11-29T08:10:02
	crash 2026-11-29T08:10:03
} | gzip > "$H/pm2__2026-11-29_09-00-00.log.gz"
# The live log: two restarts (not more than 2), a crash loop of four
# restarts until PM2 gives up on api, and api started again at 10:30.
{
	crash 2026-11-29T09:00:01
	crash 2026-11-29T09:00:02
	crash 2026-11-29T10:00:01
	crash 2026-11-29T10:00:02
	crash 2026-11-29T10:00:03
	crash 2026-11-29T10:00:04
	pl 2026-11-29T10:00:05 "App [api:0] exited with code [1] via signal [SIGINT]"
	pl 2026-11-29T10:00:05 'Script /home/app/api/app.js had too many unstable restarts (16). Stopped. "errored"'
	start_api 2026-11-29T10:30:00
} > "$H/pm2.log"
# The app's own failures, on the same clock.
printf '2026-11-29T10:00:0%s: ERROR upstream req=%s\n' 1 a 2 b 3 c > "$H/logs/api-error.log"

cat > "$T/bt.yaml" <<Y
sources:
  - pm2_home: $H
pattern_sets: [$T/error.yaml]
state_dir: $T/state
alerts:
  - {name: crashloop, kind: restarts, threshold: 2, window: 5m}
  - {name: gaveup, kind: app_errored}
  - {name: gaveup-long, kind: app_errored, app: api, for: 10m}
  - {name: other-app, kind: app_errored, app: web}
  - {name: fails, kind: failures, threshold: 3, window: 1m}
  - {name: route, kind: probe}
Y
OUT=$T/bt.json

echo "# the config's pm2_home: pm2.log, its rotated copy and logs/"
"$OMNIWATCH" backtest -c "$T/bt.yaml" --format json -o "$OUT" ||
    fail "backtest exited with $?"
assert_eq "$(jget "$OUT" '.totals.pm2_logs')" 2 "PM2 logs read (the .gz copy and pm2.log)"
assert_eq "$(jget "$OUT" '.totals.pm2_events')" 21 "PM2 events: 10 restarts, 10 unplanned exits, 1 errored"
assert_eq "$(jget "$OUT" '.totals.records')" 3 "the app's records"
assert_eq "$(jget "$OUT" '.clock.from')" 2026-11-29T08:00:00Z "the clock from the first PM2 stamp"
assert_eq "$(jget "$OUT" '.clock.to')" 2026-11-29T10:30:00Z "to the last"
# restarts > 2 in 5m: the third restart of 08:10 fires it, and it
# resolves when the first leaves the window; the crash loop's four
# fire it at the third and it resolves when only two are left.
assert_eq "$(bt_episodes crashloop)" "2026-11-29T08:10:03Z 2026-11-29T08:15:01Z 3 2; 2026-11-29T10:00:03Z 2026-11-29T10:05:02Z 4 2" "crashloop: episodes"
assert_eq "$(jget "$OUT" '[.episodes[] | select(.rule == "crashloop")][0].pm2_note')" "api restarted 3 times in the window" "what PM2 said, as watch's notice says it"
# errored from PM2's giving up to api's next start.
assert_eq "$(bt_episodes gaveup)" "2026-11-29T10:00:05Z 2026-11-29T10:30:00Z 1 2" "gaveup: episode"
assert_eq "$(bt_episodes gaveup-long)" "2026-11-29T10:10:05Z 2026-11-29T10:30:00Z 1 2" "gaveup-long: for 10m"
assert_eq "$(bt_episodes other-app)" "" "another app: nothing"
assert_eq "$(bt_episodes fails)" "2026-11-29T10:00:03Z 2026-11-29T10:01:01Z 3 2" "the records' rule on the same clock"
assert_eq "$(jget "$OUT" '[.rules[] | "\(.name)=\(.replayed)"] | join(" ")')" "crashloop=true gaveup=true gaveup-long=true other-app=true fails=true route=false" "replayed: all but probe"
assert_eq "$(jget "$OUT" '.rules[] | select(.name == "route") | .not_replayed | test("probe")')" true "probe: the reason"
assert_eq "$(jget "$OUT" '.rules[] | select(.name == "gaveup") | .clock | test("pm2.log")')" true "app_errored says what it was judged on"
[ ! -e "$T/state" ] || fail "backtest created the state directory"

echo "# --since: what PM2 said before it holds at its start"
"$OMNIWATCH" backtest -c "$T/bt.yaml" --format json -o "$OUT" --since 2026-11-29T10:15:00Z
assert_eq "$(bt_episodes gaveup)" "2026-11-29T10:15:00Z 2026-11-29T10:30:00Z 1 2" "api errored since 10:00:05: firing from the start"
assert_eq "$(bt_episodes crashloop)" "" "restarts before --since are not replayed"
assert_eq "$(jget "$OUT" '.totals.pm2_events')" 1 "only the 10:30 restart is in the range"
"$OMNIWATCH" backtest -c "$T/bt.yaml" --format json -o "$OUT" --since 2026-11-29T09:00:00Z --until 2026-11-29T10:00:04Z
assert_eq "$(bt_episodes crashloop)" "2026-11-29T10:00:03Z null 3 1" "--until: firing at the end"

echo "# PATHs: pm2.log given alone; the apps' logs alone say there is no PM2 log"
"$OMNIWATCH" backtest -c "$T/bt.yaml" --format json -o "$OUT" "$H/pm2.log"
assert_eq "$(bt_episodes crashloop)" "2026-11-29T10:00:03Z 2026-11-29T10:05:02Z 4 2" "pm2.log alone: the crash loop"
"$OMNIWATCH" backtest -c "$T/bt.yaml" "$H/logs" > "$T/bt.txt"
grep -q '^rule gaveup (PM2 gave up on an app (errored)): 0 episodes, 0 notifications$' "$T/bt.txt" ||
    fail "text: $(cat "$T/bt.txt")"
grep -q 'no PM2 log (pm2.log) was among the files read' "$T/bt.txt" || fail "no pm2.log said: $(cat "$T/bt.txt")"
grep -q "^rule route (probe): not replayed: rules of kind probe are not replayed" "$T/bt.txt" ||
    fail "probe said: $(cat "$T/bt.txt")"

echo "# text and HTML"
"$OMNIWATCH" backtest -c "$T/bt.yaml" > "$T/bt.txt"
grep -q '^rule crashloop (restarts of an app > 2 over 5m): 2 episodes, 4 notifications$' "$T/bt.txt" ||
    fail "text: $(cat "$T/bt.txt")"
grep -q '^    pm2: api is errored (PM2 gave up after too many unstable restarts) since 2026-11-29T10:00:05Z$' "$T/bt.txt" ||
    fail "text note: $(cat "$T/bt.txt")"
grep -q "^replayed 21 events of PM2's own log (2 files)$" "$T/bt.txt" || fail "text totals: $(cat "$T/bt.txt")"
"$OMNIWATCH" backtest -c "$T/bt.yaml" --format html -o "$T/bt.html"
assert_eq "$(grep -c 'class="timeline"' "$T/bt.html")" 5 "HTML timelines (not the probe's)"
grep -q 'api restarted 3 times in the window' "$T/bt.html" || fail "HTML note"
