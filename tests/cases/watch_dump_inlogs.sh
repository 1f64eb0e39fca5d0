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
stop_watch
