/*
 * test_metrics: the numbers of the exposition page (metrics_sample), as
 * Prometheus' own clients write them: a duration of 4 ms is 0.004, not
 * %.17g's 0.0040000000000000001; whole numbers are integers; NaN and the
 * infinities are spelled as the text format spells them.
 */
#include "autoconf.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
