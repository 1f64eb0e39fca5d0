/*
 * test_series: counts per hour (series.h), as summary and scan fill them
 * for the "hours" of the JSON report and the HTML chart: hours sorted
 * whatever order records come in, merged, and floored (not truncated)
 * before 1970.
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
#define T0	1795982400000LL		/* 2026-11-29T20:00:00Z */

/* Only nfailure is read from the set. */
static struct match_set se_set = { .nfailure = 2 };

static struct series *
se_new(void)
{
	struct match_set *sets[] = { &se_set };

	return series_new(sets, 1);
}

static void
test_out_of_order_and_merged(void **state)
{
	struct series *s = se_new();
	const struct series_set *ss = &s->sets[0];

	(void)state;
	series_add(s, 0, MATCH_FAILURE, 1, 1, T0 + 3 * H + 5);
	series_add(s, 0, MATCH_SUCCESS, 0, 2, T0 + H);
	series_add(s, 0, MATCH_FAILURE, 0, 3, T0 + 2 * H + H - 1);
	series_add(s, 0, MATCH_DAMAGED, 0, 1, T0 + H + 59 * 60000);
	series_add(s, 0, MATCH_FAILURE, 1, 4, T0 + 3 * H);
	assert_int_equal(ss->nhours, 3);
	assert_true(ss->hours[0].hour_ms == T0 + H);
	assert_true(ss->hours[1].hour_ms == T0 + 2 * H);
	assert_true(ss->hours[2].hour_ms == T0 + 3 * H);
	assert_int_equal(ss->hours[0].successes, 2);
	assert_int_equal(ss->hours[0].damaged, 1);
	assert_int_equal(ss->hours[1].failures, 3);
	assert_int_equal(ss->hours[1].classes[0], 3);
	assert_int_equal(ss->hours[2].failures, 5);
	assert_int_equal(ss->hours[2].classes[1], 5);
	assert_int_equal(ss->hours[2].classes[0], 0);
	series_free(s);
}

static void
test_ignored(void **state)
{
	struct series *s = se_new();

	(void)state;
	series_add(s, 0, MATCH_FAILURE, 0, 1, STAMP_NONE);
	series_add(s, 0, MATCH_NONE, 0, 1, T0);
	assert_int_equal(s->sets[0].nhours, 0);
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
	assert_int_equal(s->sets[0].nhours, 2);
	assert_true(s->sets[0].hours[0].hour_ms == -H);
	assert_true(s->sets[0].hours[1].hour_ms == 0);
	series_free(s);
}

/* A year of hours, backwards: every insert is at the front. */
static void
test_many_backwards(void **state)
{
	struct series *s = se_new();
	const struct series_set *ss = &s->sets[0];
	size_t n = 24 * 365;

	(void)state;
	for (size_t i = n; i > 0; i--)
		series_add(s, 0, MATCH_FAILURE, 0, 1, T0 + (int64_t)i * H + 17);
	for (size_t i = 1; i <= n; i += 7)
		series_add(s, 0, MATCH_SUCCESS, 0, 1, T0 + (int64_t)i * H);
	assert_int_equal(ss->nhours, n);
	for (size_t i = 0; i < n; i++) {
		assert_true(ss->hours[i].hour_ms == T0 + (int64_t)(i + 1) * H);
		assert_int_equal(ss->hours[i].failures, 1);
		assert_int_equal(ss->hours[i].successes, i % 7 == 0 ? 1 : 0);
	}
	series_free(s);
}

static void
test_rate(void **state)
{
	struct series_hour h;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_true(series_hour_rate(&h) < 0);
	h.failures = 1;
	h.successes = 3;
	h.damaged = 100;	/* left out of the rate */
	assert_true(series_hour_rate(&h) == 0.25);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
