/*
 * test_config_override: `--set RULE.KEY=VALUE` (config_override.h), the
 * change of an alert rule's key for one backtest: replaced, added and
 * removed keys, lists, rule names with dots, and errors that name the
 * argument, checked by the same code as the file.
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
#include <unistd.h>

#include "config.h"
#include "xmalloc.h"

static char co_path[256];

static int
co_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	FILE *fp;
	int fd;

	(void)state;
	snprintf(co_path, sizeof(co_path), "%s/test_config_override.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	fd = mkstemp(co_path);
	if (fd < 0)
		return -1;
	fp = fdopen(fd, "w");
	fputs("sources: [{path: /x}]\n"
	    "state_dir: /nonexistent\n"
	    "alerts:\n"
	    "  - {name: api.fails, kind: failures, threshold: 3, for: 1m}\n"
	    "  - {name: quiet, kind: no_success, window: 30m}\n", fp);
	return fclose(fp) == 0 ? 0 : -1;
}

static int
co_teardown(void **state)
{
	(void)state;
	return unlink(co_path);
}

static struct config *
co_load(char **args, size_t n)
{
	char *err = NULL;
	struct config *cfg = config_load_with(co_path, args, n, &err);

	if (cfg == NULL)
		fail_msg("unexpected error: %s", err);
	return cfg;
}

static void
co_error(char *arg, const char *expected)
{
	char *err = NULL;
	struct config *cfg = config_load_with(co_path, &arg, 1, &err);

	if (cfg != NULL)
		fail_msg("no error for %s", arg);
	assert_string_equal(err, expected);
	free(err);
}

static void
test_replace_add_remove(void **state)
{
	char *args[] = { "api.fails.threshold=5", "api.fails.window=10m",
	    "api.fails.for=", "api.fails.classes=a,b",
	    "quiet.min_events=2" };
	struct config *cfg;

	(void)state;
	cfg = co_load(NULL, 0);
	assert_true(cfg->alerts[0].threshold == 3);
	assert_int_equal(cfg->alerts[0].for_ms, 60000);
	config_free(cfg);
	cfg = co_load(args, 5);
	assert_true(cfg->alerts[0].threshold == 5);	/* replaced */
	assert_int_equal(cfg->alerts[0].window_ms, 600000);	/* added */
	assert_int_equal(cfg->alerts[0].for_ms, 0);	/* removed */
	assert_int_equal(cfg->alerts[0].nclasses, 2);
	assert_string_equal(cfg->alerts[0].classes[1], "b");
	assert_int_equal(cfg->alerts[1].min_events, 2);
	assert_int_equal(cfg->alerts[1].window_ms, 1800000);
	config_free(cfg);
}

static void
test_errors(void **state)
{
	char *want;

	(void)state;
	co_error("api.fails.threshold=0.5", "--set 'api.fails.threshold=0.5': "
	    "alerts.api.fails.threshold: '0.5' is not a count; expected a "
	    "whole number from 1 to 1000000000");
	co_error("api.fails.window=5", "--set 'api.fails.window=5': "
	    "alerts.api.fails.window: '5' has no unit; expected a number with "
	    "a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	co_error("api.fails.bogus=1", "--set 'api.fails.bogus=1': "
	    "alerts.api.fails: unknown key 'bogus'; expected name, "
	    "pattern_set, kind, app, threshold, window, min_events, classes, "
	    "for, keep_firing_for, repeat_interval, receivers or probe");
	co_error("quiet.threshold=3", "--set 'quiet.threshold=3': "
	    "alerts.quiet.threshold: no_success takes no threshold; it fires "
	    "when the window holds no success");
	/* An argument may hold a secret: it is shown redacted (issue 18). */
	co_error("api.fails.api_key=s3cr3tZq9", "--set 'api.fails.api_key="
	    "[REDACTED]': alerts.api.fails: unknown key 'api_key'; expected "
	    "name, pattern_set, kind, app, threshold, window, min_events, "
	    "classes, for, keep_firing_for, repeat_interval, receivers or "
	    "probe");
	co_error("api.fails", "--set 'api.fails': expected RULE.KEY=VALUE "
	    "(e.g. omni-failing.threshold=0.3)");
	co_error(".threshold=1", "--set '.threshold=1': expected "
	    "RULE.KEY=VALUE (e.g. omni-failing.threshold=0.3)");
	co_error("api.fails.name=x", "--set 'api.fails.name=x': a rule's name "
	    "cannot be changed; expected another key");
	want = xasprintf("--set 'nope.window=1m': %s has no alert rule named "
	    "'nope'; expected the name: of one of its alerts", co_path);
	co_error("nope.window=1m", want);
	free(want);
}

/*
 * An override that makes a value of the file wrong, or removes one the
 * rule needs: the error names the argument (what to change) and the
 * file's place (what it clashes with); an override of another rule is
 * not named.
 */
static void
test_errors_in_the_file(void **state)
{
	char *args[2], *err = NULL, *want;
	struct config *cfg;

	(void)state;
	want = xasprintf("--set 'api.fails.kind=failure_rate', with "
	    "%s:4:50: alerts.api.fails.threshold: '3' is out of range; "
	    "expected a failure rate above 0, at most 1 (e.g. 0.5)", co_path);
	co_error("api.fails.kind=failure_rate", want);
	free(want);
	want = xasprintf("--set 'api.fails.threshold=', with %s:4:29: "
	    "alerts.api.fails: no threshold; expected a whole number from 1 "
	    "to 1000000000", co_path);
	co_error("api.fails.threshold=", want);
	free(want);
	args[0] = "quiet.window=1h";
	args[1] = "api.fails.kind=failure_rate";
	cfg = config_load_with(co_path, args, 2, &err);
	assert_null(cfg);
	assert_non_null(err);
	assert_null(strstr(err, "quiet.window"));
	want = xasprintf("--set 'api.fails.kind=failure_rate', with "
	    "%s:4:", co_path);
	assert_memory_equal(err, want, strlen(want));
	free(want);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_add_remove),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_in_the_file),
	};

	return cmocka_run_group_tests(tests, co_setup, co_teardown);
}
