/*
 * state_pm2: what `watch` keeps of PM2 beyond the buckets of state.h:
 * the counts of each cluster instance (its "-N" files).
 *
 * Schema version 4 adds
 *   instance_buckets(minute_ms, pattern_set, app, instance, stream,
 *           outcome, class, count, first_ms, last_ms,
 *           PRIMARY KEY (minute_ms, pattern_set, app, instance, stream,
 *           outcome, class))
 * which holds the records of cluster files a second time, per instance
 * (PM2's pm_id); buckets still holds every record once, per app, so that
 * an older `summary` and the alert rules read what they always did.
 * Changes join state.h's open transaction: counts and offsets commit
 * together here too.
 */
#ifndef OMNIWATCH_STATE_PM2_H
#define OMNIWATCH_STATE_PM2_H

#include <stdint.h>

#include "state.h"

/* Version 4's tables, run by state.c's upgrade after version 3's. */
extern const char state_pm2_schema[];

struct state_pm2;

/* Frees the prepared statements (state_close()); accepts NULL. */
void state_pm2_release(struct state_pm2 *p);

/*
 * Adds C (a record of INSTANCE >= 0 of C->app) to its instance bucket,
 * inside the open transaction (opens one).  Returns 0 or -1 (logged).
 */
int state_instance_count(struct state *st, const struct state_count *c,
    int instance);

/*
 * Calls FN for every instance bucket whose minute lies in [SINCE_MS,
 * UNTIL_MS) (STAMP_NONE: no bound), in minute order.  A state of version 3
 * or older has none: returns 0 without calling FN.  Returns 0 or -1
 * (logged).
 */
int state_instance_buckets(struct state *st, int64_t since_ms,
    int64_t until_ms, void (*fn)(void *ctx, const struct state_count *c,
    int instance), void *ctx);

#endif
