/*
 * report_html_apps: the Apps panel of the HTML report (report_html_part.h).
 */
#include "autoconf.h"

#include <stdio.h>

#include "report_html_part.h"

/* One row: LABEL's counts T; an instance row is indented under its app. */
static void
report_html_app_row(FILE *fp, const char *label, int instance,
    const struct aggregate_counts *t)
{
	char a[32], b[32], c[32], r[16];
	double rate = aggregate_failure_rate(t);

	if (instance < 0) {
		fprintf(fp, "<tr><td>");
		report_html_escs(fp, label);
	} else {
		fprintf(fp, "<tr class=\"instance\"><td>&#8195;");
		report_html_escs(fp, label);
		fprintf(fp, " #%d", instance);
	}
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
