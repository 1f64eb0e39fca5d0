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
 * Version 5 adds what PM2's own log said (pm2_daemon.h):
 *   pm2_events(minute_ms, app, instance, event, count,
 *           PRIMARY KEY (minute_ms, app, instance, event))
 *   pm2_instances(home, app, instance, mode, state, since_ms, started,
 *           PRIMARY KEY (home, app, instance))
 * event is one of pm2_event_names; pm2_instances is the tracker's memory
 * (pm2_instance), per PM2 home (the directory of its pm2.log), so that a
 * restarted watch goes on counting restarts right, and `summary` shows
 * the last state.
 * Changes join state.h's pending changes: counts and offsets commit
 * together here too.
 */
#ifndef OMNIWATCH_STATE_PM2_H
#define OMNIWATCH_STATE_PM2_H

#include <stdint.h>

#include "pm2_daemon.h"
#include "state.h"

/* Version 4's and 5's tables, run by state.c's upgrade in turn. */
extern const char state_pm2_schema[];
extern const char state_pm2_schema_v5[];

struct state_pm2;

/* Frees the prepared statements (state_close()); accepts NULL. */
void state_pm2_release(struct state_pm2 *p);

/*
 * Adds C (a record of INSTANCE >= 0 of C->app) to its instance bucket, in
 * the changes the next state_commit() writes.  Returns 0, or -1 (logged)
 * when ST is read-only.
 */
int state_instance_count(struct state *st, const struct state_count *c,
    int instance);

/* Writes that change (state_commit()'s replay, inside its transaction).
 * Returns 0 or -1. */
int state_pm2_write_count(struct state *st, const struct state_count *c,
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

/*
 * Adds COUNT events EV of INSTANCE of APP in the minute starting at
 * MINUTE_MS, at the next commit.  Returns 0 or -1 (logged).
 */
int state_pm2_event(struct state *st, int64_t minute_ms, const char *app,
    int instance, enum pm2_event ev, uint64_t count);

/* Saves I, an instance of the PM2 home HOME, at the next commit.
 * Returns 0 or -1 (logged). */
int state_pm2_instance_save(struct state *st, const char *home,
    const struct pm2_instance *i);

/*
 * Calls FN for every event bucket whose minute lies in [SINCE_MS,
 * UNTIL_MS) (STAMP_NONE: no bound).  A state older than version 5 has
 * none.  Returns 0 or -1 (logged).
 */
int state_pm2_events(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, int64_t minute_ms, const char *app, int instance,
    enum pm2_event ev, uint64_t count), void *ctx);

/*
 * Calls FN for every saved instance (of HOME; NULL: of every home); I's
 * strings are valid during the call.  Returns 0 or -1 (logged).
 */
int state_pm2_instances(struct state *st, const char *home,
    void (*fn)(void *ctx, const char *home, const struct pm2_instance *i),
    void *ctx);

#endif
