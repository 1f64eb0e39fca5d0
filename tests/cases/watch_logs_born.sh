#!/bin/sh
# watch started before PM2 ever ran in its PM2_HOME: no logs/ yet.  PM2
# makes it as it first starts; watch must follow the first app's logs at
# once, by inotify on the home, not at its next sweep (tester13: 10 s in
# which check read OK and nothing was counted).  The sweep is an hour
# here, so only the event can tell.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

rmdir "$D"
cat > "$CFG" <<Y
sources:
  - pm2_home: $W
pattern_sets: [$T/error.yaml]
state_dir: $T/state
record:
  idle_flush: 200ms
tail:
  sweep: 1h
state:
  commit_interval: 200ms
Y
start_watch
wait_for "watch's word on the missing logs/" grep -q "logs: No such file or directory; watching for it to appear" "$WLOG"
mkdir "$D"
echo "req=1 ERROR partner said 404" > "$L"
WAIT_S=5 wait_count 1 failures "the first app's first record, counted at once"
echo "req=2 ERROR partner said 404" >> "$L"
WAIT_S=5 wait_count 2 failures "and the next, by inotify on logs/"
stop_watch
