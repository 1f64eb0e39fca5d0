#!/bin/sh
# `omniwatch watch` as an operator drives it: --check, the signals (TERM,
# HUP, USR1), the one-watcher-per-state lock, a PM2 logs symlink that is
# re-pointed, rotations while watch is stopped (K01, K03 across a restart),
# and how often an idle agent wakes up.  Every count is the exact right
# answer read back with `omniwatch summary`; waits are bounded polls.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

cat > "$T/warn.yaml" <<'Y'
name: warns
success:
  - 'OK-never-seen'
failure:
  - class: warn
    regex: 'WARN'
Y
COPY=$D/demo-api-out__2024-03-10_00-00-00.log

# ids FROM TO [WORD]: the lines "req=I WORD" (WORD: ERROR) for I in FROM..TO.
ids() {
	seq -f "req=%g ${3:-ERROR}" "$1" "$2"
}

# set_count SET: the committed failures of pattern set SET (0 if none
# yet), read with the config $SUMCFG (default: $CFG).
set_count() {
	"$OMNIWATCH" summary -c "${SUMCFG:-$CFG}" --json 2>/dev/null |
	    jq -r ".pattern_sets.$1.failures // 0"
}

set_count_is() {
	[ "$(set_count "$1")" = "$2" ]
}

# wait_set SET N WHAT: until SET's count is N, then checks that it stays N
# for a moment (a late double count would show).
wait_set() {
	wait_for "$1 = $2 (now $(set_count "$1"))" set_count_is "$1" "$2"
	sleep 0.5
	assert_eq "$(set_count "$1")" "$2" "$3"
}

# start: a watch with a fresh log, so that waiting for 'watching' waits for
# this process (signals sent before it is logged would kill it).
start() {
	: > "$WLOG"
	start_watch
}

# fresh: stops watch and forgets the logs, the state and the config.
fresh() {
	stop_watch
	rm -rf "$D"/* "$T/state" "$CFG"
	: > "$WLOG"
}

# reload_ok N: after N successful reloads in the log.
reloads_are() {
	[ "$(grep -c 'reloaded:' "$WLOG")" -ge "$1" ]
}

echo "# watch --check"
write_config
out=$("$OMNIWATCH" watch -c "$CFG" --check 2>"$T/err") ||
	fail "--check on a good config exited with $?: $(cat "$T/err")"
case $out in
*OK*) echo "ok: --check prints OK: $out" ;;
*) fail "--check on a good config: expected OK, got '$out'" ;;
esac
[ ! -e "$T/state" ] || fail "--check must not create the state_dir"

# check_bad FILE WHERE: --check on FILE exits 2 naming WHERE (FILE:LINE:COL).
check_bad() {
	rc=0
	"$OMNIWATCH" watch -c "$1" --check >"$T/out" 2>"$T/err" || rc=$?
	assert_eq "$rc" 2 "--check exit status on $(basename "$1")"
	grep '^omniwatch: error: ' "$T/err" | grep -qF "$2: " ||
		fail "--check on $(basename "$1"): expected '$2: ...', got '$(cat "$T/err")'"
	[ ! -s "$T/out" ] || fail "--check on a bad config printed '$(cat "$T/out")'"
}
printf 'sources:\n  - pm2_home: %s\ntail:\n  sweep: 10\n' "$W" > "$T/bad-unit.yaml"
check_bad "$T/bad-unit.yaml" "$T/bad-unit.yaml:4:10"
printf 'sources:\n  - pm2_home: %s\nbogus: 1\n' "$W" > "$T/bad-key.yaml"
check_bad "$T/bad-key.yaml" "$T/bad-key.yaml:3:1"
printf 'sources: [\n' > "$T/bad-yaml.yaml"
check_bad "$T/bad-yaml.yaml" "$T/bad-yaml.yaml:2:1"
printf 'sources:\n  - pm2_home: %s\nrecord:\n  max_bytes: lots\n' "$W" > "$T/bad-size.yaml"
check_bad "$T/bad-size.yaml" "$T/bad-size.yaml:4:14"
printf 'name: bad\nfailure:\n  - class: x\n    regex: "a("\n' > "$T/bad-regex.yaml"
printf 'sources:\n  - pm2_home: %s\npattern_sets: [%s]\n' "$W" "$T/bad-regex.yaml" > "$T/bad-set.yaml"
check_bad "$T/bad-set.yaml" "$T/bad-regex.yaml:4:15"
grep -q 'missing closing parenthesis' "$T/err" || fail "--check: PCRE2's message is given"
# A receiver's secret_file is read by --check as by watch itself.
printf 'sources:\n  - pm2_home: %s\nreceivers:\n  ops:\n    url: http://127.0.0.1:9/hook\n    secret_file: %s\n' \
	"$W" "$T/missing.secret" > "$T/bad-secret.yaml"
check_bad "$T/bad-secret.yaml" "receiver 'ops': secret_file $T/missing.secret"
# A URL libcurl cannot parse: its reason, never the URL (it may hold a token).
printf 'sources:\n  - pm2_home: %s\nreceivers:\n  ops:\n    url: http://127.0.0.1:99999/T0KEN\n' \
	"$W" > "$T/bad-port.yaml"
check_bad "$T/bad-port.yaml" "receiver 'ops': the url cannot be parsed"
grep -q "cannot be parsed: .*[Pp]ort" "$T/err" || fail "url reason: $(cat "$T/err")"
if grep -q T0KEN "$T/err"; then fail "the URL's path was printed"; fi
[ ! -e "$T/state" ] || fail "--check must not create the state_dir"
# A pm2_home that does not exist, or is not a directory, is not OK (issue
# 19): it names the source and what is missing; one without logs/ yet is
# OK, with a warning (PM2 makes logs/ when it starts an app).
printf 'sources:\n  - pm2_home: %s/no-such-home\n' "$T" > "$T/no-home.yaml"
check_bad "$T/no-home.yaml" "source 1: pm2_home $T/no-such-home"
grep -qF "$T/no-such-home: No such file or directory; give the PM2_HOME of the account that runs the apps" "$T/err" || fail "no pm2_home: $(cat "$T/err")"
printf 'sources:\n  - pm2_home: %s\n  - pm2_home: %s\n' "$W" "$T/no-home.yaml" > "$T/file-home.yaml"
check_bad "$T/file-home.yaml" "source 2: pm2_home $T/no-home.yaml"
grep -qF "$T/no-home.yaml: not a directory;" "$T/err" || fail "pm2_home a file: $(cat "$T/err")"
mkdir -p "$T/empty-home"
printf 'sources:\n  - pm2_home: %s/empty-home\nstate_dir: %s/st-empty\n' "$T" "$T" > "$T/empty-home.yaml"
"$OMNIWATCH" watch -c "$T/empty-home.yaml" --check > "$T/out" 2> "$T/err" ||
	fail "--check on a pm2_home without logs/: $(cat "$T/err")"
grep -q "warning: source 1: pm2_home $T/empty-home has no logs/ yet" "$T/err" || fail "no logs/ warning: $(cat "$T/err")"
grep -q ': OK: 1 source (1 matching no log file now), 1 pattern set' "$T/out" || fail "--check OK line: $(cat "$T/out")"
grep -q "warning: source 1 (pm2_home $T/empty-home): no app's log file matches it now" "$T/err" ||
	fail "--check: a source that sees nothing: $(cat "$T/err")"
echo "ok: --check names a missing pm2_home"

echo "# SIGTERM: exit 0 within 1 s, committing what was read"
fresh
write_config
# Nothing is committed on its own for an hour: only the exit commits.
sed -i 's/commit_interval: 200ms/commit_interval: 1h/' "$CFG"
start
ids 1 7 >> "$L"
size=$(stat -c %s "$L")
has_read() {
	kill -USR1 "$WPID"
	grep -q "status: $L inode=[0-9]* offset=$1 lag=0" "$WLOG"
}
wait_for "watch to read $size bytes" has_read "$size"
# Before its first commit the state holds nothing: summary says so (exit
# 1) rather than print zeros.
set +e
"$OMNIWATCH" summary -c "$CFG" > "$T/sum.out" 2> "$T/sum.err"; rc=$?
set -e
assert_eq "$rc" 1 "nothing committed before SIGTERM: summary's exit status"
grep -q 'holds no counts yet: watch has committed no file' "$T/sum.err" || fail "nothing committed before SIGTERM: $(cat "$T/sum.err")"
t0=$(date +%s%N)
kill -TERM "$WPID"
rc=0
wait "$WPID" || rc=$?
t1=$(date +%s%N)
WPID=
assert_eq "$rc" 0 "exit status after SIGTERM"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 1000 ] || fail "SIGTERM: exited after $ms ms, expected < 1000"
echo "ok: exited $ms ms after SIGTERM"
# req=7 was still an open record: the exit closes and counts it.
assert_eq "$(set_count errors)" 7 "SIGTERM committed all 7 records read"
grep -q 'stopping' "$WLOG" || fail "SIGTERM: 'stopping' is logged"

echo "# SIGUSR1: one status line per file"
fresh
write_config
start
ids 1 3 >> "$L"
ids 4 5 >> "$E"
wait_set errors 5 "USR1 setup"
mark=$(wc -l < "$WLOG")
status_lines() {
	tail -n +"$((mark + 1))" "$WLOG" | grep 'status: '
}
two_status() {
	[ "$(status_lines | wc -l)" -ge 2 ]
}
kill -USR1 "$WPID"
wait_for "two status lines" two_status
assert_eq "$(status_lines | wc -l)" 2 "USR1 status lines (one per file)"
for f in "$L" "$E"; do
	want="omniwatch: status: $f inode=$(stat -c %i "$f") offset=$(stat -c %s "$f") lag=0"
	n=$(status_lines | grep -cxF "$want" || true)
	assert_eq "$n" 1 "USR1 line for $(basename "$f")"
done
kill -0 "$WPID" || fail "USR1 must not stop watch"

echo "# SIGHUP: a second pattern set is applied; a bad config is refused"
fresh
write_config
start
{ ids 1 2; ids 3 3 WARN; } >> "$L"
wait_set errors 2 "HUP: before reload"
cp "$CFG" "$T/one-set.yaml"
PATTERNS="$T/error.yaml, $T/warn.yaml" write_config
cp "$CFG" "$T/two-sets.yaml"
kill -HUP "$WPID"
wait_for "reload" reloads_are 1
grep -q 'reloaded: 2 pattern set' "$WLOG" || fail "HUP: 2 pattern sets after reload"
# The new set starts where counting stopped: req=3 WARN was read before.
{ ids 4 4; ids 5 6 WARN; } >> "$L"
wait_set warns 2 "HUP: the new set counts what follows the reload"
wait_set errors 3 "HUP: the old set counts on, nothing twice"

# A bad config: reported with FILE:LINE:COLUMN, the old one keeps counting.
SUMCFG=$T/two-sets.yaml
printf 'bogus: 1\n' >> "$CFG"
badline=$(wc -l < "$CFG")
kill -HUP "$WPID"
wait_for "the failed reload" grep -q 'reload failed' "$WLOG"
grep -qF "omniwatch: error: $CFG:$badline:1: unknown key 'bogus'" "$WLOG" ||
	fail "HUP: the bad config is reported at $CFG:$badline:1"
kill -0 "$WPID" || fail "HUP with a bad config must not stop watch"
{ ids 7 7; ids 8 8 WARN; } >> "$L"
wait_set errors 4 "HUP bad: old config counts errors"
wait_set warns 3 "HUP bad: old config counts warns"

# Back to a good config: offsets and counts are kept, nothing re-read.
cp "$T/two-sets.yaml" "$CFG"
SUMCFG=
kill -HUP "$WPID"
wait_for "the second reload" reloads_are 2
wait_set errors 4 "HUP again: nothing counted twice (errors)"
assert_eq "$(set_count warns)" 3 "HUP again: nothing counted twice (warns)"
{ ids 9 9; ids 10 10 WARN; } >> "$L"
wait_set errors 5 "HUP again: counting goes on (errors)"
wait_set warns 4 "HUP again: counting goes on (warns)"

echo "# a second watch on the same state_dir refuses to start"
rc=0
timeout 10 "$OMNIWATCH" watch -c "$CFG" > "$T/second.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] ||
	fail "a second watch: expected a refusal, got exit status $rc"
echo "ok: the second watch exited with $rc"
grep -q 'another omniwatch watch uses this state_dir' "$T/second.log" ||
	fail "a second watch: expected 'another omniwatch watch uses this state_dir', got '$(cat "$T/second.log")'"
ids 11 11 >> "$L"
wait_set errors 6 "the first watch counts on, once"

echo "# a re-pointed PM2 logs symlink is followed after the sweep"
fresh
mkdir -p "$T/link" "$T/logsA" "$T/logsB"
ln -s "$T/logsA" "$T/link/logs"
w_save=$W
W=$T/link
write_config
W=$w_save
start
ids 1 2 >> "$T/logsA/demo-api-out.log"
wait_set errors 2 "symlink: logsA"
ln -sfn "$T/logsB" "$T/link/logs"
ids 3 5 >> "$T/logsB/demo-api-out.log"
WAIT_S=10 wait_set errors 5 "symlink: logsB followed after the sweep"
ids 6 6 >> "$T/logsB/demo-api-out.log"
WAIT_S=10 wait_set errors 6 "symlink: logsB keeps being followed"
grep -q 'now points elsewhere' "$WLOG" || fail "symlink: the re-pointing is logged"
stop_watch
rm -rf "$T/link" "$T/logsA" "$T/logsB"

echo "# K03 while stopped: rename, more lines in the old file, a new file"
fresh
write_config
start
ids 1 5 >> "$L"
wait_set errors 5 "stopped rename: before"
stop_watch
mv "$L" "$L.1"
ids 6 8 >> "$L.1"
ids 9 12 >> "$L"
start
wait_set errors 12 "stopped rename: ids 1..12 once each"
grep -q 'while we were stopped' "$WLOG" || fail "stopped rename: the old inode is found and finished"
wait_for "the renamed file to be let go" \
    sh -c "! ls -l /proc/$WPID/fd | grep -q 'demo-api-out.log.1'"

echo "# K01 while stopped: copytruncate, the unread lines only in the copy"
fresh
write_config
start
ids 1 5 >> "$L"
wait_set errors 5 "stopped copytruncate: before"
stop_watch
ids 6 7 >> "$L"
cp "$L" "$COPY"
ids 8 9 >> "$COPY"	# written between the copy and the truncate
: > "$L"
ids 10 20 >> "$L"	# longer than before: only the fingerprint tells
start
wait_set errors 20 "stopped copytruncate: ids 1..20 once each"
n=$(grep -c 'truncated' "$WLOG")
assert_eq "$n" 1 "stopped copytruncate: truncation logged once"

echo "# an idle watch wakes only for the sweep"
fresh
write_config
start
ids 1 3 >> "$L"
wait_set errors 3 "idle: setup"
pid=$WPID
v0=$(awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$pid/status")
sleep 3	# the measurement window, not a synchronisation
v1=$(awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$pid/status")
n=$((v1 - v0))
[ "$n" -le 6 ] || fail "idle: $n voluntary context switches in 3 s (sweep 1s: about 3)"
echo "ok: idle: $n voluntary context switches in 3 s"
if command -v strace >/dev/null 2>&1; then
	rc=0
	timeout -s INT 3 strace -f -c -e trace=epoll_wait -o "$T/strace.out" \
	    -p "$pid" 2>"$T/strace.err" || rc=$?
	if [ "$rc" -ne 124 ]; then
		echo "# skip: strace cannot attach here: $(cat "$T/strace.err")"
	else
		calls=$(awk '$NF == "epoll_wait" { print $4 }' "$T/strace.out")
		[ "${calls:-0}" -le 6 ] ||
			fail "idle: $calls epoll_wait calls in 3 s (sweep 1s: about 3)"
		echo "ok: idle: ${calls:-0} epoll_wait calls in 3 s"
	fi
else
	echo "# skip: no strace; the epoll_wait count is not checked"
fi
kill -0 "$pid" || fail "idle: watch is still running"
stop_watch
