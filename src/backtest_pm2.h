/*
 * backtest_pm2: what PM2's own log (pm2.log and its rotated copies,
 * pm2_daemon.h) gives a backtest: the tracker's events (restarts,
 * errored...) and state changes, kept with their stamps while the files
 * are read, then handed to the rules at those stamps during the replay
 * through alert_pm2_news_event() and alert_pm2_news_state(), as watch
 * hands them over when it reads the lines, so that restarts and
 * app_errored are judged by the code that judges them in watch.
 *
 * An event without a stamp (or stamped before 1970) has no time in the
 * replay: it is counted and said, not replayed.  Within --since and
 * --until: an event before --since is not replayed, but a state change
 * before it is taken at the start (an app errored before the range is
 * errored in it); nothing at or after --until is.
 */
#ifndef OMNIWATCH_BACKTEST_PM2_H
#define OMNIWATCH_BACKTEST_PM2_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "scan.h"

struct backtest_pm2;

/* Events kept from SINCE_MS (STAMP_NONE: all) to UNTIL_MS (exclusive;
 * STAMP_NONE: all), ms since the epoch. */
struct backtest_pm2 *backtest_pm2_new(int64_t since_ms, int64_t until_ms);

/* Makes S's reading of daemon logs (S->pm2.hook) keep their events. */
void backtest_pm2_hook(struct backtest_pm2 *bp, struct scan *s);

/* Sorts the kept events by stamp (the log's order within one); call once
 * every file is read. */
void backtest_pm2_sort(struct backtest_pm2 *bp);

/* Stamps of the first and last kept event (ms), or STAMP_NONE. */
int64_t backtest_pm2_first(const struct backtest_pm2 *bp);
int64_t backtest_pm2_last(const struct backtest_pm2 *bp);

/* Kept events, with a stamp (replayed) and without (said only). */
uint64_t backtest_pm2_events(const struct backtest_pm2 *bp);
uint64_t backtest_pm2_undated(const struct backtest_pm2 *bp);

/*
 * A replay over AL (made for it) begins at START_MS: a fresh view of
 * the apps is given to AL, and the state changes before START_MS are
 * taken.  Returns how many were (the rules are then to be judged at
 * START_MS, as watch judges them on the states it starts with).
 */
size_t backtest_pm2_start(struct backtest_pm2 *bp, struct alert *al,
    int64_t start_ms);

/* The stamp of the next event of the replay, or INT64_MAX. */
int64_t backtest_pm2_next(const struct backtest_pm2 *bp);

/* Hands AL every event of the replay stamped up to NOW_MS. */
void backtest_pm2_feed(struct backtest_pm2 *bp, struct alert *al,
    int64_t now_ms);

/* The replay is over: its view of the apps goes. */
void backtest_pm2_end(struct backtest_pm2 *bp);

/* Accepts NULL. */
void backtest_pm2_free(struct backtest_pm2 *bp);

#endif
