#!/bin/sh
# pm2_daemon: what PM2's own log, PM2_HOME/pm2.log, says about the apps
# (issue 12), read by `omniwatch scan` of a PM2 home and of pm2.log itself,
# against real PM2 7.0.4:
#  - crash-at-start.js throws at start; with --max-restarts 3 PM2 gives up
#    after its third exit: 2 restarts, 3 unplanned exits, 1 errored, state
#    errored;
#  - cluster-flaky.js runs as three cluster instances (pm_ids 1-3); the one
#    with NODE_APP_INSTANCE 1 (pm_id 2) exits with code 3 twice and is
#    restarted twice; then `pm2 stop` stops all three (3 planned stops).
# The cluster's per-instance counts of its -N files are checked too.
# Exit 77 (skip) when node or npm is missing.

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
. "$top_srcdir/tests/pm2/pm2-lib.sh"

daemon_lines() {
	grep -c "$1" "$PM2_HOME/pm2.log" 2>/dev/null || true
}
has_lines() {
	[ "$(daemon_lines "$1")" -ge "$2" ]
}

mode_begin daemon
pm2 start "$APP_DIR/crash-at-start.js" --name crashy --max-restarts 3
wait_for "$WAIT_S" has_lines 'too many unstable restarts' 1 ||
	fail "PM2 did not give up on crashy"
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

# check WHAT FILE: the counts of a scan --json.
check() {
	a='.pm2.apps'
	assert_eq "$(jget "$2" "$a.crashy | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(\" \")")" "2 3 0 1" "$1: crashy restarts, unplanned exits, planned stops, errored"
	assert_eq "$(jget "$2" "$a.crashy.state")" errored "$1: crashy state"
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
grep -q '^  app crashy (fork mode): errored since .*, 2 restarts, 3 unplanned exits, 0 planned stops, 1 errored$' "$dir/home.txt" ||
	{ cat "$dir/home.txt" >&2; fail "text: crashy's line"; }
grep -q '^    instance 2: stopped since .*, 2 restarts, 2 unplanned exits, 1 planned stops, 0 errored$' "$dir/home.txt" ||
	fail "text: a line per instance"
mode_end
