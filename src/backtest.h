/*
 * backtest: the config's alert rules replayed over logs already on disk,
 * with the records' stamps as the clock (omniwatch(1), backtest).
 *
 * The rules are alert.c's, run as `watch` runs them: records are counted
 * with alert_record() and judged with alert_tick() once every record of
 * the same stamp is in (watch judges a batch of reads at once), and
 * between two stamps the clock stops at each alert_deadline() (a window
 * emptying, `for` and keep_firing_for elapsing, a repeat), as watch's
 * timer wakes it.  The notices the rules hand out are kept as episodes;
 * nothing is sent and no state is opened.
 *
 * The first read keeps one small event per counted record (stamp, set,
 * outcome, class, app and stream, where in which file), never its text,
 * so a month of logs fits in memory; the events are sorted by stamp
 * (records of several files merged), and replayed.  Only then is it
 * known which records were the samples of the episodes: the files that
 * hold them are read again for their text alone, and a second replay,
 * identical but for them, lets alert.c make the samples as it makes them
 * for watch (redacted, cut).
 */
#ifndef OMNIWATCH_BACKTEST_H
#define OMNIWATCH_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "match.h"
#include "redact.h"
#include "scan.h"

struct backtest_options {
	int64_t		 since_ms;	/* STAMP_NONE: from the first stamp */
	int64_t		 until_ms;	/* exclusive; STAMP_NONE: to the last */
	const bool	*rule_on;	/* per cfg->alerts; NULL: every rule */
};

struct backtest_episode {
	size_t		 rule;		/* index into cfg->alerts */
	char		 id[17];	/* as watch's notices would carry */
	int64_t		 fired_ms;	/* ms since the epoch */
	int64_t		 resolved_ms;	/* STAMP_NONE: firing at the end */
	double		 peak;		/* alert_rule_value()'s largest */
	int64_t		 peak_ms;	/* when it was reached */
	uint64_t	 notifications;	/* firing + repeats + resolved */
	uint64_t	 repeats;
	uint64_t	 failures;	/* in the window when it fired */
	uint64_t	 successes;
	char		*sample;	/* redacted; NULL: none */
	size_t		 sample_len;
	char		*note;		/* what PM2's log said (the notice's
					 * pm2_note) when it fired; NULL */
	size_t		 sample_event;	/* internal: its record's event */
};

struct backtest_totals {
	uint64_t	 records;	/* counted outcomes replayed */
	uint64_t	 undated;	/* counted, without a stamp (or one
					 * before 1970): not replayed */
	uint64_t	 damaged;	/* of the replayed ones */
	int64_t		 first_ms;	/* the clock's start, or STAMP_NONE */
	int64_t		 last_ms;	/* its end */
	int64_t		 first_stamp_ms;	/* of the records; STAMP_NONE */
	int64_t		 last_stamp_ms;
	uint64_t	 pm2_logs;	/* PM2's own logs read (pm2.log...) */
	uint64_t	 pm2_events;	/* their events replayed */
	uint64_t	 pm2_undated;	/* their events without a stamp */
};

struct backtest {
	const struct config *cfg;	/* borrowed, as sets and rd */
	struct match_set **sets;
	size_t		 nsets;
	const struct redact *rd;
	struct backtest_options opts;
	struct scan	*scan;		/* the first read: files, errors */
	struct backtest_episode *episodes;	/* by fired_ms, then rule */
	size_t		 nepisodes;
	struct backtest_totals totals;
	/* Internal. */
	struct backtest_event *events;
	size_t		 nevents, cap;
	char		**files;	/* paths, in the order first read */
	size_t		 nfiles;
	struct backtest_source *sources;	/* app and stream */
	size_t		 nsources;
	size_t		 cur_file;	/* of the read hook */
	uint32_t	 cur_seq;
	struct backtest_pm2 *pm2;	/* PM2's own log's events */
};

/*
 * Makes a backtest of CFG's rules over SETS (CFG's pattern sets, loaded;
 * all borrowed and must outlive it).  Returns NULL with *ERR (malloc'd)
 * when a rule names a set or class that is not loaded.
 */
struct backtest *backtest_new(const struct config *cfg,
    struct match_set **sets, size_t nsets, const struct redact *rd,
    const struct backtest_options *opts, char **err);

/*
 * The files `watch` would follow for CFG's sources, with the rotated and
 * compressed copies beside them: each pm2_home as `scan PM2_HOME` reads
 * it (pm2.log and its rotated copies, logs/, the logs dump.pm2 places
 * elsewhere; only logs/ when the home has no pm2.log), each match of each path glob and of that glob
 * followed by ".*" or "-*" (logrotate's .1, .2.gz and dateext copies,
 * pm2-logrotate's __DATE.log.gz).  Returns a malloc'd array of *N
 * malloc'd paths (NULL-terminated); free with backtest_paths_free.
 */
char **backtest_config_paths(const struct config *cfg, size_t *n);
void backtest_paths_free(char **paths, size_t n);

/*
 * Reads the N PATHS (files, PM2 log directories; as `scan` does) and
 * replays the rules over their records, filling episodes and totals.
 * Returns 0, or -1 when some input could not be read (the scan's errors
 * say what; the rest was replayed).
 */
int backtest_run(struct backtest *bt, char *const *paths, size_t n);

/*
 * Is rule I of the config replayed?  Rules of kind probe are not: their
 * condition is the verdict of asking the partner's endpoint, which no log
 * holds.  Their reason, for the reports, is BACKTEST_NOT_REPLAYED.  The
 * rules over PM2's own log (restarts, app_errored) are replayed over the
 * events of the pm2.log files read (totals.pm2_logs; none read, nothing
 * to judge them on).
 */
bool backtest_rule_is_replayed(const struct backtest *bt, size_t i);
#define BACKTEST_NOT_REPLAYED	"rules of kind probe are not replayed: " \
	"their condition is the verdict of asking the partner's endpoint, " \
	"which no log holds"

/* Accepts NULL. */
void backtest_free(struct backtest *bt);

#endif
