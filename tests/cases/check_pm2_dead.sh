#!/bin/sh
# omniwatch check is not OK while PM2's daemon is dead: once PM2 (God) is
# killed (kill -9, the OOM killer, a crash) its apps die with it and
# nothing more is logged, so every window read "no outcomes", OK.  Here a
# fake PM2_HOME: pm2.pid naming a process of the test (a live daemon), then
# one the test killed and waited for (a dead one), one whose pid a later
# process holds (reused), and a clean `pm2 kill` (pm2.pid removed, "PM2
# successfully stopped" in pm2.log), which is WARNING.  A daemon suspended
# by SIGSTOP (it logs nothing) and a zombie one are CRITICAL.  watch says
# each change.  tests/pm2/pm2_dead.sh does the same with real PM2.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

live=
trap 'cleanup_watch; [ -z "$live" ] || kill "$live" 2>/dev/null || true' EXIT
stamp() { stamp_ago "$1"; }

# daemon_up: a process standing for PM2's daemon, its pid in pm2.pid (as
# lib/Daemon.js writes it: the pid, no newline) after it began.
daemon_up() {
	sleep 300 &
	live=$!
	printf '%s' "$live" > "$W/pm2.pid"
	echo "$(stamp 0): PM2 log: --- New PM2 Daemon started ----------------------------------------------------" >> "$W/pm2.log"
}

write_config
echo "req=1 OK-never-seen" > "$L"
start_watch
wait_count 1 successes "the first success counted"
assert_eq "$(run_check)" 0 "no PM2 daemon ever here: ok"

daemon_up
assert_eq "$(run_check)" 0 "PM2's daemon runs: ok"

echo "# the daemon is killed: pm2.pid stays, pm2.log says nothing"
kill -KILL "$live"
wait "$live" 2>/dev/null || true
dead=$live
live=
assert_eq "$(run_check)" 2 "PM2's daemon gone: critical"
out_has "^OMNIWATCH CRITICAL - PM2's daemon for $W is gone (pid $dead in pm2.pid is not running) and pm2.log does not say it stopped: killed or crashed? its apps' output is no longer logged, nothing can be counted; run \`pm2 resurrect\`; failure rate 0% (0/1) in 15m" "the home, the pid and the fix named, first"
# A pattern file that does not load (mid-edit) does not hide it: what
# needs no pattern is still CRITICAL (tester11), not UNKNOWN.
cp "$T/error.yaml" "$T/error.yaml.good"
printf 'name: errors\nfailure: [\n' > "$T/error.yaml"
assert_eq "$(run_check)" 2 "gone, and the patterns do not load: critical"
out_has "^OMNIWATCH CRITICAL - PM2's daemon for $W is gone (pid $dead in pm2.pid is not running).*; and .*error.yaml" "the daemon and the pattern file named"
mv "$T/error.yaml.good" "$T/error.yaml"
# summary's report of such a time reads as quiet: it says why first, in
# every format (and so in what --post sends).
summary_says "PM2's daemon for $W is gone (pid $dead in pm2.pid is not running)" pm2
gone_said() {
	grep -qF "omniwatch: warning: PM2's daemon for $W is gone (pid $dead in pm2.pid is not running)" "$WLOG"
}
wait_for "watch's warning of the dead daemon" gone_said
echo "ok: watch warns of it when it happens"
stop_watch
start_watch
[ "$(grep -cF "PM2's daemon for $W is gone (pid $dead" "$WLOG")" = 2 ] ||
	{ cat "$WLOG" >&2; fail "watch warns of it at start"; }
echo "ok: watch warns of it at start"

echo "# a daemon in another pid namespace: its pid means nothing here, but it answers on rpc.sock"
python3 - "$W/rpc.sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(60)
PY
rpc=$!
wait_for "the stand-in daemon's socket" test -S "$W/rpc.sock"
assert_eq "$(run_check)" 0 "a daemon that answers on rpc.sock: ok"
kill "$rpc"
wait "$rpc" 2>/dev/null || true
test -S "$W/rpc.sock" || fail "the socket file stays, as a dead daemon leaves it"
assert_eq "$(run_check)" 2 "the socket file left, nobody listening: critical"
# pm2.pid gone too (removed by hand, a tmp cleaner, a container that keeps
# the home but not the file): a start logged, no stop, a refusing socket
# are enough (tester12).
mv "$W/pm2.pid" "$W/pm2.pid.kept"
assert_eq "$(run_check)" 2 "no pm2.pid, the socket refusing: critical"
out_has "^OMNIWATCH CRITICAL - PM2's daemon for $W is gone (no pm2.pid, and its rpc.sock refuses) and pm2.log does not say it stopped" "said without a pid"
rm "$W/rpc.sock"
assert_eq "$(run_check)" 0 "no pm2.pid and no socket: nothing to say"
mv "$W/pm2.pid.kept" "$W/pm2.pid"

echo "# pm2.pid's pid is held by a process that began after pm2.pid was written"
sleep 300 &
live=$!
printf '%s' "$live" > "$W/pm2.pid"
touch -d '-1 hour' "$W/pm2.pid"
assert_eq "$(run_check)" 2 "a reused pid: critical"
out_has "^OMNIWATCH CRITICAL - PM2's daemon for $W is gone (pid $live in pm2.pid now names another process)" "the reuse named"
kill "$live"
wait "$live" 2>/dev/null || true
live=

echo "# the daemon suspended (SIGSTOP): it runs, but logs nothing"
daemon_up
kill -STOP "$live"
assert_eq "$(run_check)" 2 "PM2's daemon suspended: critical"
out_has "^OMNIWATCH CRITICAL - PM2's daemon for $W (pid $live) is suspended (state T in /proc/$live/stat: SIGSTOP, or a debugger).*resume it (kill -CONT $live)" "the pid and the fix named"
kill -CONT "$live"
assert_eq "$(run_check)" 0 "resumed: ok"
kill "$live"
wait "$live" 2>/dev/null || true
live=

echo "# the daemon killed under a parent that does not reap it: a zombie"
rm -f "$W/pm2.pid"
python3 -c '
import os, sys, time
pid = os.fork()
if pid == 0:
    os._exit(0)
with open(sys.argv[1], "w") as f:
    f.write(str(pid))
time.sleep(300)' "$W/pm2.pid" &
live=$!
wait_for "the zombie's pid in pm2.pid" test -s "$W/pm2.pid"
zombie=$(cat "$W/pm2.pid")
is_zombie() { [ "$(sed 's/.*) //' "/proc/$zombie/stat" | cut -c1)" = Z ]; }
wait_for "the zombie" is_zombie
assert_eq "$(run_check)" 2 "a zombie daemon: critical"
out_has "^OMNIWATCH CRITICAL - PM2's daemon for $W is gone (pid $zombie in pm2.pid is not running)" "the zombie is dead"
kill "$live"
wait "$live" 2>/dev/null || true
live=

echo "# a clean pm2 kill: pm2.pid removed, the stop logged"
daemon_up
wait_for "watch to see the daemon again" grep -qF "PM2's daemons run again" "$WLOG"
kill "$live"
wait "$live" 2>/dev/null || true
live=
rm "$W/pm2.pid"
echo "$(stamp 0): PM2 log: PM2 successfully stopped" >> "$W/pm2.log"
assert_eq "$(run_check)" 1 "PM2 stopped on purpose: warning"
out_has "^OMNIWATCH WARNING - PM2 is stopped for $W (stopped at [0-9T:-]*Z\{0,1\}, by pm2.log): no app runs there and nothing is logged; start them again (pm2 resurrect), or drop the source; failure rate" "the stop and its time named"
wait_for "watch's warning of the stop" grep -qF "omniwatch: warning: PM2 is stopped for $W" "$WLOG"
echo "ok: watch warns of the stop"

echo "# stopped by a signal (SIGTERM: gracefullExit), pm2.pid left behind"
daemon_up
kill "$live"
wait "$live" 2>/dev/null || true
live=
echo "$(stamp 0): PM2 log: Exited peacefully" >> "$W/pm2.log"
assert_eq "$(run_check)" 1 "a stop logged, though pm2.pid stayed: warning"
out_has "^OMNIWATCH WARNING - PM2 is stopped for $W" "the stop named"

echo "# started again"
daemon_up
assert_eq "$(run_check)" 0 "a new daemon runs: ok"
stop_watch
