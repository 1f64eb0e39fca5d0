/*
 * progress: one line on standard error that tells how far a long read has
 * got (scan: bytes read of the total, speed, time left, the current file;
 * summary: buckets read), redrawn at most every PROGRESS_INTERVAL_MS and
 * erased when done, so that it never mixes with the report on stdout.
 *
 * Only for people: progress_new returns NULL unless standard error is a
 * terminal and messages are not quieted (-q), and every other function
 * accepts NULL, so callers need no test of their own.
 */
#ifndef OMNIWATCH_PROGRESS_H
#define OMNIWATCH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#define PROGRESS_INTERVAL_MS	100

struct progress;

/*
 * WHAT names the command ("scan"); TOTAL is the amount expected (0:
 * unknown); IS_BYTES says whether amounts are bytes or items, counted as
 * UNIT_ONE or UNIT_MANY ("bucket", "buckets"; NULL with IS_BYTES).
 */
struct progress *progress_new(const char *what, uint64_t total,
    bool is_bytes, const char *unit_one, const char *unit_many);

/*
 * DONE so far and the current file (NAME, or NULL to keep the last one).
 * Draws when the line is due; the first call always draws.
 */
void progress_set(struct progress *p, uint64_t done, const char *name);

/* Draws the final state, erases the line and frees P. */
void progress_done(struct progress *p);

#endif
