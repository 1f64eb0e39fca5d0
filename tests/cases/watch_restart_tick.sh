#!/bin/sh
# A start tells the copies made while watch was down from those its last
# commit saw by their identity (device, inode, size, head), never by
# their mtime (issue 11).  File times come from the kernel's coarse
# clock, a tick behind the clock watch stamps its commit with, so a copy
# made in the same tick as the last commit used to be taken as read
# before it, and lost.  Here the copies' mtimes are forced (touch -d) to
# the wrong side of the commit, so that each scenario fails
# deterministically when a start goes by the time.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

write_config
# Seconds since the epoch before watch ever started: no later than any
# commit or save of a file.
before=$(date +%s)
# A copy older than watch, of an app no longer there: tail.start_at
# (beginning: the live files) leaves it unread.
printf 'req=old-1 ERROR partner said 404\n' > "$D/old-error__2026-01-01_00-00-00.log"
start_watch
errors "$E" 2 first
wait_count 2 failures "before any downtime"

echo "# a new app rotated and gzipped while down, in the commit's tick"
stop_watch
errors "$D/fork-error.log" 3 fork
gzip -c "$D/fork-error.log" > "$D/fork-error__2026-12-07_00-01-00.log.gz"
touch -d "@$before" "$D/fork-error__2026-12-07_00-01-00.log.gz"
: > "$D/fork-error.log"
errors "$D/fork-error.log" 1 forkb
start_watch
wait_count $n failures "the gzipped copy dated no later than the commit"

echo "# a known file copied, truncated and written again with the same head, in the commit's tick"
# Its size and head look like the text we were reading: only the copy
# tells that it was rotated.
stop_watch
errors "$E" 3 known
cp "$E" "$D/demo-api-error__2026-12-07_00-02-00.log"
touch -d "@$before" "$D/demo-api-error__2026-12-07_00-02-00.log"
: > "$E"
errors "$E" 2 first
errors "$E" 2 knownb
start_watch
wait_count $n failures "the known file's copy dated no later than the commit"

echo "# a copy the last commit saw, never read, touched while down, is not read"
stop_watch
touch "$D/old-error__2026-01-01_00-00-00.log"
errors "$E" 1 later
start_watch
wait_count $n failures "a copy seen by the last commit, whatever its mtime"
stop_watch
