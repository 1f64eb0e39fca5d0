#!/bin/sh
# pm2_zone: a real PM2 7.0.4 whose daemon runs in another time zone than
# omniwatch (TZ=Asia/Tokyo, UTC+9 without summer time, against the tests'
# TZ=UTC).  With `--time`, PM2 stamps each line in its own local time and
# writes no zone, so omniwatch reads every stamp 9 hours ahead: a success
# would stay "the last success" for 9 hours.  watch must warn of it at
# start, and `check` be WARNING, naming the log, the offset and the fix;
# `check` run in PM2's zone (the fix) sees nothing wrong.
#
# Needs what pm2_scan.sh needs (pm2 from its cache or npm, node); exit 77
# (skip) when it cannot be had, or when node does not know Asia/Tokyo.

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
. "$top_srcdir/tests/pm2/pm2-lib.sh"

if [ "$(TZ=Asia/Tokyo node -e 'console.log(new Date().getTimezoneOffset())')" != -540 ]; then
	echo "SKIP: node here does not place Asia/Tokyo at UTC+9 (no time zone data)" >&2
	exit 77
fi

# in_tokyo CMD...: CMD with TZ=Asia/Tokyo, so that the PM2 daemon it
# starts, and the apps, run there; omniwatch keeps the tests' TZ=UTC.
in_tokyo() {
	TZ=Asia/Tokyo
	export TZ
	"$@"
	TZ=UTC
	export TZ
}

in_tokyo mode_begin zone
write_watch_config
in_tokyo start_fork api 4 1 --time
wait_logged 1
log=$PM2_HOME/logs/api-out.log
head -n 1 "$log" | grep -q '^[0-9-]*T[0-9:]*: ' ||
	fail "PM2 --time did not stamp api-out.log: $(head -n 1 "$log")"

ls "$PM2_HOME/logs" >"$dir/logs.list"
start_watch
said() {
	grep -qF "omniwatch: warning: $PM2_HOME/logs/api-" "$WLOG" &&
	grep -qF "PM2 stamps its lines 9h00 ahead of the time they are written" "$WLOG"
}
wait_for 10 said || { cat "$WLOG" >&2; fail "watch did not warn of PM2's zone"; }
echo "ok: watch warns that PM2 stamps 9h00 ahead"

rc=0
"$OMNIWATCH" check -c "$CFG" >"$dir/check.out" 2>&1 || rc=$?
assert_eq "$rc" 1 "check: WARNING"
grep -q "^OMNIWATCH WARNING - .*$PM2_HOME/logs/api-.*\.log (and [0-9]* more logs\{0,1\}): PM2 stamps its lines 9h00 ahead of the time they are written (its last stamp reads as .*Z here, its last write was at .*Z): they are written in another time zone than omniwatch reads them in, .* run omniwatch in that zone (TZ).*no success stamped before now (this window's successes are stamped ahead of this host's clock)" "$dir/check.out" ||
	{ cat "$dir/check.out" >&2; fail "check names the logs, the offset and the fix"; }
echo "ok: check is WARNING, naming the logs, the offset and the fix"

rc=0
TZ=Asia/Tokyo "$OMNIWATCH" check -c "$CFG" >"$dir/check-tokyo.out" 2>&1 || rc=$?
if grep -q "time zone" "$dir/check-tokyo.out"; then
	cat "$dir/check-tokyo.out" >&2
	fail "check in PM2's zone still says the zone is another"
fi
echo "ok: check in PM2's zone says nothing of zones (status $rc: $(cat "$dir/check-tokyo.out"))"
stop_watch
mode_end
