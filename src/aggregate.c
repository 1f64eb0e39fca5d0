/*
 * aggregate: see aggregate.h.  Apps are few (one per PM2 process name), so
 * they sit in an array, found by a linear search behind a one-entry cache.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "stamp.h"
#include "xmalloc.h"

static void
aggregate_counts_init(struct aggregate_counts *c, size_t nclasses)
{
	memset(c, 0, sizeof(*c));
	c->classes = xcalloc(nclasses, sizeof(*c->classes));
	c->first = STAMP_NONE;
	c->last = STAMP_NONE;
}

struct aggregate *
aggregate_new(struct match_set *const *sets, size_t nsets)
{
	struct aggregate *agg = xcalloc(1, sizeof(*agg));

	agg->sets = xcalloc(nsets, sizeof(*agg->sets));
	agg->nsets = nsets;
	for (size_t i = 0; i < nsets; i++) {
		agg->sets[i].set = sets[i];
		aggregate_counts_init(&agg->sets[i].total,
		    sets[i]->nfailure + 1);
	}
	return agg;
}

static void
aggregate_count(struct aggregate_counts *c, enum match_outcome outcome,
    size_t class_idx, uint64_t n, int64_t first, int64_t last)
{
	switch (outcome) {
	case MATCH_SUCCESS:
		c->successes += n;
		break;
	case MATCH_FAILURE:
		c->failures += n;
		c->classes[class_idx] += n;
		break;
	case MATCH_DAMAGED:
		c->damaged += n;
		break;
	case MATCH_NONE:
		return;
	}
	if (first != STAMP_NONE && (c->first == STAMP_NONE || first < c->first))
		c->first = first;
	if (last != STAMP_NONE && (c->last == STAMP_NONE || last > c->last))
		c->last = last;
}

static struct aggregate_app *
aggregate_app(struct aggregate_set *as, const char *app)
{
	size_t i;

	if (as->napps > 0 && strcmp(as->apps[as->last_app].name, app) == 0)
		return &as->apps[as->last_app];
	for (i = 0; i < as->napps; i++)
		if (strcmp(as->apps[i].name, app) == 0)
			break;
	if (i == as->napps) {
		as->apps = xreallocarray(as->apps, as->napps + 1,
		    sizeof(*as->apps));
		as->apps[i].name = xstrdup(app);
		aggregate_counts_init(&as->apps[i].counts,
		    as->set->nfailure + 1);
		as->apps[i].instances = NULL;
		as->apps[i].ninstances = 0;
		as->napps++;
	}
	as->last_app = i;
	return &as->apps[i];
}

/* INSTANCE's counts in A; instances are kept in id order. */
static struct aggregate_counts *
aggregate_instance(const struct aggregate_set *as, struct aggregate_app *a,
    int instance)
{
	size_t i;

	for (i = 0; i < a->ninstances && a->instances[i].id <= instance; i++)
		if (a->instances[i].id == instance)
			return &a->instances[i].counts;
	a->instances = xreallocarray(a->instances, a->ninstances + 1,
	    sizeof(*a->instances));
	memmove(&a->instances[i + 1], &a->instances[i],
	    (a->ninstances - i) * sizeof(*a->instances));
	a->instances[i].id = instance;
	aggregate_counts_init(&a->instances[i].counts,
	    as->set->nfailure + 1);
	a->ninstances++;
	return &a->instances[i].counts;
}

void
aggregate_add_n(struct aggregate *agg, size_t set_idx, const char *app,
    int instance, enum match_outcome outcome, size_t class_idx,
    uint64_t count, int64_t first_ms, int64_t last_ms)
{
	struct aggregate_set *as = &agg->sets[set_idx];
	struct aggregate_app *a;

	if (outcome == MATCH_NONE)
		return;
	aggregate_count(&as->total, outcome, class_idx, count, first_ms,
	    last_ms);
	a = aggregate_app(as, app);
	aggregate_count(&a->counts, outcome, class_idx, count, first_ms,
	    last_ms);
	if (instance >= 0)
		aggregate_count(aggregate_instance(as, a, instance), outcome,
		    class_idx, count, first_ms, last_ms);
}

void
aggregate_add_instance_n(struct aggregate *agg, size_t set_idx,
    const char *app, int instance, enum match_outcome outcome,
    size_t class_idx, uint64_t count, int64_t first_ms, int64_t last_ms)
{
	struct aggregate_set *as = &agg->sets[set_idx];

	if (outcome == MATCH_NONE || instance < 0)
		return;
	aggregate_count(aggregate_instance(as, aggregate_app(as, app),
	    instance), outcome, class_idx, count, first_ms, last_ms);
}

void
aggregate_add(struct aggregate *agg, size_t set_idx, const char *app,
    int instance, enum match_outcome outcome, size_t class_idx,
    int64_t ts_ms)
{
	aggregate_add_n(agg, set_idx, app, instance, outcome, class_idx, 1,
	    ts_ms, ts_ms);
}

static void
aggregate_counts_merge(struct aggregate_counts *d,
    const struct aggregate_counts *c, size_t nclasses)
{
	d->successes += c->successes;
	d->damaged += c->damaged;
	d->failures += c->failures;
	for (size_t k = 0; k < nclasses; k++)
		d->classes[k] += c->classes[k];
	if (c->first != STAMP_NONE && (d->first == STAMP_NONE ||
	    c->first < d->first))
		d->first = c->first;
	if (c->last != STAMP_NONE && (d->last == STAMP_NONE ||
	    c->last > d->last))
		d->last = c->last;
}

void
aggregate_merge(struct aggregate *dst, const struct aggregate *src)
{
	for (size_t i = 0; i < dst->nsets && i < src->nsets; i++) {
		const struct aggregate_set *from = &src->sets[i];
		struct aggregate_set *to = &dst->sets[i];
		/* match_set_failure_index's slot for a class no
		 * longer in the set included. */
		size_t nclasses = to->set->nfailure + 1;

		aggregate_counts_merge(&to->total, &from->total, nclasses);
		for (size_t j = 0; j < from->napps; j++) {
			const struct aggregate_app *fa = &from->apps[j];
			struct aggregate_app *ta = aggregate_app(to, fa->name);

			aggregate_counts_merge(&ta->counts, &fa->counts,
			    nclasses);
			for (size_t k = 0; k < fa->ninstances; k++)
				aggregate_counts_merge(aggregate_instance(to,
				    ta, fa->instances[k].id),
				    &fa->instances[k].counts, nclasses);
		}
	}
}

double
aggregate_failure_rate(const struct aggregate_counts *c)
{
	uint64_t n = c->failures + c->successes;

	return n == 0 ? -1.0 : (double)c->failures / (double)n;
}

void
aggregate_free(struct aggregate *agg)
{
	if (agg == NULL)
		return;
	for (size_t i = 0; i < agg->nsets; i++) {
		struct aggregate_set *as = &agg->sets[i];

		for (size_t j = 0; j < as->napps; j++) {
			free(as->apps[j].name);
			free(as->apps[j].counts.classes);
			for (size_t k = 0; k < as->apps[j].ninstances; k++)
				free(as->apps[j].instances[k].counts.classes);
			free(as->apps[j].instances);
		}
		free(as->apps);
		free(as->total.classes);
	}
	free(agg->sets);
	free(agg);
}
