/*
 * report: the results of a scan as text for people or JSON for programs.
 *
 * The JSON keys are a contract (omniwatch-patterns(5), JSON OUTPUT):
 * pattern_sets, files and errors, as described there.  Every string that came from a log
 * or a file name is made valid UTF-8 first (invalid bytes become U+FFFD), so
 * the output is valid JSON whatever bytes the logs hold.
 */
#ifndef OMNIWATCH_REPORT_H
#define OMNIWATCH_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "scan.h"
#include "series.h"

/*
 * Builds the JSON document for the counts in AGG and, when S is not NULL,
 * the files and errors of that scan (else both lists are empty).  The
 * caller owns the reference.
 */
json_t *report_json(const struct aggregate *agg, const struct scan *s);

/* Writes the JSON document (one object, then LF) to FP.  Returns 0 or -1. */
int report_write_json(const struct aggregate *agg, const struct scan *s,
    FILE *fp);

/*
 * Writes the text report to FP; S may be NULL as for report_json.  STEPS
 * (same sets as AGG, or NULL) adds under each set its steps that hold
 * failures.
 */
void report_write_text(const struct aggregate *agg, const struct scan *s,
    const struct series *steps, FILE *fp);

/* MS (ms since the epoch) as an ISO 8601 UTC string, STAMP_NONE as null. */
json_t *report_json_time(int64_t ms);

/* --format: what a report is written as. */
enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_HTML,
};

/* "text", "json" or "html" into *OUT.  Returns 0 or -1. */
int report_format_parse(const char *arg, enum report_format *out);

/*
 * Adds to each pattern set of ROOT (a report_json document over the same
 * sets) the key "hours": its hours in SERIES, oldest first, each
 * {"hour": "2026-11-29T10:00:00Z", "failures": N, "successes": N,
 * "damaged": N, "failure_rate": 0.0-1.0 or null, "classes": {...}}.
 */
void report_json_add_hours(json_t *root, const struct series *series);

/*
 * Adds to each pattern set of ROOT the key "steps": its steps in STEPS
 * (any step, series.h), oldest first, each as an hour above but with
 * "start" for "hour"; and "step": STEPS's step as written ("1m", "1h").
 */
void report_json_add_steps(json_t *root, const struct series *steps);

/* Writes ROOT (one object, then LF) to FP.  Returns 0 or -1. */
int report_json_dump(json_t *root, FILE *fp);

#include "report_output.h"

#endif
