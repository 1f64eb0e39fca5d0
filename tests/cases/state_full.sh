#!/bin/sh
# Issue #18: a commit that fails because the disk is full loses nothing.
# The state lives on a small tmpfs; it is filled while watch counts, then
# space comes back while watch keeps running, and every failure must be
# counted exactly once: the records of the failed commits and the file
# offsets past them go in with the next commit that succeeds.  The failure
# is said once, not once per retry.  Needs root (mount); skips otherwise.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

mount_tmpfs size=8m

write_config
sed -i "s|^state_dir: .*|state_dir: $MNT/state|" "$CFG"
cat >> "$CFG" <<Y
metrics:
  listen: 127.0.0.1:0
Y
start_watch
port=$(sed -n 's|^omniwatch: metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$WLOG" | tail -n 1)
[ -n "$port" ] || fail "the metrics address is logged"
commit_failures() {
	curl -fsS "http://127.0.0.1:$port/metrics" |
	    sed -n 's/^omniwatch_commit_failures_total \(.*\)$/\1/p'
}
assert_eq "$(commit_failures)" 0 "no commit failed yet"
seq -f 'req=%g ERROR' 1 50 >> "$L"
wait_count 50

echo "# the disk fills up"
dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null || true
seq -f 'req=%g ERROR' 51 1000 >> "$L"
wait_for "the failed commit" grep -q 'cannot .*full' "$WLOG"
# Several commit intervals (200ms) go by, each a retry.
sleep 2
seq -f 'req=%g ERROR' 1001 1100 >> "$L"
sleep 1
assert_eq "$(grep -c 'cannot .*full' "$WLOG")" 1 "the failure is said once"
assert_eq "$(counted)" 50 "nothing half-committed while full"
# Prometheus sees it (OmniwatchCommitFailing), where the bytes all
# counted in memory leave omniwatch_uncounted_bytes at 0.
n=$(commit_failures)
[ "$n" -ge 2 ] || fail "omniwatch_commit_failures_total while full: '$n'"
echo "ok: omniwatch_commit_failures_total = $n while full"

echo "# space comes back while watch runs"
rm -f "$MNT/filler"
wait_count 1100 failures "every failure counted once, none lost"
grep -q 'committed again' "$WLOG" || fail "the recovery is said"
seq -f 'req=%g ERROR' 1101 1103 >> "$L"
wait_count 1103 failures "counting goes on"
stop_watch

echo "# and after a restart nothing is read twice"
start_watch
sleep 1
assert_eq "$(counted)" 1103 "restart: offsets were committed with the counts"
stop_watch
