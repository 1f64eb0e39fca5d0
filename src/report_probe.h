/*
 * report_probe: the probes' history in `summary`'s reports (text, JSON,
 * HTML), from the results `watch` saved (state_probe.h).  Per probe: the
 * latest verdict and its evidence, how many results of each verdict the
 * range holds, and the changes of verdict, newest last, at most
 * REPORT_PROBE_CHANGES_MAX of them (the oldest are dropped, and said to
 * be).  Everything shown was redacted before it was saved.
 */
#ifndef OMNIWATCH_REPORT_PROBE_H
#define OMNIWATCH_REPORT_PROBE_H

#include <stdio.h>

#include <jansson.h>

#include "state_probe.h"

#define REPORT_PROBE_CHANGES_MAX	50

struct report_probes;

struct report_probes *report_probes_new(void);

/* Adds one saved result; results come by probe, then time
 * (state_probes()'s order), which is the callback's shape. */
void report_probes_add(void *ctx, const struct state_probe *p);

/* True when it holds no probe. */
bool report_probes_is_empty(const struct report_probes *rp);

/* "probes:" and a few lines per probe. */
void report_probes_text(const struct report_probes *rp, FILE *fp);

/* A list of {name, url, verdict, status, evidence, at, counts, changes}. */
json_t *report_probes_json(const struct report_probes *rp);

/* A <section> with a table per probe; nothing when empty. */
void report_probes_html(const struct report_probes *rp, FILE *fp);

void report_probes_free(struct report_probes *rp);	/* NULL ok */

#endif
