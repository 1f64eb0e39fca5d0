#!/bin/sh
# Progress on stderr (issue 5, part 7): scan and summary draw one line
# (bytes of the total, MB/s, ETA, the current file; summary: buckets read)
# only when stderr is a terminal, never into a pipe or a file, and not with
# -q.  The terminal is script(1)'s pseudo-terminal (util-linux); skipped
# without script(1), or where no pseudo-terminal can be made.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

if ! command -v script > /dev/null 2>&1; then
	echo "skip: no script(1)"
	exit 77
fi
# script(1) needs a pseudo-terminal (/dev/ptmx, a mounted /dev/pts): a
# container or a CI runner may have none, which is the machine's limit, not
# omniwatch's.
if ! script -q -e -c true /dev/null < /dev/null > "$T/pty.out" 2>&1; then
	echo "skip: no pseudo-terminal can be made here (script(1) said: $(head -n 1 "$T/pty.out"))"
	exit 77
fi
# on_tty FILE COMMAND: runs COMMAND (a shell line) with stdin, stdout and
# stderr on a pseudo-terminal; FILE gets what was written to it.
on_tty() {
	script -q -e -c "$2" "$1" < /dev/null > /dev/null
}

awk -v OUT="$D/desk-out.log" -v ERR="$D/desk-error.log" \
    -f "$top_srcdir/tests/gen-hours.awk"
# A larger file, so that a slow machine may draw lines in between.
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "2026-11-29T10:00:00: GET /health 200 in %d ms, worker %d ready\n", i % 97, i % 7 }' > "$D/noise-out.log"
size=$(cat "$D"/*.log | wc -c)

echo "# scan on a terminal: the report on stdout, the progress on stderr"
on_tty "$T/tty1" "'$OMNIWATCH' scan --json '$D' > '$T/report.json'"
tr '\r' '\n' < "$T/tty1" > "$T/lines1"
grep -q "^omniwatch scan: 0 B of [0-9.]* [KM]iB (0%), [0-9.]* MB/s" "$T/lines1" || fail "first line: $(cat -v "$T/tty1")"
grep -q "^omniwatch scan: [0-9.]* [KM]iB of [0-9.]* [KM]iB (100%), [0-9.]* MB/s, [a-z-]*\.log" "$T/lines1" || fail "last line: $(cat -v "$T/tty1")"
# Lines drawn between the first and the last tell the time left.
if grep '(\([1-9]\|[1-9][0-9]\)%)' "$T/lines1" | grep -v ', ETA [0-9]*:[0-9][0-9], ' | grep -q .; then
	fail "a line in between without ETA: $(cat -v "$T/tty1")"
fi
grep -q "$(printf '\033\\[K')\$" "$T/tty1" || fail "the line is erased at the end"
assert_eq "$(jget "$T/report.json" .pattern_sets.omni.failures)" 126 "the report is intact"
if grep -q 'omniwatch scan:' "$T/report.json"; then fail "progress in the report"; fi
total=$(awk -v n="$size" 'BEGIN { if (n < 1048576) printf "%.1f KiB", n / 1024; else printf "%.1f MiB", n / 1048576 }')
grep -q " of $total (100%)" "$T/lines1" || fail "the total is the size of the files ($total)"

echo "# not a terminal: nothing at all"
"$OMNIWATCH" scan "$D" > /dev/null 2> "$T/err1"
[ ! -s "$T/err1" ] || fail "progress into a file: $(cat -v "$T/err1")"
"$OMNIWATCH" scan "$D" 2>&1 > /dev/null | cat > "$T/err2"
[ ! -s "$T/err2" ] || fail "progress into a pipe"

echo "# -q: nothing either"
on_tty "$T/tty2" "'$OMNIWATCH' scan -q '$D' > /dev/null"
if grep -q 'omniwatch scan:' "$T/tty2"; then fail "progress with -q"; fi

echo "# summary: buckets read"
PATTERNS=omni write_config
start_watch
wait_count 126 failures "watch counted"
stop_watch
on_tty "$T/tty3" "'$OMNIWATCH' summary -c '$CFG' > '$T/summary.txt'"
tr '\r' '\n' < "$T/tty3" > "$T/lines3"
grep -q '^omniwatch summary: [0-9]* buckets read, [0-9.]* s' "$T/lines3" || fail "summary progress: $(cat -v "$T/tty3")"
grep -q '126 failures' "$T/summary.txt" || fail "summary report"
"$OMNIWATCH" summary -c "$CFG" > /dev/null 2> "$T/err3"
[ ! -s "$T/err3" ] || fail "summary progress into a file"
