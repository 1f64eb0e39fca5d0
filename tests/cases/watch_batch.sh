#!/bin/sh
# watch handles each file once per batch of inotify events (issue 16): all
# pending events are taken first, the files they name are marked, then each
# marked file is read once, to its end, with its head checked once.  What
# is counted is the read(2)-family calls watch makes (/proc/PID/io's
# syscr), never time: watch is stopped (SIGSTOP) while thousands of writes
# queue their events, so the batch it finds when continued is the same on
# any machine.  Per-event handling reads at least once per event.
# Also here, the shortcut that batch reading takes (the read itself tells
# that a file grew, the head that it was not rewritten): a copytruncate
# whose new text already passed our offset, the access time left alone,
# and a damaged fingerprint length in the state.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

[ -r /proc/self/io ] && grep -q '^syscr:' /proc/self/io ||
	{ echo "# skip: no /proc/PID/io here (kernel without task I/O accounting)"; exit 77; }

syscr() {
	awk '$1 == "syscr:" { print $2 }' "/proc/$WPID/io"
}

# burst HOW N FILE...: N one-line failure records written round-robin to
# the FILEs, one write(2) each: HOW "held" keeps each file open (PM2),
# "reopen" opens, appends and closes for every line (a shell's >>).
burst() {
	python3 - "$@" <<'PY'
import os, sys
how, n, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
fds = [os.open(p, os.O_WRONLY | os.O_APPEND) for p in paths]
for i in range(n):
    k = i % len(paths)
    line = b"req=burst-%d ERROR partner said 404\n" % i
    if how == "held":
        os.write(fds[k], line)
    else:
        fd = os.open(paths[k], os.O_WRONLY | os.O_APPEND)
        os.write(fd, line)
        os.close(fd)
PY
}

for how in held reopen; do
	echo "# $how: 3000 writes to two files in one batch are read with a few dozen reads"
	write_config
	: > "$L"
	: > "$E"
	start_watch
	errors "$L" 1 setup
	errors "$E" 1 setup
	wait_count "$n" failures "$how: setup"
	kill -STOP "$WPID"
	r0=$(syscr)
	burst "$how" 3000 "$L" "$E"
	n=$((n + 3000))
	kill -CONT "$WPID"
	wait_count "$n" failures "$how: every record of the batch once"
	r1=$(syscr)
	reads=$((r1 - r0))
	# Two files, one read of each head and one of each text; the inotify
	# queue (6,000 events of 48 bytes, 12,000 with the closes: 5 to 9
	# reads of 64 KiB); the signalfd, the timerfd, SQLite's commits.
	# One read per event would be 3,000 at least.
	[ "$reads" -lt 400 ] ||
		fail "$how: $reads reads for 3000 writes in one batch (one per event?)"
	echo "ok: $how: $reads reads for 3000 writes"
	stop_watch
	rm -rf "$D"/* "$T/state"
	n=0
done

echo "# a steady writer: its writes are gathered while the descriptor rests, not read one by one"
# One write every 4 ms, as a busy app's write ticks come.  Without the rest
# (watch_loop.c's WATCH_BATCH_MS, 25 ms) each write wakes watch: a read of
# the inotify queue and two of the file, 3 per write at least.  With it, a
# batch every 25 ms or so, 4 reads each (the timerfd, the queue, the
# file's head and text): the bound below allows 6, and some for the
# commits, whatever pace this machine kept (the writer's elapsed time).
# The one thing that cannot be told is a writer slower than a batch: then
# every write is a batch of its own, with or without the rest.
: > "$L"
start_watch
errors "$L" 1 setup
wait_count 1 failures "steady: setup"
r0=$(syscr)
ms=$(python3 - "$L" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
t0 = time.monotonic()
for i in range(400):
    os.write(fd, b"req=steady-%d ERROR partner said 404\n" % i)
    time.sleep(0.004)
print(int((time.monotonic() - t0) * 1000))
PY
)
r1=$(syscr)
reads=$((r1 - r0))
wait_count 401 failures "steady: every record once"
bound=$((6 * (ms / 25 + 5)))
if [ $((6 * (ms / 25 + 5))) -ge 1200 ]; then
	echo "# skip: the writer took $ms ms for 400 writes here: too slow to tell batches from writes"
else
	[ "$reads" -le "$bound" ] ||
		fail "steady: $reads reads for 400 writes in $ms ms (bound $bound: one batch per write?)"
	echo "ok: steady: $reads reads for 400 writes in $ms ms (bound $bound)"
fi
stop_watch
rm -rf "$D"/* "$T/state"

echo "# a stop or a reload right after a record's last lines: they are read before it is completed"
# Found by a tester: the last lines' events waited in the queue while the
# descriptor rested, and the stop's flush completed the record without
# them -- one failure became two damaged records.  The record comes in two
# writes 5 ms apart, the signal 5 ms after; 5 rounds each of TERM (then a
# restart) and HUP.
PATTERNS=$T/node.yaml write_config
: > "$E"
start_watch
for sig in TERM HUP; do
	for i in 1 2 3 4 5; do
		python3 - "$E" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
os.write(fd, b"2024-03-10T10:00:00.000Z Error: connect ECONNREFUSED 127.0.0.1:5432\n")
time.sleep(0.005)
os.write(fd, b"    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {\n"
    b"  errno: -111,\n  code: 'ECONNREFUSED',\n  port: 5432\n}\n")
time.sleep(0.005)
PY
		kill -"$sig" "$WPID"
		if [ "$sig" = TERM ]; then
			wait "$WPID" || true
			start_watch
		else
			sleep 0.3
		fi
	done
done
wait_count 10 failures "signals: every record whole"
assert_eq "$(counted damaged)" 0 "signals: no record cut in two"
stop_watch
rm -rf "$D"/* "$T/state"
write_config

echo "# copytruncate while watch is stopped, the new text already longer than our offset"
start_watch
seq -f 'req=%g ERROR' 1 100 >> "$L"
wait_count 100 failures "regrown: first generation"
k0=$(grep -c 'truncated' "$WLOG" || true)
kill -STOP "$WPID"
cp "$L" "$D/demo-api-out__2024-02-01_00-00-00.log"
: > "$L"
seq -f 'req=%g ERROR again' 101 400 >> "$L"
kill -CONT "$WPID"
wait_count 400 failures "regrown: the new generation from its first byte, the old once"
assert_eq "$(grep -c 'truncated' "$WLOG")" $((k0 + 1)) "regrown: the rewrite seen by its head"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# the followed file's access time is not updated by watch's reads"
# Does this mount keep atimes at all?  With relatime(8) a read sets one
# that is older than the mtime.
echo probe > "$T/probe"
touch -a -d @946684800 "$T/probe"
cat "$T/probe" > /dev/null
if [ "$(stat -c %X "$T/probe")" = 946684800 ]; then
	echo "# skip: this mount does not update atimes (noatime); not checked"
else
	: > "$L"
	start_watch
	errors "$L" 3 atime
	wait_count 3 failures "atime: counted"
	touch -a -d @946684800 "$L"
	errors "$L" 2 atime
	wait_count 5 failures "atime: counted again"
	assert_eq "$(stat -c %X "$L")" 946684800 "atime: untouched by watch's reads (O_NOATIME)"
	stop_watch
	rm -rf "$D"/* "$T/state"
fi

echo "# a fingerprint longer than a head in the state (damaged) does not crash watch"
start_watch
seq -f 'req=%g ERROR a longer line, so that the file outgrows 256 bytes' 1 100 >> "$L"
wait_count 100 failures "damaged: first run"
stop_watch
python3 - "$T/state/omniwatch.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE files SET fp_len = 100000")
db.commit()
PY
seq -f 'req=%g ERROR' 101 110 >> "$L"
start_watch
# The head cannot be checked: the file is taken as rewritten and read
# again from its start (a damaged state cannot tell better).
wait_count 210 failures "damaged: read again from the start, and on"
kill -0 "$WPID" || fail "damaged: watch died"
stop_watch
