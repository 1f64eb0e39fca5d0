#!/bin/sh
# PM2 writes `dayjs().format(log_date_format) + ': '` before each line
# (PM2 7.0.4, lib/God/ForkMode.js).  A format other than the ISO ones
# (DD/MM/YYYY, MM-DD-YYYY hh:mm:ss A, DD.MM.YYYY, YYYY/MM/DD) is still
# PM2's prefix: the records are assembled as with any stamp and the Lumen
# 404 is route_not_found, not one record per line classed "other".  Their
# time cannot be read (day and month do not tell apart), so the records
# are undated.
. "$top_srcdir/tests/setup.sh"

# failure STAMP: one multi-line [Omni] failure, every line stamped.
failure() {
	for l in '[Omni] Failed to create ticket: {' '  status: false,' \
	    "  message: ''," '  errors: {' \
	    "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php'," \
	    "    message: ''," '    line: 229' '  }' '}'; do
		printf '%s: %s\n' "$1" "$l"
	done
}
success() {
	printf "%s: [Omni] Ticket created successfully: { ticketId: 7, ticket_number: 'T-7' }\n" "$1"
}

mkdir "$T/logs"
n=0
for stamp in '07/12/2026 21:16:25' '12-07-2026 09:16:25 PM' \
    '07.12.2026 21:16:25' '2026/12/07 21:16:25' '7/12/2026 9:16:25 am' \
    '07/12/2026 21:16:25.583 +01:00' '12-07-2026 21:16:25 +0100'; do
	n=$((n + 1))
	{
		failure "$stamp"
		success "$stamp"
		failure "$stamp"
	} > "$T/logs/app$n-error.log"
done

"$OMNIWATCH" scan --json "$T/logs" > "$T/out.json"
assert_eq "$(jget "$T/out.json" '.pattern_sets.omni.failures')" $((2 * n)) \
    "failures under every date format"
assert_eq "$(jget "$T/out.json" '.pattern_sets.omni.classes.route_not_found')" \
    $((2 * n)) "each a Lumen 404 (route_not_found)"
assert_eq "$(jget "$T/out.json" '.pattern_sets.omni.successes')" "$n" \
    "successes under every date format"

# A large file goes through the fast path too: the same counts.
i=0
while [ $i -lt 2000 ]; do
	i=$((i + 1))
	failure '07/12/2026 21:16:25'
	success '07/12/2026 21:16:25'
done > "$T/big-error.log"
"$OMNIWATCH" scan --json "$T/big-error.log" > "$T/big.json"
assert_eq "$(jget "$T/big.json" '.pattern_sets.omni.classes.route_not_found')" \
    2000 "a large file's Lumen 404s"
assert_eq "$(jget "$T/big.json" '.pattern_sets.omni.successes')" 2000 \
    "a large file's successes"

# Text that only begins with digits is no stamp: kept in the record.
printf '%s\n' '12/07 is not a date: [Omni] Failed to create ticket: {' \
    '  status: false,' '  errors: {' \
    "    file: 'RoutesRequests.php'" '  }' '}' > "$T/plain-error.log"
"$OMNIWATCH" scan --json "$T/plain-error.log" > "$T/plain.json"
assert_eq "$(jget "$T/plain.json" '.pattern_sets.omni.failures')" 1 \
    "an unstamped record is read as before"

# Stamps without a date, or with the month's name (PM2's real files, one
# app per log_date_format: tests/data/pm2-date-formats/README.txt):
# each app 2 Lumen 404s and 2 successes, as with an ISO stamp.
D="$top_srcdir/tests/data/pm2-date-formats"
"$OMNIWATCH" scan --json "$D" > "$T/named.json"
assert_eq "$(jget "$T/named.json" '.pattern_sets.omni.classes.route_not_found')" \
    18 "real PM2 logs: every Lumen 404"
assert_eq "$(jget "$T/named.json" '.pattern_sets.omni.successes')" 18 \
    "real PM2 logs: every success"
assert_eq "$(jget "$T/named.json" '.pattern_sets.omni.damaged')" 0 \
    "real PM2 logs: nothing damaged"
for app in hms hmsms syslog datestr ampm long dmy dash clhms; do
	assert_eq "$(jget "$T/named.json" ".pattern_sets.omni.apps.\"$app\".failures")" \
	    2 "app $app: its failures"
	assert_eq "$(jget "$T/named.json" ".pattern_sets.omni.apps.\"$app\".successes")" \
	    2 "app $app: its successes"
done
# Such a stamp has no time to read (no date, or no year): undated.
assert_eq "$(jget "$T/named.json" '.pattern_sets.omni.apps.hms.first')" null \
    "a time alone dates no record"

# The fast path (a large file) reads them the same way.
for stamp in '21:16:25' '21:16:25.583' 'Dec 07 21:16:25' \
    'Mon Dec 07 2026 21:16:25' '09:16:25 PM'; do
	i=0
	while [ $i -lt 1000 ]; do
		i=$((i + 1))
		failure "$stamp"
		success "$stamp"
	done > "$T/big2-error.log"
	"$OMNIWATCH" scan --json "$T/big2-error.log" > "$T/big2.json"
	assert_eq "$(jget "$T/big2.json" '.pattern_sets.omni.classes.route_not_found')" \
	    1000 "a large file stamped '$stamp': its Lumen 404s"
	assert_eq "$(jget "$T/big2.json" '.pattern_sets.omni.successes')" 1000 \
	    "a large file stamped '$stamp': its successes"
done

# Text that begins with a time without seconds, or a month's name, is
# not a stamp: each such line starts its own record, as before.
printf '%s\n' '10:30: [Omni] Failed to create ticket: {' '  status: false,' \
    '}' 'March 2026: [Omni] Failed to create ticket: {' '  status: false,' \
    '}' 'Monday: [Omni] Failed to create ticket: x' \
    '21:16:25:[Omni] Failed to create ticket: y' > "$T/text-error.log"
"$OMNIWATCH" scan --json "$T/text-error.log" > "$T/text.json"
assert_eq "$(jget "$T/text.json" '.pattern_sets.omni.failures')" 4 \
    "lines that begin with a time or a name are text"
assert_eq "$(jget "$T/text.json" '.pattern_sets.omni.apps.text.first')" null \
    "and carry no time"
