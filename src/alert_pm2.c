/*
 * alert_pm2: see alert_pm2.h.  A restarts rule keeps, per app, the times
 * of its restarts within the window (older ones go as new ones come), at
 * most ALERT_PM2_TIMES_MAX of them, so that the figure it reports (the
 * peak of a backtest, the notice's "restarted N times") is the true
 * count and not merely "more than threshold"; up to ALERT_APPS_MAX apps
 * (the one restarted longest ago makes room).  Its window ring counts
 * every restart too, for the notice's totals.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_pm2.h"
#include "plural.h"
#include "pm2_apps.h"
#include "stamp.h"
#include "state_pm2.h"
#include "xmalloc.h"

#define ALERT_PM2_TIMES_MAX	4096	/* restarts remembered per app */
#define ALERT_PM2_NOTE_MAX	1024	/* bytes of a note */

struct alert_pm2_app {
	char		*name;
	int64_t		*times;		/* ring of the latest restarts */
	size_t		 n, cap, head;	/* head: the oldest */
};

struct alert_pm2_rule {
	struct alert_pm2_app apps[ALERT_APPS_MAX];
	size_t		 napps;
};

bool
alert_pm2_is_kind(enum config_alert_kind k)
{
	return k == CONFIG_ALERT_RESTARTS || k == CONFIG_ALERT_APP_ERRORED;
}

void
alert_pm2_apps(struct alert *al, const struct pm2_apps *apps)
{
	al->pm2 = apps;
}

static bool
alert_pm2_app_is(const struct alert_rule *r, const char *app)
{
	return r->cfg->app == NULL || strcmp(r->cfg->app, app) == 0;
}

/* The newest of an app's restart times. */
static int64_t
alert_pm2_newest(const struct alert_pm2_app *a)
{
	return a->n == 0 ? INT64_MIN : a->times[(a->head + a->n - 1) % a->cap];
}

static struct alert_pm2_app *
alert_pm2_app(struct alert_rule *r, const char *app)
{
	struct alert_pm2_rule *p;
	struct alert_pm2_app *a;
	size_t oldest = 0;

	if (r->pm2 == NULL)
		r->pm2 = xcalloc(1, sizeof(*r->pm2));
	p = r->pm2;
	for (size_t i = 0; i < p->napps; i++) {
		if (strcmp(p->apps[i].name, app) == 0)
			return &p->apps[i];
		if (alert_pm2_newest(&p->apps[i]) <
		    alert_pm2_newest(&p->apps[oldest]))
			oldest = i;
	}
	if (p->napps < ALERT_APPS_MAX)
		oldest = p->napps++;
	else {
		free(p->apps[oldest].name);
		free(p->apps[oldest].times);
	}
	a = &p->apps[oldest];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(app);
	a->cap = 8;
	a->times = xcalloc(a->cap, sizeof(*a->times));
	return a;
}

/* Room for one more time in A's ring: older than the window (OLDEST_MS)
 * goes first, then the ring grows, and at its cap the oldest goes. */
static void
alert_pm2_room(struct alert_pm2_app *a, int64_t oldest_ms)
{
	int64_t *times;

	while (a->n > 0 && a->times[a->head] < oldest_ms) {
		a->head = (a->head + 1) % a->cap;
		a->n--;
	}
	if (a->n < a->cap)
		return;
	if (a->cap == ALERT_PM2_TIMES_MAX) {
		a->head = (a->head + 1) % a->cap;
		a->n--;
		return;
	}
	times = xcalloc(a->cap * 2, sizeof(*times));
	for (size_t k = 0; k < a->n; k++)
		times[k] = a->times[(a->head + k) % a->cap];
	free(a->times);
	a->times = times;
	a->cap *= 2;
	a->head = 0;
}

/* COUNT restarts of APP at T into rule R. */
static void
alert_pm2_restart(struct alert_rule *r, const char *app, int64_t t,
    uint64_t count)
{
	struct alert_pm2_app *a = alert_pm2_app(r, app);
	struct alert_slot *s = alert_rule_slot(r, t);

	for (uint64_t k = 0; k < count; k++) {
		/* A slot's worth of slack: the window is counted in slots. */
		alert_pm2_room(a, t - r->cfg->window_ms - r->slot_ms);
		a->times[(a->head + a->n) % a->cap] = t;
		a->n++;
	}
	if (s != NULL) {
		s->failures += (uint32_t)count;
		s->all_failures += (uint32_t)count;
		r->failures += count;
		r->all_failures += count;
		if (s->first_fail == STAMP_NONE || t < s->first_fail)
			s->first_fail = t;
	}
	alert_rule_app(r, app, t);
	if (t > r->last_failure_ms)
		r->last_failure_ms = t;
	r->is_dirty = true;
}

void
alert_pm2_event(struct alert *al, const char *app, int ev, int64_t ts_ms,
    int64_t now_ms)
{
	int64_t t = ts_ms == STAMP_NONE || ts_ms > now_ms ? now_ms : ts_ms;

	if (ev != PM2_EVENT_RESTART)
		return;
	for (size_t i = 0; i < al->nrules; i++) {
		struct alert_rule *r = &al->rules[i];

		if (r->cfg->kind != CONFIG_ALERT_RESTARTS ||
		    !alert_pm2_app_is(r, app))
			continue;
		alert_rule_advance(r, now_ms);
		alert_pm2_restart(r, app, t, 1);
	}
}

void
alert_pm2_news_event(struct alert *al, struct pm2_apps *apps,
    const struct pm2_instance *i, int ev, int64_t ts_ms, int64_t now_ms)
{
	pm2_apps_count(apps, i->app, i->id, (enum pm2_event)ev, 1);
	alert_pm2_event(al, i->app, ev, ts_ms, now_ms);
}

void
alert_pm2_news_state(struct pm2_apps *apps, const struct pm2_instance *i)
{
	pm2_apps_state(apps, i->app, i->id, i->mode, i->state, i->since_ms);
}

/* Restarts of A within R's window as of R's ring (cur_idx). */
static uint64_t
alert_pm2_in_window(const struct alert_rule *r, const struct alert_pm2_app *a)
{
	int64_t from = (r->cur_idx + 1) * r->slot_ms - r->cfg->window_ms;
	uint64_t n = 0;

	for (size_t k = 0; k < a->n; k++)
		if (a->times[(a->head + k) % a->cap] >= from)
			n++;
	return n;
}

/* Is APP errored now, by PM2's log? */
static bool
alert_pm2_is_errored(const struct alert *al, const char *app)
{
	const struct pm2_apps_app *a = pm2_apps_find(al->pm2, app);
	int64_t since;

	return a != NULL && pm2_apps_app_state(a, &since) ==
	    PM2_STATE_ERRORED;
}

bool
alert_pm2_cond(const struct alert *al, const struct alert_rule *r)
{
	if (r->cfg->kind == CONFIG_ALERT_RESTARTS) {
		for (size_t i = 0; r->pm2 != NULL && i < r->pm2->napps; i++)
			if ((double)alert_pm2_in_window(r, &r->pm2->apps[i]) >
			    r->cfg->threshold)
				return true;
		return false;
	}
	for (size_t i = 0; al->pm2 != NULL && i < al->pm2->napps; i++)
		if (alert_pm2_app_is(r, al->pm2->apps[i].name) &&
		    alert_pm2_is_errored(al, al->pm2->apps[i].name))
			return true;
	return false;
}

double
alert_pm2_value(const struct alert *al, const struct alert_rule *r)
{
	uint64_t most = 0, errored = 0;

	if (r->cfg->kind == CONFIG_ALERT_RESTARTS) {
		for (size_t i = 0; r->pm2 != NULL && i < r->pm2->napps; i++) {
			uint64_t n = alert_pm2_in_window(r, &r->pm2->apps[i]);

			if (n > most)
				most = n;
		}
		return (double)most;
	}
	for (size_t i = 0; al->pm2 != NULL && i < al->pm2->napps; i++)
		if (alert_pm2_app_is(r, al->pm2->apps[i].name) &&
		    alert_pm2_is_errored(al, al->pm2->apps[i].name))
			errored++;
	return (double)errored;
}

struct alert_pm2_fill {
	struct alert	*al;
	int64_t		 now_ms;
	enum pm2_event	 ev;		/* the event counted */
};

static void
alert_pm2_fill_event(void *ctx, int64_t minute_ms, const char *app,
    int instance, enum pm2_event ev, uint64_t count)
{
	struct alert_pm2_fill *f = ctx;
	/* A bucket's restarts are unstamped: at the end of its minute, the
	 * latest they can be (as alert.c places record buckets). */
	int64_t t = state_minute_at(minute_ms, f->now_ms);

	(void)instance;
	if (ev != f->ev)
		return;
	for (size_t i = 0; i < f->al->nrules; i++) {
		struct alert_rule *r = &f->al->rules[i];

		if (r->cfg->kind == CONFIG_ALERT_RESTARTS &&
		    alert_pm2_app_is(r, app))
			alert_pm2_restart(r, app, t, count);
	}
}

int
alert_pm2_fill(struct alert *al, int64_t since_ms, int64_t now_ms)
{
	return alert_pm2_fill_events(al, PM2_EVENT_RESTART, since_ms, now_ms);
}

int
alert_pm2_fill_events(struct alert *al, enum pm2_event ev, int64_t since_ms,
    int64_t now_ms)
{
	struct alert_pm2_fill f = { al, now_ms, ev };
	bool any = false;

	for (size_t i = 0; i < al->nrules; i++)
		any |= al->rules[i].cfg->kind == CONFIG_ALERT_RESTARTS;
	if (!any)
		return 0;
	return state_pm2_events(al->st, since_ms / 60000 * 60000, STAMP_NONE,
	    alert_pm2_fill_event, &f);
}

void
alert_pm2_each(const struct alert_rule *r,
    void (*fn)(void *ctx, const char *app, uint64_t n), void *ctx)
{
	for (size_t i = 0; r->pm2 != NULL && i < r->pm2->napps; i++) {
		uint64_t n = alert_pm2_in_window(r, &r->pm2->apps[i]);

		if (n > 0)
			fn(ctx, r->pm2->apps[i].name, n);
	}
}

/* Appends to NOTE (of LEN bytes so far, at most ALERT_PM2_NOTE_MAX). */
static void
alert_pm2_add(char *note, size_t *len, const char *fmt, const char *app,
    const char *what, int64_t ms)
{
	char t[STAMP_BUFLEN] = "";
	int n;

	if (ms != STAMP_NONE)
		stamp_format(ms, t);
	n = snprintf(note + *len, ALERT_PM2_NOTE_MAX - *len, fmt,
	    *len > 0 ? "; " : "", app, what, t);
	if (n > 0)
		*len += (size_t)n < ALERT_PM2_NOTE_MAX - *len ? (size_t)n :
		    ALERT_PM2_NOTE_MAX - *len - 1;
}

/* The app's state and since when, by PM2's log; UNKNOWN when none. */
static enum pm2_state
alert_pm2_state(const struct alert *al, const char *app, int64_t *since)
{
	const struct pm2_apps_app *a = pm2_apps_find(al->pm2, app);

	*since = STAMP_NONE;
	return a == NULL ? PM2_STATE_UNKNOWN : pm2_apps_app_state(a, since);
}

char *
alert_pm2_note(const struct alert *al, const struct alert_rule *r,
    bool is_resolved, int64_t now_ms)
{
	char *note = xmalloc(ALERT_PM2_NOTE_MAX);
	size_t len = 0;
	int64_t since;
	enum pm2_state st;

	(void)now_ms;
	note[0] = '\0';
	if (al->pm2 == NULL)
		goto none;
	switch (r->cfg->kind) {
	case CONFIG_ALERT_RESTARTS:
		for (size_t i = 0; r->pm2 != NULL && i < r->pm2->napps; i++) {
			const struct alert_pm2_app *a = &r->pm2->apps[i];
			char what[64];

			if (alert_pm2_in_window(r, a) == 0)
				continue;
			snprintf(what, sizeof(what), "%llu %s",
			    (unsigned long long)alert_pm2_in_window(r, a),
			    plural(alert_pm2_in_window(r, a), "time",
			    "times"));
			alert_pm2_add(note, &len, "%s%s restarted %s in the "
			    "window%s", a->name, what, STAMP_NONE);
		}
		break;
	case CONFIG_ALERT_APP_ERRORED:
		for (size_t i = 0; i < al->pm2->napps; i++) {
			const char *app = al->pm2->apps[i].name;

			if (!alert_pm2_app_is(r, app))
				continue;
			st = alert_pm2_state(al, app, &since);
			if (st == PM2_STATE_ERRORED)
				alert_pm2_add(note, &len, "%s%s is %s (PM2 gave "
				    "up after too many unstable restarts) since "
				    "%s", app, "errored", since);
			else if (is_resolved && r->cfg->app != NULL)
				alert_pm2_add(note, &len, "%s%s is %s since %s",
				    app, pm2_state_name(st), since);
		}
		break;
	case CONFIG_ALERT_NO_SUCCESS:
		/* The apps whose failures it counted; else every app PM2
		 * knows of. */
		for (size_t i = 0; i < (r->napps > 0 ? r->napps :
		    al->pm2->napps); i++) {
			const char *app = r->napps > 0 ? r->apps[i].name :
			    al->pm2->apps[i].name;

			st = alert_pm2_state(al, app, &since);
			if (st == PM2_STATE_STOPPED || st == PM2_STATE_ERRORED)
				alert_pm2_add(note, &len, "%s%s is %s by PM2 "
				    "since %s, not running: no records are to "
				    "be expected from it", app,
				    pm2_state_name(st), since);
		}
		break;
	default:
		break;
	}
	if (len > 0)
		return note;
none:
	free(note);
	return NULL;
}

void
alert_pm2_rule_free(struct alert_pm2_rule *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->napps; i++) {
		free(p->apps[i].name);
		free(p->apps[i].times);
	}
	free(p);
}
