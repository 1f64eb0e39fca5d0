#!/bin/sh
# `pm2 flush` (a truncation with no copy) while watch runs: whatever the
# app wrote between watch's last read and the truncation exists nowhere,
# and watch cannot tell whether there was any.  It must say so, naming
# the file and the offset, rather than go on in silence; a copytruncate
# rotation, whose copy holds that text, is read from the copy and says
# nothing of the kind.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

write_config
errors "$L" 5 a
start_watch
wait_count 5
size=$(wc -c < "$L")

echo "# pm2 flush: truncated, no copy"
: > "$L"
flush_said() {
	grep -qF "omniwatch: warning: $L: no copy beside it has the head we were reading (pm2 flush, truncate?): what was written after offset $size before the truncation, if anything, cannot be found and is not counted" "$WLOG"
}
wait_for "the warning of text lost" flush_said
echo "ok: the loss is said, with the file and the offset"
errors "$L" 3 b
wait_count 8

echo "# copytruncate: the copy holds the text, nothing is lost"
errors "$L" 6 c
cp "$L" "$D/demo-api-out__2026-12-07_00-00-00.log"
: > "$L"
wait_count 14
assert_eq "$(grep -c 'no copy beside it' "$WLOG")" 1 "no loss said for a copytruncate"
stop_watch
