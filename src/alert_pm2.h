/*
 * alert_pm2: the alert rules over what PM2's daemon log says (pm2_daemon.h),
 * beside alert.c's rules over records (omniwatch.yaml(5), ALERT RULES):
 *   restarts     an app restarted more than threshold times within the
 *                window (the app named by `app:`, else each app apart)
 *   app_errored  PM2 gave up on an app (`app:`, else any): it fires when
 *                the app's state turns errored and resolves when it is no
 *                longer errored (online again, or stopped or deleted)
 * and the note that a no_success notice carries when the apps whose
 * records it waits for are stopped or errored: no records are to be
 * expected from an app that is not running.
 */
#ifndef OMNIWATCH_ALERT_PM2_H
#define OMNIWATCH_ALERT_PM2_H

#include <stdbool.h>
#include <stdint.h>

#include "alert_int.h"
#include "config.h"
#include "pm2_daemon.h"

/* Is K one of the kinds above (no records counted in its window)? */
bool alert_pm2_is_kind(enum config_alert_kind k);

/* The condition of R, a rule of one of the kinds above. */
bool alert_pm2_cond(const struct alert *al, const struct alert_rule *r);

/* The figure R compares with its threshold: the most restarts of one
 * app in the window (restarts), the apps errored (app_errored). */
double alert_pm2_value(const struct alert *al, const struct alert_rule *r);

/* The restarts of the window [SINCE_MS, NOW_MS] from the state, at
 * start.  Returns 0 or -1 (logged). */
int alert_pm2_fill(struct alert *al, int64_t since_ms, int64_t now_ms);

/* As alert_pm2_fill(), counting the events EV instead of restarts:
 * alert_window_restarts() fills its rule so for `check`. */
int alert_pm2_fill_events(struct alert *al, enum pm2_event ev,
    int64_t since_ms, int64_t now_ms);

/* Calls FN for each app R (a restarts rule) counted within its window,
 * with that count, as its condition and note count (exposed for
 * alert_window_restarts()). */
void alert_pm2_each(const struct alert_rule *r,
    void (*fn)(void *ctx, const char *app, uint64_t n), void *ctx);

/* The note of R's notice (malloc'd), or NULL when PM2 has nothing to
 * say about its apps. */
char *alert_pm2_note(const struct alert *al, const struct alert_rule *r,
    bool is_resolved, int64_t now_ms);

/* Accepts NULL. */
void alert_pm2_rule_free(struct alert_pm2_rule *p);

#endif
