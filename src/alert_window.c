/*
 * alert_window: a rule's counts over its window (a ring of slots with
 * running totals, by record stamp) and its streak of failures (runs by
 * stamp; see alert_int.h).  Records are added here; alert.c judges them.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "alert_int.h"
#include "alert_pm2.h"
#include "fnv.h"
#include "log.h"
#include "plural.h"
#include "stamp.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------------
 * The window.
 */

static void
alert_slot_clear(struct alert_rule *r, struct alert_slot *s)
{
	if (s->idx < 0)
		return;
	r->successes -= s->successes;
	r->failures -= s->failures;
	r->all_failures -= s->all_failures;
	r->damaged -= s->damaged;
	for (size_t i = 0; i < r->set->nfailure; i++) {
		r->classes[i] -= s->classes[i];
		s->classes[i] = 0;
	}
	s->successes = s->failures = s->all_failures = s->damaged = 0;
	s->first_fail = STAMP_NONE;
	s->idx = -1;
}

/*
 * Lets the slots that fell out of the window by NOW go.  The ring holds
 * the slots of (cur_idx - nslots, cur_idx], each at idx % nslots, so a
 * step shorter than the window visits only the slots it lets go: a
 * backtest steps through a month of seconds.
 */
void
alert_rule_advance(struct alert_rule *r, int64_t now_ms)
{
	int64_t now_idx = now_ms / r->slot_ms;
	int64_t n = (int64_t)r->nslots;

	if (now_idx <= r->cur_idx)
		return;
	if (now_idx - r->cur_idx >= n) {
		for (size_t i = 0; i < r->nslots; i++)
			if (r->slots[i].idx >= 0 &&
			    r->slots[i].idx <= now_idx - n)
				alert_slot_clear(r, &r->slots[i]);
	} else
		for (int64_t idx = r->cur_idx - n + 1; idx <= now_idx - n;
		    idx++) {
			struct alert_slot *s;

			if (idx < 0)
				continue;
			s = &r->slots[idx % n];
			if (s->idx >= 0 && s->idx <= now_idx - n)
				alert_slot_clear(r, s);
		}
	r->cur_idx = now_idx;
}

bool
alert_rule_is_empty(const struct alert_rule *r)
{
	return r->successes + r->all_failures + r->damaged == 0;
}

/* The slot for time T, or NULL when T is outside the window. */
struct alert_slot *
alert_rule_slot(struct alert_rule *r, int64_t t)
{
	int64_t idx = t / r->slot_ms;
	struct alert_slot *s;

	if (idx <= r->cur_idx - (int64_t)r->nslots || idx > r->cur_idx)
		return NULL;
	s = &r->slots[idx % (int64_t)r->nslots];
	if (s->idx != idx) {
		alert_slot_clear(r, s);
		s->idx = idx;
	}
	return s;
}

void
alert_rule_app(struct alert_rule *r, const char *app, int64_t t)
{
	size_t oldest = 0;

	for (size_t i = 0; i < r->napps; i++) {
		if (strcmp(r->apps[i].name, app) == 0) {
			if (t > r->apps[i].last_ms)
				r->apps[i].last_ms = t;
			return;
		}
		if (r->apps[i].last_ms < r->apps[oldest].last_ms)
			oldest = i;
	}
	if (r->napps < ALERT_APPS_MAX)
		oldest = r->napps++;
	else
		free(r->apps[oldest].name);
	r->apps[oldest].name = xstrdup(app);
	r->apps[oldest].last_ms = t;
}

/*
 * Adds COUNT records of OUTCOME (CLASS_IDX for failures) at time T to the
 * window.  FIRST is the earliest failure's time among them.
 */
void
alert_rule_count(struct alert_rule *r, const char *app,
    enum match_outcome outcome, size_t class_idx, uint64_t count,
    int64_t first, int64_t t)
{
	struct alert_slot *s = alert_rule_slot(r, t);

	if (s == NULL)
		return;
	switch (outcome) {
	case MATCH_SUCCESS:
		s->successes += (uint32_t)count;
		r->successes += count;
		break;
	case MATCH_FAILURE:
		s->all_failures += (uint32_t)count;
		r->all_failures += count;
		if (!r->class_on[class_idx])
			break;
		s->failures += (uint32_t)count;
		r->failures += count;
		s->classes[class_idx] += (uint32_t)count;
		r->classes[class_idx] += count;
		if (s->first_fail == STAMP_NONE || first < s->first_fail)
			s->first_fail = first;
		alert_rule_app(r, app, t);
		break;
	case MATCH_DAMAGED:
		s->damaged += (uint32_t)count;
		r->damaged += count;
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------------
 * The streak (see struct alert_run).
 */

/* Where a run stamped MS goes: after every run not later than MS. */
static size_t
alert_streak_find(const struct alert_rule *r, int64_t ms)
{
	size_t i = r->nruns;

	while (i > 0 && r->runs[i - 1].ms > ms)
		i--;
	return i;
}

/* FNV-1a (fnv.h) of the N strings of PARTS, each with its NUL. */
uint64_t
alert_fnv1a(const char *const *parts, size_t n)
{
	uint64_t h = FNV1A64_INIT;

	for (size_t i = 0; i < n; i++)
		h = fnv1a64_str(h, parts[i]);
	return h;
}

/* A record's source: its app and stream. */
uint64_t
alert_source(const char *app, const char *stream)
{
	const char *parts[2] = { app, stream != NULL ? stream : "" };

	return alert_fnv1a(parts, 2);
}

/* A counted failure stamped TS (STAMP_NONE: unstamped) from SOURCE. */
void
alert_streak_fail(struct alert_rule *r, int64_t ts, uint64_t source)
{
	int64_t ms = ts == STAMP_NONE ? 0 : ts;
	size_t i;

	if (ts != STAMP_NONE && r->streak_floor_ms != 0 &&
	    (ts < r->streak_floor_ms || (ts == r->streak_floor_ms &&
	    (r->is_floor_mixed || source != r->floor_source))))
		return;		/* not known to come after that success */
	r->streak++;
	i = alert_streak_find(r, ms);
	if (i > 0 && r->runs[i - 1].ms == ms) {
		r->runs[i - 1].n++;
		return;
	}
	if (r->nruns == ALERT_RUNS_MAX) {
		r->runs[0].n += r->runs[1].n;
		memmove(&r->runs[1], &r->runs[2],
		    (r->nruns - 2) * sizeof(r->runs[0]));
		r->nruns--;
		i = alert_streak_find(r, ms);
	}
	memmove(&r->runs[i + 1], &r->runs[i],
	    (r->nruns - i) * sizeof(r->runs[0]));
	r->runs[i].ms = ms;
	r->runs[i].n = 1;
	r->nruns++;
}

/*
 * A success stamped TS (STAMP_NONE: unstamped) from SOURCE ends the runs
 * not later than itself.
 */
void
alert_streak_success(struct alert_rule *r, int64_t ts, uint64_t source)
{
	size_t i = 0;

	if (ts == STAMP_NONE) {
		r->nruns = 0;
		r->streak = 0;
		return;
	}
	if (ts > r->streak_floor_ms) {
		r->streak_floor_ms = ts;
		r->floor_source = source;
		r->is_floor_mixed = false;
	} else if (ts == r->streak_floor_ms && source != r->floor_source)
		r->is_floor_mixed = true;
	while (i < r->nruns && r->runs[i].ms <= ts)
		r->streak -= r->runs[i++].n;
	memmove(&r->runs[0], &r->runs[i], (r->nruns - i) * sizeof(r->runs[0]));
	r->nruns -= i;
}

