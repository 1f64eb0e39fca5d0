/*
 * backtest: see backtest.h.  An event is 24 bytes; a month of a busy
 * app's records (ten million) is a quarter of a gigabyte, where their
 * text would be many times that.
 */
#include "autoconf.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alert.h"
#include "backtest.h"
#include "backtest_pm2.h"
#include "log.h"
#include "path.h"
#include "pm2.h"
#include "pm2_apps.h"
#include "stamp.h"
#include "tail.h"
#include "xmalloc.h"

#define BACKTEST_SOURCES_MAX	65535	/* apps x streams told apart */

/* One counted record of one pattern set. */
struct backtest_event {
	int64_t		 ts_ms;
	uint32_t	 seq;		/* outcomes before it in its file */
	uint32_t	 file;		/* index into files */
	uint16_t	 source;	/* index into sources */
	uint16_t	 class_idx;
	uint8_t		 set_idx;
	uint8_t		 outcome;	/* enum match_outcome */
};

struct backtest_source {
	char		*app;
	const char	*stream;	/* "out", "error" or "": static */
};

/* The text of a record that became a sample (second read). */
struct backtest_text {
	size_t		 event;		/* index into events, sorted */
	uint32_t	 file, seq;
	char		*text;
	size_t		 len;
};

struct backtest_replay {
	struct backtest	*bt;
	struct alert	*al;
	int64_t		 now;
	size_t		 pos;		/* events fed so far */
	size_t		*last_counted;	/* per rule: event + 1; 0: none */
	size_t		*open;		/* per rule: episode + 1; 0: none */
	struct backtest_text *texts;	/* second replay: by event */
	size_t		 ntexts;
	size_t		 nfired;	/* second replay: firings seen */
	bool		 is_second;
};

struct backtest *
backtest_new(const struct config *cfg, struct match_set **sets, size_t nsets,
    const struct redact *rd, const struct backtest_options *opts, char **err)
{
	struct alert_cb cb = { NULL, NULL, NULL };
	struct alert *al;
	struct backtest *bt;

	*err = NULL;
	if (nsets > UINT8_MAX) {
		*err = xasprintf("backtest: at most %d pattern sets",
		    UINT8_MAX);
		return NULL;
	}
	/* The rules' sets and classes exist only now that sets are loaded. */
	al = alert_new(cfg, sets, nsets, NULL, rd, &cb, 0, err);
	if (al == NULL)
		return NULL;
	alert_free(al);
	bt = xcalloc(1, sizeof(*bt));
	bt->cfg = cfg;
	bt->sets = sets;
	bt->nsets = nsets;
	bt->rd = rd;
	bt->opts = *opts;
	bt->cur_file = SIZE_MAX;
	bt->pm2 = backtest_pm2_new(opts->since_ms, opts->until_ms);
	return bt;
}

/* ---------------------------------------------------------------------
 * Which files.
 */

static void
backtest_paths_add(char ***paths, size_t *n, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*paths)[i], path) == 0)
			return;
	*paths = xreallocarray(*paths, *n + 2, sizeof(**paths));
	(*paths)[(*n)++] = xstrdup(path);
	(*paths)[*n] = NULL;
}

/* Adds the matches of PATTERN; returns how many there were. */
static size_t
backtest_glob(char ***paths, size_t *n, const char *pattern)
{
	glob_t g;
	size_t found = 0;

	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t k = 0; k < g.gl_pathc; k++, found++)
		backtest_paths_add(paths, n, g.gl_pathv[k]);
	globfree(&g);
	return found;
}

char **
backtest_config_paths(const struct config *cfg, size_t *n)
{
	char **paths = xcalloc(1, sizeof(*paths));

	*n = 0;
	for (size_t i = 0; i < cfg->nsources; i++) {
		const struct config_source *src = &cfg->sources[i];
		struct stat sb;
		char *p;
		size_t found;

		if (src->pm2_home != NULL) {
			/* The home, as `scan` reads one (pm2.log too), when
			 * PM2 has written its log there. */
			p = path_join(src->pm2_home, "pm2.log");
			if (stat(p, &sb) == 0) {
				backtest_paths_add(&paths, n, src->pm2_home);
				free(p);
				continue;
			}
			free(p);
			p = path_join(src->pm2_home, "logs");
			backtest_paths_add(&paths, n, p);
			free(p);
			continue;
		}
		found = backtest_glob(&paths, n, src->path);
		p = xasprintf("%s.*", src->path);
		found += backtest_glob(&paths, n, p);
		free(p);
		p = xasprintf("%s-*", src->path);
		found += backtest_glob(&paths, n, p);
		free(p);
		/* Nothing there: listed anyway, so that the read says so. */
		if (found == 0)
			backtest_paths_add(&paths, n, src->path);
	}
	return paths;
}

void
backtest_paths_free(char **paths, size_t n)
{
	if (paths == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ---------------------------------------------------------------------
 * Reading: events, then the samples' texts.
 */

/* The index of PATH in the files read, added when new. */
static size_t
backtest_file(struct backtest *bt, const char *path)
{
	if (bt->cur_file < bt->nfiles &&
	    strcmp(bt->files[bt->cur_file], path) == 0)
		return bt->cur_file;
	for (size_t i = 0; i < bt->nfiles; i++)
		if (strcmp(bt->files[i], path) == 0)
			return i;
	bt->files = xreallocarray(bt->files, bt->nfiles + 1,
	    sizeof(*bt->files));
	bt->files[bt->nfiles] = xstrdup(path);
	return bt->nfiles++;
}

/* Where the hook is: the file of PATH and the outcome's place in it
 * (files are read one at a time, each from its start). */
static uint32_t
backtest_seq(struct backtest *bt, const char *path, size_t *file)
{
	size_t f = backtest_file(bt, path);

	if (f != bt->cur_file) {
		bt->cur_file = f;
		bt->cur_seq = 0;
	}
	*file = f;
	return bt->cur_seq++;
}

static int
backtest_source(struct backtest *bt, const char *app, const char *stream)
{
	for (size_t i = 0; i < bt->nsources; i++)
		if (bt->sources[i].stream == stream &&
		    strcmp(bt->sources[i].app, app) == 0)
			return (int)i;
	if (bt->nsources == BACKTEST_SOURCES_MAX)
		return -1;
	bt->sources = xreallocarray(bt->sources, bt->nsources + 1,
	    sizeof(*bt->sources));
	bt->sources[bt->nsources].app = xstrdup(app);
	bt->sources[bt->nsources].stream = stream;
	return (int)bt->nsources++;
}

static void
backtest_event_hook(void *ctx, const char *path,
    const struct pipeline_outcome *o)
{
	struct backtest *bt = ctx;
	struct backtest_event *e;
	size_t file;
	uint32_t seq = backtest_seq(bt, path, &file);
	int64_t ts = o->record->ts_ms;
	int source;

	/* Before 1970 a stamp is no time the rules' windows can hold (their
	 * slots are counted from the epoch): such a record is as unstamped. */
	if (ts == STAMP_NONE || ts < 0) {
		bt->totals.undated++;
		return;
	}
	source = backtest_source(bt, o->app, tail_stream_of(path));
	if (source < 0 || o->class_idx > UINT16_MAX) {
		log_warnx("%s: more than %d apps and streams, or classes; "
		    "a record is left out of the backtest", path,
		    BACKTEST_SOURCES_MAX);
		return;
	}
	if (bt->nevents == bt->cap) {
		bt->cap = bt->cap == 0 ? 4096 : bt->cap * 2;
		bt->events = xreallocarray(bt->events, bt->cap,
		    sizeof(*bt->events));
	}
	e = &bt->events[bt->nevents++];
	e->ts_ms = ts;
	e->seq = seq;
	e->file = (uint32_t)file;
	e->source = (uint16_t)source;
	e->class_idx = (uint16_t)o->class_idx;
	e->set_idx = (uint8_t)o->set_idx;
	e->outcome = (uint8_t)o->outcome;
}

/* The second read's hook: keeps the texts of the samples' records. */
struct backtest_text_read {
	struct backtest	*bt;
	struct backtest_text *texts;	/* sorted by file, seq */
	size_t		 n;
	size_t		 next;
};

static int
backtest_text_cmp_place(const void *a, const void *b)
{
	const struct backtest_text *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
backtest_text_cmp_event(const void *a, const void *b)
{
	const struct backtest_text *x = a, *y = b;

	return x->event < y->event ? -1 : x->event > y->event;
}

static void
backtest_text_hook(void *ctx, const char *path,
    const struct pipeline_outcome *o)
{
	struct backtest_text_read *tr = ctx;
	struct backtest_text key;
	struct backtest_text *t;
	size_t file;

	key.seq = backtest_seq(tr->bt, path, &file);
	key.file = (uint32_t)file;
	t = bsearch(&key, tr->texts, tr->n, sizeof(*tr->texts),
	    backtest_text_cmp_place);
	if (t == NULL || t->text != NULL)
		return;
	/* alert_record() keeps no more than this of a record either. */
	t->len = o->record->len < ALERT_SAMPLE_RAW ? o->record->len :
	    ALERT_SAMPLE_RAW;
	t->text = xmalloc(t->len + 1);
	memcpy(t->text, o->record->text, t->len);
	t->text[t->len] = '\0';
}

/* ---------------------------------------------------------------------
 * Replaying.
 */

static int
backtest_event_cmp(const void *a, const void *b)
{
	const struct backtest_event *x = a, *y = b;

	if (x->ts_ms != y->ts_ms)
		return x->ts_ms < y->ts_ms ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
backtest_notify(void *ctx, const struct alert_notice *n)
{
	struct backtest_replay *rp = ctx;
	struct backtest *bt = rp->bt;
	size_t rule = (size_t)(n->rule - bt->cfg->alerts);
	struct backtest_episode *ep;

	if (bt->opts.rule_on != NULL && !bt->opts.rule_on[rule])
		return;
	if (rp->is_second) {
		/* The same replay: the Nth firing is the Nth episode. */
		if (n->is_resolved || rp->open[rule] != 0 ||
		    rp->nfired == bt->nepisodes) {
			if (n->is_resolved)
				rp->open[rule] = 0;
			return;
		}
		ep = &bt->episodes[rp->nfired++];
		rp->open[rule] = 1;
		if (n->sample_len > 0) {
			ep->sample = xmalloc(n->sample_len + 1);
			memcpy(ep->sample, n->sample, n->sample_len);
			ep->sample[n->sample_len] = '\0';
			ep->sample_len = n->sample_len;
		}
		return;
	}
	if (rp->open[rule] == 0) {
		if (n->is_resolved)
			return;		/* cannot be: resolved before fired */
		bt->episodes = xreallocarray(bt->episodes, bt->nepisodes + 1,
		    sizeof(*bt->episodes));
		ep = &bt->episodes[bt->nepisodes++];
		memset(ep, 0, sizeof(*ep));
		ep->rule = rule;
		snprintf(ep->id, sizeof(ep->id), "%s", n->id);
		ep->fired_ms = n->starts_at_ms;
		ep->resolved_ms = STAMP_NONE;
		ep->peak = alert_rule_value(rp->al, rule, n->at_ms);
		ep->peak_ms = n->at_ms;
		ep->failures = n->failures;
		ep->successes = n->successes;
		ep->sample_event = rp->last_counted[rule];
		ep->notifications = 1;
		if (n->pm2_note != NULL)
			ep->note = xstrdup(n->pm2_note);
		rp->open[rule] = bt->nepisodes;
		return;
	}
	ep = &bt->episodes[rp->open[rule] - 1];
	ep->notifications++;
	if (n->is_resolved) {
		ep->resolved_ms = n->at_ms;
		rp->open[rule] = 0;
	} else
		ep->repeats++;
}

/*
 * After every tick: the open episodes' peaks.  With IS_QUIET_ONLY, only
 * no_success's, just before the records of a new stamp are counted: its
 * quiet grows between ticks and is longest then, where the other kinds'
 * windows are not advanced yet.
 */
static void
backtest_peaks(struct backtest_replay *rp, bool is_quiet_only)
{
	if (rp->is_second)
		return;
	for (size_t i = 0; i < rp->bt->cfg->nalerts; i++) {
		struct backtest_episode *ep;
		double v;

		if (rp->open[i] == 0 || (is_quiet_only &&
		    rp->bt->cfg->alerts[i].kind != CONFIG_ALERT_NO_SUCCESS))
			continue;
		ep = &rp->bt->episodes[rp->open[i] - 1];
		v = alert_rule_value(rp->al, i, rp->now);
		if (v > ep->peak) {
			ep->peak = v;
			ep->peak_ms = rp->now;
		}
	}
}

static void
backtest_tick(struct backtest_replay *rp, int64_t now)
{
	rp->now = now;
	alert_tick(rp->al, now);
	backtest_peaks(rp, false);
}

/*
 * Moves the clock to just before T, stopping where watch's timer would
 * have woken it: at each alert_deadline().
 */
static void
backtest_run_until(struct backtest_replay *rp, int64_t t)
{
	for (;;) {
		int64_t d = alert_deadline(rp->al, rp->now);

		if (d <= rp->now)	/* never stand still */
			d = rp->now + 1;
		if (d >= t)
			return;
		backtest_tick(rp, d);
	}
}

static const char *
backtest_text_of(const struct backtest_replay *rp, size_t event, size_t *len)
{
	struct backtest_text key, *t;

	*len = 0;
	if (rp->ntexts == 0)
		return "";
	key.event = event;
	t = bsearch(&key, rp->texts, rp->ntexts, sizeof(*rp->texts),
	    backtest_text_cmp_event);
	if (t == NULL || t->text == NULL)
		return "";
	*len = t->len;
	return t->text;
}

static void
backtest_feed(struct backtest_replay *rp, size_t k)
{
	struct backtest *bt = rp->bt;
	const struct backtest_event *e = &bt->events[k];
	const struct backtest_source *src = &bt->sources[e->source];
	size_t len;
	const char *text = backtest_text_of(rp, k, &len);

	alert_record(rp->al, e->set_idx, src->app, src->stream,
	    (enum match_outcome)e->outcome, e->class_idx, e->ts_ms, text, len,
	    e->ts_ms, false);
	for (size_t i = 0; i < bt->cfg->nalerts; i++)
		if (alert_rule_counts(rp->al, i, e->set_idx,
		    (enum match_outcome)e->outcome, e->class_idx))
			rp->last_counted[i] = k + 1;
	if (!rp->is_second && e->outcome == MATCH_DAMAGED)
		bt->totals.damaged++;
	rp->pos = k + 1;
}

/* One replay of the sorted events from START to END. */
static int
backtest_replay(struct backtest_replay *rp, int64_t start, int64_t end)
{
	struct backtest *bt = rp->bt;
	struct alert_cb cb = { backtest_notify, rp, NULL };
	char *err;
	size_t i = 0;

	rp->al = alert_new(bt->cfg, bt->sets, bt->nsets, NULL, bt->rd, &cb,
	    start, &err);
	if (rp->al == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	rp->now = start;
	rp->last_counted = xcalloc(bt->cfg->nalerts + 1, sizeof(size_t));
	rp->open = xcalloc(bt->cfg->nalerts + 1, sizeof(size_t));
	if (backtest_pm2_start(bt->pm2, rp->al, start) > 0)
		backtest_tick(rp, start);
	while (i < bt->nevents || backtest_pm2_next(bt->pm2) != INT64_MAX) {
		int64_t t = backtest_pm2_next(bt->pm2);

		if (i < bt->nevents && bt->events[i].ts_ms < t)
			t = bt->events[i].ts_ms;
		backtest_run_until(rp, t);
		rp->now = t;
		backtest_peaks(rp, true);
		/* Judged once every record and PM2 event of this stamp is
		 * in, as watch judges a batch of reads. */
		backtest_pm2_feed(bt->pm2, rp->al, t);
		while (i < bt->nevents && bt->events[i].ts_ms == t)
			backtest_feed(rp, i++);
		backtest_tick(rp, t);
	}
	if (end > rp->now) {
		backtest_run_until(rp, end);
		backtest_tick(rp, end);
	}
	alert_free(rp->al);
	backtest_pm2_end(bt->pm2);
	rp->al = NULL;
	free(rp->last_counted);
	free(rp->open);
	return 0;
}

/* The second read and replay: the samples, made by alert.c. */
static int
backtest_samples(struct backtest *bt, int64_t start, int64_t end)
{
	struct backtest_text_read tr = { bt, NULL, 0, 0 };
	struct backtest_replay rp;
	enum log_level level = log_get_level();
	struct scan *s;
	char **read = NULL;
	size_t kept = 0, nread = 0;
	int rc;

	for (size_t i = 0; i < bt->nepisodes; i++) {
		const struct backtest_event *e;
		struct backtest_text *t;

		if (bt->episodes[i].sample_event == 0)
			continue;
		e = &bt->events[bt->episodes[i].sample_event - 1];
		tr.texts = xreallocarray(tr.texts, tr.n + 1,
		    sizeof(*tr.texts));
		t = &tr.texts[tr.n++];
		memset(t, 0, sizeof(*t));
		t->event = bt->episodes[i].sample_event - 1;
		t->file = e->file;
		t->seq = e->seq;
	}
	if (tr.n == 0)
		return 0;
	qsort(tr.texts, tr.n, sizeof(*tr.texts), backtest_text_cmp_place);
	/* Two episodes may share a sample (one record, two rules). */
	for (size_t i = 0; i < tr.n; i++)
		if (kept == 0 || tr.texts[i].event != tr.texts[kept - 1].event)
			tr.texts[kept++] = tr.texts[i];
	tr.n = kept;
	s = scan_new(bt->sets, bt->nsets, &bt->scan->opts);
	s->on_outcome = backtest_text_hook;
	s->hook_ctx = &tr;
	bt->cur_file = SIZE_MAX;
	/* Only the files that hold a sample are read again. */
	for (size_t i = 0; i < tr.n; i++)
		if (nread == 0 || strcmp(read[nread - 1],
		    bt->files[tr.texts[i].file]) != 0) {
			read = xreallocarray(read, nread + 1, sizeof(*read));
			read[nread++] = bt->files[tr.texts[i].file];
		}
	/* Said once already, by the first read and replay. */
	log_set_level(LOG_LEVEL_ERROR);
	(void)scan_paths(s, read, nread);
	scan_free(s);
	free(read);
	qsort(tr.texts, tr.n, sizeof(*tr.texts), backtest_text_cmp_event);
	memset(&rp, 0, sizeof(rp));
	rp.bt = bt;
	rp.texts = tr.texts;
	rp.ntexts = tr.n;
	rp.is_second = true;
	rc = backtest_replay(&rp, start, end);
	log_set_level(level);
	for (size_t i = 0; i < tr.n; i++)
		free(tr.texts[i].text);
	free(tr.texts);
	return rc;
}

/* The earlier and the later of two stamps, either maybe STAMP_NONE. */
static int64_t
backtest_stamp_min(int64_t a, int64_t b)
{
	return a == STAMP_NONE ? b : b == STAMP_NONE || a < b ? a : b;
}

static int64_t
backtest_stamp_max(int64_t a, int64_t b)
{
	return a == STAMP_NONE ? b : b == STAMP_NONE || a > b ? a : b;
}

int
backtest_run(struct backtest *bt, char *const *paths, size_t n)
{
	struct pipeline_options popts;
	struct backtest_replay rp;
	struct backtest_totals *tot = &bt->totals;
	int64_t start, end;
	int rc = 0;

	memset(&popts, 0, sizeof(popts));
	popts.max_line = bt->cfg->max_line;
	popts.max_record_lines = bt->cfg->max_lines;
	popts.max_record_bytes = bt->cfg->max_bytes;
	popts.since = bt->opts.since_ms;
	popts.until = bt->opts.until_ms;
	bt->scan = scan_new(bt->sets, bt->nsets, &popts);
	/* One file at a time: each outcome's place in its file must be the
	 * same in both reads. */
	bt->scan->jobs = 1;
	bt->scan->on_outcome = backtest_event_hook;
	bt->scan->hook_ctx = bt;
	backtest_pm2_hook(bt->pm2, bt->scan);
	if (scan_paths(bt->scan, paths, n) != 0)
		rc = -1;
	if (bt->nevents > 1)
		qsort(bt->events, bt->nevents, sizeof(*bt->events),
		    backtest_event_cmp);
	backtest_pm2_sort(bt->pm2);
	tot->records = bt->nevents;
	tot->first_stamp_ms = bt->nevents > 0 ? bt->events[0].ts_ms :
	    STAMP_NONE;
	tot->last_stamp_ms = bt->nevents > 0 ?
	    bt->events[bt->nevents - 1].ts_ms : STAMP_NONE;
	tot->pm2_logs = bt->scan->pm2.apps != NULL ?
	    bt->scan->pm2.apps->nlogs : 0;
	tot->pm2_events = backtest_pm2_events(bt->pm2);
	tot->pm2_undated = backtest_pm2_undated(bt->pm2);
	/* The clock runs over the records' stamps and PM2's. */
	start = backtest_stamp_min(tot->first_stamp_ms,
	    backtest_pm2_first(bt->pm2));
	end = backtest_stamp_max(tot->last_stamp_ms,
	    backtest_pm2_last(bt->pm2));
	if (bt->opts.since_ms != STAMP_NONE && bt->opts.since_ms >= 0)
		start = bt->opts.since_ms;
	if (bt->opts.until_ms != STAMP_NONE)
		end = bt->opts.until_ms - 1;
	tot->first_ms = start;
	tot->last_ms = end;
	if (start == STAMP_NONE || end == STAMP_NONE || end < start)
		return rc;	/* no clock: nothing to replay */
	memset(&rp, 0, sizeof(rp));
	rp.bt = bt;
	if (backtest_replay(&rp, start, end) != 0 ||
	    backtest_samples(bt, start, end) != 0)
		rc = -1;
	return rc;
}

bool
backtest_rule_is_replayed(const struct backtest *bt, size_t i)
{
	return bt->cfg->alerts[i].kind != CONFIG_ALERT_PROBE;
}

void
backtest_free(struct backtest *bt)
{
	if (bt == NULL)
		return;
	scan_free(bt->scan);
	backtest_pm2_free(bt->pm2);
	for (size_t i = 0; i < bt->nepisodes; i++) {
		free(bt->episodes[i].sample);
		free(bt->episodes[i].note);
	}
	free(bt->episodes);
	free(bt->events);
	for (size_t i = 0; i < bt->nfiles; i++)
		free(bt->files[i]);
	free(bt->files);
	for (size_t i = 0; i < bt->nsources; i++)
		free(bt->sources[i].app);
	free(bt->sources);
	free(bt);
}
