#!/bin/sh
# pm2_downtime: issue 11's incident, with a real PM2 7.0.4.  `omniwatch
# watch` follows a fork-mode app (api, pm_id 0) and a cluster app (desk,
# two instances: desk-out-1.log, desk-out-2.log, ...) and is stopped, as
# for a deploy.  While it is down: `pm2 delete desk` and `pm2 start` again;
# api keeps PM2's ids from starting over (PM2 7.0.4 resets them only when
# no process is left, God/ActionMethods.js deleteProcessId), so the new
# instances get new pm_ids and so new files (desk-out-3.log,
# desk-out-4.log) that the state has never heard of; a brand-new
# fork-mode app (fork-new) logs too;
# then both are rotated the way pm2-logrotate 3.0.0 does it
# (samples/pm2/07): the file copied to NAME__YYYY-MM-DD_HH-mm-ss.log, or
# gzipped to NAME__...log.gz with its compress option, then truncated.
# When watch starts again, what it has committed (summary) must equal
# exactly what `omniwatch scan` counts in every file, copies included, and
# that must equal what the apps logged (their truth).
#
# The rotation is played by the test rather than by pm2-logrotate itself:
# the module rotates on a timer and by size, so which files are rotated
# while watch is down could not be fixed; the copy and truncate are the
# module's own two steps, with its names.  pm2_watch.sh runs the real
# module under a running watch.
#
# Needs what pm2_scan.sh needs (pm2 from its cache or npm, node); exit 77
# (skip) when it cannot be had.

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
. "$top_srcdir/tests/pm2/pm2-lib.sh"

mode_begin downtime
logs=$PM2_HOME/logs
write_watch_config 'tail:' '  sweep: 1s' 'state:' '  commit_interval: 200ms'

# counts FILE: the omni counts of a scan or summary, overall and per app.
counts() {
	jq -S '.pattern_sets.omni | {failures, successes, damaged, classes,
	    apps: (.apps | map_values({failures, successes, damaged, classes}))}' "$1"
}

# summary_is_scan: watch has committed what scan counts.
summary_is_scan() {
	summary "$dir/summary.json"
	counts "$dir/summary.json" >"$dir/summary.counts"
	counts "$dir/scan.json" >"$dir/scan.counts"
	cmp -s "$dir/summary.counts" "$dir/scan.counts"
}

# caught_up WHAT: waits (bounded) until summary equals scan, then checks
# that it stays so (nothing counted twice a moment later).
caught_up() {
	scan
	check_exact
	wait_for "$WAIT_S" summary_is_scan || {
		diff "$dir/scan.counts" "$dir/summary.counts" >&2 || true
		tail -n 30 "$WLOG" >&2
		fail "$mode: $1: summary is not scan after $WAIT_S s"
	}
	sleep 1
	summary_is_scan || {
		diff "$dir/scan.counts" "$dir/summary.counts" >&2 || true
		fail "$mode: $1: summary moved away from scan"
	}
	echo "ok: $mode: $1: summary = scan = truth ($(jget "$dir/summary.json" '.pattern_sets.omni | "\(.failures) failures, \(.successes) successes"'))"
}

desk() {
	start_ecosystem "$(ecosystem_app desk 30 "$1" \
	    '{"exec_mode": "cluster", "instances": 2}')"
}

# rotate NAME [gz]: pm2-logrotate 3.0.0's rotation of logs/NAME.log.
rotate() {
	_copy=$logs/$1__$(date -u +%Y-%m-%d_%H-%M-%S).log
	if [ "${2:-}" = gz ]; then
		gzip -c "$logs/$1.log" >"$_copy.gz"
	else
		cp "$logs/$1.log" "$_copy"
	fi
	: >"$logs/$1.log"
}

start_watch
start_fork api 10 9001
desk 1
wait_logged 3
caught_up "api and desk followed live"

stop_watch
echo "# watch stopped: pm2 delete, pm2 start (new pm_ids), a new app, rotations"
pm2 delete desk
desk 1001
start_fork fork-new 20 5001
wait_logged 6
for f in desk-out-3 desk-error-3 desk-out-4 desk-error-4; do
	[ -s "$logs/$f.log" ] ||
		fail "$mode: $f.log was not written: the new instances have other pm_ids than expected ($(ls "$logs" | tr '\n' ' '))"
done
rotate desk-out-3
rotate desk-error-3
rotate desk-error-4
rotate fork-new-out gz
rotate fork-new-error gz
echo "ok: $mode: while watch was down: $(ls "$logs" | tr '\n' ' ')"

start_watch
caught_up "after the downtime"
stop_watch
mode_end
