/*
 * report_html: see report_html.h.  The page is written top to bottom with
 * fprintf; the only computed part, the chart, is report_html_chart.c.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redact.h"
#include "report.h"
#include "report_alert.h"
#include "report_html.h"
#include "report_probe.h"
#include "report_html_part.h"
#include "stamp.h"
#include "xmalloc.h"

#define REPORT_WORST_HOURS	5

const char *const report_class_colors[REPORT_NCOLORS] = {
	"#d6336c", "#f08c00", "#9c36b5", "#e03131", "#1098ad", "#f59f00",
	"#5f3dc4", "#c2255c",
};

/* ---------------------------------------------------------------------
 * Samples.
 */

struct report_html_sample {
	bool		 is_set;
	char		*text;		/* at most REPORT_HTML_SAMPLE_KEEP */
	size_t		 len;
	size_t		 full_len;	/* the record's length */
	char		*where;		/* FILE:LINE */
	int64_t		 ts_ms;
};

struct report_html_samples {
	struct match_set *const *sets;
	size_t		 nsets;
	struct report_html_sample **by_set;	/* [set][nfailure + 1] */
};

struct report_html_samples *
report_html_samples_new(struct match_set *const *sets, size_t nsets)
{
	struct report_html_samples *rs = xcalloc(1, sizeof(*rs));

	rs->sets = sets;
	rs->nsets = nsets;
	rs->by_set = xcalloc(nsets, sizeof(*rs->by_set));
	for (size_t i = 0; i < nsets; i++)
		rs->by_set[i] = xcalloc(sets[i]->nfailure + 1,
		    sizeof(**rs->by_set));
	return rs;
}

void
report_html_samples_note(struct report_html_samples *rs, const char *path,
    const struct pipeline_outcome *o)
{
	const struct match_set *set = rs->sets[o->set_idx];
	const struct record *rec = o->record;
	struct report_html_sample *s;
	size_t n;

	if (o->outcome == MATCH_FAILURE)
		s = &rs->by_set[o->set_idx][o->class_idx];
	else if (o->outcome == MATCH_DAMAGED)
		s = &rs->by_set[o->set_idx][set->nfailure];
	else
		return;
	/* Files are read one after the other, not in time order across
	 * apps: an older stamp does not replace a newer one. */
	if (s->is_set && s->ts_ms != STAMP_NONE && (rec->ts_ms == STAMP_NONE ||
	    rec->ts_ms < s->ts_ms))
		return;
	n = rec->len < REPORT_HTML_SAMPLE_KEEP ? rec->len :
	    REPORT_HTML_SAMPLE_KEEP;
	free(s->where);
	s->text = xreallocarray(s->text, n + 1, 1);
	memcpy(s->text, rec->text, n);
	s->text[n] = '\0';
	s->len = n;
	s->full_len = rec->len;
	s->where = xasprintf("%s:%llu", path,
	    (unsigned long long)rec->line_number);
	s->ts_ms = rec->ts_ms;
	s->is_set = true;
}

void
report_html_samples_free(struct report_html_samples *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->nsets; i++) {
		for (size_t c = 0; c <= rs->sets[i]->nfailure; c++) {
			free(rs->by_set[i][c].text);
			free(rs->by_set[i][c].where);
		}
		free(rs->by_set[i]);
	}
	free(rs->by_set);
	free(rs);
}

/* ---------------------------------------------------------------------
 * Small writers.
 */

/* "2026-11-29 10:00" (UTC) into BUF (32 bytes). */
const char *
report_html_hour(int64_t ms, char *buf)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* ---------------------------------------------------------------------
 * Sections.
 */

const char report_html_style[] =
	":root{--ink:#1d2330;--muted:#5d6676;--line:#e3e6eb;--card:#fff;"
	"--bg:#f4f5f7;--good:#2f9e58;--warn:#e8890c;--bad:#d6336c}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 "
	"system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
	"sans-serif}\n"
	"main{max-width:1120px;margin:0 auto;padding:28px 24px 40px}\n"
	"header h1{margin:0;font-size:26px;letter-spacing:-.01em}\n"
	"header h1 span{color:var(--muted);font-weight:400}\n"
	".meta{color:var(--muted);margin:4px 0 0;font-size:13.5px}\n"
	"section.set{margin-top:26px}\n"
	"h2{font-size:20px;margin:0 0 12px}\n"
	"h2 small{font-size:14px;color:var(--muted);font-weight:400;"
	"margin-left:8px}\n"
	"h3{font-size:15px;margin:0 0 10px;color:#323a49}\n"
	".panel{background:var(--card);border:1px solid var(--line);"
	"border-radius:10px;padding:16px 18px;margin-bottom:16px;"
	"box-shadow:0 1px 2px rgba(20,30,50,.04)}\n"
	".cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;"
	"margin-bottom:16px}\n"
	".card{background:var(--card);border:1px solid var(--line);"
	"border-radius:10px;padding:12px 16px;border-top:4px solid "
	"var(--line)}\n"
	".card .num{font-size:28px;font-weight:650;letter-spacing:-.02em;"
	"font-variant-numeric:tabular-nums}\n"
	".card .label{color:var(--muted);font-size:13px}\n"
	".card.failures{border-top-color:var(--bad)}\n"
	".card.successes{border-top-color:var(--good)}\n"
	".card.damaged{border-top-color:#a9b1ba}\n"
	".card.rate.bad{border-top-color:var(--bad)}"
	".card.rate.bad .num{color:var(--bad)}\n"
	".card.rate.warn{border-top-color:var(--warn)}"
	".card.rate.warn .num{color:var(--warn)}\n"
	".card.rate.good{border-top-color:var(--good)}"
	".card.rate.good .num{color:var(--good)}\n"
	".card.span .num{font-size:14px;font-weight:500;line-height:1.5;"
	"padding-top:4px}\n"
	"svg.chart{width:100%;height:auto;display:block}\n"
	"svg .grid{stroke:#eceef2;stroke-width:1}\n"
	"svg .base{stroke:#9aa2ae;stroke-width:1}\n"
	"svg .axis{fill:#6b7382;font-size:12px}\n"
	"svg .axis.rate{fill:#1b3f8f}\n"
	"svg .axis-title{fill:#6b7382;font-size:12px}\n"
	"svg .axis-title.rate{fill:#1b3f8f}\n"
	"svg .bar:hover rect{opacity:.8}\n"
	".legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;"
	"margin:8px 0 0;padding:0;font-size:13px;color:#3c4453}\n"
	".legend i{display:inline-block;width:12px;height:12px;"
	"border-radius:3px;margin-right:6px;vertical-align:-1px}\n"
	".legend i.line{height:3px;width:16px;border-radius:2px;"
	"vertical-align:3px}\n"
	".cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}\n"
	".cols>.panel{margin-bottom:0}\n"
	"table{border-collapse:collapse;width:100%;font-size:13.5px}\n"
	"th,td{text-align:left;padding:6px 8px;border-bottom:1px solid "
	"var(--line);vertical-align:top}\n"
	"th{color:var(--muted);font-weight:600;font-size:12.5px}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"tr:last-child td{border-bottom:0}\n"
	".swatch{display:inline-block;width:10px;height:10px;"
	"border-radius:2px;margin-right:6px}\n"
	".diag{color:#3c4453;font-size:13px}\n"
	"td.name{white-space:nowrap}\n"
	".pill{display:inline-block;padding:1px 8px;border-radius:99px;"
	"font-size:12px;font-weight:600}\n"
	".pill.bad{background:#fde7ef;color:#b0224f}"
	".pill.warn{background:#fff1db;color:#a85d00}"
	".pill.good{background:#e3f5ea;color:#1f7a42}"
	".pill.none{background:#eef0f3;color:#5d6676}\n"
	".sample{border:1px solid var(--line);border-radius:8px;"
	"margin-bottom:12px;overflow:hidden}\n"
	".sample .head{display:flex;gap:10px;align-items:baseline;"
	"flex-wrap:wrap;padding:8px 12px;background:#fafbfc;border-bottom:"
	"1px solid var(--line);font-size:13px}\n"
	".sample .head b{font-size:14px}\n"
	".sample .where{color:var(--muted);font-family:ui-monospace,"
	"'SFMono-Regular',Menlo,Consolas,monospace;font-size:12px}\n"
	".sample .diag{padding:8px 12px 0;margin:0}\n"
	".sample pre{margin:0;padding:10px 12px 12px;font:12.5px/1.5 "
	"ui-monospace,'SFMono-Regular',Menlo,Consolas,'Liberation Mono',"
	"monospace;white-space:pre-wrap;word-break:break-all;"
	"color:#262c38}\n"
	".empty{color:var(--muted);font-size:13.5px;margin:0}\n"
	".errors li{margin-bottom:4px}\n"
	"footer{margin-top:28px;color:var(--muted);font-size:12.5px}\n"
	"@media (max-width:800px){.cards{grid-template-columns:1fr 1fr}"
	".cols{grid-template-columns:1fr}}\n";

static void
report_html_cards(FILE *fp, const struct aggregate_counts *t)
{
	double rate = aggregate_failure_rate(t);
	char num[32], r[16], first[STAMP_BUFLEN], last[STAMP_BUFLEN];

	fprintf(fp, "<div class=\"cards\">\n");
	fprintf(fp, "<div class=\"card rate %s\"><div class=\"num\">%s</div>"
	    "<div class=\"label\">failure rate</div></div>\n",
	    report_html_rate_class(rate), report_html_rate(rate, r));
	fprintf(fp, "<div class=\"card failures\"><div class=\"num\">%s</div>"
	    "<div class=\"label\">failures</div></div>\n",
	    report_html_num(t->failures, num));
	fprintf(fp, "<div class=\"card successes\"><div class=\"num\">%s"
	    "</div><div class=\"label\">successes</div></div>\n",
	    report_html_num(t->successes, num));
	fprintf(fp, "<div class=\"card damaged\"><div class=\"num\">%s</div>"
	    "<div class=\"label\">damaged</div></div>\n",
	    report_html_num(t->damaged, num));
	if (t->first != STAMP_NONE) {
		stamp_format(t->first, first);
		stamp_format(t->last, last);
	} else {
		snprintf(first, sizeof(first), "n/a");
		snprintf(last, sizeof(last), "n/a");
	}
	fprintf(fp, "<div class=\"card span\"><div class=\"num\">%s<br>%s"
	    "</div><div class=\"label\">first and last record</div></div>\n",
	    first, last);
	fprintf(fp, "</div>\n");
}

static void
report_html_classes(FILE *fp, const struct aggregate_set *as)
{
	const struct match_set *set = as->set;
	char num[32], r[16];

	fprintf(fp, "<div class=\"panel\"><h3>Failures by class</h3>\n"
	    "<table><tr><th>class</th><th class=\"n\">failures</th>"
	    "<th class=\"n\">share</th><th>diagnosis</th></tr>\n");
	for (size_t c = 0; c < set->nfailure; c++) {
		uint64_t n = as->total.classes[c];

		fprintf(fp, "<tr><td class=\"name\"><i class=\"swatch\" "
		    "style=\"background:%s\"></i>",
		    report_class_colors[c % REPORT_NCOLORS]);
		report_html_escs(fp, set->failure[c].name);
		fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s"
		    "</td><td class=\"diag\">", report_html_num(n, num),
		    report_html_rate(as->total.failures == 0 ? -1.0 :
		    (double)n / (double)as->total.failures, r));
		if (set->failure[c].diagnosis != NULL)
			report_html_escs(fp, set->failure[c].diagnosis);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</table></div>\n");
}

/* The hours with the most failures (then the highest rate). */
static int
report_html_worst_cmp(const void *a, const void *b)
{
	const struct series_step *x = *(const struct series_step *const *)a;
	const struct series_step *y = *(const struct series_step *const *)b;
	double rx = series_step_rate(x), ry = series_step_rate(y);

	if (x->failures != y->failures)
		return x->failures > y->failures ? -1 : 1;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	return x->start_ms < y->start_ms ? -1 : x->start_ms > y->start_ms;
}

static void
report_html_worst(FILE *fp, const struct series_set *ss)
{
	const struct series_step **v = xcalloc(ss->nsteps + 1, sizeof(*v));
	size_t n = 0;
	char when[32], num[32], num2[32], r[16];

	for (size_t i = 0; i < ss->nsteps; i++)
		if (ss->steps[i].failures > 0)
			v[n++] = &ss->steps[i];
	qsort(v, n, sizeof(*v), report_html_worst_cmp);
	fprintf(fp, "<div class=\"panel\"><h3>Worst hours</h3>\n");
	if (n == 0)
		fprintf(fp, "<p class=\"empty\">No failures with a time "
		    "stamp.</p>\n");
	else
		fprintf(fp, "<table><tr><th>hour (UTC)</th><th class=\"n\">"
		    "failures</th><th class=\"n\">successes</th>"
		    "<th class=\"n\">failure rate</th></tr>\n");
	for (size_t i = 0; i < n && i < REPORT_WORST_HOURS; i++) {
		double rate = series_step_rate(v[i]);

		fprintf(fp, "<tr><td>%s</td><td class=\"n\">%s</td>"
		    "<td class=\"n\">%s</td><td class=\"n\"><span class=\"pill "
		    "%s\">%s</span></td></tr>\n",
		    report_html_hour(v[i]->start_ms, when),
		    report_html_num(v[i]->failures, num),
		    report_html_num(v[i]->successes, num2),
		    report_html_rate_class(rate), report_html_rate(rate, r));
	}
	if (n > 0)
		fprintf(fp, "</table>");
	fprintf(fp, "</div>\n");
	free(v);
}

/* The sample, redacted, cut to REPORT_HTML_SAMPLE_SHOW bytes, escaped. */
static void
report_html_sample_text(FILE *fp, const struct report_html_sample *s)
{
	size_t n;
	char *red = redact_builtin(s->text, s->len, &n);
	bool is_cut = n > REPORT_HTML_SAMPLE_SHOW || s->full_len > s->len;

	if (n > REPORT_HTML_SAMPLE_SHOW) {
		n = REPORT_HTML_SAMPLE_SHOW;
		/* Do not end inside a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)red[n] & 0xC0) == 0x80)
			n--;
	}
	fprintf(fp, "<pre>");
	report_html_esc(fp, red, n);
	if (is_cut)
		fprintf(fp, "\n\xE2\x80\xA6 (cut; %zu bytes in all)",
		    s->full_len);
	fprintf(fp, "</pre>");
	free(red);
}

static void
report_html_samples(FILE *fp, const struct report_html *r, size_t set_idx)
{
	const struct aggregate_set *as = &r->agg->sets[set_idx];
	const struct match_set *set = as->set;
	bool any = false;
	char when[STAMP_BUFLEN];

	fprintf(fp, "<div class=\"panel\"><h3>Latest sample per class</h3>\n");
	if (r->samples == NULL) {
		fprintf(fp, "<p class=\"empty\">The state of omniwatch watch "
		    "keeps counts, not log text; run <code>omniwatch scan "
		    "--format html</code> on the logs to see samples.</p>"
		    "</div>\n");
		return;
	}
	for (size_t c = 0; c <= set->nfailure; c++) {
		const struct report_html_sample *s =
		    &r->samples->by_set[set_idx][c];
		const char *diag = c < set->nfailure ?
		    set->failure[c].diagnosis : "The record looks like one of "
		    "this set's (it has a regex's literal head, or its tail) "
		    "but matches no regex: text was lost or changed.";

		if (!s->is_set)
			continue;
		any = true;
		fprintf(fp, "<div class=\"sample\"><div class=\"head\">"
		    "<i class=\"swatch\" style=\"background:%s\"></i><b>",
		    c < set->nfailure ? report_class_colors[c % REPORT_NCOLORS] :
		    REPORT_COLOR_DAMAGED);
		report_html_escs(fp, c < set->nfailure ? set->failure[c].name :
		    "damaged");
		fprintf(fp, "</b><span class=\"where\">");
		report_html_escs(fp, s->where);
		if (s->ts_ms != STAMP_NONE) {
			stamp_format(s->ts_ms, when);
			fprintf(fp, " &middot; %s", when);
		}
		fprintf(fp, "</span></div>");
		if (diag != NULL) {
			fprintf(fp, "<p class=\"diag\">");
			report_html_escs(fp, diag);
			fprintf(fp, "</p>");
		}
		report_html_sample_text(fp, s);
		fprintf(fp, "</div>\n");
	}
	if (!any)
		fprintf(fp, "<p class=\"empty\">No failures or damaged "
		    "records.</p>\n");
	fprintf(fp, "</div>\n");
}

/* The end of R's range: until, or now when only since was given ("the
 * last 2 h" reaches to now, though its last minutes hold nothing). */
static int64_t
report_html_until(const struct report_html *r)
{
	if (r->until_ms != STAMP_NONE)
		return r->until_ms;
	return r->since_ms != STAMP_NONE ? r->now_ms : STAMP_NONE;
}

static void
report_html_set(FILE *fp, const struct report_html *r, size_t i)
{
	const struct aggregate_set *as = &r->agg->sets[i];
	const struct series_set *ss = &r->series->sets[i];
	const struct series *steps = r->steps != NULL ? r->steps : r->series;

	fprintf(fp, "<section class=\"set\" id=\"set-");
	report_html_escs(fp, as->set->name);
	fprintf(fp, "\">\n<h2>");
	report_html_escs(fp, as->set->name);
	if (as->set->description != NULL) {
		fprintf(fp, "<small>");
		report_html_escs(fp, as->set->description);
		fprintf(fp, "</small>");
	}
	fprintf(fp, "</h2>\n");
	report_html_cards(fp, &as->total);

	report_html_chart(fp, &steps->sets[i], steps->step_ms, r->since_ms,
	    report_html_until(r));

	fprintf(fp, "<div class=\"cols\">\n");
	report_html_classes(fp, as);
	report_html_worst(fp, ss);
	fprintf(fp, "</div>\n<div style=\"height:16px\"></div>\n");
	report_html_apps(fp, as);
	report_html_samples(fp, r, i);
	fprintf(fp, "</section>\n");
}

static void
report_html_files(FILE *fp, const struct scan *s)
{
	char a[32], b[32];

	fprintf(fp, "<section class=\"set\"><h2>Files</h2><div class=\"panel\">"
	    "\n");
	if (s->nfiles == 0)
		fprintf(fp, "<p class=\"empty\">No files were read.</p>\n");
	else
		fprintf(fp, "<table><tr><th>file</th><th>app</th>"
		    "<th class=\"n\">bytes</th><th class=\"n\">records</th>"
		    "</tr>\n");
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct scan_file *f = &s->files[i];

		fprintf(fp, "<tr><td>");
		report_html_escs(fp, f->path);
		fprintf(fp, "%s</td><td>", f->is_gz ? " (gzip)" : "");
		report_html_escs(fp, f->app);
		fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		    "</tr>\n", report_html_num(f->bytes, a),
		    report_html_num(f->stats.records, b));
	}
	if (s->nfiles > 0)
		fprintf(fp, "</table>\n");
	if (s->nerrors > 0) {
		fprintf(fp, "<h3 style=\"margin-top:14px\">Errors</h3>"
		    "<ul class=\"errors\">\n");
		for (size_t i = 0; i < s->nerrors; i++) {
			fprintf(fp, "<li>");
			report_html_escs(fp, s->errors[i].path);
			fprintf(fp, ": ");
			report_html_escs(fp, s->errors[i].message);
			fprintf(fp, "</li>\n");
		}
		fprintf(fp, "</ul>\n");
	}
	fprintf(fp, "</div></section>\n");
}

int
report_html_write(const struct report_html *r, FILE *fp)
{
	char now[STAMP_BUFLEN], t[STAMP_BUFLEN];

	stamp_format(r->now_ms / 1000 * 1000, now);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"omniwatch %s\">\n",
	    PACKAGE_VERSION);
	/* A refresh without a script: the page stays self-contained. */
	if (r->refresh_s > 0)
		fprintf(fp, "<meta http-equiv=\"refresh\" content=\"%d\">\n",
		    r->refresh_s);
	fprintf(fp, "<title>omniwatch %s", r->command);
	for (size_t i = 0; i < r->agg->nsets; i++) {
		fprintf(fp, i == 0 ? ": " : ", ");
		report_html_escs(fp, r->agg->sets[i].set->name);
	}
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n"
	    "<header><h1>omniwatch <span>%s</span></h1>\n<p class=\"meta\">"
	    "Made %s", report_html_style, r->command, now);
	if (r->since_ms != STAMP_NONE) {
		stamp_format(r->since_ms, t);
		fprintf(fp, " &middot; records since %s", t);
	}
	if (r->until_ms != STAMP_NONE) {
		stamp_format(r->until_ms, t);
		fprintf(fp, " &middot; until %s", t);
	}
	if (r->source != NULL) {
		fprintf(fp, " &middot; ");
		report_html_escs(fp, r->source);
	}
	fprintf(fp, "</p></header>\n");
	if (r->blind != NULL || r->config_changed != NULL ||
	    r->skewed != NULL || r->cannot_log != NULL) {
		/* Before anything: the figures below may be stale, quiet
		 * because PM2 cannot log, counted by another config, or
		 * hours off. */
		const char *msgs[] = { r->blind, r->cannot_log,
		    r->config_changed, r->skewed };

		fprintf(fp, "<section><div class=\"card\"><ul class=\"errors\">");
		for (size_t i = 0; i < sizeof(msgs) / sizeof(*msgs); i++) {
			const char *msg = msgs[i];

			if (msg == NULL)
				continue;
			fprintf(fp, "<li>");
			report_html_escs(fp, msg);
			fprintf(fp, "</li>");
		}
		fprintf(fp, "</ul></div></section>\n");
	}
	/* What needs someone now comes first. */
	report_alerts_html(r->alerts, r->now_ms, fp);
	for (size_t i = 0; i < r->agg->nsets; i++)
		report_html_set(fp, r, i);
	report_html_pm2(fp, r->pm2);
	report_probes_html(r->probes, fp);
	if (r->scan != NULL)
		report_html_files(fp, r->scan);
	fprintf(fp, "<footer>omniwatch %s &middot; failure rate = failures / "
	    "(failures + successes); damaged records are counted apart. "
	    "Times are UTC.</footer>\n</main>\n</body>\n</html>\n",
	    PACKAGE_VERSION);
	return ferror(fp) ? -1 : 0;
}
