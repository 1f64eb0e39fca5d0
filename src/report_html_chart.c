/*
 * report_html_chart: the per-hour chart of a pattern set in the HTML
 * report, an inline SVG.  Its geometry is worked out once per set in
 * struct report_chart: bins of one or more hours, at most
 * REPORT_CHART_MAX_BINS, so that a year of logs still draws bars a few
 * pixels wide.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_html_part.h"
#include "series.h"
#include "stamp.h"
#include "xmalloc.h"

#define REPORT_CHART_W		1040
#define REPORT_CHART_H		330
#define REPORT_CHART_PAD_L	60
#define REPORT_CHART_PAD_R	60
#define REPORT_CHART_PAD_T	18
#define REPORT_CHART_PAD_B	58
#define REPORT_CHART_MAX_BINS	360	/* 6 h of minutes, 15 days of hours */
#define REPORT_COLOR_SUCCESS	"#2f9e58"
#define REPORT_COLOR_RATE	"#1b3f8f"

/* ---------------------------------------------------------------------
 * The chart.
 */

struct report_chart {
	const struct series_set *ss;
	size_t		 nclasses;
	int64_t		 first_ms;	/* start of the first bin */
	int64_t		 step_ms;	/* the series' step */
	int64_t		 bin_ms;	/* one or more steps */
	size_t		 nbins;
	uint64_t	*successes;	/* [nbins] */
	uint64_t	*damaged;
	uint64_t	*failures;
	uint64_t	*classes;	/* [nbins][nclasses] */
	uint64_t	 ymax;		/* top of the axis */
	uint64_t	 ystep;
};

/* The smallest 1, 2 or 5 times a power of ten that is >= V. */
static uint64_t
report_chart_nice(uint64_t v)
{
	uint64_t p = 1;

	for (;;) {
		if (v <= p)
			return p;
		if (v <= 2 * p)
			return 2 * p;
		if (v <= 5 * p)
			return 5 * p;
		p *= 10;
	}
}

/* What a bin of BIN_MS is called: "minute", "hour", "day" or "5m". */
static const char *
report_chart_unit(int64_t bin_ms, char *buf)
{
	if (bin_ms == SERIES_MINUTE_MS)
		return "minute";
	if (bin_ms == SERIES_HOUR_MS)
		return "hour";
	if (bin_ms == SERIES_DAY_MS)
		return "day";
	return series_step_name(bin_ms, buf);
}

static void
report_chart_init(struct report_chart *ch, const struct series_set *ss,
    int64_t step_ms, int64_t from_ms, int64_t to_ms)
{
	int64_t span, last_ms;
	uint64_t top = 0;
	size_t per;

	memset(ch, 0, sizeof(*ch));
	ch->ss = ss;
	ch->nclasses = ss->set->nfailure;
	ch->step_ms = step_ms;
	if (ss->nsteps == 0)
		return;
	ch->first_ms = ss->steps[0].start_ms;
	last_ms = ss->steps[ss->nsteps - 1].start_ms;
	if (from_ms != STAMP_NONE && series_floor(from_ms, step_ms) <
	    ch->first_ms)
		ch->first_ms = series_floor(from_ms, step_ms);
	if (to_ms != STAMP_NONE && to_ms > INT64_MIN + 1 &&
	    series_floor(to_ms - 1, step_ms) > last_ms)
		last_ms = series_floor(to_ms - 1, step_ms);
	span = (last_ms - ch->first_ms) / step_ms + 1;
	per = ((size_t)span + REPORT_CHART_MAX_BINS - 1) /
	    REPORT_CHART_MAX_BINS;
	ch->bin_ms = (int64_t)per * step_ms;
	ch->nbins = ((size_t)span + per - 1) / per;
	ch->successes = xcalloc(ch->nbins, sizeof(uint64_t));
	ch->damaged = xcalloc(ch->nbins, sizeof(uint64_t));
	ch->failures = xcalloc(ch->nbins, sizeof(uint64_t));
	ch->classes = xcalloc(ch->nbins * (ch->nclasses + 1), sizeof(uint64_t));
	for (size_t i = 0; i < ss->nsteps; i++) {
		const struct series_step *h = &ss->steps[i];
		size_t b = (size_t)((h->start_ms - ch->first_ms) / ch->bin_ms);

		ch->successes[b] += h->successes;
		ch->damaged[b] += h->damaged;
		ch->failures[b] += h->failures;
		for (size_t c = 0; c < ch->nclasses; c++)
			ch->classes[b * ch->nclasses + c] += h->classes[c];
	}
	for (size_t b = 0; b < ch->nbins; b++) {
		uint64_t v = ch->successes[b] + ch->failures[b] +
		    ch->damaged[b];

		if (v > top)
			top = v;
	}
	ch->ystep = report_chart_nice(top > 4 ? (top + 3) / 4 : 1);
	ch->ymax = (top + ch->ystep - 1) / ch->ystep * ch->ystep;
	if (ch->ymax == 0)
		ch->ymax = ch->ystep;
}

static void
report_chart_release(struct report_chart *ch)
{
	free(ch->successes);
	free(ch->damaged);
	free(ch->failures);
	free(ch->classes);
}

static double
report_chart_y(const struct report_chart *ch, uint64_t v)
{
	double ph = REPORT_CHART_H - REPORT_CHART_PAD_T - REPORT_CHART_PAD_B;

	return REPORT_CHART_PAD_T + ph - (double)v / (double)ch->ymax * ph;
}

/* One stacked segment of a bar, from count BASE to BASE + N. */
static void
report_chart_rect(FILE *fp, const struct report_chart *ch, double x,
    double w, uint64_t base, uint64_t n, const char *color)
{
	double y0, y1;

	if (n == 0)
		return;
	y0 = report_chart_y(ch, base);
	y1 = report_chart_y(ch, base + n);
	fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
	    "height=\"%.2f\" fill=\"%s\"/>", x, y1, w, y0 - y1 < 0.5 ? 0.5 :
	    y0 - y1, color);
}

static void
report_chart_tooltip(FILE *fp, const struct report_chart *ch, size_t b)
{
	const struct match_set *set = ch->ss->set;
	uint64_t f = ch->failures[b], s = ch->successes[b];
	char when[32], num[32], rate[16], unit[24];

	report_html_hour(ch->first_ms + (int64_t)b * ch->bin_ms, when);
	fprintf(fp, "<title>%s UTC", when);
	if (ch->bin_ms > ch->step_ms)
		fprintf(fp, " (+%s)", series_step_name(ch->bin_ms, unit));
	fprintf(fp, ": %s failures", report_html_num(f, num));
	for (size_t c = 0; c < ch->nclasses; c++)
		if (ch->classes[b * ch->nclasses + c] > 0) {
			fprintf(fp, ", ");
			report_html_escs(fp, set->failure[c].name);
			fprintf(fp, " %s", report_html_num(
			    ch->classes[b * ch->nclasses + c], num));
		}
	fprintf(fp, "; %s successes", report_html_num(s, num));
	if (ch->damaged[b] > 0)
		fprintf(fp, "; %s damaged", report_html_num(ch->damaged[b],
		    num));
	fprintf(fp, "; failure rate %s</title>", report_html_rate(f + s == 0 ?
	    -1.0 : (double)f / (double)(f + s), rate));
}

static void
report_chart_write(FILE *fp, const struct report_chart *ch)
{
	double pw = REPORT_CHART_W - REPORT_CHART_PAD_L - REPORT_CHART_PAD_R;
	double ph = REPORT_CHART_H - REPORT_CHART_PAD_T - REPORT_CHART_PAD_B;
	double bw = pw / (double)ch->nbins;
	double gap = bw > 4 ? bw * 0.18 : 0;
	size_t label_every = (ch->nbins + 9) / 10;
	bool is_open = false;
	char buf[32], unit[24], bin[24], first[STAMP_BUFLEN];

	/* data-*: where the axis starts and how many places it has, for
	 * those who read the page with a program. */
	stamp_format(ch->first_ms, first);
	fprintf(fp, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "data-first=\"%s\" data-bins=\"%zu\" data-bin=\"%s\" "
	    "aria-label=\"Failures by class and successes per %s, with the "
	    "failure rate\">\n", REPORT_CHART_W, REPORT_CHART_H, first,
	    ch->nbins, series_step_name(ch->bin_ms, bin),
	    report_chart_unit(ch->bin_ms, unit));

	/* Grid and the count axis (left). */
	for (uint64_t v = 0; v <= ch->ymax; v += ch->ystep) {
		double y = report_chart_y(ch, v);

		fprintf(fp, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
		    "y1=\"%.2f\" y2=\"%.2f\"/>", REPORT_CHART_PAD_L,
		    REPORT_CHART_W - REPORT_CHART_PAD_R, y, y);
		fprintf(fp, "<text class=\"axis\" x=\"%d\" y=\"%.2f\" "
		    "text-anchor=\"end\">%s</text>\n", REPORT_CHART_PAD_L - 8,
		    y + 4, report_html_num(v, buf));
	}
	/* The rate axis (right): 0, 25, 50, 75, 100%. */
	for (int pct = 0; pct <= 100; pct += 25) {
		double y = REPORT_CHART_PAD_T + ph - ph * pct / 100.0;

		fprintf(fp, "<text class=\"axis rate\" x=\"%d\" y=\"%.2f\">"
		    "%d%%</text>", REPORT_CHART_W - REPORT_CHART_PAD_R + 8,
		    y + 4, pct);
	}
	fprintf(fp, "\n<text class=\"axis-title\" transform=\"translate(14 "
	    "%.1f) rotate(-90)\" text-anchor=\"middle\">records per %s</text>"
	    "<text class=\"axis-title rate\" transform=\"translate(%d %.1f) "
	    "rotate(90)\" text-anchor=\"middle\">failure rate</text>\n",
	    REPORT_CHART_PAD_T + ph / 2, report_chart_unit(ch->bin_ms, unit), REPORT_CHART_W - 12, REPORT_CHART_PAD_T + ph / 2);

	/* Bars: successes at the bottom, then each class, then damaged. */
	for (size_t b = 0; b < ch->nbins; b++) {
		double x = REPORT_CHART_PAD_L + bw * (double)b + gap / 2;
		double w = bw - gap < 1 ? 1 : bw - gap;
		uint64_t base = 0;

		if (ch->successes[b] + ch->failures[b] + ch->damaged[b] == 0)
			continue;
		fprintf(fp, "<g class=\"bar\">");
		report_chart_tooltip(fp, ch, b);
		report_chart_rect(fp, ch, x, w, base, ch->successes[b],
		    REPORT_COLOR_SUCCESS);
		base += ch->successes[b];
		for (size_t c = 0; c < ch->nclasses; c++) {
			uint64_t n = ch->classes[b * ch->nclasses + c];

			report_chart_rect(fp, ch, x, w, base, n,
			    report_class_colors[c % REPORT_NCOLORS]);
			base += n;
		}
		report_chart_rect(fp, ch, x, w, base, ch->damaged[b],
		    REPORT_COLOR_DAMAGED);
		fprintf(fp, "</g>\n");
	}

	/* The failure rate, a line broken where a bin has no outcome. */
	fprintf(fp, "<path class=\"rate-line\" fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"2.25\" stroke-linejoin=\"round\" d=\"",
	    REPORT_COLOR_RATE);
	for (size_t b = 0; b < ch->nbins; b++) {
		uint64_t n = ch->failures[b] + ch->successes[b];
		double x = REPORT_CHART_PAD_L + bw * ((double)b + 0.5);

		if (n == 0) {
			is_open = false;
			continue;
		}
		fprintf(fp, "%s%.2f %.2f ", is_open ? "L" : "M", x,
		    REPORT_CHART_PAD_T + ph - ph * (double)ch->failures[b] /
		    (double)n);
		is_open = true;
	}
	fprintf(fp, "\"/>\n");
	for (size_t b = 0; b < ch->nbins && ch->nbins <= 96; b++) {
		uint64_t n = ch->failures[b] + ch->successes[b];

		if (n == 0)
			continue;
		fprintf(fp, "<circle class=\"rate-dot\" cx=\"%.2f\" cy=\"%.2f\" "
		    "r=\"3.5\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\"/>",
		    REPORT_CHART_PAD_L + bw * ((double)b + 0.5),
		    REPORT_CHART_PAD_T + ph - ph * (double)ch->failures[b] /
		    (double)n, REPORT_COLOR_RATE);
	}

	/* Time axis: the base line and up to ten labels, date over hour. */
	fprintf(fp, "\n<line class=\"base\" x1=\"%d\" x2=\"%d\" y1=\"%.2f\" "
	    "y2=\"%.2f\"/>\n", REPORT_CHART_PAD_L, REPORT_CHART_W -
	    REPORT_CHART_PAD_R, REPORT_CHART_PAD_T + ph, REPORT_CHART_PAD_T +
	    ph);
	for (size_t b = 0; b < ch->nbins; b += label_every) {
		double x = REPORT_CHART_PAD_L + bw * ((double)b + 0.5);

		report_html_hour(ch->first_ms + (int64_t)b * ch->bin_ms, buf);
		buf[10] = '\0';
		fprintf(fp, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\" "
		    "text-anchor=\"middle\"><tspan x=\"%.2f\">%s</tspan>"
		    "<tspan x=\"%.2f\" dy=\"15\">%s</tspan></text>\n", x,
		    REPORT_CHART_PAD_T + ph + 20, x, buf + 5, x, buf + 11);
	}
	fprintf(fp, "</svg>\n");
}

static void
report_chart_legend(FILE *fp, const struct report_chart *ch)
{
	const struct match_set *set = ch->ss->set;

	fprintf(fp, "<ul class=\"legend\"><li><i style=\"background:%s\">"
	    "</i>successes</li>", REPORT_COLOR_SUCCESS);
	for (size_t c = 0; c < ch->nclasses; c++) {
		fprintf(fp, "<li><i style=\"background:%s\"></i>",
		    report_class_colors[c % REPORT_NCOLORS]);
		report_html_escs(fp, set->failure[c].name);
		fprintf(fp, "</li>");
	}
	fprintf(fp, "<li><i style=\"background:%s\"></i>damaged</li>"
	    "<li><i class=\"line\" style=\"background:%s\"></i>failure rate "
	    "(right axis)</li></ul>\n", REPORT_COLOR_DAMAGED,
	    REPORT_COLOR_RATE);
}

void
report_html_chart(FILE *fp, const struct series_set *ss, int64_t step_ms,
    int64_t from_ms, int64_t to_ms)
{
	struct report_chart ch;
	char unit[24];

	report_chart_init(&ch, ss, step_ms, from_ms, to_ms);
	fprintf(fp, "<div class=\"panel\"><h3>Per %s (UTC)</h3>\n",
	    report_chart_unit(ch.bin_ms != 0 ? ch.bin_ms : step_ms, unit));
	if (ch.nbins == 0)
		fprintf(fp, "<p class=\"empty\">No records with a time stamp "
		    "to draw.</p>\n");
	else {
		report_chart_write(fp, &ch);
		report_chart_legend(fp, &ch);
	}
	fprintf(fp, "</div>\n");
	report_chart_release(&ch);
}
