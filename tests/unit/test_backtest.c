/*
 * test_backtest: what backtest needs of alert.c (alert.h) and checks there:
 * rules over no state save nothing and still notify; alert_rule_value()
 * is the figure each kind compares with its threshold; the window gives
 * the same counts whether the clock steps a second at a time (a backtest
 * stepping through a month) or jumps past the whole window.
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

#include "alert.h"
#include "config.h"
#include "match.h"
#include "redact.h"
#include "stamp.h"
#include "xmalloc.h"

#define BT_T0	1796601600000LL		/* 2026-12-07T00:00:00Z */

static char bt_path[256];

struct bt {
	struct config	 cfg;
	struct config_alert rules[2];
	struct match_set *set;
	struct redact	*rd;
	int		 notices;
	int		 resolved;
};

static void
bt_notify(void *ctx, const struct alert_notice *n)
{
	struct bt *t = ctx;

	t->notices++;
	t->resolved += n->is_resolved;
}

static int
bt_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct bt *t = xcalloc(1, sizeof(*t));
	char *err = NULL;
	FILE *fp;
	int fd;

	snprintf(bt_path, sizeof(bt_path), "%s/test_backtest.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	fd = mkstemp(bt_path);
	if (fd < 0)
		return -1;
	fp = fdopen(fd, "w");
	fputs("name: omni\nsuccess:\n  - 'OK'\nfailure:\n"
	    "  - class: a\n    regex: 'AAA'\n", fp);
	fclose(fp);
	t->set = match_set_load(bt_path, &err);
	t->rd = redact_new(NULL, 0, NULL, &err);
	t->rules[0].name = "fails";
	t->rules[0].kind = CONFIG_ALERT_FAILURES;
	t->rules[0].threshold = 3;
	t->rules[0].window_ms = 5000;
	t->rules[0].repeat_ms = 3600000;
	t->rules[1].name = "quiet";
	t->rules[1].kind = CONFIG_ALERT_NO_SUCCESS;
	t->rules[1].window_ms = 60000;
	t->rules[1].repeat_ms = 3600000;
	t->cfg.alerts = t->rules;
	t->cfg.nalerts = 2;
	*state = t;
	return t->set == NULL || t->rd == NULL ? -1 : 0;
}

static int
bt_teardown(void **state)
{
	struct bt *t = *state;

	match_set_free(t->set);
	redact_free(t->rd);
	free(t);
	return unlink(bt_path);
}

static struct alert *
bt_new(struct bt *t, int64_t now)
{
	struct alert_cb cb = { .notify = bt_notify, .ctx = t };
	char *err = NULL;
	struct alert *al = alert_new(&t->cfg, &t->set, 1, NULL, t->rd, &cb,
	    now, &err);

	if (al == NULL)
		fail_msg("alert_new: %s", err);
	return al;
}

static void
bt_fail(struct alert *al, int64_t ms)
{
	alert_record(al, 0, "app", "error", MATCH_FAILURE, 0, ms, "AAA", 3,
	    ms, false);
}

static void
test_window_steps(void **state)
{
	struct bt *t = *state;
	struct alert *al;

	t->notices = t->resolved = 0;
	al = bt_new(t, BT_T0);
	/* A failure every second for 10 s, the clock ticking each second. */
	for (int64_t s = 0; s < 10; s++) {
		bt_fail(al, BT_T0 + s * 1000);
		alert_tick(al, BT_T0 + s * 1000);
	}
	/* The 5 s window at 9 s holds the failures of 5..9. */
	assert_true(alert_rule_value(al, 0, BT_T0 + 9000) == 5);
	assert_int_equal(alert_rule_status(al, 0), ALERT_FIRING);
	/* A step of 3 s lets 5, 6 and 7 go: 8 and 9 are left. */
	alert_tick(al, BT_T0 + 12000);
	assert_true(alert_rule_value(al, 0, BT_T0 + 12000) == 2);
	assert_int_equal(alert_rule_status(al, 0), ALERT_INACTIVE);
	/* Ticking on second by second: 8 goes at 13, 9 at 14. */
	alert_tick(al, BT_T0 + 13000);
	assert_true(alert_rule_value(al, 0, BT_T0 + 13000) == 1);
	alert_tick(al, BT_T0 + 14000);
	assert_true(alert_rule_value(al, 0, BT_T0 + 14000) == 0);
	/* A failure then a jump past the whole window. */
	bt_fail(al, BT_T0 + 20000);
	alert_tick(al, BT_T0 + 20000);
	assert_true(alert_rule_value(al, 0, BT_T0 + 20000) == 1);
	alert_tick(al, BT_T0 + 120000);
	assert_true(alert_rule_value(al, 0, BT_T0 + 120000) == 0);
	/* fails fired and resolved once, quiet fired at 60 s; with no
	 * state to save into, the notices came all the same. */
	assert_int_equal(alert_rule_status(al, 0), ALERT_INACTIVE);
	assert_int_equal(t->notices, 3);
	assert_int_equal(t->resolved, 1);
	alert_free(al);
}

static void
test_values(void **state)
{
	struct bt *t = *state;
	struct alert *al;

	t->notices = t->resolved = 0;
	al = bt_new(t, BT_T0);
	/* no_success: the quiet since the rule was made, in seconds. */
	alert_tick(al, BT_T0 + 30000);
	assert_true(alert_rule_value(al, 1, BT_T0 + 30000) == 30);
	alert_record(al, 0, "app", "out", MATCH_SUCCESS, 0, BT_T0 + 40000,
	    "OK", 2, BT_T0 + 40000, false);
	alert_tick(al, BT_T0 + 40000);
	assert_true(alert_rule_value(al, 1, BT_T0 + 45000) == 5);
	assert_int_equal(alert_rule_status(al, 1), ALERT_INACTIVE);
	/* Quiet for the whole minute after the success: it fires. */
	alert_tick(al, BT_T0 + 100000);
	assert_int_equal(alert_rule_status(al, 1), ALERT_FIRING);
	assert_true(alert_rule_value(al, 1, BT_T0 + 100000) == 60);
	assert_int_equal(t->notices, 1);
	/* Which records count for a rule: its set's failures. */
	assert_true(alert_rule_counts(al, 0, 0, MATCH_FAILURE, 0));
	assert_false(alert_rule_counts(al, 0, 0, MATCH_SUCCESS, 0));
	assert_false(alert_rule_counts(al, 0, 1, MATCH_FAILURE, 0));
	alert_free(al);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_steps),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, bt_setup, bt_teardown);
}
