/*
 * scan_int: what scan.c (the list of files, the results added in order)
 * and scan_read.c (reading the files, in threads) share.  Not a public
 * interface.
 */
#ifndef OMNIWATCH_SCAN_INT_H
#define OMNIWATCH_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "scan.h"
#include "scan_pm2.h"
#include "series.h"

/* One file's scan, made by a worker, added to the scan in file order. */
struct scan_result {
	char		*path;
	bool		 is_done;	/* not to read: said in its place */
	bool		 is_open;	/* f holds the file */
	struct scan_file f;
	struct aggregate *agg;		/* the file's counts */
	struct series	*series;	/* its steps, when s->series */
	char		*error;		/* malloc'd, or NULL */
	uint64_t	 error_offset;
	char		*log;		/* what was said, when captured */
	size_t		 log_len;
	bool		 is_pm2_daemon;	/* PM2's own log */
	bool		 is_live;	/* a live log of a PM2 home or logs
					   directory, not a copy */
	char		*app;		/* the app dump.pm2 names, or NULL */
	struct scan_pm2_lines daemon;	/* its lines, for s->pm2 */
};

/*
 * Reads the N entries of RES (files, and what could not be listed, said in
 * its place), in up to s->jobs threads, and adds them to S in that order
 * (scan_result_add), so that the result does not depend on which thread
 * finished first.  One thread reads and adds each file in turn; several
 * keep what each file's reading said and write it out with the file, in
 * order too.  Frees RES.  Returns 0, or -1 when a file had an error.
 */
int scan_read_files(struct scan *s, struct scan_result *res, size_t n);

/* Adds R, read by a worker, to S: files, counts, the series and errors,
 * in order; releases R's parts.  Returns 0, or -1 when R had an error. */
int scan_result_add(struct scan *s, struct scan_result *r);

#endif
