/*
 * test_metrics: the numbers of the exposition page (metrics_sample), as
 * Prometheus' own clients write them: a duration of 4 ms is 0.004, not
 * %.17g's 0.0040000000000000001; whole numbers are integers; NaN and the
 * infinities are spelled as the text format spells them.  And the
 * counters: every set of labels its own series, in the order first seen,
 * whatever the order records come in and however many there are (the
 * counters are found by a hash of their labels).
 */
#include "autoconf.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "metrics.h"

static const double test_values[] = {
	0.004, 0.1 + 0.2, 1.0 / 3.0, 42.0, -7.0, 1e-7, 12345.678, 1e300,
	NAN, INFINITY, -INFINITY, 9007199254740993.0,
};

static void
test_render(void *ctx, struct metrics_buf *b)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(test_values) / sizeof(test_values[0]);
	    i++)
		metrics_sample(b, "x", test_values[i], 0, NULL);
}

static void
test_numbers(void **state)
{
	struct config cfg;
	struct metrics_cb cb = { test_render, NULL, NULL };
	struct metrics *m;
	char *err = NULL, *page, *tail;
	size_t len;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	m = metrics_new(&cfg, -1, &cb, &err);
	assert_non_null(m);
	page = metrics_render(m, &len);
	tail = strstr(page, "\nx ");
	assert_non_null(tail);
	assert_string_equal(tail + 1,
	    "x 0.004\n"
	    "x 0.30000000000000004\n"
	    "x 0.3333333333333333\n"
	    "x 42\n"
	    "x -7\n"
	    "x 1e-07\n"
	    "x 12345.678\n"
	    "x 1e+300\n"
	    "x NaN\n"
	    "x +Inf\n"
	    "x -Inf\n"
	    "x 9007199254740992\n");
	free(page);
	metrics_free(m);
}

/* 300 apps x 2 instances x 2 classes, recorded round and round: app A,
 * instance I, class C counted A % 5 + 1 times. */
static void
test_counters(void **state)
{
	struct config cfg;
	struct metrics_cb cb = { .render = NULL };
	struct metrics *m;
	char *err = NULL, *page, app[32], want[256];
	size_t len;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	m = metrics_new(&cfg, -1, &cb, &err);
	assert_non_null(m);
	for (int round = 0; round < 5; round++)
		for (int a = 0; a < 300; a++)
			for (int k = 0; k < 4; k++) {
				if (round > a % 5)
					continue;
				snprintf(app, sizeof(app), "app%03d", a);
				metrics_record(m, "omni", app, k % 2, "failure",
				    k < 2 ? "timeout" : "route_not_found");
			}
	/* The same labels with another instance, or none, are others. */
	metrics_record(m, "omni", "app000", -1, "failure", "timeout");
	page = metrics_render(m, &len);
	for (int a = 0; a < 300; a++)
		for (int k = 0; k < 4; k++) {
			snprintf(want, sizeof(want), "omniwatch_records_total{"
			    "pattern_set=\"omni\",app=\"app%03d\",outcome="
			    "\"failure\",class=\"%s\",instance=\"%d\"} %d\n",
			    a, k < 2 ? "timeout" : "route_not_found", k % 2,
			    a % 5 + 1);
			assert_non_null(strstr(page, want));
		}
	assert_non_null(strstr(page, "omniwatch_records_total{pattern_set="
	    "\"omni\",app=\"app000\",outcome=\"failure\",class="
	    "\"timeout\"} 1\n"));
	/* First seen first. */
	assert_true(strstr(page, "app001\"") < strstr(page, "app002\""));
	free(page);
	metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
