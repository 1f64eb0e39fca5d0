#!/bin/sh
# PM2 stamping in another time zone than omniwatch reads in (pm2_skew.h),
# without PM2: a log whose last stamp is 5 hours behind its last write
# (its mtime, set with touch) makes check WARNING, naming the log; once
# the log is emptied (`pm2 flush`, a rotation) nothing in it tells, but
# the records counted before are still 5 hours off, and check says what
# watch last found; a log whose stamps agree ends it.
# tests/pm2/pm2_zone.sh does the same with a real PM2 in another zone.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"
. "$top_srcdir/tests/check-lib.sh"

write_config
# Written now, stamped 5 hours back: PM2 in UTC-5, omniwatch in UTC.
echo "$(stamp_ago 18000): req=1 OK-never-seen" > "$L"
: > "$E"
start_watch
wait_count 1 successes "the success counted"
assert_eq "$(run_check)" 1 "stamps 5h behind their writes: warning"
out_has "^OMNIWATCH WARNING - $L: PM2 stamps its lines 5h00 behind the time they are written" "the log and the offset named"
# watch keeps what it found in its state, committed within a second or so.
kept() {
	[ "$(sqlite3 "$T/state/omniwatch.db" "SELECT value FROM meta WHERE key = 'stamp_skew_ms'" 2>/dev/null)" = -18000000 ]
}
if command -v sqlite3 >/dev/null 2>&1; then
	wait_for "the offset kept in the state" kept
else
	sleep 3
fi

# Its look at the log reads it without touching its access time, as
# watch's reads do (O_NOATIME; relatime would set it, the atime being
# older than the mtime).
touch -a -d '2000-01-01 00:00:00 UTC' "$L"
run_check > /dev/null
assert_eq "$(stat -c %X "$L")" 946684800 "check's look leaves the log's atime alone"

# summary says it first too, in every format (tester11).
summary_says "$L: PM2 stamps its lines 5h00 behind" stamps

# scan too, of a home's live logs: its steps, --since and --until place
# the records 5 hours off.  A file named alone may be a copy (its mtime
# the copy's), and is not judged.
"$OMNIWATCH" scan "$W" > /dev/null 2> "$T/scan.err"
grep -q "warning: $L: PM2 stamps its lines 5h00 behind" "$T/scan.err" ||
	fail "scan of the home: $(cat "$T/scan.err")"
"$OMNIWATCH" scan "$W/logs" > /dev/null 2> "$T/scan.err"
grep -q "warning: $L: PM2 stamps its lines 5h00 behind" "$T/scan.err" ||
	fail "scan of the logs directory: $(cat "$T/scan.err")"
"$OMNIWATCH" scan "$L" > /dev/null 2> "$T/scan.err"
! grep -q "time zone" "$T/scan.err" || fail "scan of the file alone: $(cat "$T/scan.err")"
echo "ok: scan says it of a home's and a logs directory's live logs"

echo "# emptied: nothing in the log tells now"
: > "$L"
assert_eq "$(run_check)" 1 "emptied: still a warning"
out_has "^OMNIWATCH WARNING - PM2's stamps were last found 5h00 behind the time they were written, and no live log holds a stamp that tells otherwise now" "what watch last found, said"

echo "# a stamp that agrees ends it"
echo "$(stamp_ago 0): req=2 OK-never-seen" >> "$L"
assert_eq "$(run_check)" 0 "stamps agree again: ok"
out_lacks "time zone\|last found" "nothing said of zones"
stop_watch
