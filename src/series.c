/*
 * series: see series.h.  Steps are appended in arrival order; a hash of
 * their start (open addressing, linear probing, at most half full) finds
 * a step again, and the last one used is tried first, since records come
 * in runs.  Sorting is deferred to series_regroup, which is what every
 * reader goes through.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"
#include "stamp.h"
#include "xmalloc.h"

struct series *
series_new(struct match_set *const *sets, size_t nsets, int64_t step_ms)
{
	struct series *s = xcalloc(1, sizeof(*s));

	s->step_ms = step_ms;
	s->sets = xcalloc(nsets, sizeof(*s->sets));
	s->nsets = nsets;
	for (size_t i = 0; i < nsets; i++) {
		s->sets[i].set = sets[i];
		s->sets[i].is_sorted = true;
		s->sets[i].undated.start_ms = STAMP_NONE;
		/* A slot more: match_set_failure_index's for a class
		 * no longer in the set. */
		s->sets[i].undated.classes = xcalloc(sets[i]->nfailure + 1,
		    sizeof(uint64_t));
	}
	return s;
}

static size_t
series_hash(int64_t start_ms, size_t nslots)
{
	return (size_t)(((uint64_t)start_ms * 0x9E3779B97F4A7C15ULL) >> 17) &
	    (nslots - 1);
}

static void
series_rehash(struct series_set *ss)
{
	free(ss->slots);
	ss->nslots = ss->nslots == 0 ? 256 : ss->nslots * 2;
	ss->slots = xcalloc(ss->nslots, sizeof(*ss->slots));
	for (size_t i = 0; i < ss->nsteps; i++) {
		size_t h = series_hash(ss->steps[i].start_ms, ss->nslots);

		while (ss->slots[h] != 0)
			h = (h + 1) & (ss->nslots - 1);
		ss->slots[h] = i + 1;
	}
}

/* The step starting at START_MS in SS, created when missing. */
static struct series_step *
series_step(struct series_set *ss, int64_t start_ms)
{
	struct series_step *st;
	size_t h;

	if (ss->nsteps > 0 && ss->steps[ss->last].start_ms == start_ms)
		return &ss->steps[ss->last];
	if (2 * (ss->nsteps + 1) > ss->nslots)
		series_rehash(ss);
	h = series_hash(start_ms, ss->nslots);
	while (ss->slots[h] != 0) {
		if (ss->steps[ss->slots[h] - 1].start_ms == start_ms) {
			ss->last = ss->slots[h] - 1;
			return &ss->steps[ss->last];
		}
		h = (h + 1) & (ss->nslots - 1);
	}
	if (ss->nsteps == ss->cap) {
		ss->cap = ss->cap == 0 ? 64 : ss->cap * 2;
		ss->steps = xreallocarray(ss->steps, ss->cap,
		    sizeof(*ss->steps));
	}
	if (ss->nsteps > 0 && ss->steps[ss->nsteps - 1].start_ms > start_ms)
		ss->is_sorted = false;
	st = &ss->steps[ss->nsteps];
	memset(st, 0, sizeof(*st));
	st->start_ms = start_ms;
	st->classes = xcalloc(ss->set->nfailure + 1, sizeof(*st->classes));
	ss->slots[h] = ++ss->nsteps;
	ss->last = ss->nsteps - 1;
	return st;
}

/* A floor, not a truncation toward zero, so that times before 1970 fall
 * in their step. */
int64_t
series_floor(int64_t ts_ms, int64_t step_ms)
{
	int64_t start = ts_ms / step_ms * step_ms;

	if (ts_ms < 0 && start != ts_ms)
		start -= step_ms;
	return start;
}

static void
series_add_step(struct series_step *st, enum match_outcome outcome,
    size_t class_idx, uint64_t count)
{
	switch (outcome) {
	case MATCH_SUCCESS:
		st->successes += count;
		break;
	case MATCH_FAILURE:
		st->failures += count;
		st->classes[class_idx] += count;
		break;
	case MATCH_DAMAGED:
		st->damaged += count;
		break;
	case MATCH_NONE:
		break;
	}
}

void
series_add(struct series *s, size_t set_idx, enum match_outcome outcome,
    size_t class_idx, uint64_t count, int64_t ts_ms)
{
	if (outcome == MATCH_NONE)
		return;
	series_add_step(ts_ms == STAMP_NONE ? &s->sets[set_idx].undated :
	    series_step(&s->sets[set_idx], series_floor(ts_ms, s->step_ms)),
	    outcome, class_idx, count);
}

static int
series_step_cmp(const void *a, const void *b)
{
	const struct series_step *x = a, *y = b;

	return x->start_ms < y->start_ms ? -1 : x->start_ms > y->start_ms;
}

/* Sorts SS's steps by start; the hash is rebuilt on the next lookup. */
static void
series_sort(struct series_set *ss)
{
	if (ss->is_sorted)
		return;
	qsort(ss->steps, ss->nsteps, sizeof(*ss->steps), series_step_cmp);
	free(ss->slots);
	ss->slots = NULL;
	ss->nslots = 0;
	ss->last = 0;
	ss->is_sorted = true;
}

struct series *
series_regroup(struct series *src, int64_t step_ms)
{
	struct match_set **sets = xcalloc(src->nsets + 1, sizeof(*sets));
	struct series *dst;

	for (size_t i = 0; i < src->nsets; i++)
		sets[i] = (struct match_set *)src->sets[i].set;
	dst = series_new(sets, src->nsets, step_ms);
	free(sets);
	/* SRC sorted first: DST's steps come in order, and stay sorted. */
	series_merge(dst, src);
	return dst;
}

/* Adds FROM's counts (NCLASSES classes) into TO's. */
static void
series_step_sum(struct series_step *to, const struct series_step *from,
    size_t nclasses)
{
	to->failures += from->failures;
	to->successes += from->successes;
	to->damaged += from->damaged;
	for (size_t c = 0; c < nclasses; c++)
		to->classes[c] += from->classes[c];
}

void
series_merge(struct series *dst, struct series *src)
{
	for (size_t i = 0; i < src->nsets; i++) {
		struct series_set *ss = &src->sets[i];
		size_t nclasses = ss->set->nfailure + 1;

		series_sort(ss);
		for (size_t j = 0; j < ss->nsteps; j++) {
			const struct series_step *from = &ss->steps[j];

			series_step_sum(series_step(&dst->sets[i],
			    series_floor(from->start_ms, dst->step_ms)), from,
			    nclasses);
		}
		series_step_sum(&dst->sets[i].undated, &ss->undated, nclasses);
	}
}

int64_t
series_step_default(const struct series *s, int64_t since_ms,
    int64_t until_ms)
{
	int64_t lo = since_ms, hi = until_ms;

	for (size_t i = 0; s != NULL && i < s->nsets; i++) {
		const struct series_set *ss = &s->sets[i];

		for (size_t j = 0; j < ss->nsteps; j++) {
			int64_t a = ss->steps[j].start_ms;
			int64_t b = a + s->step_ms;

			if (since_ms == STAMP_NONE && (lo == STAMP_NONE ||
			    a < lo))
				lo = a;
			if (until_ms == STAMP_NONE && (hi == STAMP_NONE ||
			    b > hi))
				hi = b;
		}
	}
	if (lo == STAMP_NONE || hi == STAMP_NONE ||
	    hi - lo <= SERIES_FINE_RANGE_MS)
		return SERIES_MINUTE_MS;
	return SERIES_HOUR_MS;
}

int
series_step_parse(const char *arg, int64_t *step_ms, const char **err)
{
	int64_t ms;

	if (stamp_parse_duration(arg, &ms) != 0 || ms <= 0) {
		*err = "expected a duration of whole minutes from 1m to 1d "
		    "(1m, 5m, 1h, 1d)";
		return -1;
	}
	if (ms % SERIES_MINUTE_MS != 0 || ms < SERIES_MINUTE_MS ||
	    ms > SERIES_DAY_MS) {
		*err = "a step is a whole number of minutes from 1m to 1d "
		    "(state buckets are a minute)";
		return -1;
	}
	*step_ms = ms;
	return 0;
}

const char *
series_step_name(int64_t step_ms, char *buf)
{
	if (step_ms % SERIES_DAY_MS == 0)
		snprintf(buf, 24, "%lldd", (long long)(step_ms /
		    SERIES_DAY_MS));
	else if (step_ms % SERIES_HOUR_MS == 0)
		snprintf(buf, 24, "%lldh", (long long)(step_ms /
		    SERIES_HOUR_MS));
	else
		snprintf(buf, 24, "%lldm", (long long)(step_ms /
		    SERIES_MINUTE_MS));
	return buf;
}

double
series_step_rate(const struct series_step *st)
{
	uint64_t n = st->failures + st->successes;

	return n == 0 ? -1.0 : (double)st->failures / (double)n;
}

void
series_free(struct series *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nsets; i++) {
		for (size_t j = 0; j < s->sets[i].nsteps; j++)
			free(s->sets[i].steps[j].classes);
		free(s->sets[i].steps);
		free(s->sets[i].slots);
		free(s->sets[i].undated.classes);
	}
	free(s->sets);
	free(s);
}
