/*
 * series: counts per step of time, per pattern set, for the "hours" and
 * "steps" of the JSON report, the steps of the text one and the chart of
 * the HTML one.
 *
 * A step is [start, start + step_ms) with start a multiple of step_ms
 * since the epoch (UTC): a minute, an hour, a day, or any whole number of
 * minutes.  Only steps that hold at least one outcome are kept; a reader
 * that plots them fills the gaps.  `scan` adds records one by one (those
 * without a stamp have no step: they are counted apart, in each set's
 * `undated`, so that a report can say them); `summary` adds the
 * state's minute buckets.  Both count at a minute and regroup the minutes
 * into hours and into the step asked for (series_regroup), so that a
 * step's bounds are decided by one rule.
 *
 * Steps are appended as they come and found again through a hash of
 * their start, so that records out of time order (files read newest
 * first, a month of minutes) cost no memmove; series_regroup reads them
 * in time order and makes a series whose steps are sorted.
 */
#ifndef OMNIWATCH_SERIES_H
#define OMNIWATCH_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match.h"

#define SERIES_MINUTE_MS	60000LL
#define SERIES_HOUR_MS		3600000LL
#define SERIES_DAY_MS		86400000LL
/* The default step is a minute up to this range, an hour beyond. */
#define SERIES_FINE_RANGE_MS	(6 * SERIES_HOUR_MS)

struct series_step {
	int64_t		 start_ms;	/* UTC, a multiple of the step */
	uint64_t	 failures;
	uint64_t	 successes;
	uint64_t	 damaged;
	uint64_t	*classes;	/* one per failure class of the set */
};

struct series_set {
	const struct match_set *set;
	struct series_step undated;	/* outcomes without a stamp; its
					 * start_ms is STAMP_NONE */
	struct series_step *steps;	/* no duplicates; sorted when is_sorted */
	size_t		 nsteps;
	size_t		 cap;
	size_t		 last;		/* lookup cache: records come in runs */
	size_t		*slots;		/* hash of start_ms: index + 1, 0 free */
	size_t		 nslots;	/* a power of two, or 0 */
	bool		 is_sorted;
};

struct series {
	int64_t		 step_ms;
	struct series_set *sets;
	size_t		 nsets;
};

/* The start of the step of STEP_MS (ms) that holds TS_MS (ms since the
 * epoch). */
int64_t series_floor(int64_t ts_ms, int64_t step_ms);

/* SETS must outlive the series.  STEP_MS is a whole number of minutes. */
struct series *series_new(struct match_set *const *sets, size_t nsets,
    int64_t step_ms);

/*
 * Adds COUNT outcomes of set SET_IDX stamped TS_MS (any time within the
 * step; STAMP_NONE: to the set's undated).  CLASS_IDX is read for
 * MATCH_FAILURE only; MATCH_NONE is ignored.
 */
void series_add(struct series *s, size_t set_idx, enum match_outcome outcome,
    size_t class_idx, uint64_t count, int64_t ts_ms);

/*
 * A new series over SRC's sets at STEP_MS (a multiple of SRC's step),
 * each of its steps the sum of SRC's steps that start within it, and its
 * undated SRC's; its steps are sorted.  Sorts SRC's steps.  Free with series_free.
 */
struct series *series_regroup(struct series *src, int64_t step_ms);

/*
 * Adds every step of SRC, and its undated, into DST, over the same sets,
 * DST's step a multiple of SRC's (the sum of series counted apart, as
 * scan's threads count theirs).  Sorts SRC's steps.
 */
void series_merge(struct series *dst, struct series *src);

/*
 * The step to report a range at when the user gave none: a minute when
 * [SINCE_MS, UNTIL_MS) is at most SERIES_FINE_RANGE_MS long, else an
 * hour.  An open bound (STAMP_NONE) is taken from the steps of S (its
 * first step's start, its last step's end); S may be NULL.
 */
int64_t series_step_default(const struct series *s, int64_t since_ms,
    int64_t until_ms);

/*
 * Parses --step and the API's step= ("1m", "5m", "1h", "1d"): a whole
 * number of minutes from a minute to a day, into *STEP_MS.  Returns 0, or
 * -1 with *ERR (static text) saying what was expected.
 */
int series_step_parse(const char *arg, int64_t *step_ms, const char **err);

/* The step as the user would write it ("1m", "15m", "2h", "1d") in BUF
 * (at least 24 bytes); returns BUF. */
const char *series_step_name(int64_t step_ms, char *buf);

/* The failure rate of ST in [0, 1], or -1 without outcomes. */
double series_step_rate(const struct series_step *st);

/* Accepts NULL. */
void series_free(struct series *s);

#endif
