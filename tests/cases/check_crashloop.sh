#!/bin/sh
# omniwatch check never reports OK while PM2 restarts an app in a crash
# loop (one that lives longer than min_uptime is never "errored"): its
# unplanned exits in the last 5 minutes, counted by the restarts rule's
# own code, make it WARNING from 3 and CRITICAL from 10, naming the app,
# the count and the window.  A planned `pm2 restart` is no crash; an app
# PM2 gave up on is named as errored only.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"


stamp() { stamp_ago "$1"; }
pl() {
	echo "$(stamp 0): PM2 log: $1" >> "$W/pm2.log"
}
# crash N: N unplanned exits of loop, each restarted by PM2.
crash() {
	_c=0
	while [ "$_c" -lt "$1" ]; do
		pl "App [loop:0] exited with code [1] via signal [SIGINT]"
		pl "App [loop:0] starting in -fork mode-"
		pl "App [loop:0] online"
		_c=$((_c + 1))
	done
}

write_config
echo "$(stamp 60): req=1 OK-never-seen" > "$L"
: > "$E"
# PM2 opens an app's logs before it runs it.
: > "$D/loop-out.log"
: > "$D/loop-error.log"
pl "App [loop:0] starting in -fork mode-"
pl "App [loop:0] online"
start_watch
wait_count 1 successes "the success counted"
assert_eq "$(run_check)" 0 "loop started: ok"

echo "# a planned pm2 restart is no crash: OK"
pl "Stopping app:loop id:0"
pl "App [loop:0] exited with code [0] via signal [SIGINT]"
pl "App [loop:0] starting in -fork mode-"
pl "App [loop:0] online"
summary_has_restart() {
	"$OMNIWATCH" summary -c "$CFG" --json 2>/dev/null |
	    grep -q '"restarts": *1'
}
wait_for "watch to count the planned restart" summary_has_restart
assert_eq "$(run_check)" 0 "a planned restart: ok"
out_has '^OMNIWATCH OK - failure rate 0% (0/1) in 15m' "the OK line"
out_lacks 'exited unplanned' "no crash named"

echo "# three crashes in 5m: WARNING, naming the app, count and window"
crash 3
is_warning() { [ "$(run_check)" = 1 ]; }
wait_for "check to see the crashes" is_warning
out_has '^OMNIWATCH WARNING - app loop exited unplanned 3 times in 5m (crash loop?); failure rate 0% (0/1) in 15m' "the crashes named"
assert_eq "$(run_check --restarts-warning 4)" 0 "--restarts-warning 4: ok"
assert_eq "$(run_check --restarts-warning 0)" 0 "--restarts-warning 0: never"

echo "# 18 crashes in 5m, never errored: CRITICAL"
crash 15
is_critical() { [ "$(run_check)" = 2 ] && grep -q 'unplanned 18 times' "$T/out"; }
wait_for "check to see the crash loop" is_critical
out_has '^OMNIWATCH CRITICAL - app loop exited unplanned 18 times in 5m (crash loop?); failure rate 0% (0/1) in 15m' "the crash loop named"
assert_eq "$(run_check --restarts-critical 20)" 1 "--restarts-critical 20: warning"
assert_eq "$(run_check --restarts-warning 5 --restarts-critical 4)" 3 "warning above critical: unknown"

echo "# PM2 gives up on it: named as errored, not twice"
pl "App [loop:0] exited with code [1] via signal [SIGINT]"
pl "Script $T/loop.js had too many unstable restarts (16). Stopped. \"errored\""
is_errored() { run_check > /dev/null; grep -q 'app loop (errored' "$T/out"; }
wait_for "check to see the errored app" is_errored
assert_eq "$(run_check)" 2 "errored: critical"
out_lacks 'exited unplanned' "the errored app not named as looping too"
stop_watch
