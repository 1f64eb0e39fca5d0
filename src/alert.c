/*
 * alert: see alert.h.  A rule is a window (ring of slots with running
 * totals, alert_window.c), a few last-seen times, and a state; rules are
 * built and restored by alert_load.c.  Every record of its set
 * goes through alert_rule_add(); alert_rule_eval() then compares the
 * condition with the state and moves it, saving the new state and
 * handing the notice to the callback in the same transaction.
 *
 * The condition of each kind (omniwatch.yaml(5)):
 *   failure_rate          events >= min_events (default 1) and
 *                         failures / events >= threshold, where events are
 *                         successes + failures of any class and failures
 *                         those of the rule's classes (default: all)
 *   failures              failures >= threshold and events >= min_events
 *   consecutive_failures  streak >= threshold, the last failure within the
 *                         window; a success ends the streak of the failures
 *                         stamped no later than itself, failures of other
 *                         classes neither end nor extend it
 *   no_success            no success for a window (counted from the last
 *                         success ever seen, else from when the rule was
 *                         first loaded), and when min_events is given at
 *                         least that many failures in the window
 *   probe                 the latest verdict of its probe (of any probe of
 *                         its pattern set, without probe:) is not ok; the
 *                         probes are watch's (probe_set.h), asked through
 *                         the callback
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

static const char *const alert_status_names[] = {
	"inactive", "pending", "firing",
};

const char *
alert_status_name(enum alert_status s)
{
	return alert_status_names[s];
}

/* ---------------------------------------------------------------------
 * The state machine.
 */

/* Since when no_success counts the quiet: the last success, else the
 * rule's first load. */
static int64_t
alert_rule_quiet_since(const struct alert_rule *r)
{
	return r->last_success_ms > r->created_ms ? r->last_success_ms :
	    r->created_ms;
}

static bool
alert_rule_cond(const struct alert *al, const struct alert_rule *r,
    int64_t now_ms)
{
	const struct config_alert *c = r->cfg;
	uint64_t events = r->successes + r->all_failures;

	switch (c->kind) {
	case CONFIG_ALERT_FAILURE_RATE:
		return events > 0 && events >= c->min_events &&
		    (double)r->failures / (double)events >= c->threshold;
	case CONFIG_ALERT_FAILURES:
		return (double)r->failures >= c->threshold &&
		    events >= c->min_events;
	case CONFIG_ALERT_CONSECUTIVE_FAILURES:
		return (double)r->streak >= c->threshold &&
		    r->last_failure_ms > now_ms - c->window_ms;
	case CONFIG_ALERT_NO_SUCCESS:
		return now_ms - alert_rule_quiet_since(r) >= c->window_ms &&
		    r->successes == 0 && r->failures >= c->min_events;
	case CONFIG_ALERT_RESTARTS:
	case CONFIG_ALERT_APP_ERRORED:
		return alert_pm2_cond(al, r);
	case CONFIG_ALERT_PROBE:
		return al->cb.probe_failing != NULL &&
		    al->cb.probe_failing(al->cb.ctx, c, r->set->name);
	}
	return false;
}

double
alert_rule_value(const struct alert *al, size_t i, int64_t now_ms)
{
	const struct alert_rule *r = &al->rules[i];
	uint64_t events = r->successes + r->all_failures;

	switch (r->cfg->kind) {
	case CONFIG_ALERT_FAILURE_RATE:
		return events == 0 ? 0 : (double)r->failures / (double)events;
	case CONFIG_ALERT_FAILURES:
		return (double)r->failures;
	case CONFIG_ALERT_CONSECUTIVE_FAILURES:
		return (double)r->streak;
	case CONFIG_ALERT_NO_SUCCESS:
		return (double)(now_ms - alert_rule_quiet_since(r)) / 1000.0;
	case CONFIG_ALERT_RESTARTS:
	case CONFIG_ALERT_APP_ERRORED:
		return alert_pm2_value(al, r);
	case CONFIG_ALERT_PROBE:
		return alert_rule_cond(al, r, now_ms) ? 1 : 0;
	}
	return 0;
}

/* The episode id: host, rule and start, hashed; stable, short. */
static void
alert_make_id(const struct alert *al, struct alert_rule *r)
{
	char since[32];
	const char *parts[3] = { al->host, r->cfg->name, since };

	snprintf(since, sizeof(since), "%lld", (long long)r->since_ms);
	snprintf(r->id, sizeof(r->id), "%016llx",
	    (unsigned long long)alert_fnv1a(parts, 3));
}

/* The sample, redacted, then cut at a character boundary. */
static char *
alert_sample(const struct alert *al, const struct alert_rule *r,
    size_t *len)
{
	char *s;

	if (r->sample_len == 0) {
		*len = 0;
		return NULL;
	}
	s = redact_apply(al->rd, r->sample, r->sample_len, len);
	if (*len > ALERT_SAMPLE_MAX) {
		size_t n = ALERT_SAMPLE_MAX;

		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		*len = n;
		s[n] = '\0';
	}
	return s;
}

static void
alert_rule_save(struct alert *al, struct alert_rule *r)
{
	struct state_alert a;
	char *sample;

	if (al->st == NULL) {	/* `backtest`: nothing of watch's is kept */
		r->is_dirty = false;
		return;
	}
	a.name = r->cfg->name;
	a.status = alert_status_name(r->status);
	a.id = r->id;
	a.since_ms = r->since_ms;
	a.last_notified_ms = r->last_notified_ms;
	a.streak = r->streak;
	a.streak_since_ms = r->nruns > 0 ? r->runs[0].ms : 0;
	a.streak_floor_ms = r->streak_floor_ms;
	a.keep_firing_since_ms = r->keep_since_ms;
	a.last_success_ms = r->last_success_ms;
	a.last_failure_ms = r->last_failure_ms;
	a.created_ms = r->created_ms;
	/* Redacted before it is kept: secrets never reach the disk. */
	sample = alert_sample(al, r, &a.sample_len);
	a.sample = sample;
	if (state_alert_save(al->st, &a) == 0)
		r->is_dirty = false;
	free(sample);
}

static void
alert_notify(struct alert *al, struct alert_rule *r, bool is_resolved,
    int64_t now_ms)
{
	struct alert_notice n;
	int64_t first = STAMP_NONE;
	uint64_t top = 0;
	char *sample, *note;

	memset(&n, 0, sizeof(n));
	n.rule = r->cfg;
	n.id = r->id;
	n.is_resolved = is_resolved;
	n.pattern_set = r->set->name;
	n.host = al->host;
	for (size_t i = 0; i < r->napps; i++)
		if (r->apps[i].last_ms > now_ms - r->cfg->window_ms ||
		    r->cfg->kind == CONFIG_ALERT_CONSECUTIVE_FAILURES)
			n.apps[n.napps++] = r->apps[i].name;
	n.set = r->set;
	n.class_counts = r->classes;
	n.failures = r->failures;
	n.all_failures = r->all_failures;
	n.successes = r->successes;
	n.damaged = r->damaged;
	n.failure_rate = r->successes + r->all_failures == 0 ? -1 :
	    (double)r->failures / (double)(r->successes + r->all_failures);
	n.streak = r->streak;
	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].idx >= 0 && r->slots[i].first_fail !=
		    STAMP_NONE && (first == STAMP_NONE ||
		    r->slots[i].first_fail < first))
			first = r->slots[i].first_fail;
	n.first_failure_ms = first;
	n.last_failure_ms = r->last_failure_ms != 0 ? r->last_failure_ms :
	    STAMP_NONE;
	n.last_success_ms = r->last_success_ms != 0 ? r->last_success_ms :
	    STAMP_NONE;
	n.dominant = -1;
	for (size_t i = 0; i < r->set->nfailure; i++)
		if (r->class_on[i] && r->classes[i] > top) {
			top = r->classes[i];
			n.dominant = (int64_t)i;
		}
	sample = alert_sample(al, r, &n.sample_len);
	n.sample = sample;
	n.starts_at_ms = r->since_ms;
	n.ends_at_ms = is_resolved ? now_ms : 0;
	n.at_ms = now_ms;
	note = alert_pm2_note(al, r, is_resolved, now_ms);
	n.pm2_note = note;
	if (al->cb.notify != NULL)
		al->cb.notify(al->cb.ctx, &n);
	free(note);
	free(sample);
}

static void
alert_rule_eval(struct alert *al, struct alert_rule *r, int64_t now_ms)
{
	bool cond;

	alert_rule_advance(r, now_ms);
	cond = alert_rule_cond(al, r, now_ms);
	switch (r->status) {
	case ALERT_INACTIVE:
		if (!cond)
			return;
		r->status = ALERT_PENDING;
		r->since_ms = now_ms;
		r->is_dirty = true;
		if (r->cfg->for_ms > 0) {
			log_debug("alert '%s' pending", r->cfg->name);
			alert_rule_save(al, r);
			return;
		}
		/* FALLTHROUGH */
	case ALERT_PENDING:
		if (!cond) {
			log_debug("alert '%s' no longer pending", r->cfg->name);
			r->status = ALERT_INACTIVE;
			r->since_ms = 0;
			alert_rule_save(al, r);
			return;
		}
		if (now_ms - r->since_ms < r->cfg->for_ms)
			return;
		r->status = ALERT_FIRING;
		/* The id hashes the start: two episodes started within one
		 * millisecond (one batch of records) must still differ. */
		r->since_ms = now_ms > r->last_start_ms ? now_ms :
		    r->last_start_ms + 1;
		r->last_start_ms = r->since_ms;
		r->last_notified_ms = now_ms;
		alert_make_id(al, r);
		/* A restarts rule counts PM2's restarts where the others
		 * count failures (alert_pm2.c), and has no successes; an
		 * app_errored or a probe rule counts nothing. */
		if (r->cfg->kind == CONFIG_ALERT_APP_ERRORED ||
		    r->cfg->kind == CONFIG_ALERT_PROBE)
			log_info("alert '%s' firing (id %s)", r->cfg->name,
			    r->id);
		else if (r->cfg->kind == CONFIG_ALERT_RESTARTS)
			log_info("alert '%s' firing (id %s): %llu %s in the "
			    "window", r->cfg->name, r->id,
			    (unsigned long long)r->failures,
			    plural(r->failures, "restart", "restarts"));
		else
			log_info("alert '%s' firing (id %s): %llu %s, %llu %s "
			    "in the window", r->cfg->name, r->id,
			    (unsigned long long)r->failures,
			    plural(r->failures, "failure", "failures"),
			    (unsigned long long)r->successes,
			    plural(r->successes, "success", "successes"));
		alert_rule_save(al, r);
		alert_notify(al, r, false, now_ms);
		return;
	case ALERT_FIRING:
		/* keep_firing_for: the episode outlives its condition by
		 * that long, and goes on if the condition comes back. */
		if (cond && r->keep_since_ms != 0) {
			log_debug("alert '%s' true again within keep_firing_for",
			    r->cfg->name);
			r->keep_since_ms = 0;
			alert_rule_save(al, r);
		} else if (!cond && r->keep_since_ms == 0 &&
		    r->cfg->keep_firing_ms > 0) {
			log_debug("alert '%s' condition false: firing %lld ms "
			    "more (keep_firing_for)", r->cfg->name,
			    (long long)r->cfg->keep_firing_ms);
			r->keep_since_ms = now_ms;
			alert_rule_save(al, r);
		}
		if (!cond && (r->cfg->keep_firing_ms == 0 ||
		    now_ms - r->keep_since_ms >= r->cfg->keep_firing_ms)) {
			log_info("alert '%s' resolved (id %s)", r->cfg->name,
			    r->id);
			r->status = ALERT_INACTIVE;
			r->keep_since_ms = 0;
			r->last_notified_ms = now_ms;
			alert_rule_save(al, r);
			alert_notify(al, r, true, now_ms);
			r->since_ms = 0;
			r->id[0] = '\0';
			r->is_dirty = true;
			return;
		}
		if (now_ms - r->last_notified_ms < r->cfg->repeat_ms)
			return;
		log_info("alert '%s' still firing (id %s): repeating",
		    r->cfg->name, r->id);
		r->last_notified_ms = now_ms;
		alert_rule_save(al, r);
		alert_notify(al, r, false, now_ms);
		return;
	}
}

/* ---------------------------------------------------------------------
 * Records and time.
 */

void
alert_record(struct alert *al, size_t set_idx, const char *app,
    const char *stream, enum match_outcome outcome, size_t class_idx,
    int64_t ts_ms, const char *text, size_t len, int64_t now_ms,
    bool evaluate)
{
	int64_t t = ts_ms == STAMP_NONE || ts_ms > now_ms ? now_ms : ts_ms;
	uint64_t source = alert_source(app, stream);

	for (size_t i = 0; i < al->nrules; i++) {
		struct alert_rule *r = &al->rules[i];
		bool is_counted;

		if (r->set_idx != set_idx || alert_pm2_is_kind(r->cfg->kind))
			continue;
		alert_rule_advance(r, now_ms);
		alert_rule_count(r, app, outcome, class_idx, 1, t, t);
		is_counted = alert_rule_counts(al, i, set_idx, outcome,
		    class_idx);
		if (outcome == MATCH_SUCCESS) {
			alert_streak_success(r, ts_ms, source);
			if (t > r->last_success_ms)
				r->last_success_ms = t;
			r->is_dirty = true;
		} else if (is_counted) {
			alert_streak_fail(r, ts_ms, source);
			if (t > r->last_failure_ms)
				r->last_failure_ms = t;
			r->is_dirty = true;
			if (len > ALERT_SAMPLE_RAW)
				len = ALERT_SAMPLE_RAW;
			if (r->sample == NULL)
				r->sample = xmalloc(ALERT_SAMPLE_RAW);
			memcpy(r->sample, text, len);
			r->sample_len = len;
		}
		if (evaluate)
			alert_rule_eval(al, r, now_ms);
	}
}

void
alert_tick(struct alert *al, int64_t now_ms)
{
	for (size_t i = 0; i < al->nrules; i++)
		alert_rule_eval(al, &al->rules[i], now_ms);
}

int64_t
alert_deadline(const struct alert *al, int64_t now_ms)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < al->nrules; i++) {
		const struct alert_rule *r = &al->rules[i];
		const struct config_alert *c = r->cfg;
		int64_t t = INT64_MAX;

		if (r->status == ALERT_PENDING)
			t = r->since_ms + c->for_ms;
		else if (r->status == ALERT_FIRING)
			t = r->last_notified_ms + c->repeat_ms;
		if (r->status == ALERT_FIRING && r->keep_since_ms != 0 &&
		    r->keep_since_ms + c->keep_firing_ms < t)
			t = r->keep_since_ms + c->keep_firing_ms;
		/* The window changes when its oldest slot goes. */
		if (!alert_rule_is_empty(r) &&
		    (r->cur_idx + 1) * r->slot_ms < t)
			t = (r->cur_idx + 1) * r->slot_ms;
		if (c->kind == CONFIG_ALERT_CONSECUTIVE_FAILURES &&
		    r->last_failure_ms != 0 &&
		    r->last_failure_ms + c->window_ms > now_ms &&
		    r->last_failure_ms + c->window_ms < t)
			t = r->last_failure_ms + c->window_ms;
		if (c->kind == CONFIG_ALERT_NO_SUCCESS) {
			int64_t q = alert_rule_quiet_since(r) + c->window_ms;

			if (q > now_ms && q < t)
				t = q;
		}
		if (t < next)
			next = t;
	}
	return next;
}

void
alert_save(struct alert *al)
{
	for (size_t i = 0; i < al->nrules; i++)
		if (al->rules[i].is_dirty)
			alert_rule_save(al, &al->rules[i]);
}

bool
alert_rule_counts(const struct alert *al, size_t i, size_t set_idx,
    enum match_outcome outcome, size_t class_idx)
{
	const struct alert_rule *r = &al->rules[i];

	return r->set_idx == set_idx && outcome == MATCH_FAILURE &&
	    r->class_on[class_idx];
}

size_t
alert_nrules(const struct alert *al)
{
	return al->nrules;
}

const char *
alert_rule_name(const struct alert *al, size_t i)
{
	return al->rules[i].cfg->name;
}

enum alert_status
alert_rule_status(const struct alert *al, size_t i)
{
	return al->rules[i].status;
}

