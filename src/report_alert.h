/*
 * report_alert: the alert rules that fire, or wait out their `for`, as
 * watch's dashboard shows them.  They are read from the state (the
 * alerts table, state_alerts()), as the dashboard's counts are: a rule
 * that changes state is committed at once, so the page is at most a
 * commit behind.  What a rule watches (kind, pattern set, threshold,
 * window) comes from the config; rules the state keeps but the config
 * no longer has are left out, as `check --alerts` leaves them out.  The
 * sample shown is the one the state keeps, redacted before it was saved.
 */
#ifndef OMNIWATCH_REPORT_ALERT_H
#define OMNIWATCH_REPORT_ALERT_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "state.h"

struct report_alerts;

/*
 * The states of CFG's rules in ST (CFG borrowed: it must outlive the
 * result).  Returns a new list (report_alerts_free), or NULL when the
 * state cannot be read (logged by the state, naming its file).
 */
struct report_alerts *report_alerts_load(struct state *st,
    const struct config *cfg);

/*
 * An "Alerts" <section>: each firing and pending rule (state, pattern
 * set, condition, since when and for how long at NOW_MS, its latest
 * failure's sample), or a line saying none fires.  Nothing when the
 * config has no rule.  RA NULL: nothing.
 */
void report_alerts_html(const struct report_alerts *ra, int64_t now_ms,
    FILE *fp);

void report_alerts_free(struct report_alerts *ra);	/* NULL ok */

#endif
