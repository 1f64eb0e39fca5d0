#!/bin/sh
# pm2_scan: omniwatch scan against the files real PM2 7.0.4 writes.
#
# tests/pm2/app/ticket-forwarder.js forwards fake tickets to partner-stub.js
# on 127.0.0.1 and logs each outcome the way the seed service does; it also
# writes down what it logged (its truth).  We run it under PM2 in each logging
# mode that changes the bytes on disk -- fork, fork --time, cluster with two
# instances, log_type json -- and `omniwatch scan --json PM2_HOME/logs` must
# count exactly the truth, overall and per app, with nothing damaged.  Then a
# burst of records in fork mode with --time, where PM2 itself damages records
# at 64 KiB pipe-chunk edges (samples/pm2/08): there only
# failures + successes + damaged == logged must hold.
#
# pm2 is installed once from the npm registry into
# ${OMNIWATCH_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omniwatch-tests}/pm2-7.0.4
# and reused.  Every mode has its own PM2_HOME under $T; every daemon is
# killed on exit.  Nothing but that npm install touches the network: the app
# and the stub talk over 127.0.0.1, the PM2 CLI's first-run version check is
# suppressed by a PM2_HOME/touch file and the daemon's daily one by
# PM2_DISABLE_VERSION_CHECK.  Exit 77 (skip) when node or npm is missing.

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
# pm2 (cached), the PM2 environment, the stub, mode_begin/mode_end,
# start_fork, start_ecosystem, wait_logged, scan, check_exact and the
# cleanup.
. "$top_srcdir/tests/pm2/pm2-lib.sh"

# check_window: first and last lie within the run (modes whose logs carry
# timestamps; the daemon runs with TZ=UTC from tests/setup.sh).
check_window() {
	for _k in first last; do
		_v=$(jget "$dir/scan.json" ".pattern_sets.omni.$_k")
		[ "$_v" != null ] || fail "$mode: omni.$_k is null, but the logs carry timestamps"
		_e=$(date -u -d "$_v" +%s 2>/dev/null) || fail "$mode: omni.$_k '$_v' is not ISO 8601"
		if [ "$_e" -lt $((t_begin - 1)) ] || [ "$_e" -gt $((t_end + 1)) ]; then
			fail "$mode: omni.$_k $_v is outside the run ($(date -u -d "@$t_begin" +%FT%TZ) .. $(date -u -d "@$t_end" +%FT%TZ))"
		fi
		echo "ok: $mode: omni.$_k = $_v (within the run)"
	done
}

# ---- the modes -----------------------------------------------------------
# OMNIWATCH_PM2_MODES picks some (e.g. "burst"), for debugging.

modes=${OMNIWATCH_PM2_MODES:-fork fork-time cluster json burst}
want() {
	case " $modes " in *" $1 "*) return 0 ;; esac
	return 1
}

# 1. fork mode, default options: the app's bytes as written (samples/pm2/01).
if want fork; then
	mode_begin fork
	start_fork omni-app 40 1
	start_fork helpdesk-sync-2 25 501
	wait_logged 2
	scan
	check_exact
	mode_end
fi

# 2. fork mode with --time: every line prefixed, continuation lines too (02).
if want fork-time; then
	mode_begin fork-time
	start_fork omni-app 40 1 --time
	start_fork helpdesk-sync-2 25 501 --time
	wait_logged 2
	scan
	check_exact
	check_window
	mode_end
fi

# 3. cluster mode, two instances: files omni-app-out-<pm_id>.log, written by
# the workers themselves (05a); a fork app beside it.
if want cluster; then
	mode_begin cluster
	start_ecosystem \
		"$(ecosystem_app omni-app 30 1001 '{"exec_mode": "cluster", "instances": 2}')" \
		"$(ecosystem_app helpdesk-sync-2 25 501 '{}')"
	wait_logged 3
	scan
	check_exact
	mode_end
fi

# 4. log_type json: one JSON object per pipe chunk in fork mode (04), per
# console call in cluster mode (05d).
if want json; then
	mode_begin json
	start_ecosystem \
		"$(ecosystem_app omni-app 40 1 '{"log_type": "json"}')" \
		"$(ecosystem_app helpdesk-sync-2 20 2001 '{"log_type": "json", "exec_mode": "cluster", "instances": 2}')"
	wait_logged 3
	scan
	check_exact
	check_window
	mode_end
fi

# 5. a burst in fork mode with --time: records may be damaged (08), but each
# one logged must be counted exactly once, as failure, success or damaged.
if want burst; then
	mode_begin burst
	burst=1
	start_fork omni-app "${OMNIWATCH_PM2_BURST:-10000}" 1 --time
	wait_logged 1
	scan
	logged=$(jget "$dir/truth.json" '.failures + .successes')
	counted=$(jget "$dir/scan.json" '.pattern_sets.omni | .failures + .successes + .damaged')
	echo "$mode: $logged records logged ($(log_bytes) bytes); scan: $(jget "$dir/scan.json" '.pattern_sets.omni | "\(.failures) failures, \(.successes) successes, \(.damaged) damaged"')"
	assert_eq "$counted" "$logged" "$mode: omni failures + successes + damaged"
	mode_end
fi
