#!/bin/sh
# The field cases of ../shared/cases for the tailer (K01-K07): each scenario
# is played against a running `omniwatch watch`, and the committed counts
# (`omniwatch summary`) must equal the stated right answer.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

echo "# K01 pm2-logrotate rotation: copy, then truncate, while the app appends"
start_watch
( for i in $(seq 1 3000); do echo "req=$i ERROR upstream timeout"; done | while read -r l; do echo "$l"; sleep 0.001; done >>"$L" ) &
writer=$!
sleep 1
cp "$L" "$D/demo-api-out__2024-03-10_00-00-00.log"
: > "$L"
wait $writer
# Lines written between the copy and the truncate are in neither file:
# watch counts them only if it read them before the truncate.  So the right
# count lies between what the two files hold and the 3000 written.
truth=$(cat "$D/demo-api-out__2024-03-10_00-00-00.log" "$L" | grep -c ERROR)
count_at_least() { [ "$(counted)" -ge "$1" ]; }
wait_for "count >= $truth" count_at_least "$truth"
sleep 1
n=$(counted)
[ "$n" -ge "$truth" ] && [ "$n" -le 3000 ] ||
	fail "K01: counted $n, expected $truth..3000 (no id lost, none twice)"
echo "ok: K01 counted $n (files hold $truth, 3000 written)"
n=$(grep -c 'truncated' "$WLOG")
assert_eq "$n" 1 "K01 truncation logged once"
stop_watch
# A one-shot scan of both files counts each id once too.
"$OMNIWATCH" scan -q -p "$T/error.yaml" --json "$D" > "$T/k01.json"
assert_eq "$(jget "$T/k01.json" .pattern_sets.errors.failures)" "$truth" "K01 scan of copy + live"
rm -rf "$D"/* "$T/state"

echo "# K01b two copytruncate rotations while watch is down (after kill -9)"
start_watch
seq -f 'req=%g ERROR' 1 100 >> "$L"
wait_count 100 failures "K01b before the kill"
kill9_watch
cp "$L" "$D/demo-api-out__2024-01-01_00-00-00.log"; : > "$L"
seq -f 'req=%g ERROR' 101 200 >> "$L"
cp "$L" "$D/demo-api-out__2024-01-01_00-00-01.log"; : > "$L"
seq -f 'req=%g ERROR' 201 300 >> "$L"
start_watch
wait_count 300 failures "K01b every generation once (the later copy read whole)"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K01c kill -9 just after watch saw a truncation (the file empty at its last commit), two rotations while down"
start_watch
seq -f 'req=%g ERROR' 1 100 >> "$L"
wait_count 100 failures "K01c before the truncation"
cp "$L" "$D/demo-api-out__2024-01-02_00-00-00.log"; : > "$L"
wait_for "watch to see the truncation" grep -q 'truncated' "$WLOG"
# Another file's bytes make watch commit while this one is still empty.
echo 'info: nothing to see' >> "$E"
saved_offset() {
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT offset FROM files WHERE path = ?", (sys.argv[2],)).fetchone()[0])' \
	    "$T/state/omniwatch.db" "$L"
}
saved_offset_is() { [ "$(saved_offset)" = "$1" ]; }
wait_for "a commit after the truncation" saved_offset_is 0
kill9_watch
seq -f 'req=%g ERROR' 101 200 >> "$L"
cp "$L" "$D/demo-api-out__2024-01-02_00-00-01.log"; : > "$L"
seq -f 'req=%g ERROR' 201 250 >> "$L"
cp "$L" "$D/demo-api-out__2024-01-02_00-00-02.log"; : > "$L"
seq -f 'req=%g ERROR' 251 300 >> "$L"
start_watch
wait_count 300 failures "K01c the generations written while down, once each"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K01d a rotation while down that the head and size cannot show (every line alike)"
start_watch
yes 'ERROR same as ever' | head -n 100 >> "$L"
wait_count 100 failures "K01d before the kill"
kill9_watch
cp "$L" "$D/demo-api-out__2024-01-03_00-00-00.log"; : > "$L"
yes 'ERROR same as ever' | head -n 150 >> "$L"
start_watch
wait_count 250 failures "K01d the copy's rest and the new generation whole"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K01e generations alike (same records, same size): two rotations while running, two while down"
five() {
	for _i in 1 2 3 4 5; do
		printf "[Omni] Failed to create ticket: {\n  status: false,\n  ERROR RoutesRequests.php\n}\n"
	done >> "$L"
}
n=0
rot() {
	n=$((n + 1))
	cp "$L" "$D/demo-api-out__2024-01-04_00-00-0$n.log"
	: > "$L"
}
truncations() { [ "$(grep -c 'truncated' "$WLOG")" -ge "$1" ]; }
# While watch runs it must see each truncation before the same text comes
# back (nothing could tell the two apart otherwise): wait for it.
start_watch
k0=$(grep -c 'truncated' "$WLOG" || true)
five
wait_count 5 failures "K01e first generation"
rot; wait_for "the first truncation" truncations $((k0 + 1)); five
wait_count 10 failures "K01e after one rotation"
rot; wait_for "the second truncation" truncations $((k0 + 2)); five
wait_count 15 failures "K01e after two rotations"
stop_watch
rot; five
rot; five
start_watch
wait_count 25 failures "K01e each generation once"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K01f a whole generation written and rotated before watch reads again (watch slow: SIGSTOP)"
start_watch
seq -f 'req=%g ERROR' 1 100 >> "$L"
wait_count 100 failures "K01f first generation"
k0=$(grep -c 'truncated' "$WLOG" || true)
cp "$L" "$D/demo-api-out__2024-01-05_00-00-00.log"; : > "$L"
wait_for "the truncation" truncations $((k0 + 1))
kill -STOP "$WPID"
seq -f 'req=%g ERROR' 101 200 >> "$L"
sleep 0.05	# the copy's mtime comes after the truncation was seen
cp "$L" "$D/demo-api-out__2024-01-05_00-00-01.log"; : > "$L"
seq -f 'req=%g ERROR' 201 250 >> "$L"
kill -CONT "$WPID"
wait_count 250 failures "K01f the generation watch never saw in the live file"
grep -q 'a generation was written and rotated before we read it' "$WLOG" ||
	fail "K01f: not said"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K02 writer without O_APPEND: truncation leaves a run of NUL bytes"
start_watch
python3 - "$L" "$T/go" <<'PY' &
import os, sys, time
path, go = sys.argv[1], sys.argv[2]
f = open(path, 'w')
for i in range(1, 200001):
    f.write(f"req={i} ERROR db down\n"); f.flush()
    if i == 100000:
        # Wait until omniwatch has counted the first half, so that the
        # right answer is exact: nothing of 1..100000 may count twice.
        t0 = time.time()
        while not os.path.exists(go) and time.time() - t0 < 60:
            time.sleep(0.05)
        os.truncate(path, 0)
PY
writer=$!
wait_count 100000 failures "K02 first half"
touch "$T/go"
wait $writer
wait_count 200000 failures "K02 ids 1..200000 once each"
grep -q 'NUL bytes at offset 0' "$WLOG" || fail "K02: the NUL run is reported with its offset"
n=$(grep -c 'NUL bytes' "$WLOG")
assert_eq "$n" 1 "K02 NUL run reported once"
check_rss K02
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K03 rename-and-create rotation while the app still holds the old file"
start_watch
exec 3>>"$L"; for i in $(seq 1 300); do echo "req=$i ERROR" >&3; done
mv "$L" "$L.1"
for i in $(seq 301 350); do echo "req=$i ERROR" >&3; done
exec 3>&-; exec 3>>"$L"; for i in $(seq 351 600); do echo "req=$i ERROR" >&3; done; exec 3>&-
wait_count 600 failures "K03 ids 1..600 once each"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K03b a renamed file that had been quiet longer than rotate_wait"
start_watch
exec 3>>"$L"; echo "req=1 ERROR" >&3
wait_count 1 failures "K03b first line"
sleep 1.5	# quiet for longer than rotate_wait (1s)
mv "$L" "$L.1"; : > "$L"
sleep 0.3; echo "req=2 ERROR held" >&3; exec 3>&-
wait_count 2 failures "K03b a write after the rename still counts"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K03c two rotations before watch looks again: the generation in between is read"
# Found by a tester: the path held three files in turn while watch was
# stopped (SIGSTOP, as a loaded machine or one batch of events is); the
# middle one, renamed away unseen, was never read, and a restart did not
# find it either (the commit after the CONT had seen its copy).
# compress: the first generation gzipped at once (logrotate's compress
# without delaycompress), a new inode that holds text watch drains from
# the file it has open: not read twice.
for how in rename copytruncate compress; do
	start_watch
	seq -f 'req=%g ERROR first' 1 100 >> "$L"
	wait_count 100 failures "K03c $how: first generation"
	kill -STOP "$WPID"
	mv "$L" "$L.1"
	[ "$how" = compress ] && gzip "$L.1"
	seq -f 'req=%g ERROR second' 101 200 >> "$L"
	if [ "$how" != copytruncate ]; then
		mv "$L" "$L.2"
	else
		cp "$L" "$D/demo-api-out__2024-01-06_00-00-00.log"; : > "$L"
	fi
	seq -f 'req=%g ERROR third' 201 300 >> "$L"
	kill -CONT "$WPID"
	wait_count 300 failures "K03c $how: ids 1..300 once each"
	grep -q 'a generation was written and rotated before we read it' "$WLOG" ||
		fail "K03c $how: not said"
	stop_watch
	start_watch
	seq -f 'req=%g ERROR fourth' 301 310 >> "$L"
	wait_count 310 failures "K03c $how: nothing read twice after a restart"
	stop_watch
	rm -rf "$D"/* "$T/state"
done

echo "# K04 a deleted file is not held open"
seq -f 'req=%g ERROR' 1 200000 > "$L"
start_watch
wait_count 200000 failures "K04 initial file"
fds0=$(ls /proc/$WPID/fd | wc -l)
for k in $(seq 1 50); do mv "$L" "$L.1"; echo "req=k$k ERROR" > "$L"; sleep 0.2; rm -f "$L.1"; done
wait_count 200050 failures "K04 all 50 k lines"
wait_for "no deleted file held open" sh -c "! ls -l /proc/$WPID/fd | grep -q '(deleted)'"
fds1=$(ls /proc/$WPID/fd | wc -l)
assert_eq "$fds1" "$fds0" "K04 fd count stays flat"
stop_watch
rm -rf "$D"/* "$T/state"

echo "# K05 a partial last line, then a restart (SIGTERM, then kill -9)"
cat > "$T/k05.yaml" <<'Y'
name: errors
success:
  - 'OK-never-seen'
failure:
  - class: error
    regex: 'ERROR [abcdef]$'
Y
PATTERNS=$T/k05.yaml write_config
start_watch
printf 'req=1 ERROR a\nreq=2 ERROR b\nreq=3 ERR' >> "$L"
wait_count 2 failures "K05 two complete lines"
stop_watch
printf 'OR c\n' >> "$L"
start_watch
wait_count 3 failures "K05 exactly 3, the third is 'req=3 ERROR c'"
printf 'req=4 ERROR d\nreq=5 ERR' >> "$L"
wait_count 4 failures "K05 before kill -9"
kill9_watch
printf 'OR e\nreq=6 ERROR f\n' >> "$L"
start_watch
wait_count 6 failures "K05 after kill -9"
stop_watch
rm -rf "$D"/* "$T/state" "$CFG"

echo "# K06 very long lines"
write_config
start_watch
echo "req=1 ERROR before" >> "$L"
{ printf 'req=2 ERROR huge '; head -c 1048576 /dev/zero | tr '\0' x; echo; } >> "$L"
head -c 3145728 /dev/zero | tr '\0' y >> "$L"; sleep 1; echo >> "$L"
echo "req=3 ERROR after" >> "$L"
wait_count 3 failures "K06 req 1, 2, 3 once each"
grep -q 'longer than 1048576 bytes; cut' "$WLOG" || fail "K06: the cut is reported"
check_rss K06
stop_watch
rm -rf "$D"/* "$T/state" "$CFG"

echo "# K07 a multi-line Node error written in pieces"
k07() {
	cat >> "$E" <<'X'
2024-03-10T10:00:00.000Z Error: connect ECONNREFUSED 127.0.0.1:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
X
	sleep 1
	cat >> "$E" <<'X'
    at Pool.connect (/srv/demo-api/db.js:10:5) {
  errno: -111,
  code: 'ECONNREFUSED',
X
	sleep 1; printf '  port: 5432\n}\n' >> "$E"
}
# An idle flush longer than the pauses: one 7-line record.
PATTERNS=$T/node.yaml IDLE_FLUSH=3s write_config
start_watch
k07
wait_count 1 failures "K07 one 7-line record"
assert_eq "$(counted damaged)" 0 "K07 nothing damaged"
stop_watch
rm -rf "$D"/* "$T/state"
# A pause longer than the idle flush: the split is explicit (the head is a
# damaged record, the rest follows as its own records), nothing is dropped.
PATTERNS=$T/node.yaml IDLE_FLUSH=200ms write_config
start_watch
k07
wait_count 1 damaged "K07 split record is counted as damaged"
assert_eq "$(counted failures)" 0 "K07 split: no whole-record match"
stop_watch
