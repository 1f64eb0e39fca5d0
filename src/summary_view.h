/*
 * summary_view: one range of the state read for a report, as `omniwatch
 * summary` prints it and as watch's /api/summary serves it: the counts,
 * the hours, the steps and what PM2's own log said.  Both call
 * summary_view_load and summary_view_json, so that the API is the same
 * document as summary --json for the same range and step.
 */
#ifndef OMNIWATCH_SUMMARY_VIEW_H
#define OMNIWATCH_SUMMARY_VIEW_H

#include <stdint.h>

#include <jansson.h>

#include "aggregate.h"
#include "pm2_apps.h"
#include "progress.h"
#include "report_probe.h"
#include "series.h"
#include "state.h"

struct summary_view {
	int64_t		 since_ms;	/* the range asked for, or STAMP_NONE */
	int64_t		 until_ms;
	struct aggregate *agg;
	struct series	*hours;		/* JSON's "hours" */
	struct series	*steps;		/* at the step asked for, or the
					 * default (series_step_default) */
	struct pm2_apps	*pm2;		/* or NULL */
	struct report_probes *probes;	/* the probes' results in range */
	char		*blind;		/* malloc'd: watch is down or hangs, so
					 * the counts stop at its last commit
					 * (service_watch_status); or NULL */
	char		*config_changed;	/* malloc'd: watch counts with
					 * another config than the one given
					 * (summary_config_changed); or NULL */
	char		*skewed;	/* malloc'd: PM2 stamps in another
					 * zone, so the counts sit hours off
					 * (watch_check_skewed_logs); or NULL */
	char		*cannot_log;	/* malloc'd: PM2 cannot log now, so
					 * there is nothing to count
					 * (watch_check_cannot_log); or NULL */
};

/* Does V hold a word on what its counts cannot show (blind,
 * config_changed, skewed, cannot_log)? */
bool summary_view_is_warned(const struct summary_view *v);

/*
 * Reads the buckets of ST in [SINCE_MS, UNTIL_MS) (STAMP_NONE: open) for
 * SETS (which must outlive the view) at STEP_MS (0: the default for the
 * range), counting buckets in PROGRESS (or NULL).  Returns a new view
 * (free with summary_view_free), or NULL when the state could not be read
 * (logged, naming the file).
 */
struct summary_view *summary_view_load(struct state *st,
    struct match_set *const *sets, size_t nsets, int64_t since_ms,
    int64_t until_ms, int64_t step_ms, struct progress *progress);

/* The document summary --json prints for V.  The caller owns it.  With
 * V->blind, "watch": {"running": false, "message": V->blind}; with
 * V->config_changed, "watch": {..., "config_changed": it}; with V->skewed,
 * "watch": {..., "stamps": it}; with V->cannot_log, "watch": {..., "pm2":
 * it}. */
json_t *summary_view_json(const struct summary_view *v);

/* Accepts NULL. */
void summary_view_free(struct summary_view *v);

struct report_html;

/*
 * Fills the HTML report R (zeroed first) with V's range and parts: the
 * counts, the hours, the steps, PM2's apps and the probes, which R
 * borrows (V must outlive report_html_write).  The caller names the
 * command, the source and the time (now_ms), and what else its page has.
 */
void summary_view_html(const struct summary_view *v, struct report_html *r);

#endif
