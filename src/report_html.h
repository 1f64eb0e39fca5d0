/*
 * report_html: a report as one self-contained HTML file, for people who
 * open it in a browser or get it from a timer (contrib/systemd): totals,
 * the failure rate, an inline SVG chart per hour (failures by class and
 * successes as stacked bars, the failure rate as a line), the worst hours,
 * the apps, and the latest sample of each failure class with its
 * diagnosis.  No script, font, image or style sheet is loaded from
 * anywhere: the file shows the same offline, in a mail, or years later.
 *
 * Every string from a log or a file name is made valid UTF-8 and escaped
 * for HTML; samples are redacted first (redact.h: values of keys named
 * like secret, token, key, password or auth, and Bearer tokens, become
 * [REDACTED]).
 */
#ifndef OMNIWATCH_REPORT_HTML_H
#define OMNIWATCH_REPORT_HTML_H

#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "pipeline.h"
#include "pm2_apps.h"
#include "scan.h"
#include "series.h"

#define REPORT_HTML_SAMPLE_KEEP	(64 * 1024)	/* bytes kept per sample */
#define REPORT_HTML_SAMPLE_SHOW	4096		/* bytes shown, redacted */

/* The latest record of each failure class (and of damaged) per set. */
struct report_html_samples;

/* SETS must outlive the samples. */
struct report_html_samples *report_html_samples_new(
    struct match_set *const *sets, size_t nsets);

/*
 * Keeps O's record (its first REPORT_HTML_SAMPLE_KEEP bytes) when it is a
 * failure or damaged and no later one of its class was kept: "latest" is
 * by stamp, else by arrival.  PATH names the file it came from.
 */
void report_html_samples_note(struct report_html_samples *rs,
    const char *path, const struct pipeline_outcome *o);

/* Accepts NULL. */
void report_html_samples_free(struct report_html_samples *rs);

struct report_probes;
struct report_alerts;

struct report_html {
	const char	*command;	/* "scan" or "summary" */
	const char	*source;	/* "read PATHS", "state of CONFIG"; or NULL */
	int64_t		 since_ms;	/* the range asked for, or STAMP_NONE */
	int64_t		 until_ms;
	int64_t		 now_ms;	/* when the report was made */
	const struct aggregate *agg;
	const struct series *series;	/* hours, same sets as agg */
	const struct series *steps;	/* the chart's; NULL: series */
	const struct scan *scan;	/* files and errors, or NULL */
	const struct report_html_samples *samples;	/* or NULL */
	const struct pm2_apps *pm2;	/* PM2's daemon log said; or NULL */
	const struct report_probes *probes;	/* report_probe.h, or NULL */
	const struct report_alerts *alerts;	/* report_alert.h, or NULL */
	int		 refresh_s;	/* > 0: the page reloads itself */
	const char	*blind;		/* why the report may not be whole
					 * (summary: watch is down); or NULL */
	const char	*config_changed;	/* summary: watch counts with
					 * another config; or NULL */
	const char	*skewed;	/* summary: PM2 stamps in another
					   zone (watch_check_skewed_logs) */
	const char	*cannot_log;	/* summary: PM2 cannot log now
					   (watch_check_cannot_log) */
};

/* Writes the document to FP.  Returns 0, or -1 when FP has an error. */
int report_html_write(const struct report_html *r, FILE *fp);

#endif
