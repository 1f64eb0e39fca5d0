#!/bin/sh
# watch and backtest must not disagree over PM2's own log either (issue
# 15): pm2.log lines written in real time, as PM2 7.0.4 writes them
# (tests/data/pm2-daemon/pm2.log), while watch follows the PM2 home and
# notifies a receiver on 127.0.0.1, then replayed by backtest, give the
# same firing/resolved sequence for restarts and app_errored, at the same
# times within what watch's wall clock adds.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/alert-lib.sh"

P=$W/pm2.log
# pl MSG: a line of PM2's log, stamped now.
pl() {
	echo "$(now_stamp): PM2 log: $1" >> "$P"
}
start_api() {
	pl "App [api:0] starting in -fork mode-"
	pl "App [api:0] online"
}
crash() {
	pl "App [api:0] exited with code [1] via signal [SIGINT]"
	start_api
}

R=$T/recv
alert_config "$R"
cat >> "$CFG" <<Y
  - {name: crashloop, kind: restarts, threshold: 1, window: 3s}
  - {name: gaveup, kind: app_errored}
Y

pl "==============================================================================="
pl "--- New PM2 Daemon started ----------------------------------------------------"
start_api
start_watch
echo "# two restarts: more than 1 in 3 s fires crashloop; it resolves as they age"
crash
crash
wait_posts "$R" 1 '(.body | fromjson) | .alert == "crashloop" and .status == "firing"'
wait_posts "$R" 1 '(.body | fromjson) | .alert == "crashloop" and .status == "resolved"'
echo "# one more restart, then PM2 gives up: gaveup fires"
crash
pl "App [api:0] exited with code [1] via signal [SIGINT]"
pl 'Script /home/app/api/app.js had too many unstable restarts (16). Stopped. "errored"'
wait_posts "$R" 1 '(.body | fromjson) | .alert == "gaveup" and .status == "firing"'
_e=$(date +%s)
wait_for "the restart to leave the window" now_is $((_e + 4))
echo "# api started again: gaveup resolves"
start_api
wait_posts "$R" 1 '(.body | fromjson) | .alert == "gaveup" and .status == "resolved"'
_e=$(date +%s)
wait_for "the restarts' window to empty" now_is $((_e + 4))
assert_eq "$(posts "$R")" 4 "one episode of each rule"
stop_watch
# watch's log says what a restarts rule counted: restarts, not failures
# and successes.
grep -Eq "alert 'crashloop' firing \(id [^)]*\): [0-9]+ restarts? in the window\$" "$WLOG" ||
    fail "crashloop's firing line: $(grep "alert 'crashloop' firing" "$WLOG")"
grep -Eq "alert 'gaveup' firing \(id [^)]*\)\$" "$WLOG" ||
    fail "gaveup's firing line: $(grep "alert 'gaveup' firing" "$WLOG")"
echo "ok: watch logs a restarts rule's restarts, an app_errored rule no counts"

echo "# backtest over the same PM2 home, its clock running to when watch stopped"
"$OMNIWATCH" backtest -c "$CFG" --format json -o "$T/bt.json" \
    --until "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" ||
    fail "backtest exited with $?"
assert_eq "$(posts "$R")" 4 "backtest sent nothing"
assert_eq "$(jget "$T/bt.json" '.totals.pm2_logs')" 1 "pm2.log read"
watch_backtest_agree "$R" "$T/bt.json" 4
