/*
 * test_pm2_skew: a log's last PM2 stamp held to the time of its last write
 * (pm2_skew.h): a time zone apart is a skew, whatever the layout PM2
 * writes; anything less, or not a whole number of zone steps, or no stamp
 * whose time can be read, is none.
 *
 * Stamps are read in the process's zone (TZ=UTC here, set by main), as
 * stamp.h reads them: "2026-12-07T10:00:00" is 10:00 UTC.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pm2_skew.h"
#include "stamp.h"

#define MIN_MS	(60 * 1000LL)
#define HOUR_MS	(60 * MIN_MS)

/* 2026-12-07T10:00:01Z, the last stamp of the logs below. */
static int64_t
ps_t0(void)
{
	int64_t ms;

	assert_true(stamp_parse("2026-12-07T10:00:01Z", 20, &ms) > 0);
	return ms;
}

/* Whether TEXT's last stamp is a zone away from WRITTEN_MS. */
static bool
ps_judge(const char *text, bool at_start, int64_t written_ms,
    struct pm2_skew *sk)
{
	memset(sk, 0, sizeof(*sk));
	return pm2_skew_judge(text, strlen(text), at_start, written_ms, sk) ==
	    PM2_SKEW_OFF;
}

/* The verdict itself. */
static enum pm2_skew_verdict
ps_verdict(const char *text, int64_t written_ms)
{
	struct pm2_skew sk;

	return pm2_skew_judge(text, strlen(text), true, written_ms, &sk);
}

/* `--time`: every line stamped, in the daemon's zone. */
static void
test_skew_time_layout(void **state)
{
	const char *log = "2026-12-07T10:00:00: [http] GET /\n"
	    "2026-12-07T10:00:01: [http] GET /health\n";
	int64_t t0 = ps_t0(), ms;
	struct pm2_skew sk;

	(void)state;
	/* Written when stamped: none. */
	assert_false(ps_judge(log, true, t0 + 900, &sk));
	assert_false(ps_judge(log, true, t0 + 5 * MIN_MS, &sk));
	/* PM2 in UTC-5 (New York in winter), read in UTC. */
	assert_true(ps_judge(log, true, t0 + 5 * HOUR_MS + 1500, &sk));
	assert_int_equal(sk.skew_ms, -5 * HOUR_MS);
	assert_int_equal(sk.stamp_ms, t0);
	assert_int_equal(sk.written_ms, t0 + 5 * HOUR_MS + 1500);
	/* PM2 in UTC+9 (Tokyo). */
	assert_true(ps_judge(log, true, t0 - 9 * HOUR_MS + 400, &sk));
	assert_int_equal(sk.skew_ms, 9 * HOUR_MS);
	/* Nepal (UTC+5:45) against India (UTC+5:30): 15 minutes. */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	assert_true(stamp_parse("2026-12-07T10:00:01", 19, &ms) > 0);
	assert_true(ps_judge(log, true, ms - 15 * MIN_MS + 200, &sk));
	assert_int_equal(sk.skew_ms, 15 * MIN_MS);
	setenv("TZ", "UTC", 1);
	tzset();
	/* Read in UTC, that is UTC+0:15, which no zone is: a gap. */
	assert_false(ps_judge(log, true, t0 - 15 * MIN_MS, &sk));
	assert_false(ps_judge(log, true, t0 + 3 * HOUR_MS + 15 * MIN_MS,
	    &sk));
	/* UTC-3:30 (Newfoundland) is one. */
	assert_true(ps_judge(log, true, t0 + 3 * HOUR_MS + 30 * MIN_MS,
	    &sk));
	/* UTC+5:45 against UTC, a second late. */
	assert_true(ps_judge(log, true, t0 - (5 * HOUR_MS + 45 * MIN_MS) +
	    1000, &sk));
	assert_int_equal(sk.skew_ms, 5 * HOUR_MS + 45 * MIN_MS);
	/* Not a whole number of zone steps: a file touched, not a zone. */
	assert_false(ps_judge(log, true, t0 + 3 * HOUR_MS + 7 * MIN_MS, &sk));
	assert_false(ps_judge(log, true, t0 - 40 * MIN_MS, &sk));
	/* Past every zone: not a zone either. */
	assert_false(ps_judge(log, true, t0 + 30 * HOUR_MS, &sk));
	/* A file touched 5 hours and 45 seconds after its last write: the
	 * write came later than PM2's queue holds a stamped chunk, so the
	 * gap is not a zone (a 2-minute slack took a touch in four, gapped
	 * by more than 13 minutes, for one). */
	assert_false(ps_judge(log, true, t0 + 5 * HOUR_MS + 45 * 1000, &sk));
	assert_false(ps_judge(log, true, t0 + 5 * HOUR_MS - 2000, &sk));
	assert_true(ps_judge(log, true, t0 + 5 * HOUR_MS + 20 * 1000, &sk));
}

/* A log_date_format without seconds reads up to a minute early. */
static void
test_skew_minutes_only(void **state)
{
	const char *log = "2026-12-07T10:00: [http] GET /\n";
	int64_t ms, t0;
	struct pm2_skew sk;

	(void)state;
	assert_true(stamp_parse("2026-12-07T10:00:00Z", 20, &t0) > 0);
	if (stamp_parse_pm2_prefix(log, strlen(log), &ms) == 0 ||
	    ms != t0) {
		print_message("skip: stamps without seconds are not read\n");
		return;
	}
	assert_true(ps_judge(log, true, t0 + 2 * HOUR_MS + 55 * 1000, &sk));
	assert_int_equal(sk.skew_ms, -2 * HOUR_MS);
	assert_false(ps_judge(log, true, t0 + 2 * HOUR_MS + 100 * 1000,
	    &sk));
}

/* Cluster mode: the stamp is on each write's first line only. */
static void
test_skew_cluster_layout(void **state)
{
	const char *log = "2026-12-07T09:59:00: [http] GET /\n"
	    "2026-12-07T10:00:01: [Omni] Failed to create ticket: {\n"
	    "  status: false,\n"
	    "  errors: 'RoutesRequests.php'\n"
	    "}\n";
	int64_t t0 = ps_t0();
	struct pm2_skew sk;

	(void)state;
	assert_false(ps_judge(log, true, t0 + 700, &sk));
	assert_true(ps_judge(log, true, t0 + 2 * HOUR_MS, &sk));
	assert_int_equal(sk.skew_ms, -2 * HOUR_MS);
	assert_int_equal(sk.stamp_ms, t0);
}

/* log_type json: Date.toISOString() carries its zone; a log_date_format
 * without "Z" does not. */
static void
test_skew_json_layout(void **state)
{
	const char *iso = "{\"message\":\"ok\\n\",\"timestamp\":"
	    "\"2026-12-07T10:00:01.000Z\",\"type\":\"out\",\"process_id\":0,"
	    "\"app_name\":\"api\"}\n";
	const char *local = "{\"message\":\"ok\\n\",\"timestamp\":"
	    "\"2026-12-07 10:00:01\",\"type\":\"out\",\"process_id\":0,"
	    "\"app_name\":\"api\"}\n";
	int64_t t0 = ps_t0();
	struct pm2_skew sk;

	(void)state;
	assert_false(ps_judge(iso, true, t0 + 300, &sk));
	assert_false(ps_judge(local, true, t0 + 300, &sk));
	assert_true(ps_judge(local, true, t0 - 3 * HOUR_MS, &sk));
	assert_int_equal(sk.skew_ms, 3 * HOUR_MS);
}

/* What tells nothing: no stamp, a stamp of another date order, an empty
 * log, a stamp only on a cut first line or a cut last line. */
static void
test_skew_nothing_tells(void **state)
{
	int64_t t0 = ps_t0(), far = t0 + 5 * HOUR_MS;
	struct pm2_skew sk;

	(void)state;
	assert_false(ps_judge("[http] GET /\nplain\n", true, far, &sk));
	assert_false(ps_judge("07/12/2026 10:00:01: [http] GET /\n", true,
	    far, &sk));
	assert_false(ps_judge("", true, far, &sk));
	/* The buffer starts inside a line: that line is not read. */
	assert_false(ps_judge("2026-12-07T10:00:01: cut\nplain\n", false,
	    far, &sk));
	assert_true(ps_judge("2026-12-07T10:00:01: cut\nplain\n", true, far,
	    &sk));
	/* A last line still being written is not read. */
	assert_false(ps_judge("plain\n2026-12-07T10:00:01: half", true, far,
	    &sk));
	/* What tells that the stamps agree, and what tells nothing. */
	assert_int_equal(ps_verdict("2026-12-07T10:00:01: a\n", t0 + 900),
	    PM2_SKEW_AGREES);
	assert_int_equal(ps_verdict("[http] GET /\n", t0), PM2_SKEW_UNTOLD);
	assert_int_equal(ps_verdict("2026-12-07T10:00:01: a\n", t0 +
	    3 * HOUR_MS + 7 * MIN_MS), PM2_SKEW_UNTOLD);
	assert_int_equal(ps_verdict("", t0), PM2_SKEW_UNTOLD);
	/* CRLF lines read as LF lines. */
	assert_true(ps_judge("2026-12-07T10:00:01: a\r\n", true, far, &sk));
	assert_int_equal(sk.skew_ms, -5 * HOUR_MS);
}

/* The hour a summer time ends repeats: a stamp of it that mktime(3)
 * read as the first one, written in the second, reads the same on the
 * local clock as when it was written, and is no skew. */
static void
test_skew_summer_time_ends(void **state)
{
	const char *log = "2026-11-01T01:30:00: [http] GET /\n";
	/* 01:30 EDT, 05:30Z; an hour later 01:30 EST. */
	int64_t first_ms = 1793511000000LL, stamp_ms;
	struct pm2_skew sk;

	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	/* Where the zone data is missing, there is nothing to test. */
	if (stamp_parse("2026-11-01T01:30:00", 19, &stamp_ms) > 0 &&
	    (stamp_ms == first_ms || stamp_ms == first_ms + HOUR_MS)) {
		assert_false(ps_judge(log, true, first_ms + 800, &sk));
		assert_false(ps_judge(log, true, first_ms + HOUR_MS + 800,
		    &sk));
		/* A real zone away still is one. */
		assert_true(ps_judge(log, true, first_ms + 5 * HOUR_MS, &sk));
	} else
		print_message("skip: no zone data for America/New_York\n");
	setenv("TZ", "UTC", 1);
	tzset();
}

/* What is said names the file, the offset, both times and the fix. */
static void
test_skew_describe(void **state)
{
	struct pm2_skew sk = { -5 * HOUR_MS - 30 * MIN_MS, 0, 0 };
	char *msg;

	(void)state;
	sk.stamp_ms = ps_t0();
	sk.written_ms = sk.stamp_ms + 5 * HOUR_MS + 30 * MIN_MS + 1000;
	msg = pm2_skew_describe("/h/logs/api-out.log", " (and 1 more log)",
	    &sk);
	assert_string_equal(msg, "/h/logs/api-out.log (and 1 more log): PM2 "
	    "stamps its lines 5h30 behind the time they are written (its last "
	    "stamp reads as 2026-12-07T10:00:01Z here, its last write was at "
	    "2026-12-07T15:30:02Z): they are written in another time zone than "
	    "omniwatch reads them in, and the records are placed that far off "
	    "in time (windows, alerts, check, reports); run omniwatch in that "
	    "zone (TZ), or have PM2 write the zone (log_date_format "
	    "'YYYY-MM-DD HH:mm:ss Z')");
	free(msg);
	/* PM2's own log places its events, and follows the daemon's
	 * format. */
	msg = pm2_skew_describe("/h/pm2.log", "", &sk);
	assert_non_null(strstr(msg, "/h/pm2.log: PM2 stamps its own events "
	    "(starts, exits) 5h30 behind"));
	assert_non_null(strstr(msg, "PM2's exits and restarts (crash loops) "
	    "are placed that far off"));
	assert_non_null(strstr(msg, "or start PM2 with PM2_LOG_DATE_FORMAT="));
	free(msg);
	sk.skew_ms = 9 * HOUR_MS;
	msg = pm2_skew_describe("x", "", &sk);
	assert_non_null(strstr(msg, "x: PM2 stamps its lines 9h00 ahead of "
	    "the time"));
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skew_time_layout),
		cmocka_unit_test(test_skew_minutes_only),
		cmocka_unit_test(test_skew_cluster_layout),
		cmocka_unit_test(test_skew_json_layout),
		cmocka_unit_test(test_skew_nothing_tells),
		cmocka_unit_test(test_skew_summer_time_ends),
		cmocka_unit_test(test_skew_describe),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
