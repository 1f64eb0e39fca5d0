/*
 * test_log: a message is one line in one write(2) (log.c), so that
 * another thread's or process's line never lands inside it; and a long
 * one is whole.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Runs FN with stderr on a pipe, and returns what one read(2) of it
 * gave (NUL-ended, malloc'd).  With IS_PACKET, a pipe in packet mode
 * (pipe(7), O_DIRECT): a read returns one write, however many are
 * waiting, so a line written in pieces reads as its first piece. */
static char *
tl_one_read(void (*fn)(void), bool is_packet)
{
	int pfd[2], saved = dup(2);
	char *buf = calloc(1, 65536);
	ssize_t n;

	assert_int_equal(pipe2(pfd, is_packet ? O_DIRECT : 0), 0);
	assert_non_null(buf);
	fflush(stderr);
	assert_true(dup2(pfd[1], 2) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	close(pfd[1]);
	n = read(pfd[0], buf, 65535);
	assert_true(n > 0);
	close(pfd[0]);
	return buf;
}

static void
tl_warn(void)
{
	errno = ENOENT;
	log_warn("%s: %d", "/x/y.log", 42);
}

static void
tl_long(void)
{
	char *s = malloc(9001);

	assert_non_null(s);
	memset(s, 'x', 9000);
	s[9000] = '\0';
	log_warnx("%s", s);
	free(s);
}

static void
test_one_write(void **state)
{
	char *got;

	(void)state;
	got = tl_one_read(tl_warn, true);
	assert_string_equal(got, "omniwatch: warning: /x/y.log: 42: No such "
	    "file or directory\n");
	free(got);
}

static void
test_long_whole(void **state)
{
	char *got;

	(void)state;
	got = tl_one_read(tl_long, false);
	assert_int_equal(strlen(got), strlen("omniwatch: warning: \n") + 9000);
	assert_int_equal(got[strlen(got) - 1], '\n');
	assert_int_equal(got[strlen(got) - 2], 'x');
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_write),
		cmocka_unit_test(test_long_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
