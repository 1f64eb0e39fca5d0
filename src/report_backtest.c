/*
 * report_backtest: see report_backtest.h.  The timeline of a rule is the
 * time replayed cut into equal columns (REPORT_BT_COLUMNS in text, an SVG
 * bar in HTML), marked where an episode was firing.
 */
#include "autoconf.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "plural.h"
#include "report.h"
#include "report_backtest.h"
#include "report_html_part.h"
#include "stamp.h"
#include "utf8.h"
#include "utf8_json.h"
#include "xmalloc.h"

#define REPORT_BT_COLUMNS	60	/* of the text timeline */
#define REPORT_BT_SVG_W		1040
#define REPORT_BT_SVG_H		46
#define REPORT_BT_SVG_PAD	8
#define REPORT_BT_COLOR_FIRING	"#d6336c"
#define REPORT_BT_HTML_SAMPLES	10	/* per rule, the first episodes' */

/* How the clock was kept, for every reader of every format. */
static const char report_bt_how[] =
	"The stamps are the clock: records, and the events of PM2's own "
	"log, are replayed in stamp order across files and judged once per "
	"stamp, and between two "
	"stamps the clock stops where watch would have woken (a window "
	"emptying, for, keep_firing_for, repeat_interval).  The replay "
	"starts at --since or the first stamp and ends at --until or the "
	"last stamp.  Records without a stamp are counted, not replayed.";

static const char report_bt_no_success[] =
	"no_success is judged on the stamps too: the quiet is counted from "
	"the last success replayed, else from the start of the replay (as "
	"watch counts it from when the rule was loaded), and a range with no "
	"records at all counts as quiet; it cannot fire after the end of "
	"the replay.";

/* restarts and app_errored: what they are judged on. */
static const char report_bt_pm2[] =
	"judged on PM2's own log (pm2.log and its rotated copies): its "
	"events are replayed at their stamps, with the records, through "
	"watch's own code";
static const char report_bt_pm2_none[] =
	"no PM2 log (pm2.log) was among the files read, so there was "
	"nothing to judge it on; give the PM2 home (the directory of "
	"pm2.log and logs/) or pm2.log itself";

/* "1h30m", "45s", "250ms" into BUF (32 bytes). */
static const char *
report_bt_duration(int64_t ms, char *buf)
{
	int64_t s = ms / 1000;
	size_t k = 0;

	buf[0] = '\0';
	if (ms < 1000) {
		snprintf(buf, 32, "%" PRId64 "ms", ms);
		return buf;
	}
	if (s >= 86400)
		k += (size_t)snprintf(buf + k, 32 - k, "%" PRId64 "d",
		    s / 86400);
	if (s % 86400 >= 3600)
		k += (size_t)snprintf(buf + k, 32 - k, "%" PRId64 "h",
		    s % 86400 / 3600);
	if (s % 3600 >= 60)
		k += (size_t)snprintf(buf + k, 32 - k, "%" PRId64 "m",
		    s % 3600 / 60);
	if (s % 60 > 0 || k == 0)
		snprintf(buf + k, 32 - k, "%" PRId64 "s", s % 60);
	return buf;
}

/* The peak as its kind reads: a rate, a count, or a quiet time. */
static const char *
report_bt_value(const struct config_alert *a, double v, char *buf)
{
	switch (a->kind) {
	case CONFIG_ALERT_FAILURE_RATE:
		snprintf(buf, 32, "%.3g", v);
		break;
	case CONFIG_ALERT_NO_SUCCESS:
		report_bt_duration((int64_t)(v * 1000), buf);
		break;
	default:
		snprintf(buf, 32, "%.0f", v);
		break;
	}
	return buf;
}

/* "failure_rate >= 0.5 over 5m" into BUF (128 bytes). */
static const char *
report_bt_rule(const struct config_alert *a, char *buf)
{
	char w[32], v[32];

	report_bt_duration(a->window_ms, w);
	if (a->kind == CONFIG_ALERT_PROBE)
		snprintf(buf, 128, "a probe's verdict is not ok (not replayed)");
	else if (a->kind == CONFIG_ALERT_APP_ERRORED)
		snprintf(buf, 128, "PM2 gave up on %s%s (errored)",
		    a->app != NULL ? "app " : "an app", a->app != NULL ?
		    a->app : "");
	else if (a->kind == CONFIG_ALERT_RESTARTS)
		/* More than threshold (alert_pm2.h), per app. */
		snprintf(buf, 128, "restarts of %s > %s over %s",
		    a->app != NULL ? a->app : "an app",
		    report_bt_value(a, a->threshold, v), w);
	else if (a->kind == CONFIG_ALERT_NO_SUCCESS)
		snprintf(buf, 128, "no success for %s", w);
	else
		snprintf(buf, 128, "%s >= %s over %s",
		    config_alert_kinds[a->kind],
		    report_bt_value(a, a->threshold, v), w);
	return buf;
}

static bool
report_bt_is_on(const struct backtest *bt, size_t rule)
{
	return bt->opts.rule_on == NULL || bt->opts.rule_on[rule];
}

/* The next episode of RULE from index *K on (start at 0), or NULL; *K
 * moves past it. */
static const struct backtest_episode *
report_bt_next(const struct backtest *bt, size_t rule, size_t *k)
{
	for (; *k < bt->nepisodes; (*k)++)
		if (bt->episodes[*k].rule == rule)
			return &bt->episodes[(*k)++];
	return NULL;
}

/* Episodes and notifications of RULE, and whether one is still open. */
static void
report_bt_rule_totals(const struct backtest *bt, size_t rule, size_t *eps,
    uint64_t *notes, bool *is_firing)
{
	const struct backtest_episode *e;

	*eps = 0;
	*notes = 0;
	*is_firing = false;
	for (size_t k = 0; (e = report_bt_next(bt, rule, &k)) != NULL;) {
		(*eps)++;
		*notes += e->notifications;
		if (e->resolved_ms == STAMP_NONE)
			*is_firing = true;
	}
}

/*
 * The same as the text and HTML reports say it ("3 episodes, 5
 * notifications, firing at the end") into BUF (128 bytes).  Returns the
 * episodes.
 */
static size_t
report_bt_rule_tally(const struct backtest *bt, size_t rule, char *buf)
{
	size_t eps;
	uint64_t notes;
	bool is_firing;

	report_bt_rule_totals(bt, rule, &eps, &notes, &is_firing);
	snprintf(buf, 128, "%zu %s, %" PRIu64 " %s%s", eps, plural(eps,
	    "episode", "episodes"), notes, plural(notes, "notification",
	    "notifications"), is_firing ? ", firing at the end" : "");
	return eps;
}

/* What the reports add under rule AL's name, or NULL: why a no_success
 * rule reads as it does, where PM2's rules took their events from. */
static const char *
report_bt_diagnosis(const struct backtest *bt, const struct config_alert *al)
{
	if (al->kind == CONFIG_ALERT_NO_SUCCESS)
		return report_bt_no_success;
	if (al->kind == CONFIG_ALERT_RESTARTS ||
	    al->kind == CONFIG_ALERT_APP_ERRORED)
		return bt->totals.pm2_logs > 0 ? report_bt_pm2 :
		    report_bt_pm2_none;
	return NULL;
}

/*
 * When E fired, into FIRED (STAMP_BUFLEN bytes); when it resolved and how
 * long it lasted, into RESOLVED (STAMP_BUFLEN) and LASTED (32), when it
 * did.  Returns whether it resolved (else those two are untouched).
 */
static bool
report_bt_episode_times(const struct backtest_episode *e, char *fired,
    char *resolved, char *lasted)
{
	stamp_format(e->fired_ms, fired);
	if (e->resolved_ms == STAMP_NONE)
		return false;
	stamp_format(e->resolved_ms, resolved);
	report_bt_duration(e->resolved_ms - e->fired_ms, lasted);
	return true;
}

/* Is RULE firing at some time in [FROM, TO)? */
static bool
report_bt_firing_in(const struct backtest *bt, size_t rule, int64_t from,
    int64_t to)
{
	for (size_t i = 0; i < bt->nepisodes; i++) {
		const struct backtest_episode *e = &bt->episodes[i];
		int64_t end = e->resolved_ms != STAMP_NONE ? e->resolved_ms :
		    bt->totals.last_ms + 1;

		if (e->rule == rule && e->fired_ms < to && end > from)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * JSON.
 */

static json_t *
report_bt_json_rule(const struct backtest *bt, size_t i)
{
	const struct config_alert *a = &bt->cfg->alerts[i];
	json_t *o = json_object(), *classes = json_array();
	size_t eps;
	uint64_t notes;
	bool is_firing;

	report_bt_rule_totals(bt, i, &eps, &notes, &is_firing);
	json_object_set_new(o, "name", json_string(a->name));
	json_object_set_new(o, "kind", json_string(
	    config_alert_kinds[a->kind]));
	json_object_set_new(o, "pattern_set", json_string(
	    a->pattern_set != NULL ? a->pattern_set : bt->sets[0]->name));
	json_object_set_new(o, "threshold", a->kind ==
	    CONFIG_ALERT_NO_SUCCESS ? json_null() : json_real(a->threshold));
	json_object_set_new(o, "window_seconds",
	    json_real((double)a->window_ms / 1000.0));
	json_object_set_new(o, "min_events",
	    json_integer((json_int_t)a->min_events));
	for (size_t k = 0; k < a->nclasses; k++)
		json_array_append_new(classes, json_string(a->classes[k]));
	json_object_set_new(o, "classes", classes);
	json_object_set_new(o, "for_seconds",
	    json_real((double)a->for_ms / 1000.0));
	json_object_set_new(o, "keep_firing_for_seconds",
	    json_real((double)a->keep_firing_ms / 1000.0));
	json_object_set_new(o, "repeat_interval_seconds",
	    json_real((double)a->repeat_ms / 1000.0));
	json_object_set_new(o, "episodes", json_integer((json_int_t)eps));
	json_object_set_new(o, "notifications",
	    json_integer((json_int_t)notes));
	json_object_set_new(o, "firing_at_end", json_boolean(is_firing));
	json_object_set_new(o, "replayed",
	    json_boolean(backtest_rule_is_replayed(bt, i)));
	if (!backtest_rule_is_replayed(bt, i))
		json_object_set_new(o, "not_replayed",
		    json_string(BACKTEST_NOT_REPLAYED));
	if (a->kind == CONFIG_ALERT_NO_SUCCESS)
		json_object_set_new(o, "clock",
		    json_string(report_bt_no_success));
	if (a->kind == CONFIG_ALERT_RESTARTS ||
	    a->kind == CONFIG_ALERT_APP_ERRORED)
		json_object_set_new(o, "clock", json_string(
		    bt->totals.pm2_logs > 0 ? report_bt_pm2 :
		    report_bt_pm2_none));
	return o;
}

static json_t *
report_bt_json_episode(const struct backtest *bt,
    const struct backtest_episode *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "rule",
	    json_string(bt->cfg->alerts[e->rule].name));
	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "fired_at", report_json_time(e->fired_ms));
	json_object_set_new(o, "resolved_at",
	    report_json_time(e->resolved_ms));
	json_object_set_new(o, "duration_seconds", e->resolved_ms ==
	    STAMP_NONE ? json_null() :
	    json_real((double)(e->resolved_ms - e->fired_ms) / 1000.0));
	json_object_set_new(o, "peak", json_real(e->peak));
	json_object_set_new(o, "peak_at", report_json_time(e->peak_ms));
	json_object_set_new(o, "notifications",
	    json_integer((json_int_t)e->notifications));
	json_object_set_new(o, "repeats",
	    json_integer((json_int_t)e->repeats));
	json_object_set_new(o, "failures",
	    json_integer((json_int_t)e->failures));
	json_object_set_new(o, "successes",
	    json_integer((json_int_t)e->successes));
	json_object_set_new(o, "sample", e->sample != NULL ?
	    utf8_json_string(e->sample, e->sample_len) : json_null());
	json_object_set_new(o, "pm2_note", e->note != NULL ?
	    utf8_json_string(e->note, strlen(e->note)) : json_null());
	return o;
}

json_t *
report_backtest_json(const struct report_backtest *r)
{
	const struct backtest *bt = r->bt;
	const struct backtest_totals *t = &bt->totals;
	json_t *root = json_object(), *eps = json_array(),
	    *rules = json_array(), *clock = json_object(),
	    *totals = json_object(), *files = json_array(),
	    *errors = json_array(), *sets = json_array();
	uint64_t notes = 0;
	size_t neps = 0;

	for (size_t i = 0; i < bt->nepisodes; i++) {
		json_array_append_new(eps,
		    report_bt_json_episode(bt, &bt->episodes[i]));
		notes += bt->episodes[i].notifications;
		neps++;
	}
	for (size_t i = 0; i < bt->cfg->nalerts; i++)
		if (report_bt_is_on(bt, i))
			json_array_append_new(rules,
			    report_bt_json_rule(bt, i));
	json_object_set_new(root, "config", json_string(r->config_path));
	for (size_t i = 0; i < r->noverrides; i++)
		json_array_append_new(sets, json_string(r->overrides[i]));
	json_object_set_new(root, "overrides", sets);
	json_object_set_new(clock, "from", report_json_time(t->first_ms));
	json_object_set_new(clock, "to", report_json_time(t->last_ms));
	json_object_set_new(clock, "how", json_string(report_bt_how));
	json_object_set_new(root, "clock", clock);
	json_object_set_new(root, "episodes", eps);
	json_object_set_new(root, "rules", rules);
	json_object_set_new(totals, "episodes", json_integer((json_int_t)neps));
	json_object_set_new(totals, "notifications",
	    json_integer((json_int_t)notes));
	json_object_set_new(totals, "records",
	    json_integer((json_int_t)t->records));
	json_object_set_new(totals, "records_without_stamp",
	    json_integer((json_int_t)t->undated));
	json_object_set_new(totals, "damaged",
	    json_integer((json_int_t)t->damaged));
	json_object_set_new(totals, "pm2_logs",
	    json_integer((json_int_t)t->pm2_logs));
	json_object_set_new(totals, "pm2_events",
	    json_integer((json_int_t)t->pm2_events));
	json_object_set_new(totals, "pm2_events_without_stamp",
	    json_integer((json_int_t)t->pm2_undated));
	json_object_set_new(totals, "first_stamp",
	    report_json_time(t->first_stamp_ms));
	json_object_set_new(totals, "last_stamp",
	    report_json_time(t->last_stamp_ms));
	json_object_set_new(root, "totals", totals);
	for (size_t i = 0; bt->scan != NULL && i < bt->scan->nfiles; i++) {
		const struct scan_file *f = &bt->scan->files[i];
		json_t *o = json_object();

		json_object_set_new(o, "path", json_string(f->path));
		json_object_set_new(o, "gzip", json_boolean(f->is_gz));
		json_object_set_new(o, "bytes", json_integer(
		    (json_int_t)f->bytes));
		json_array_append_new(files, o);
	}
	for (size_t i = 0; bt->scan != NULL && i < bt->scan->nerrors; i++) {
		const struct scan_error *e = &bt->scan->errors[i];
		json_t *o = json_object();

		json_object_set_new(o, "path", json_string(e->path));
		json_object_set_new(o, "offset",
		    json_integer((json_int_t)e->offset));
		json_object_set_new(o, "message", json_string(e->message));
		json_array_append_new(errors, o);
	}
	json_object_set_new(root, "files", files);
	json_object_set_new(root, "errors", errors);
	return root;
}

/* ---------------------------------------------------------------------
 * Text.
 */

static void
report_bt_text_timeline(const struct backtest *bt, size_t rule, FILE *fp)
{
	int64_t from = bt->totals.first_ms, to = bt->totals.last_ms + 1;
	char a[STAMP_BUFLEN], b[STAMP_BUFLEN];

	stamp_format(from, a);
	stamp_format(to - 1, b);
	fprintf(fp, "  %s |", a);
	for (int c = 0; c < REPORT_BT_COLUMNS; c++) {
		int64_t lo = from + (to - from) * c / REPORT_BT_COLUMNS;
		int64_t hi = from + (to - from) * (c + 1) / REPORT_BT_COLUMNS;

		fputc(report_bt_firing_in(bt, rule, lo, hi > lo ? hi :
		    lo + 1) ? '#' : '.', fp);
	}
	fprintf(fp, "| %s\n", b);
}

void
report_backtest_text(const struct report_backtest *r, FILE *fp)
{
	const struct backtest *bt = r->bt;
	const struct backtest_totals *t = &bt->totals;
	char a[STAMP_BUFLEN], b[STAMP_BUFLEN], d[32], v[32], rule[128];

	fprintf(fp, "backtest of %s", r->config_path);
	for (size_t i = 0; i < r->noverrides; i++)
		fprintf(fp, "%s--set %s", i == 0 ? " with " : ", ",
		    r->overrides[i]);
	fprintf(fp, "\n");
	if (t->first_ms == STAMP_NONE) {
		fprintf(fp, "no stamped records: nothing to replay (%" PRIu64
		    " %s without a stamp)\n", t->undated, plural(t->undated,
		    "record", "records"));
	} else {
		stamp_format(t->first_ms, a);
		stamp_format(t->last_ms, b);
		fprintf(fp, "replayed %" PRIu64 " %s from %s to %s, the "
		    "stamps as the clock\n", t->records,
		    plural(t->records, "record", "records"), a, b);
		if (t->undated > 0)
			fprintf(fp, "%" PRIu64 " %s without a stamp: "
			    "counted, not replayed (no time to place %s "
			    "at)\n", t->undated, plural(t->undated, "record",
			    "records"), plural(t->undated, "it", "them"));
	}
	if (t->pm2_logs > 0)
		fprintf(fp, "replayed %" PRIu64 " %s of PM2's own log (%"
		    PRIu64 " %s)%s\n", t->pm2_events, plural(t->pm2_events,
		    "event", "events"), t->pm2_logs, plural(t->pm2_logs,
		    "file", "files"), t->pm2_undated > 0 ? "; some without "
		    "a stamp, not replayed" : "");
	for (size_t i = 0; i < bt->cfg->nalerts; i++) {
		const struct config_alert *al = &bt->cfg->alerts[i];
		const char *diag = report_bt_diagnosis(bt, al);
		char tally[128];

		if (!report_bt_is_on(bt, i))
			continue;
		if (!backtest_rule_is_replayed(bt, i)) {
			fprintf(fp, "\nrule %s (%s): not replayed: %s\n",
			    al->name, config_alert_kinds[al->kind],
			    BACKTEST_NOT_REPLAYED);
			continue;
		}
		(void)report_bt_rule_tally(bt, i, tally);
		fprintf(fp, "\nrule %s (%s): %s\n", al->name,
		    report_bt_rule(al, rule), tally);
		if (t->first_ms != STAMP_NONE)
			report_bt_text_timeline(bt, i, fp);
		if (diag != NULL)
			fprintf(fp, "  (%s)\n", diag);
		const struct backtest_episode *e;

		for (size_t k = 0; (e = report_bt_next(bt, i, &k)) != NULL;) {
			bool is_resolved = report_bt_episode_times(e, a, b, d);

			fprintf(fp, "  fired %s  %s %s%s%s  peak %s  "
			    "notifications %" PRIu64 "\n", a, is_resolved ?
			    "resolved" : "still firing", is_resolved ? b :
			    "at the end", is_resolved ? " after " : "",
			    is_resolved ? d : "", report_bt_value(al, e->peak,
			    v), e->notifications);
			if (e->sample != NULL) {
				size_t n, len;
				char *s = utf8_clean(e->sample,
				    e->sample_len, &len);

				/* The first line is enough here. */
				for (n = 0; n < len && n < 200 &&
				    s[n] != '\n'; n++)
					continue;
				fprintf(fp, "    sample: %.*s%s\n", (int)n, s,
				    n < len ? " ..." : "");
				free(s);
			}
			if (e->note != NULL)
				fprintf(fp, "    pm2: %s\n", e->note);
		}
	}
	if (bt->scan != NULL)
		for (size_t i = 0; i < bt->scan->nerrors; i++)
			fprintf(fp, "error: %s: %s\n", bt->scan->errors[i].path,
			    bt->scan->errors[i].message);
	fprintf(fp, "\nNothing was sent and no state was written.\n");
}

/* ---------------------------------------------------------------------
 * HTML.
 */

static const char report_bt_style[] =
	"svg.timeline{width:100%;height:auto;display:block}\n"
	"svg .track{fill:#eef0f3}\n"
	"svg .firing{fill:" REPORT_BT_COLOR_FIRING "}\n";

static void
report_bt_html_timeline(const struct backtest *bt, size_t rule, FILE *fp)
{
	int64_t from = bt->totals.first_ms, to = bt->totals.last_ms + 1;
	double w = REPORT_BT_SVG_W - 2 * REPORT_BT_SVG_PAD;
	const struct backtest_episode *e;
	char a[STAMP_BUFLEN], b[STAMP_BUFLEN];

	stamp_format(from, a);
	stamp_format(to - 1, b);
	fprintf(fp, "<svg class=\"timeline\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"when the rule was firing\">\n"
	    "<rect class=\"track\" x=\"%d\" y=\"4\" width=\"%.2f\" "
	    "height=\"18\" rx=\"3\"/>\n", REPORT_BT_SVG_W, REPORT_BT_SVG_H,
	    REPORT_BT_SVG_PAD, w);
	for (size_t k = 0; (e = report_bt_next(bt, rule, &k)) != NULL;) {
		int64_t end = e->resolved_ms != STAMP_NONE ? e->resolved_ms :
		    to;
		double x0, x1;
		char f[STAMP_BUFLEN];

		x0 = REPORT_BT_SVG_PAD + w * (double)(e->fired_ms - from) /
		    (double)(to - from);
		x1 = REPORT_BT_SVG_PAD + w * (double)(end - from) /
		    (double)(to - from);
		if (x1 - x0 < 2)
			x1 = x0 + 2;	/* a short episode stays visible */
		stamp_format(e->fired_ms, f);
		fprintf(fp, "<rect class=\"firing\" x=\"%.2f\" y=\"4\" "
		    "width=\"%.2f\" height=\"18\"><title>fired %s</title>"
		    "</rect>\n", x0, x1 - x0, f);
	}
	fprintf(fp, "<text class=\"axis\" x=\"%d\" y=\"40\">%s</text>"
	    "<text class=\"axis\" x=\"%d\" y=\"40\" text-anchor=\"end\">%s"
	    "</text>\n</svg>\n", REPORT_BT_SVG_PAD, a,
	    REPORT_BT_SVG_W - REPORT_BT_SVG_PAD, b);
}

static void
report_bt_html_rule(const struct backtest *bt, size_t i, FILE *fp)
{
	const struct config_alert *al = &bt->cfg->alerts[i];
	char a[STAMP_BUFLEN], b[STAMP_BUFLEN], d[32], v[32], rule[128];
	char tally[128];
	const char *diag = report_bt_diagnosis(bt, al);
	size_t eps = report_bt_rule_tally(bt, i, tally);
	const struct backtest_episode *e;

	fprintf(fp, "<section class=\"set\"><h2>");
	report_html_escs(fp, al->name);
	if (!backtest_rule_is_replayed(bt, i)) {
		fprintf(fp, "<small>%s</small></h2>\n<div class=\"panel\">"
		    "<p class=\"empty\">Not replayed: ",
		    config_alert_kinds[al->kind]);
		report_html_escs(fp, BACKTEST_NOT_REPLAYED);
		fprintf(fp, ".</p></div>\n</section>\n");
		return;
	}
	fprintf(fp, "<small>");
	report_html_escs(fp, report_bt_rule(al, rule));
	fprintf(fp, " &middot; %s</small></h2>\n<div class=\"panel\">\n",
	    tally);
	if (bt->totals.first_ms != STAMP_NONE)
		report_bt_html_timeline(bt, i, fp);
	if (diag != NULL) {
		fprintf(fp, "<p class=\"diag\">");
		report_html_escs(fp, diag);
		fprintf(fp, "</p>\n");
	}
	if (eps == 0) {
		fprintf(fp, "<p class=\"empty\">It would not have fired."
		    "</p>\n</div>\n</section>\n");
		return;
	}
	fprintf(fp, "<table><tr><th>fired</th><th>resolved</th>"
	    "<th class=\"n\">lasted</th><th class=\"n\">peak</th>"
	    "<th class=\"n\">notifications</th><th>PM2</th></tr>\n");
	for (size_t k = 0; (e = report_bt_next(bt, i, &k)) != NULL;) {
		bool is_resolved = report_bt_episode_times(e, a, b, d);

		fprintf(fp, "<tr><td>%s</td><td>%s</td><td class=\"n\">%s</td>"
		    "<td class=\"n\">%s</td><td class=\"n\">%" PRIu64
		    "</td><td>", a, is_resolved ? b : "still firing",
		    is_resolved ? d : "", report_bt_value(al, e->peak, v),
		    e->notifications);
		if (e->note != NULL)
			report_html_escs(fp, e->note);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</table>\n");
	for (size_t k = 0, shown = 0; (e = report_bt_next(bt, i, &k)) !=
	    NULL;) {
		if (e->sample == NULL)
			continue;
		if (shown++ == REPORT_BT_HTML_SAMPLES) {
			fprintf(fp, "<p class=\"empty\">The samples of later "
			    "episodes are in the JSON report (--format json)."
			    "</p>\n");
			break;
		}
		stamp_format(e->fired_ms, a);
		fprintf(fp, "<div class=\"sample\" style=\"margin-top:12px\">"
		    "<div class=\"head\"><b>sample</b><span class=\"where\">"
		    "fired %s</span></div><pre>", a);
		report_html_esc(fp, e->sample, e->sample_len);
		fprintf(fp, "</pre></div>\n");
	}
	fprintf(fp, "</div>\n</section>\n");
}

int
report_backtest_html(const struct report_backtest *r, FILE *fp)
{
	const struct backtest *bt = r->bt;
	char now[STAMP_BUFLEN], a[STAMP_BUFLEN], b[STAMP_BUFLEN];

	stamp_format(r->now_ms / 1000 * 1000, now);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"omniwatch %s\">\n"
	    "<title>omniwatch backtest: ", PACKAGE_VERSION);
	report_html_escs(fp, r->config_path);
	fprintf(fp, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n"
	    "<main>\n<header><h1>omniwatch <span>backtest</span></h1>\n"
	    "<p class=\"meta\">Made %s &middot; rules of ", report_html_style,
	    report_bt_style, now);
	report_html_escs(fp, r->config_path);
	for (size_t i = 0; i < r->noverrides; i++) {
		fprintf(fp, i == 0 ? " with --set " : ", --set ");
		report_html_escs(fp, r->overrides[i]);
	}
	if (bt->totals.first_ms != STAMP_NONE) {
		stamp_format(bt->totals.first_ms, a);
		stamp_format(bt->totals.last_ms, b);
		fprintf(fp, " &middot; %" PRIu64 " records replayed from %s to "
		    "%s", bt->totals.records, a, b);
	}
	if (bt->totals.undated > 0)
		fprintf(fp, " &middot; %" PRIu64 " without a stamp, not "
		    "replayed", bt->totals.undated);
	if (bt->totals.pm2_logs > 0)
		fprintf(fp, " &middot; %" PRIu64 " events of PM2's own log",
		    bt->totals.pm2_events);
	fprintf(fp, "</p></header>\n");
	for (size_t i = 0; i < bt->cfg->nalerts; i++)
		if (report_bt_is_on(bt, i))
			report_bt_html_rule(bt, i, fp);
	if (bt->scan != NULL && bt->scan->nerrors > 0) {
		fprintf(fp, "<section class=\"set\"><h2>Errors</h2>"
		    "<div class=\"panel\"><ul class=\"errors\">\n");
		for (size_t i = 0; i < bt->scan->nerrors; i++) {
			fprintf(fp, "<li>");
			report_html_escs(fp, bt->scan->errors[i].path);
			fprintf(fp, ": ");
			report_html_escs(fp, bt->scan->errors[i].message);
			fprintf(fp, "</li>\n");
		}
		fprintf(fp, "</ul></div></section>\n");
	}
	fprintf(fp, "<footer>omniwatch %s &middot; ", PACKAGE_VERSION);
	report_html_escs(fp, report_bt_how);
	fprintf(fp, " Nothing was sent and no state was written. Times are "
	    "UTC.</footer>\n</main>\n</body>\n</html>\n");
	return ferror(fp) ? -1 : 0;
}
