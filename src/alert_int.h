/*
 * alert_int: alert.c's rules and windows, for the files that add kinds
 * of rules (alert_pm2.c).  Not for the rest of the program, which goes
 * through alert.h.
 */
#ifndef OMNIWATCH_ALERT_INT_H
#define OMNIWATCH_ALERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

struct pm2_apps;
struct alert_pm2_rule;

#define ALERT_RUNS_MAX		64	/* distinct stamps kept in a streak */

/*
 * The streak follows the records' stamps, not the order they are read in.
 * PM2 writes an app's failures to <app>-error.log and its successes to
 * <app>-out.log, and tail reads each modified file in one go, so
 * alternating traffic (F S F S) arrives as F F ... S S; counted in read
 * order it would be a streak.  So the streak is kept as runs of failures
 * by stamp, oldest first, and a success stamped S ends the runs stamped
 * no later than S.  Ties go to the success: PM2's --time stamps have whole
 * seconds ("YYYY-MM-DDTHH:mm:ss", PM2 7.0.4, see stamp.h), so a failure
 * and a success of the same second in two files cannot be ordered, and a
 * late alert is better than a false one.  A failure stamped before the
 * latest success seen (streak_floor_ms) starts no run, nor does one of
 * the same second unless it comes from the one source (app and stream)
 * that success came from: within a file, read order is the true order.
 * An unstamped failure is a run at 0 (read order: any later success ends
 * it); an unstamped success ends every run.  When the runs are full the
 * two oldest merge at the older stamp: a success that arrives late and
 * lands between them then ends both, a late alert again.  (An app's
 * cluster instances, its -N files, share a source: a failure in one file
 * of the same second as a success in another is then counted.)
 */
struct alert_run {
	int64_t		 ms;		/* the failures' stamp; 0: unstamped */
	uint64_t	 n;
};

struct alert_slot {
	int64_t		 idx;		/* time / slot_ms; -1: empty */
	uint32_t	 successes;
	uint32_t	 failures;	/* of the rule's classes */
	uint32_t	 all_failures;
	uint32_t	 damaged;
	int64_t		 first_fail;	/* STAMP_NONE: none */
	uint32_t	*classes;	/* per set->failure */
};

struct alert_app {
	char		*name;
	int64_t		 last_ms;
};

struct alert_rule {
	const struct config_alert *cfg;
	size_t		 set_idx;
	const struct match_set *set;
	bool		*class_on;	/* per set->failure: counted */
	int64_t		 slot_ms;
	size_t		 nslots;
	struct alert_slot *slots;
	uint32_t	*class_mem;
	int64_t		 cur_idx;	/* the ring is advanced to here */
	uint64_t	 successes, failures, all_failures, damaged;
	uint64_t	*classes;
	/* The state, as saved. */
	enum alert_status status;
	char		 id[17];
	int64_t		 since_ms;
	int64_t		 last_start_ms;	/* of the last firing episode */
	int64_t		 last_notified_ms;
	uint64_t	 streak;	/* the runs' sum */
	int64_t		 streak_floor_ms;	/* latest success stamp; 0 */
	uint64_t	 floor_source;	/* alert_source() of its success */
	bool		 is_floor_mixed;	/* successes from two sources */
	int64_t		 keep_since_ms;	/* firing, condition false; 0 */
	int64_t		 last_success_ms;	/* 0: none */
	int64_t		 last_failure_ms;	/* 0: none */
	int64_t		 created_ms;
	bool		 is_dirty;
	struct alert_run runs[ALERT_RUNS_MAX];
	size_t		 nruns;
	struct alert_app apps[ALERT_APPS_MAX];
	size_t		 napps;
	char		*sample;	/* last counted failure, raw */
	size_t		 sample_len;
	struct alert_pm2_rule *pm2;	/* alert_pm2.c's, or NULL */
};

struct alert {
	struct alert_rule *rules;
	size_t		 nrules;
	struct state	*st;
	const struct redact *rd;
	struct alert_cb	 cb;
	char		 host[256];
	const struct pm2_apps *pm2;	/* PM2's states (alert_pm2.c); NULL */
};

/* Lets the slots that fell out of the window by NOW_MS go. */
void alert_rule_advance(struct alert_rule *r, int64_t now_ms);

/* The slot for time T (ms), or NULL when T is outside the window. */
struct alert_slot *alert_rule_slot(struct alert_rule *r, int64_t t);

/* APP had a counted event at T: named in the notices. */
void alert_rule_app(struct alert_rule *r, const char *app, int64_t t);

/* ---------------------------------------------------------------------
 * The window and the streak (alert_window.c).
 */

/* True when R's window holds no record. */
bool alert_rule_is_empty(const struct alert_rule *r);

/*
 * Adds COUNT records of OUTCOME (CLASS_IDX for failures) of APP at time T
 * (ms since the epoch) to R's window.  FIRST is the earliest failure's
 * time among them.
 */
void alert_rule_count(struct alert_rule *r, const char *app,
    enum match_outcome outcome, size_t class_idx, uint64_t count,
    int64_t first, int64_t t);

/*
 * 64-bit FNV-1a of the N strings of PARTS, each with its NUL, so that
 * ("ab", "c") and ("a", "bc") differ (http://www.isthe.com/chongo/tech/
 * comp/fnv/, the FNV-1a offset basis and prime for 64 bits).
 */
uint64_t alert_fnv1a(const char *const *parts, size_t n);

/* A record's source for the streak: its app and stream, hashed. */
uint64_t alert_source(const char *app, const char *stream);

/* A counted failure stamped TS (STAMP_NONE: unstamped) from SOURCE. */
void alert_streak_fail(struct alert_rule *r, int64_t ts, uint64_t source);

/*
 * A success stamped TS (STAMP_NONE: unstamped) from SOURCE ends the runs
 * not later than itself.
 */
void alert_streak_success(struct alert_rule *r, int64_t ts,
    uint64_t source);

#endif
