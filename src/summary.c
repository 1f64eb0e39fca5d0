/*
 * summary: see summary.h.  Buckets come in minute order, so the same few
 * (set, app, outcome, class) names repeat; they are looked up with linear
 * searches over the handful of sets and classes a config has.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "summary.h"
#include "xmalloc.h"

struct summary_ctx {
	struct aggregate *agg;
	char		**warned;	/* "set\nclass" already warned about */
	size_t		 nwarned;
};

/* Warns about NAME (a WHAT of SET) once per load. */
static void
summary_warn_once(struct summary_ctx *ctx, const char *set,
    const char *what, const char *name)
{
	char *key = xasprintf("%s\n%s\n%s", set, what, name);

	for (size_t i = 0; i < ctx->nwarned; i++)
		if (strcmp(ctx->warned[i], key) == 0) {
			free(key);
			return;
		}
	ctx->warned = xreallocarray(ctx->warned, ctx->nwarned + 1,
	    sizeof(*ctx->warned));
	ctx->warned[ctx->nwarned++] = key;
	log_warnx("state has counts for %s '%s', which pattern set '%s' "
	    "does not have (was the set edited?); they are left out", what,
	    name, set);
}

static bool
summary_outcome(const char *s, enum match_outcome *out)
{
	if (strcmp(s, "success") == 0)
		*out = MATCH_SUCCESS;
	else if (strcmp(s, "failure") == 0)
		*out = MATCH_FAILURE;
	else if (strcmp(s, "damaged") == 0)
		*out = MATCH_DAMAGED;
	else
		return false;
	return true;
}

static void
summary_bucket(void *arg, const struct state_count *c)
{
	struct summary_ctx *ctx = arg;
	struct aggregate *agg = ctx->agg;
	const struct match_set *set = NULL;
	enum match_outcome outcome;
	size_t set_idx, class_idx = 0;

	for (set_idx = 0; set_idx < agg->nsets; set_idx++) {
		set = agg->sets[set_idx].set;
		if (strcmp(set->name, c->pattern_set) == 0)
			break;
	}
	if (set_idx == agg->nsets)
		return;
	if (!summary_outcome(c->outcome, &outcome)) {
		summary_warn_once(ctx, set->name, "outcome", c->outcome);
		return;
	}
	if (outcome == MATCH_FAILURE) {
		while (class_idx < set->nfailure &&
		    strcmp(set->failure[class_idx].name, c->class) != 0)
			class_idx++;
		if (class_idx == set->nfailure) {
			summary_warn_once(ctx, set->name, "failure class",
			    c->class);
			return;
		}
	}
	aggregate_add_n(agg, set_idx, c->app, outcome, class_idx, c->count,
	    c->first_ms, c->last_ms);
}

int
summary_load(struct state *st, struct aggregate *agg, int64_t since_ms,
    int64_t until_ms)
{
	struct summary_ctx ctx = { agg, NULL, 0 };
	int rc;

	rc = state_buckets(st, since_ms, until_ms, summary_bucket, &ctx);
	for (size_t i = 0; i < ctx.nwarned; i++)
		free(ctx.warned[i]);
	free(ctx.warned);
	return rc;
}
