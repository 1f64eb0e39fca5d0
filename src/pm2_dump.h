/*
 * pm2_dump: where PM2's apps write their logs, read from PM2_HOME/dump.pm2
 * (`pm2 save`), for the apps whose out_file/error_file lie outside
 * PM2_HOME/logs.
 *
 * Facts (PM2 7.0.4, lib/God/ActionMethods.js dumpProcessList, and dumps
 * written by real runs): the file is a JSON array with one object per
 * process, holding its pm2_env: "name", "exec_mode" ("fork_mode",
 * "cluster_mode"), "pm_out_log_path", "pm_err_log_path" (absolute; with
 * the "-ID" suffix of a cluster instance unless merge_logs), and also
 * every environment variable of the app, at the top level and under
 * "env".  Those hold secrets: nothing but the name and the two log paths
 * is read, the parsed document is dropped at once, the file is never
 * copied, and no message quotes its content (jansson's error text can
 * quote the input near the error: only the line and column are said).
 */
#ifndef OMNIWATCH_PM2_DUMP_H
#define OMNIWATCH_PM2_DUMP_H

#include <stdbool.h>
#include <stddef.h>

#include "pm2.h"

#define PM2_DUMP_MAX_BYTES	(64 * 1024 * 1024)	/* a dump read */
#define PM2_DUMP_MAX_LOGS	4096	/* log paths taken from one dump */

/* One app's log file, as the dump names it. */
struct pm2_dump_log {
	char		*path;		/* owned, absolute */
	char		*app;		/* owned: the app's name */
	enum pm2_stream	 stream;	/* OUT or ERROR */
};

struct pm2_dump {
	struct pm2_dump_log *logs;	/* each path once, in dump order */
	size_t		 nlogs;
};

enum pm2_dump_result {
	PM2_DUMP_OK,
	PM2_DUMP_MISSING,	/* no dump, or unreadable: not an error */
	PM2_DUMP_MALFORMED,	/* *ERR says why (malloc'd; without PATH) */
};

/*
 * Reads the dump at PATH into D (zeroed first; free with
 * pm2_dump_release), keeping only the log paths that do not lie in
 * directory LOGS_DIR (PM2_HOME/logs; compared by realpath when both
 * exist) under a name PM2 gives its logs there, which that directory's
 * rule follows: an out_file of another name there is kept.
 */
enum pm2_dump_result pm2_dump_read(const char *path, const char *logs_dir,
    struct pm2_dump *d, char **err);

/* The app of the log at PATH in D, or NULL. */
const struct pm2_dump_log *pm2_dump_find(const struct pm2_dump *d,
    const char *path);

void pm2_dump_release(struct pm2_dump *d);

#endif
