#!/bin/sh
# Copytruncate rotations made while watch runs but is not scheduled (a
# loaded machine; here SIGSTOP), of a log whose records are all alike (no
# timestamps: the same Lumen 404 at every call).  Every generation then
# begins with the same bytes, and after two rotations the live file may
# be longer than our offset with our head: nothing in the file itself
# tells.  The copies do (the rule a start applies, tail_copied_since):
# before the fix, watch read on from its offset, counted 15 of the 40,
# and said nothing (tester13 r5).
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

# paused_rotations HOW WHAT [ROTS]: 10 lines counted; watch stopped; ROTS
# times (2) a copy, a truncation and 15 lines more; watch resumed: each
# line counted once (40 for two).  HOW: same (every line alike) or req
# (each line its own).
paused_rotations() {
	_pr_k=0
	line() {
		_pr_k=$((_pr_k + 1))
		if [ "$1" = same ]; then
			echo 'ERROR Lumen 404 NotFoundHttpException'
		else
			echo "req=$_pr_k ERROR Lumen 404"
		fi
	}
	lines() { for _pr_i in $(seq 1 "$2"); do line "$1"; done >> "$L"; }
	start_watch
	lines "$1" 10
	wait_count 10 failures "$2: before the pause"
	kill -STOP "$WPID"
	for r in $(seq 1 "${3:-2}"); do
		cp "$L" "$D/demo-api-out__2024-01-0${r}_00-00-00.log"
		: > "$L"
		lines "$1" 15
	done
	kill -CONT "$WPID"
	wait_count $((10 + 15 * ${3:-2})) failures "$2: each generation once"
	stop_watch
	rm -rf "${D:?}"/* "$T/state"
}

echo "# K01k two copytruncate rotations while watch is paused, every line alike"
paused_rotations same "K01k same"
paused_rotations same "K01k same, one rotation" 1
echo "# K01l the same, each line its own (the head tells: a guard)"
paused_rotations req "K01l req"

echo "# K01m logrotate copy (no truncation) while watch runs: read once"
# Made while watch runs and the app writes on: the copy is judged as a
# start judges one, and a copy the live file still holds whole adds nothing.
for how in same req; do
	start_watch
	for i in $(seq 1 100); do
		if [ $how = same ]; then echo 'ERROR Lumen 404'; else echo "req=$i ERROR"; fi
	done >> "$L"
	wait_count 100 failures "K01m $how: before the copy"
	cp "$L" "$D/demo-api-out.log.1"
	for i in $(seq 101 150); do echo "req=$i ERROR"; done >> "$L"
	wait_count 150 failures "K01m $how: the copy adds nothing"
	stop_watch
	rm -rf "${D:?}"/* "$T/state"
done

echo "# K01n a copy still being written is not judged until it settles"
# Half a copy (longer than the 256 bytes of head a copy is known by),
# while the app writes on: judged now, it would read as a copytruncate
# (every line alike, the copy shorter than our offset) and the live file
# would be read again from 0.  Its mtime is recent, so the file waits
# (rotate_wait); meanwhile the copy is finished and the file truncated,
# and that truncation is read as usual: 20 + 5 + 7.
start_watch
same() { yes 'ERROR Lumen 404 NotFoundHttpException' | head -n "$1" >> "$L"; }
same 20
wait_count 20 failures "K01n: before the copy"
C=$D/demo-api-out__2024-01-03_00-00-00.log
head -n 10 "$L" > "$C"
same 5
sleep 0.4	# watch looks at the half copy (rotate_wait is 1s)
cat "$L" > "$C"
: > "$L"
same 7
wait_count 32 failures "K01n: each line once"
stop_watch
rm -rf "${D:?}"/* "$T/state"

echo "# K01o a copy that comes after we read past its end (logrotate copy)"
# Made before the app wrote on, known only after watch read on past its
# end (its event late, or a polled directory; here renamed into place):
# the live file still holds it whole, so it adds nothing.
start_watch
seq -f 'req=%g ERROR' 1 100 >> "$L"
wait_count 100 failures "K01o: before the copy"
cp "$L" "$T/copy.tmp"
seq -f 'req=%g ERROR' 101 150 >> "$L"
wait_count 150 failures "K01o: read past the copy's end"
mv "$T/copy.tmp" "$D/demo-api-out.log.1"
seq -f 'req=%g ERROR' 151 160 >> "$L"
wait_count 160 failures "K01o: the copy adds nothing"
stop_watch
rm -rf "${D:?}"/* "$T/state"
