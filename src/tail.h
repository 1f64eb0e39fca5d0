/*
 * tail: following log files as they grow, through every way PM2,
 * pm2-logrotate and logrotate rotate them, without losing or repeating a
 * record.
 *
 * A followed file is known by device, inode and a fingerprint (crc32 of its
 * first TAIL_FP_MAX bytes), so a reused inode is caught.  What is handled
 * (Fluent Bit's in_tail does the same things; see plugins/in_tail):
 *  - copytruncate (pm2-logrotate 3.0.0 copies to NAME__DATE.log, then
 *    ftruncate()s; samples/pm2/07): the file is shorter than our offset, or
 *    its head no longer matches the fingerprint.  The copy is found by its
 *    fingerprint and drained from our offset (the bytes we had not read yet
 *    are there), then the live file is read again from 0.  The copy itself
 *    is never read from its start.
 *  - rename and create (logrotate, then `pm2 reloadLogs`): the old inode is
 *    kept open and drained as long as it grows, and let go rotate_wait
 *    after it stopped growing; the new file is followed from 0.
 *  - delete: drained, then closed at once (nlink == 0), so no deleted file
 *    stays open.
 *  - rotation while omniwatch was stopped: on start the saved inode is
 *    looked for in its directory and finished before the new file.
 *  - a path rotated more than once before we look again (a loaded or
 *    stopped machine, one batch of events): the generations in between
 *    are the copies that were not there when we last looked, that we do
 *    not follow and that are not, by head and length, the old or the new
 *    file; each is read whole.
 *  - copytruncate, more than once between two reads, of a file whose
 *    records all begin alike: the file looks grown, with its head.  A
 *    copy appearing beside it (an event on a copy name) has it judged as
 *    a start judges it: copies made since our last look with its head
 *    that it does not hold whole mean it was truncated.  The file is not
 *    read on until such a copy is rotate_wait old (still being written?).
 *  - a writer that appends to a renamed file after we let it go (PM2
 *    until `pm2 reloadLogs`): the file is followed again from the offset
 *    we let it go at, when the next rotation or start finds it grown.
 * A line without its LF is never counted and the saved offset never passes
 * it; a record split across writes is assembled across reads and closed
 * by the idle flush when the writer goes quiet.
 *
 * Directories are watched with inotify(7) (so new and renamed files are
 * seen); a periodic sweep re-stats everything to catch what inotify missed
 * (IN_Q_OVERFLOW).  Without inotify watches (ENOSPC) the files are polled.
 */
#ifndef OMNIWATCH_TAIL_H
#define OMNIWATCH_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "match.h"
#include "pipeline.h"
#include "state.h"

#define TAIL_FP_MAX	256	/* bytes of a file's head fingerprinted */

struct tail_file;

/* What a counted record came from, for the state's buckets. */
struct tail_outcome {
	const char	*stream;	/* "out", "error" or "" */
	int		 instance;	/* cluster pm_id of the record's "-N"
					 * file, or -1 */
	const struct pipeline_outcome *o;
};

struct pm2_daemon_line;

struct tail_cb {
	void	(*outcome)(void *ctx, const struct tail_outcome *to);
	void	*ctx;
	/* A line of PM2's own log at PATH (pm2.log of a pm2_home source,
	 * or one a path source names), in order; NULL drops them. */
	void	(*daemon_line)(void *ctx, const char *path,
		    const struct pm2_daemon_line *l);
};

struct tail;

/*
 * Prepares to follow CFG's sources with SETS, resuming from the offsets
 * saved in ST (borrowed; all must outlive the tail).  Files are opened by
 * tail_start().  Returns NULL with *ERR (malloc'd) when inotify cannot be
 * set up at all.
 */
struct tail *tail_new(const struct config *cfg, struct match_set **sets,
    size_t nsets, struct state *st, const struct tail_cb *cb, char **err);

/*
 * Follows the apps' logs that D (dump.pm2, borrowed: it must outlive T)
 * places outside PM2_HOME/logs too, under the app and stream it names.
 * Before tail_start().
 */
struct pm2_dump;
void tail_set_dump(struct tail *t, const struct pm2_dump *d);

/* Finds the files, finishes what rotated while stopped, reads what is new. */
void tail_start(struct tail *t, int64_t now_ms);

/* The inotify descriptor, for epoll (EPOLLIN). */
int tail_fd(const struct tail *t);

/*
 * Reads and handles pending inotify events, then reads what grew (each
 * file once, however many events name it).  Returns how many events there
 * were: 0 when the queue was empty (inotify(7): a read of an empty
 * non-blocking descriptor fails with EAGAIN).
 */
size_t tail_events(struct tail *t, int64_t now_ms);

/*
 * Has a name other than a followed log (dump.pm2) changed in a PM2_HOME
 * directory since the last call, as inotify, polling or the sweep tell?
 * True at the first call.  Clears what it reports.  So that watch looks
 * at dump.pm2 when it may have changed, not at every wakeup.
 */
bool tail_home_changed(struct tail *t);

/*
 * Time-driven work: idle flushes, letting go of rotated files, polling
 * when inotify is unavailable, and every sweep_ms the sweep.
 */
void tail_tick(struct tail *t, int64_t now_ms);

/* When tail_tick() next has work to do (ms since the epoch). */
int64_t tail_deadline(const struct tail *t, int64_t now_ms);

/*
 * Saves every file's safe offset into the state's open transaction (the
 * caller commits).  With FLUSH, records being assembled are closed first
 * (shutdown): they count now instead of being read again next time.
 */
void tail_save(struct tail *t, bool flush);

/* Logs one line per file: path, inode, offset, lag in bytes (SIGUSR1). */
void tail_status(const struct tail *t);

/* Counters for tests and metrics. */
struct tail_stats {
	uint64_t	 files;		/* followed now */
	uint64_t	 rotations;	/* copytruncate + rename + delete seen */
	uint64_t	 truncations;
	uint64_t	 bytes;		/* read */
	uint64_t	 records;	/* counted (any outcome but none) */
};
const struct tail_stats *tail_stats(const struct tail *t);

/* Calls FN for every followed file (metrics): its path, its app, and the
 * offset read up to, in bytes. */
void tail_files_each(const struct tail *t, void (*fn)(void *ctx,
    const char *path, const char *app, uint64_t offset), void *ctx);

/*
 * Bytes present in the followed files past the offset up to which their
 * records are counted (the offset the state saves; a rotated file still
 * draining included), by fstat(2) now: not read yet, or a line or record
 * still waiting for its end.  For metrics.
 */
uint64_t tail_uncounted_bytes(const struct tail *t);

void tail_free(struct tail *t);

/*
 * How many live files of apps SRC matches now (tail_live_files' rule;
 * PM2_HOME's own pm2.log is none): 0 means watch sees nothing there yet
 * -- a typo in a path, a PM2_HOME without apps, the wrong account's.
 */
size_t tail_source_live_count(const struct config_source *src);

/*
 * Calls FN with the path of every live file under CFG's sources now: the
 * files a running watch follows (the rule is tail_names.c's, the one
 * watch uses).  Regular files only; each once per source.  For `check`.
 */
void tail_live_files(const struct config *cfg, void (*fn)(void *ctx,
    const char *path), void *ctx);

/*
 * Calls FN with the path of every log of D (dump.pm2, as
 * watch_dump_load reads it) that watch follows (tail_set_dump's rule)
 * and that is a regular file now: the live files of the apps that log
 * outside PM2_HOME/logs.  For `check`.
 */
void tail_dump_live_files(const struct pm2_dump *d, void (*fn)(void *ctx,
    const char *path), void *ctx);

/*
 * The stream of the log at PATH as watch names it: "out" or "error" for a
 * PM2 log (pm2_log_name_parse), else "" (a static string).  Backtest names
 * the files it replays by the same rule (tail_names.c).
 */
const char *tail_stream_of(const char *path);

#endif
