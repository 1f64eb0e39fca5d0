#!/bin/sh
# Issue #18 item 6: `summary` and `check` open the state read-only, as the
# man page says, so they work on a state they may read but not write: on
# a read-only mount, and as another user, after watch has exited (no -wal
# file: SQLite reads it as immutable) and while it runs (through its -wal
# and -shm files).  An immutable read is never taken where a writer could
# be (a first attempt was, and summary read the count of the last clean
# stop while a new watch committed): a -wal holding commits with a -shm
# the reader cannot read, and a watch.lock held while no -wal exists yet,
# are errors that say why.  Needs root for the mount and setpriv; skips
# what it cannot do, and exits 77 when it can do nothing.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

[ "$(id -u)" = 0 ] || { echo "skip: needs root (mount, setpriv)"; exit 77; }
RO=$T/ro
mkdir "$RO"
trap 'umount "$RO" 2>/dev/null || true; cleanup_watch' EXIT

write_config
start_watch
seq -f 'req=%g ERROR' 1 7 >> "$L"
wait_count 7
stop_watch
[ ! -s "$T/state/omniwatch.db-wal" ] || fail "watch left commits in its WAL"

# summary_ok WHAT CFG [RUNNER...]: summary and check read $WANT failures.
WANT=7
summary_ok() {
	_what=$1 _cfg=$2
	shift 2
	"$@" "$OMNIWATCH" summary -c "$_cfg" --json > "$T/sum.json" 2> "$T/err" ||
	    fail "$_what: summary: $(cat "$T/err")"
	assert_eq "$(jget "$T/sum.json" '.pattern_sets.errors.failures')" \
	    "$WANT" "$_what: summary reads the counts"
	_rc=0
	"$@" "$OMNIWATCH" check -c "$_cfg" --window 1h > "$T/check.out" \
	    2>&1 || _rc=$?
	case $(cat "$T/check.out") in
	*"cannot"*|*"unable"*) fail "$_what: check: $(cat "$T/check.out")" ;;
	esac
	echo "ok: $_what: check reads it (exit $_rc: $(cut -c1-40 "$T/check.out"))"
}

echo "# a read-only mount"
if mount --bind "$T/state" "$RO" 2>/dev/null &&
    mount -o remount,bind,ro "$RO" 2>/dev/null; then
	sed "s|^state_dir: .*|state_dir: $RO|" "$CFG" > "$T/ro.yaml"
	summary_ok "read-only mount" "$T/ro.yaml"
	umount "$RO"
else
	echo "skip: read-only bind mount (mount refused)"
fi

echo "# another user, who may read but not write"
if command -v setpriv > /dev/null; then
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# check also asks whether watch runs: watch.lock is made as readable
	# as the database (it was 0640 beside a 0644 database, and another
	# user's check said UNKNOWN).
	assert_eq "$(stat -c %a "$T/state/watch.lock")" \
	    "$(stat -c %a "$T/state/omniwatch.db")" "watch.lock has the database's mode"
	chmod 755 "$T" "$T/state" "$W" "$D"
	chmod 644 "$T/state/omniwatch.db" "$T/state/watch.lock" "$CFG" \
	    "$T/error.yaml"
	summary_ok "another user, watch stopped" "$CFG" $nobody
	# A lock file this user may not read (one an older watch made 0640):
	# whether it is locked is told from /proc/locks, as omniwatch(1) says
	# the state is read "once it has stopped, from the database file
	# alone".
	chmod 600 "$T/state/watch.lock"
	summary_ok "another user, watch stopped, watch.lock unreadable" "$CFG" \
	    $nobody
	rc=0
	$nobody "$OMNIWATCH" check -c "$CFG" --window 1h > "$T/check.out" \
	    2>&1 || rc=$?
	assert_eq "$rc" 2 "another user, watch.lock unreadable: check is CRITICAL"
	grep -q 'watch is not running' "$T/check.out" ||
	    fail "another user, watch.lock unreadable: $(cat "$T/check.out")"
	start_watch
	seq -f 'req=%g ERROR' 8 9 >> "$L"
	wait_count 9
	chmod 644 "$T/state"/omniwatch.db*
	$nobody "$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json" ||
	    fail "another user, watch running: summary"
	assert_eq "$(jget "$T/sum.json" '.pattern_sets.errors.failures')" 9 \
	    "another user, watch running: summary reads the WAL too"
	# Commits wait in the -wal, and the -shm may not be read: an error
	# naming it, not the database file's older count.
	chmod 600 "$T/state/omniwatch.db-shm"
	rc=0
	$nobody "$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json" \
	    2> "$T/err" || rc=$?
	assert_eq "$rc" 1 "another user, -shm unreadable: summary fails"
	grep -q 'commits wait in its -wal file' "$T/err" ||
	    fail "another user, -shm unreadable: $(cat "$T/err")"
	chmod 644 "$T/state/omniwatch.db-shm"
	stop_watch
	[ ! -e "$T/state/omniwatch.db-wal" ] || fail "watch left its -wal"
	# A writer that may be starting: it holds watch.lock and has made no
	# -wal yet.  No immutable read then, however clean the file looks.
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' "$T/state/watch.lock" "$T/locked" &
	holder=$!
	wait_for "watch.lock held" test -e "$T/locked"
	rc=0
	$nobody "$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json" \
	    2> "$T/err" || rc=$?
	# The same writer, seen through /proc/locks when the lock is unreadable.
	chmod 600 "$T/state/watch.lock"
	rc2=0
	$nobody "$OMNIWATCH" summary -c "$CFG" --json > "$T/sum.json" \
	    2> "$T/err2" || rc2=$?
	chmod 644 "$T/state/watch.lock"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	assert_eq "$rc" 1 "another user, a writer starting: summary fails"
	grep -q 'has not yet made its -wal' "$T/err" ||
	    fail "another user, a writer starting: $(cat "$T/err")"
	assert_eq "$rc2" 1 "another user, a writer starting, lock unreadable: summary fails"
	grep -q 'has not yet made its -wal' "$T/err2" ||
	    fail "another user, a writer starting, lock unreadable: $(cat "$T/err2")"
	WANT=9 summary_ok "another user, the writer gone" "$CFG" $nobody
else
	echo "skip: another user (no setpriv)"
fi
