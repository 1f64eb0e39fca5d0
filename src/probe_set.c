/*
 * probe_set: see probe_set.h.  One entry per configured probe: its
 * struct probe, its pattern set, when it runs next, and the result that
 * stands (the probe's last, else the one restored from the state).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "probe_set.h"
#include "probe_url_file.h"
#include "state_probe.h"
#include "xmalloc.h"

struct probe_entry {
	struct probe_set *ps;
	const struct config_probe *cfg;
	const char	*set_name;
	struct probe	*p;
	int64_t		 next_ms;	/* due; INT64_MAX while running */
	struct probe_result restored;	/* from the state, until a run */
	bool		 has_restored;
	int		 last_verdict;	/* logged; -1: none yet */
};

struct probe_set {
	struct probe_entry *entries;
	size_t		 n;
	struct state	*st;
};

/* The result that stands for E, or NULL. */
static const struct probe_result *
probe_set_latest(const struct probe_entry *e)
{
	const struct probe_result *r = e->p != NULL ? probe_last(e->p) : NULL;

	if (r != NULL)
		return r;
	return e->has_restored ? &e->restored : NULL;
}

/* A run of E's probe ended: state, log, next run. */
static void
probe_set_done(void *ctx, struct probe *p)
{
	struct probe_entry *e = ctx;
	const struct probe_result *r = probe_last(p);
	struct state_probe sp;

	if (e->has_restored) {
		probe_result_release(&e->restored);
		e->has_restored = false;
	}
	if ((int)r->verdict != e->last_verdict) {
		if (r->verdict == PROBE_OK)
			log_info("probe '%s' (%s): ok: %s", e->cfg->name,
			    probe_origin(p), r->evidence);
		else
			log_warnx("probe '%s' (%s): %s: %s", e->cfg->name,
			    probe_origin(p), probe_verdict_name(r->verdict),
			    r->evidence);
		e->last_verdict = (int)r->verdict;
	}
	if (e->ps->st == NULL)
		return;
	sp.name = e->cfg->name;
	sp.at_ms = r->at_ms;
	sp.verdict = probe_verdict_name(r->verdict);
	sp.status = r->status;
	sp.base_status = r->base_status;
	sp.duration_ms = r->duration_ms;
	sp.url = r->url;
	sp.evidence = r->evidence;
	state_probe_save(e->ps->st, &sp, PROBE_SET_KEEP_MS);
}

static void
probe_set_restore(void *ctx, const struct state_probe *sp)
{
	struct probe_set *ps = ctx;
	int v = probe_verdict_parse(sp->verdict);

	if (v < 0)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		struct probe_entry *e = &ps->entries[i];

		if (strcmp(e->cfg->name, sp->name) != 0)
			continue;
		e->restored.verdict = (enum probe_verdict)v;
		e->restored.status = sp->status;
		e->restored.base_status = sp->base_status;
		e->restored.duration_ms = sp->duration_ms;
		e->restored.at_ms = sp->at_ms;
		e->restored.url = xstrdup(sp->url);
		e->restored.evidence = xstrdup(sp->evidence);
		e->has_restored = true;
		e->last_verdict = v;
	}
}

/* E's set, probe and URL; else *ERR at the probe's place. */
static int
probe_set_entry_init(struct probe_set *ps, struct probe_entry *e,
    const struct config_probe *c, struct match_set **sets, size_t nsets,
    struct http_client *hc, const struct redact *rd, char **err)
{
	struct probe_spec spec;
	char *url = NULL, *perr = NULL;
	size_t i;

	e->ps = ps;
	e->cfg = c;
	e->last_verdict = -1;
	for (i = 0; i < nsets; i++)
		if (c->pattern_set == NULL ||
		    strcmp(sets[i]->name, c->pattern_set) == 0)
			break;
	if (i == nsets) {
		*err = xasprintf("%s: probes.%s.pattern_set: '%s' is not one "
		    "of the pattern sets loaded; expected the name: of a set "
		    "listed under pattern_sets", c->pattern_set_where,
		    c->name, c->pattern_set);
		return -1;
	}
	e->set_name = sets[i]->name;
	if (c->url_file != NULL) {
		url = probe_url_file_read(c->url_file, &perr);
		if (url == NULL) {
			*err = xasprintf("%s: probes.%s: %s", c->where, c->name,
			    perr);
			free(perr);
			return -1;
		}
	}
	memset(&spec, 0, sizeof(spec));
	spec.name = c->name;
	spec.url = url != NULL ? url : c->url;
	spec.method = c->method;
	spec.data = c->data;
	spec.headers = c->headers;
	spec.nheaders = c->nheaders;
	spec.timeout_ms = c->timeout_ms;
	e->p = probe_new(&spec, hc, rd, probe_set_done, e, &perr);
	if (url != NULL) {
		memset(url, 0, strlen(url));
		free(url);
	}
	if (e->p == NULL) {
		*err = xasprintf("%s: %s", c->where, perr);
		free(perr);
		return -1;
	}
	return 0;
}

struct probe_set *
probe_set_new(const struct config *cfg, struct match_set **sets,
    size_t nsets, struct state *st, struct http_client *hc,
    const struct redact *rd, char **err)
{
	struct probe_set *ps = xcalloc(1, sizeof(*ps));

	*err = NULL;
	ps->st = st;
	ps->entries = xcalloc(cfg->nprobes + 1, sizeof(*ps->entries));
	for (size_t i = 0; i < cfg->nprobes; i++) {
		ps->n++;
		if (probe_set_entry_init(ps, &ps->entries[i], &cfg->probes[i],
		    sets, nsets, hc, rd, err) != 0)
			goto fail;
	}
	if (st != NULL && state_probes_latest(st, probe_set_restore, ps) != 0) {
		*err = xasprintf("cannot read the probes' state");
		goto fail;
	}
	return ps;

fail:
	probe_set_free(ps);
	return NULL;
}

void
probe_set_tick(struct probe_set *ps, int64_t now_ms)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct probe_entry *e = &ps->entries[i];

		if (probe_is_running(e->p) || now_ms < e->next_ms)
			continue;
		/* Due again one interval after the start, whatever its end
		 * (set by probe_set_done); a run that cannot start waits a
		 * whole interval too. */
		e->next_ms = now_ms + e->cfg->interval_ms;
		probe_start(e->p, now_ms);
	}
}

int64_t
probe_set_deadline(const struct probe_set *ps)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < ps->n; i++)
		if (!probe_is_running(ps->entries[i].p) &&
		    ps->entries[i].next_ms < next)
			next = ps->entries[i].next_ms;
	return next;
}

void
probe_set_metrics(const struct probe_set *ps, struct metrics_buf *b)
{
	if (ps == NULL || ps->n == 0)
		return;
	/* blackbox_exporter's names and meanings (prober/http.go):
	 * probe_success 1 or 0, probe_http_status_code, and
	 * probe_duration_seconds for the whole probe. */
	metrics_family(b, "omniwatch_probe_success", "gauge",
	    "1 when the probe's latest verdict is ok, else 0.");
	for (size_t i = 0; i < ps->n; i++) {
		const struct probe_result *r = probe_set_latest(&ps->entries[i]);
		const char *l[] = { "probe", ps->entries[i].cfg->name };

		if (r != NULL)
			metrics_sample(b, "omniwatch_probe_success",
			    r->verdict == PROBE_OK ? 1 : 0, 1, l);
	}
	metrics_family(b, "omniwatch_probe_status_code", "gauge",
	    "HTTP status of the endpoint's first answer; 0 when none.");
	for (size_t i = 0; i < ps->n; i++) {
		const struct probe_result *r = probe_set_latest(&ps->entries[i]);
		const char *l[] = { "probe", ps->entries[i].cfg->name };

		if (r != NULL)
			metrics_sample(b, "omniwatch_probe_status_code",
			    (double)r->status, 1, l);
	}
	metrics_family(b, "omniwatch_probe_duration_seconds", "gauge",
	    "How long the latest probe took, all its requests.");
	for (size_t i = 0; i < ps->n; i++) {
		const struct probe_result *r = probe_set_latest(&ps->entries[i]);
		const char *l[] = { "probe", ps->entries[i].cfg->name };

		if (r != NULL)
			metrics_sample(b, "omniwatch_probe_duration_seconds",
			    (double)r->duration_ms / 1000.0, 1, l);
	}
	metrics_family(b, "omniwatch_probe_verdict", "gauge",
	    "1 for the probe's latest verdict.");
	for (size_t i = 0; i < ps->n; i++) {
		const struct probe_result *r = probe_set_latest(&ps->entries[i]);

		for (int v = 0; r != NULL && v < PROBE_NVERDICTS; v++) {
			const char *l[] = { "probe", ps->entries[i].cfg->name,
			    "verdict", probe_verdict_name(v) };

			metrics_sample(b, "omniwatch_probe_verdict",
			    (int)r->verdict == v ? 1 : 0, 2, l);
		}
	}
}

/* Does E belong to RULE (kind probe) over SET_NAME? */
static bool
probe_set_is_rules(const struct probe_entry *e,
    const struct config_alert *rule, const char *set_name)
{
	if (rule != NULL && rule->kind == CONFIG_ALERT_PROBE &&
	    rule->probe != NULL)
		return strcmp(rule->probe, e->cfg->name) == 0;
	return strcmp(e->set_name, set_name) == 0;
}

bool
probe_set_is_failing(const struct probe_set *ps,
    const struct config_alert *rule, const char *set_name)
{
	for (size_t i = 0; ps != NULL && i < ps->n; i++) {
		const struct probe_entry *e = &ps->entries[i];
		const struct probe_result *r = probe_set_latest(e);

		if (probe_set_is_rules(e, rule, set_name) && r != NULL &&
		    r->verdict != PROBE_OK)
			return true;
	}
	return false;
}

void
probe_set_annotate(const struct probe_set *ps, struct alert_notice *n)
{
	const struct probe_entry *best = NULL;
	const struct probe_result *br = NULL;

	for (size_t i = 0; ps != NULL && i < ps->n; i++) {
		const struct probe_entry *e = &ps->entries[i];
		const struct probe_result *r = probe_set_latest(e);

		if (r == NULL || !probe_set_is_rules(e, n->rule,
		    n->pattern_set))
			continue;
		/* A failing probe says more than one that is fine. */
		if (br == NULL || (r->verdict != PROBE_OK &&
		    br->verdict == PROBE_OK) || ((r->verdict != PROBE_OK) ==
		    (br->verdict != PROBE_OK) && r->at_ms > br->at_ms)) {
			best = e;
			br = r;
		}
	}
	if (best == NULL)
		return;
	n->probe = best->cfg->name;
	n->probe_verdict = probe_verdict_name(br->verdict);
	n->probe_evidence = br->evidence;
	n->probe_status = br->status;
	n->probe_at_ms = br->at_ms;
}

void
probe_set_free(struct probe_set *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		probe_free(ps->entries[i].p);
		probe_result_release(&ps->entries[i].restored);
	}
	free(ps->entries);
	free(ps);
}
