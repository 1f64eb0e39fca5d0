#!/bin/sh
# omniwatch check never reports OK while watch is blind (issue 11): watch
# killed (kill -9, with the rate under the thresholds), stopped or hung;
# a live file watch does not follow; an alert rule firing (--alerts).
# And --window takes the alert rules' durations (30s), judged by the
# rules' own window code.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"


stamp() { stamp_ago "$1"; }

write_config
cat >> "$CFG" <<Y
receivers:
  ops: {url: "http://127.0.0.1:9/hook", timeout: 1s}
alerts:
  - {name: errors-seen, kind: failures, threshold: 3, window: 10m,
     receivers: [ops]}
Y
# 9 successes and a failure, stamped two minutes ago: rate 10%.
for i in 1 2 3 4 5 6 7 8 9; do
	echo "$(stamp 120): req=$i OK-never-seen"
done > "$L"
echo "$(stamp 120): req=10 ERROR 404" >> "$E"
start_watch
wait_count 9 successes "successes counted"
wait_count 1 failures "failure counted"

echo "# watch running, rate 10% under the thresholds: OK"
assert_eq "$(run_check --warning 0.5 --critical 0.9)" 0 "running: ok"
out_has '^OMNIWATCH OK - failure rate 10% (1/10) in 15m' "the OK line"

echo "# a source that matches no log file (a typo): WARNING, naming it"
cp "$CFG" "$T/ok.yaml"
sed -i "s|^sources:|sources:\n  - path: $T/app-eror.log|" "$CFG"
assert_eq "$(run_check --warning 0.5 --critical 0.9)" 1 "a blind source: warning"
out_has "; source 1 (path $T/app-eror.log) matches no app's log file: nothing is watched there; failure rate 10% (1/10) in 15m" "the blind source's line"
# (The config was edited and watch not reloaded: that comes first.)
out_has "^OMNIWATCH WARNING - watch counts with another configuration than $CFG as it is now (edited since watch read it, or another one's state_dir): reload watch (SIGHUP); " "the config edited, not reloaded"
cp "$T/ok.yaml" "$CFG"
assert_eq "$(run_check --warning 0.5 --critical 0.9)" 0 "the config as watch read it: ok"
sed -i "s|^pattern_sets: \\[\\(.*\\)\\]|pattern_sets: [\\1, $T/orders.yaml]|" "$CFG"
printf 'name: orders\nsuccess: [ORDER OK]\nfailure:\n  - {class: x, regex: ORDER FAIL}\n' > "$T/orders.yaml"
assert_eq "$(run_check --warning 0.5 --critical 0.9 --pattern-set orders)" 1 "a pattern set added, watch not reloaded: warning"
out_has "^OMNIWATCH WARNING - watch counts with another configuration than $CFG" "the added pattern set"
cp "$T/ok.yaml" "$CFG"

echo "# kill -9: CRITICAL at once, whatever the rates"
kill9_watch
echo "$(stamp 90): req=11 ERROR 404" >> "$E"
assert_eq "$(run_check --warning 0.5 --critical 0.9)" 2 "killed: critical"
out_has "^OMNIWATCH CRITICAL - omniwatch watch is not running for $CFG (no lock on $T/state/watch.lock); its last commit was [0-9]*s ago$" "names watch and the config"

echo "# started again: OK; stopped with SIGTERM: CRITICAL"
start_watch
wait_count 2 failures "the failure written while down"
assert_eq "$(run_check --warning 0.5 --critical 0.9)" 0 "running again: ok"
stop_watch
assert_eq "$(run_check --warning 0.5 --critical 0.9)" 2 "stopped: critical"
out_has "omniwatch watch is not running" "stopped: named"
start_watch

echo "# hung: the lock is held, the heartbeat old"
kill -STOP "$WPID"
touch -d '1 minute ago' "$T/state/watch.lock"
assert_eq "$(run_check)" 2 "hung: critical"
out_has "^OMNIWATCH CRITICAL - omniwatch watch (pid $WPID) for $CFG hangs: no heartbeat for [0-9]*s" "hung: pid named"
kill -CONT "$WPID"
ok_again() { [ "$(run_check)" = 0 ]; }
wait_for "the heartbeat to come back" ok_again

echo "# a live file watch does not follow (watch stalled while it was born)"
kill -STOP "$WPID"
echo "$(stamp 0): req=12 ERROR 404" >> "$D/newapp-error.log"
sleep 7	# past the grace: commit_interval + sweep + 5 s
assert_eq "$(run_check)" 2 "unfollowed file: critical"
out_has "^OMNIWATCH CRITICAL - omniwatch watch does not follow $D/newapp-error.log (.* bytes) under its sources$" "the file named"
kill -CONT "$WPID"
wait_count 3 failures "watch follows it once resumed"
wait_for "check OK once the file is followed" ok_again

echo "# --window takes what the rules take: 30s holds the new failures only"
echo "$(stamp 0): req=13 ERROR 404" >> "$E"
wait_count 4 failures "a fresh failure"
assert_eq "$(run_check --window 30s)" 0 "30s window"
out_has '^OMNIWATCH OK - failure rate 100% (2/2) in 30s' "30s: the two recent failures"
assert_eq "$(run_check --window 5m)" 0 "5m window"
out_has '(4/13) in 5m' "5m: everything"

echo "# --alerts: CRITICAL while a rule fires, naming it"
assert_eq "$(run_check --alerts --warning 0.9 --critical 0.95)" 2 "firing: critical"
out_has '^OMNIWATCH CRITICAL - firing: errors-seen (for [0-9]*s); failure rate 31% (4/13) in 15m' "the rule named"
assert_eq "$(run_check --warning 0.9 --critical 0.95)" 0 "without --alerts the rates decide"

echo "# an app PM2 gave up on writes no log: CRITICAL, rules or not"
{
	echo "$(stamp 0): PM2 log: App [desk:0] starting in -fork mode-"
	echo "$(stamp 0): PM2 log: App [desk:0] online"
	echo "$(stamp 0): PM2 log: App [desk:0] exited with code [1] via signal [SIGINT]"
	echo "$(stamp 0): PM2 log: Script /srv/desk/app.js had too many unstable restarts (16). Stopped. \"errored\""
} >> "$W/pm2.log"
is_critical() { [ "$(run_check --warning 0.9 --critical 0.95)" = 2 ]; }
wait_for "check to see the errored app" is_critical
out_has '^OMNIWATCH CRITICAL - app desk (errored [0-9]*s ago): PM2 gave up on it, and it writes no log; failure rate 31% (4/13) in 15m' "the errored app named"
# PM2 opens an app's logs before it runs it.
: > "$D/desk-out.log"
: > "$D/desk-error.log"
echo "$(stamp 0): PM2 log: App [desk:0] starting in -fork mode-" >> "$W/pm2.log"
echo "$(stamp 0): PM2 log: App [desk:0] online" >> "$W/pm2.log"
wait_for "check OK once the app is online again" ok_again
stop_watch
