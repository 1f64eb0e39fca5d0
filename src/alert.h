/*
 * alert: the rules of the config's `alerts:` list, their windows, and the
 * state machine that decides when to notify (omniwatch.yaml(5), ALERT RULES).
 *
 * Every counted record of a rule's pattern set is added to the rule's
 * window, a ring of time slots (1 s wide, wider for windows over 10
 * minutes, so a ring never has more than ALERT_SLOTS_MAX), with running
 * totals so that a rule is evaluated in constant time.  A record is
 * placed by its stamp (unstamped: now); one older than the window only
 * moves the streak and the last-seen times.  The streak of
 * consecutive_failures is ordered by stamp too, not by arrival (alert.c).
 *
 * The states are Alertmanager's: inactive -> pending (condition true,
 * waiting out `for`) -> firing -> (condition false, for keep_firing_for)
 * resolved, which is inactive again.  One notification when an alert fires, one when it
 * resolves, and while it stays firing one every repeat_interval; all of
 * an episode's notifications carry the same id.  The state of every rule
 * is saved into the state's open transaction when it changes and at every
 * commit (alert_save), together with the counts that caused it, so a
 * restart neither fires again nor forgets a firing alert.  At start the
 * windows are filled from the state's per-minute buckets: a bucket is
 * placed at its last stamp, else at the end of its minute (the latest it
 * can be), so short windows are approximate for a minute after a restart.
 */
#ifndef OMNIWATCH_ALERT_H
#define OMNIWATCH_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "match.h"
#include "pm2_daemon.h"
#include "redact.h"
#include "state.h"

#define ALERT_SLOTS_MAX		600	/* ring slots per rule */
#define ALERT_APPS_MAX		16	/* apps named in a notification */
#define ALERT_SAMPLE_MAX	2048	/* bytes of the sample excerpt */
#define ALERT_SAMPLE_RAW	(2 * ALERT_SAMPLE_MAX)	/* kept, unredacted */

enum alert_status {
	ALERT_INACTIVE,
	ALERT_PENDING,
	ALERT_FIRING,
};

/* What one notification says; everything is borrowed for the call. */
struct alert_notice {
	const struct config_alert *rule;
	const char	*id;		/* 16 hex digits, one per episode */
	bool		 is_resolved;	/* else firing (first or repeat) */
	const char	*pattern_set;
	const char	*host;
	const char	*apps[ALERT_APPS_MAX];	/* with failures in window */
	size_t		 napps;
	const struct match_set *set;
	const uint64_t	*class_counts;	/* per set->failure, in window */
	uint64_t	 failures;	/* of the rule's classes, in window */
	uint64_t	 all_failures;	/* of any class, in window */
	uint64_t	 successes;
	uint64_t	 damaged;
	double		 failure_rate;	/* failures/(all+successes); -1 */
	uint64_t	 streak;	/* consecutive failures now */
	int64_t		 first_failure_ms;	/* in window; STAMP_NONE */
	int64_t		 last_failure_ms;	/* latest seen; STAMP_NONE */
	int64_t		 last_success_ms;	/* latest seen; STAMP_NONE */
	int64_t		 dominant;	/* index into set->failure, or -1 */
	const char	*sample;	/* redacted, <= ALERT_SAMPLE_MAX */
	size_t		 sample_len;	/* 0: no sample */
	int64_t		 starts_at_ms;	/* when it fired */
	int64_t		 ends_at_ms;	/* when it resolved; 0 if firing */
	int64_t		 at_ms;		/* now */
	/* What PM2's log says of the apps (restarts, app_errored, and
	 * no_success when an app is stopped or errored), or NULL. */
	const char	*pm2_note;
	/* The latest result of the pattern set's probe (probe_set.h), set
	 * by the notify callback's caller; probe NULL: none. */
	const char	*probe;		/* its name */
	const char	*probe_verdict;	/* "route_missing"... */
	const char	*probe_evidence;	/* redacted */
	long		 probe_status;	/* 0: no answer */
	int64_t		 probe_at_ms;
};

struct alert_cb {
	/* Called inside the open transaction, after the rule's new state
	 * was saved: queue the notice there too. */
	void	(*notify)(void *ctx, const struct alert_notice *n);
	void	*ctx;
	/* The condition of a rule of kind probe over pattern set SET: is
	 * its probe's latest verdict not ok?  NULL: never. */
	bool	(*probe_failing)(void *ctx, const struct config_alert *rule,
		    const char *set);
};

struct alert;

/*
 * Builds CFG's rules over SETS (borrowed, as are ST, RD and CFG; all
 * must outlive it), restores their saved state and fills their windows
 * from ST's buckets.  Saved rules that CFG no longer has are forgotten
 * (logged).  Returns NULL with *ERR ("FILE:LINE:COLUMN: ...", malloc'd)
 * when a rule names a pattern set or class that is not loaded.  With ST
 * NULL nothing is read or saved: the rules start empty at NOW_MS, as
 * `watch --check` checks them and `backtest` replays them.
 */
struct alert *alert_new(const struct config *cfg, struct match_set **sets,
    size_t nsets, struct state *st, const struct redact *rd,
    const struct alert_cb *cb, int64_t now_ms, char **err);

/*
 * Counts one record of set SET_IDX stamped TS_MS (ms since the epoch, or
 * STAMP_NONE), read from APP's STREAM ("out", "error", "" or NULL: records
 * of one app and stream are taken to be read in the order they were
 * written), with TEXT, LEN (the record, for the sample), into the rules
 * over that set and, when EVALUATE, runs their state machines.  watch passes
 * false and calls alert_tick() once a whole batch of reads is counted:
 * an app's -error.log and -out.log are read one after the other, and a
 * rule judged between the two would see what never happened; so would
 * a backlog caught up at start.
 */
void alert_record(struct alert *al, size_t set_idx, const char *app,
    const char *stream, enum match_outcome outcome, size_t class_idx,
    int64_t ts_ms, const char *text, size_t len, int64_t now_ms,
    bool evaluate);

/*
 * Runs every rule's state machine at NOW_MS (ms since the epoch): records
 * counted since, windows emptying, for and keep_firing_for elapsed,
 * repeats.
 */
void alert_tick(struct alert *al, int64_t now_ms);

/* When alert_tick() next has work (ms since the epoch), or INT64_MAX. */
int64_t alert_deadline(const struct alert *al, int64_t now_ms);

/*
 * PM2's daemon log (alert_pm2.c): the rules of kind restarts and
 * app_errored, and the notes of no_success.  APPS (borrowed, kept up to
 * date by the caller) holds each app's last state; EV happened to APP at
 * TS_MS (STAMP_NONE: now).
 */
struct pm2_apps;
void alert_pm2_apps(struct alert *al, const struct pm2_apps *apps);
void alert_pm2_event(struct alert *al, const char *app, int ev,
    int64_t ts_ms, int64_t now_ms);

/*
 * The news of pm2_daemon.h's tracker, taken as watch and backtest both
 * take it, so that the two judge restarts and app_errored alike: event
 * EV (enum pm2_event) of instance I, stamped TS_MS (STAMP_NONE: at
 * NOW_MS), is counted into APPS and into the restarts rules; a change of
 * I's state goes into APPS, where app_errored's condition and the notes
 * read it.  APPS is the one given to alert_pm2_apps().
 */
struct pm2_instance;
void alert_pm2_news_event(struct alert *al, struct pm2_apps *apps,
    const struct pm2_instance *i, int ev, int64_t ts_ms, int64_t now_ms);
void alert_pm2_news_state(struct pm2_apps *apps,
    const struct pm2_instance *i);

/* Saves the rules whose state moved into the open transaction. */
void alert_save(struct alert *al);

/*
 * Does a record of set SET_IDX with OUTCOME and CLASS_IDX count as a
 * failure of rule I (its pattern set and classes)?  The last such record
 * is the sample of the rule's notifications.
 */
bool alert_rule_counts(const struct alert *al, size_t i, size_t set_idx,
    enum match_outcome outcome, size_t class_idx);

/*
 * The figure rule I compares with its threshold at NOW_MS (ms since the
 * epoch), once its window was advanced there by alert_tick(): the failure
 * rate in [0, 1] (0 for an empty window), the failures in the window, the
 * streak, for no_success the seconds without a success, or for probe 1
 * while the probe's verdict is not ok.
 */
double alert_rule_value(const struct alert *al, size_t i, int64_t now_ms);

/* For metrics: the rules, their names and states. */
size_t alert_nrules(const struct alert *al);
const char *alert_rule_name(const struct alert *al, size_t i);
enum alert_status alert_rule_status(const struct alert *al, size_t i);
const char *alert_status_name(enum alert_status s);

/* What a window holds (alert_window_counts). */
struct alert_window {
	uint64_t	 successes;
	uint64_t	 failures;	/* of any class */
	uint64_t	 damaged;
};

/*
 * The records of pattern set SET in the window of WINDOW_MS ending at
 * NOW_MS (ms), read from ST's buckets by the very code that fills a
 * rule's window at start (the same slots; a bucket placed at its last
 * stamp, else at the end of its minute), so that `check --window` and a
 * rule over the same window cannot disagree.  Reads only (a read-only ST
 * will do).  Returns 0 or -1.
 */
int alert_window_counts(struct state *st, struct match_set *set,
    int64_t window_ms, int64_t now_ms, struct alert_window *out);

/*
 * What a restarts rule of WINDOW_MS over every app would count at NOW_MS,
 * per app, of the events EV of PM2's log in ST (PM2_EVENT_RESTART is what
 * the rule counts; `check` counts PM2_EVENT_UNPLANNED_EXIT, which a
 * planned restart, reload or stop is not): a rule filled as watch fills
 * one at start, the counts its condition compares.  FN is called for
 * each app counted, with its count.  SET is any pattern set (a rule has
 * one).  Reads only.  Returns 0 or -1.
 */
int alert_window_restarts(struct state *st, struct match_set *set,
    enum pm2_event ev, int64_t window_ms, int64_t now_ms,
    void (*fn)(void *ctx, const char *app, uint64_t n), void *ctx);

void alert_free(struct alert *al);

#endif
