/*
 * dashboard: see dashboard.h.  Pages are made whole in memory (an
 * open_memstream) and handed to libmicrohttpd, which frees them.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dashboard.h"
#include "log.h"
#include "report.h"
#include "report_alert.h"
#include "report_html.h"
#include "series.h"
#include "stamp.h"
#include "state.h"
#include "summary_view.h"
#include "watch.h"
#include "xmalloc.h"

#define DASHBOARD_HTML_TYPE	"text/html; charset=utf-8"
#define DASHBOARD_JSON_TYPE	"application/json"

/* The query of /api/summary, checked. */
struct dashboard_range {
	int64_t		 since_ms;
	int64_t		 until_ms;
	int64_t		 step_ms;	/* 0: the default */
};

/*
 * Reads Q into *R as summary reads its options.  Returns 0, or -1 with
 * *MSG (malloc'd) naming the parameter and what was expected.
 */
static int
dashboard_range_parse(const struct metrics_query *q, size_t nq, time_t now,
    struct dashboard_range *r, char **msg)
{
	const char *why;

	r->since_ms = STAMP_NONE;
	r->until_ms = STAMP_NONE;
	r->step_ms = 0;
	for (size_t i = 0; i < nq; i++) {
		const char *v = q[i].value;
		bool is_since = strcmp(q[i].name, "since") == 0;

		for (size_t j = 0; j < i; j++)
			if (strcmp(q[j].name, q[i].name) == 0) {
				*msg = xasprintf("bad request: %.40s: given "
				    "twice\n", q[i].name);
				return -1;
			}

		if (*v == '\0' && (is_since || strcmp(q[i].name, "until") == 0 ||
		    strcmp(q[i].name, "step") == 0))
			continue;	/* given empty: not given */
		if (is_since || strcmp(q[i].name, "until") == 0) {
			if (stamp_parse_arg(v, now, is_since ? &r->since_ms :
			    &r->until_ms) != 0) {
				*msg = xasprintf("bad request: %s: expected a "
				    "date (2026-11-29, 2026-11-29T10:00:00Z) or "
				    "a duration before now (90s, 15m, 24h, "
				    "7d)\n", q[i].name);
				return -1;
			}
		} else if (strcmp(q[i].name, "step") == 0) {
			if (series_step_parse(v, &r->step_ms, &why) != 0) {
				*msg = xasprintf("bad request: step: %s\n", why);
				return -1;
			}
		} else {
			*msg = xstrdup("bad request: unknown parameter; "
			    "expected since, until and step\n");
			return -1;
		}
	}
	if (r->since_ms != STAMP_NONE && r->until_ms != STAMP_NONE &&
	    r->since_ms >= r->until_ms) {
		*msg = xstrdup("bad request: since must be before until\n");
		return -1;
	}
	return 0;
}

/*
 * The view of R from a read-only handle on W's state, and with ALERTS
 * non-NULL the alert rules' states (*ALERTS set, report_alert.h) from the
 * same handle.  Returns the view, or NULL (logged).
 */
static struct summary_view *
dashboard_view(struct watch *w, const struct dashboard_range *r,
    struct report_alerts **alerts)
{
	struct summary_view *v;
	struct state *st;
	char *err;

	st = state_open(w->cfg->state_dir, true, &err);
	if (st == NULL) {
		log_warnx("dashboard: %s", err);
		free(err);
		return NULL;
	}
	v = summary_view_load(st, w->sets, w->nsets, r->since_ms, r->until_ms,
	    r->step_ms, NULL);
	if (v != NULL && alerts != NULL) {
		*alerts = report_alerts_load(st, w->cfg);
		if (*alerts == NULL) {
			summary_view_free(v);
			v = NULL;
		}
	}
	state_close(st);
	return v;
}

int
dashboard_page(void *ctx, const char *path, const struct metrics_query *q,
    size_t nq, char **body, size_t *len, const char **type)
{
	struct watch *w = ctx;
	struct dashboard_range r;
	struct summary_view *v;
	struct report_alerts *alerts = NULL;
	struct report_html html;
	time_t now = time(NULL);
	json_t *doc;
	FILE *fp;
	int rc;

	if (strcmp(path, "/api/summary") == 0) {
		if (dashboard_range_parse(q, nq, now, &r, body) != 0)
			return 400;
	} else if (strcmp(path, "/") == 0) {
		if (nq > 0) {
			*body = xstrdup("bad request: / takes no parameters; "
			    "see /api/summary\n");
			return 400;
		}
		/* Whole minutes, the current one last: the chart spans the
		 * range, one place a minute, empty minutes empty. */
		r.since_ms = series_floor((int64_t)now * 1000,
		    SERIES_MINUTE_MS) - DASHBOARD_RANGE_MS + SERIES_MINUTE_MS;
		r.until_ms = STAMP_NONE;
		r.step_ms = SERIES_MINUTE_MS;
	} else
		return 404;
	v = dashboard_view(w, &r, strcmp(path, "/") == 0 ? &alerts : NULL);
	if (v == NULL) {
		*body = xstrdup("the state cannot be read now; see watch's "
		    "log\n");
		return 503;
	}
	fp = open_memstream(body, len);
	if (fp == NULL)
		abort();	/* only out of memory */
	if (strcmp(path, "/") == 0) {
		summary_view_html(v, &html);
		/* The chart ends with the current minute, whether or not it
		 * holds a record yet (the view itself stays open-ended). */
		html.until_ms = series_floor((int64_t)now * 1000,
		    SERIES_MINUTE_MS) + SERIES_MINUTE_MS;
		html.command = "watch";
		html.source = "the state of this watch, refreshed every minute";
		html.now_ms = (int64_t)now * 1000;
		html.alerts = alerts;
		html.refresh_s = DASHBOARD_REFRESH_S;
		rc = report_html_write(&html, fp);
		*type = DASHBOARD_HTML_TYPE;
	} else {
		doc = summary_view_json(v);
		rc = report_json_dump(doc, fp);
		json_decref(doc);
		*type = DASHBOARD_JSON_TYPE;
	}
	fclose(fp);
	summary_view_free(v);
	report_alerts_free(alerts);
	if (rc != 0) {
		free(*body);
		*body = xstrdup("the page could not be made\n");
		return 500;
	}
	return 200;
}
