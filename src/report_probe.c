/*
 * report_probe: see report_probe.h.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "plural.h"
#include "probe.h"
#include "utf8_json.h"
#include "report_html_part.h"
#include "report_probe.h"
#include "stamp.h"
#include "xmalloc.h"

struct report_probe_change {
	int64_t		 at_ms;
	int		 verdict;
	long		 status;
	char		*evidence;
};

struct report_probe {
	char		*name;
	char		*url;
	int64_t		 first_ms;
	struct report_probe_change last;	/* the latest result */
	uint64_t	 counts[PROBE_NVERDICTS];
	struct report_probe_change changes[REPORT_PROBE_CHANGES_MAX];
	size_t		 nchanges;
	uint64_t	 dropped;	/* changes older than those kept */
};

struct report_probes {
	struct report_probe *probes;
	size_t		 n;
};

struct report_probes *
report_probes_new(void)
{
	return xcalloc(1, sizeof(struct report_probes));
}

void
report_probes_add(void *ctx, const struct state_probe *sp)
{
	struct report_probes *rp = ctx;
	struct report_probe *p = rp->n > 0 ? &rp->probes[rp->n - 1] : NULL;
	int v = probe_verdict_parse(sp->verdict);

	if (v < 0)
		return;
	if (p == NULL || strcmp(p->name, sp->name) != 0) {
		rp->probes = xreallocarray(rp->probes, rp->n + 1,
		    sizeof(*rp->probes));
		p = &rp->probes[rp->n++];
		memset(p, 0, sizeof(*p));
		p->name = xstrdup(sp->name);
		p->first_ms = sp->at_ms;
		p->last.verdict = -1;
	}
	p->counts[v]++;
	if (v != p->last.verdict) {
		struct report_probe_change *c;

		if (p->nchanges == REPORT_PROBE_CHANGES_MAX) {
			free(p->changes[0].evidence);
			memmove(&p->changes[0], &p->changes[1],
			    (p->nchanges - 1) * sizeof(p->changes[0]));
			p->nchanges--;
			p->dropped++;
		}
		c = &p->changes[p->nchanges++];
		c->at_ms = sp->at_ms;
		c->verdict = v;
		c->status = sp->status;
		c->evidence = xstrdup(sp->evidence);
	}
	free(p->last.evidence);
	free(p->url);
	p->url = xstrdup(sp->url);
	p->last.at_ms = sp->at_ms;
	p->last.verdict = v;
	p->last.status = sp->status;
	p->last.evidence = xstrdup(sp->evidence);
}

bool
report_probes_is_empty(const struct report_probes *rp)
{
	return rp == NULL || rp->n == 0;
}

static uint64_t
report_probe_total(const struct report_probe *p)
{
	uint64_t n = 0;

	for (int v = 0; v < PROBE_NVERDICTS; v++)
		n += p->counts[v];
	return n;
}

void
report_probes_text(const struct report_probes *rp, FILE *fp)
{
	char t[STAMP_BUFLEN];

	if (report_probes_is_empty(rp))
		return;
	fprintf(fp, "\nprobes:\n");
	for (size_t i = 0; i < rp->n; i++) {
		const struct report_probe *p = &rp->probes[i];

		stamp_format(p->last.at_ms, t);
		fprintf(fp, "  %s: %s at %s (%llu %s:", p->name,
		    probe_verdict_name(p->last.verdict), t,
		    (unsigned long long)report_probe_total(p),
		    plural(report_probe_total(p), "result", "results"));
		for (int v = 0; v < PROBE_NVERDICTS; v++)
			if (p->counts[v] > 0)
				fprintf(fp, " %s %llu", probe_verdict_name(v),
				    (unsigned long long)p->counts[v]);
		fprintf(fp, ")\n    url: %s\n    %s\n", p->url,
		    p->last.evidence);
		if (p->nchanges > 1 || p->dropped > 0) {
			fprintf(fp, "    changes:%s", p->dropped > 0 ?
			    " ..." : "");
			for (size_t j = 0; j < p->nchanges; j++) {
				stamp_format(p->changes[j].at_ms, t);
				fprintf(fp, "%s %s %s", j > 0 || p->dropped ?
				    "," : "", t,
				    probe_verdict_name(p->changes[j].verdict));
			}
			fprintf(fp, "\n");
		}
	}
}

static json_t *
report_probe_time(int64_t ms)
{
	char t[STAMP_BUFLEN];

	stamp_format(ms, t);
	return json_string(t);
}

json_t *
report_probes_json(const struct report_probes *rp)
{
	json_t *list = json_array();

	for (size_t i = 0; rp != NULL && i < rp->n; i++) {
		const struct report_probe *p = &rp->probes[i];
		json_t *o = json_object(), *counts = json_object();
		json_t *changes = json_array();

		json_object_set_new(o, "name", utf8_json_string(p->name,
		    strlen(p->name)));
		json_object_set_new(o, "url", utf8_json_string(p->url,
		    strlen(p->url)));
		json_object_set_new(o, "verdict",
		    json_string(probe_verdict_name(p->last.verdict)));
		json_object_set_new(o, "status", p->last.status != 0 ?
		    json_integer(p->last.status) : json_null());
		json_object_set_new(o, "evidence", utf8_json_string(
		    p->last.evidence, strlen(p->last.evidence)));
		json_object_set_new(o, "at", report_probe_time(p->last.at_ms));
		json_object_set_new(o, "first", report_probe_time(p->first_ms));
		for (int v = 0; v < PROBE_NVERDICTS; v++)
			json_object_set_new(counts, probe_verdict_name(v),
			    json_integer((json_int_t)p->counts[v]));
		json_object_set_new(o, "counts", counts);
		for (size_t j = 0; j < p->nchanges; j++) {
			const struct report_probe_change *c = &p->changes[j];
			json_t *co = json_object();

			json_object_set_new(co, "at", report_probe_time(
			    c->at_ms));
			json_object_set_new(co, "verdict", json_string(
			    probe_verdict_name(c->verdict)));
			json_object_set_new(co, "status", c->status != 0 ?
			    json_integer(c->status) : json_null());
			json_object_set_new(co, "evidence", utf8_json_string(
			    c->evidence, strlen(c->evidence)));
			json_array_append_new(changes, co);
		}
		json_object_set_new(o, "changes", changes);
		json_object_set_new(o, "changes_dropped",
		    json_integer((json_int_t)p->dropped));
		json_array_append_new(list, o);
	}
	return list;
}

void
report_probes_html(const struct report_probes *rp, FILE *fp)
{
	char t[STAMP_BUFLEN];

	if (report_probes_is_empty(rp))
		return;
	fprintf(fp, "<section class=\"set\" id=\"probes\"><h2>Probes</h2>\n");
	for (size_t i = 0; i < rp->n; i++) {
		const struct report_probe *p = &rp->probes[i];

		stamp_format(p->last.at_ms, t);
		fprintf(fp, "<div class=\"panel\"><h3>");
		report_html_escs(fp, p->name);
		fprintf(fp, ": <span class=\"verdict-%s\">%s</span></h3>\n"
		    "<p class=\"meta\">", probe_verdict_name(p->last.verdict),
		    probe_verdict_name(p->last.verdict));
		report_html_escs(fp, p->url);
		fprintf(fp, " &middot; latest %s &middot; %llu %s", t,
		    (unsigned long long)report_probe_total(p),
		    plural(report_probe_total(p), "result", "results"));
		for (int v = 0; v < PROBE_NVERDICTS; v++)
			if (p->counts[v] > 0)
				fprintf(fp, ", %s %llu", probe_verdict_name(v),
				    (unsigned long long)p->counts[v]);
		fprintf(fp, "</p>\n<p>");
		report_html_escs(fp, p->last.evidence);
		fprintf(fp, "</p>\n<table><tr><th>since (UTC)</th><th>verdict"
		    "</th><th class=\"n\">status</th><th>evidence</th></tr>\n");
		for (size_t j = 0; j < p->nchanges; j++) {
			const struct report_probe_change *c = &p->changes[j];

			stamp_format(c->at_ms, t);
			fprintf(fp, "<tr><td>%s</td><td>%s</td><td class=\"n\">"
			    "%ld</td><td>", t, probe_verdict_name(c->verdict),
			    c->status);
			report_html_escs(fp, c->evidence);
			fprintf(fp, "</td></tr>\n");
		}
		fprintf(fp, "</table>%s</div>\n", p->dropped > 0 ?
		    "<p class=\"meta\">Older changes are left out.</p>" : "");
	}
	fprintf(fp, "</section>\n");
}

void
report_probes_free(struct report_probes *rp)
{
	if (rp == NULL)
		return;
	for (size_t i = 0; i < rp->n; i++) {
		struct report_probe *p = &rp->probes[i];

		free(p->name);
		free(p->url);
		free(p->last.evidence);
		for (size_t j = 0; j < p->nchanges; j++)
			free(p->changes[j].evidence);
	}
	free(rp->probes);
	free(rp);
}
