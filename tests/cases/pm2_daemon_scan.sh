#!/bin/sh
# PM2's own log in `scan` (issue 12), from the real PM2 7.0.4 sample in
# tests/data/pm2-daemon: a PM2 home whose pm2.log was rotated by
# pm2-logrotate (pm2__DATE.log, and an older gzipped copy) counts exactly
# what the whole log counts, and rotated copies are read oldest first.
. "$top_srcdir/tests/setup.sh"

S=$top_srcdir/tests/data/pm2-daemon/pm2.log
H=$T/home
mkdir -p "$H/logs"
: > "$H/logs/desk-out-1.log"
# Three pieces: the crash loop, the rest of the first daemon, the second.
sed -n '1,60p' "$S" | gzip > "$H/pm2__2026-12-07_00-07-45.log.gz"
sed -n '61,144p' "$S" > "$H/pm2__2026-12-07_00-08-12.log"
sed -n '145,$p' "$S" > "$H/pm2.log"

"$OMNIWATCH" scan --json "$S" > "$T/whole.json"
"$OMNIWATCH" scan --json "$H" > "$T/home.json"
assert_eq "$(jq -c .pm2.apps "$T/home.json")" "$(jq -c .pm2.apps "$T/whole.json")" "rotated pieces count as the whole log"
assert_eq "$(jget "$T/home.json" '.pm2.logs | map(sub(".*/"; "")) | join(" ")')" \
	"pm2__2026-12-07_00-07-45.log.gz pm2__2026-12-07_00-08-12.log pm2.log" "oldest first"
assert_eq "$(jget "$T/whole.json" '.pm2.apps.crashy | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(" ")')" \
	"15 16 1 1" "crashy"
assert_eq "$(jget "$T/whole.json" '.pm2.apps.desk.instances["2"] | [.restarts, .unplanned_exits, .planned_stops, .errored] | join(" ")')" \
	"4 2 4 0" "desk pm_id 2"
assert_eq "$(jget "$T/home.json" '.errors | length')" 0 "no errors"
# A directory without pm2.log is read as a logs directory, as before.
"$OMNIWATCH" scan --json "$H/logs" > "$T/logs.json"
assert_eq "$(jget "$T/logs.json" 'has("pm2")')" false "no pm2 section without a daemon log"
# The HTML report has the PM2 section, the errored state marked.
mkdir "$T/cut"
head -n 84 "$S" > "$T/cut/pm2.log"
"$OMNIWATCH" scan --format html -o "$T/r.html" "$T/cut/pm2.log"
grep -q '<tr><td>crashy</td><td><span class="pill bad" title="since 2026-12-07T00:07:47Z">errored</span></td><td class="n">15</td><td class="n">16</td><td class="n">0</td><td class="n">1</td></tr>' "$T/r.html" ||
	fail "html: crashy errored"
grep -q '<tr class="instance"><td>&#8195;desk #2</td><td><span class="pill good"' "$T/r.html" ||
	fail "html: a row per instance"
