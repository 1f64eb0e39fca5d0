#!/bin/sh
# omniwatch check is not OK while watch cannot see what it should count
# (tester9's report): an app's log that dump.pm2 places in a directory
# made after watch started, which the sandbox keeps watch from opening.
. "$top_srcdir/tests/setup.sh"
. "$top_srcdir/tests/watch-lib.sh"

run_check() {
	set +e
	"$OMNIWATCH" check -c "$CFG" "$@" > "$T/out" 2> "$T/err"
	echo $?
	set -e
}
out_has() {
	grep -q "$1" "$T/out" || fail "$2: $(cat "$T/out")"
	echo "ok: $2"
}

# Outside $T, the config's directory, which the sandbox allows.
X=$(mktemp -d "${TMPDIR:-/tmp}/omniwatch-else.XXXXXX")
trap 'cleanup_watch; rm -rf "$X"' EXIT
write_config
echo "req=1 OK-never-seen" > "$L"
start_watch
wait_count 1 successes "the first success counted"
assert_eq "$(run_check)" 0 "watch sees its one app: ok"

echo "# a new app logs into a directory made after watch started (pm2 save)"
grep -q 'landlock ABI' "$WLOG" || { echo "skip: no Landlock here"; exit 77; }
mkdir -p "$X/newdir"
echo "req=2 ERROR 500" > "$X/newdir/o.log"
printf '[{"name": "late", "pm_out_log_path": "%s/newdir/o.log"}]\n' \
    "$X" > "$W/dump.pm2"
wait_for "watch to try the new app's log" grep -q "newdir/o.log" "$WLOG"
sleep 7	# past the grace: commit_interval + sweep + 5 s
assert_eq "$(run_check)" 2 "a log of dump.pm2 watch cannot open: critical"
out_has "^OMNIWATCH CRITICAL - omniwatch watch does not follow $X/newdir/o.log (16 bytes) under its sources" "the file named"
stop_watch
