#!/bin/sh
# What is written while watch is down is counted exactly once after it
# starts again (issue 11): files born while down, their copies (plain,
# gzipped, pm2-logrotate's __DATE names, logrotate's .N), known files
# rotated to .gz, and files deleted after their copy was made.  Each
# scenario stops watch, plays what PM2, pm2-logrotate or logrotate would
# do, starts watch again and compares the committed count with the right
# answer.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

write_config
start_watch
errors "$E" 2 first
wait_count 2 failures "before any downtime"

echo "# a new cluster instance born, written and copy-truncated while down"
stop_watch
errors "$D/desk-error-4.log" 5 desk4
cp "$D/desk-error-4.log" "$D/desk-error-4__2026-12-07_00-00-00.log"
: > "$D/desk-error-4.log"
errors "$D/desk-error-4.log" 2 desk4b
start_watch
wait_count $n failures "new instance and its copy"

echo "# a new app rotated and gzipped while down"
stop_watch
errors "$D/fork-error.log" 3 fork
gzip -c "$D/fork-error.log" > "$D/fork-error__2026-12-07_00-01-00.log.gz"
: > "$D/fork-error.log"
errors "$D/fork-error.log" 1 forkb
start_watch
wait_count $n failures "new app, its gzipped copy"

echo "# a known app written, then rotated to .gz while down"
stop_watch
errors "$E" 3 known
gzip -c "$E" > "$D/demo-api-error__2026-12-07_00-02-00.log.gz"
: > "$E"
errors "$E" 1 knownb
start_watch
wait_count $n failures "known app's gzipped copy"

echo "# logrotate while down: rename and compress, a new file, renamed again"
stop_watch
errors "$E" 2 lr
mv "$E" "$E.1"
gzip "$E.1"
mv "$E.1.gz" "$E.2.gz"
errors "$E" 2 lr2
mv "$E" "$E.1"
errors "$E" 1 lr3
start_watch
wait_count $n failures "known file compressed, a whole generation at .1"

echo "# a known file's inode reused while down (freed by a compression, taken by a new file)"
# Played in place: the saved inode ends up at a copy's name with other
# text, while the known text survives in a copy made before.
stop_watch
errors "$E" 2 reuse
cp "$E" "$D/demo-api-error__2026-12-07_00-02-30.log"
mv "$E" "$E.1"
: > "$E.1"
errors "$E.1" 1 reused
errors "$E" 1 reuse-live
start_watch
wait_count $n failures "the known text from its copy, the new text at the old inode whole"

echo "# files deleted after their copy was made"
stop_watch
errors "$D/gone-error.log" 2 gone
cp "$D/gone-error.log" "$D/gone-error__2026-12-07_00-03-00.log"
rm "$D/gone-error.log"
errors "$D/desk-error-4.log" 1 desk4c
cp "$D/desk-error-4.log" "$D/desk-error-4__2026-12-07_00-04-00.log"
rm "$D/desk-error-4.log"
start_watch
wait_count $n failures "deleted after rotation: read from the copies"
# Named by its path and saved inode; what was read from its copies has no
# inode of its own to let go (watch said "inode 0 let go").
grep -q "desk-error-4.log: inode [1-9][0-9]* is gone" "$WLOG" ||
    fail "the file gone while down is not named with its inode"
! grep "inode 0 " "$WLOG" || fail "a message names inode 0"

echo "# a copy read while running, written again (same text) after the last commit"
# pm2-logrotate 3.0.0 rotating a cluster app's file twice at once writes
# the copy from two streams; the second may finish after watch read it.
errors "$D/twice-error.log" 2 twice
wait_count $n failures "twice: counted live"
cp "$D/twice-error.log" "$D/twice-error__2026-12-07_00-06-00.log"
: > "$D/twice-error.log"
saw_truncation() { grep -q "twice-error.log: inode [0-9]* truncated" "$WLOG"; }
wait_for "the truncation" saw_truncation
sleep 0.5	# a commit after it (commit_interval 200ms)
stop_watch
cat "$D/twice-error__2026-12-07_00-06-00.log" > "$T/copy"
cat "$T/copy" > "$D/twice-error__2026-12-07_00-06-00.log"
start_watch
wait_count $n failures "the rewritten copy is not read again"

echo "# logrotate delaycompress: a copy seen by the last commit compressed while down"
# copytruncate, compress, delaycompress (Debian's common setup): the
# rotation while down turns the seen NAME.1 into NAME.2.gz, a new inode
# holding text already counted, and makes a new NAME.1.
C="$D/dc-error.log"
dc_rotate() {
	if [ -f "$C.1" ]; then mv "$C.1" "$C.2"; gzip -f "$C.2"; fi
	cp "$C" "$C.1"
	: > "$C"
}
errors "$C" 2 dc
wait_count $n failures "delaycompress app counted live"
dc_rotate
# Nothing written after it: the last commit saves offset 0 and no head,
# so the head cannot tell the copies apart; only the seen set can.
dc_truncated() { grep -q "dc-error.log: inode [0-9]* truncated" "$WLOG"; }
wait_for "the rotation while running" dc_truncated
stop_watch
errors "$C" 2 dc3
dc_rotate
start_watch
wait_count $n failures "a seen copy compressed while down is not read again"

echo "# logrotate delaycompress, create mode: rename while running, twice while down"
R="$D/rn-error.log"
rn_rotate() {
	if [ -f "$R.2.gz" ]; then mv "$R.2.gz" "$R.3.gz"; fi
	if [ -f "$R.1" ]; then mv "$R.1" "$R.2"; gzip -f "$R.2"; fi
	mv "$R" "$R.1"
	: > "$R"
}
errors "$R" 3 rn
wait_count $n failures "create-mode app counted live"
rn_rotate
errors "$R" 1 rn2
wait_count $n failures "create-mode app rotated while running"
stop_watch
errors "$R" 2 rn3
rn_rotate
errors "$R" 2 rn4
rn_rotate
errors "$R" 1 rn5
start_watch
wait_count $n failures "two rotations while down, seen copies compressed"

echo "# restarts with nothing new read nothing twice"
stop_watch
start_watch
wait_count $n failures "a clean restart"
sleep 0.5
kill9_watch
start_watch
wait_count $n failures "a restart after kill -9"

echo "# kill -9 right after a birth and a rotation: read again, once"
errors "$D/late-error.log" 2 late
wait_count $n failures "late app counted live"
kill9_watch
errors "$D/late-error.log" 1 late2
gzip -c "$D/late-error.log" > "$D/late-error__2026-12-07_00-05-00.log.gz"
: > "$D/late-error.log"
start_watch
wait_count $n failures "known since the last commit, rotated while down"
stop_watch

echo "# renamed, drained over a restart; the new file copy-truncated while down"
# A start that finds the renamed file at its new name saves it under that
# name.  It is no live file's name: the copy made while watch is down
# again is the new file's, and holds text past its offset; the saved
# rotated file must not claim it (watch_torture.sh lost it 1 run in 12).
S="$D/sv-error.log"
sed 's/rotate_wait: 1s/rotate_wait: 60s/' "$CFG" > "$CFG.new"
mv "$CFG.new" "$CFG"
start_watch
errors "$S" 3 sv
wait_count $n failures "the app before its rename"
mv "$S" "$S.1"
errors "$S" 2 sv2
wait_count $n failures "the new file after the rename"
stop_watch
# PM2 without `pm2 reloadLogs` still writes to the renamed file.
errors "$S.1" 1 sv1
start_watch
wait_count $n failures "the renamed file drained over a restart"
grep -q "sv-error.log.1: following inode" "$WLOG" ||
    fail "the renamed file was not followed at its new name"
stop_watch
errors "$S" 2 sv3
cp "$S" "$D/sv-error__2026-12-07_00-06-00.log"
: > "$S"
errors "$S" 1 sv4
start_watch
wait_count $n failures "the new file's copy, past its offset"
stop_watch
# Nor may it claim, as a known file's, the copy of a file born at the
# live path while watch is down: no commit counted that copy.
mv "$S" "$S.2"
errors "$S" 2 sv5
cp "$S" "$D/sv-error__2026-12-07_00-07-00.log"
: > "$S"
errors "$S" 1 sv6
start_watch
wait_count $n failures "a copy of a file born while down, beside a rotated one"
stop_watch
write_config

echo "# a known file written and deleted while down, no copy left: said, not silent"
G="$D/del-error.log"
start_watch
errors "$G" 2 del
wait_count $n failures "the file before its deletion"
stop_watch
errors "$G" 1 del2
n=$((n - 1))	# lost with the file: no copy holds it
rm "$G"
start_watch
wait_count $n failures "nothing read twice, nothing invented"
grep -q "del-error.log: inode [0-9]* was deleted while we were stopped, and no copy beside it has its head: what was written to it after offset 66, if anything, cannot be read" \
    "$WLOG" || fail "the deleted file's loss was not said"
stop_watch

echo "# emptied while down (pm2 flush), the same banner, written past our offset"
# The head (the first 256 bytes) is as before: only the bytes where we
# last read tell the file is another text.
B="$D/flush-error.log"
banner() {
	for i in 1 2 3 4 5 6; do
		echo "[app] starting: the same banner line $i, printed at every start"
	done >> "$B"
}
start_watch
banner
errors "$B" 2 fl
wait_count $n failures "the file before its flush"
stop_watch
: > "$B"
banner
errors "$B" 4 fl2
start_watch
wait_count $n failures "the new text from its start"
grep -q "flush-error.log: inode [0-9]* truncated" "$WLOG" ||
    fail "the rewrite was not seen"
stop_watch

echo "# the very first start follows tail.start_at (beginning): live files, no copies"
rm -rf "$T/state"
live=$(cat "$D"/*-error.log | grep -c ERROR)
start_watch
wait_count "$live" failures "a fresh state reads the live files only"
stop_watch
