#!/bin/sh
# A damaged state file: watch refuses it, and says what to do and what
# that costs (tester12: the SQLite error alone, no hint).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

write_config
echo "req=1 ERROR partner said 404" > "$L"
start_watch
wait_count 1 failures "counted"
stop_watch
# The header kept, every page after it overwritten: SQLite reads the file
# as a database and finds it malformed.
db=$T/state/omniwatch.db
size=$(stat -c %s "$db")
head -c $((size - 4096)) /dev/urandom | dd of="$db" bs=4096 seek=1 conv=notrunc 2>/dev/null
set +e
"$OMNIWATCH" watch -c "$CFG" > "$T/out" 2>&1; rc=$?
set -e
[ "$rc" != 0 ] || fail "watch started on a damaged state"
grep -q "the state is damaged: move it aside (mv omniwatch.db omniwatch.db.damaged) and start watch again" "$T/out" ||
	fail "no word on what to do: $(cat "$T/out")"
echo "ok: watch says what to do with a damaged state"
mv "$db" "$db.damaged"
rm -f "$db-wal" "$db-shm"
start_watch
wait_count 1 failures "counted again from the start on a new state"
stop_watch
