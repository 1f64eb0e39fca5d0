/*
 * cmd_check_pm2: the causes of `omniwatch check` that PM2's own log tells
 * (pm2_daemon.h, as the state keeps it): an app PM2 gave up on, and an
 * app PM2 restarts in a crash loop, counted by the restarts rule's code.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>

#include "alert.h"
#include "cmd_check_int.h"
#include "plural.h"
#include "pm2_apps.h"
#include "stamp.h"
#include "xmalloc.h"

/*
 * The names of the apps of APPS in STATE (pm2_apps_app_state: the worst
 * of their instances'), each with how long ago as "(WORD 5m ago)", joined
 * by ", " (malloc'd), and *N their number; NULL when none is.
 */
static char *
check_apps_in(const struct check *c, const struct pm2_apps *apps,
    enum pm2_state state, const char *word, size_t *n)
{
	char *names = NULL, age[40];

	*n = 0;
	for (size_t i = 0; apps != NULL && i < apps->napps; i++) {
		int64_t since;
		char *next;

		if (pm2_apps_app_state(&apps->apps[i], &since) != state)
			continue;
		age[0] = '\0';
		if (since != STAMP_NONE) {
			char a[24];

			stamp_format_age(c->now_ms - since, a, sizeof(a));
			snprintf(age, sizeof(age), " (%s %s ago)", word, a);
		}
		next = xasprintf("%s%s%s%s", names != NULL ? names : "",
		    names != NULL ? ", " : "", apps->apps[i].name, age);
		free(names);
		names = next;
		(*n)++;
	}
	return names;
}

/*
 * The apps of APPS that write no log though PM2 should run them, as the
 * state keeps them (pm2_apps.h): those PM2 gave up on ("errored", by its
 * own log), "app omni (errored 5m ago): PM2 gave up on it, and it writes
 * no log"; and those lost with a daemon that died, which the daemon
 * started since did not start again (pm2_daemon.h's PM2_STATE_LOST).
 * Nothing of them can be counted until they are started again, so check
 * is CRITICAL, rules or not.  Malloc'd, or NULL.
 */
char *
check_errored(const struct check *c, const struct pm2_apps *apps)
{
	size_t ne, nl;
	char *errored = check_apps_in(c, apps, PM2_STATE_ERRORED, "errored",
	    &ne);
	char *lost = check_apps_in(c, apps, PM2_STATE_LOST, "since", &nl);
	char *msg = NULL, *one;

	if (errored != NULL)
		msg = xasprintf("%s %s: PM2 gave up on %s, and %s no log",
		    ne == 1 ? "app" : "apps", errored, ne == 1 ? "it" : "them",
		    ne == 1 ? "it writes" : "they write");
	if (lost != NULL) {
		one = xasprintf("%s%s%s %s: %s when PM2's daemon died, and the "
		    "daemon started since did not start %s again: %s no log; "
		    "run `pm2 resurrect`", msg != NULL ? msg : "", msg != NULL ?
		    "; " : "", nl == 1 ? "app" : "apps", lost, nl == 1 ?
		    "it ran" : "they ran", nl == 1 ? "it" : "them", nl == 1 ?
		    "it writes" : "they write");
		free(msg);
		msg = one;
	}
	free(errored);
	free(lost);
	return msg;
}

struct check_loops {
	const struct check *c;
	const struct pm2_apps *apps;
	char		*critical;	/* "app a exited ..., app b ..." */
	char		*warning;
};

static void
check_loop_one(void *ctx, const char *app, uint64_t n)
{
	struct check_loops *cl = ctx;
	const struct pm2_apps_app *a = cl->apps != NULL ?
	    pm2_apps_find(cl->apps, app) : NULL;
	int64_t since;
	char **list, *next;

	/* check_errored() names an app PM2 gave up on already. */
	if (a != NULL && pm2_apps_app_state(a, &since) == PM2_STATE_ERRORED)
		return;
	if (cl->c->restarts_critical > 0 && n >= cl->c->restarts_critical)
		list = &cl->critical;
	else if (cl->c->restarts_warning > 0 && n >= cl->c->restarts_warning)
		list = &cl->warning;
	else
		return;
	next = xasprintf("%s%sapp %s exited unplanned %llu %s in %s",
	    *list != NULL ? *list : "", *list != NULL ? ", " : "", app,
	    (unsigned long long)n, plural(n, "time", "times"),
	    CHECK_RESTARTS_WINDOW_ARG);
	free(*list);
	*list = next;
}

/*
 * The apps that crash in a loop: PM2 restarts them forever when they live
 * longer than its min_uptime, and never calls them errored.  Their
 * unplanned exits (none for a `pm2 restart`, `reload` or `stop`) in the
 * last 5 minutes are counted by a restarts rule's own code
 * (alert_window_restarts): at least --restarts-critical of one app is
 * CRITICAL (*CRIT, malloc'd), at least --restarts-warning WARNING (*WARN).
 * An errored app of APPS is left to check_errored().
 * Returns 0, or -1 when the state cannot be read.
 */
int
check_loops(const struct check *c, struct state *st, struct match_set *set,
    const struct pm2_apps *apps, char **crit, char **warn)
{
	struct check_loops cl = { c, apps, NULL, NULL };

	*crit = *warn = NULL;
	if (c->restarts_warning == 0 && c->restarts_critical == 0)
		return 0;
	if (alert_window_restarts(st, set, PM2_EVENT_UNPLANNED_EXIT,
	    CHECK_RESTARTS_WINDOW_MS, c->now_ms, check_loop_one, &cl) != 0) {
		free(cl.critical);
		free(cl.warning);
		return -1;
	}
	if (cl.critical != NULL)
		*crit = xasprintf("%s (crash loop?)", cl.critical);
	if (cl.warning != NULL)
		*warn = xasprintf("%s (crash loop?)", cl.warning);
	free(cl.critical);
	free(cl.warning);
	return 0;
}
