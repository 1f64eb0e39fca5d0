/*
 * test_pm2: PM2 file names, the line decoder (pm2.h) and the timestamps
 * it strips (stamp.h).
 *
 * The names and lines are taken byte for byte from the PM2 7.0.4 samples
 * (../shared/samples/pm2: 02, 03, 04, 05c, 06, 07, 07b, 09).  Times are
 * checked with TZ=UTC, the samples' machine zone, and with a zone east of
 * UTC given as a POSIX TZ string (no tzdata needed).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pm2.h"
#include "stamp.h"

/* Epoch seconds of the samples' stamps (date -u -d ... +%s). */
#define T_20_31_22	1795984282LL	/* 2026-11-29T20:31:22Z */
#define T_20_31_40	1795984300LL
#define T_20_31_43	1795984303LL
#define T_20_31_44	1795984304LL
#define T_20_30_50	1795984250LL
#define T_20_32_47	1795984367LL
#define T_DAY		1795910400LL	/* 2026-11-29T00:00:00Z */
#define T_10_00		1795946400LL	/* 2026-11-29T10:00:00Z */

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int
pt_setup(void **state)
{
	(void)state;
	set_tz("UTC");
	return 0;
}

/* ------------------------------------------------------------------ */
/* stamp */

static void
test_stamp_pm2_formats(void **state)
{
	int64_t ms = 0;
	const char *s;

	(void)state;
	set_tz("UTC");
	/* --time (02): local time, no zone. */
	s = "2026-11-29T20:31:22: [Omni] Failed to create ticket: {";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), 19);
	assert_int_equal(ms, T_20_31_22 * 1000);
	ms = 0;
	assert_int_equal(stamp_parse_pm2_prefix(s, strlen(s), &ms), 21);
	assert_int_equal(ms, T_20_31_22 * 1000);

	/* log_date_format 'YYYY-MM-DD HH:mm:ss Z' (03, 05c). */
	s = "2026-11-29 20:31:40 +00:00:   status: false,";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), 26);
	assert_int_equal(ms, T_20_31_40 * 1000);
	assert_int_equal(stamp_parse_pm2_prefix(s, strlen(s), &ms), 28);
	assert_int_equal(ms, T_20_31_40 * 1000);

	/* log_type json without a format: toISOString() (04). */
	s = "2026-11-29T20:31:43.983Z";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), 24);
	assert_int_equal(ms, T_20_31_43 * 1000 + 983);
	/* Not followed by ": ": not a line prefix. */
	assert_int_equal(stamp_parse_pm2_prefix(s, strlen(s), &ms), 0);

	/* A prefix with the colon but no space after it. */
	s = "2026-11-29T20:31:22:x";
	assert_int_equal(stamp_parse_pm2_prefix(s, strlen(s), &ms), 20);
}

static void
test_stamp_zones(void **state)
{
	int64_t ms = 0;
	const char *s;

	(void)state;
	set_tz("UTC");
	s = "2026-11-29T20:31:40+05:30";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), strlen(s));
	assert_int_equal(ms, (T_20_31_40 - 5 * 3600 - 30 * 60) * 1000);
	s = "2026-11-29 20:31:40 -0800";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), strlen(s));
	assert_int_equal(ms, (T_20_31_40 + 8 * 3600) * 1000);
	s = "2026-11-29T20:31:40-08";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), strlen(s));
	assert_int_equal(ms, (T_20_31_40 + 8 * 3600) * 1000);
	/* Minutes only, and fractions of any length. */
	s = "2026-11-29T20:31Z";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), strlen(s));
	assert_int_equal(ms, (T_20_31_40 - 40) * 1000);
	s = "2026-11-29T20:31:40.5Z";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), strlen(s));
	assert_int_equal(ms, T_20_31_40 * 1000 + 500);
	s = "2026-11-29T20:31:40.123456Z";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), strlen(s));
	assert_int_equal(ms, T_20_31_40 * 1000 + 123);
}

static void
test_stamp_local_time(void **state)
{
	int64_t ms = 0;
	const char *s = "2026-11-29T20:31:22: x";

	(void)state;
	/* A stamp without a zone is the daemon's local time. */
	set_tz("WIB-7");		/* UTC+7, as Asia/Jakarta */
	assert_int_equal(stamp_parse(s, strlen(s), &ms), 19);
	assert_int_equal(ms, (T_20_31_22 - 7 * 3600) * 1000);
	/* A stamp with a zone does not depend on TZ. */
	s = "2026-11-29 20:31:40 +00:00: x";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), 26);
	assert_int_equal(ms, T_20_31_40 * 1000);
	set_tz("UTC");
	s = "2026-11-29T20:31:22: x";
	assert_int_equal(stamp_parse(s, strlen(s), &ms), 19);
	assert_int_equal(ms, T_20_31_22 * 1000);
}

/*
 * Stamps of the hour read last take a shortcut (stamp.c, stamp_hour): the
 * same answers as strptime(3) gives, whether the hour was read just
 * before or not, for the shapes the shortcut takes and those it leaves.
 */
static void
test_stamp_same_hour(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;		/* 0: not a stamp */
		int64_t		 sec;		/* after 20:00:00 */
		int64_t		 frac;
	} c[] = {
		{ "2026-11-29T20:31:22: x", 19, 31 * 60 + 22, 0 },
		{ "2026-11-29T20:59:59.999Z", 24, 59 * 60 + 59, 999 },
		{ "2026-11-29T20:05: x", 16, 5 * 60, 0 },
		{ "2026-11-29T20:00:00", 19, 0, 0 },
		{ "2026-11-29T20:5:07 x", 18, 5 * 60 + 7, 0 },
		{ "2026-11-29T20:31:607", 19, 31 * 60 + 60, 0 },
		{ "2026-11-29T20:31:61", 19, 31 * 60 + 61, 0 },
		{ "2026-11-29T20:31:22 +07:00", 26, 31 * 60 + 22 - 7 * 3600, 0 },
		/* strptime's own readings of digits out of range. */
		{ "2026-11-29T20:60:00", 15, 6 * 60, 0 },
		{ "2026-11-29T20:31:62", 0, 0, 0 },
		{ "2026-11-29T20:3x:00", 15, 3 * 60, 0 },
		{ "2026-11-29T2x:31:00", 0, 0, 0 },
	};
	const int64_t base = T_20_31_22 - 31 * 60 - 22;
	int64_t ms;

	(void)state;
	set_tz("UTC");
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		for (int warm = 0; warm < 2; warm++) {
			const char *other = warm ? "2026-11-29T20:10:10" :
			    "2026-11-28T01:00:00";
			size_t n;

			assert_int_equal(stamp_parse(other, strlen(other), &ms),
			    19);
			ms = 42;
			n = stamp_parse(c[i].s, strlen(c[i].s), &ms);
			if (n != c[i].len)
				fail_msg("'%s' (%s): length %zu, expected %zu",
				    c[i].s, warm ? "warm" : "cold", n, c[i].len);
			if (n != 0 && ms != (base + c[i].sec) * 1000 +
			    c[i].frac)
				fail_msg("'%s' (%s): %lld ms, expected %lld",
				    c[i].s, warm ? "warm" : "cold",
				    (long long)ms, (long long)((base +
				    c[i].sec) * 1000 + c[i].frac));
		}
	/* 23:59:60 does not survive as a date (strptime's way), warm or
	 * cold; 20:59:60 is 21:00:00 either way. */
	assert_int_equal(stamp_parse("2026-11-28T01:00:00", 19, &ms), 19);
	assert_int_equal(stamp_parse("2026-11-29T23:59:60", 19, &ms), 0);
	assert_int_equal(stamp_parse("2026-11-29T23:00:00", 19, &ms), 19);
	assert_int_equal(stamp_parse("2026-11-29T23:59:60", 19, &ms), 0);
	assert_int_equal(stamp_parse("2026-11-29T23:59:59", 19, &ms), 19);
	assert_int_equal(stamp_parse("2026-11-29T20:59:60", 19, &ms), 19);
	assert_int_equal(ms, (base + 3600) * 1000);
	assert_int_equal(stamp_parse("2026-11-29T20:00:00", 19, &ms), 19);
	assert_int_equal(stamp_parse("2026-11-29T20:59:60", 19, &ms), 19);
	assert_int_equal(ms, (base + 3600) * 1000);
	/* Local time: the zone still applies to a stamp of a warm hour. */
	set_tz("WIB-7");
	assert_int_equal(stamp_parse("2026-11-29T20:10:10", 19, &ms), 19);
	assert_int_equal(stamp_parse("2026-11-29T20:31:22", 19, &ms), 19);
	assert_int_equal(ms, (T_20_31_22 - 7 * 3600) * 1000);
	set_tz("UTC");
	assert_int_equal(stamp_parse("2026-11-29T20:31:22", 19, &ms), 19);
	assert_int_equal(ms, T_20_31_22 * 1000);
}

static void
test_stamp_not_stamps(void **state)
{
	static const char *bad[] = {
		"",
		"2026-11-29",
		"[Omni] Failed to create ticket: {",
		"20261129T203122: x",
		"2026-11-29X20:31:22: x",
		"  status: false,",
		"1234567890123456789",
	};
	int64_t ms = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (stamp_parse(bad[i], strlen(bad[i]), &ms) != 0)
			fail_msg("'%s' parsed as a stamp", bad[i]);
		assert_int_equal(stamp_parse_pm2_prefix(bad[i], strlen(bad[i]),
		    &ms), 0);
	}
	/* LEN is honoured: the stamp is not read past it. */
	assert_int_equal(stamp_parse("2026-11-29T20:31:22: x", 12, &ms), 0);
}

/* Stamps of other log_date_formats: PM2's prefix, with no time. */
static void
test_stamp_other_orders(void **state)
{
	static const struct {
		const char *line;
		size_t prefix;
	} good[] = {
		{ "2026/11/29 20:31:22: x", 21 },
		{ "29/11/2026 20:31:22: x", 21 },
		{ "11-29-2026 08:31:22 PM: x", 24 },
		{ "29.11.2026 20:31: x", 18 },
		{ "9/1/2026 8:31:22 am: x", 21 },
		{ "29/11/2026 20:31:22.583 +01:00: x", 32 },
		{ "11-29-2026 20:31:22 +0100: x", 27 },
		{ "29/11/2026T20:31:22Z: x", 22 },
		/* Without a date, or with names (tester10 item 1). */
		{ "20:31:22: x", 10 },
		{ "20:31:22.583: x", 14 },
		{ "08:31:22 PM: x", 13 },
		{ "8:31:22 am: x", 12 },
		{ "20:31:22 +01:00: x", 17 },
		{ "20:31:22:", 9 },
		{ "Nov 29 20:31:22: x", 17 },
		{ "Nov 9 20:31:22: x", 16 },
		{ "Sun Nov 29 2026 20:31:22: x", 26 },
		{ "Sunday, November 29, 2026 8:31:22 pm: x", 38 },
		{ "29 Nov 2026 20:31: x", 19 },
		{ "Nov 29, 2026 20:31:22.583Z: x", 28 },
		{ "2026-11-29-20:31:22: x", 21 },
		/* A date alone, and dayjs's "L, LTS" (tester11). */
		{ "29.11.2026: x", 12 },
		{ "29/11/2026: x", 12 },
		{ "2026-11-29: x", 12 },
		{ "11/29/2026, 08:31:22 PM: x", 25 },
	};
	static const char *bad[] = {
		"29/11/26 20:31:22: x",		/* a 2-digit year */
		"29/11-2026 20:31:22: x",	/* two separators */
		"123/11/2026 20:31:22: x",
		"29/11/2026 20:31:22 x",	/* no colon after it */
		"29/11/2026,x: x",		/* a comma, no blank */
		"29/11/2026, x: x",		/* a comma, no time */
		"12/07 is not a date: x",
		"29/11/2026 20:3: x",
		"20:31: x",			/* a time alone, no seconds */
		"20:31:22:x",			/* no blank after it */
		"25:31:22: x",			/* no such hour */
		"20:61:22: x",
		"20:31:222: x",
		"Nov 29: x",			/* a date alone */
		"November rain 20:31:22: x",
		"Novel 29 20:31:22: x",
		"Sun 20:31:22: x",		/* a weekday alone */
		"Monday: x",
		"nov 29 20:31:22: x",
	};
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = 42;
		if (stamp_parse_pm2_prefix(good[i].line, strlen(good[i].line),
		    &ms) != good[i].prefix)
			fail_msg("'%s': not a %zu-byte prefix", good[i].line,
			    good[i].prefix);
		assert_true(ms == STAMP_NONE);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms = 42;
		if (stamp_parse_pm2_prefix(bad[i], strlen(bad[i]), &ms) != 0)
			fail_msg("'%s' read as a prefix", bad[i]);
		assert_int_equal(ms, 42);
	}
	/* LEN is honoured. */
	assert_int_equal(stamp_parse_pm2_prefix("29/11/2026 20:31:22: x", 19,
	    &ms), 0);
}

static void
test_stamp_durations(void **state)
{
	static const struct {
		const char *arg;
		int64_t ms;
	} good[] = {
		{ "200ms", 200 },
		{ "5s", 5000 },
		{ "5", 5000 },
		{ "90s", 90000 },
		{ "15m", 900000 },
		{ "24h", 86400000 },
		{ "7d", 604800000 },
		{ "2w", 1209600000 },
		{ "0", 0 },
	};
	static const char *bad[] = { "", "s", "5x", "-5s", "abc", "5 m",
	    "inf", "nan", "1e300" };
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = -1;
		if (stamp_parse_duration(good[i].arg, &ms) != 0)
			fail_msg("'%s' rejected", good[i].arg);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (stamp_parse_duration(bad[i], &ms) != -1)
			fail_msg("duration '%s' accepted", bad[i]);
}

static void
test_stamp_args(void **state)
{
	int64_t ms = 0;
	time_t now = (time_t)T_10_00;

	(void)state;
	set_tz("UTC");
	assert_int_equal(stamp_parse_arg("2026-11-29", now, &ms), 0);
	assert_int_equal(ms, T_DAY * 1000);
	assert_int_equal(stamp_parse_arg("2026-11-29T10:00:00Z", now, &ms), 0);
	assert_int_equal(ms, T_10_00 * 1000);
	assert_int_equal(stamp_parse_arg("2026-11-29 10:00", now, &ms), 0);
	assert_int_equal(ms, T_10_00 * 1000);
	assert_int_equal(stamp_parse_arg("2026-11-29 10:00:30", now, &ms), 0);
	assert_int_equal(ms, (T_10_00 + 30) * 1000);
	assert_int_equal(stamp_parse_arg("90s", now, &ms), 0);
	assert_int_equal(ms, (T_10_00 - 90) * 1000);
	assert_int_equal(stamp_parse_arg("2w", now, &ms), 0);
	assert_int_equal(ms, (T_10_00 - 14 * 86400) * 1000);
	/* Local time: a date alone is midnight in TZ. */
	set_tz("WIB-7");
	assert_int_equal(stamp_parse_arg("2026-11-29", now, &ms), 0);
	assert_int_equal(ms, (T_DAY - 7 * 3600) * 1000);
	set_tz("UTC");
	assert_int_equal(stamp_parse_arg("yesterday", now, &ms), -1);
	assert_int_equal(stamp_parse_arg("2026-11-29T10:00:00Z junk", now, &ms),
	    -1);
	assert_int_equal(stamp_parse_arg("", now, &ms), -1);
}

static void
test_stamp_format(void **state)
{
	char buf[STAMP_BUFLEN];

	(void)state;
	stamp_format(T_20_31_22 * 1000, buf);
	assert_string_equal(buf, "2026-11-29T20:31:22Z");
	stamp_format(T_20_31_43 * 1000 + 983, buf);
	assert_string_equal(buf, "2026-11-29T20:31:43.983Z");
	stamp_format(T_20_31_43 * 1000 + 5, buf);
	assert_string_equal(buf, "2026-11-29T20:31:43.005Z");
	stamp_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	stamp_format(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	/* Round trip. */
	{
		int64_t ms;

		stamp_format(T_20_31_43 * 1000 + 983, buf);
		assert_int_equal(stamp_parse(buf, strlen(buf), &ms),
		    strlen(buf));
		assert_int_equal(ms, T_20_31_43 * 1000 + 983);
	}
}

/* ------------------------------------------------------------------ */
/* file names */

struct pt_name {
	const char	*file;
	const char	*app;
	enum pm2_stream	 stream;
	int		 instance;
	bool		 is_rotated;
	int		 rank;
	long		 number;
	const char	*date;
};

static void
pt_check_name(const struct pt_name *e)
{
	struct pm2_log_name n;

	if (pm2_log_name_parse(e->file, &n) != 0)
		fail_msg("'%s' not read as a PM2 log name", e->file);
	assert_non_null(n.app);
	if (strcmp(n.app, e->app) != 0)
		fail_msg("'%s': app '%s', expected '%s'", e->file, n.app,
		    e->app);
	assert_int_equal(n.stream, e->stream);
	assert_int_equal(n.instance, e->instance);
	assert_int_equal(n.is_rotated, e->is_rotated);
	assert_int_equal(n.rotation_rank, e->rank);
	if (e->rank == 0)
		assert_int_equal(n.rotation_number, e->number);
	if (e->date != NULL) {
		assert_non_null(n.rotation_date);
		assert_string_equal(n.rotation_date, e->date);
	}
	pm2_log_name_release(&n);
	assert_null(n.app);
	assert_null(n.rotation_date);
}

static void
test_name_parse(void **state)
{
	static const struct pt_name names[] = {
		/* 01, 05a */
		{ "omni-app-out.log", "omni-app", PM2_STREAM_OUT, -1, false,
		    2, 0, NULL },
		{ "omni-app-error.log", "omni-app", PM2_STREAM_ERROR, -1,
		    false, 2, 0, NULL },
		{ "omni-app-error-2.log", "omni-app", PM2_STREAM_ERROR, 2,
		    false, 2, 0, NULL },
		{ "omni-app-out-1.log", "omni-app", PM2_STREAM_OUT, 1, false,
		    2, 0, NULL },
		{ "other-app-out.log", "other-app", PM2_STREAM_OUT, -1, false,
		    2, 0, NULL },
		/* 09: sanitised names, -<pm_id> in fork mode */
		{ "omni-api-v2-x-out.log", "omni-api-v2-x", PM2_STREAM_OUT,
		    -1, false, 2, 0, NULL },
		{ "omni-api-v2-x-error.log", "omni-api-v2-x",
		    PM2_STREAM_ERROR, -1, false, 2, 0, NULL },
		{ "fork1-error-1.log", "fork1", PM2_STREAM_ERROR, 1, false, 2,
		    0, NULL },
		{ "fork2-out-0.log", "fork2", PM2_STREAM_OUT, 0, false, 2, 0,
		    NULL },
		{ "fork2-out-2.log", "fork2", PM2_STREAM_OUT, 2, false, 2, 0,
		    NULL },
		/* 07: pm2-logrotate 3.0.0 */
		{ "seq-app-out__2026-11-29_20-33-49.log", "seq-app",
		    PM2_STREAM_OUT, -1, true, 1, 0, "2026-11-29_20-33-49" },
		{ "seq-app-error__2026-11-29_20-34-00.log", "seq-app",
		    PM2_STREAM_ERROR, -1, true, 1, 0, "2026-11-29_20-34-00" },
		{ "seq-cluster-error-2__2026-11-29_20-34-00.log",
		    "seq-cluster", PM2_STREAM_ERROR, 2, true, 1, 0,
		    "2026-11-29_20-34-00" },
		{ "seq-cluster-out-3.log", "seq-cluster", PM2_STREAM_OUT, 3,
		    false, 2, 0, NULL },
		{ "pm2-logrotate-out__2026-11-29_20-34-00.log",
		    "pm2-logrotate", PM2_STREAM_OUT, -1, true, 1, 0,
		    "2026-11-29_20-34-00" },
		{ "pm2-logrotate-error.log", "pm2-logrotate",
		    PM2_STREAM_ERROR, -1, false, 2, 0, NULL },
		/* 07b: compressed copies */
		{ "seq-app-out__2026-11-29_20-35-50.log.gz", "seq-app",
		    PM2_STREAM_OUT, -1, true, 1, 0, "2026-11-29_20-35-50" },
		/* cases K10, K11 */
		{ "demo-api-out__2024-03-09_00-00-00.log.gz", "demo-api",
		    PM2_STREAM_OUT, -1, true, 1, 0, "2024-03-09_00-00-00" },
		{ "demo-api-error__2024-03-09.log.gz", "demo-api",
		    PM2_STREAM_ERROR, -1, true, 1, 0, "2024-03-09" },
		/* logrotate(8) */
		{ "app-out.log.1", "app", PM2_STREAM_OUT, -1, true, 0, 1,
		    NULL },
		{ "app-out.log.2.gz", "app", PM2_STREAM_OUT, -1, true, 0, 2,
		    NULL },
		{ "app-error-3.log.12", "app", PM2_STREAM_ERROR, 3, true, 0,
		    12, NULL },
		{ "app-out.log-20240310", "app", PM2_STREAM_OUT, -1, true, 1,
		    0, "20240310" },
		{ "app-out.log-20240310.gz", "app", PM2_STREAM_OUT, -1, true,
		    1, 0, "20240310" },
		/* dateext with a dateformat of the user's (logrotate(8)) */
		{ "app-out.log-2024-03-10", "app", PM2_STREAM_OUT, -1, true,
		    1, 0, "2024-03-10" },
		{ "app-out.log-20240310-1710028800.gz", "app", PM2_STREAM_OUT,
		    -1, true, 1, 0, "20240310-1710028800" },
		{ "app-out.log.2024-03-10", "app", PM2_STREAM_OUT, -1, true,
		    1, 0, "2024-03-10" },
		{ "app-error-2.log_2024.03.10", "app", PM2_STREAM_ERROR, 2,
		    true, 1, 0, "2024.03.10" },
		/* logrotate's `extension .log`: the extension kept last */
		{ "app-out.1.log", "app", PM2_STREAM_OUT, -1, true, 0, 1,
		    NULL },
		{ "app-out.2.log.gz", "app", PM2_STREAM_OUT, -1, true, 0, 2,
		    NULL },
		{ "app-out-20240310.log", "app", PM2_STREAM_OUT, -1, true, 1,
		    0, "20240310" },
		{ "app-out-20240310-1710028800.log", "app", PM2_STREAM_OUT, -1,
		    true, 1, 0, "20240310-1710028800" },
		{ "app-error-0-2024-03-10.log.gz", "app", PM2_STREAM_ERROR, 0,
		    true, 1, 0, "2024-03-10" },
		{ "pm2.1.log", "pm2", PM2_STREAM_DAEMON, -1, true, 0, 1, NULL },
		{ "app-out-1234567.log", "app", PM2_STREAM_OUT, 1234567, false,
		    2, 0, NULL },
		/* app names with dots and stream words inside */
		{ "my.logger-out.log", "my.logger", PM2_STREAM_OUT, -1, false,
		    2, 0, NULL },
		{ "my.logger-out.log.1", "my.logger", PM2_STREAM_OUT, -1, true,
		    0, 1, NULL },
		{ "error-out.log", "error", PM2_STREAM_OUT, -1, false, 2, 0,
		    NULL },
		{ "my-error-out.log", "my-error", PM2_STREAM_OUT, -1, false, 2,
		    0, NULL },
		{ "api-2-out.log", "api-2", PM2_STREAM_OUT, -1, false, 2, 0,
		    NULL },
		/* PM2's own log (issue 12), live and rotated */
		{ "pm2.log", "pm2", PM2_STREAM_DAEMON, -1, false, 2, 0, NULL },
		{ "pm2__2026-12-07_00-07-45.log.gz", "pm2", PM2_STREAM_DAEMON,
		    -1, true, 1, 0, "2026-12-07_00-07-45" },
		{ "pm2.log.1", "pm2", PM2_STREAM_DAEMON, -1, true, 0, 1, NULL },
		{ "pm2.log-20261207.gz", "pm2", PM2_STREAM_DAEMON, -1, true, 1,
		    0, "20261207" },
		{ "pm2-out.log", "pm2", PM2_STREAM_OUT, -1, false, 2, 0, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		pt_check_name(&names[i]);
}

static void
test_name_reject(void **state)
{
	static const char *bad[] = {
		"omni-app.log",
		"README.txt",
		"pm2.pid",
		"xpm2.log",
		"pm2x.log",
		"full.gz",
		"app-out.txt",
		"app-out.log.bak",
		"app-out.log.1.bak",
		"app-output.log",
		"-out.log",
		"-error.log",
		"app-out-.log",
		"app-out",
		"app-out.log.",
		"app-out.log-",
		"app-out.log-2024-03-",
		"app-out.log--2024",
		"app-out.log+20240310",
		"app-out.log-2024:03:10",
		"app.1.log",
		"app-out-.1.log",
		"app-out.x.log",
		"omni-app-0.pid",
		"module_conf.json",
		".log",
		"",
	};
	struct pm2_log_name n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pm2_log_name_parse(bad[i], &n) == 0) {
			pm2_log_name_release(&n);
			fail_msg("'%s' read as a PM2 log name", bad[i]);
		}
	}
}

static const char *pt_sorted[] = {
	/* app "app", out: logrotate numbered (oldest first), then dated
	 * (ascending), then live. */
	"app-out.log.3.gz",
	"app-out.log.2.gz",
	"app-out.log.1",
	"app-out.log-20240309",
	"app-out.log-20240310",
	"app-out.log",
	"app-error.log.1",
	"app-error.log",
	"seq-app-out__2026-11-29_20-33-49.log",
	"seq-app-out__2026-11-29_20-33-50.log",
	"seq-app-out__2026-11-29_20-34-28.log",
	"seq-app-out.log",
	"seq-app-error__2026-11-29_20-34-00.log",
	"seq-app-error__2026-11-29_20-34-12.log",
	"seq-app-error.log",
	"seq-cluster-out-2__2026-11-29_20-33-49.log",
	"seq-cluster-out-2__2026-11-29_20-34-40.log",
	"seq-cluster-out-2.log",
	"seq-cluster-out-3.log",
	"seq-cluster-error-2__2026-11-29_20-34-00.log",
	"seq-cluster-error-2.log",
	"seq-cluster-error-3.log",
};

#define PT_NSORTED	(sizeof(pt_sorted) / sizeof(pt_sorted[0]))

struct pt_entry {
	const char	*file;
	struct pm2_log_name name;
};

static int
pt_entry_cmp(const void *a, const void *b)
{
	const struct pt_entry *x = a, *y = b;

	return pm2_log_name_cmp(&x->name, &y->name);
}

/* Is NAME in the same (app, stream, instance) group as IN order says? */
static void
test_name_order(void **state)
{
	struct pt_entry e[PT_NSORTED];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 20; round++) {
		/* A shuffled copy. */
		for (size_t i = 0; i < PT_NSORTED; i++)
			e[i].file = pt_sorted[i];
		for (size_t i = PT_NSORTED - 1; i > 0; i--) {
			size_t j;
			const char *t;

			seed = seed * 1103515245 + 12345;
			j = (seed >> 16) % (i + 1);
			t = e[i].file;
			e[i].file = e[j].file;
			e[j].file = t;
		}
		for (size_t i = 0; i < PT_NSORTED; i++)
			assert_int_equal(pm2_log_name_parse(e[i].file,
			    &e[i].name), 0);
		qsort(e, PT_NSORTED, sizeof(e[0]), pt_entry_cmp);
		/*
		 * Within one app, stream and instance the order is fixed;
		 * across groups only the relative order inside each group
		 * is checked.
		 */
		for (size_t i = 0; i < PT_NSORTED; i++)
			for (size_t j = i + 1; j < PT_NSORTED; j++) {
				const struct pm2_log_name *a = &e[i].name,
				    *b = &e[j].name;
				size_t ia = 0, ib = 0;

				if (strcmp(a->app, b->app) != 0 ||
				    a->stream != b->stream ||
				    a->instance != b->instance)
					continue;
				for (size_t k = 0; k < PT_NSORTED; k++) {
					if (strcmp(pt_sorted[k], e[i].file) == 0)
						ia = k;
					if (strcmp(pt_sorted[k], e[j].file) == 0)
						ib = k;
				}
				if (ia > ib)
					fail_msg("'%s' sorted before '%s'",
					    e[i].file, e[j].file);
			}
		for (size_t i = 0; i < PT_NSORTED; i++)
			pm2_log_name_release(&e[i].name);
	}
}

static void
test_name_cmp_pairs(void **state)
{
	static const char *before_after[][2] = {
		{ "app-out.log.2", "app-out.log.1" },
		{ "app-out.log.10", "app-out.log.9" },
		{ "app-out.log.1", "app-out.log" },
		{ "app-out.log-20240310", "app-out.log" },
		{ "app-out.log-20240309", "app-out.log-20240310" },
		{ "seq-app-out__2026-11-29_20-33-59.log",
		    "seq-app-out__2026-11-29_20-34-00.log" },
		{ "seq-app-out__2026-11-29_20-35-50.log.gz", "seq-app-out.log" },
	};
	struct pm2_log_name a, b;

	(void)state;
	for (size_t i = 0; i < sizeof(before_after) / sizeof(before_after[0]);
	    i++) {
		assert_int_equal(pm2_log_name_parse(before_after[i][0], &a), 0);
		assert_int_equal(pm2_log_name_parse(before_after[i][1], &b), 0);
		if (pm2_log_name_cmp(&a, &b) >= 0 ||
		    pm2_log_name_cmp(&b, &a) <= 0)
			fail_msg("'%s' should be read before '%s'",
			    before_after[i][0], before_after[i][1]);
		assert_int_equal(pm2_log_name_cmp(&a, &a), 0);
		pm2_log_name_release(&a);
		pm2_log_name_release(&b);
	}
}

/*
 * Every log in samples/pm2/07's listing (`ls -li PM2_HOME/logs` after a
 * pm2-logrotate run) is a PM2 name, and sorting them puts each app's
 * copies in date order before its live file.  Skipped when the samples
 * are not there ($OMNIWATCH_SAMPLES, default ../shared/samples/pm2).
 */
static void
test_name_listing_07(void **state)
{
	const char *dir = getenv("OMNIWATCH_SAMPLES");
	char path[1024], line[512];
	struct pt_entry *e = NULL;
	size_t n = 0, live = 0, rotated = 0;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/07-pm2-logrotate-3.0.0/"
	    "ls-logs-after-run.txt", dir != NULL ? dir :
	    "/work/shared/samples/pm2");
	fp = fopen(path, "r");
	if (fp == NULL)
		skip();
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *name = strrchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (name == NULL || strstr(name, ".log") == NULL)
			continue;
		name++;
		e = realloc(e, (n + 1) * sizeof(*e));
		assert_non_null(e);
		e[n].file = strdup(name);
		if (pm2_log_name_parse(name, &e[n].name) != 0)
			fail_msg("'%s' from %s not read as a PM2 name", name,
			    path);
		if (e[n].name.is_rotated)
			rotated++;
		else
			live++;
		n++;
	}
	fclose(fp);
	assert_int_equal(n, 101);
	assert_int_equal(live, 8);
	assert_int_equal(rotated, 93);
	qsort(e, n, sizeof(e[0]), pt_entry_cmp);
	for (size_t i = 0; i + 1 < n; i++) {
		const struct pm2_log_name *a = &e[i].name, *b = &e[i + 1].name;

		if (strcmp(a->app, b->app) != 0 || a->stream != b->stream ||
		    a->instance != b->instance)
			continue;
		/* Same group: never live before rotated, dates ascending. */
		if (!a->is_rotated)
			fail_msg("live '%s' sorted before '%s'", e[i].file,
			    e[i + 1].file);
		if (b->is_rotated && strcmp(a->rotation_date,
		    b->rotation_date) >= 0)
			fail_msg("'%s' sorted before '%s'", e[i].file,
			    e[i + 1].file);
	}
	for (size_t i = 0; i < n; i++) {
		pm2_log_name_release(&e[i].name);
		free((char *)e[i].file);
	}
	free(e);
}

/* ------------------------------------------------------------------ */
/* decoder */

#define PT_MAX	64

struct pt_out {
	char		*text;
	size_t		 len;
	int64_t		 ts;
	char		 app[64];
	uint64_t	 offset, end, number;
	bool		 is_cut;
};

struct pt_dec {
	struct pm2_decoder *d;
	struct pt_out	 out[PT_MAX];
	size_t		 n;
	uint64_t	 offset;	/* of the next raw line */
	uint64_t	 number;
};

static void
pt_on_line(void *ctx, const struct pm2_line *l)
{
	struct pt_dec *t = ctx;
	struct pt_out *o;

	assert_true(t->n < PT_MAX);
	o = &t->out[t->n++];
	o->text = malloc(l->len + 1);
	assert_non_null(o->text);
	memcpy(o->text, l->ptr, l->len);
	o->text[l->len] = '\0';
	o->len = l->len;
	o->ts = l->ts_ms;
	assert_non_null(l->app);
	snprintf(o->app, sizeof(o->app), "%s", l->app);
	o->offset = l->offset;
	o->end = l->end;
	o->number = l->number;
	o->is_cut = l->is_cut;
}

static struct pt_dec *
pt_dec_new(const char *app)
{
	struct pt_dec *t = calloc(1, sizeof(*t));
	struct pm2_decoder_cb cb = { .line = pt_on_line };

	assert_non_null(t);
	cb.ctx = t;
	t->d = pm2_decoder_new(app, 0, &cb);
	assert_non_null(t->d);
	return t;
}

static void
pt_dec_free(struct pt_dec *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->out[i].text);
	pm2_decoder_free(t->d);
	free(t);
}

/* Hands one raw line (without its LF) to the decoder. */
static void
pt_raw(struct pt_dec *t, const char *p, size_t len)
{
	struct line l;

	memset(&l, 0, sizeof(l));
	l.ptr = p;
	l.len = len;
	l.offset = t->offset;
	l.end = t->offset + len + 1;
	l.number = ++t->number;
	l.has_lf = true;
	t->offset = l.end;
	pm2_decoder_line(t->d, &l);
	/* The caller's struct is gone after the call (line.h: valid only
	 * during the callback); scribble over it to make sure. */
	memset(&l, 0xa5, sizeof(l));
}

#define RAW(t, s)	pt_raw((t), (s), strlen(s))

static void
pt_expect(const struct pt_dec *t, size_t i, const char *text, int64_t ts,
    const char *app)
{
	assert_true(i < t->n);
	if (strcmp(t->out[i].text, text) != 0)
		fail_msg("line %zu: '%s', expected '%s'", i, t->out[i].text,
		    text);
	assert_int_equal(t->out[i].len, strlen(text));
	assert_int_equal(t->out[i].ts, ts);
	assert_string_equal(t->out[i].app, app);
}

static void
test_decode_plain(void **state)
{
	struct pt_dec *t = pt_dec_new("omni-app");

	(void)state;
	RAW(t, "[app] starting omni-test pid=7855 NODE_APP_INSTANCE=0");
	RAW(t, "");
	RAW(t, "  status: false,");
	assert_int_equal(t->n, 3);
	pt_expect(t, 0, "[app] starting omni-test pid=7855 NODE_APP_INSTANCE=0",
	    STAMP_NONE, "omni-app");
	pt_expect(t, 1, "", STAMP_NONE, "omni-app");
	pt_expect(t, 2, "  status: false,", STAMP_NONE, "omni-app");
	assert_int_equal(t->out[2].offset, 55);
	assert_int_equal(t->out[2].end, 72);
	assert_int_equal(t->out[2].number, 3);
	assert_int_equal(pm2_decoder_stamped_lines(t->d), 0);
	assert_int_equal(pm2_decoder_json_lines(t->d), 0);
	pt_dec_free(t);
}

/* Fork mode stamps every line (02, 03); cluster mode only the first (05c). */
static void
test_decode_stamps(void **state)
{
	struct pt_dec *t = pt_dec_new("omni-app");

	(void)state;
	set_tz("UTC");
	RAW(t, "2026-11-29T20:31:22: [Omni] Failed to create ticket: {");
	RAW(t, "2026-11-29T20:31:22:   status: false,");
	RAW(t, "2026-11-29T20:31:22: }");
	RAW(t, "2026-11-29 20:31:40 +00:00: [Omni] Failed to create ticket: {");
	RAW(t, "2026-11-29 20:31:40 +00:00:   status: false,");
	RAW(t, "2026-11-29 20:32:47 +00:00: [Omni] Failed to create ticket: {");
	RAW(t, "  status: false,");
	RAW(t, "}");
	RAW(t, "Error: [Omni] simulated uncaught exception (fake, end of test)");
	assert_int_equal(t->n, 9);
	pt_expect(t, 0, "[Omni] Failed to create ticket: {", T_20_31_22 * 1000,
	    "omni-app");
	pt_expect(t, 1, "  status: false,", T_20_31_22 * 1000, "omni-app");
	pt_expect(t, 2, "}", T_20_31_22 * 1000, "omni-app");
	pt_expect(t, 3, "[Omni] Failed to create ticket: {", T_20_31_40 * 1000,
	    "omni-app");
	pt_expect(t, 4, "  status: false,", T_20_31_40 * 1000, "omni-app");
	pt_expect(t, 5, "[Omni] Failed to create ticket: {", T_20_32_47 * 1000,
	    "omni-app");
	pt_expect(t, 6, "  status: false,", STAMP_NONE, "omni-app");
	pt_expect(t, 7, "}", STAMP_NONE, "omni-app");
	pt_expect(t, 8,
	    "Error: [Omni] simulated uncaught exception (fake, end of test)",
	    STAMP_NONE, "omni-app");
	assert_int_equal(pm2_decoder_stamped_lines(t->d), 6);
	pt_dec_free(t);
}

/* 04: one object per pipe chunk; a message may hold several records. */
static void
test_decode_json_several_lines(void **state)
{
	static const char obj[] =
	    "{\"message\":\"[Omni] Failed to create ticket: {\\n  status: false,"
	    "\\n  message: '',\\n  errors: { file: 'RoutesRequests.php', line: "
	    "229 }\\n}\\n[Omni] Unexpected error: Error: Request failed with "
	    "status code 500 (iteration 1)\\n    at main (/srv/pm2lab/app/"
	    "omni-test.js:62:17) {\\n  code: 'ERR_BAD_RESPONSE'\\n}\\nTypeError: "
	    "Cannot read properties of undefined (reading 'ticketId') "
	    "(iteration 1)\\n    at main (/srv/pm2lab/app/omni-test.js:65:19)"
	    "\\n\",\"timestamp\":\"2026-11-29T20:31:44.087Z\",\"type\":\"err\","
	    "\"process_id\":0,\"app_name\":\"omni-app\"}";
	static const char *want[] = {
		"[Omni] Failed to create ticket: {",
		"  status: false,",
		"  message: '',",
		"  errors: { file: 'RoutesRequests.php', line: 229 }",
		"}",
		"[Omni] Unexpected error: Error: Request failed with status "
		    "code 500 (iteration 1)",
		"    at main (/srv/pm2lab/app/omni-test.js:62:17) {",
		"  code: 'ERR_BAD_RESPONSE'",
		"}",
		"TypeError: Cannot read properties of undefined (reading "
		    "'ticketId') (iteration 1)",
		"    at main (/srv/pm2lab/app/omni-test.js:65:19)",
	};
	struct pt_dec *t = pt_dec_new("default-app");

	(void)state;
	RAW(t, "plain before");
	RAW(t, obj);
	pm2_decoder_finish(t->d);
	assert_int_equal(t->n, 1 + sizeof(want) / sizeof(want[0]));
	pt_expect(t, 0, "plain before", STAMP_NONE, "default-app");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		pt_expect(t, i + 1, want[i], T_20_31_44 * 1000 + 87,
		    "omni-app");
		assert_int_equal(t->out[i + 1].offset, 13);
		assert_int_equal(t->out[i + 1].number, 2);
		assert_int_equal(t->out[i + 1].end, 13 + sizeof(obj));
	}
	assert_int_equal(pm2_decoder_json_lines(t->d), 1);
	pt_dec_free(t);
}

/* Builds {"message":"TEXT","timestamp":"TS",...,"app_name":"APP"}. */
static char *
pt_json(const char *text, const char *ts, const char *app)
{
	size_t len = strlen(text) * 2 + 256;
	char *p = malloc(len), *q;

	assert_non_null(p);
	q = p + sprintf(p, "{\"message\":\"");
	for (const char *s = text; *s != '\0'; s++) {
		if (*s == '\n') {
			*q++ = '\\';
			*q++ = 'n';
		} else if (*s == '"' || *s == '\\') {
			*q++ = '\\';
			*q++ = *s;
		} else
			*q++ = *s;
	}
	sprintf(q, "\",\"timestamp\":\"%s\",\"type\":\"err\",\"process_id\":0,"
	    "\"app_name\":\"%s\"}", ts, app);
	return p;
}

/*
 * A line split across two objects at a 64 KiB pipe chunk edge (04: the
 * 100 KB line) is put together again; it keeps the first piece's time.
 */
static void
test_decode_json_split_line(void **state)
{
	size_t n1 = 65536, n2 = 40000;
	char *piece1 = malloc(n1 + 1), *piece2 = malloc(n2 + 64);
	char *o1, *o2, *o3;
	struct pt_dec *t = pt_dec_new("default-app");
	size_t l1, l2;

	(void)state;
	memcpy(piece1, "[bigline] START ", 16);
	memset(piece1 + 16, 'A', n1 - 16);
	piece1[n1] = '\0';
	memset(piece2, 'A', n2);
	strcpy(piece2 + n2, " END-OF-BIGLINE\n[app] after\n");
	o1 = pt_json(piece1, "2026-11-29T20:31:43.983Z", "omni-app");
	o2 = pt_json(piece2, "2026-11-29T20:31:44.087Z", "omni-app");
	o3 = pt_json("[app] next chunk\n", "2026-11-29T20:31:44.087Z",
	    "omni-app");
	l1 = strlen(o1);
	l2 = strlen(o2);
	pt_raw(t, o1, l1);
	assert_int_equal(t->n, 0);
	pt_raw(t, o2, l2);
	RAW(t, o3);
	pm2_decoder_finish(t->d);
	assert_int_equal(t->n, 3);
	assert_int_equal(t->out[0].len, n1 + n2 + 15);
	assert_memory_equal(t->out[0].text, piece1, n1);
	assert_memory_equal(t->out[0].text + n1, piece2, n2 + 15);
	assert_int_equal(t->out[0].ts, T_20_31_43 * 1000 + 983);
	assert_string_equal(t->out[0].app, "omni-app");
	assert_int_equal(t->out[0].offset, 0);
	assert_int_equal(t->out[0].number, 1);
	assert_int_equal(t->out[0].end, l1 + 1 + l2 + 1);
	pt_expect(t, 1, "[app] after", T_20_31_44 * 1000 + 87, "omni-app");
	assert_int_equal(t->out[1].offset, l1 + 1);
	assert_int_equal(t->out[1].number, 2);
	pt_expect(t, 2, "[app] next chunk", T_20_31_44 * 1000 + 87,
	    "omni-app");
	assert_int_equal(pm2_decoder_json_lines(t->d), 3);
	free(o1);
	free(o2);
	free(o3);
	free(piece1);
	free(piece2);
	pt_dec_free(t);
}

/*
 * 05d: the cluster wrapper writes an uncaught exception raw between JSON
 * lines; and a short message without LF (`pm2 logs --json`) is a line.
 */
static void
test_decode_json_and_raw_lines(void **state)
{
	struct pt_dec *t = pt_dec_new("omni-app");
	char *o1 = pt_json("[Omni] Ticket created successfully: { ticketId: "
	    "125, ticket_number: 'TCK-2025-000125' }\n",
	    "2026-11-29 20:31:40 +00:00", "omni-app");
	char *o2 = pt_json("[app] no newline here", "2026-11-29T20:31:43.983Z",
	    "other-app");

	(void)state;
	RAW(t, o1);
	RAW(t, "Error: [Omni] simulated uncaught exception (fake, end of test)");
	RAW(t, "    at Timeout._onTimeout (/srv/pm2lab/app/omni-test.js:81:30)");
	RAW(t, o2);
	RAW(t, "{\"timestamp\":\"2026-11-29T20:30:52.364Z\",\"type\":"
	    "\"process_event\",\"status\":\"online\",\"app_name\":\"omni-app\"}");
	RAW(t, "{\"message\": not json at all");
	pm2_decoder_finish(t->d);
	assert_int_equal(t->n, 6);
	pt_expect(t, 0, "[Omni] Ticket created successfully: { ticketId: 125, "
	    "ticket_number: 'TCK-2025-000125' }", T_20_31_40 * 1000,
	    "omni-app");
	pt_expect(t, 1, "Error: [Omni] simulated uncaught exception (fake, "
	    "end of test)", STAMP_NONE, "omni-app");
	pt_expect(t, 2, "    at Timeout._onTimeout (/srv/pm2lab/app/"
	    "omni-test.js:81:30)", STAMP_NONE, "omni-app");
	pt_expect(t, 3, "[app] no newline here", T_20_31_43 * 1000 + 983,
	    "other-app");
	/* Not a message object: passed on as it is. */
	pt_expect(t, 4, "{\"timestamp\":\"2026-11-29T20:30:52.364Z\",\"type\":"
	    "\"process_event\",\"status\":\"online\",\"app_name\":\"omni-app\"}",
	    STAMP_NONE, "omni-app");
	pt_expect(t, 5, "{\"message\": not json at all", STAMP_NONE,
	    "omni-app");
	assert_int_equal(pm2_decoder_json_lines(t->d), 2);
	free(o1);
	free(o2);
	pt_dec_free(t);
}

/*
 * A piece left open by a chunk edge and ended by a raw line: it is passed
 * on before the raw line, and it ends where its own raw line ended.
 */
static void
test_decode_json_piece_then_raw(void **state)
{
	size_t n1 = 65536;
	char *piece = malloc(n1 + 1), *o1;
	struct pt_dec *t = pt_dec_new("omni-app");
	size_t l1;

	(void)state;
	memset(piece, 'B', n1);
	piece[n1] = '\0';
	o1 = pt_json(piece, "2026-11-29T20:31:43.983Z", "omni-app");
	l1 = strlen(o1);
	pt_raw(t, o1, l1);
	RAW(t, "raw line");
	assert_int_equal(t->n, 2);
	assert_int_equal(t->out[0].len, n1);
	assert_int_equal(t->out[0].offset, 0);
	assert_int_equal(t->out[0].end, l1 + 1);
	pt_expect(t, 1, "raw line", STAMP_NONE, "omni-app");
	assert_int_equal(t->out[1].offset, l1 + 1);
	assert_int_equal(t->out[1].end, l1 + 1 + 9);
	free(o1);
	free(piece);
	pt_dec_free(t);
}

/* A piece left open at the end of input is passed on by finish(). */
static void
test_decode_json_piece_at_eof(void **state)
{
	size_t n1 = 65536;
	char *piece = malloc(n1 + 1), *o1;
	struct pt_dec *t = pt_dec_new("omni-app");
	size_t l1;

	(void)state;
	memset(piece, 'C', n1);
	piece[n1] = '\0';
	o1 = pt_json(piece, "2026-11-29T20:31:43.983Z", "omni-app");
	l1 = strlen(o1);
	pt_raw(t, o1, l1);
	assert_int_equal(t->n, 0);
	pm2_decoder_finish(t->d);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->out[0].len, n1);
	assert_int_equal(t->out[0].ts, T_20_31_43 * 1000 + 983);
	assert_int_equal(t->out[0].offset, 0);
	assert_int_equal(t->out[0].number, 1);
	assert_int_equal(t->out[0].end, l1 + 1);
	pm2_decoder_finish(t->d);
	assert_int_equal(t->n, 1);
	free(o1);
	free(piece);
	pt_dec_free(t);
}

/* 06: what `pm2 logs` prints, with and without colours. */
static void
test_decode_cli_prefix(void **state)
{
	struct pt_dec *t = pt_dec_new("stdin");

	(void)state;
	set_tz("UTC");
	RAW(t, "\033[31m0|omni-app  | \033[39m[Omni] Failed to create ticket: {");
	RAW(t, "\033[31m0|omni-app  | \033[39m  status: false,");
	RAW(t, "\033[31m0|omni-app  | \033[39m}");
	RAW(t, "\033[32m0|omni-app  | \033[39m[app] ordinary line after brief "
	    "failure (iteration 1)");
	RAW(t, "\033[34mPM2      | \033[39mApp [omni-app:0] online");
	RAW(t, "\033[34mPM2        | \033[39m2026-11-29T20:30:50: PM2 log: PM2 "
	    "version          : 7.0.4");
	RAW(t, "0|omni-app | [app] line just after the big lines");
	RAW(t, "0|omni-app |   ticketId: 1002,");
	RAW(t, "12|other-app | [Omni] Ticket created successfully: {");
	assert_int_equal(t->n, 9);
	pt_expect(t, 0, "[Omni] Failed to create ticket: {", STAMP_NONE,
	    "omni-app");
	pt_expect(t, 1, "  status: false,", STAMP_NONE, "omni-app");
	pt_expect(t, 2, "}", STAMP_NONE, "omni-app");
	pt_expect(t, 3, "[app] ordinary line after brief failure (iteration 1)",
	    STAMP_NONE, "omni-app");
	pt_expect(t, 4, "App [omni-app:0] online", STAMP_NONE, "PM2");
	pt_expect(t, 5, "PM2 log: PM2 version          : 7.0.4",
	    T_20_30_50 * 1000, "PM2");
	pt_expect(t, 6, "[app] line just after the big lines", STAMP_NONE,
	    "omni-app");
	pt_expect(t, 7, "  ticketId: 1002,", STAMP_NONE, "omni-app");
	pt_expect(t, 8, "[Omni] Ticket created successfully: {", STAMP_NONE,
	    "other-app");
	pt_dec_free(t);
}

/*
 * log_date_format 'HH:mm:ss' or 'MMM DD HH:mm:ss' (tester10 item 1): the
 * stamp is taken off every line, short ones ("}") too, and the lines
 * are undated; a line that only begins like one keeps its text.
 */
static void
test_decode_stamps_undated(void **state)
{
	struct pt_dec *t = pt_dec_new("app");

	(void)state;
	set_tz("UTC");
	RAW(t, "23:59:43: [Omni] Failed to create ticket: {");
	RAW(t, "23:59:43:   status: false,");
	RAW(t, "23:59:43: }");
	RAW(t, "23:59:44: }");
	RAW(t, "Dec 07 23:59:44: [Omni] Ticket created successfully: {");
	RAW(t, "Dec 07 23:59:44: }");
	RAW(t, "Monitor: 23:59:44: x");
	RAW(t, "2026-11-29T20:30:50: back to ISO");
	assert_int_equal(t->n, 8);
	pt_expect(t, 0, "[Omni] Failed to create ticket: {", STAMP_NONE, "app");
	pt_expect(t, 1, "  status: false,", STAMP_NONE, "app");
	pt_expect(t, 2, "}", STAMP_NONE, "app");
	pt_expect(t, 3, "}", STAMP_NONE, "app");
	pt_expect(t, 4, "[Omni] Ticket created successfully: {", STAMP_NONE,
	    "app");
	pt_expect(t, 5, "}", STAMP_NONE, "app");
	pt_expect(t, 6, "Monitor: 23:59:44: x", STAMP_NONE, "app");
	pt_expect(t, 7, "back to ISO", T_20_30_50 * 1000, "app");
	pt_dec_free(t);
}

/*
 * A stamp prefix without its blank ("10:00:") does not claim a line that
 * starts with it: there it is the head of a display time ("10:00:05 ")
 * and a `pm2 logs` prefix.
 */
static void
test_decode_stamp_without_blank(void **state)
{
	struct pt_dec *t = pt_dec_new("h2");

	(void)state;
	set_tz("UTC");
	RAW(t, "2026-11-29T10:00:x [Omni] Failed to create ticket: a");
	RAW(t, "2026-11-29T10:00:05 0|app | [Omni] Failed to create ticket: b");
	assert_int_equal(t->n, 2);
	pt_expect(t, 1, "[Omni] Failed to create ticket: b", STAMP_NONE,
	    "app");
	pt_dec_free(t);
}

/*
 * 06, `pm2 logs --timestamp 'YYYY-MM-DD HH:mm:ss'`: the display time and
 * the "<pm_id>|<app> | " prefix, both coloured, come before the text.
 */
static void
test_decode_cli_timestamp_prefix(void **state)
{
	struct pt_dec *t = pt_dec_new("stdin");

	(void)state;
	RAW(t, "\033[2m\033[90m2026-11-29 20:30:52 \033[39m\033[22m\033[31m"
	    "0|omni-app  | \033[39m[Omni] Failed to create ticket: {");
	RAW(t, "\033[2m\033[90m2026-11-29 20:30:52 \033[39m\033[22m\033[31m"
	    "0|omni-app  | \033[39m  status: false,");
	assert_int_equal(t->n, 2);
	if (strcmp(t->out[0].text, "[Omni] Failed to create ticket: {") != 0)
		fail_msg("got '%s'", t->out[0].text);
	assert_string_equal(t->out[0].app, "omni-app");
	assert_string_equal(t->out[1].text, "  status: false,");
	assert_string_equal(t->out[1].app, "omni-app");
	pt_dec_free(t);
}

/*
 * `pm2 logs` options (tester10 items 2 and 3; PM2 7.0.4 lib/API/Log.js):
 * --timestamp's display time in its default format, a custom one and
 * without colours; --highlight's codes in the text; --format's fields;
 * --json's object around a log_type json app's line.
 */
static void
test_decode_cli_options(void **state)
{
	struct pt_dec *t = pt_dec_new("stdin");

	(void)state;
	set_tz("UTC");
	RAW(t, "\033[2m\033[90m2026-12-08-00:09:28 \033[39m\033[22m\033[32m"
	    "0|forky  | \033[39m[Omni] a");
	RAW(t, "\033[2m\033[90mHH[h] mm ss x \033[39m\033[22m\033[31m"
	    "1|clu  | \033[39m  status: false,");
	RAW(t, "\033[2m\033[90m\033[39m\033[22m0|x | an empty format");
	RAW(t, "2026-12-08-00:09:28 0|forky  | b");
	RAW(t, "00:09:28 2|a b | c");
	RAW(t, "Dec 08 00:09:28 3|d | 2026-11-29T20:30:50: e");
	RAW(t, "\033[32m0|forky  | \033[39m[\033[100mOmni\033[49m] f");
	RAW(t, "\033[32m0|forky  | \033[39m\033[100m2026\033[49m-11-29T20:30:50: g");
	RAW(t, "timestamp=2026-12-08-00:09:29+0000 app=my app id=4 type=error "
	    "message=h");
	RAW(t, "timestamp=2026-12-08-00:09:29+0000 app=pm2 message=App online");
	RAW(t, "app=web id=5 message=i");
	RAW(t, "{\"message\":\"{\\\"message\\\":\\\"j\\\\nk\\\\n\\\","
	    "\\\"timestamp\\\":\\\"2026-11-29T20:30:50.000Z\\\","
	    "\\\"type\\\":\\\"out\\\",\\\"process_id\\\":6,"
	    "\\\"app_name\\\":\\\"jsn\\\"}\",\"timestamp\":"
	    "\"2026-12-08T00:00:00.000Z\",\"type\":\"out\",\"process_id\":6,"
	    "\"app_name\":\"jsn\"}");
	RAW(t, "apple pie");
	RAW(t, "timestamps are useful");
	assert_int_equal(t->n, 15);
	pt_expect(t, 0, "[Omni] a", STAMP_NONE, "forky");
	pt_expect(t, 1, "  status: false,", STAMP_NONE, "clu");
	pt_expect(t, 2, "an empty format", STAMP_NONE, "x");
	pt_expect(t, 3, "b", STAMP_NONE, "forky");
	pt_expect(t, 4, "c", STAMP_NONE, "a b");
	pt_expect(t, 5, "e", T_20_30_50 * 1000, "d");
	pt_expect(t, 6, "[Omni] f", STAMP_NONE, "forky");
	pt_expect(t, 7, "g", T_20_30_50 * 1000, "forky");
	pt_expect(t, 8, "h", STAMP_NONE, "my app");
	pt_expect(t, 9, "App online", STAMP_NONE, "PM2");
	pt_expect(t, 10, "i", STAMP_NONE, "web");
	pt_expect(t, 11, "j", T_20_30_50 * 1000, "jsn");
	pt_expect(t, 12, "k", T_20_30_50 * 1000, "jsn");
	pt_expect(t, 13, "apple pie", STAMP_NONE, "stdin");
	pt_expect(t, 14, "timestamps are useful", STAMP_NONE, "stdin");
	pt_dec_free(t);
}

/* A line that looks like a prefix but is not one is left alone. */
static void
test_decode_not_prefixes(void **state)
{
	struct pt_dec *t = pt_dec_new("app");

	(void)state;
	RAW(t, "2026 was a year");
	RAW(t, "PM2 is a process manager");
	RAW(t, "404|not found");
	RAW(t, "\033[32m[ansi] explicit ANSI green text\033[0m");
	assert_int_equal(t->n, 4);
	pt_expect(t, 0, "2026 was a year", STAMP_NONE, "app");
	pt_expect(t, 1, "PM2 is a process manager", STAMP_NONE, "app");
	pt_expect(t, 2, "404|not found", STAMP_NONE, "app");
	pt_expect(t, 3, "\033[32m[ansi] explicit ANSI green text\033[0m",
	    STAMP_NONE, "app");
	pt_dec_free(t);
}

/*
 * A time that no ':' follows is text, not PM2's prefix: the line keeps no
 * time (fuzz_pipeline: the fast path said so, the decoder gave the line
 * the time it had parsed).
 */
static void
test_stamp_prefix_needs_colon(void **state)
{
	static const char line[] = "2026-11-29T21:58 -29521T:8:11: x";
	int64_t ms = 42;

	(void)state;
	assert_int_equal(stamp_parse_pm2_prefix(line, strlen(line), &ms), 0);
	assert_int_equal(ms, 42);
	assert_int_equal(stamp_parse_pm2_prefix("2026-11-29T21:58: x", 19,
	    &ms), 18);
	assert_true(ms != 42);
}

/*
 * pm2_stamp_is_prefix compares 16-byte blocks where the stamp allows it:
 * a difference at any byte of the stamp, a stamp of any length up to its
 * 48 bytes, and a line shorter than the stamp must all be seen.
 */
static void
test_stamp_prefix_every_byte(void **state)
{
	static const size_t lens[] = { 2, 15, 16, 17, 21, 31, 32, 47, 48 };
	char line[80];

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct pm2_stamp st;

		memset(&st, 0, sizeof(st));
		st.len = lens[i];
		for (size_t k = 0; k < st.len; k++)
			st.text[k] = (char)('A' + (k * 7) % 26);
		memset(line, 'z', sizeof(line));
		memcpy(line, st.text, st.len);
		assert_true(pm2_stamp_is_prefix(&st, line, sizeof(line)));
		assert_true(pm2_stamp_is_prefix(&st, line, st.len));
		assert_false(pm2_stamp_is_prefix(&st, line, st.len - 1));
		for (size_t k = 0; k < st.len; k++) {
			line[k] ^= 0x20;
			assert_false(pm2_stamp_is_prefix(&st, line,
			    sizeof(line)));
			line[k] ^= 0x20;
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_pm2_formats),
		cmocka_unit_test(test_stamp_prefix_every_byte),
		cmocka_unit_test(test_stamp_prefix_needs_colon),
		cmocka_unit_test(test_stamp_zones),
		cmocka_unit_test(test_stamp_local_time),
		cmocka_unit_test(test_stamp_same_hour),
		cmocka_unit_test(test_stamp_not_stamps),
		cmocka_unit_test(test_stamp_other_orders),
		cmocka_unit_test(test_stamp_durations),
		cmocka_unit_test(test_stamp_args),
		cmocka_unit_test(test_stamp_format),
		cmocka_unit_test(test_name_parse),
		cmocka_unit_test(test_name_reject),
		cmocka_unit_test(test_name_order),
		cmocka_unit_test(test_name_cmp_pairs),
		cmocka_unit_test(test_name_listing_07),
		cmocka_unit_test(test_decode_plain),
		cmocka_unit_test(test_decode_stamps),
		cmocka_unit_test(test_decode_json_several_lines),
		cmocka_unit_test(test_decode_json_split_line),
		cmocka_unit_test(test_decode_json_and_raw_lines),
		cmocka_unit_test(test_decode_json_piece_then_raw),
		cmocka_unit_test(test_decode_json_piece_at_eof),
		cmocka_unit_test(test_decode_cli_prefix),
		cmocka_unit_test(test_decode_stamp_without_blank),
		cmocka_unit_test(test_decode_stamps_undated),
		cmocka_unit_test(test_decode_cli_options),
		cmocka_unit_test(test_decode_cli_timestamp_prefix),
		cmocka_unit_test(test_decode_not_prefixes),
	};

	return cmocka_run_group_tests(tests, pt_setup, NULL);
}
