/*
 * report_backtest: a backtest's episodes (backtest.h) as text, JSON or a
 * self-contained HTML page in report_html's style, each with a timeline
 * per rule: when it was firing over the time replayed.
 */
#ifndef OMNIWATCH_REPORT_BACKTEST_H
#define OMNIWATCH_REPORT_BACKTEST_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "backtest.h"

/* What the reports say besides the backtest: borrowed strings. */
struct report_backtest {
	const struct backtest *bt;
	const char	*config_path;
	char *const	*overrides;	/* --set arguments, as given */
	size_t		 noverrides;
	int64_t		 now_ms;	/* when the report was made */
};

/*
 * The JSON document: {"episodes": [...], "rules": [...], "clock": {...},
 * "totals": {...}, "files": [...], "errors": [...]} (omniwatch(1),
 * backtest).  The caller owns the result (json_decref).
 */
json_t *report_backtest_json(const struct report_backtest *r);

/* The text report, one block per rule with its timeline. */
void report_backtest_text(const struct report_backtest *r, FILE *fp);

/* The HTML page.  Returns 0, or -1 when FP has an error. */
int report_backtest_html(const struct report_backtest *r, FILE *fp);

#endif
