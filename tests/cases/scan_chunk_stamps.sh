#!/bin/sh
# A record of more than 64 KiB under PM2's timestamps, in the bytes PM2
# 7.0.4 writes for it (hand-made here; tests/pm2 runs the real daemon).
#
# Cluster mode with log_date_format: the worker's wrapped
# process.stdout/stderr.write (lib/ProcessContainer.js) puts ONE stamp in
# front of each write and appends it to the log file itself: no pipe, no
# chunk, so a stamp never lands inside a console.error's text however long
# (samples/pm2/05c, strace-worker-writes.txt: one 223404-byte writev).  The
# big failure stays one route_not_found, the big success one success.
#
# Fork mode without a stamp: the daemon reads the app's pipe in chunks of
# at most 65536 bytes (libuv's read size; samples/pm2/02,
# strace-god-reads-writes.txt) and writes each chunk as it came
# (lib/God/ForkMode.js, `data.toString()`): the chunks join up again in
# the file and the records are whole.
#
# Fork mode with --time is not tested: PM2 itself loses the text there.
# lib/God/ForkMode.js prefixLogWithDate splits each 65536-byte read on
# '\n' and pops the last piece, so the text before a read's edge inside a
# line is dropped, and the line's rest comes out stamped as a line of its
# own (checked against a real daemon): the big failure is then counted a
# failure of class `other`, the big success damaged.  No reader can give
# the text back, and joining the stamped rest to the open object would
# swallow another writer's records where PM2 shares a file.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/chunk-lib.sh"

mkdir "$T/cluster" "$T/fork-plain"
gen cluster "$T/cluster/big-out-0.log" "$T/cluster/big-error-0.log"
gen fork-plain "$T/fork-plain/big-out.log" "$T/fork-plain/big-error.log"
check cluster "$T/cluster"
check fork-plain "$T/fork-plain"
