#!/bin/sh
# pm2_watch: `omniwatch watch` following a real PM2 7.0.4 while a real
# pm2-logrotate 3.0.0 rotates its logs under it, with one SIGKILL of watch
# in the middle.
#
# PM2 runs tests/pm2/app/ticket-forwarder.js (as pm2_scan.sh does, against
# the stub on 127.0.0.1) for about 25 s: omni-app in fork mode with --time,
# helpdesk-sync-2 in cluster mode with two instances.  pm2-logrotate 3.0.0,
# installed into that PM2_HOME by `pm2 install`, rotates every file over
# 10 KiB once a second (samples/pm2/07): it copies NAME.log to
# NAME__DATE.log, then truncates NAME.log.  It rotates only the first
# instance of a cluster app, so helpdesk-sync-2's second instance keeps
# growing.  `omniwatch watch` follows PM2_HOME from before the first app
# starts; after two rotations of omni-app's out file it is killed with
# SIGKILL, and started again after two more rotations of each of
# omni-app's files.
#
# What the right count is.  The app numbers its records (OMNI_SEQ=1: each
# [Omni] record ends in "seq: N", N its ticket number) and lists them in its
# truth file.  pm2-logrotate loses what PM2 writes between the end of its
# copy and its truncate (samples/pm2/07, seq-gap-analysis.txt): a record
# whose number is in neither a copy nor a live file is lost by pm2-logrotate.
# Every other record must be counted exactly once.  A lost record may have
# been counted or not: watch counts it if it read it from the live file
# before the truncate, which it usually does, being woken by inotify within
# a millisecond.  To tell which, watch also counts with a second pattern
# set, "probe", generated below: one failure class per record number
# (class sN: 'seq: N\b').  Both sets see the same records, so the probe
# says record by record what watch counted.  The test asserts:
#   - probe: each record still in the files counted exactly once; each lost
#     one at most once; nothing else;
#   - omni: failures, successes, route_not_found, other and damaged, overall
#     and per app, equal exactly the sum over the records counted (all
#     records kept, plus the lost ones the probe saw), so that
#     logged - lost <= counted <= logged.
#
# Needs what pm2_scan.sh needs (pm2 from its cache, node, npm) and
# pm2-logrotate@3.0.0, which `pm2 install` takes from the npm cache or the
# npm registry.  Exit 77 (skip) when node or npm is missing.
# OMNIWATCH_TEST_KEEP=DIR keeps the logs, truths, watch log and summaries;
# OMNIWATCH_PM2_WATCH_TICKETS sets omni-app's tickets [1800];
# OMNIWATCH_PM2_WATCH_DOWN=N keeps watch down for N rotations [2]; 0
# restarts it at once.

. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/setup.sh"
. "$top_srcdir/tests/pm2/pm2-lib.sh"

LOGROTATE_VERSION=3.0.0
# omni-app: OMNI_N tickets, 10 ms apart (the app's default); each
# helpdesk-sync-2 instance: half as many, 20 ms apart.  About 25 s of
# logging, 15-25 KiB/s per process: a rotation of each file every second or
# two.
OMNI_N=${OMNIWATCH_PM2_WATCH_TICKETS:-1800}
HELP_N=$((OMNI_N / 2))
OMNI_FIRST=1
HELP_FIRST=100001

mode_begin watch
logs=$PM2_HOME/logs
CFG=$dir/watch.yaml
WLOG=$dir/watch.log

# ---- pm2-logrotate 3.0.0, set up as in samples/pm2/07 --------------------

# The settings go in before the install, so the module starts with them.
# retain: keep every copy, since a deleted copy would look like lost lines.
pm2 set pm2-logrotate:max_size 10K
pm2 set pm2-logrotate:workerInterval 1
pm2 set pm2-logrotate:retain 100000
# `pm2 install` runs `npm install pm2-logrotate@3.0.0 --prefix
# PM2_HOME/modules/pm2-logrotate`; prefer-offline lets npm take it from its
# cache without asking the registry when it has it.
t0=$(date +%s)
npm_config_prefer_offline=true npm_config_update_notifier=false
npm_config_fund=false npm_config_audit=false
export npm_config_prefer_offline npm_config_update_notifier npm_config_fund \
	npm_config_audit
pm2 install "pm2-logrotate@$LOGROTATE_VERSION"
unset npm_config_prefer_offline npm_config_update_notifier npm_config_fund \
	npm_config_audit
v=$(jq -r .version "$PM2_HOME/modules/pm2-logrotate/node_modules/pm2-logrotate/package.json")
assert_eq "$v" "$LOGROTATE_VERSION" "pm2-logrotate version (installed in $(($(date +%s) - t0)) s)"
assert_eq "$(jget "$PM2_HOME/module_conf.json" '."pm2-logrotate".max_size')" 10K \
	"pm2-logrotate:max_size"

# ---- the probe set: one failure class per record number ------------------

# seqs: every record number the apps will log (omni-app: one process;
# helpdesk-sync-2: two instances, each OMNI_TICKETS numbers from its own).
seqs() {
	seq "$OMNI_FIRST" $((OMNI_FIRST + OMNI_N - 1))
	seq "$HELP_FIRST" $((HELP_FIRST + 2 * HELP_N - 1))
}
{
	echo 'name: probe'
	echo 'success:'
	echo "  - 'never-seen-in-these-logs'"
	echo 'failure:'
	seqs | awk '{ printf "  - class: s%d\n    regex: '"'"'seq: %d\\b'"'"'\n", $1, $1 }'
} >"$dir/probe.yaml"

cat >"$CFG" <<EOF
sources:
  - pm2_home: $PM2_HOME
pattern_sets: [omni, $dir/probe.yaml]
state_dir: $dir/state
state:
  commit_interval: 200ms
EOF

# copies NAME: how many copies pm2-logrotate has made of logs/NAME.log.
copies() {
	find "$logs" -name "$1__*.log" | wc -l
}
copies_at_least() {
	[ "$(copies "$1")" -ge "$2" ]
}

start_watch

# ---- the apps ----------------------------------------------------------------

export OMNI_SEQ=1
start_fork omni-app "$OMNI_N" "$OMNI_FIRST" --time
start_ecosystem "$(ecosystem_app helpdesk-sync-2 "$HELP_N" "$HELP_FIRST" \
	'{"exec_mode": "cluster", "instances": 2, "env": {"OMNI_SEQ": "1", "OMNI_DELAY_MS": "20"}}')"
unset OMNI_SEQ
echo "ok: apps started: omni-app ($OMNI_N tickets), helpdesk-sync-2 (2 x $HELP_N)"

# ---- SIGKILL in the middle -------------------------------------------------

wait_for "$WAIT_S" copies_at_least omni-app-out 2 ||
	fail "pm2-logrotate did not rotate omni-app-out.log twice in $WAIT_S s"
kill -KILL "$wpid"
wait "$wpid" 2>/dev/null || true
out0=$(copies omni-app-out) err0=$(copies omni-app-error)
echo "ok: watch killed with SIGKILL after $out0 rotations of omni-app-out.log"
# Stay down until each of omni-app's files has been rotated twice more, so
# that watch finds them truncated when it starts, with two copies it has
# not finished (or not begun) to read.
down=${OMNIWATCH_PM2_WATCH_DOWN:-2}
wait_for 20 copies_at_least omni-app-out $((out0 + down)) ||
	fail "omni-app-out.log was not rotated $down times while watch was down"
wait_for 20 copies_at_least omni-app-error $((err0 + down)) ||
	fail "omni-app-error.log was not rotated $down times while watch was down"
restart_line=$(($(wc -l <"$WLOG") + 1))
echo "ok: while watch was down: $(($(copies omni-app-out) - out0)) rotation(s) of omni-app-out.log, $(($(copies omni-app-error) - err0)) of omni-app-error.log"
start_watch

# ---- the end: everything logged, watch caught up ----------------------------

wait_logged 3
nrot=$(find "$logs" -name '*__*.log' | wc -l)
echo "ok: apps done; pm2-logrotate made $nrot copies: $(cd "$logs" && ls | sed -n 's/__.*//p' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')"

# The records: truth (what the apps logged) and what the files still hold.
find "$dir/truth" -name '*.json' -exec cat {} + |
	jq -s '[.[] | .app as $app | .records[] |
		{seq: .[0], outcome: .[1], class: (.[2] // null), app: $app}]' >"$dir/records.json"
# in-files.json: {"N": "FILE"} for each "seq: N" in a copy or a live file.
(cd "$logs" && grep -aoH 'seq: [0-9]*' ./*.log) |
	sed 's|^\./\(.*\):seq: \([0-9]*\)$|\2 \1|' |
	jq -Rn '[inputs | split(" ") | {key: .[0], value: .[1]}]' >"$dir/in-files-list.json"
logged=$(jget "$dir/records.json" length)
assert_eq "$logged" $((OMNI_N + 2 * HELP_N)) "records logged (truth)"
assert_eq "$(jget "$dir/in-files-list.json" 'group_by(.key) | map(select(length > 1)) | length')" 0 \
	"records found twice in the files"
jq from_entries "$dir/in-files-list.json" >"$dir/in-files.json"

# kept: records whose number is in a copy or a live file; lost: the others.
jq --slurpfile f "$dir/in-files.json" '
	map(. + {file: $f[0][.seq | tostring]} | . + {kept: (.file != null)})' \
	"$dir/records.json" >"$dir/records-kept.json"
nlost=$(jget "$dir/records-kept.json" '[.[] | select(.kept | not)] | length')
# Lost records as runs of numbers: "omni-app#1..63 #192".  A long run is
# a whole copy lost, as when a second rotation within the same second
# overwrites it (copies are named to the second; samples/pm2/07).
echo "ok: pm2-logrotate lost $nlost of $logged records: $(jget "$dir/records-kept.json" '
	[.[] | select(.kept | not)] | group_by(.app) | map(.[0].app as $app
	| (map(.seq) | sort | reduce .[] as $n ([];
		if length > 0 and .[-1][1] == $n - 1 then .[-1][1] = $n
		else . + [[$n, $n]] end))
	| map(if .[0] == .[1] then "#\(.[0])" else "#\(.[0])..\(.[1])" end)
	| "\($app)\(join(" "))") | join(", ")')"

# Wait until watch has counted every kept record (the probe's count), or
# its count has not moved for 3 s; then stop it with SIGTERM, which commits
# what it read last.
nkept=$((logged - nlost))
probe_last=-1
probe_since=0
probe_caught_up() {
	summary "$dir/summary-now.json"
	_n=$(jget "$dir/summary-now.json" '.pattern_sets.probe.failures')
	[ "$_n" -ge "$nkept" ] && return 0
	if [ "$_n" != "$probe_last" ]; then
		probe_last=$_n
		probe_since=$(date +%s)
	fi
	[ $(($(date +%s) - probe_since)) -ge 3 ]
}
wait_for 20 probe_caught_up || true
sleep 1		# a late double count would show now
kill -TERM "$wpid"
rc=0
wait "$wpid" || rc=$?
assert_eq "$rc" 0 "watch exit status after SIGTERM"
summary "$dir/summary.json"

echo "watch, on its restart after SIGKILL, said:"
sed -n "$restart_line,\$p" "$WLOG" | sed '/: watching /q' |
	grep -e 'truncated' -e 'from its copy' -e 'while we were stopped' |
	sed "s|$logs/||g; s/^/  /"

# ---- probe: record by record -----------------------------------------------

jq --slurpfile s "$dir/summary.json" '
	$s[0].pattern_sets.probe as $p
	| map(. + {counted: ($p.classes["s\(.seq)"] // 0)})' \
	"$dir/records-kept.json" >"$dir/records-counted.json"
# bad: the records counted wrongly, grouped by file and count.
bad=$(jget "$dir/records-counted.json" '
	[.[] | select((.kept and .counted != 1) or .counted > 1)]
	| group_by([.file, .counted])
	| map("\(length) record(s) \(if .[0].kept then "in \(.[0].file)" else "lost by pm2-logrotate" end) counted \(.[0].counted) times (\(.[0].app)#\(.[0].seq)\(if length > 1 then "..#\(.[-1].seq)" else "" end))")
	| join("; ")')
[ -z "$bad" ] || fail "probe: $bad"
nseen=$(jget "$dir/records-counted.json" '[.[] | select((.kept | not) and .counted == 1)] | length')
assert_eq "$(jget "$dir/summary.json" '.pattern_sets.probe | .failures + .successes + .damaged')" \
	$((nkept + nseen)) "probe: records counted"
echo "ok: probe: each of the $nkept records in the files counted once; $nseen of the $nlost lost ones counted (read before the truncate)"

# ---- omni: exactly the records watch counted --------------------------------

jq 'map(select(.counted == 1))
	| def counts: {failures: map(select(.outcome == "failure")) | length,
		successes: map(select(.outcome == "success")) | length,
		route_not_found: map(select(.class == "route_not_found")) | length,
		other: map(select(.class == "other")) | length};
	counts + {apps: (group_by(.app) | map({key: .[0].app, value: counts}) | from_entries)}' \
	"$dir/records-counted.json" >"$dir/expected.json"

# check_counts WHAT SUMMARYFILTER EXPECTEDFILTER
check_counts() {
	for _k in failures successes; do
		assert_eq "$(jget "$dir/summary.json" "$2.$_k")" \
			"$(jget "$dir/expected.json" "$3.$_k")" "$1.$_k"
	done
	for _k in route_not_found other; do
		assert_eq "$(jget "$dir/summary.json" "$2.classes.$_k")" \
			"$(jget "$dir/expected.json" "$3.$_k")" "$1.classes.$_k"
	done
	assert_eq "$(jget "$dir/summary.json" "$2.damaged")" 0 "$1.damaged"
}
check_counts "omni" '.pattern_sets.omni' ''
assert_eq "$(jget "$dir/summary.json" '[.pattern_sets.omni.apps | to_entries[] |
	select(.value.failures + .value.successes + .value.damaged > 0) | .key] | sort | join(",")')" \
	"$(jget "$dir/expected.json" '.apps | keys | join(",")')" "omni: apps"
for app in $(jget "$dir/expected.json" '.apps | keys[]'); do
	check_counts "omni.apps[$app]" ".pattern_sets.omni.apps[\"$app\"]" ".apps[\"$app\"]"
done
echo "ok: omni: $(jget "$dir/summary.json" '.pattern_sets.omni | "\(.failures) failures, \(.successes) successes"') = $logged logged - $nlost lost by pm2-logrotate + $nseen of those read before the truncate"
mode_end
