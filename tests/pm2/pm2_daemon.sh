#!/bin/sh
# pm2_daemon: what PM2's own log, PM2_HOME/pm2.log, says about the apps
# (issue 12), against real PM2 7.0.4, read by `omniwatch watch` of the
# PM2 home while it happens and by `omniwatch scan` of the home and of
# pm2.log itself afterwards:
#  - crash-at-start.js throws at start; with --max-restarts 3 PM2 gives up
#    after its third exit (2 restarts, 3 unplanned exits, errored): the
#    restarts rule and the app_errored rule fire;
#  - cluster-flaky.js runs as three cluster instances (pm_ids 1-3); the one
#    with NODE_APP_INSTANCE 1 (pm_id 2) exits with code 3 twice and is
#    restarted twice; then `pm2 stop` stops all three (3 planned stops);
#  - a no_success rule added then (SIGHUP) fires with a note that desk is
#    stopped and crashy errored;
#  - crash-at-start.js is healed and `pm2 restart`ed (a third restart, as
#    the log shows it): online again, app_errored resolves;
#  - ext-logger.js (solo, saved before watch starts, and solo2, saved
#    later) writes its out_file and error_file outside PM2_HOME: watch
#    finds them through dump.pm2, and a new dump, and counts their records
#    under their names, as scan of the home does; their environment holds
#    a fake secret, which appears nowhere: not in any report, log, metric,
#    notification or the state.
# Then watch's summary, its metrics and both scans must give the same
# exact counts, and backtest of the home the same episodes of the
# restarts and app_errored rules as watch notified.  Exit 77 (skip) when node or npm is missing.

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
. "$top_srcdir/tests/pm2/pm2-lib.sh"
. "$top_srcdir/tests/backtest-lib.sh"

daemon_lines() {
	grep -c "$1" "$PM2_HOME/pm2.log" 2>/dev/null || true
}
has_lines() {
	[ "$(daemon_lines "$1")" -ge "$2" ]
}

mode_begin daemon

# ---- an app with its logs outside PM2_HOME, saved in dump.pm2 -----------

SECRET=fake-secret-5f0c1a9e
mkdir -p "$dir/ext"
# ext_app NAME FAIL: NAME's out_file and error_file in $dir/ext, the
# secret in its env; FAIL 1 logs a failure too.
ext_app() {
	jq -n --arg name "$1" --arg script "$APP_DIR/ext-logger.js" \
		--arg out "$dir/ext/$1-out.log" --arg err "$dir/ext/$1-err.log" \
		--arg secret "$SECRET" --arg fail "$2" \
		'{apps: [{name: $name, script: $script, out_file: $out,
		  error_file: $err, env: {OMNI_API_TOKEN: $secret,
		  EXT_FAIL: $fail}}]}' >"$dir/$1.json"
	pm2 start "$dir/$1.json"
	wait_for "$WAIT_S" grep -q created "$dir/ext/$1-out.log" ||
		fail "$1 did not log"
}
ext_app solo 0
pm2 save
grep -q "$SECRET" "$PM2_HOME/dump.pm2" || fail "the dump holds the secret"
# Deleted (its logs stay, and so does the dump), so that the apps below
# get pm_ids from 0 again (lib/God/ActionMethods.js deleteProcessId).
pm2 delete solo

# ---- watch of the PM2 home, with a receiver ------------------------------

R=$dir/recv
mkdir -p "$R"
python3 "$top_srcdir/tests/receiver.py" "$R" 0 2>>"$R/stderr" &
cleanup_pids="$cleanup_pids $!"
wait_for "$WAIT_S" test -s "$R/port" || fail "receiver did not start"
CFG=$dir/watch.yaml
cat > "$CFG" <<Y
sources:
  - pm2_home: $PM2_HOME
state_dir: $dir/state
state: {commit_interval: 200ms}
metrics: {textfile: $dir/omniwatch.prom, textfile_interval: 200ms}
receivers:
  ops: {url: 'http://127.0.0.1:$(cat "$R/port")/hook', retry_initial: 100ms}
alerts:
  - {name: crashloop, kind: restarts, app: crashy, threshold: 1, window: 1h}
  - {name: gave-up, kind: app_errored}
Y
"$OMNIWATCH" watch -c "$CFG" >"$dir/watch.log" 2>&1 &
wpid=$!
cleanup_pids="$cleanup_pids $wpid"
wait_for "$WAIT_S" grep -q watching "$dir/watch.log" || fail "watch did not start"

# posts JQ_SELECT: the receiver's posts whose body matches.
posts() {
	[ -f "$R/posts.jsonl" ] || { echo 0; return; }
	jq -c '.body | fromjson' "$R/posts.jsonl" | jq -c "select($1)" | wc -l | tr -d ' '
}
has_posts() {
	[ "$(posts "$1")" -ge "$2" ]
}

# ---- the events ------------------------------------------------------------

HEAL=$dir/healed
# min_uptime 10 s: a loaded machine may take over 1 s (the default) to
# start node, and PM2 calls only quicker exits unstable.  The CLI has no
# option for it: an ecosystem file.
jq -n --arg script "$APP_DIR/crash-at-start.js" --arg heal "$HEAL" \
	'{apps: [{name: "crashy", script: $script, max_restarts: 3,
	  min_uptime: 10000, env: {HEAL_FILE: $heal}}]}' >"$dir/crashy.json"
pm2 start "$dir/crashy.json"
wait_for "$WAIT_S" has_lines 'too many unstable restarts' 1 ||
	fail "PM2 did not give up on crashy"
wait_for "$WAIT_S" has_posts '.alert == "gave-up" and .status == "firing"' 1 ||
	{ cat "$dir/watch.log" >&2; fail "app_errored did not fire"; }
wait_for "$WAIT_S" has_posts '.alert == "crashloop" and .status == "firing"' 1 ||
	fail "restarts did not fire"
jq -c '.body | fromjson' "$R/posts.jsonl" > "$dir/bodies.jsonl"
assert_eq "$(jq -r 'select(.alert == "gave-up") | .kind' "$dir/bodies.jsonl")" app_errored "app_errored's kind"
jq -r 'select(.alert == "gave-up") | .pm2' "$dir/bodies.jsonl" |
	grep -q '^crashy is errored (PM2 gave up after too many unstable restarts) since 20' ||
	fail "app_errored's note names crashy"
assert_eq "$(jq -r 'select(.alert == "crashloop") | .pm2' "$dir/bodies.jsonl")" \
	"crashy restarted 2 times in the window" "restarts' note"
mkdir -p "$dir/flaky"
FLAKY_DIR=$dir/flaky FLAKY_EXITS=2 pm2 start "$APP_DIR/cluster-flaky.js" \
	--name desk -i 3
wait_for "$WAIT_S" has_lines 'App \[desk:2\] exited with code \[3\]' 2 ||
	fail "desk's pm_id 2 did not exit twice"
wait_for "$WAIT_S" has_lines 'App \[desk:2\] online' 3 ||
	fail "desk's pm_id 2 did not come back"
pm2 stop desk
wait_for "$WAIT_S" has_lines 'App \[desk:[0-9]\] exited with code \[0\]' 3 ||
	fail "desk did not stop"

# The metrics (counters since watch started; the textfile every 200 ms).
prom() {
	grep "^$1 " "$dir/omniwatch.prom" 2>/dev/null | cut -d' ' -f2
}
prom_has() {
	[ "$(prom "$1")" = "$2" ]
}
wait_for "$WAIT_S" prom_has 'omniwatch_pm2_state{app="desk",instance="2",state="stopped"}' 1 ||
	fail "metrics: desk pm_id 2 stopped"
assert_eq "$(prom 'omniwatch_pm2_restarts_total{app="desk",instance="2"}')" 2 "metrics: desk pm_id 2 restarts"
assert_eq "$(prom 'omniwatch_pm2_unplanned_exits_total{app="desk",instance="2"}')" 2 "metrics: desk pm_id 2 unplanned exits"
assert_eq "$(prom 'omniwatch_pm2_planned_stops_total{app="desk",instance="1"}')" 1 "metrics: desk pm_id 1 planned stops"
assert_eq "$(prom 'omniwatch_pm2_errored_total{app="crashy"}')" 1 "metrics: crashy errored"
assert_eq "$(prom 'omniwatch_pm2_state{app="crashy",state="errored"}')" 1 "metrics: crashy errored now"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics < "$dir/omniwatch.prom" >"$dir/promtool.out" 2>&1 ||
		{ cat "$dir/promtool.out" >&2; fail "promtool check metrics"; }
	echo "ok: promtool check metrics"
fi

# An absence rule over records of apps that are not running says so.
cat >> "$CFG" <<Y
  - {name: quiet, kind: no_success, window: 2s}
Y
kill -HUP "$wpid"
wait_for "$WAIT_S" has_posts '.alert == "quiet" and .status == "firing"' 1 ||
	{ cat "$dir/watch.log" >&2; fail "no_success did not fire"; }
note=$(jq -c '.body | fromjson | select(.alert == "quiet") | .pm2' "$R/posts.jsonl" | head -n 1)
case $note in
*"crashy is errored by PM2 since "*"desk is stopped by PM2 since "*"no records are to be expected"*) echo "ok: no_success says the apps are not running" ;;
*) fail "no_success's note: $note" ;;
esac

# Healed and restarted: online again, app_errored resolves.
: > "$HEAL"
pm2 restart crashy
wait_for "$WAIT_S" has_lines 'App \[crashy:0\] online' 4 ||
	fail "crashy did not come back"
wait_for "$WAIT_S" has_posts '.alert == "gave-up" and .status == "resolved"' 1 ||
	fail "app_errored did not resolve"
# The counters since watch's (re)start: crashy's healing restart.
wait_for "$WAIT_S" prom_has 'omniwatch_pm2_state{app="crashy",state="online"}' 1 ||
	fail "metrics: crashy online"
assert_eq "$(prom 'omniwatch_pm2_restarts_total{app="crashy"}')" 1 "metrics: crashy restarts since the reload"
assert_eq "$(prom 'omniwatch_pm2_state{app="desk",instance="3",state="stopped"}')" 1 "metrics: desk pm_id 3 stopped"

# Logs outside PM2_HOME: solo's from the dump watch started with, solo2's
# from a new dump (pm2 save) that watch picks up.
ext_app solo2 1
pm2 save
wait_for "$WAIT_S" grep -q "following $dir/ext/solo2-err.log" "$dir/watch.log" ||
	{ cat "$dir/watch.log" >&2; fail "watch did not pick up the new dump"; }
ext_counted() {
	"$OMNIWATCH" summary -c "$CFG" --json 2>/dev/null | jq -e '.pattern_sets.omni.apps |
	    .solo.successes == 1 and .solo2.successes == 1 and .solo2.failures == 1' >/dev/null
}
wait_for "$WAIT_S" ext_counted || fail "watch: the logs outside PM2_HOME"
echo "ok: watch counts the logs outside PM2_HOME through dump.pm2, a new one too"

# pm2 save writes dump.pm2 in place (writeFileSync truncates, then
# writes): a dump seen empty or half-written is not a new list of apps.
# Found by a tester: watch warned "not valid JSON", let the dump's logs
# go, and when the dump was whole again opened everything anew, saying
# the files had rotated "while we were stopped".
reopens=$(grep -c 'dump.pm2 names other logs' "$dir/watch.log" || true)
stopped=$(grep -c 'while we were stopped' "$dir/watch.log" || true)
cp "$PM2_HOME/dump.pm2" "$dir/dump.whole"
: > "$PM2_HOME/dump.pm2"
sleep 0.5
head -c 100 "$dir/dump.whole" > "$PM2_HOME/dump.pm2"
sleep 0.5
cat "$dir/dump.whole" > "$PM2_HOME/dump.pm2"
rm -f "$dir/dump.whole"	# it holds the secret the leak check looks for
wait_for "$WAIT_S" grep -q 'dump.pm2 is not whole' "$dir/watch.log" ||
	{ cat "$dir/watch.log" >&2; fail "the half-written dump was not looked at"; }
sleep 1
assert_eq "$(grep -c 'dump.pm2 names other logs' "$dir/watch.log")" "$reopens" "a half-written dump opens nothing again"
grep -q 'not valid JSON' "$dir/watch.log" && fail "a half-written dump is warned about"
assert_eq "$(grep -c 'while we were stopped' "$dir/watch.log" || true)" "$stopped" "a half-written dump is not taken for a stop"
wait_for "$WAIT_S" ext_counted || fail "watch: the logs outside PM2_HOME after a half-written dump"
echo "ok: a dump being written keeps its logs followed, and opens nothing again"

kill -TERM "$wpid"
wait "$wpid" || fail "watch exited with status $?"

# check WHAT FILE: the counts of a scan --json.
check() {
	a='.pm2.apps'
	assert_eq "$(jget "$2" "$a.crashy | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(\" \")")" "3 3 0 1" "$1: crashy restarts, unplanned exits, planned stops, errored"
	assert_eq "$(jget "$2" "$a.crashy.state")" online "$1: crashy state"
	assert_eq "$(jget "$2" "$a.crashy | has(\"instances\")")" false "$1: no instances in fork mode"
	assert_eq "$(jget "$2" "$a.desk | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(\" \")")" "2 2 3 0" "$1: desk counts"
	assert_eq "$(jget "$2" "$a.desk.state")" stopped "$1: desk state"
	assert_eq "$(jget "$2" "$a.desk.mode")" cluster "$1: desk mode"
	assert_eq "$(jget "$2" "$a.desk.instances | keys | join(\",\")")" 1,2,3 "$1: desk instances"
	assert_eq "$(jget "$2" "$a.desk.instances[\"2\"] | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(\" \")")" "2 2 1 0" "$1: desk pm_id 2"
	assert_eq "$(jget "$2" "$a.desk.instances[\"1\"] | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(\" \")")" "0 0 1 0" "$1: desk pm_id 1"
	assert_eq "$(jget "$2" "$a.desk.instances[\"3\"].state")" stopped "$1: desk pm_id 3 state"
}

"$OMNIWATCH" scan --json "$PM2_HOME" >"$dir/home.json" || fail "scan of the PM2 home"
check "scan of PM2_HOME" "$dir/home.json"
assert_eq "$(jget "$dir/home.json" '.pm2.logs | length')" 1 "daemon logs read"
"$OMNIWATCH" scan --json "$PM2_HOME/pm2.log" >"$dir/daemon.json" || fail "scan of pm2.log"
check "scan of pm2.log" "$dir/daemon.json"
# The app logs of the home: desk's pm_id 2 logged its two failures.
assert_eq "$(jget "$dir/home.json" '.files | map(select(.path | endswith("desk-error-2.log"))) | length')" 1 "desk-error-2.log read"
"$OMNIWATCH" scan "$PM2_HOME" >"$dir/home.txt" || fail "scan (text)"
grep -q '^  app crashy (fork mode): online since .*, 3 restarts, 3 unplanned exits, 0 planned stops, 1 errored$' "$dir/home.txt" ||
	{ cat "$dir/home.txt" >&2; fail "text: crashy's line"; }
grep -q '^    instance 2: stopped since .*, 2 restarts, 2 unplanned exits, 1 planned stop, 0 errored$' "$dir/home.txt" ||
	fail "text: a line per instance"
# What watch kept: the same counts in summary.
"$OMNIWATCH" summary -c "$CFG" --json >"$dir/summary.json" || fail "summary"
check "summary" "$dir/summary.json"
assert_eq "$(jget "$dir/home.json" '.pattern_sets.omni.apps.solo2 | [.failures, .successes] | join(" ")')" "1 1" "scan: solo2's logs outside PM2_HOME"
assert_eq "$(jget "$dir/home.json" ".files | map(select(.path == \"$dir/ext/solo2-out.log\")) | .[0].app")" solo2 "scan: the dump's app name"
# backtest over the same PM2 home (issue 15): restarts and app_errored
# fire and resolve as watch notified them, at the pm2.log stamps of what
# watch read (up to 10 s later on watch's side: PM2 writes its log under
# load here).  quiet, added to watch by SIGHUP, is left out.
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$dir/bt.json" \
	--until "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" || fail "backtest"
BT_AGREE_LATE=10 watch_backtest_agree "$R" "$dir/bt.json" 3 '^(crashloop|gave-up)$'
"$OMNIWATCH" summary -c "$CFG" >"$dir/summary.txt"
"$OMNIWATCH" summary -c "$CFG" --format html -o "$dir/summary.html"
"$OMNIWATCH" scan --format html -o "$dir/home.html" "$PM2_HOME"
# The secret is nowhere but in PM2's own files.
leaks=$(grep -rlaF "$SECRET" "$dir" 2>/dev/null | grep -v "^$PM2_HOME/" |
	grep -v "^$dir/solo2\{0,1\}.json$" || true)
[ -z "$leaks" ] || fail "the dump's secret leaked into: $leaks"
echo "ok: the dump's secret is in no output, log, metric, post or state"
# A malformed dump is a warning naming it; the rest is read as before.
cp "$PM2_HOME/dump.pm2" "$dir/dump.keep"
printf '[{"name": "x", "env": {"T": "%s"' "$SECRET" >"$PM2_HOME/dump.pm2"
"$OMNIWATCH" scan --json "$PM2_HOME" >"$dir/bad.json" 2>"$dir/bad.err" ||
	fail "scan with a malformed dump"
grep -q "dump.pm2: not valid JSON at line 1, column" "$dir/bad.err" ||
	{ cat "$dir/bad.err" >&2; fail "the warning names the dump"; }
grep -qF "$SECRET" "$dir/bad.err" "$dir/bad.json" && fail "the warning quotes the dump"
assert_eq "$(jget "$dir/bad.json" '.pm2.apps.desk.restarts')" 2 "a malformed dump: the rest is read"
mode_end
