/*
 * report_html_apps: the Apps panel of the HTML report and its PM2 section
 * (report_html_part.h).
 */
#include "autoconf.h"

#include <stdio.h>

#include "stamp.h"

#include "report_html_part.h"

/*
 * A row's first cell, left open: app NAME, or its INSTANCE (>= 0)
 * indented under it.
 */
static void
report_html_name_cell(FILE *fp, const char *name, int instance)
{
	if (instance < 0) {
		fprintf(fp, "<tr><td>");
		report_html_escs(fp, name);
	} else {
		fprintf(fp, "<tr class=\"instance\"><td>&#8195;");
		report_html_escs(fp, name);
		fprintf(fp, " #%d", instance);
	}
}

/* One row: LABEL's counts T; an instance row is indented under its app. */
static void
report_html_app_row(FILE *fp, const char *label, int instance,
    const struct aggregate_counts *t)
{
	char a[32], b[32], c[32], r[16];
	double rate = aggregate_failure_rate(t);

	report_html_name_cell(fp, label, instance);
	fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
	    "<td class=\"n\">%s</td><td class=\"n\"><span class=\"pill "
	    "%s\">%s</span></td></tr>\n", report_html_num(t->failures, a),
	    report_html_num(t->successes, b), report_html_num(t->damaged, c),
	    report_html_rate_class(rate), report_html_rate(rate, r));
}

void
report_html_apps(FILE *fp, const struct aggregate_set *as)
{
	fprintf(fp, "<div class=\"panel\"><h3>Apps</h3>\n");
	if (as->napps == 0) {
		fprintf(fp, "<p class=\"empty\">No records counted.</p></div>\n");
		return;
	}
	fprintf(fp, "<table><tr><th>app</th><th class=\"n\">failures</th>"
	    "<th class=\"n\">successes</th><th class=\"n\">damaged</th>"
	    "<th class=\"n\">failure rate</th></tr>\n");
	for (size_t i = 0; i < as->napps; i++) {
		const struct aggregate_app *app = &as->apps[i];

		report_html_app_row(fp, app->name, -1, &app->counts);
		for (size_t k = 0; k < app->ninstances; k++)
			report_html_app_row(fp, app->name,
			    app->instances[k].id, &app->instances[k].counts);
	}
	fprintf(fp, "</table></div>\n");
}

/* How worried a state looks: the CSS class of its pill. */
static const char *
report_html_pm2_class(enum pm2_state s)
{
	switch (s) {
	case PM2_STATE_ONLINE:
		return "good";
	case PM2_STATE_ERRORED:
		return "bad";
	case PM2_STATE_UNKNOWN:
		return "none";
	default:
		return "warn";
	}
}

static void
report_html_pm2_row(FILE *fp, const char *name, int instance,
    const uint64_t *counts, enum pm2_state state, int64_t since_ms)
{
	char n[PM2_EVENT_N][32], t[STAMP_BUFLEN];

	report_html_name_cell(fp, name, instance);
	fprintf(fp, "</td><td><span class=\"pill %s\"", report_html_pm2_class(
	    state));
	if (since_ms != STAMP_NONE) {
		stamp_format(since_ms, t);
		fprintf(fp, " title=\"since %s\"", t);
	}
	fprintf(fp, ">%s</span></td>", state == PM2_STATE_UNKNOWN ? "unknown" :
	    pm2_state_name(state));
	for (int e = 0; e < PM2_EVENT_N; e++)
		fprintf(fp, "<td class=\"n\">%s</td>",
		    report_html_num(counts[e], n[e]));
	fprintf(fp, "</tr>\n");
}

void
report_html_pm2(FILE *fp, const struct pm2_apps *a)
{
	if (a == NULL)
		return;
	fprintf(fp, "<section class=\"set\"><h2>PM2</h2><div class=\"panel\">"
	    "<h3>What the daemon's log says</h3>\n");
	if (a->napps == 0) {
		fprintf(fp, "<p class=\"empty\">No app started, stopped or "
		    "exited.</p></div></section>\n");
		return;
	}
	fprintf(fp, "<table><tr><th>app</th><th>state</th>"
	    "<th class=\"n\">restarts</th><th class=\"n\">unplanned exits</th>"
	    "<th class=\"n\">planned stops</th><th class=\"n\">errored</th>"
	    "</tr>\n");
	for (size_t i = 0; i < a->napps; i++) {
		const struct pm2_apps_app *app = &a->apps[i];
		enum pm2_state st;
		int64_t since;

		st = pm2_apps_app_state(app, &since);
		report_html_pm2_row(fp, app->name, -1, app->counts, st, since);
		if (!pm2_apps_shows_instances(app))
			continue;
		for (size_t k = 0; k < app->ninstances; k++) {
			const struct pm2_apps_instance *in = &app->instances[k];

			report_html_pm2_row(fp, app->name, in->id, in->counts,
			    in->state, in->since_ms);
		}
	}
	fprintf(fp, "</table></div></section>\n");
}
