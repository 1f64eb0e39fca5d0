/*
 * test_path: path_join (path.h), the one join of a directory and a name:
 * a trailing slash on the directory, as a user types "logs/", must not
 * double the slash in the paths shown and kept.  path_join_buf, the same
 * join without allocating, must give the same bytes, and say how long
 * the path is when the buffer is too short.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "path.h"

static void
pj(const char *dir, const char *name, const char *want)
{
	char *got = path_join(dir, name);
	char buf[64];

	assert_string_equal(got, want);
	free(got);
	assert_int_equal(path_join_buf(buf, sizeof(buf), dir, name),
	    strlen(want));
	assert_string_equal(buf, want);
}

static void
test_plain(void **state)
{
	(void)state;
	pj("logs", "a-out.log", "logs/a-out.log");
	pj("/home/app/.pm2", "logs", "/home/app/.pm2/logs");
	pj("a/b", "c/d", "a/b/c/d");
}

static void
test_trailing_slashes(void **state)
{
	(void)state;
	pj("logs/", "a-out.log", "logs/a-out.log");
	pj("examples/pm2-logs///", "omni-app-out.log",
	    "examples/pm2-logs/omni-app-out.log");
	pj("/home/app/.pm2/", "pm2.log", "/home/app/.pm2/pm2.log");
	pj("logs", "/a-out.log", "logs/a-out.log");
}

static void
test_root_and_empty(void **state)
{
	(void)state;
	pj("/", "x.log", "/x.log");
	pj("//", "x.log", "/x.log");
	pj("", "x.log", "x.log");
	pj(".", "x.log", "./x.log");
}

/* Too short a buffer: the length still, and a truncated NUL-ended path. */
static void
test_buf_short(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(path_join_buf(buf, sizeof(buf), "logs/", "a-out.log"),
	    14);
	assert_string_equal(buf, "logs/a-");
	assert_int_equal(path_join_buf(NULL, 0, "/", "a"), 2);
	buf[0] = 'x';
	assert_int_equal(path_join_buf(buf, 1, "logs", "a"), 6);
	assert_int_equal(buf[0], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_trailing_slashes),
		cmocka_unit_test(test_root_and_empty),
		cmocka_unit_test(test_buf_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
