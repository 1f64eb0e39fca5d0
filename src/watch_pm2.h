/*
 * watch_pm2: what `watch` does with PM2's own log (pm2_daemon.h): one
 * tracker per PM2 home (the directory of a pm2.log), whose memory is
 * read back from the state when the first line of that home arrives and
 * saved with every change; the events go into the state's per-minute
 * event buckets, into the alert rules, and into counters since start for
 * the metrics:
 *   omniwatch_pm2_restarts_total{app,instance}
 *   omniwatch_pm2_unplanned_exits_total{app,instance}
 *   omniwatch_pm2_planned_stops_total{app,instance}
 *   omniwatch_pm2_errored_total{app,instance}
 *   omniwatch_pm2_state{app,instance,state}   1 for the current state
 * (instance absent in fork mode).
 */
#ifndef OMNIWATCH_WATCH_PM2_H
#define OMNIWATCH_WATCH_PM2_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "alert.h"
#include "metrics.h"
#include "pm2_apps.h"
#include "config.h"
#include "pm2_daemon.h"
#include "pm2_dump.h"
#include "state.h"

struct watch_pm2;

/*
 * ST and AL are borrowed and must outlive it.  The states saved in ST
 * are loaded at once (for the metrics and the alert rules).
 */
struct watch_pm2 *watch_pm2_new(struct state *st, struct alert *al);

/* A line of the daemon log at PATH (tail_cb's daemon_line); NOW_MS
 * places unstamped events. */
void watch_pm2_line(struct watch_pm2 *wp, const char *path,
    const struct pm2_daemon_line *l, int64_t now_ms);

/* The metrics families above, into B. */
void watch_pm2_metrics(const struct watch_pm2 *wp, struct metrics_buf *b);

/* The apps and their states as PM2's log said them so far (borrowed:
 * valid until the next line of PM2's log, or watch_pm2_free). */
const struct pm2_apps *watch_pm2_apps(const struct watch_pm2 *wp);

/* Accepts NULL. */
void watch_pm2_free(struct watch_pm2 *wp);

/*
 * The dump.pm2 of every pm2_home source (pm2_dump.h): the apps' logs it
 * places outside PM2_HOME/logs, merged, and what stat(2) said of each
 * dump when it was read, to notice a new one (`pm2 save`).
 */
struct watch_dump {
	struct pm2_dump	 d;
	char		**paths;	/* each home's dump.pm2 */
	struct stat	*sts;		/* zeroed: there was none */
	size_t		 n;
};

/* Reads CFG's dumps into WD (zeroed first); a malformed one is a warning
 * naming it. */
void watch_dump_load(struct watch_dump *wd, const struct config *cfg);

/* The same for watch, which follows the logs read: each is said (info). */
void watch_dump_follow(struct watch_dump *wd, const struct config *cfg);

/* The same without a word, for looks made again and again (the live
 * logs' disks and stamps, each minute in watch). */
void watch_dump_peek(struct watch_dump *wd, const struct config *cfg);

/* Has a dump changed (appeared, gone, rewritten) since it was read so
 * that it names other logs?  When it names the same ones, WD takes the
 * new stat and the answer is false. */
bool watch_dump_changed(struct watch_dump *wd, const struct config *cfg);

void watch_dump_release(struct watch_dump *wd);

#endif
