/*
 * series: see series.h.  Hours sit in a sorted array: records mostly come
 * in time order (one file after the other), so the hour is usually the
 * last one used or a new one at the end; otherwise a binary search finds
 * it and a new hour is inserted in place.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "series.h"
#include "stamp.h"
#include "xmalloc.h"

struct series *
series_new(struct match_set *const *sets, size_t nsets)
{
	struct series *s = xcalloc(1, sizeof(*s));

	s->sets = xcalloc(nsets, sizeof(*s->sets));
	s->nsets = nsets;
	for (size_t i = 0; i < nsets; i++)
		s->sets[i].set = sets[i];
	return s;
}

/* The hour starting at HOUR_MS in SS, created when missing. */
static struct series_hour *
series_hour(struct series_set *ss, int64_t hour_ms)
{
	size_t lo = 0, hi = ss->nhours;
	struct series_hour *h;

	if (ss->nhours > 0 && ss->hours[ss->last].hour_ms == hour_ms)
		return &ss->hours[ss->last];
	if (ss->nhours > 0 && ss->hours[ss->nhours - 1].hour_ms < hour_ms)
		lo = ss->nhours;
	else
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ss->hours[mid].hour_ms < hour_ms)
				lo = mid + 1;
			else
				hi = mid;
		}
	if (lo < ss->nhours && ss->hours[lo].hour_ms == hour_ms) {
		ss->last = lo;
		return &ss->hours[lo];
	}
	if (ss->nhours == ss->cap) {
		ss->cap = ss->cap == 0 ? 64 : ss->cap * 2;
		ss->hours = xreallocarray(ss->hours, ss->cap,
		    sizeof(*ss->hours));
	}
	memmove(&ss->hours[lo + 1], &ss->hours[lo],
	    (ss->nhours - lo) * sizeof(*ss->hours));
	ss->nhours++;
	h = &ss->hours[lo];
	memset(h, 0, sizeof(*h));
	h->hour_ms = hour_ms;
	h->classes = xcalloc(ss->set->nfailure > 0 ? ss->set->nfailure : 1,
	    sizeof(*h->classes));
	ss->last = lo;
	return h;
}

void
series_add(struct series *s, size_t set_idx, enum match_outcome outcome,
    size_t class_idx, uint64_t count, int64_t ts_ms)
{
	struct series_hour *h;
	int64_t hour_ms;

	if (ts_ms == STAMP_NONE || outcome == MATCH_NONE)
		return;
	hour_ms = ts_ms / SERIES_HOUR_MS * SERIES_HOUR_MS;
	if (ts_ms < 0 && hour_ms != ts_ms)
		hour_ms -= SERIES_HOUR_MS;	/* floor, not toward zero */
	h = series_hour(&s->sets[set_idx], hour_ms);
	switch (outcome) {
	case MATCH_SUCCESS:
		h->successes += count;
		break;
	case MATCH_FAILURE:
		h->failures += count;
		h->classes[class_idx] += count;
		break;
	case MATCH_DAMAGED:
		h->damaged += count;
		break;
	case MATCH_NONE:
		break;
	}
}

double
series_hour_rate(const struct series_hour *h)
{
	uint64_t n = h->failures + h->successes;

	return n == 0 ? -1.0 : (double)h->failures / (double)n;
}

void
series_free(struct series *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nsets; i++) {
		for (size_t j = 0; j < s->sets[i].nhours; j++)
			free(s->sets[i].hours[j].classes);
		free(s->sets[i].hours);
	}
	free(s->sets);
	free(s);
}
