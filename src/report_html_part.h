/*
 * report_html_part: what the parts of the HTML report (report_html.c,
 * report_html_apps.c, report_probe.c) and the backtest's page
 * (report_backtest.c) share: the small writers and the sections that live
 * in their own files.  Every string from a log or a file name goes through
 * report_html_esc(), which makes it valid UTF-8 and escapes it.
 */
#ifndef OMNIWATCH_REPORT_HTML_PART_H
#define OMNIWATCH_REPORT_HTML_PART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "pm2_apps.h"

/* The failure classes' colours, by class index modulo REPORT_NCOLORS, and
 * the damaged records' colour: the chart and the tables agree. */
#define REPORT_NCOLORS		8
extern const char *const report_class_colors[REPORT_NCOLORS];
#define REPORT_COLOR_DAMAGED	"#a9b1ba"

/* The pages' style sheet (report_html.c), shared by report_backtest.c. */
extern const char report_html_style[];

/* (P, LEN) as HTML text or attribute value: valid UTF-8, escaped. */
void report_html_esc(FILE *fp, const char *p, size_t len);

/* The NUL-terminated S, as report_html_esc. */
void report_html_escs(FILE *fp, const char *s);

/* N with thousands separators ("12,345") into BUF (32 bytes); BUF. */
const char *report_html_num(uint64_t n, char *buf);

/* "83.3%", "n/a" into BUF (16 bytes); BUF. */
const char *report_html_rate(double rate, char *buf);

/* CSS class for a failure rate: how worried to look (static string). */
const char *report_html_rate_class(double rate);

/*
 * The Apps panel of one pattern set: a row per app, and under a cluster
 * app a row per instance ("app #N"), each with its own failure rate, so
 * that the failing instance of three stands out.
 */
void report_html_apps(FILE *fp, const struct aggregate_set *as);

/*
 * The PM2 section: per app (and per instance of a cluster app) its state
 * and what PM2's daemon log counted; A may be NULL (nothing written).
 */
void report_html_pm2(FILE *fp, const struct pm2_apps *a);

/* The hour of MS (ms since the epoch) as "2026-11-29 10:00" UTC into BUF
 * (32 bytes); BUF. */
const char *report_html_hour(int64_t ms, char *buf);

struct series_set;

/*
 * The "Per minute (UTC)" panel of one pattern set's steps SS, of STEP_MS
 * each (chart, legend).  The time axis spans [FROM_MS, TO_MS) (ms since
 * the epoch; STAMP_NONE: from the first step, to the end of the last),
 * widened to every step of SS; a step without records is an empty place.
 */
void report_html_chart(FILE *fp, const struct series_set *ss,
    int64_t step_ms, int64_t from_ms, int64_t to_ms);

#endif
