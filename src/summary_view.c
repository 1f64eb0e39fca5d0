/*
 * summary_view: see summary_view.h.  The state keeps minutes; they are
 * read once into a minute series and regrouped into hours and the step.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_html.h"
#include "report_pm2.h"
#include "state_probe.h"
#include "summary.h"
#include "summary_view.h"
#include "xmalloc.h"

struct summary_view *
summary_view_load(struct state *st, struct match_set *const *sets,
    size_t nsets, int64_t since_ms, int64_t until_ms, int64_t step_ms,
    struct progress *progress)
{
	struct summary_view *v = xcalloc(1, sizeof(*v));
	struct series *minutes = series_new(sets, nsets, SERIES_MINUTE_MS);
	int rc;

	v->since_ms = since_ms;
	v->until_ms = until_ms;
	v->agg = aggregate_new(sets, nsets);
	rc = summary_load_series(st, v->agg, minutes, progress, since_ms,
	    until_ms);
	if (rc == 0)
		v->pm2 = summary_load_pm2(st, since_ms, until_ms, &rc);
	v->probes = report_probes_new();
	if (rc == 0)
		rc = state_probes(st, since_ms, until_ms, report_probes_add,
		    v->probes);
	if (rc != 0) {
		series_free(minutes);
		summary_view_free(v);
		return NULL;
	}
	v->hours = series_regroup(minutes, SERIES_HOUR_MS);
	v->steps = series_regroup(minutes, step_ms != 0 ? step_ms :
	    series_step_default(minutes, since_ms, until_ms));
	series_free(minutes);
	return v;
}

bool
summary_view_is_warned(const struct summary_view *v)
{
	return v->blind != NULL || v->config_changed != NULL ||
	    v->skewed != NULL || v->cannot_log != NULL;
}

json_t *
summary_view_json(const struct summary_view *v)
{
	json_t *root = report_json(v->agg, NULL);

	report_json_add_hours(root, v->hours);
	report_json_add_steps(root, v->steps);
	report_pm2_json_add(root, v->pm2);
	if (!report_probes_is_empty(v->probes))
		json_object_set_new(root, "probes",
		    report_probes_json(v->probes));
	if (summary_view_is_warned(v)) {
		json_t *o = json_object();

		json_object_set_new(o, "running", json_boolean(v->blind ==
		    NULL));
		if (v->blind != NULL)
			json_object_set_new(o, "message",
			    json_string(v->blind));
		if (v->config_changed != NULL)
			json_object_set_new(o, "config_changed",
			    json_string(v->config_changed));
		if (v->skewed != NULL)
			json_object_set_new(o, "stamps",
			    json_string(v->skewed));
		if (v->cannot_log != NULL)
			json_object_set_new(o, "pm2",
			    json_string(v->cannot_log));
		json_object_set_new(root, "watch", o);
	}
	return root;
}

void
summary_view_free(struct summary_view *v)
{
	if (v == NULL)
		return;
	aggregate_free(v->agg);
	series_free(v->hours);
	series_free(v->steps);
	pm2_apps_free(v->pm2);
	report_probes_free(v->probes);
	free(v->blind);
	free(v->config_changed);
	free(v->skewed);
	free(v->cannot_log);
	free(v);
}

void
summary_view_html(const struct summary_view *v, struct report_html *r)
{
	memset(r, 0, sizeof(*r));
	r->since_ms = v->since_ms;
	r->until_ms = v->until_ms;
	r->agg = v->agg;
	r->series = v->hours;
	r->steps = v->steps;
	r->pm2 = v->pm2;
	r->probes = v->probes;
	r->blind = v->blind;
	r->config_changed = v->config_changed;
	r->skewed = v->skewed;
	r->cannot_log = v->cannot_log;
}
