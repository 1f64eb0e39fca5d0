/*
 * backtest_pm2: see backtest_pm2.h.  PM2's log has a line per start,
 * exit or stop, so its events are few beside the records: each is kept
 * whole, with its instance's app name copied.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backtest_pm2.h"
#include "pm2_apps.h"
#include "stamp.h"
#include "xmalloc.h"

struct backtest_pm2_event {
	int64_t		 ts_ms;
	size_t		 order;		/* as the tracker made them */
	bool		 is_state;	/* else an event */
	enum pm2_event	 ev;
	struct pm2_instance inst;	/* app owned */
};

struct backtest_pm2 {
	int64_t		 since_ms, until_ms;
	struct backtest_pm2_event *events;
	size_t		 n, cap;
	uint64_t	 nevents;	/* of them, events (not states) */
	uint64_t	 undated;
	struct pm2_apps	*apps;		/* the replay's view */
	size_t		 next;		/* of the replay */
};

struct backtest_pm2 *
backtest_pm2_new(int64_t since_ms, int64_t until_ms)
{
	struct backtest_pm2 *bp = xcalloc(1, sizeof(*bp));

	bp->since_ms = since_ms;
	bp->until_ms = until_ms;
	return bp;
}

static void
backtest_pm2_keep(struct backtest_pm2 *bp, const struct pm2_instance *i,
    bool is_state, enum pm2_event ev, int64_t ts)
{
	struct backtest_pm2_event *e;

	/* Before 1970 is no time the rules' windows can hold. */
	if (ts == STAMP_NONE || ts < 0) {
		if (!is_state)
			bp->undated++;
		return;
	}
	if (bp->until_ms != STAMP_NONE && ts >= bp->until_ms)
		return;
	if (!is_state && bp->since_ms != STAMP_NONE && ts < bp->since_ms)
		return;
	if (bp->n == bp->cap) {
		bp->cap = bp->cap == 0 ? 64 : bp->cap * 2;
		bp->events = xreallocarray(bp->events, bp->cap,
		    sizeof(*bp->events));
	}
	e = &bp->events[bp->n];
	e->ts_ms = ts;
	e->order = bp->n++;
	e->is_state = is_state;
	e->ev = ev;
	e->inst = *i;
	e->inst.app = xstrdup(i->app);
	if (!is_state)
		bp->nevents++;
}

static void
backtest_pm2_on_event(void *ctx, const char *path,
    const struct pm2_instance *i, enum pm2_event ev, int64_t ts_ms)
{
	(void)path;
	backtest_pm2_keep(ctx, i, false, ev, ts_ms);
}

static void
backtest_pm2_on_state(void *ctx, const char *path,
    const struct pm2_instance *i)
{
	(void)path;
	backtest_pm2_keep(ctx, i, true, PM2_EVENT_N, i->since_ms);
}

void
backtest_pm2_hook(struct backtest_pm2 *bp, struct scan *s)
{
	s->pm2.hook.event = backtest_pm2_on_event;
	s->pm2.hook.state = backtest_pm2_on_state;
	s->pm2.hook.ctx = bp;
}

static int
backtest_pm2_cmp(const void *a, const void *b)
{
	const struct backtest_pm2_event *x = a, *y = b;

	if (x->ts_ms != y->ts_ms)
		return x->ts_ms < y->ts_ms ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
backtest_pm2_sort(struct backtest_pm2 *bp)
{
	if (bp->n > 1)
		qsort(bp->events, bp->n, sizeof(*bp->events),
		    backtest_pm2_cmp);
}

/* The first event (not a state taken before the range) kept. */
int64_t
backtest_pm2_first(const struct backtest_pm2 *bp)
{
	for (size_t k = 0; k < bp->n; k++)
		if (bp->since_ms == STAMP_NONE ||
		    bp->events[k].ts_ms >= bp->since_ms)
			return bp->events[k].ts_ms;
	return STAMP_NONE;
}

int64_t
backtest_pm2_last(const struct backtest_pm2 *bp)
{
	if (bp->n == 0 || (bp->since_ms != STAMP_NONE &&
	    bp->events[bp->n - 1].ts_ms < bp->since_ms))
		return STAMP_NONE;
	return bp->events[bp->n - 1].ts_ms;
}

uint64_t
backtest_pm2_events(const struct backtest_pm2 *bp)
{
	return bp->nevents;
}

uint64_t
backtest_pm2_undated(const struct backtest_pm2 *bp)
{
	return bp->undated;
}

static void
backtest_pm2_take(struct backtest_pm2 *bp, struct alert *al,
    const struct backtest_pm2_event *e, int64_t now_ms)
{
	if (e->is_state)
		alert_pm2_news_state(bp->apps, &e->inst);
	else
		alert_pm2_news_event(al, bp->apps, &e->inst, e->ev, e->ts_ms,
		    now_ms);
}

size_t
backtest_pm2_start(struct backtest_pm2 *bp, struct alert *al,
    int64_t start_ms)
{
	pm2_apps_free(bp->apps);
	bp->apps = pm2_apps_new();
	alert_pm2_apps(al, bp->apps);
	/* What PM2 said before the range holds at its start (states only:
	 * events before --since were not kept). */
	for (bp->next = 0; bp->next < bp->n &&
	    bp->events[bp->next].ts_ms < start_ms; bp->next++)
		backtest_pm2_take(bp, al, &bp->events[bp->next], start_ms);
	return bp->next;
}

int64_t
backtest_pm2_next(const struct backtest_pm2 *bp)
{
	return bp->next < bp->n ? bp->events[bp->next].ts_ms : INT64_MAX;
}

void
backtest_pm2_feed(struct backtest_pm2 *bp, struct alert *al, int64_t now_ms)
{
	for (; bp->next < bp->n && bp->events[bp->next].ts_ms <= now_ms;
	    bp->next++)
		backtest_pm2_take(bp, al, &bp->events[bp->next], now_ms);
}

void
backtest_pm2_end(struct backtest_pm2 *bp)
{
	pm2_apps_free(bp->apps);
	bp->apps = NULL;
}

void
backtest_pm2_free(struct backtest_pm2 *bp)
{
	if (bp == NULL)
		return;
	for (size_t k = 0; k < bp->n; k++)
		free(bp->events[k].inst.app);
	free(bp->events);
	pm2_apps_free(bp->apps);
	free(bp);
}
