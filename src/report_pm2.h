/*
 * report_pm2: what PM2's daemon log said (pm2_apps.h), in the text and
 * JSON reports of `scan` and `summary`.
 *
 * JSON (omniwatch-patterns(5)): the document gets
 *   "pm2": {"apps": {NAME: {"restarts": N, "unplanned_exits": N,
 *       "planned_stops": N, "errored": N, "state": "online",
 *       "state_since": "2026-12-07T00:07:47Z" or null,
 *       "mode": "cluster", "instances": {"ID": {the same but mode}}}},
 *     "logs": [PATH, ...]}
 * with "instances" left out in fork mode and "logs" (the daemon logs
 * read) only for scan.  Nothing is added when no daemon log was read.
 */
#ifndef OMNIWATCH_REPORT_PM2_H
#define OMNIWATCH_REPORT_PM2_H

#include <stdio.h>

#include <jansson.h>

#include "pm2_apps.h"

/* Adds "pm2" to ROOT (a report_json document); A may be NULL (nothing). */
void report_pm2_json_add(json_t *root, const struct pm2_apps *a);

/* Writes the text section to FP; A may be NULL (nothing). */
void report_pm2_write_text(FILE *fp, const struct pm2_apps *a);

#endif
