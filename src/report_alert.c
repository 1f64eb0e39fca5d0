/*
 * report_alert: see report_alert.h.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "plural.h"
#include "report_alert.h"
#include "report_html_part.h"
#include "stamp.h"
#include "xmalloc.h"

struct report_alert {
	const struct config_alert *rule;
	bool		 is_firing;	/* else pending */
	int64_t		 since_ms;	/* of the state */
	int64_t		 last_notified_ms;	/* 0: never */
	int64_t		 last_failure_ms;	/* 0: none seen */
	char		*sample;	/* redacted; or NULL */
	size_t		 sample_len;
};

struct report_alerts {
	const struct config *cfg;
	struct report_alert *alerts;	/* firing first, then by name */
	size_t		 n;
};

static void
report_alerts_add(void *ctx, const struct state_alert *a)
{
	struct report_alerts *ra = ctx;
	const struct config_alert *rule = NULL;
	struct report_alert *r;
	bool is_firing = strcmp(a->status, "firing") == 0;

	if (!is_firing && strcmp(a->status, "pending") != 0)
		return;
	for (size_t i = 0; i < ra->cfg->nalerts && rule == NULL; i++)
		if (strcmp(ra->cfg->alerts[i].name, a->name) == 0)
			rule = &ra->cfg->alerts[i];
	if (rule == NULL)
		return;
	ra->alerts = xreallocarray(ra->alerts, ra->n + 1, sizeof(*ra->alerts));
	r = &ra->alerts[ra->n++];
	memset(r, 0, sizeof(*r));
	r->rule = rule;
	r->is_firing = is_firing;
	r->since_ms = a->since_ms;
	r->last_notified_ms = a->last_notified_ms;
	r->last_failure_ms = a->last_failure_ms;
	if (a->sample != NULL && a->sample_len > 0) {
		r->sample = xmalloc(a->sample_len);
		memcpy(r->sample, a->sample, a->sample_len);
		r->sample_len = a->sample_len;
	}
}

/* Firing before pending; the state gives them by name. */
static int
report_alerts_cmp(const void *a, const void *b)
{
	const struct report_alert *x = a, *y = b;

	if (x->is_firing != y->is_firing)
		return x->is_firing ? -1 : 1;
	return strcmp(x->rule->name, y->rule->name);
}

struct report_alerts *
report_alerts_load(struct state *st, const struct config *cfg)
{
	struct report_alerts *ra = xcalloc(1, sizeof(*ra));

	ra->cfg = cfg;
	if (cfg->nalerts > 0 && state_alerts(st, report_alerts_add, ra) != 0) {
		report_alerts_free(ra);
		return NULL;
	}
	if (ra->n > 1)
		qsort(ra->alerts, ra->n, sizeof(*ra->alerts),
		    report_alerts_cmp);
	return ra;
}

/* What the rule watches, in the config's terms: "failure_rate 0.5 over
 * 5m of errors". */
static void
report_alert_condition(FILE *fp, const struct config_alert *c)
{
	char w[32];

	report_html_escs(fp, config_alert_kinds[c->kind]);
	if (c->kind != CONFIG_ALERT_NO_SUCCESS &&
	    c->kind != CONFIG_ALERT_APP_ERRORED &&
	    c->kind != CONFIG_ALERT_PROBE)
		fprintf(fp, " %g", c->threshold);
	if (c->kind != CONFIG_ALERT_APP_ERRORED &&
	    c->kind != CONFIG_ALERT_PROBE) {
		stamp_format_age(c->window_ms, w, sizeof(w));
		fprintf(fp, " over %s", w);
	}
	if (c->app != NULL) {
		fprintf(fp, ", app ");
		report_html_escs(fp, c->app);
	}
	if (c->probe != NULL) {
		fprintf(fp, ", probe ");
		report_html_escs(fp, c->probe);
	}
}

static void
report_alert_row(FILE *fp, const struct report_alert *r, int64_t now_ms)
{
	char t[STAMP_BUFLEN], age[32];

	fprintf(fp, "<tr><td class=\"name\">");
	report_html_escs(fp, r->rule->name);
	fprintf(fp, "</td><td><span class=\"pill %s\">%s</span></td><td>",
	    r->is_firing ? "bad" : "warn", r->is_firing ? "firing" :
	    "pending");
	report_html_escs(fp, r->rule->pattern_set != NULL ?
	    r->rule->pattern_set : "");
	fprintf(fp, "</td><td>");
	report_alert_condition(fp, r->rule);
	stamp_format(r->since_ms / 1000 * 1000, t);
	stamp_format_age(now_ms - r->since_ms, age, sizeof(age));
	fprintf(fp, "</td><td>%s</td><td class=\"n\">%s</td><td>", t, age);
	if (r->last_failure_ms > 0) {
		stamp_format(r->last_failure_ms / 1000 * 1000, t);
		fprintf(fp, "%s", t);
	}
	fprintf(fp, "</td></tr>\n");
}

void
report_alerts_html(const struct report_alerts *ra, int64_t now_ms, FILE *fp)
{
	size_t nfiring = 0;

	if (ra == NULL || ra->cfg->nalerts == 0)
		return;
	for (size_t i = 0; i < ra->n; i++)
		nfiring += ra->alerts[i].is_firing;
	fprintf(fp, "<section class=\"set\" id=\"alerts\"><h2>Alerts<small>"
	    "%zu firing, %zu pending, of %zu %s</small></h2>\n"
	    "<div class=\"panel\">\n", nfiring, ra->n - nfiring,
	    ra->cfg->nalerts, plural(ra->cfg->nalerts, "rule", "rules"));
	if (ra->n == 0)
		fprintf(fp, "<p class=\"empty\">No alert rule is firing or "
		    "pending.</p>\n");
	else {
		fprintf(fp, "<table><tr><th>rule</th><th>state</th>"
		    "<th>pattern set</th><th>condition</th><th>since (UTC)"
		    "</th><th class=\"n\">for</th><th>last failure (UTC)</th>"
		    "</tr>\n");
		for (size_t i = 0; i < ra->n; i++)
			report_alert_row(fp, &ra->alerts[i], now_ms);
		fprintf(fp, "</table>\n");
	}
	for (size_t i = 0; i < ra->n; i++) {
		const struct report_alert *r = &ra->alerts[i];

		if (!r->is_firing || r->sample == NULL)
			continue;
		fprintf(fp, "<div class=\"sample\"><div class=\"head\"><b>");
		report_html_escs(fp, r->rule->name);
		fprintf(fp, "</b><span class=\"where\">its latest failure, "
		    "redacted</span></div><pre>");
		report_html_esc(fp, r->sample, r->sample_len);
		fprintf(fp, "</pre></div>\n");
	}
	fprintf(fp, "</div></section>\n");
}

void
report_alerts_free(struct report_alerts *ra)
{
	if (ra == NULL)
		return;
	for (size_t i = 0; i < ra->n; i++)
		free(ra->alerts[i].sample);
	free(ra->alerts);
	free(ra);
}
