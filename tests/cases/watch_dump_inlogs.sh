#!/bin/sh
# An app's out_file and error_file inside PM2_HOME/logs under names of
# their own (out_file: logs/free.txt), which dump.pm2 (pm2 save) gives:
# followed and counted as that app's, and check finds them (tester13:
# they fell between the directory's rule, which follows PM2's names, and
# dump.pm2's, which took only logs outside that directory, so nothing of
# the app was counted and check advised `pm2 reloadLogs`).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

write_config
echo "req=1 OK-never-seen" > "$L"
echo "req=2 ERROR partner said 404" > "$D/free.txt"
: > "$D/free-err.txt"
printf '[{"name": "free", "pm_out_log_path": "%s", "pm_err_log_path": "%s"}]\n' \
    "$D/free.txt" "$D/free-err.txt" > "$W/dump.pm2"
{
	echo "$(stamp_ago 0): PM2 log: App [free:0] starting in -fork mode-"
	echo "$(stamp_ago 0): PM2 log: App [free:0] online"
} >> "$W/pm2.log"
start_watch
wait_count 1 failures "the free-named out_file's failure counted"
echo "req=3 ERROR partner said 404" >> "$D/free-err.txt"
wait_count 2 failures "the free-named error_file's failure counted"
"$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json"
assert_eq "$(jget "$T/sum.json" '.pattern_sets.errors.apps.free.failures')" 2 \
    "counted as app free's"
is_ok() { [ "$(run_check)" = 0 ]; }
wait_for "check OK: its logs are there and followed" is_ok
echo "ok: check finds them"
# Its logs the home's only ones now: the source is not "empty" (tester12).
rm "$L"
wait_for "check OK with the dump's logs alone" is_ok
out_lacks "matches no app's log file" "the home is not said empty"
stop_watch

# The home's logs/ given as a path: PM2's own log and its daemon go
# unwatched, and watch says so (tester12: plain OK).
cat > "$T/path.yaml" <<Y
sources:
  - path: $D/*.log
pattern_sets: [$T/error.yaml]
state_dir: $T/state2
Y
"$OMNIWATCH" watch -c "$T/path.yaml" --check > /dev/null 2> "$T/err" || true
grep -qF "source 1: '$D/*.log' is the logs/ of the PM2 home $W: given as a path, PM2's own log (restarts, crash loops) and its daemon's life (killed, stopped) are not watched; give it as pm2_home: $W" "$T/err" ||
	fail "watch --check: $(cat "$T/err")"
echo "ok: watch --check says to give the home"

