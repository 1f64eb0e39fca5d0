/*
 * test_path: path_join (path.h), the one join of a directory and a name:
 * a trailing slash on the directory, as a user types "logs/", must not
 * double the slash in the paths shown and kept.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "path.h"

static void
pj(const char *dir, const char *name, const char *want)
{
	char *got = path_join(dir, name);

	assert_string_equal(got, want);
	free(got);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_trailing_slashes),
		cmocka_unit_test(test_root_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
