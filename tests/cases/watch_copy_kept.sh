#!/bin/sh
# logrotate's `copy` (logrotate(8): "Make a copy of the log file, but
# don't change the original at all"): a copy beside a live file that was
# never truncated holds nothing the live file does not, and adds nothing to
# the counts, whether watch was down when it was made (after a kill -9) or
# running, and whatever its name (pm2-logrotate's __DATE.log, logrotate's
# NAME.1) or compression (.gz).  Before the fix, a copy made while watch
# was down was taken for a copytruncate copy, and its part past the saved
# offset (req=101..150) was counted twice: 250, not 200; and a copy made
# after a clean stop, ending at the saved offset, made the live file read
# again from 0.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

# copy_as NAME HOW: the live log copied, untouched, to $D/NAME by HOW
# (plain: cp, as logrotate's copy; gz: gzip -c, as its compress).
copy_as() {
	case $2 in
	plain)	cp "$L" "$D/$1" ;;
	gz)	gzip -c "$L" > "$D/$1" ;;
	esac
}

# copy_while_down NAME HOW WHAT: 100 lines counted, kill -9, 50 more, the
# copy at $D/NAME made by HOW (plain: cp; gz: gzip -c), 50 more, start:
# 200 failures, each req id once.
copy_while_down() {
	start_watch
	seq -f 'req=%g ERROR' 1 100 >> "$L"
	wait_count 100 failures "$3: before the kill"
	kill9_watch
	seq -f 'req=%g ERROR' 101 150 >> "$L"
	copy_as "$1" "$2"
	seq -f 'req=%g ERROR' 151 200 >> "$L"
	start_watch
	wait_count 200 failures "$3: the copy adds nothing"
	# Nor is it read at the next start.
	stop_watch
	start_watch
	seq -f 'req=%g ERROR' 201 210 >> "$L"
	wait_count 210 failures "$3: nor after a restart"
	stop_watch
	rm -rf "${D:?}"/* "$T/state"
}

echo "# K01g logrotate copy (no truncation) while watch is down"
copy_while_down demo-api-out__2024-01-05_00-00-00.log plain "K01g __DATE copy"
copy_while_down demo-api-out.log.1 plain "K01g NAME.1 copy"
copy_while_down demo-api-out__2024-01-05_00-00-00.log.gz gz "K01g __DATE.log.gz copy"
copy_while_down demo-api-out.log.1.gz gz "K01g NAME.1.gz copy"

echo "# K01i the copy made after a clean stop: it ends at the saved offset"
# The common case: watch had read all, logrotate copied, the app wrote
# on.  The copy shows nothing past what was read, but the live file's
# text after it (req=101...) is not the copy's beginning again, so it is
# not a new generation (K01d, where every line is alike, is).
for how in plain gz; do
	name=demo-api-out__2024-01-06_00-00-00.log
	[ "$how" = gz ] && name=$name.gz
	start_watch
	seq -f 'req=%g ERROR' 1 100 >> "$L"
	wait_count 100 failures "K01i $how: before the stop"
	stop_watch
	copy_as "$name" "$how"
	seq -f 'req=%g ERROR' 101 150 >> "$L"
	start_watch
	wait_count 150 failures "K01i $how: the copy at the offset adds nothing"
	stop_watch
	rm -rf "${D:?}"/* "$T/state"
done

echo "# K01j the copy made after a clean stop, nothing written since"
# The live file is the copy, byte for byte: it was last written before
# the copy was made, so it is the original, not a generation written
# again with the same bytes (K01e).
start_watch
seq -f 'req=%g ERROR' 1 100 >> "$L"
wait_count 100 failures "K01j: before the stop"
stop_watch
sleep 0.05	# a tick of the file system's clock between the two
cp "$L" "$D/demo-api-out.log.1"
start_watch
seq -f 'req=%g ERROR' 101 110 >> "$L"
wait_count 110 failures "K01j: the untouched original read on, not again"
stop_watch
rm -rf "${D:?}"/* "$T/state"

echo "# K01h logrotate copy (no truncation) while watch runs, then restarts"
for how in plain gz; do
	name=demo-api-out.log.1
	[ "$how" = gz ] && name=$name.gz
	start_watch
	seq -f 'req=%g ERROR' 1 100 >> "$L"
	wait_count 100 failures "K01h $how: before the copy"
	copy_as "$name" "$how"
	seq -f 'req=%g ERROR' 101 150 >> "$L"
	wait_count 150 failures "K01h $how: the copy adds nothing"
	kill9_watch
	seq -f 'req=%g ERROR' 151 200 >> "$L"
	start_watch
	wait_count 200 failures "K01h $how: nor after a kill -9"
	stop_watch
	rm -rf "${D:?}"/* "$T/state"
done
