/*
 * test_alert: the rules and their state machine (alert.h), on a clock the
 * test moves by hand.  Each kind fires once, stays quiet while firing,
 * repeats only after repeat_interval, resolves once, with the same id; a
 * restart from the state neither fires again nor forgets.  A streak
 * follows the records' stamps, not the order watch reads them in; an alert
 * with keep_firing_for does not flap.
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

#include "alert.h"
#include "config.h"
#include "match.h"
#include "pm2_apps.h"
#include "pm2_daemon.h"
#include "redact.h"
#include "stamp.h"
#include "state.h"
#include "testlib.h"
#include "xmalloc.h"

#define T0	1764441600000LL		/* 2025-11-29T18:40:00Z */
#define S(n)	(T0 + (int64_t)(n) * 1000)

static char at_dir[256];

struct at_seen {
	size_t		 n;
	bool		 is_resolved[16];
	char		 id[16][17];
	uint64_t	 failures[16];
	uint64_t	 successes[16];
	char		 sample[16][ALERT_SAMPLE_MAX + 1];
	size_t		 sample_len[16];
	int64_t		 dominant[16];
	size_t		 napps[16];
	uint64_t	 streak[16];
};

struct at {
	struct config	 cfg;
	struct config_alert rule;
	struct match_set *set;
	struct state	*st;
	struct redact	*rd;
	struct alert	*al;
	struct at_seen	 seen;
};

static void
at_notify(void *ctx, const struct alert_notice *n)
{
	struct at_seen *s = ctx;

	assert_true(s->n < 16);
	s->is_resolved[s->n] = n->is_resolved;
	snprintf(s->id[s->n], 17, "%s", n->id);
	s->failures[s->n] = n->failures;
	s->successes[s->n] = n->successes;
	memcpy(s->sample[s->n], n->sample != NULL ? n->sample : "",
	    n->sample_len);
	s->sample_len[s->n] = n->sample_len;
	s->dominant[s->n] = n->dominant;
	s->napps[s->n] = n->napps;
	s->streak[s->n] = n->streak;
	s->n++;
}

static int
at_setup(void **state)
{
	struct at *t = xcalloc(1, sizeof(*t));
	char *path, *err = NULL;
	FILE *fp;

	if (tl_tmpdir(at_dir, sizeof(at_dir), "test_alert") != 0)
		return -1;
	path = xasprintf("%s/set.yaml", at_dir);
	fp = fopen(path, "w");
	fputs("name: omni\nsuccess:\n  - 'OK'\nfailure:\n"
	    "  - class: a\n    regex: 'AAA'\n    diagnosis: the a thing\n"
	    "  - class: b\n    regex: 'BBB'\n", fp);
	fclose(fp);
	t->set = match_set_load(path, &err);
	free(path);
	if (t->set == NULL)
		return -1;
	t->st = state_open(at_dir, false, &err);
	t->rd = redact_new(NULL, 0, NULL, &err);
	t->rule.name = "r";
	t->rule.pattern_set = "omni";
	t->rule.window_ms = 10000;
	t->rule.repeat_ms = 3600000;
	t->cfg.alerts = &t->rule;
	t->cfg.nalerts = 1;
	*state = t;
	return t->st == NULL || t->rd == NULL ? -1 : 0;
}

static int
at_teardown(void **state)
{
	struct at *t = *state;
	int rc = tl_rmtree(at_dir);

	alert_free(t->al);
	state_close(t->st);
	redact_free(t->rd);
	match_set_free(t->set);
	free(t);
	return rc == 0 ? 0 : -1;
}

static void
at_start(struct at *t, int64_t now)
{
	struct alert_cb cb = { at_notify, &t->seen, NULL };
	char *err = NULL;

	alert_free(t->al);
	t->al = alert_new(&t->cfg, &t->set, 1, t->st, t->rd, &cb, now, &err);
	if (t->al == NULL)
		fail_msg("alert_new: %s", err);
	alert_tick(t->al, now);
}

/* One record at NOW, counted in the state as watch does, then judged. */
static void
at_rec(struct at *t, enum match_outcome o, size_t class_idx, int64_t now,
    const char *text)
{
	struct state_count c = { (now / 60000) * 60000, "omni", "app", "out",
	    o == MATCH_SUCCESS ? "success" : o == MATCH_FAILURE ? "failure" :
	    "damaged", o == MATCH_FAILURE ? t->set->failure[class_idx].name :
	    "", 1, now, now };

	assert_int_equal(state_count(t->st, &c), 0);
	alert_record(t->al, 0, "app", "out", o, class_idx, now, text,
	    strlen(text), now, true);
}

/*
 * One record stamped TS (STAMP_NONE: unstamped) read at NOW, counted but
 * not judged: watch judges a whole batch of reads at once (alert_tick).
 */
static void
at_read(struct at *t, enum match_outcome o, int64_t ts, int64_t now)
{
	const char *text = o == MATCH_SUCCESS ? "OK" : "AAA";
	struct state_count c = { ((ts != STAMP_NONE ? ts : now) / 60000) *
	    60000, "omni", "app", o == MATCH_SUCCESS ? "out" : "error",
	    o == MATCH_SUCCESS ? "success" : "failure", o == MATCH_SUCCESS ?
	    "" : "a", 1, ts, ts };

	assert_int_equal(state_count(t->st, &c), 0);
	alert_record(t->al, 0, "app", o == MATCH_SUCCESS ? "out" : "error", o,
	    0, ts, text, strlen(text), now, false);
}

static void
at_commit(struct at *t)
{
	alert_save(t->al);
	assert_int_equal(state_commit(t->st), 0);
}

static void
test_failures(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_FAILURES;
	t->rule.threshold = 3;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA 1");
	at_rec(t, MATCH_FAILURE, 1, S(2), "BBB 2");
	assert_int_equal(t->seen.n, 0);
	at_rec(t, MATCH_FAILURE, 0, S(3), "AAA 3 token=abc");
	assert_int_equal(t->seen.n, 1);
	assert_false(t->seen.is_resolved[0]);
	assert_int_equal(strlen(t->seen.id[0]), 16);
	assert_int_equal(t->seen.failures[0], 3);
	assert_int_equal(t->seen.dominant[0], 0);
	assert_int_equal(t->seen.napps[0], 1);
	assert_string_equal(t->seen.sample[0], "AAA 3 token=[REDACTED]");
	/* Still firing: more failures and time say nothing. */
	at_rec(t, MATCH_FAILURE, 0, S(4), "AAA 4");
	alert_tick(t->al, S(11));
	assert_int_equal(t->seen.n, 1);
	assert_int_equal(alert_rule_status(t->al, 0), ALERT_FIRING);
	/* At 13 s only the failure of 4 s is left in the 10 s window. */
	alert_tick(t->al, S(13) + 1);
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	assert_string_equal(t->seen.id[1], t->seen.id[0]);
	alert_tick(t->al, S(30));
	assert_int_equal(t->seen.n, 2);
	/* The next episode has another id. */
	at_rec(t, MATCH_FAILURE, 0, S(31), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(31), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(31), "AAA");
	assert_int_equal(t->seen.n, 3);
	assert_string_not_equal(t->seen.id[2], t->seen.id[0]);
}

/*
 * restarts: the figure is the true number of an app's restarts in the
 * window, not merely threshold + 1 (it was capped there, so a crash loop
 * of five restarts read "restarted 2 times" under a threshold of 1).
 */
static void
test_restarts_counted(void **state)
{
	struct at *t = *state;
	struct pm2_apps *apps = pm2_apps_new();

	t->rule.kind = CONFIG_ALERT_RESTARTS;
	t->rule.threshold = 1;
	at_start(t, S(0));
	alert_pm2_apps(t->al, apps);
	for (int k = 1; k <= 5; k++)
		alert_pm2_event(t->al, "api", PM2_EVENT_RESTART, S(k), S(k));
	alert_tick(t->al, S(5));
	assert_int_equal(t->seen.n, 1);
	assert_int_equal((int)alert_rule_value(t->al, 0, S(5)), 5);
	/* At 11 s the restart of 1 s has left the 10 s window. */
	alert_tick(t->al, S(11));
	assert_int_equal((int)alert_rule_value(t->al, 0, S(11)), 4);
	/* 14 s: only the one of 5 s is left, not more than 1: resolved. */
	alert_tick(t->al, S(14));
	assert_int_equal((int)alert_rule_value(t->al, 0, S(14)), 1);
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	alert_free(t->al);
	t->al = NULL;
	pm2_apps_free(apps);
}

static void
test_failure_rate(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_FAILURE_RATE;
	t->rule.threshold = 0.5;
	t->rule.min_events = 4;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_SUCCESS, 0, S(1), "OK");
	at_rec(t, MATCH_FAILURE, 1, S(1), "BBB");
	assert_int_equal(t->seen.n, 0);		/* 3 events < min_events */
	at_rec(t, MATCH_DAMAGED, 0, S(1), "AAA?");
	assert_int_equal(t->seen.n, 0);		/* damaged is no event */
	at_rec(t, MATCH_FAILURE, 0, S(2), "AAA");
	assert_int_equal(t->seen.n, 1);		/* 3 of 4 */
	at_rec(t, MATCH_SUCCESS, 0, S(2), "OK");
	assert_int_equal(t->seen.n, 1);		/* 3 of 5 */
	at_rec(t, MATCH_SUCCESS, 0, S(2), "OK");
	assert_int_equal(t->seen.n, 1);		/* 3 of 6 = 0.5 */
	at_rec(t, MATCH_SUCCESS, 0, S(2), "OK");
	assert_int_equal(t->seen.n, 2);		/* 3 of 7 */
	assert_true(t->seen.is_resolved[1]);
	assert_int_equal(t->seen.successes[1], 4);
	/* Fires again within the same millisecond (one batch of records):
	 * another episode, so another id. */
	at_rec(t, MATCH_FAILURE, 0, S(2), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(2), "AAA");
	assert_int_equal(t->seen.n, 3);		/* 5 of 9 */
	assert_false(t->seen.is_resolved[2]);
	assert_string_not_equal(t->seen.id[2], t->seen.id[0]);
}

static void
test_classes(void **state)
{
	struct at *t = *state;
	char *classes[] = { "b" };

	t->rule.kind = CONFIG_ALERT_FAILURES;
	t->rule.threshold = 2;
	t->rule.classes = classes;
	t->rule.nclasses = 1;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_FAILURE, 1, S(1), "BBB");
	assert_int_equal(t->seen.n, 0);
	at_rec(t, MATCH_FAILURE, 1, S(2), "BBB");
	assert_int_equal(t->seen.n, 1);
	assert_int_equal(t->seen.failures[0], 2);
	assert_int_equal(t->seen.dominant[0], 1);
	t->rule.classes = NULL;
	t->rule.nclasses = 0;
}

static void
test_consecutive(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_CONSECUTIVE_FAILURES;
	t->rule.threshold = 3;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_SUCCESS, 0, S(1), "OK");
	at_rec(t, MATCH_FAILURE, 0, S(2), "AAA");
	at_rec(t, MATCH_FAILURE, 1, S(2), "BBB");
	assert_int_equal(t->seen.n, 0);
	at_rec(t, MATCH_FAILURE, 1, S(2), "BBB");
	assert_int_equal(t->seen.n, 1);
	at_rec(t, MATCH_SUCCESS, 0, S(3), "OK");
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	/* A streak whose last failure left the window resolves too. */
	at_rec(t, MATCH_FAILURE, 0, S(4), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(4), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(5), "AAA");
	assert_int_equal(t->seen.n, 3);
	alert_tick(t->al, S(14));
	assert_int_equal(t->seen.n, 3);
	alert_tick(t->al, S(15));
	assert_int_equal(t->seen.n, 4);
	assert_true(t->seen.is_resolved[3]);
}

/*
 * PM2 writes failures to <app>-error.log and successes to <app>-out.log,
 * and watch reads each modified file in one go: traffic that alternates
 * F S F S arrives as F F F S S S, or S S S F F F.  Neither is a streak.
 */
static void
test_consecutive_by_stamp(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_CONSECUTIVE_FAILURES;
	t->rule.threshold = 3;
	t->rule.window_ms = 60000;
	at_start(t, S(0));
	/* F S F S F S, one pair a second: the error file, then the out. */
	for (int i = 1; i <= 3; i++)
		at_read(t, MATCH_FAILURE, S(i), S(4));
	for (int i = 1; i <= 3; i++)
		at_read(t, MATCH_SUCCESS, S(i), S(4));
	alert_tick(t->al, S(4));
	assert_int_equal(t->seen.n, 0);
	/* The same traffic, the out file read first this time. */
	for (int i = 5; i <= 7; i++)
		at_read(t, MATCH_SUCCESS, S(i), S(8));
	for (int i = 5; i <= 7; i++)
		at_read(t, MATCH_FAILURE, S(i), S(8));
	alert_tick(t->al, S(8));
	assert_int_equal(t->seen.n, 0);
	assert_int_equal(alert_rule_status(t->al, 0), ALERT_INACTIVE);

	/* A real streak after a success: F@8 S@8 F@9 F@9 F@10 F@11, read
	 * error file first.  The tie at 8 s goes to the success. */
	at_read(t, MATCH_FAILURE, S(8), S(12));
	at_read(t, MATCH_FAILURE, S(9), S(12));
	at_read(t, MATCH_FAILURE, S(9), S(12));
	at_read(t, MATCH_FAILURE, S(10), S(12));
	at_read(t, MATCH_FAILURE, S(11), S(12));
	at_read(t, MATCH_SUCCESS, S(8), S(12));
	alert_tick(t->al, S(12));
	assert_int_equal(t->seen.n, 1);
	assert_false(t->seen.is_resolved[0]);
	assert_int_equal(t->seen.streak[0], 4);
	/* A success stamped after them all ends it, read in any order. */
	at_read(t, MATCH_SUCCESS, S(11), S(13));
	alert_tick(t->al, S(13));
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	assert_int_equal(t->seen.streak[1], 0);

	/* Within one file, read order is the order: F S F F F of one
	 * second in the out file is a streak of 3. */
	alert_record(t->al, 0, "app", "out", MATCH_FAILURE, 0, S(12), "AAA",
	    3, S(12) + 500, false);
	alert_record(t->al, 0, "app", "out", MATCH_SUCCESS, 0, S(12), "OK",
	    2, S(12) + 500, false);
	for (int i = 0; i < 2; i++)
		alert_record(t->al, 0, "app", "out", MATCH_FAILURE, 0, S(12),
		    "AAA", 3, S(12) + 500, false);
	/* ... but not a failure of that second from another file. */
	at_read(t, MATCH_FAILURE, S(12), S(12) + 500);
	alert_tick(t->al, S(12) + 500);
	assert_int_equal(t->seen.n, 2);
	alert_record(t->al, 0, "app", "out", MATCH_FAILURE, 0, S(12), "AAA",
	    3, S(12) + 600, false);
	alert_tick(t->al, S(12) + 600);
	assert_int_equal(t->seen.n, 3);
	assert_int_equal(t->seen.streak[2], 3);
	/* A success of that second from the error file ends them all. */
	alert_record(t->al, 0, "app", "error", MATCH_SUCCESS, 0, S(12), "OK",
	    2, S(12) + 700, false);
	alert_tick(t->al, S(12) + 700);
	assert_int_equal(t->seen.n, 4);
	assert_true(t->seen.is_resolved[3]);

	/* Unstamped records fall back to the order they are read in. */
	at_read(t, MATCH_FAILURE, STAMP_NONE, S(14));
	at_read(t, MATCH_SUCCESS, STAMP_NONE, S(14));
	at_read(t, MATCH_FAILURE, STAMP_NONE, S(14));
	at_read(t, MATCH_FAILURE, STAMP_NONE, S(14));
	alert_tick(t->al, S(14));
	assert_int_equal(t->seen.n, 4);
	at_read(t, MATCH_FAILURE, STAMP_NONE, S(15));
	alert_tick(t->al, S(15));
	assert_int_equal(t->seen.n, 5);
	assert_int_equal(t->seen.streak[4], 3);
	/* A stamped success ends unstamped failures read before it. */
	at_read(t, MATCH_SUCCESS, S(1), S(16));
	alert_tick(t->al, S(16));
	assert_int_equal(t->seen.n, 6);
	assert_true(t->seen.is_resolved[5]);
	t->rule.window_ms = 10000;
}

/*
 * More distinct stamps than a rule keeps: the oldest merge at the older
 * stamp, so a late success among the newest is exact, and one among the
 * merged ends them all (late, never false).
 */
static void
test_consecutive_many_stamps(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_CONSECUTIVE_FAILURES;
	t->rule.threshold = 60;
	t->rule.window_ms = 300000;
	at_start(t, S(0));
	for (int i = 1; i <= 100; i++)
		at_read(t, MATCH_FAILURE, S(i), S(101));
	alert_tick(t->al, S(101));
	assert_int_equal(t->seen.n, 1);
	assert_int_equal(t->seen.streak[0], 100);
	at_read(t, MATCH_SUCCESS, S(50), S(102));	/* late */
	alert_tick(t->al, S(102));
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	assert_int_equal(t->seen.streak[1], 50);
	for (int i = 103; i <= 112; i++)
		at_read(t, MATCH_FAILURE, S(i), S(113));
	alert_tick(t->al, S(113));
	assert_int_equal(t->seen.n, 3);
	assert_int_equal(t->seen.streak[2], 60);
	t->rule.window_ms = 10000;
}

/*
 * keep_firing_for: a condition that goes false, true, false within it
 * makes one firing notification, and the resolved one comes only after
 * keep_firing_for of false, across a restart too.
 */
static void
test_keep_firing_for(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_FAILURES;
	t->rule.threshold = 2;
	t->rule.keep_firing_ms = 5000;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(2), "AAA");
	assert_int_equal(t->seen.n, 1);
	/* At 11 s the failure of 1 s left the 10 s window: false. */
	alert_tick(t->al, S(11));
	assert_int_equal(t->seen.n, 1);
	assert_int_equal(alert_rule_status(t->al, 0), ALERT_FIRING);
	assert_int_equal(alert_deadline(t->al, S(11)), S(12));	/* slot */
	alert_tick(t->al, S(12));
	assert_int_equal(alert_deadline(t->al, S(12)), S(16));
	/* True again within keep_firing_for: the same episode. */
	at_rec(t, MATCH_FAILURE, 0, S(13), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(13), "AAA");
	assert_int_equal(t->seen.n, 1);
	alert_tick(t->al, S(16));
	assert_int_equal(t->seen.n, 1);
	/* False again from 23 s; a restart at 25 s remembers since when. */
	alert_tick(t->al, S(23));
	assert_int_equal(t->seen.n, 1);
	at_commit(t);
	at_start(t, S(25));
	assert_int_equal(t->seen.n, 1);
	assert_int_equal(alert_rule_status(t->al, 0), ALERT_FIRING);
	assert_int_equal(alert_deadline(t->al, S(25)), S(28));
	alert_tick(t->al, S(28) - 1);
	assert_int_equal(t->seen.n, 1);
	alert_tick(t->al, S(28));
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	assert_string_equal(t->seen.id[1], t->seen.id[0]);
	alert_tick(t->al, S(60));
	assert_int_equal(t->seen.n, 2);
	t->rule.keep_firing_ms = 0;
}

static void
test_no_success(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_NO_SUCCESS;
	at_start(t, S(0));
	alert_tick(t->al, S(9));
	assert_int_equal(t->seen.n, 0);
	assert_int_equal(alert_deadline(t->al, S(9)), S(10));
	alert_tick(t->al, S(10));
	assert_int_equal(t->seen.n, 1);
	at_rec(t, MATCH_SUCCESS, 0, S(12), "OK");
	assert_int_equal(t->seen.n, 2);
	assert_true(t->seen.is_resolved[1]);
	alert_tick(t->al, S(21));
	assert_int_equal(t->seen.n, 2);
	alert_tick(t->al, S(22));
	assert_int_equal(t->seen.n, 3);
}

static void
test_for_and_repeat(void **state)
{
	struct at *t = *state;

	t->rule.kind = CONFIG_ALERT_FAILURES;
	t->rule.threshold = 1;
	t->rule.for_ms = 5000;
	t->rule.repeat_ms = 3000;
	t->rule.window_ms = 60000;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	assert_int_equal(alert_rule_status(t->al, 0), ALERT_PENDING);
	assert_int_equal(alert_deadline(t->al, S(1)), S(2));	/* slot */
	alert_tick(t->al, S(5));
	assert_int_equal(t->seen.n, 0);
	alert_tick(t->al, S(6));
	assert_int_equal(t->seen.n, 1);
	alert_tick(t->al, S(8));
	assert_int_equal(t->seen.n, 1);		/* not before 3 s */
	alert_tick(t->al, S(9));
	assert_int_equal(t->seen.n, 2);		/* the repeat */
	assert_false(t->seen.is_resolved[1]);
	assert_string_equal(t->seen.id[1], t->seen.id[0]);
	t->rule.for_ms = 0;
	t->rule.repeat_ms = 3600000;
	t->rule.window_ms = 10000;
}

static void
test_restart(void **state)
{
	struct at *t = *state;
	char id[17];

	t->rule.kind = CONFIG_ALERT_FAILURES;
	t->rule.threshold = 2;
	at_start(t, S(0));
	at_rec(t, MATCH_FAILURE, 0, S(1), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(2), "AAA token=abc");
	assert_int_equal(t->seen.n, 1);
	snprintf(id, sizeof(id), "%s", t->seen.id[0]);
	at_commit(t);
	/* The sample is kept for after the restart, redacted on disk. */
	{
		char *cmd = NULL;

		assert_true(asprintf(&cmd, "grep -qs token=abc %s/omniwatch.db*",
		    at_dir) > 0);
		assert_int_not_equal(system(cmd), 0);
		free(cmd);
	}
	/* Restarted: the window comes back from the buckets, the state from
	 * its row: no second firing, and the resolve carries the id. */
	at_start(t, S(5));
	assert_int_equal(t->seen.n, 1);
	assert_int_equal(alert_rule_status(t->al, 0), ALERT_FIRING);
	alert_tick(t->al, S(11));
	assert_int_equal(t->seen.n, 1);
	alert_tick(t->al, S(12) + 1);
	assert_int_equal(t->seen.n, 2);
	assert_string_equal(t->seen.id[1], id);
	assert_string_equal(t->seen.sample[1], "AAA token=[REDACTED]");
	at_commit(t);

	/* A condition that became true while stopped fires at start. */
	at_rec(t, MATCH_FAILURE, 0, S(20), "AAA");
	at_rec(t, MATCH_FAILURE, 0, S(20), "AAA");
	assert_int_equal(t->seen.n, 3);
	/* (rolled back: as if watch died before committing them) */
	state_close(t->st);
	t->seen.n = 2;
	{
		char *err = NULL;

		t->st = state_open(at_dir, false, &err);
		assert_non_null(t->st);
	}
	{
		struct state_count c = { (S(21) / 60000) * 60000, "omni",
		    "app", "out", "failure", "a", 2, S(21), S(21) };

		assert_int_equal(state_count(t->st, &c), 0);
		assert_int_equal(state_commit(t->st), 0);
	}
	at_start(t, S(23));
	assert_int_equal(t->seen.n, 3);
	assert_false(t->seen.is_resolved[2]);
}

static void
test_unknown_refs(void **state)
{
	struct at *t = *state;
	struct alert_cb cb = { at_notify, &t->seen, NULL };
	char *classes[] = { "zzz" };
	char *err = NULL;

	t->rule.pattern_set = "nope";
	t->rule.where = "c.yaml:3:18";
	assert_null(alert_new(&t->cfg, &t->set, 1, NULL, NULL, &cb, S(0),
	    &err));
	assert_string_equal(err, "c.yaml:3:18: alerts.r.pattern_set: 'nope' "
	    "is not one of the pattern sets loaded; expected the name: of a "
	    "set listed under pattern_sets");
	free(err);
	t->rule.pattern_set = "omni";
	t->rule.classes = classes;
	t->rule.nclasses = 1;
	t->rule.classes_where = "c.yaml:4:15";
	assert_null(alert_new(&t->cfg, &t->set, 1, NULL, NULL, &cb, S(0),
	    &err));
	assert_string_equal(err, "c.yaml:4:15: alerts.r.classes: 'zzz' is not "
	    "a failure class of pattern set 'omni'");
	free(err);
	t->rule.classes = NULL;
	t->rule.nclasses = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failures, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_restarts_counted,
		    at_setup, at_teardown),
		cmocka_unit_test_setup_teardown(test_failure_rate, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_classes, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_consecutive, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_consecutive_by_stamp,
		    at_setup, at_teardown),
		cmocka_unit_test_setup_teardown(test_consecutive_many_stamps,
		    at_setup, at_teardown),
		cmocka_unit_test_setup_teardown(test_keep_firing_for, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_no_success, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_for_and_repeat, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_restart, at_setup,
		    at_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_refs, at_setup,
		    at_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
