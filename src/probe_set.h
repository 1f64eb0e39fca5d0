/*
 * probe_set: the config's probes as `watch` runs them (omniwatch.yaml(5),
 * PROBES).  Each probe runs every interval on the loop's http_client
 * (probe.h), so a hung partner is a socket that stays quiet and never
 * delays counting.  Each result goes to
 *   - the state (state_probe.h), with its history, in the transaction the
 *     loop commits next;
 *   - the metrics, named as blackbox_exporter names them
 *     (omniwatch_probe_success, omniwatch_probe_status_code,
 *     omniwatch_probe_duration_seconds), labelled probe="NAME";
 *   - the alerts: a rule of kind probe is true while its probe's verdict
 *     (or, without probe:, that of any probe of its pattern set) is not
 *     ok, and every notice of a pattern set carries its probe's latest
 *     verdict and evidence (probe_set_annotate).
 * A change of verdict is logged once.  At start the latest saved result
 * of each probe stands until the first new one, so that a restart does
 * not resolve a probe alert nor lose the evidence of the notices.
 */
#ifndef OMNIWATCH_PROBE_SET_H
#define OMNIWATCH_PROBE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "http_client.h"
#include "match.h"
#include "metrics.h"
#include "probe.h"
#include "redact.h"
#include "state.h"

#define PROBE_SET_KEEP_MS	(30LL * 24 * 3600 * 1000)	/* history */

struct probe_set;

/*
 * Prepares CFG's probes over SETS; CFG, SETS, ST, HC and RD are borrowed
 * and must outlive it.  Reads each url_file.  Returns NULL with *ERR
 * (malloc'd, "FILE:LINE:COLUMN: probes.NAME...: ...", never a URL) when a
 * probe's pattern_set is not loaded, its URL cannot be used, or its
 * url_file cannot be read.  With ST and HC NULL only that is checked
 * (`watch --check`); the result is then only good for probe_set_free().
 */
struct probe_set *probe_set_new(const struct config *cfg,
    struct match_set **sets, size_t nsets, struct state *st,
    struct http_client *hc, const struct redact *rd, char **err);

/* Starts the probes that are due at NOW_MS (ms since the epoch). */
void probe_set_tick(struct probe_set *ps, int64_t now_ms);

/* When probe_set_tick() next has work, or INT64_MAX. */
int64_t probe_set_deadline(const struct probe_set *ps);

/* The probe families (see above), for the metrics' render callback. */
void probe_set_metrics(const struct probe_set *ps, struct metrics_buf *b);

/*
 * Is the condition of RULE (kind probe, over pattern set SET_NAME) true:
 * is the latest verdict of its probe, or of any probe of SET_NAME when
 * the rule names none, other than ok?  Before a probe's first result it
 * is not.
 */
bool probe_set_is_failing(const struct probe_set *ps,
    const struct config_alert *rule, const char *set_name);

/*
 * Sets N's probe fields from the latest result of the probe N's rule
 * names (kind probe), else of its pattern set's probes (the worst
 * verdict, then the latest).  N's strings then point into PS and stay
 * valid until the next probe_set_tick() or event.
 */
void probe_set_annotate(const struct probe_set *ps, struct alert_notice *n);

/* Cancels probes in flight and frees.  NULL ok. */
void probe_set_free(struct probe_set *ps);

#endif
