/*
 * alert_load: the rules built from the config (alert_new) and brought back
 * from the state after a restart: each rule's saved status and episode,
 * and its window refilled from the committed buckets.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "alert_int.h"
#include "alert_pm2.h"
#include "log.h"
#include "plural.h"
#include "stamp.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------------
 * Building and restoring.
 */

static struct alert_rule *
alert_find(struct alert *al, const char *name)
{
	for (size_t i = 0; i < al->nrules; i++)
		if (strcmp(al->rules[i].cfg->name, name) == 0)
			return &al->rules[i];
	return NULL;
}

static void
alert_restore(void *ctx, const struct state_alert *a)
{
	struct alert *al = ctx;
	struct alert_rule *r = alert_find(al, a->name);

	if (r == NULL) {
		log_warnx("alert '%s' is no longer in the configuration; its "
		    "state (%s) is forgotten%s", a->name, a->status,
		    strcmp(a->status, "firing") == 0 ? " without a resolved "
		    "notification" : "");
		state_alert_forget(al->st, a->name);
		return;
	}
	if (strcmp(a->status, "firing") == 0)
		r->status = ALERT_FIRING;
	else if (strcmp(a->status, "pending") == 0)
		r->status = ALERT_PENDING;
	else
		r->status = ALERT_INACTIVE;
	snprintf(r->id, sizeof(r->id), "%s", a->id);
	r->since_ms = a->since_ms;
	r->last_notified_ms = a->last_notified_ms;
	/* Only the streak's oldest stamp is saved: restored as one run
	 * there, any success stamped at or after it ends the whole streak
	 * (a late alert rather than a false one). */
	r->streak = a->streak;
	r->nruns = 0;
	if (a->streak > 0) {
		r->runs[0].ms = a->streak_since_ms;
		r->runs[0].n = a->streak;
		r->nruns = 1;
	}
	/* Which source the floor's success came from is not saved: a
	 * failure of that very second no longer counts. */
	r->streak_floor_ms = a->streak_floor_ms;
	r->is_floor_mixed = true;
	r->keep_since_ms = r->status == ALERT_FIRING ?
	    a->keep_firing_since_ms : 0;
	r->last_success_ms = a->last_success_ms;
	r->last_failure_ms = a->last_failure_ms;
	r->created_ms = a->created_ms;
	if (a->sample_len > 0) {
		size_t len = a->sample_len < ALERT_SAMPLE_RAW ?
		    a->sample_len : ALERT_SAMPLE_RAW;

		free(r->sample);
		r->sample = xmalloc(ALERT_SAMPLE_RAW);
		memcpy(r->sample, a->sample, len);
		r->sample_len = len;
	}
	r->is_dirty = false;
}

struct alert_fill {
	struct alert	*al;
	int64_t		 now_ms;
};

static void
alert_fill_bucket(void *ctx, const struct state_count *c)
{
	struct alert_fill *f = ctx;
	struct alert *al = f->al;
	enum match_outcome outcome;

	if (strcmp(c->outcome, "success") == 0)
		outcome = MATCH_SUCCESS;
	else if (strcmp(c->outcome, "failure") == 0)
		outcome = MATCH_FAILURE;
	else if (strcmp(c->outcome, "damaged") == 0)
		outcome = MATCH_DAMAGED;
	else
		return;
	for (size_t i = 0; i < al->nrules; i++) {
		struct alert_rule *r = &al->rules[i];
		size_t class_idx = 0;
		int64_t t, first;

		if (strcmp(r->set->name, c->pattern_set) != 0 ||
		    alert_pm2_is_kind(r->cfg->kind))
			continue;
		/* A class the set no longer has is a failure still. */
		if (outcome == MATCH_FAILURE)
			class_idx = match_set_failure_index(r->set, c->class);
		t = state_count_at(c, f->now_ms);
		if (t > f->now_ms)
			t = f->now_ms;
		first = c->first_ms != STAMP_NONE && c->first_ms <= t ?
		    c->first_ms : t;
		alert_rule_count(r, c->app, outcome, class_idx, c->count,
		    first, t);
	}
}

/* The set and classes of rule CFG; else the error, at the rule. */
static int
alert_rule_init(struct alert_rule *r, const struct config_alert *cfg,
    struct match_set **sets, size_t nsets, int64_t now_ms, char **err)
{
	const char *want = cfg->pattern_set != NULL ? cfg->pattern_set :
	    sets[0]->name;
	size_t nf;

	r->cfg = cfg;
	for (r->set_idx = 0; r->set_idx < nsets; r->set_idx++)
		if (strcmp(sets[r->set_idx]->name, want) == 0)
			break;
	if (r->set_idx == nsets) {
		*err = xasprintf("%s: alerts.%s.pattern_set: '%s' is not one "
		    "of the pattern sets loaded; expected the name: of a set "
		    "listed under pattern_sets", cfg->where != NULL ?
		    cfg->where : "config", cfg->name, want);
		return -1;
	}
	r->set = sets[r->set_idx];
	nf = r->set->nfailure;
	r->class_on = xcalloc(nf + 1, sizeof(*r->class_on));
	/* A rule over every class counts those the set no longer has
	 * (match_set_failure_index's slot, nf) too. */
	for (size_t i = 0; i <= nf; i++)
		r->class_on[i] = cfg->nclasses == 0;
	for (size_t j = 0; j < cfg->nclasses; j++) {
		size_t i;

		for (i = 0; i < nf; i++)
			if (strcmp(r->set->failure[i].name,
			    cfg->classes[j]) == 0)
				break;
		if (i == nf) {
			*err = xasprintf("%s: alerts.%s.classes: '%s' is not a "
			    "failure class of pattern set '%s'",
			    cfg->classes_where, cfg->name, cfg->classes[j],
			    r->set->name);
			return -1;
		}
		r->class_on[i] = true;
	}
	/* 1 s slots, wider when the window would need more than the cap. */
	r->slot_ms = 1000;
	while ((cfg->window_ms + r->slot_ms - 1) / r->slot_ms >
	    ALERT_SLOTS_MAX)
		r->slot_ms += 1000;
	r->nslots = (size_t)((cfg->window_ms + r->slot_ms - 1) / r->slot_ms);
	r->slots = xcalloc(r->nslots, sizeof(*r->slots));
	r->class_mem = xcalloc(r->nslots * (nf + 1), sizeof(*r->class_mem));
	for (size_t i = 0; i < r->nslots; i++) {
		r->slots[i].idx = -1;
		r->slots[i].first_fail = STAMP_NONE;
		r->slots[i].classes = &r->class_mem[i * (nf + 1)];
	}
	r->classes = xcalloc(nf + 1, sizeof(*r->classes));
	r->cur_idx = now_ms / r->slot_ms;
	r->created_ms = now_ms;
	r->is_dirty = true;
	return 0;
}

struct alert *
alert_new(const struct config *cfg, struct match_set **sets, size_t nsets,
    struct state *st, const struct redact *rd, const struct alert_cb *cb,
    int64_t now_ms, char **err)
{
	struct alert *al = xcalloc(1, sizeof(*al));
	struct alert_fill fill = { al, now_ms };
	int64_t longest = 0;

	*err = NULL;
	al->st = st;
	al->rd = rd;
	al->cb = *cb;
	if (gethostname(al->host, sizeof(al->host) - 1) != 0)
		snprintf(al->host, sizeof(al->host), "localhost");
	al->rules = xcalloc(cfg->nalerts + 1, sizeof(*al->rules));
	for (size_t i = 0; i < cfg->nalerts; i++) {
		if (alert_rule_init(&al->rules[i], &cfg->alerts[i], sets, nsets,
		    now_ms, err) != 0) {
			al->nrules = i + 1;
			goto fail;
		}
		al->nrules++;
		if (cfg->alerts[i].window_ms > longest)
			longest = cfg->alerts[i].window_ms;
	}
	if (st == NULL)		/* `watch --check`: the rules only */
		return al;
	/* A rule not saved yet knows only what the buckets say. */
	for (size_t i = 0; i < al->nrules; i++) {
		struct alert_rule *r = &al->rules[i];
		int64_t ms;

		if (state_last_outcome(st, r->set->name, "success", now_ms,
		    &ms) == 0 && ms != STAMP_NONE)
			r->last_success_ms = ms;
	}
	if (state_alerts(st, alert_restore, al) != 0 ||
	    state_buckets(st, now_ms - longest - 60000, STAMP_NONE,
	    alert_fill_bucket, &fill) != 0 ||
	    alert_pm2_fill(al, now_ms - longest - 60000, now_ms) != 0) {
		*err = xasprintf("cannot read the alerts' state");
		goto fail;
	}
	alert_save(al);
	return al;

fail:
	alert_free(al);
	return NULL;
}

static void
alert_rule_release(struct alert_rule *r)
{
	free(r->class_on);
	free(r->slots);
	free(r->class_mem);
	free(r->classes);
	for (size_t j = 0; j < r->napps; j++)
		free(r->apps[j].name);
	free(r->sample);
	alert_pm2_rule_free(r->pm2);
}

/*
 * A rule of KIND over WINDOW_MS on SET alone, in AL (R its one rule, CFG
 * its settings: all three the caller's, for a count check makes with the
 * rules' own window code).  Returns alert_rule_init()'s answer.
 */
static int
alert_window_rule(struct alert *al, struct alert_rule *r,
    struct config_alert *cfg, enum config_alert_kind kind,
    struct match_set *set, int64_t window_ms, int64_t now_ms, char **err)
{
	memset(cfg, 0, sizeof(*cfg));
	memset(r, 0, sizeof(*r));
	memset(al, 0, sizeof(*al));
	cfg->name = kind == CONFIG_ALERT_RESTARTS ? "restarts" : "window";
	cfg->kind = kind;
	cfg->window_ms = window_ms;
	al->rules = r;
	al->nrules = 1;
	return alert_rule_init(r, cfg, &set, 1, now_ms, err);
}

int
alert_window_counts(struct state *st, struct match_set *set,
    int64_t window_ms, int64_t now_ms, struct alert_window *out)
{
	struct config_alert cfg;
	struct alert_rule r;
	struct alert al;
	struct alert_fill fill = { &al, now_ms };
	char *err = NULL;
	int rc = alert_window_rule(&al, &r, &cfg, CONFIG_ALERT_FAILURE_RATE,
	    set, window_ms, now_ms, &err);

	if (rc == 0)
		rc = state_buckets(st, now_ms - window_ms - 60000, STAMP_NONE,
		    alert_fill_bucket, &fill);
	if (rc == 0) {
		alert_rule_advance(&r, now_ms);
		out->successes = r.successes;
		out->failures = r.all_failures;
		out->damaged = r.damaged;
	}
	free(err);
	alert_rule_release(&r);
	return rc;
}

int
alert_window_restarts(struct state *st, struct match_set *set,
    enum pm2_event ev, int64_t window_ms, int64_t now_ms,
    void (*fn)(void *ctx, const char *app, uint64_t n), void *ctx)
{
	struct config_alert cfg;
	struct alert_rule r;
	struct alert al;
	char *err = NULL;
	int rc = alert_window_rule(&al, &r, &cfg, CONFIG_ALERT_RESTARTS, set,
	    window_ms, now_ms, &err);

	al.st = st;
	if (rc == 0)
		rc = alert_pm2_fill_events(&al, ev, now_ms - window_ms - 60000,
		    now_ms);
	if (rc == 0) {
		alert_rule_advance(&r, now_ms);
		alert_pm2_each(&r, fn, ctx);
	}
	free(err);
	alert_rule_release(&r);
	return rc;
}

void
alert_free(struct alert *al)
{
	if (al == NULL)
		return;
	for (size_t i = 0; i < al->nrules; i++)
		alert_rule_release(&al->rules[i]);
	free(al->rules);
	free(al);
}
