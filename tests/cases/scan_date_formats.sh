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
