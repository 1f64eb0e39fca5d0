#!/bin/sh
# pm2_dead: a real PM2 7.0.4 whose daemon (God) is killed with SIGKILL, as
# the OOM killer does.  Its app dies with it (pm2-io-bpm exits an app once
# its IPC channel to the daemon is gone), pm2.pid stays, naming the dead
# pid, and pm2.log says nothing: nothing more is logged, and check read
# that as "no outcomes", OK.  check must be CRITICAL naming the home, the
# pid and the fix, and watch warn of it.  Then a new daemon (OK again),
# and a clean `pm2 kill`: pm2.pid removed, "PM2 successfully stopped" in
# pm2.log, and check WARNING.  tests/cases/check_pm2_dead.sh does the same
# without PM2.
#
# Needs what pm2_scan.sh needs (pm2 from its cache or npm, node).

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
. "$top_srcdir/tests/pm2/pm2-lib.sh"

mode_begin dead
write_watch_config
start_fork api 4 1
wait_logged 1
start_watch

# check_is STATUS: check's status is STATUS (its line in $dir/check.out).
check_is() {
	_rc=0
	"$OMNIWATCH" check -c "$CFG" >"$dir/check.out" 2>&1 || _rc=$?
	[ "$_rc" = "$1" ]
}
wait_for 15 check_is 0 || { cat "$dir/check.out" >&2; fail "check is not OK with PM2 running"; }
echo "ok: check is OK while PM2 runs: $(cat "$dir/check.out")"

dpid=$(cat "$PM2_HOME/pm2.pid")
apid=$(cat "$PM2_HOME/pids/api-0.pid")
kill -KILL "$dpid"
app_gone() { ! kill -0 "$apid" 2>/dev/null; }
wait_for 10 app_gone || fail "the app (pid $apid) outlived PM2's daemon: PM2 7.0.4 changed?"
echo "ok: the app died with PM2's daemon"
[ "$(cat "$PM2_HOME/pm2.pid")" = "$dpid" ] || fail "pm2.pid no longer names the killed daemon"
echo "ok: pm2.pid still names the dead daemon ($dpid)"

check_is 2 || { cat "$dir/check.out" >&2; fail "check: CRITICAL with PM2's daemon gone"; }
grep -qF "OMNIWATCH CRITICAL - PM2's daemon for $PM2_HOME is gone (pid $dpid in pm2.pid is not running) and pm2.log does not say it stopped: killed or crashed? its apps' output is no longer logged, nothing can be counted; run \`pm2 resurrect\`" "$dir/check.out" ||
	{ cat "$dir/check.out" >&2; fail "check names the home, the pid and the fix"; }
echo "ok: check is CRITICAL: $(cat "$dir/check.out")"
gone_said() {
	grep -qF "omniwatch: warning: PM2's daemon for $PM2_HOME is gone (pid $dpid in pm2.pid is not running)" "$WLOG"
}
wait_for 15 gone_said || { cat "$WLOG" >&2; fail "watch did not warn of the dead daemon"; }
echo "ok: watch warns of it"

# A new daemon, started by any pm2 command (here `pm2 ping`), without the
# app: no daemon is dead any more, but the app that ran is gone with it.
pm2 ping
lost_said() {
	check_is 2 && grep -q "app api (since [^)]*): it ran when PM2's daemon died, and the daemon started since did not start it again: it writes no log; run \`pm2 resurrect\`" "$dir/check.out"
}
wait_for 15 lost_said || { cat "$dir/check.out" >&2; fail "check: CRITICAL for the app lost with the daemon"; }
if grep -q "is gone (pid" "$dir/check.out"; then fail "the new daemon still read as gone"; fi
echo "ok: a new daemon without the app: CRITICAL: $(cat "$dir/check.out")"
start_fork api 4 100
wait_for 15 check_is 0 || { cat "$dir/check.out" >&2; fail "check is not OK with the app started again"; }
echo "ok: check is OK with the app started again"

# A clean stop: PM2 removes pm2.pid and logs it.
node "$PM2_JS" kill >>"$dir/pm2-cli.log" 2>&1 || fail "pm2 kill"
pm2_home_running=""
[ ! -e "$PM2_HOME/pm2.pid" ] || fail "pm2 kill left pm2.pid"
grep -q ': PM2 log: PM2 successfully stopped$' "$PM2_HOME/pm2.log" ||
	fail "pm2 kill did not log its stop"
echo "ok: pm2 kill removes pm2.pid and logs its stop"
check_is 1 || { cat "$dir/check.out" >&2; fail "check: WARNING after pm2 kill"; }
grep -q "^OMNIWATCH WARNING - PM2 is stopped for $PM2_HOME (stopped at [^,]*, by pm2.log): no app runs there and nothing is logged; start them again (pm2 resurrect), or drop the source; " "$dir/check.out" ||
	{ cat "$dir/check.out" >&2; fail "check names the stop"; }
echo "ok: check is WARNING: $(cat "$dir/check.out")"
wait_for 15 grep -qF "omniwatch: warning: PM2 is stopped for $PM2_HOME" "$WLOG" ||
	{ cat "$WLOG" >&2; fail "watch did not warn of the stop"; }
echo "ok: watch warns of the stop"
stop_watch
mode_end
