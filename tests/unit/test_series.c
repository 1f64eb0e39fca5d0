/*
 * test_series: counts per step (series.h), as summary and scan fill them
 * for the "hours" and "steps" of the JSON report and the HTML chart: steps
 * sorted (by series_regroup) whatever order records come in, merged, and
 * floored (not truncated) before 1970; minutes regrouped into 5 minutes,
 * hours and days; --step parsed; the default step of a range.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "series.h"
#include "stamp.h"

#define H	SERIES_HOUR_MS
#define M	SERIES_MINUTE_MS
#define T0	1795982400000LL		/* 2026-11-29T20:00:00Z */

/* Only nfailure is read from the set. */
static struct match_set se_set = { .nfailure = 2 };

static struct series *
se_new(void)
{
	struct match_set *sets[] = { &se_set };

	return series_new(sets, 1, H);
}

static void
test_out_of_order_and_merged(void **state)
{
	struct series *s = se_new(), *r;
	const struct series_set *ss;

	(void)state;
	series_add(s, 0, MATCH_FAILURE, 1, 1, T0 + 3 * H + 5);
	series_add(s, 0, MATCH_SUCCESS, 0, 2, T0 + H);
	series_add(s, 0, MATCH_FAILURE, 0, 3, T0 + 2 * H + H - 1);
	series_add(s, 0, MATCH_DAMAGED, 0, 1, T0 + H + 59 * 60000);
	series_add(s, 0, MATCH_FAILURE, 1, 4, T0 + 3 * H);
	assert_int_equal(s->sets[0].nsteps, 3);
	r = series_regroup(s, H);
	ss = &r->sets[0];
	assert_int_equal(ss->nsteps, 3);
	assert_true(ss->steps[0].start_ms == T0 + H);
	assert_true(ss->steps[1].start_ms == T0 + 2 * H);
	assert_true(ss->steps[2].start_ms == T0 + 3 * H);
	assert_int_equal(ss->steps[0].successes, 2);
	assert_int_equal(ss->steps[0].damaged, 1);
	assert_int_equal(ss->steps[1].failures, 3);
	assert_int_equal(ss->steps[1].classes[0], 3);
	assert_int_equal(ss->steps[2].failures, 5);
	assert_int_equal(ss->steps[2].classes[1], 5);
	assert_int_equal(ss->steps[2].classes[0], 0);
	series_free(r);
	series_free(s);
}

static void
test_ignored(void **state)
{
	struct series *s = se_new();

	(void)state;
	series_add(s, 0, MATCH_FAILURE, 0, 1, STAMP_NONE);
	series_add(s, 0, MATCH_NONE, 0, 1, T0);
	assert_int_equal(s->sets[0].nsteps, 0);
	series_free(s);
	series_free(NULL);
}

static void
test_floor_before_1970(void **state)
{
	struct series *s = se_new();

	(void)state;
	series_add(s, 0, MATCH_SUCCESS, 0, 1, -1);
	series_add(s, 0, MATCH_SUCCESS, 0, 1, 0);
	assert_int_equal(s->sets[0].nsteps, 2);
	assert_true(s->sets[0].steps[0].start_ms == -H);
	assert_true(s->sets[0].steps[1].start_ms == 0);
	series_free(s);
}

/* A year of hours, backwards: every insert is at the front. */
static void
test_many_backwards(void **state)
{
	struct series *s = se_new(), *r;
	const struct series_set *ss;
	size_t n = 24 * 365;

	(void)state;
	for (size_t i = n; i > 0; i--)
		series_add(s, 0, MATCH_FAILURE, 0, 1, T0 + (int64_t)i * H + 17);
	for (size_t i = 1; i <= n; i += 7)
		series_add(s, 0, MATCH_SUCCESS, 0, 1, T0 + (int64_t)i * H);
	r = series_regroup(s, H);
	ss = &r->sets[0];
	assert_int_equal(ss->nsteps, n);
	for (size_t i = 0; i < n; i++) {
		assert_true(ss->steps[i].start_ms == T0 + (int64_t)(i + 1) * H);
		assert_int_equal(ss->steps[i].failures, 1);
		assert_int_equal(ss->steps[i].successes, i % 7 == 0 ? 1 : 0);
	}
	series_free(r);
	series_free(s);
}

static void
test_rate(void **state)
{
	struct series_step h;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_true(series_step_rate(&h) < 0);
	h.failures = 1;
	h.successes = 3;
	h.damaged = 100;	/* left out of the rate */
	assert_true(series_step_rate(&h) == 0.25);
}

/* An incident's minutes, out of order, regrouped at 1m, 5m, 1h and 1d. */
static void
test_regroup(void **state)
{
	struct match_set *sets[] = { &se_set };
	struct series *m = series_new(sets, 1, M), *r;
	int64_t t = T0 + 2 * M + 7;	/* 20:02:00.007 */

	(void)state;
	series_add(m, 0, MATCH_FAILURE, 1, 2, t + 4 * M);	/* 20:06 */
	series_add(m, 0, MATCH_FAILURE, 0, 3, t);		/* 20:02 */
	series_add(m, 0, MATCH_SUCCESS, 0, 5, t + 2 * M);	/* 20:04 */
	series_add(m, 0, MATCH_FAILURE, 0, 1, t + 59 * 1000);	/* 20:02 */
	series_add(m, 0, MATCH_DAMAGED, 0, 1, T0 + 4 * H);	/* 00:00 */

	r = series_regroup(m, M);
	assert_int_equal(r->sets[0].nsteps, 4);
	assert_true(r->sets[0].steps[0].start_ms == T0 + 2 * M);
	assert_int_equal(r->sets[0].steps[0].failures, 4);
	assert_int_equal(r->sets[0].steps[0].classes[0], 4);
	assert_true(r->sets[0].steps[1].start_ms == T0 + 4 * M);
	assert_true(r->sets[0].steps[2].start_ms == T0 + 6 * M);
	assert_int_equal(r->sets[0].steps[2].classes[1], 2);
	assert_true(r->sets[0].steps[3].start_ms == T0 + 4 * H);
	series_free(r);

	r = series_regroup(m, 5 * M);
	assert_int_equal(r->sets[0].nsteps, 3);
	assert_true(r->sets[0].steps[0].start_ms == T0);
	assert_int_equal(r->sets[0].steps[0].failures, 4);
	assert_int_equal(r->sets[0].steps[0].successes, 5);
	assert_true(r->sets[0].steps[1].start_ms == T0 + 5 * M);
	assert_int_equal(r->sets[0].steps[1].failures, 2);
	series_free(r);

	r = series_regroup(m, H);
	assert_int_equal(r->sets[0].nsteps, 2);
	assert_int_equal(r->sets[0].steps[0].failures, 6);
	series_free(r);

	/* 2026-11-29T20:00Z and 2026-11-30T00:00Z: two UTC days. */
	r = series_regroup(m, 24 * H);
	assert_int_equal(r->sets[0].nsteps, 2);
	assert_true(r->sets[0].steps[0].start_ms == T0 - 20 * H);
	assert_int_equal(r->sets[0].steps[1].damaged, 1);
	series_free(r);
	series_free(m);
}

static void
test_step_parse(void **state)
{
	int64_t ms = 0;
	const char *err = NULL;
	char buf[24];

	(void)state;
	assert_int_equal(series_step_parse("1m", &ms, &err), 0);
	assert_true(ms == M);
	assert_int_equal(series_step_parse("15m", &ms, &err), 0);
	assert_true(ms == 15 * M);
	assert_int_equal(series_step_parse("1d", &ms, &err), 0);
	assert_true(ms == 24 * H);
	assert_int_equal(series_step_parse("120s", &ms, &err), 0);
	assert_true(ms == 2 * M);
	assert_int_equal(series_step_parse("30s", &ms, &err), -1);
	assert_non_null(err);
	assert_int_equal(series_step_parse("90s", &ms, &err), -1);
	assert_int_equal(series_step_parse("2d", &ms, &err), -1);
	assert_int_equal(series_step_parse("0m", &ms, &err), -1);
	assert_int_equal(series_step_parse("soon", &ms, &err), -1);
	assert_int_equal(series_step_parse("", &ms, &err), -1);
	assert_string_equal(series_step_name(M, buf), "1m");
	assert_string_equal(series_step_name(90 * M, buf), "90m");
	assert_string_equal(series_step_name(2 * H, buf), "2h");
	assert_string_equal(series_step_name(24 * H, buf), "1d");
}

static void
test_step_default(void **state)
{
	struct match_set *sets[] = { &se_set };
	struct series *m = series_new(sets, 1, M);

	(void)state;
	assert_true(series_step_default(NULL, T0, T0 + 6 * H) == M);
	assert_true(series_step_default(NULL, T0, T0 + 6 * H + M) == H);
	assert_true(series_step_default(m, STAMP_NONE, STAMP_NONE) == M);
	series_add(m, 0, MATCH_SUCCESS, 0, 1, T0);
	series_add(m, 0, MATCH_SUCCESS, 0, 1, T0 + 6 * H - M);
	assert_true(series_step_default(m, STAMP_NONE, STAMP_NONE) == M);
	series_add(m, 0, MATCH_SUCCESS, 0, 1, T0 + 6 * H);
	assert_true(series_step_default(m, STAMP_NONE, STAMP_NONE) == H);
	/* A bound given wins over the data's. */
	assert_true(series_step_default(m, T0 + 5 * H, STAMP_NONE) == M);
	series_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_order_and_merged),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_floor_before_1970),
		cmocka_unit_test(test_many_backwards),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_regroup),
		cmocka_unit_test(test_step_parse),
		cmocka_unit_test(test_step_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
