/*
 * scan_pm2: the part of `scan` that reads PM2's own log (pm2_daemon.h).
 *
 * Files are read by several threads at once, but the tracker must see
 * pm2.log's lines in order, rotated copies first.  So each file's reader
 * keeps its parsed lines (scan_pm2_keep; they are few: one per start,
 * exit or stop), and they are handed to the scan's one tracker when the
 * file's result is added, which happens in file order.
 */
#ifndef OMNIWATCH_SCAN_PM2_H
#define OMNIWATCH_SCAN_PM2_H

#include <stddef.h>
#include <stdint.h>

#include "pm2_apps.h"
#include "pm2_daemon.h"

/* The lines of one daemon log, kept; zero-initialised is empty. */
struct scan_pm2_lines {
	struct pm2_daemon_line *lines;	/* app strings owned */
	size_t		 n;
};

/*
 * What a caller may see of the tracker's work as it goes: each event and
 * state change (pm2_tracker_cb's), with the path of the daemon log whose
 * line made it.  backtest replays them at their stamps.
 */
struct scan_pm2_hook {
	void	(*event)(void *ctx, const char *path,
		    const struct pm2_instance *i, enum pm2_event ev,
		    int64_t ts_ms);
	void	(*state)(void *ctx, const char *path,
		    const struct pm2_instance *i);
	void	*ctx;
};

/* The scan's tracker and what it counted. */
struct scan_pm2 {
	struct pm2_tracker *tracker;
	struct pm2_apps	*apps;
	struct scan_pm2_hook hook;	/* zeroed: none */
	const char	*path;		/* of the lines being replayed */
};

/* Keeps a copy of L (a pipeline_sink daemon_line for a file's reader). */
void scan_pm2_keep(struct scan_pm2_lines *k, const struct pm2_daemon_line *l);

/*
 * Hands K's lines, in order, to SP's tracker (made on first use), notes
 * PATH among the daemon logs read, and empties K.
 */
void scan_pm2_replay(struct scan_pm2 *sp, const char *path,
    struct scan_pm2_lines *k);

/* Frees K's lines (a file that was not added). */
void scan_pm2_lines_release(struct scan_pm2_lines *k);

/* Frees the tracker and the counts. */
void scan_pm2_release(struct scan_pm2 *sp);

#endif
