/*
 * aggregate: counting classified records, per pattern set and per app.
 *
 * failure_rate = failures / (failures + successes); damaged records are
 * counted apart and left out of the rate, since nobody knows how they ended.
 * Times are ms since the epoch; first/last cover the records that counted
 * (success, failure or damaged) and had a stamp.
 */
#ifndef OMNIWATCH_AGGREGATE_H
#define OMNIWATCH_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

struct aggregate_counts {
	uint64_t	 failures;
	uint64_t	 successes;
	uint64_t	 damaged;
	uint64_t	*classes;	/* one per failure class of the set */
	int64_t		 first;		/* STAMP_NONE when unknown */
	int64_t		 last;
};

/* A cluster instance of an app: its "-N" files (N is PM2's pm_id). */
struct aggregate_instance {
	int		 id;
	struct aggregate_counts counts;
};

struct aggregate_app {
	char		*name;
	struct aggregate_counts counts;	/* all of its files */
	/* Per cluster instance, by id; none in fork mode
	 * or when the files do not say.  Their counts add up to counts'
	 * when every file of the app carried an instance. */
	struct aggregate_instance *instances;
	size_t		 ninstances;
};

struct aggregate_set {
	const struct match_set *set;
	struct aggregate_counts total;
	struct aggregate_app *apps;
	size_t		 napps;
	size_t		 last_app;	/* lookup cache: records come in runs */
};

struct aggregate {
	struct aggregate_set *sets;
	size_t		 nsets;
};

/* SETS must outlive the aggregate. */
struct aggregate *aggregate_new(struct match_set *const *sets, size_t nsets);

/*
 * Counts one record of set SET_IDX for APP, and for its cluster INSTANCE
 * (the pm_id of its "-N" file; -1 for none).  OUTCOME MATCH_NONE is
 * ignored; CLASS_IDX is read for MATCH_FAILURE only.
 */
void aggregate_add(struct aggregate *agg, size_t set_idx, const char *app,
    int instance, enum match_outcome outcome, size_t class_idx,
    int64_t ts_ms);

/*
 * Counts COUNT records at once (a bucket read back from the state), with
 * the stamps of the first and last of them (STAMP_NONE when unknown).
 */
void aggregate_add_n(struct aggregate *agg, size_t set_idx, const char *app,
    int instance, enum match_outcome outcome, size_t class_idx,
    uint64_t count, int64_t first_ms, int64_t last_ms);

/*
 * Counts COUNT records for INSTANCE (>= 0) of APP only, leaving the app's
 * and the set's totals alone: the state keeps the per-instance counts
 * beside the app's (state_instance.h), and `summary` adds both.
 */
void aggregate_add_instance_n(struct aggregate *agg, size_t set_idx,
    const char *app, int instance, enum match_outcome outcome,
    size_t class_idx, uint64_t count, int64_t first_ms, int64_t last_ms);

/*
 * Adds SRC's counts to DST (made over the same sets).  Apps new to DST are
 * appended in SRC's order, so that merging per-file aggregates in file
 * order gives what counting the files in that order gives.
 */
void aggregate_merge(struct aggregate *dst, const struct aggregate *src);

/* The failure rate in [0, 1], or -1 when there were no outcomes. */
double aggregate_failure_rate(const struct aggregate_counts *c);

void aggregate_free(struct aggregate *agg);

#endif
