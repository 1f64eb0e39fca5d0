#!/bin/sh
# The logs' disk full: PM2 cannot write what its apps log (ENOSPC), so
# nothing more reaches the files and nothing is counted.  check said OK
# ("no outcomes") for as long as it lasted; it must be CRITICAL, naming
# the directory, and watch must warn.  Out of bytes and out of inodes (a
# rotation cannot make its new file) both.  The PM2 home lives on a small
# tmpfs; needs root (mount), skips otherwise.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

mount_tmpfs size=1m,nr_inodes=64

# The PM2 home on the tmpfs; the state beside the test, on a roomy disk.
W=$MNT/pm2
D=$W/logs
L=$D/demo-api-out.log
E=$D/demo-api-error.log
mkdir -p "$D"
write_config
echo "req=1 OK-never-seen" > "$L"
: > "$E"
start_watch
wait_count 1 successes "the first success counted"
assert_eq "$(run_check)" 0 "room on the logs' disk: ok"

echo "# the logs' disk fills up"
dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null || true
dd if=/dev/zero of="$MNT/fill2" bs=4k 2>/dev/null || true
# A record longer than what is left of the log's last page.
if head -c 8192 /dev/zero | tr '\0' x | sed 's/^/req=2 ERROR /' >> "$L" 2>/dev/null; then
	fail "the tmpfs took more after dd filled it"
fi
echo "ok: a write to the log fails now (ENOSPC), as PM2's do"
assert_eq "$(run_check)" 2 "the logs' disk full: critical"
out_has "^OMNIWATCH CRITICAL - the file system of $D is full (no bytes free): PM2 cannot write its apps' output there, and what they log is lost, not counted; free space on it; " "the directory, the loss and the fix named"
# watch says so too, at start and then once a minute.
stop_watch
start_watch
full_said() {
	grep -qF "omniwatch: warning: the file system of $D is full (no bytes free)" "$WLOG"
}
wait_for "watch's warning" full_said
echo "ok: watch warns of it"
# watch keeps that it found the directory full, committed within a
# second or so.
noted() {
	[ -n "$(sqlite3 "$T/state/omniwatch.db" "SELECT value FROM meta WHERE key = 'logs_full_ms:$D'" 2>/dev/null)" ]
}
if command -v sqlite3 >/dev/null 2>&1; then
	wait_for "the full directory noted in the state" noted
else
	sleep 3
fi

echo "# room again"
rm "$MNT/fill" "$MNT/fill2"
# PM2 7 stops writing a log whose write failed until `pm2 reloadLogs`
# (tester12): with room again and no log there written since watch last
# found it full, check still warns, naming the fix.
assert_eq "$(run_check)" 1 "room again, nothing written since: warning"
out_has "^OMNIWATCH WARNING - the file system of $D was full (last seen so at [0-9T:.-]*Z\{0,1\}) and no log in it has been written since: PM2 stops writing a log whose write failed (ENOSPC) until \`pm2 reloadLogs\`" "the directory and the fix named"
summary_says "the file system of $D was full (last seen so at" pm2
echo "req=2 OK-never-seen" >> "$L"
assert_eq "$(run_check)" 0 "a log there written again: ok"

echo "# no inode left: a rotation cannot make its new file"
i=0
while touch "$MNT/f$i" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 1000 ] || fail "the tmpfs took 1000 files with nr_inodes=64"
done
# Appends still work: WARNING, not CRITICAL (tester11).
echo "req=3 OK-never-seen" >> "$L" || fail "an append failed with no inode left"
assert_eq "$(run_check)" 1 "no inode left: warning"
out_has "^OMNIWATCH WARNING - the file system of $D has no free inode: PM2 still appends to its logs, but a rotation cannot make its new file" "no inodes named"
rm -f "$MNT"/f*
assert_eq "$(run_check)" 0 "inodes again: ok"
stop_watch

echo "# a log dump.pm2 places outside PM2_HOME/logs, on the full disk (tester12)"
# The home on a roomy disk now; the app's out_file and error_file, which
# watch follows as dump.pm2 says, on the tmpfs.
rm -rf "$T/state"
W=$T/pm2b
D=$W/logs
L=$D/demo-api-out.log
mkdir -p "$D" "$MNT/app"
write_config
echo "req=4 OK-never-seen" > "$L"
echo "req=5 OK-never-seen" > "$MNT/app/away-out.log"
: > "$MNT/app/away-error.log"
printf '[{"name": "away", "pm_out_log_path": "%s", "pm_err_log_path": "%s"}]\n' \
    "$MNT/app/away-out.log" "$MNT/app/away-error.log" > "$W/dump.pm2"
start_watch
wait_count 2 successes "both apps' successes counted"
assert_eq "$(run_check)" 0 "room on every log's disk: ok"
dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null || true
dd if=/dev/zero of="$MNT/fill2" bs=4k 2>/dev/null || true
assert_eq "$(run_check)" 2 "the disk of a log of dump.pm2 full: critical"
out_has "^OMNIWATCH CRITICAL - the file system of $MNT/app is full (no bytes free)" "its directory named"
rm "$MNT/fill" "$MNT/fill2"
assert_eq "$(run_check)" 0 "room again: ok"
stop_watch
