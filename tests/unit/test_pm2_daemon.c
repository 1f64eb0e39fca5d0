/*
 * test_pm2_daemon: PM2's daemon log (pm2_daemon.h) and the per-app counts
 * made of it (pm2_apps.h).
 *
 * tests/data/pm2-daemon/pm2.log was written by real PM2 7.0.4 (its README
 * says how): an app that throws at start until PM2 gives up, a cluster of
 * three whose instance 2 exits with code 3 twice, pm2 stop / restart /
 * reload / delete, pm2 save, kill and resurrect.  The expected counts were
 * worked out by hand from the lines, not from omniwatch's output.
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

#include "pm2_apps.h"
#include "pm2_daemon.h"
#include "stamp.h"
#include "xmalloc.h"

#define T_00_07_38	1796602058000LL	/* 2026-12-07T00:07:38Z */

static void
parse(const char *line, struct pm2_daemon_line *l)
{
	pm2_daemon_parse(line, strlen(line), l);
}

static void
assert_app(const struct pm2_daemon_line *l, const char *app, int id)
{
	assert_non_null(l->app);
	assert_int_equal(l->app_len, strlen(app));
	assert_memory_equal(l->app, app, l->app_len);
	assert_int_equal(l->id, id);
}

/* Every kind of line, byte for byte as PM2 7.0.4 wrote them. */
static void
test_parse_lines(void **state)
{
	struct pm2_daemon_line l;

	(void)state;
	parse("2026-12-07T00:07:38: PM2 log: App [crashy:0] starting in "
	    "-fork mode-", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STARTING);
	assert_int_equal(l.mode, PM2_MODE_FORK);
	assert_app(&l, "crashy", 0);
	assert_int_equal(l.ts_ms, T_00_07_38);
	parse("2026-12-07T00:07:40: PM2 log: App [desk:1] starting in "
	    "-cluster mode-", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STARTING);
	assert_int_equal(l.mode, PM2_MODE_CLUSTER);
	assert_app(&l, "desk", 1);
	parse("2026-12-07T00:07:38: PM2 log: App [crashy:0] online", &l);
	assert_int_equal(l.kind, PM2_DAEMON_ONLINE);
	assert_app(&l, "crashy", 0);
	parse("2026-12-07T00:07:43: PM2 log: App [desk:2] exited with code "
	    "[3] via signal [SIGINT]", &l);
	assert_int_equal(l.kind, PM2_DAEMON_EXITED);
	assert_app(&l, "desk", 2);
	assert_false(l.is_old);
	parse("2026-12-07T00:08:06: PM2 log: App [desk:_old_1] exited with "
	    "code [0] via signal [SIGINT]", &l);
	assert_int_equal(l.kind, PM2_DAEMON_EXITED);
	assert_app(&l, "desk", 1);
	assert_true(l.is_old);
	parse("2026-12-07T00:08:06: PM2 log: Stopping app:desk id:_old_1", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STOPPING);
	assert_app(&l, "desk", 1);
	assert_true(l.is_old);
	parse("2026-12-07T00:07:59: PM2 log: Stopping app:solo id:4", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STOPPING);
	assert_app(&l, "solo", 4);
	parse("2026-12-07T00:07:47: PM2 log: Script /home/app/example/"
	    "crash.js had too many unstable restarts (16). Stopped. "
	    "\"errored\"", &l);
	assert_int_equal(l.kind, PM2_DAEMON_ERRORED);
	assert_null(l.app);
	parse("2026-12-07T00:08:11: PM2 error: app=crashy id=0 does not have "
	    "a pid", &l);
	assert_int_equal(l.kind, PM2_DAEMON_NO_PID);
	assert_app(&l, "crashy", 0);
	parse("2026-12-07T00:07:37: PM2 log: --- New PM2 Daemon started "
	    "----------------------------------------------------", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STARTED);
	parse("2026-12-07T00:08:11: PM2 log: PM2 successfully stopped", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STOPPED);
	/* lib/Daemon.js gracefullExit: a SIGTERM, SIGINT or SIGQUIT. */
	parse("2026-12-07T00:08:11: PM2 log: Exited peacefully", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STOPPED);
	/* lib/God.js, a late exit of a replaced worker. */
	parse("2026-12-07T00:08:11: PM2 log: App [desk:2] stale exit event "
	    "ignored (pid 123)", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STALE_EXIT);
	assert_app(&l, "desk", 2);

	/* Lines that say nothing we count. */
	parse("2026-12-07T00:07:43: PM2 log: App name:desk id:2 disconnected",
	    &l);
	assert_int_equal(l.kind, PM2_DAEMON_NONE);
	parse("2026-12-07T00:08:00: PM2 log: pid=30556 msg=process tree "
	    "killed (1 pids)", &l);
	assert_int_equal(l.kind, PM2_DAEMON_NONE);
	parse("2026-12-07T00:07:41: PM2 error: Error [ERR_STREAM_DESTROYED]: "
	    "Cannot call write after a stream was destroyed", &l);
	assert_int_equal(l.kind, PM2_DAEMON_NONE);
	parse("2026-12-07T00:07:37: PM2 log: PM2 version          : 7.0.4",
	    &l);
	assert_int_equal(l.kind, PM2_DAEMON_NONE);
	parse("    at Object.<anonymous> (/home/app/x.js:1:7)", &l);
	assert_int_equal(l.kind, PM2_DAEMON_NONE);
	assert_int_equal(l.ts_ms, STAMP_NONE);
}

/* Names are anything PM2 accepts; the id and the message tail are not. */
static void
test_parse_hostile(void **state)
{
	struct pm2_daemon_line l;
	static const char *const none[] = {
		"PM2 log: App [] online",
		"PM2 log: App [x:] online",
		"PM2 log: App [:1] online",
		"PM2 log: App [x:1a] online",
		"PM2 log: App [x:12345678901] online",
		"PM2 log: App [x:_old_] online",
		"PM2 log: App [",
		"PM2 log: Stopping app:",
		"PM2 log: Stopping app:x id:",
		"PM2 error: app=x id=1 does not have a pi",
		"PM2 error: app= does not have a pid",
		"PM2 log: app=x id=1 does not have a pid",
		"PM2 log: Script had too many unstable",
		"",
	};

	(void)state;
	parse("PM2 log: App [a] online:1] online", &l);
	assert_int_equal(l.kind, PM2_DAEMON_ONLINE);
	assert_app(&l, "a] online", 1);
	parse("PM2 log: App [my:app:7] exited with code [1] via signal "
	    "[SIGKILL]", &l);
	assert_int_equal(l.kind, PM2_DAEMON_EXITED);
	assert_app(&l, "my:app", 7);
	parse("PM2 log: Stopping app:a id:b id:3", &l);
	assert_int_equal(l.kind, PM2_DAEMON_STOPPING);
	assert_app(&l, "a id:b", 3);
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		parse(none[i], &l);
		if (l.kind != PM2_DAEMON_NONE)
			fail_msg("'%s' read as kind %d", none[i], l.kind);
		assert_null(l.app);
	}
}

/* The tracker's events, added up. */
static void
tr_event(void *ctx, const struct pm2_instance *i, enum pm2_event ev,
    int64_t ts)
{
	(void)ts;
	pm2_apps_count(ctx, i->app, i->id, ev, 1);
}

static void
tr_state(void *ctx, const struct pm2_instance *i)
{
	pm2_apps_state(ctx, i->app, i->id, i->mode, i->state, i->since_ms);
}

static void
tr_line(void *ctx, const struct pm2_daemon_line *l)
{
	pm2_tracker_line(ctx, l);
}

/* Reads the first NLINES lines of the sample (0: all) into A. */
static struct pm2_apps *
read_sample(size_t nlines)
{
	const char *top = getenv("top_srcdir");
	struct pm2_apps *a = pm2_apps_new();
	struct pm2_tracker_cb cb = { tr_event, tr_state, a };
	struct pm2_tracker *t = pm2_tracker_new(&cb);
	struct pm2_daemon_reader *r = pm2_daemon_reader_new(0, tr_line, t);
	char *path = xasprintf("%s/tests/data/pm2-daemon/pm2.log",
	    top != NULL ? top : ".");
	FILE *fp = fopen(path, "r");
	char buf[4096];
	size_t n = 0;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	while (fgets(buf, sizeof(buf), fp) != NULL &&
	    (nlines == 0 || n++ < nlines))
		pm2_daemon_reader_feed(r, buf, strlen(buf));
	fclose(fp);
	pm2_daemon_reader_finish(r, true);
	pm2_daemon_reader_free(r);
	pm2_tracker_free(t);
	free(path);
	return a;
}

static void
assert_counts(const uint64_t *c, uint64_t restarts, uint64_t unplanned,
    uint64_t planned, uint64_t errored)
{
	assert_int_equal(c[PM2_EVENT_RESTART], restarts);
	assert_int_equal(c[PM2_EVENT_UNPLANNED_EXIT], unplanned);
	assert_int_equal(c[PM2_EVENT_PLANNED_STOP], planned);
	assert_int_equal(c[PM2_EVENT_ERRORED], errored);
}

static const struct pm2_apps_instance *
instance(const struct pm2_apps_app *app, int id)
{
	for (size_t i = 0; i < app->ninstances; i++)
		if (app->instances[i].id == id)
			return &app->instances[i];
	fail_msg("%s has no instance %d", app->name, id);
	return NULL;
}

/*
 * The whole sample.  crashy: 16 starts and exits, then PM2 gives up
 * (errored), then pm2 delete.  desk (cluster, pm_ids 1-3 in the first
 * daemon): pm_id 2 exits with code 3 twice and is restarted; pm2 reload
 * (each id starts again while online, its _old_ worker is stopped), pm2
 * stop, pm2 restart, pm2 kill; the second daemon (resurrect) gives desk
 * pm_ids 0-2 and solo 3, and is killed.  solo: pm2 stop, pm2 restart.
 */
static void
test_sample_counts(void **state)
{
	struct pm2_apps *a = read_sample(0);
	const struct pm2_apps_app *crashy, *desk, *solo;
	int64_t since;

	(void)state;
	crashy = pm2_apps_find(a, "crashy");
	desk = pm2_apps_find(a, "desk");
	solo = pm2_apps_find(a, "solo");
	assert_non_null(crashy);
	assert_non_null(desk);
	assert_non_null(solo);
	assert_int_equal(a->napps, 3);
	/* 16 starts: 15 restarts; 16 crashes; pm2 delete. */
	assert_counts(crashy->counts, 15, 16, 1, 1);
	assert_int_equal(crashy->mode, PM2_MODE_FORK);
	assert_false(pm2_apps_shows_instances(crashy));
	/* pm_id 1: reload + restart; 2: two crashes + reload + restart;
	 * 3: reload + restart; 0: none.  Stops: restart, kill (each id),
	 * the reload's _old_ workers, the second kill. */
	assert_counts(desk->counts, 8, 2, 12, 0);
	assert_int_equal(desk->ninstances, 4);
	assert_counts(instance(desk, 0)->counts, 0, 0, 1, 0);
	assert_counts(instance(desk, 1)->counts, 2, 0, 4, 0);
	assert_counts(instance(desk, 2)->counts, 4, 2, 4, 0);
	assert_counts(instance(desk, 3)->counts, 2, 0, 3, 0);
	assert_int_equal(desk->mode, PM2_MODE_CLUSTER);
	assert_true(pm2_apps_shows_instances(desk));
	/* pm2 restart of a stopped app: pm2.log does not tell it from a
	 * restart (PM2's restart_time does not count it). */
	assert_counts(solo->counts, 1, 0, 3, 0);
	/* Everything stopped at the end. */
	assert_int_equal(pm2_apps_app_state(crashy, &since),
	    PM2_STATE_STOPPED);
	assert_int_equal(pm2_apps_app_state(desk, &since), PM2_STATE_STOPPED);
	assert_int_equal(since, 1796602096000LL);	/* 00:08:16 */
	assert_int_equal(pm2_apps_app_state(solo, &since), PM2_STATE_STOPPED);
	pm2_apps_free(a);
}

/* Up to just before `pm2 stop solo`: crashy errored, the rest online. */
static void
test_sample_states(void **state)
{
	struct pm2_apps *a = read_sample(84);
	const struct pm2_apps_app *crashy, *desk, *solo;
	int64_t since;

	(void)state;
	crashy = pm2_apps_find(a, "crashy");
	desk = pm2_apps_find(a, "desk");
	solo = pm2_apps_find(a, "solo");
	assert_int_equal(pm2_apps_app_state(crashy, &since),
	    PM2_STATE_ERRORED);
	assert_int_equal(since, 1796602067000LL);	/* 00:07:47 */
	assert_counts(crashy->counts, 15, 16, 0, 1);
	assert_int_equal(pm2_apps_app_state(desk, &since), PM2_STATE_ONLINE);
	assert_int_equal(instance(desk, 2)->state, PM2_STATE_ONLINE);
	assert_counts(instance(desk, 2)->counts, 2, 2, 0, 0);
	assert_int_equal(pm2_apps_app_state(solo, &since), PM2_STATE_ONLINE);
	pm2_apps_free(a);
}

/* TEXT, lines of pm2.log, through the reader and the tracker. */
static struct pm2_apps *
read_text(const char *text)
{
	struct pm2_apps *a = pm2_apps_new();
	struct pm2_tracker_cb cb = { tr_event, tr_state, a };
	struct pm2_tracker *t = pm2_tracker_new(&cb);
	struct pm2_daemon_reader *r = pm2_daemon_reader_new(0, tr_line, t);

	pm2_daemon_reader_feed(r, text, strlen(text));
	pm2_daemon_reader_finish(r, true);
	pm2_daemon_reader_free(r);
	pm2_tracker_free(t);
	return a;
}

/*
 * An app running when its daemon died (SIGKILL: nothing logged) is lost
 * once a new daemon starts without it, and found again when it starts;
 * one a clean `pm2 kill` stopped first is stopped, not lost.
 */
static void
test_lost_with_daemon(void **state)
{
	static const char start[] =
	    "2026-12-01T10:00:00: PM2 log: --- New PM2 Daemon started ----\n"
	    "2026-12-01T10:00:01: PM2 log: App [api:0] starting in -fork mode-\n"
	    "2026-12-01T10:00:01: PM2 log: App [api:0] online\n";
	static const char again[] =
	    "2026-12-01T10:05:00: PM2 log: --- New PM2 Daemon started ----\n";
	static const char up[] =
	    "2026-12-01T10:06:00: PM2 log: App [api:0] starting in -fork mode-\n"
	    "2026-12-01T10:06:00: PM2 log: App [api:0] online\n";
	static const char stop[] =
	    "2026-12-01T10:07:00: PM2 log: Stopping app:api id:0\n"
	    "2026-12-01T10:07:00: PM2 log: App [api:0] exited with code [0] via signal [SIGINT]\n"
	    "2026-12-01T10:07:00: PM2 log: pid=4242 msg=process killed\n"
	    "2026-12-01T10:07:01: PM2 log: PM2 successfully stopped\n";
	char *text;
	struct pm2_apps *a;
	int64_t since;

	(void)state;
	text = xasprintf("%s%s", start, again);
	a = read_text(text);
	assert_int_equal(pm2_apps_app_state(pm2_apps_find(a, "api"), &since),
	    PM2_STATE_LOST);
	assert_string_equal(pm2_state_name(PM2_STATE_LOST), "lost");
	assert_int_equal(pm2_state_parse("lost"), PM2_STATE_LOST);
	pm2_apps_free(a);
	free(text);
	text = xasprintf("%s%s%s", start, again, up);
	a = read_text(text);
	assert_int_equal(pm2_apps_app_state(pm2_apps_find(a, "api"), &since),
	    PM2_STATE_ONLINE);
	pm2_apps_free(a);
	free(text);
	text = xasprintf("%s%s%s", start, stop, again);
	a = read_text(text);
	assert_int_equal(pm2_apps_app_state(pm2_apps_find(a, "api"), &since),
	    PM2_STATE_STOPPED);
	pm2_apps_free(a);
	free(text);
}

static size_t nseen;

static void
count_line(void *ctx, const struct pm2_daemon_line *l)
{
	(void)ctx;
	(void)l;
	nseen++;
}

/* An exit line is kept back until the next line: a stale one is no exit. */
static void
test_reader_stale(void **state)
{
	struct pm2_daemon_reader *r = pm2_daemon_reader_new(0, count_line,
	    NULL);
	const char exit_line[] = "PM2 log: App [a:1] exited with code [0] via "
	    "signal [SIGINT]\n";
	const char stale[] = "PM2 log: App [a:1] stale exit event ignored "
	    "(pid 9)\n";

	(void)state;
	nseen = 0;
	pm2_daemon_reader_feed(r, exit_line, strlen(exit_line));
	assert_int_equal(nseen, 0);
	assert_true(pm2_daemon_reader_is_pending(r));
	assert_int_equal(pm2_daemon_reader_safe_offset(r), 0);
	pm2_daemon_reader_feed(r, stale, strlen(stale));
	assert_int_equal(nseen, 0);
	assert_false(pm2_daemon_reader_is_pending(r));
	assert_int_equal(pm2_daemon_reader_safe_offset(r),
	    strlen(exit_line) + strlen(stale));
	pm2_daemon_reader_feed(r, exit_line, strlen(exit_line));
	pm2_daemon_reader_flush(r);
	assert_int_equal(nseen, 1);
	assert_false(pm2_daemon_reader_is_pending(r));
	pm2_daemon_reader_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_sample_counts),
		cmocka_unit_test(test_sample_states),
		cmocka_unit_test(test_lost_with_daemon),
		cmocka_unit_test(test_reader_stale),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
