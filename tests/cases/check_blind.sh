#!/bin/sh
# omniwatch check is not OK while watch cannot see what it should count
# (tester9's report): an app's log that dump.pm2 places in a directory
# made after watch started, which the sandbox keeps watch from opening;
# an app online in PM2 whose logs were deleted under it; a watch that
# runs but whose commits fail (a full state disk).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"


# Outside $T, the config's directory, which the sandbox allows.
X=$(mktemp -d "${TMPDIR:-/tmp}/omniwatch-else.XXXXXX")
trap 'cleanup_watch; rm -rf "$X"' EXIT
stamp() { stamp_ago "$1"; }

write_config
echo "req=1 OK-never-seen" > "$L"
start_watch
wait_count 1 successes "the first success counted"
assert_eq "$(run_check)" 0 "watch sees its one app: ok"

echo "# a new app logs into a directory made after watch started (pm2 save)"
if grep -q 'landlock ABI' "$WLOG"; then
mkdir -p "$X/newdir"
echo "req=2 ERROR 500" > "$X/newdir/o.log"
printf '[{"name": "late", "pm_out_log_path": "%s/newdir/o.log"}]\n' \
    "$X" > "$W/dump.pm2"
wait_for "watch to try the new app's log" grep -q "newdir/o.log" "$WLOG"
sleep 7	# past the grace: commit_interval + sweep + 5 s
assert_eq "$(run_check)" 2 "a log of dump.pm2 watch cannot open: critical"
out_has "^OMNIWATCH CRITICAL - omniwatch watch does not follow $X/newdir/o.log (16 bytes) under its sources" "the file named"
# watch says why, once (tester13: it said it followed the log, and no more).
unlisted() {
	grep -qF "warning: $X/newdir: cannot list it: Permission denied (outside the sandbox watch entered at start: restart it to read this path, or run it with --no-sandbox); the logs in it are not followed" "$WLOG"
}
wait_for "watch's warning of the directory it cannot list" unlisted
[ "$(grep -c "newdir: cannot list it" "$WLOG")" = 1 ] || fail "said more than once"
echo "ok: watch says why it cannot follow it"
rm "$W/dump.pm2" "$X/newdir/o.log"
else
	echo "skip: no Landlock here, watch can open it"
fi

echo "# an app online in PM2 whose logs are deleted under it"
{
	echo "$(stamp 0): PM2 log: App [tick:0] starting in -fork mode-"
	echo "$(stamp 0): PM2 log: App [tick:0] online"
} >> "$W/pm2.log"
echo "req=3 OK-never-seen" > "$D/tick-out.log"
: > "$D/tick-error.log"
wait_count 2 successes "the app's success counted"
is_ok() { [ "$(run_check)" = 0 ]; }
wait_for "check OK with the app's logs there" is_ok
rm "$D/tick-out.log" "$D/tick-error.log"
assert_eq "$(run_check)" 2 "its logs deleted: critical"
out_has "^OMNIWATCH CRITICAL - log files missing while PM2 reports the app online: tick (out and error logs); PM2 keeps writing to a deleted log until \`pm2 reloadLogs\` (run it), and nothing of it is counted; one that logs elsewhere (an out_file or error_file) is found once \`pm2 save\` names it, and one that logs to /dev/null or a combined log_file alone has nothing to count; failure rate" "the app and the fixes named"
# watch says the same at start.
stop_watch
start_watch
missing_said() {
	grep -qF "omniwatch: warning: log files missing while PM2 reports the app online: tick (out and error logs); PM2 keeps writing to a deleted log until \`pm2 reloadLogs\` (run it), and nothing of it is counted" "$WLOG"
}
wait_for "watch's warning at start" missing_said
echo "ok: watch warns of it at start"
echo "req=4 OK-never-seen" > "$D/tick-out.log"
assert_eq "$(run_check)" 2 "its error log still missing: critical"
out_has "^OMNIWATCH CRITICAL - log files missing while PM2 reports the app online: tick (error log); " "the error log named"
echo "$(stamp 0): PM2 log: Stopping app:tick id:0" >> "$W/pm2.log"
echo "$(stamp 0): PM2 log: App [tick:0] exited with code [0] via signal [SIGINT]" >> "$W/pm2.log"
wait_for "check OK once the app is stopped" is_ok

echo "# an app named past ASCII: PM2 puts a '-' per UTF-16 unit in its logs' names"
# "\u00fcn\u00ef.c\u00f6d\u00e9" and an emoji (two units): -n-.c-d-- (tester13).
app=$(printf 'v\303\274n\303\257.c\303\266d\303\251\360\237\232\200')
{
	echo "$(stamp 0): PM2 log: App [$app:1] starting in -fork mode-"
	echo "$(stamp 0): PM2 log: App [$app:1] online"
} >> "$W/pm2.log"
echo "req=5 OK-never-seen" > "$D/v-n-.c-d----out.log"
: > "$D/v-n-.c-d----error.log"
wait_count 4 successes "its success counted"
wait_for "check OK with its logs there" is_ok
echo "ok: its logs are found under PM2's name for them"
echo "$(stamp 0): PM2 log: Stopping app:$app id:1" >> "$W/pm2.log"
echo "$(stamp 0): PM2 log: App [$app:1] exited with code [0] via signal [SIGINT]" >> "$W/pm2.log"

echo "# watch runs, but its last commit is old: commits fail or stall"
old=$(($(date +%s) - 300))000
sqlite3 "$T/state/omniwatch.db" "PRAGMA busy_timeout = 5000; UPDATE meta SET value = $old WHERE key = 'last_commit_ms'" > /dev/null
assert_eq "$(run_check)" 2 "no commit for 5m: critical"
out_has "^OMNIWATCH CRITICAL - omniwatch watch (pid $WPID) for $CFG runs but commits nothing; its last commit was 5m ago, though it commits at least every 30s: its commits fail (a full or read-only state disk?) or stall, and nothing it counts since is saved or alerted on; its log says why$" "the stall said"
"$OMNIWATCH" summary -c "$CFG" > "$T/summary" 2>&1
grep -q "runs but commits nothing; its last commit was at " "$T/summary" || fail "summary says so: $(head -n 3 "$T/summary")"
echo "ok: summary says so"
# An idle watch commits at least every 30 s: check is OK again.
WAIT_S=45 wait_for "watch's idle commit" is_ok
stop_watch
