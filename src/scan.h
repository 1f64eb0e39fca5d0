/*
 * scan: a one-shot read of files, directories of PM2 logs, or stdin,
 * through the pipeline, with what was read and what went wrong kept for
 * the report.
 *
 * A directory is read as PM2_HOME/logs: every PM2 out/error log in it
 * (pm2.h says which names), rotated ones before the live file of the same
 * app and stream, oldest first, so counts and first/last come out in time
 * order.  A file that cannot be read, or a .gz that is cut short or corrupt,
 * gives one error entry; the complete lines before the damage still count,
 * and the scan goes on with the next file.
 */
#ifndef OMNIWATCH_SCAN_H
#define OMNIWATCH_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "match.h"
#include "pipeline.h"
#include "scan_pm2.h"
#include "series.h"

struct scan_file {
	char		*path;
	char		*app;
	int		 instance;	/* cluster pm_id of a "-N" file, or -1 */
	bool		 is_gz;
	uint64_t	 bytes;		/* read from the file */
	uint64_t	 decompressed_bytes;
	struct pipeline_stats stats;
	struct pipeline_first *first;	/* [set][class], see scan_file_first */
};

struct scan_error {
	char		*path;
	uint64_t	 offset;	/* byte offset in the file */
	char		*message;
};

struct scan {
	struct match_set **sets;	/* borrowed */
	size_t		 nsets;
	struct pipeline_options opts;
	struct aggregate *agg;
	struct scan_file *files;
	size_t		 nfiles;
	struct scan_error *errors;
	size_t		 nerrors;
	/* Files read at once (threads), 1 unless the caller sets more
	 * after scan_new; the result is the same whatever the number. */
	size_t		 jobs;
	size_t		 first_stride;	/* pipeline_first slots per file */
	/*
	 * Optional hooks, NULL unless the caller sets them after scan_new:
	 * on_outcome sees every counted record, with the path of its file;
	 * on_read is called when a file is opened (BYTES 0) and after every
	 * read, with the bytes that read took from the file (compressed
	 * bytes for gzip, as scan_path_size counts them).  With jobs > 1
	 * they are called from several threads, one at a time, and files
	 * interleave.
	 */
	void		(*on_outcome)(void *ctx, const char *path,
			    const struct pipeline_outcome *o);
	void		(*on_read)(void *ctx, const char *path,
			    uint64_t bytes);
	void		*hook_ctx;
	/* The caller's series (series_new over the scan's sets), or NULL:
	 * every stamped record is counted into it.  Each file is counted
	 * into a series of its own, merged in when the file's result is
	 * added, so that threads never share one nor take turns. */
	struct series	*series;
	/* What PM2's own logs said (pm2.log, given or in a PM2 home);
	 * pm2.apps is NULL when none was read. */
	struct scan_pm2	 pm2;
};

/* SETS must outlive the scan. */
struct scan *scan_new(struct match_set **sets, size_t nsets,
    const struct pipeline_options *opts);

/*
 * Reads PATH: a file, a directory of PM2 logs, a PM2 home (a directory
 * with pm2.log and logs/: both), or "-" for stdin.  PM2's own log
 * (pm2.log and its rotated copies) goes to s->pm2, not through the
 * pattern sets.  Returns 0,
 * or -1 when something could not be read (an entry is added to errors).
 */
int scan_path(struct scan *s, const char *path);

/*
 * scan_path for each of the N PATHS, as one list: with s->jobs > 1 the
 * files of all of them are read at once.  Returns 0 or -1 as scan_path.
 */
int scan_paths(struct scan *s, char *const *paths, size_t n);

/*
 * The bytes scan_path(PATH) would read: the size of a file, or of the PM2
 * logs in a directory; 0 for "-" and for what cannot be stat'ed.
 */
uint64_t scan_path_size(const char *path);

/* First failure of CLASS_IDX (nfailure: damaged, nfailure + 1: success)
 * of SET_IDX in F. */
const struct pipeline_first *scan_file_first(const struct scan *s,
    const struct scan_file *f, size_t set_idx, size_t class_idx);

void scan_free(struct scan *s);

#endif
