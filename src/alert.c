/*
 * alert: see alert.h.  A rule is a window (ring of slots with running
 * totals), a few last-seen times, and a state.  Every record of its set
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

static bool
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
static void
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

/*
 * 64-bit FNV-1a of the N strings of PARTS, each with its NUL, so that
 * ("ab", "c") and ("a", "bc") differ (http://www.isthe.com/chongo/tech/
 * comp/fnv/, the FNV-1a offset basis and prime for 64 bits).
 */
static uint64_t
alert_fnv1a(const char *const *parts, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++)
		for (const char *p = parts[i]; ; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
			if (*p == '\0')
				break;
		}
	return h;
}

/* A record's source: its app and stream. */
static uint64_t
alert_source(const char *app, const char *stream)
{
	const char *parts[2] = { app, stream != NULL ? stream : "" };

	return alert_fnv1a(parts, 2);
}

/* A counted failure stamped TS (STAMP_NONE: unstamped) from SOURCE. */
static void
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
static void
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
		log_info("alert '%s' firing (id %s): %llu %s, %llu %s in the "
		    "window", r->cfg->name, r->id,
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
		if (outcome == MATCH_FAILURE) {
			while (class_idx < r->set->nfailure && strcmp(
			    r->set->failure[class_idx].name, c->class) != 0)
				class_idx++;
			if (class_idx == r->set->nfailure)
				continue;
		}
		t = c->last_ms != STAMP_NONE ? c->last_ms :
		    c->minute_ms + 59999;
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
	for (size_t i = 0; i < nf; i++)
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

		if (state_last_outcome(st, r->set->name, "success", &ms) == 0 &&
		    ms != STAMP_NONE)
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

int
alert_window_counts(struct state *st, struct match_set *set,
    int64_t window_ms, int64_t now_ms, struct alert_window *out)
{
	struct config_alert cfg;
	struct alert_rule r;
	struct alert al;
	struct alert_fill fill = { &al, now_ms };
	char *err = NULL;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&r, 0, sizeof(r));
	memset(&al, 0, sizeof(al));
	cfg.name = "window";
	cfg.kind = CONFIG_ALERT_FAILURE_RATE;
	cfg.window_ms = window_ms;
	al.rules = &r;
	al.nrules = 1;
	rc = alert_rule_init(&r, &cfg, &set, 1, now_ms, &err);
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
