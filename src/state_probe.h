/*
 * state_probe: the results of watch's probes (probe.h), with their
 * history, for `summary`, the HTML report and the notices after a
 * restart.
 *
 * Schema version 6 adds
 *   probes(name, at_ms, verdict, status, base_status, duration_ms, url,
 *          evidence, PRIMARY KEY (name, at_ms))
 * status and base_status are 0 when there was no answer; url and evidence
 * are stored redacted, as they were shown.  A result joins state.h's open
 * transaction and commits with the counts.
 */
#ifndef OMNIWATCH_STATE_PROBE_H
#define OMNIWATCH_STATE_PROBE_H

#include <stdint.h>

#include "state.h"

/* Version 6's table, run by state.c's upgrade after version 5's. */
extern const char state_probe_schema[];

/* A probe's result; strings borrowed for the call. */
struct state_probe {
	const char	*name;
	int64_t		 at_ms;		/* ms since the epoch */
	const char	*verdict;	/* "ok", "route_missing"... */
	long		 status;	/* 0: no answer */
	long		 base_status;
	int64_t		 duration_ms;
	const char	*url;		/* redacted */
	const char	*evidence;	/* redacted */
};

/*
 * Notes P (copied) for the next commit, which saves it and forgets that
 * probe's results older than KEEP_MS before P's (state_journal.h: a failed
 * commit keeps it for the one after).  Returns 0, or -1 when the state
 * takes no changes (opened read-only).
 */
int state_probe_save(struct state *st, const struct state_probe *p,
    int64_t keep_ms);

/*
 * Calls FN for every result in [SINCE_MS, UNTIL_MS) (STAMP_NONE: no
 * bound), by probe name, then time.  A state older than version 6 has
 * none: returns 0 without calling FN.  Returns 0 or -1 (logged).
 */
int state_probes(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, const struct state_probe *p), void *ctx);

/* The latest result of each probe, by name; as state_probes. */
int state_probes_latest(struct state *st,
    void (*fn)(void *ctx, const struct state_probe *p), void *ctx);

#endif
