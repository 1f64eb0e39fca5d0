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
#include "stamp.h"
#include "state_pm2.h"
#include "summary.h"
#include "xmalloc.h"

struct summary_ctx {
	struct aggregate *agg;
	struct series	*series;	/* or NULL */
	struct progress	*progress;	/* or NULL */
	uint64_t	 nbuckets;
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
	if (strcmp(what, "failure class") == 0)
		log_warnx("state has failures of class '%s', which pattern set "
		    "'%s' no longer has (was the set edited?); they count as "
		    "failures, under no class", name, set);
	else
		log_warnx("state has counts for %s '%s', which pattern set "
		    "'%s' does not have (was the set edited?); they are left "
		    "out", what, name, set);
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

/*
 * Finds C's set, outcome and class in CTX's aggregate: false (warned once
 * when the set lacks the outcome) when it is not counted there.  A
 * failure of a class the set no longer has is counted, under no class
 * (match_set_failure_index), and warned of once.
 */
static bool
summary_resolve(struct summary_ctx *ctx, const struct state_count *c,
    size_t *set_idx, enum match_outcome *outcome, size_t *class_idx)
{
	struct aggregate *agg = ctx->agg;
	const struct match_set *set = NULL;

	*class_idx = 0;
	for (*set_idx = 0; *set_idx < agg->nsets; (*set_idx)++) {
		set = agg->sets[*set_idx].set;
		if (strcmp(set->name, c->pattern_set) == 0)
			break;
	}
	if (*set_idx == agg->nsets)
		return false;
	if (!summary_outcome(c->outcome, outcome)) {
		summary_warn_once(ctx, set->name, "outcome", c->outcome);
		return false;
	}
	if (*outcome == MATCH_FAILURE) {
		*class_idx = match_set_failure_index(set, c->class);
		if (*class_idx == set->nfailure)
			summary_warn_once(ctx, set->name, "failure class",
			    c->class);
	}
	return true;
}

static void
summary_bucket(void *arg, const struct state_count *c)
{
	struct summary_ctx *ctx = arg;
	enum match_outcome outcome;
	size_t set_idx, class_idx;

	progress_set(ctx->progress, ++ctx->nbuckets, NULL);
	if (!summary_resolve(ctx, c, &set_idx, &outcome, &class_idx))
		return;
	aggregate_add_n(ctx->agg, set_idx, c->app, -1, outcome, class_idx,
	    c->count, c->first_ms, c->last_ms);
	if (ctx->series != NULL)
		series_add(ctx->series, set_idx, outcome, class_idx, c->count,
		    c->minute_ms);
}

/* A cluster instance's bucket: its app's counts are in buckets already. */
static void
summary_instance_bucket(void *arg, const struct state_count *c,
    int instance)
{
	struct summary_ctx *ctx = arg;
	enum match_outcome outcome;
	size_t set_idx, class_idx;

	if (!summary_resolve(ctx, c, &set_idx, &outcome, &class_idx))
		return;
	aggregate_add_instance_n(ctx->agg, set_idx, c->app, instance, outcome,
	    class_idx, c->count, c->first_ms, c->last_ms);
}

/*
 * The state's meta keys for what watch counts with, stated here once for
 * the writer (watch) and the readers (check, summary).  The config's key
 * is as old as the rule; a state written before the sets were kept has
 * none of the others, and its sets are then not compared (rather than
 * said changed once on upgrade, which would be a false word).
 */
#define SUMMARY_KEY_CONFIG	"config_digest"		/* config.h's digest */
#define SUMMARY_KEY_SETS	"patterns_digest"	/* match_sets_digest */
#define SUMMARY_KEY_SET		"pattern_digest:"	/* + a set's path */

void
summary_config_save(struct state *st, uint64_t digest,
    struct match_set *const *sets, size_t nsets)
{
	(void)state_meta_set(st, SUMMARY_KEY_CONFIG, (int64_t)digest);
	(void)state_meta_set(st, SUMMARY_KEY_SETS,
	    (int64_t)match_sets_digest(sets, nsets));
	for (size_t i = 0; i < nsets; i++) {
		char *key = xasprintf(SUMMARY_KEY_SET "%s", sets[i]->path);

		(void)state_meta_set(st, key, (int64_t)sets[i]->digest);
		free(key);
	}
}

/* The first of the N SETS whose file watch read with other bytes, or
 * NULL when none of their paths is known to ST. */
static const struct match_set *
summary_set_changed(struct state *st, struct match_set *const *sets,
    size_t nsets)
{
	int64_t recorded;

	for (size_t i = 0; i < nsets; i++) {
		char *key = xasprintf(SUMMARY_KEY_SET "%s", sets[i]->path);
		int rc = state_meta_get(st, key, &recorded);

		free(key);
		if (rc == 0 && (uint64_t)recorded != sets[i]->digest)
			return sets[i];
	}
	return NULL;
}

/* The first set file watch recorded (at the path it read it from) that
 * now holds other bytes: its path, malloc'd; PATH stays NULL else. */
struct summary_own_set {
	char		*path;
};

static void
summary_own_set(void *arg, const char *key, int64_t recorded)
{
	struct summary_own_set *o = arg;
	const char *path = key + strlen(SUMMARY_KEY_SET);
	uint64_t now;

	if (o->path == NULL && match_set_file_digest(path, &now) == 0 &&
	    now != (uint64_t)recorded)
		o->path = xstrdup(path);
}

char *
summary_config_changed(struct state *st, uint64_t digest,
    struct match_set *const *sets, size_t nsets, const char *config_path)
{
	const struct match_set *set;
	struct summary_own_set own = { NULL };
	int64_t recorded;

	if (state_meta_get(st, SUMMARY_KEY_CONFIG, &recorded) != 0)
		return NULL;
	if ((uint64_t)recorded != digest)
		return xasprintf("watch counts with another configuration "
		    "than %s as it is now (edited since watch read it, or "
		    "another one's state_dir): reload watch (SIGHUP)",
		    config_path);
	/* Watch's own set files first, at the paths it read them from:
	 * this process may find its sets elsewhere (another
	 * OMNIWATCH_PATTERNS), unchanged while watch's were edited. */
	(void)state_meta_each(st, SUMMARY_KEY_SET, summary_own_set, &own);
	if (own.path != NULL) {
		char *msg = xasprintf("watch counts with another pattern set "
		    "than %s as it is now (edited since watch read it): "
		    "reload watch (SIGHUP)", own.path);

		free(own.path);
		return msg;
	}
	if (state_meta_get(st, SUMMARY_KEY_SETS, &recorded) != 0 ||
	    (uint64_t)recorded == match_sets_digest(sets, nsets))
		return NULL;
	if ((set = summary_set_changed(st, sets, nsets)) != NULL)
		return xasprintf("watch counts with another pattern set than "
		    "%s as it is now (edited since watch read it): reload "
		    "watch (SIGHUP)", set->path);
	/* Same config, other bytes found at other paths: a set moved, or
	 * another OMNIWATCH_PATTERNS than watch's. */
	return xasprintf("watch counts with other pattern sets than %s "
	    "names as they are now (a pattern file edited, moved or found "
	    "elsewhere since watch read it: OMNIWATCH_PATTERNS?): reload "
	    "watch (SIGHUP)", config_path);
}

int
summary_load(struct state *st, struct aggregate *agg, int64_t since_ms,
    int64_t until_ms)
{
	return summary_load_series(st, agg, NULL, NULL, since_ms, until_ms);
}

int
summary_load_series(struct state *st, struct aggregate *agg,
    struct series *series, struct progress *progress, int64_t since_ms,
    int64_t until_ms)
{
	struct summary_ctx ctx = { agg, series, progress, 0, NULL, 0 };
	int rc;

	rc = state_buckets(st, since_ms, until_ms, summary_bucket, &ctx);
	if (rc == 0)
		rc = state_instance_buckets(st, since_ms, until_ms,
		    summary_instance_bucket, &ctx);
	for (size_t i = 0; i < ctx.nwarned; i++)
		free(ctx.warned[i]);
	free(ctx.warned);
	return rc;
}

struct summary_last_ctx {
	const char	*set_name;
	const char	*outcome;
	int64_t		 now_ms;
	int64_t		 last_ms;
};

static void
summary_last_bucket(void *arg, const struct state_count *c)
{
	struct summary_last_ctx *ctx = arg;
	int64_t t = state_count_at(c, ctx->now_ms);

	/* A minute not begun, or a stamp ahead of now, is not "last". */
	if (strcmp(c->pattern_set, ctx->set_name) != 0 ||
	    strcmp(c->outcome, ctx->outcome) != 0 ||
	    c->minute_ms > ctx->now_ms || t > ctx->now_ms)
		return;
	if (ctx->last_ms == STAMP_NONE || t > ctx->last_ms)
		ctx->last_ms = t;
}

int
summary_last(struct state *st, const char *set_name,
    enum match_outcome outcome, int64_t now_ms, int64_t *last_ms)
{
	static const int64_t lookback_ms[] = { 3600000LL, 86400000LL,
	    31 * 86400000LL, 0 };
	struct summary_last_ctx ctx = { set_name, NULL, now_ms, STAMP_NONE };

	switch (outcome) {
	case MATCH_SUCCESS:
		ctx.outcome = "success";
		break;
	case MATCH_FAILURE:
		ctx.outcome = "failure";
		break;
	case MATCH_DAMAGED:
		ctx.outcome = "damaged";
		break;
	case MATCH_NONE:
		*last_ms = STAMP_NONE;
		return 0;
	}
	for (size_t i = 0; i < sizeof(lookback_ms) / sizeof(*lookback_ms);
	    i++) {
		/* A bucket's minute starts at most a minute before its last
		 * record: look back one more minute. */
		int64_t since = lookback_ms[i] == 0 ? STAMP_NONE :
		    now_ms - lookback_ms[i] - 60000;

		if (state_buckets(st, since, STAMP_NONE, summary_last_bucket,
		    &ctx) != 0)
			return -1;
		if (ctx.last_ms != STAMP_NONE)
			break;
	}
	*last_ms = ctx.last_ms;
	return 0;
}

static void
summary_pm2_event(void *ctx, int64_t minute_ms, const char *app,
    int instance, enum pm2_event ev, uint64_t count)
{
	(void)minute_ms;
	pm2_apps_count(ctx, app, instance, ev, count);
}

static void
summary_pm2_instance(void *ctx, const char *home, const struct pm2_instance *i)
{
	(void)home;
	pm2_apps_state(ctx, i->app, i->id, i->mode, i->state, i->since_ms);
}

struct pm2_apps *
summary_load_pm2(struct state *st, int64_t since_ms, int64_t until_ms,
    int *rc)
{
	struct pm2_apps *a = pm2_apps_new();

	*rc = 0;
	if (state_pm2_instances(st, NULL, summary_pm2_instance, a) != 0 ||
	    state_pm2_events(st, since_ms, until_ms, summary_pm2_event,
	    a) != 0)
		*rc = -1;
	if (*rc != 0 || a->napps == 0) {
		pm2_apps_free(a);
		return NULL;
	}
	return a;
}
