/*
 * series: counts per hour, per pattern set, for the "hours" of the JSON
 * report and the chart of the HTML one.
 *
 * An hour is [HH:00:00, HH+1:00:00) UTC, named by its start in ms.  Only
 * hours that hold at least one outcome are kept, sorted by time; a reader
 * that plots them fills the gaps.  `scan` adds records one by one (those
 * without a stamp have no hour and are left out); `summary` adds the
 * state's minute buckets, whose minute decides the hour.
 */
#ifndef OMNIWATCH_SERIES_H
#define OMNIWATCH_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

#define SERIES_HOUR_MS	3600000LL

struct series_hour {
	int64_t		 hour_ms;	/* start of the hour, UTC */
	uint64_t	 failures;
	uint64_t	 successes;
	uint64_t	 damaged;
	uint64_t	*classes;	/* one per failure class of the set */
};

struct series_set {
	const struct match_set *set;
	struct series_hour *hours;	/* sorted by hour_ms, no duplicates */
	size_t		 nhours;
	size_t		 cap;
	size_t		 last;		/* lookup cache: records come in runs */
};

struct series {
	struct series_set *sets;
	size_t		 nsets;
};

/* SETS must outlive the series. */
struct series *series_new(struct match_set *const *sets, size_t nsets);

/*
 * Adds COUNT outcomes of set SET_IDX stamped TS_MS (any time within the
 * hour; STAMP_NONE: ignored).  CLASS_IDX is read for MATCH_FAILURE only;
 * MATCH_NONE is ignored.
 */
void series_add(struct series *s, size_t set_idx, enum match_outcome outcome,
    size_t class_idx, uint64_t count, int64_t ts_ms);

/* The failure rate of H in [0, 1], or -1 without outcomes. */
double series_hour_rate(const struct series_hour *h);

/* Accepts NULL. */
void series_free(struct series *s);

#endif
