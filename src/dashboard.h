/*
 * dashboard: what watch's listener serves beside /metrics (metrics.h):
 *
 *   GET /                  the HTML report (report_html.h) of the last
 *                          DASHBOARD_RANGE_MS at a minute's step, under
 *                          the alert rules that fire or are pending
 *                          (report_alert.h), reloading itself every
 *                          DASHBOARD_REFRESH_S seconds;
 *   GET /api/summary       the document `omniwatch summary --json` prints,
 *                          for since=, until= and step= as summary's
 *                          --since, --until and --step take them (empty:
 *                          not given).
 *
 * Both read the committed state through a read-only handle of their own,
 * as summary does, so that the API is summary --json for the same range
 * and step (summary_view.h), never watch's uncommitted counts.
 */
#ifndef OMNIWATCH_DASHBOARD_H
#define OMNIWATCH_DASHBOARD_H

#include <stddef.h>

#include "metrics.h"

#define DASHBOARD_RANGE_MS	(6 * 3600 * 1000LL)
#define DASHBOARD_REFRESH_S	60

struct watch;

/* The metrics_cb page callback; CTX is the struct watch. */
int dashboard_page(void *ctx, const char *path, const struct metrics_query *q,
    size_t nq, char **body, size_t *len, const char **type);

#endif
