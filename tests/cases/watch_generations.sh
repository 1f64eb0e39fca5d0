#!/bin/sh
# Generations of a log that watch did not see at its path: the path
# rotated more than once before watch looked again (SIGSTOP stands for a
# loaded machine, one batch of inotify events, or a start after a
# crash), a file truncated and written again before it was renamed, a
# writer that appends to a renamed file after watch let it go (PM2 until
# `pm2 reloadLogs`), inodes freed and reused while watch was down.  Every
# line written is counted once: after the CONT, and again after a restart
# (nothing read twice).  Found by testers on builds up to 401f022.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

# gen FIRST LAST TAG: failure lines FIRST..LAST into the live file.
gen() {
	seq -f "req=%g ERROR $3" "$1" "$2" >> "$L"
}

# stopped CASE: plays CASE while watch is stopped; sets due, the count.
stopped() {
	case $1 in
	rename_twice)	# logrotate rotate N with delaycompress, three times
		for g in 2 3 4; do
			[ -f "$L.2.gz" ] && mv "$L.2.gz" "$L.3.gz"
			[ -f "$L.1" ] && { gzip -c "$L.1" > "$L.2.gz"; rm "$L.1"; }
			mv "$L" "$L.1"
			gen $((g * 100 - 99)) $((g * 100)) "g$g"
		done
		due=400 ;;
	compress_now)	# compress without delaycompress, dateext names
		for g in 2 3 4; do
			mv "$L" "$D/demo-api-out.log-2026120$g"
			gzip "$D/demo-api-out.log-2026120$g"
			gen $((g * 100 - 99)) $((g * 100)) "g$g"
		done
		due=400 ;;
	dateext_dashes)	# logrotate dateext, dateformat -%Y-%m-%d-%s
		for g in 2 3; do
			mv "$L" "$D/demo-api-out.log-2026-12-0$g-176500000$g"
			gen $((g * 100 - 99)) $((g * 100)) "g$g"
		done
		gzip "$D/demo-api-out.log-2026-12-02-1765000002"
		due=300 ;;
	extension_numbered)	# logrotate rotate N with extension .log
		for g in 2 3; do
			[ -f "$D/demo-api-out.1.log" ] &&
			    mv "$D/demo-api-out.1.log" "$D/demo-api-out.2.log"
			mv "$L" "$D/demo-api-out.1.log"
			gen $((g * 100 - 99)) $((g * 100)) "g$g"
		done
		due=300 ;;
	extension_dated)	# extension .log, dateext -%Y%m%d-%s
		for g in 2 3; do
			mv "$L" "$D/demo-api-out-20261207-176500000$g.log"
			gen $((g * 100 - 99)) $((g * 100)) "g$g"
		done
		due=300 ;;
	delete_recreate)
		rm "$L"; gen 101 200 g2; mv "$L" "$L.1"; gen 201 300 g3
		due=300 ;;
	flush_then_rename)	# pm2 flush, text past our offset, a rename
		: > "$L"; gen 101 200 g2; mv "$L" "$L.1"; gen 201 300 g3
		due=300 ;;
	copytruncate_then_rename)
		cp "$L" "$D/demo-api-out__2026-12-07_10-00-00.log"; : > "$L"
		gen 101 200 g2; mv "$L" "$L.1"; gen 201 300 g3
		due=300 ;;
	same_banner)	# each file starts with the app's banner
		mv "$L" "$L.1"
		echo 'App started on port 3000' > "$L"; gen 101 200 g2
		mv "$L.1" "$L.2"; mv "$L" "$L.1"
		echo 'App started on port 3000' > "$L"
		due=200 ;;
	esac
}

for c in rename_twice compress_now dateext_dashes extension_numbered \
    extension_dated delete_recreate flush_then_rename \
    copytruncate_then_rename same_banner; do
	echo "# $c while watch is stopped"
	start_watch
	gen 1 100 g1
	wait_count 100 failures "$c: first generation"
	kill -STOP "$WPID"
	stopped "$c"
	kill -CONT "$WPID"
	wait_count "$due" failures "$c: every generation once"
	stop_watch
	start_watch
	gen 1001 1010 after
	wait_count $((due + 10)) failures "$c: nothing read twice after a restart"
	stop_watch
	rm -rf "$D"/* "$T/state" "$WLOG"
done

echo "# a renamed file written to after watch let it go (no pm2 reloadLogs)"
start_watch
exec 3>>"$L"
seq -f 'req=%g ERROR a' 1 100 >&3
wait_count 100 failures "late: first generation"
mv "$L" "$L.1"; : > "$L"
wait_for "watch to let the renamed file go" grep -q 'let go at offset' "$WLOG"
echo 'req=101 ERROR late' >&3
mv "$L.1" "$L.2"; mv "$L" "$L.1"; : > "$L"
wait_count 101 failures "late: the line after the let-go once, the rest not again"
grep -q 'written to after we let it go' "$WLOG" || fail "late: not said"
# The app still writes into the old file: it is followed again, and
# again after each quiet spell longer than rotate_wait.
for i in $(seq 102 150); do echo "req=$i ERROR still" >&3; sleep 0.01; done
wait_count 150 failures "late: the writes into the file followed again"
# (The first file is let go as .1 or .2, by when the write came.)
let_gos() {
	[ "$(grep -c "inode $ino1 let go" "$WLOG")" -ge "$1" ]
}
ino1=$(stat -c %i "$L.2")
wait_for "watch to let the old file go again" let_gos 2
for i in $(seq 151 160); do echo "req=$i ERROR again" >&3; done
wait_count 160 failures "late: the writes after a second let-go"
wait_for "watch to let the old file go a third time" let_gos 3
exec 3>&-
stop_watch
start_watch
echo 'req=161 ERROR after' >> "$L"
wait_count 161 failures "late: nothing read twice after a restart"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# a file renamed to a name that reads as another live log"
# logrotate's dateext with `extension .log` and dateformat -%d makes
# demo-api-out-07.log of demo-api-out.log: PM2's name for the log of
# cluster instance 7.  Once let go, it is found at that name by the sweep.
start_watch
gen 1 100 g1
wait_count 100 failures "live-looking: first generation"
mv "$L" "$D/demo-api-out-07.log"; gen 101 150 g2
wait_for "watch to let the renamed file go" grep -q 'let go at offset' "$WLOG"
wait_for "watch to follow it at its new name" \
    grep -q 'demo-api-out-07.log: following inode .* from offset [1-9]' \
    "$WLOG"
wait_count 150 failures "live-looking: read on from the let-go, not again"
echo 'req=151 ERROR late' >> "$D/demo-api-out-07.log"
wait_count 151 failures "live-looking: what its writer adds"
stop_watch
start_watch
gen 152 160 g3
wait_count 160 failures "live-looking: nothing read twice after a restart"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

follows() {
	[ "$(grep -c 'following inode .* from offset 0' "$WLOG")" -ge "$1" ]
}
echo "# a file let go, written to while watch is stopped, then compressed (delaycompress)"
# PM2 without reloadLogs appends to NAME.1; the next rotation makes
# NAME.2.gz of it: only what was appended since the let-go is new.
start_watch
exec 3>>"$L"
seq -f 'req=%g ERROR a' 1 100 >&3
wait_count 100 failures "delaycompress: first generation"
mv "$L" "$L.1"; : > "$L"
wait_for "watch to let the renamed file go" grep -q 'let go at offset' "$WLOG"
kill -STOP "$WPID"
seq -f 'req=%g ERROR late' 101 150 >&3
gzip -c "$L.1" > "$L.2.gz"; rm "$L.1"; mv "$L" "$L.1"; : > "$L"
exec 3>&-
kill -CONT "$WPID"
wait_count 150 failures "delaycompress: the appended lines once, the rest not again"
stop_watch
start_watch
wait_count 150 failures "delaycompress: nothing read twice after a restart"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# a file opened empty, written, renamed and gzipped unseen"
start_watch
gen 1 50 a
wait_count 50 failures "empty: first generation"
mv "$L" "$L.1"; gzip "$L.1"; : > "$L"
wait_for "watch to follow the new empty file" follows 2
kill -STOP "$WPID"
gen 51 100 b
mv "$L.1.gz" "$L.2.gz"; mv "$L" "$L.1"; gzip "$L.1"; : > "$L"
kill -CONT "$WPID"
wait_count 100 failures "empty: its text once (the descriptor, not its .gz too)"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# the file let go, then a generation written and rotated before watch saw it"
# logrotate without create: the app makes the next file at its next
# write, and that file was renamed and gzipped before watch looked.
start_watch
gen 1 50 a
wait_count 50 failures "gone: first generation"
mv "$L" "$L.1"; gzip "$L.1"
wait_for "watch to let the first file go" grep -q 'let go at offset' "$WLOG"
kill -STOP "$WPID"
gen 51 100 b
mv "$L.1.gz" "$L.2.gz"; mv "$L" "$L.1"; gzip "$L.1"
gen 101 120 c
kill -CONT "$WPID"
wait_count 120 failures "gone: the generation between once, the first not again"
stop_watch
start_watch
gen 121 130 d
wait_count 130 failures "gone: nothing read twice after a restart"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# a copy compressed by another program than gzip is said, once"
start_watch
gen 1 10 a
wait_count 10 failures "xz: first generation"
mv "$L" "$L.1"; printf 'not really xz\n' > "$L.2.xz"; gen 11 20 b
wait_count 20 failures "xz: the next generation"
wait_for "watch to say it cannot read the .xz copy" \
    grep -q 'demo-api-out.log.2.xz: compressed with xz, which omniwatch does not read' \
    "$WLOG"
mv "$L" "$L.1"; printf 'not really xz\n' > "$L.3.xz"; gen 21 30 c
wait_count 30 failures "xz: a third generation"
assert_eq "$(grep -c 'compressed with xz' "$WLOG")" 1 "xz: said once"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# a file opened empty, then copied and truncated twice before watch read it"
# copytruncate on a loaded machine (an app writing megabytes between two
# looks): the generations came and went before watch read a byte of the
# file, and only their copies hold them.
: > "$L"
start_watch
wait_for "watch to follow the empty file" follows 1
kill -STOP "$WPID"
gen 1 50 g1
cp "$L" "$L.1"; : > "$L"
gen 51 100 g2
mv "$L.1" "$L.2"; cp "$L" "$L.1"; : > "$L"
gen 101 120 g3
kill -CONT "$WPID"
wait_count 120 failures "opened empty: every generation once"
# Emptied by a truncation watch saw, then a generation came and went
# before the next text.
rotate_ct() {
	for i in 3 2 1; do
		[ ! -f "$L.$i" ] || mv "$L.$i" "$L.$((i + 1))"
	done
	cp "$L" "$L.1"; : > "$L"
}
kill -STOP "$WPID"
gen 121 150 g3
rotate_ct
kill -CONT "$WPID"
wait_count 150 failures "emptied: the rest of the generation from its copy"
kill -STOP "$WPID"
gen 151 180 g4
rotate_ct
kill -CONT "$WPID"
sleep 1.5	# a sweep, at least, looks at the empty file
gen 181 190 g5
wait_count 190 failures "emptied: the generation between once"
stop_watch
start_watch
gen 191 200 g6
wait_count 200 failures "opened empty: nothing read twice after a restart"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# a copy being compressed (NAME.1 and NAME.1.gz both there) is one copy"
# logrotate's compress without delaycompress gzips NAME.1 right after
# copytruncate, and removes NAME.1 once NAME.1.gz is whole: a start (or
# a look) in between sees both.
start_watch
gen 1 50 a
wait_count 50 failures "being compressed: first generation"
stop_watch
gen 51 100 a
cp "$L" "$L.1"; : > "$L"
touch -d '1 minute ago' "$L.1"
gzip -c "$L.1" > "$L.1.gz"
gen 101 120 b
start_watch
wait_count 120 failures "being compressed: its text once"
rm "$L.1"
gen 121 130 c
wait_count 130 failures "being compressed: once, the plain copy gone"
stop_watch
start_watch
wait_count 130 failures "being compressed: nothing read twice after a restart"
stop_watch
rm -rf "$D"/* "$T/state" "$WLOG"

echo "# logrotate create + compress of several logs, twice while stopped, once after kill -9"
if ! command -v logrotate >/dev/null 2>&1; then
	echo "skip: logrotate(8) is not installed"
	exit 0
fi
cat > "$T/lr.conf" <<Y
$D/*.log {
  rotate 5
  create
  compress
}
Y
files="demo-api-out-0.log demo-api-out-1.log demo-api-error-0.log demo-api-error-1.log demo-out.log"
n=0
add() {
	for f in $files; do
		seq -f "req=%g ERROR $1 $f" $((n + 1)) $((n + $2)) >> "$D/$f"
		n=$((n + $2))
	done
}
rotate() {
	logrotate -f -s "$T/lr.state" "$T/lr.conf"
}
add g0 10
start_watch
add g1 50
wait_count $n failures "logrotate: first generations"
kill -STOP "$WPID"
rotate; add g2 50
rotate; add g3 50
kill -CONT "$WPID"
wait_count $n failures "logrotate: two rotations while stopped"
rotate; add g4 50
wait_count $n failures "logrotate: a rotation while running"
kill9_watch
# The inodes rotation frees may go to the next files made (ext4 reuses
# them at once on a small file system; this one may not).
rotate; add g5 50
start_watch
wait_count $n failures "logrotate: a rotation after kill -9 (inodes freed)"
stop_watch

echo "# a path source with app.log and app-1.log: each reads its own copies"
# "app-1.log.1.gz" is a copy of app.log by name too ("app" then '-' and
# a digit): the longer name's claim wins.
P=$T/plain
mkdir -p "$P"
cat > "$T/plain.yaml" <<Y
sources:
  - path: $P/*.log
pattern_sets: [$T/error.yaml]
state_dir: $T/pstate
tail:
  sweep: 1s
  rotate_wait: 1s
state:
  commit_interval: 200ms
Y
cat > "$T/plr.conf" <<Y
$P/*.log {
  rotate 5
  create
  compress
}
Y
n=0
padd() {
	for f in app.log app-1.log; do
		seq -f "req=%g ERROR $1 $f" $((n + 1)) $((n + 50)) >> "$P/$f"
		n=$((n + 50))
	done
}
CFG_SAVED=$CFG
CFG=$T/plain.yaml
padd g0
start_watch
padd g1
wait_count $n failures "siblings: first generations"
kill -STOP "$WPID"
logrotate -f -s "$T/plr.state" "$T/plr.conf"; padd g2
logrotate -f -s "$T/plr.state" "$T/plr.conf"; padd g3
kill -CONT "$WPID"
wait_count $n failures "siblings: every generation once"
stop_watch
start_watch
wait_count $n failures "siblings: nothing read twice after a restart"
stop_watch

echo "# a path source for app.log alone: another app's app-1.log is none of its copies"
rm -rf "$P"/* "$T/pstate" "$T/plr.state"
sed -i "s|  - path: .*|  - path: $P/app.log|" "$T/plain.yaml"
n=0
m=0
aadd() {
	seq -f "req=%g ERROR app" $((n + 1)) $((n + 50)) >> "$P/app.log"
	n=$((n + 50))
	seq -f "req=%g ERROR other" $((m + 1)) $((m + 50)) >> "$P/app-1.log"
	m=$((m + 50))
}
aadd
start_watch
aadd
wait_count $n failures "alone: first generations"
kill -STOP "$WPID"
logrotate -f -s "$T/plr.state" "$T/plr.conf"; aadd
logrotate -f -s "$T/plr.state" "$T/plr.conf"; aadd
kill -CONT "$WPID"
wait_count $n failures "alone: app.log's generations only"
aadd
wait_count $n failures "alone: the other app's writes are not followed"
stop_watch
start_watch
wait_count $n failures "alone: nothing read twice after a restart"
stop_watch
CFG=$CFG_SAVED
