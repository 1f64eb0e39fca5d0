# Writes a day of PM2 --time logs for one app with known counts per hour:
#   awk -v OUT=app-out.log -v ERR=app-error.log [-v DAY=2026-11-29]
#       [-v SEED=0] -f tests/gen-hours.awk
# Hour H has 20 + (H*7+SEED)%13 successes; Lumen 404s (route_not_found)
# from 13:00 to 17:00 (30, 26, 22, 18, 14) and 2 in every fifth hour; one
# "other" failure every third hour; 2 damaged successes at 15:00.  The
# 404s carry an API token, a Bearer token and HTML, for the redaction and
# escaping tests.  Totals for SEED 0: 126 failures (118 route_not_found, 8
# other), 618 successes, 2 damaged.
BEGIN {
	if (DAY == "")
		DAY = "2026-11-29"
	for (h = 0; h < 24; h++) {
		s = 20 + (h * 7 + SEED) % 13
		f404 = (h >= 13 && h <= 17) ? 30 - (h - 13) * 4 : (h % 5 == 0 ? 2 : 0)
		fo = (h % 3 == 0) ? 1 : 0
		dmg = (h == 15) ? 2 : 0
		for (i = 0; i < s; i++) {
			ts = sprintf("%sT%02d:%02d:%02d", DAY, h, (i * 3) % 60, i % 60)
			printf "%s: [Omni] Ticket created successfully: { ticketId: %d, ticket_number: 'TCK-%d' }\n", ts, h * 100 + i, h * 100 + i > OUT
		}
		for (i = 0; i < f404; i++) {
			ts = sprintf("%sT%02d:%02d:%02d", DAY, h, (i * 7) % 60, (i * 11) % 60)
			printf "%s: [Omni] Failed to create ticket: {\n", ts > ERR
			printf "%s:   status: false,\n", ts > ERR
			printf "%s:   message: '',\n", ts > ERR
			printf "%s:   request: { url: 'https://omni.example/api/v2/tickets?api_token=tok-%d', headers: { Authorization: 'Bearer eyJhbGciOi.secret%d' } },\n", ts, i, i > ERR
			printf "%s:   errors: {\n", ts > ERR
			printf "%s:     file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n", ts > ERR
			printf "%s:     line: 229, note: '<script>alert(1)</script> & \"quotes\"'\n", ts > ERR
			printf "%s:   }\n", ts > ERR
			printf "%s: }\n", ts > ERR
		}
		for (i = 0; i < fo; i++) {
			ts = sprintf("%sT%02d:30:00", DAY, h)
			printf "%s: [Omni] Failed to create ticket: { status: false, message: 'validation failed', errors: { subject: [ 'required' ] } }\n", ts > ERR
		}
		for (i = 0; i < dmg; i++) {
			ts = sprintf("%sT%02d:40:00", DAY, h)
			printf "%s: [Omni] Ticket created successfully: { ticketId: 77 }\n", ts > OUT
		}
	}
}
