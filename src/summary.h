/*
 * summary: the counts that `watch` committed to the state, read back into
 * an aggregate, so that `omniwatch summary` prints the same report as
 * `scan` would have for the same records.
 *
 * Buckets are matched to AGG's sets by pattern set name; classes by name
 * within the set.  The state outlives pattern edits: a bucket of a set that
 * AGG does not hold is skipped quietly (another config counted it), a
 * failure class that the set no longer has is skipped with one warning per
 * class.  The resolution is the bucket's minute.
 */
#ifndef OMNIWATCH_SUMMARY_H
#define OMNIWATCH_SUMMARY_H

#include <stdint.h>

#include "aggregate.h"
#include "state.h"

/*
 * Adds to AGG every bucket of ST whose minute starts in [SINCE_MS,
 * UNTIL_MS) (STAMP_NONE: no bound).  Returns 0, or -1 when the state could
 * not be read (logged, naming the file).
 */
int summary_load(struct state *st, struct aggregate *agg, int64_t since_ms,
    int64_t until_ms);

#endif
