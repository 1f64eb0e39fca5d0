#!/bin/sh
# `pm2 logs | omniwatch scan -`: the records of several streams mixed in
# one input are counted as if each had been read alone.  `pm2 logs`
# interleaves the lines of apps and cluster instances that write at once,
# each behind its "<pm_id>|<app> | " prefix (samples/pm2/06), and shows a
# log_type json app's file as it is, a JSON object behind each prefix.
. "$top_srcdir/tests/setup.sh"

# counts FILE APP: "failures route_not_found other successes damaged" of
# APP in the JSON report FILE.
counts() {
	jq -r --arg a "$2" '.pattern_sets.omni.apps[$a] |
	    "\(.failures) \(.classes.route_not_found) \(.classes.other) \(.successes) \(.damaged)"' "$1"
}

# Two apps writing at once: web's lines between the lines of api's
# records cut nothing, and each record counts under its own app.
cat > "$T/apps.txt" <<'L'
0|api  | [Omni] Failed to create ticket: {
1|web  | plain line from web
0|api  |   status: false,
0|api  |   errors: { file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php' }
1|web  | [Omni] Ticket created successfully: {
0|api  | }
0|api  | [Omni] Ticket created successfully: {
1|web  |   ticketId: 7,
0|api  |   ticketId: 8,
1|web  |   ticket_number: 'W-7'
0|api  |   ticket_number: 'A-8'
1|web  | }
0|api  | }
L
"$OMNIWATCH" scan --json - < "$T/apps.txt" > "$T/apps.json"
assert_eq "$(counts "$T/apps.json" api)" "1 1 0 1 0" "interleaved apps: api"
assert_eq "$(counts "$T/apps.json" web)" "0 0 0 1 0" "interleaved apps: web"
assert_eq "$(jget "$T/apps.json" .pattern_sets.omni.damaged)" 0 \
    "interleaved apps: nothing damaged"

# Two instances of one cluster app, coloured as `pm2 logs` prints them
# with PM2_HOME set: one app, two streams.
E=$(printf '\033')
sed "s/^\([01]\)|/$E[31m\1|/; s/ | /  | $E[39m/" > "$T/inst.txt" <<'L'
0|api | [Omni] Failed to create ticket: {
1|api | [Omni] Failed to create ticket: {
0|api |   status: false,
1|api |   status: false,
1|api |   errors: { file: 'RoutesRequests.php' }
0|api |   errors: { file: 'RoutesRequests.php' }
0|api | }
1|api | }
1|api | [Omni] Ticket created successfully: {
0|api | [Omni] Failed to create ticket: Error: socket hang up
1|api |   ticketId: 9,
1|api |   ticket_number: 'A-9'
1|api | }
L
"$OMNIWATCH" scan --json - < "$T/inst.txt" > "$T/inst.json"
assert_eq "$(counts "$T/inst.json" api)" "3 2 1 1 0" "interleaved instances"

# A json app's line under `pm2 logs`: one message with two records counts
# both, as the same line does read from the file itself.
json='{"message":"[Omni] Failed to create ticket: {\n  status: false,\n  errors: { file: '"'"'RoutesRequests.php'"'"' }\n}\n[Omni] Ticket created successfully: {\n  ticketId: 1,\n  ticket_number: '"'"'X'"'"'\n}\n","timestamp":"2026-11-29T10:00:00.000Z","type":"err","process_id":0,"app_name":"api"}'
mkdir -p "$T/json"
printf '%s\n' "$json" > "$T/json/api-error.log"
printf '0|api | %s\n' "$json" > "$T/json.txt"
printf '%s0|api | %s[39m%s\n' "$E[31m" "$E" "$json" >> "$T/json.txt"
"$OMNIWATCH" scan --json "$T/json" > "$T/file.json"
"$OMNIWATCH" scan --json - < "$T/json.txt" > "$T/cli.json"
assert_eq "$(counts "$T/file.json" api)" "1 1 0 1 0" "json message, from the file"
assert_eq "$(counts "$T/cli.json" api)" "2 2 0 2 0" \
    "json message behind the prefix, twice"
assert_eq "$(jget "$T/cli.json" .pattern_sets.omni.first)" \
    2026-11-29T10:00:00Z "json message behind the prefix: its time"

# Thousands of distinct prefixes (hostile input): no crash, every complete
# record counted, memory that does not grow with their number.  Records
# go two streams at a time; apps past the 256 the decoder names are
# counted under stdin's name, "-".
hostile() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i += 2) {
			for (k = 0; k < 2; k++)
				printf "%d|app-%d | [Omni] Failed to create ticket: {\n", i + k, i + k
			for (k = 0; k < 2; k++) {
				printf "%d|app-%d |   status: false,\n", i + k, i + k
				printf "%d|app-%d |   errors: '\''RoutesRequests.php'\''\n", i + k, i + k
				printf "%d|app-%d | }\n", i + k, i + k
			}
		}
	}'
}
hostile 4000 > "$T/h.txt"
"$OMNIWATCH" scan --json - < "$T/h.txt" > "$T/h.json"
assert_eq "$(jget "$T/h.json" .pattern_sets.omni.failures)" 4000 "distinct prefixes: failures"
assert_eq "$(jget "$T/h.json" .pattern_sets.omni.classes.route_not_found)" 4000 \
    "distinct prefixes: each record whole"
assert_eq "$(counts "$T/h.json" app-17)" "1 1 0 0 0" "distinct prefixes: one app"
assert_eq "$(counts "$T/h.json" -)" "3744 3744 0 0 0" "distinct prefixes: past 256 apps"

# Heads alone, each of its own prefix, never closed: each counts once
# (emitted when its stream is let go), and none is lost.
awk 'BEGIN { for (i = 0; i < 20000; i++)
    printf "%d|x-%d | [Omni] Failed to create ticket: {\n", i, i }' > "$T/heads.txt"
"$OMNIWATCH" scan --json - < "$T/heads.txt" > "$T/heads.json"
assert_eq "$(jget "$T/heads.json" .pattern_sets.omni.classes.other)" 20000 \
    "open heads of distinct prefixes"

if /usr/bin/time -f %M true 2> /dev/null; then
	hostile 80000 > "$T/h2.txt"
	/usr/bin/time -f %M "$OMNIWATCH" scan --json - < "$T/h.txt" \
	    > /dev/null 2> "$T/rss1"
	/usr/bin/time -f %M "$OMNIWATCH" scan --json - < "$T/h2.txt" \
	    > "$T/h2.json" 2> "$T/rss2"
	assert_eq "$(jget "$T/h2.json" .pattern_sets.omni.classes.route_not_found)" \
	    80000 "80000 prefixes: each record whole"
	rss1=$(tail -n 1 "$T/rss1")
	rss2=$(tail -n 1 "$T/rss2")
	# 20 times the prefixes, and not 8 MiB more (KiB).
	[ "$rss2" -lt $((rss1 + 8192)) ] ||
	    fail "80000 prefixes: ${rss2} KiB against ${rss1} KiB for 4000"
	echo "ok: memory of 80000 prefixes ${rss2} KiB, of 4000 ${rss1} KiB"
else
	echo "skip: memory (no /usr/bin/time)"
fi

# `pm2 logs` with its options (tester10 items 2 and 3), as real PM2
# printed them (tests/data/pm2-logs-options/README.txt): the display
# time of --timestamp, whatever its format, coloured or not; the codes
# --highlight puts inside the text; --json's objects, whose messages lost
# their line ends, each record counted; --format's "app= id= type="
# fields.  Every one counts what the log files count, per app.
D="$top_srcdir/tests/data/pm2-logs-options"
for v in ts tsf tsnc hl json fmt; do
	"$OMNIWATCH" scan --json - < "$D/$v.txt" > "$T/opt-$v.json" \
	    2> "$T/opt-$v.err"
	assert_eq "$(jget "$T/opt-$v.json" .pattern_sets.omni.failures) $(jget "$T/opt-$v.json" .pattern_sets.omni.classes.route_not_found) $(jget "$T/opt-$v.json" .pattern_sets.omni.successes) $(jget "$T/opt-$v.json" .pattern_sets.omni.damaged)" \
	    "9 9 13 0" "pm2 logs ($v.txt): failures, 404s, successes, damaged"
	assert_eq "$(counts "$T/opt-$v.json" forky)" "2 2 0 3 0" \
	    "pm2 logs ($v.txt): app forky"
	assert_eq "$(counts "$T/opt-$v.json" clu)" "4 4 0 6 0" \
	    "pm2 logs ($v.txt): app clu"
	assert_eq "$(counts "$T/opt-$v.json" jsn)" "2 2 0 3 0" \
	    "pm2 logs ($v.txt): app jsn"
	assert_eq "$(counts "$T/opt-$v.json" stamped)" "1 1 0 1 0" \
	    "pm2 logs ($v.txt): app stamped"
	assert_eq "$(jq -r '.pattern_sets.omni.apps | has("-")' "$T/opt-$v.json")" \
	    false "pm2 logs ($v.txt): no line without its app"
done
# --json joins a message's lines: told apart where an object closes,
# with one warning that says so.
assert_eq "$(grep -c 'pm2 logs --json' "$T/opt-json.err")" 1 \
    "pm2 logs --json: one warning"
assert_eq "$(cat "$T/opt-ts.err")" "" "pm2 logs --timestamp: no warning"

# A line of text run into the next cannot be told apart: of the three
# successes, the last two ("... } done" and the next) count as one, and
# the warning says the count may be low.
printf '%s\n' '{"message":"[Omni] Failed to create ticket: {  status: false}[Omni] Ticket created successfully: { ticketId: 1, ticket_number: 2 }[Omni] Ticket created successfully: { ticketId: 2, ticket_number: 3 } done[Omni] Ticket created successfully: { ticketId: 3, ticket_number: 4 }","timestamp":"2026-12-08T00:00:00.000Z","type":"out","process_id":0,"app_name":"a"}' \
    > "$T/joined.txt"
"$OMNIWATCH" scan --json - < "$T/joined.txt" > "$T/joined.json" \
    2> "$T/joined.err"
assert_eq "$(counts "$T/joined.json" a)" "1 0 1 2 0" \
    "joined records: split where an object closes"
assert_eq "$(grep -c 'undercounted' "$T/joined.err")" 1 \
    "joined records: the warning"
