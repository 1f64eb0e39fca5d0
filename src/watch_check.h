/*
 * watch_check: what `watch --check` and `watch`'s start-up find out about
 * the paths of a config before anything is opened: that the state
 * directory can be made and written, and which `path:` sources name
 * something watch will not follow (a FIFO, a device, a directory), which
 * it would otherwise skip in silence.
 */
#ifndef OMNIWATCH_WATCH_CHECK_H
#define OMNIWATCH_WATCH_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "pm2_apps.h"
#include "pm2_dump.h"

struct state;

/*
 * Checks that CFG's state_dir exists as a writable directory, or that its
 * nearest existing ancestor is one where it can be created (faccessat
 * with AT_EACCESS: the effective user's rights, a read-only mount too).
 * Returns 0, or -1 with *ERR malloc'd naming the directory and why.
 */
int watch_check_state_dir(const struct config *cfg, char **err);

/*
 * Warns (log_warnx, naming the source and the file type) for every file
 * a `path:` source names now, or its glob matches, that is not a regular
 * file: watch follows regular files only; and for a `path:` source in a
 * PM2 home's logs/, whose home's own log and daemon are then not
 * watched.  Returns how many it warned of.
 */
size_t watch_check_sources(const struct config *cfg);

/*
 * The sources of CFG that match no app's log file now
 * (tail_source_live_count): each is named in a warning (LOG is true) or
 * not, and the first one's description ("source 2 (pm2_home /srv/pm2)")
 * is put in *FIRST (malloc'd; NULL when none).  Returns how many.  A
 * source that matches nothing watches nothing: watch says so at start,
 * --check in its OK line, check as a WARNING.
 */
size_t watch_check_empty_sources(const struct config *cfg, bool log,
    char **first);

/*
 * Checks that each `pm2_home:` source of CFG names a directory whose
 * logs/ (where PM2 writes the apps' logs, PM2 7.0.4 lib/Configuration:
 * DEFAULT_LOG_PATH) watch may read: a pm2_home that does not exist, or is
 * not a directory, or a logs/ it may not read, is an error (a typo, or the
 * wrong account), and so is one without logs/ that holds apps' logs
 * itself (PM2_HOME/logs given for PM2_HOME: the error names the fix);
 * any other pm2_home without logs/ yet is warned of (log_warnx),
 * since PM2 makes it when it first starts an app and watch waits for it.
 * Returns 0, or -1 with *ERR malloc'd naming the source and what is
 * missing.
 */
int watch_check_pm2_homes(const struct config *cfg, char **err);

/*
 * The apps of APPS (PM2's states, as the state keeps them) that PM2
 * reports online but whose out or error log is not there: no live file
 * of that app and stream under CFG's sources (tail_live_files) and none
 * at the path DUMP (CFG's dump.pm2 as watch_dump_load reads it; may be
 * NULL) gives it.  PM2 keeps writing to a log deleted
 * under it until `pm2 reloadLogs`, so nothing of such an app is counted.
 * Returns what to say of them, "log files missing while PM2 reports the
 * apps online: tick (out and error logs), api (out log); ..." with the
 * fix (malloc'd), and *NMISSING the number of apps, or NULL (APPS NULL,
 * or none missing).  watch warns of it at start, check is CRITICAL.
 */
char *watch_check_missing_logs(const struct config *cfg,
    const struct pm2_dump *dump, const struct pm2_apps *apps,
    size_t *nmissing);

/*
 * The live logs under CFG's sources (tail_live_files) whose stamps are a
 * time zone away from their writes (pm2_skew.h): what to say of them,
 * naming the first, its offset and the fix (malloc'd), *NSKEWED their
 * number and *FIRST_MS the first one's offset (pm2_skew's skew_ms).  ST
 * keeps the last offset found: IS_WATCH (watch, the state's writer)
 * saves it when it changes, and 0 once a log's stamps agree; when no log
 * tells either way (emptied by `pm2 flush`, rotated, or quiet), the kept
 * offset is said instead (*NSKEWED 0), since the records counted before
 * are still placed that far off.  NULL when there is nothing to say; ST
 * may be NULL.  watch warns of it at start and every WATCH_LOOK_MS, check
 * is WARNING.
 */
char *watch_check_skewed_logs(const struct config *cfg, struct state *st,
    bool is_watch, size_t *nskewed, int64_t *first_ms);

/* Free bytes under which a log's file system is full: a busy app writes
 * that much in a moment, and PM2's writes then fail (ENOSPC). */
#define WATCH_CHECK_FULL_BYTES	(64 * 1024)

/*
 * The file systems of the live logs under CFG's sources (tail_live_files)
 * that are full: less than WATCH_CHECK_FULL_BYTES free for the logs'
 * owner (root may use the reserved blocks), or no free inode (a rotation
 * cannot make its new file).  PM2 then loses its apps' output: its write
 * streams fail with ENOSPC, and nothing is left to count.  Returns what
 * to say, naming the first such directory and the fix (malloc'd), *NFULL
 * their number, and *IS_BYTES whether the first is out of bytes (check
 * is CRITICAL: what is logged is lost) rather than only of inodes
 * (WARNING: appends still work, a rotation will not); NULL when none is.
 * watch warns of either.
 */
char *watch_check_full_disks(const struct config *cfg, size_t *nfull,
    bool *is_bytes);

/*
 * The same, for watch: each directory out of bytes is noted in NOTE's
 * meta, at NOW_MS, for watch_check_after_full.
 */
char *watch_check_full_disks_noted(const struct config *cfg,
    struct state *note, int64_t now_ms, size_t *nfull, bool *is_bytes);

/*
 * After a full disk: a directory of live logs watch last found full
 * (noted in ST) that has room now, and none of whose logs was written
 * since, in the last 24 hours.  PM2 7's log streams end on a failed
 * write (fs.WriteStream's error; lib/Utility.js startLogging opens them
 * once) and write nothing more until `pm2 reloadLogs`, while its apps run
 * on (a tester's run: the logs' sizes still for minutes after room came
 * back).  What to say of the first such directory, malloc'd, or NULL.
 * check warns; summary says it first.
 */
char *watch_check_after_full(const struct config *cfg, struct state *st,
    int64_t now_ms);

/*
 * PM2's daemons of CFG's `pm2_home:` sources that do not run though they
 * should (pm2_life.h): what to say of them, one sentence per home joined
 * by "; " (malloc'd), or NULL when every daemon runs (or nothing can be
 * told).  *IS_GONE is true when one is gone without stopping (killed or
 * crashed) or is suspended (SIGSTOP): check is CRITICAL; false when all
 * of those named were stopped on purpose (WARNING).  watch warns of it at start and when it changes,
 * every WATCH_PM2_LIFE_MS.
 */
char *watch_check_pm2_daemons(const struct config *cfg, bool *is_gone);

/*
 * Calls FN with the path of every live log watch follows under CFG now:
 * those of its sources' directories (tail_live_files) and those its
 * homes' dump.pm2 places elsewhere (an app's out_file outside
 * PM2_HOME/logs: tail_dump_live_files).  The one list check's looks at
 * the live logs (followed, stamped a zone away, on a full disk) go over.
 */
void watch_check_live_logs(const struct config *cfg, void (*fn)(void *ctx,
    const char *path), void *ctx);

/*
 * What keeps PM2 from logging now, by the rules check applies one by one:
 * its daemon gone, stopped or suspended (watch_check_pm2_daemons), log
 * files missing while PM2, by ST's record of its apps at NOW_MS, runs
 * them (watch_check_missing_logs), the logs' disk full
 * (watch_check_full_disks).  One sentence per cause, joined by "; ",
 * malloc'd, or NULL.  For summary: its counts of such a time read as
 * all quiet.
 */
char *watch_check_cannot_log(const struct config *cfg, struct state *st,
    int64_t now_ms);

#endif
