/*
 * cmd_check: `omniwatch check`, a monitoring plugin (Nagios, Icinga,
 * monitoring-plugins conventions): it reads what `watch` committed for the
 * last --window, prints one line
 *
 *   OMNIWATCH CRITICAL - failure rate 83% (10/12) in 15m, last success
 *   42m ago | failures=10;;;0 successes=2;;;0 damaged=0;;;0
 *   rate=0.8333;0.1;0.5;0;1
 *
 * and exits 0 OK, 1 WARNING, 2 CRITICAL or 3 UNKNOWN.
 *
 * The rate is WARNING when greater than --warning and CRITICAL when
 * greater than --critical (a rate equal to a threshold is still fine, as
 * a plugin threshold "10" alerts above 10).  --no-success-critical D makes
 * it CRITICAL when no success was recorded in the last D, whatever the
 * rate: the incident omniwatch was born from had no successes at all.
 *
 * CRITICAL too, whatever the rates, when `watch` is blind (issue 11):
 *  - it does not run for this config: nobody holds the lock on
 *    STATE_DIR/watch.lock (service.h; the kernel drops it when watch
 *    ends, kill -9 included, so this is known at once);
 *  - it hangs: the lock is held, but its heartbeat (the lock file's
 *    mtime, touched every 5 s) is older than 30 s;
 *  - it runs but commits nothing: the state's last commit is older
 *    than watch's idle commit (30 s), commit_interval and 30 s more
 *    (service_watch_status): a full state disk, or a stalled commit;
 *  - a live file under the sources, or one dump.pm2 places elsewhere
 *    (tail_dump_live_files), is not among the followed files, though it
 *    has bytes and was born longer ago than watch needs to see
 *    and commit a new file (commit_interval + sweep + 5 s);
 *  - PM2 says an app is online, but its out or error log is not there
 *    (watch_check_missing_logs): deleted under PM2, which writes to it
 *    until `pm2 reloadLogs`;
 *  - the file system of a live log is full (watch_check_full_disks):
 *    PM2 loses what the apps write;
 *  - with --alerts, while one of watch's alert rules is firing (named);
 *  - an app crashes in a loop: at least --restarts-critical (10) unplanned
 *    exits of it in the last 5 minutes, by PM2's log (check_loops); from
 *    --restarts-warning (3) it is WARNING;
 *  - PM2's daemon of a pm2_home source is gone without stopping: pm2.pid
 *    names a pid that does not run and pm2.log logs no stop
 *    (watch_check_pm2_daemons, pm2_life.h): its apps died with it and
 *    nothing more is logged.
 * WARNING, besides, when PM2 stamps the lines of a live log a time zone
 * away from their writes (watch_check_skewed_logs): every window places
 * those records hours off; and when PM2 of a pm2_home source was stopped
 * on purpose (`pm2 kill`, a SIGTERM: pm2.log says so): asked for, but no
 * app runs there and nothing is counted.
 * The window is judged by the alert rules' own code
 * (alert_window_counts), so `check --window 5m` and a rule with
 * `window: 5m` see the same records.
 *
 * UNKNOWN: bad arguments or config (pattern sets that do not load are
 * CRITICAL instead when PM2's daemon is gone or the logs' disk is full:
 * check_blind_unloaded), a source whose directory is not there,
 * a state that cannot be read, and a stale state.  The state is stale when watch is behind: a followed file
 * (the state's files table) still has the same inode at its path, holds
 * bytes past the offset committed for it, and that offset was committed
 * longer ago than --stale (default: the window, at least 10 minutes).  An
 * idle log is not stale, however old its offset: nothing was missed.  A
 * file check cannot stat (permissions) is left out of the test.
 *
 * Everything is read-only: the state through a read-only SQLite connection,
 * the logs with stat(2) and statvfs(2), and the last 16 KiB of each live
 * one for its last stamp (pm2_skew.h).
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "aggregate.h"
#include "alert.h"
#include "cmd.h"
#include "cmd_check_int.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "path.h"
#include "plural.h"
#include "pm2_apps.h"
#include "stamp.h"
#include "state.h"
#include "service.h"
#include "summary.h"
#include "tail.h"
#include "watch_check.h"
#include "watch_pm2.h"
#include "xmalloc.h"

#define CHECK_OK		0
#define CHECK_WARNING		1
#define CHECK_CRITICAL		2
#define CHECK_UNKNOWN		3

#define CHECK_STALE_MIN_MS	(10 * 60 * 1000)
/* Crash loops: unplanned exits of one app in the last 5 minutes. */
#define CHECK_RESTARTS_WARNING	3
#define CHECK_RESTARTS_CRITICAL	10

static const char *const check_status_name[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

const struct cmd_opt cmd_check_opts[] = {
	{ "config", 'c', CMD_OPT_SHORT | CMD_OPT_REQUIRED, "FILE",
	    "the configuration watch runs with (omniwatch.yaml(5))" },
	{ "pattern-set", 'p', CMD_OPT_SHORT, "NAME", "the pattern set to "
	    "report on (default: the configuration's first)" },
	{ "window", 'W', 0, "DURATION", "how far back to count, as a rule's "
	    "window (default 15m)" },
	{ "warning", 'w', CMD_OPT_SHORT, "RATE", "WARNING above this failure "
	    "rate (0.1 or 10%)" },
	{ "critical", 'C', 0, "RATE", "CRITICAL above this failure rate" },
	{ "no-success-critical", 'N', 0, "DURATION", "CRITICAL when no "
	    "success in the last DURATION" },
	{ "stale", 'S', 0, "DURATION", "UNKNOWN when watch has left bytes "
	    "uncounted this long" },
	{ "alerts", 'A', 0, NULL, "CRITICAL while an alert rule of watch "
	    "fires" },
	{ "restarts-warning", 'r', 0, "N", "WARNING when an app exited "
	    "unplanned N times in 5m (default 3; 0: never)" },
	{ "restarts-critical", 'R', 0, "N", "CRITICAL when an app exited "
	    "unplanned N times in 5m, a crash loop (default 10; 0: never)" },
	{ NULL, 0, 0, NULL, NULL },
};

/* Prints the one UNKNOWN line and returns 3. */
static int
check_unknown(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
check_unknown(const char *fmt, ...)
{
	va_list ap;

	printf("OMNIWATCH UNKNOWN - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return CHECK_UNKNOWN;
}

/* "0.1", "10%": a rate in [0, 1].  Returns 0 or -1. */
static int
check_parse_rate(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || errno != 0 || v != v)
		return -1;
	if (strcmp(end, "%") == 0)
		v /= 100.0;
	else if (*end != '\0')
		return -1;
	if (v < 0.0 || v > 1.0)
		return -1;
	*out = v;
	return 0;
}

/*
 * Is watch behind?  Returns 1 (stale, with *MSG set, malloc'd), 0, or -1
 * when the files table cannot be read (*MSG set).
 */
static int
check_stale(struct state *st, int64_t now_ms, int64_t limit_ms, char **msg)
{
	struct state_file *files;
	size_t n;
	int rc = 0;

	if (state_files_load(st, &files, &n) != 0) {
		*msg = xstrdup("cannot read the followed files from the state");
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct state_file *f = &files[i];
		struct stat sb;
		char since[STAMP_BUFLEN], limit[32];

		if (stat(f->path, &sb) != 0 || (uint64_t)sb.st_dev != f->dev ||
		    (uint64_t)sb.st_ino != f->ino ||
		    (uint64_t)sb.st_size <= f->offset ||
		    now_ms - f->updated_ms <= limit_ms)
			continue;
		stamp_format(f->updated_ms, since);
		stamp_format_age(limit_ms, limit, sizeof(limit));
		*msg = xasprintf("state is stale: %s has %llu %s not counted "
		    "since %s (limit %s); watch runs but commits nothing: it "
		    "may not write its state (a full disk?) or is stuck; its "
		    "log says which",
		    f->path, (unsigned long long)((uint64_t)sb.st_size -
		    f->offset), plural((uint64_t)sb.st_size - f->offset,
		    "byte", "bytes"), since, limit);
		rc = 1;
	}
	state_files_free(files, n);
	return rc;
}

/*
 * Does every source of CFG name a directory that is there, and that we
 * may list?  A typo in pm2_home, or a path into a directory that was
 * never made, would otherwise read as "OK, no failures" forever; and one
 * we may not list hides the files watch should follow.  Globs in the directory
 * part are left alone: they may match nothing for a while.  Returns 0, or
 * 1 with *MSG set (malloc'd).
 */
static int
check_sources(const struct config *cfg, char **msg)
{
	for (size_t i = 0; i < cfg->nsources; i++) {
		const struct config_source *src = &cfg->sources[i];
		char *dir = src->pm2_home != NULL ?
		    path_join(src->pm2_home, "logs") : xstrdup(src->path);
		struct stat sb;

		if (src->pm2_home == NULL) {
			char *slash = strrchr(dir, '/');

			if (slash == NULL)
				strcpy(dir, ".");
			else if (slash == dir)
				slash[1] = '\0';
			else
				*slash = '\0';
		}
		if (strpbrk(dir, "*?[") == NULL) {
			int e = stat(dir, &sb) != 0 ? errno : 0;
			DIR *dh;

			if (e != 0 || !S_ISDIR(sb.st_mode)) {
				*msg = xasprintf("source %s: %s: %s; is the "
				    "config right?", src->pm2_home != NULL ?
				    src->pm2_home : src->path, dir, e != 0 ?
				    strerror(e) : "not a directory");
				free(dir);
				return 1;
			}
			/* What watch should follow is read from the
			 * directory: one check may not list tells nothing
			 * (watch may run as another user). */
			if ((dh = opendir(dir)) == NULL) {
				*msg = xasprintf("source %s: cannot list %s: %s; "
				    "check cannot tell which files watch should "
				    "follow (run it as watch's user)",
				    src->pm2_home != NULL ? src->pm2_home :
				    src->path, dir, strerror(errno));
				free(dir);
				return 1;
			}
			closedir(dh);
		}
		free(dir);
	}
	return 0;
}

/* The status, the message and the performance data, for SET.  FIRING
 * (alerts) makes it CRITICAL, BLIND (sources that see nothing) at least
 * WARNING; either goes first in the message. */
static int
check_report(const struct check *c, const struct aggregate_counts *t,
    int64_t last_success, const char *firing, const char *blind)
{
	uint64_t n = t->failures + t->successes;
	double rate = aggregate_failure_rate(t);
	int status = CHECK_OK;
	bool no_success = false, ahead;
	char age[32], limit[32], rate_perf[32], warn[32] = "", crit[32] = "";

	if (rate >= 0 && c->warning >= 0 && rate > c->warning)
		status = CHECK_WARNING;
	if (rate >= 0 && c->critical >= 0 && rate > c->critical)
		status = CHECK_CRITICAL;
	/* The window counts a record stamped ahead of the clock (it was
	 * written already), but such a stamp is never the last success
	 * (summary_last): it may be hours old, PM2 stamping in a zone ahead
	 * (pm2_skew.h).  Said, so that the line and its perfdata agree. */
	ahead = t->successes > 0 && (last_success == STAMP_NONE ||
	    last_success < c->now_ms - c->window_ms - 60000);
	if (c->no_success_ms > 0 && (last_success == STAMP_NONE ||
	    c->now_ms - last_success > c->no_success_ms)) {
		no_success = true;
		status = CHECK_CRITICAL;
	}

	if (firing != NULL)
		status = CHECK_CRITICAL;
	if (blind != NULL && status == CHECK_OK)
		status = CHECK_WARNING;
	printf("OMNIWATCH %s - ", check_status_name[status]);
	if (firing != NULL)
		printf("%s; ", firing);
	if (blind != NULL)
		printf("%s; ", blind);
	if (n == 0)
		printf("no outcomes in %s", c->window_arg);
	else
		printf("failure rate %.*f%% (%llu/%llu) in %s",
		    rate >= 0.1 || rate == 0 ? 0 : 1, rate * 100.0,
		    (unsigned long long)t->failures, (unsigned long long)n,
		    c->window_arg);
	if (t->damaged > 0)
		printf(", %llu damaged", (unsigned long long)t->damaged);
	/* The window counts a record stamped ahead of the clock (it was
	 * written already), but such a stamp is never the last success: it
	 * may be hours old (PM2 stamping in a zone ahead, pm2_skew.h). */
	if (last_success == STAMP_NONE)
		printf(", no success %s", ahead ? "stamped before now" :
		    "recorded");
	else {
		stamp_format_age(c->now_ms - last_success, age, sizeof(age));
		printf(", last success %s ago", age);
	}
	if (ahead)
		printf(" (this window's successes are stamped ahead of this "
		    "host's clock)");
	if (no_success) {
		stamp_format_age(c->no_success_ms, limit, sizeof(limit));
		printf(" (none in %s)", limit);
	}

	if (rate >= 0)
		snprintf(rate_perf, sizeof(rate_perf), "%.4g", rate);
	else
		snprintf(rate_perf, sizeof(rate_perf), "U");
	if (c->warning >= 0)
		snprintf(warn, sizeof(warn), "%g", c->warning);
	if (c->critical >= 0)
		snprintf(crit, sizeof(crit), "%g", c->critical);
	printf(" | failures=%llu;;;0 successes=%llu;;;0 damaged=%llu;;;0 "
	    "rate=%s;%s;%s;0;1\n", (unsigned long long)t->failures,
	    (unsigned long long)t->successes, (unsigned long long)t->damaged,
	    rate_perf, warn, crit);
	if (fflush(stdout) != 0)
		return CHECK_UNKNOWN;
	return status;
}

/*
 * Does a watch run for CFG?  Returns 0 (it does), or the status with *MSG
 * set (malloc'd): CRITICAL when it is down or hangs, UNKNOWN when that
 * cannot be told.
 */
static int
check_watch(const struct check *c, const struct config *cfg,
    struct state *st, char **msg)
{
	int64_t last_commit;

	if (state_meta_get(st, "last_commit_ms", &last_commit) != 0)
		last_commit = STAMP_NONE;
	switch (service_watch_status(cfg->state_dir, cfg->path, c->now_ms,
	    last_commit, cfg->commit_ms, true, msg)) {
	case SERVICE_RUNNING:
		return 0;
	case SERVICE_DOWN:
	case SERVICE_HUNG:
	case SERVICE_STALLED:
		return CHECK_CRITICAL;
	default:
		return CHECK_UNKNOWN;
	}
}

struct check_follow {
	const struct check *c;
	struct state_file *files;
	size_t		 nfiles;
	int64_t		 grace_ms;
	char		*msg;		/* the first file not followed */
	size_t		 nmissed;
};

/* When PATH (ST) was born, ms since the epoch: statx(2)'s btime where
 * the filesystem keeps it, else the ctime (later: a late alarm). */
static int64_t
check_birth_ms(const char *path, const struct stat *st)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, 0, STATX_BTIME, &sx) == 0 &&
	    (sx.stx_mask & STATX_BTIME) != 0)
		return (int64_t)sx.stx_btime.tv_sec * 1000 +
		    sx.stx_btime.tv_nsec / 1000000;
	return (int64_t)st->st_ctim.tv_sec * 1000 +
	    st->st_ctim.tv_nsec / 1000000;
}

static void
check_follow_one(void *ctx, const char *path)
{
	struct check_follow *cf = ctx;
	struct stat st;

	if (stat(path, &st) != 0 || st.st_size == 0)
		return;
	for (size_t i = 0; i < cf->nfiles; i++)
		if (cf->files[i].dev == (uint64_t)st.st_dev &&
		    cf->files[i].ino == (uint64_t)st.st_ino)
			return;
	if (cf->c->now_ms - check_birth_ms(path, &st) <= cf->grace_ms)
		return;
	if (cf->nmissed++ == 0)
		cf->msg = xasprintf("%s (%llu bytes)", path,
		    (unsigned long long)st.st_size);
}

/*
 * Are all live files under CFG's sources followed?  Returns 0, or
 * CRITICAL with *MSG set (malloc'd), or UNKNOWN when the state's files
 * cannot be read.
 */
static int
check_followed(const struct check *c, const struct config *cfg,
    struct state *st, char **msg)
{
	struct check_follow cf;

	memset(&cf, 0, sizeof(cf));
	cf.c = c;
	/* watch follows a new file at once (inotify) or at the next sweep,
	 * and saves it at the next commit. */
	cf.grace_ms = cfg->commit_ms + cfg->sweep_ms + 5000;
	if (state_files_load(st, &cf.files, &cf.nfiles) != 0) {
		*msg = xstrdup("cannot read the followed files from the state");
		return CHECK_UNKNOWN;
	}
	/* The logs dump.pm2 places elsewhere too, which watch follows as
	 * well (or should: one in a directory made after watch started is
	 * outside its sandbox). */
	watch_check_live_logs(cfg, check_follow_one, &cf);
	state_files_free(cf.files, cf.nfiles);
	if (cf.nmissed == 0)
		return 0;
	if (cf.nmissed > 1)
		*msg = xasprintf("omniwatch watch does not follow %s and %zu "
		    "more file(s) under its sources", cf.msg, cf.nmissed - 1);
	else
		*msg = xasprintf("omniwatch watch does not follow %s under its "
		    "sources", cf.msg);
	free(cf.msg);
	return CHECK_CRITICAL;
}

struct check_alerts {
	const struct config *cfg;
	const struct check *c;
	char		*names;		/* "a (since 5m), b (since 1h)" */
};

static void
check_alert_one(void *ctx, const struct state_alert *a)
{
	struct check_alerts *ca = ctx;
	char age[32], *next;
	bool is_rule = false;

	for (size_t i = 0; i < ca->cfg->nalerts; i++)
		is_rule |= strcmp(ca->cfg->alerts[i].name, a->name) == 0;
	if (!is_rule || strcmp(a->status, "firing") != 0)
		return;
	stamp_format_age(ca->c->now_ms - a->since_ms, age, sizeof(age));
	next = xasprintf("%s%s%s (for %s)", ca->names != NULL ? ca->names :
	    "", ca->names != NULL ? ", " : "", a->name, age);
	free(ca->names);
	ca->names = next;
}

/* Puts FIRST (taken) before *LINE (a malloc'd list of causes, or NULL),
 * joined by "; ": the gravest cause is read first. */
static void
check_put_first(char **line, char *first)
{
	char *both = xasprintf("%s%s%s", first, *line != NULL ? "; " : "",
	    *line != NULL ? *line : "");

	free(*line);
	free(first);
	*line = both;
}

/* Reads the state and reports on SETS[SET_IDX]. */
static int
check_run(const struct check *c, const struct config *cfg,
    struct match_set **sets, size_t set_idx)
{
	struct state *st;
	struct aggregate_counts t;
	struct alert_window w;
	struct check_alerts ca = { cfg, c, NULL };
	char *err = NULL, *firing = NULL, *blind = NULL, *first, *errored;
	char *missing, *loop_crit, *loop_warn, *changed, *skewed, *full;
	struct pm2_apps *apps;
	struct watch_dump wd;
	int64_t last_success, limit, skew_ms;
	size_t nempty, nmissing, nskewed, nfull;
	char *daemons;
	bool is_gone, is_bytes;
	int rc;

	if (check_sources(cfg, &err) != 0) {
		rc = check_unknown("%s", err);
		free(err);
		return rc;
	}
	st = state_open(cfg->state_dir, true, &err);
	if (st == NULL) {
		rc = check_unknown("%s", err);
		free(err);
		return rc;
	}
	if ((rc = check_watch(c, cfg, st, &err)) != 0 ||
	    (rc = check_followed(c, cfg, st, &err)) != 0) {
		if (rc == CHECK_UNKNOWN)
			rc = check_unknown("%s", err);
		else {
			printf("OMNIWATCH CRITICAL - %s\n", err);
			fflush(stdout);
		}
		free(err);
		state_close(st);
		return rc;
	}
	limit = c->stale_ms > 0 ? c->stale_ms : c->window_ms >
	    CHECK_STALE_MIN_MS ? c->window_ms : CHECK_STALE_MIN_MS;
	if (check_stale(st, c->now_ms, limit, &err) != 0) {
		rc = check_unknown("%s", err);
		free(err);
		state_close(st);
		return rc;
	}
	if (c->with_alerts && state_alerts(st, check_alert_one, &ca) != 0) {
		state_close(st);
		return check_unknown("%s/omniwatch.db: cannot read the alerts",
		    cfg->state_dir);
	}
	if (ca.names != NULL) {
		firing = xasprintf("firing: %s", ca.names);
		free(ca.names);
	}
	/* PM2's instance states only: no event is in an empty range. */
	apps = summary_load_pm2(st, c->now_ms, c->now_ms, &rc);
	if ((errored = check_errored(c, apps)) != NULL)
		check_put_first(&firing, errored);
	watch_dump_load(&wd, cfg);
	missing = watch_check_missing_logs(cfg, &wd.d, apps, &nmissing);
	watch_dump_release(&wd);
	if (missing != NULL)
		check_put_first(&firing, missing);
	if ((full = watch_check_full_disks(cfg, &nfull, &is_bytes)) != NULL)
		check_put_first(is_bytes ? &firing : &blind, full);
	else if ((full = watch_check_after_full(cfg, st, c->now_ms)) != NULL)
		check_put_first(&blind, full);
	if (check_loops(c, st, sets[set_idx], apps, &loop_crit,
	    &loop_warn) != 0) {
		pm2_apps_free(apps);
		free(firing);
		state_close(st);
		return check_unknown("%s/omniwatch.db: cannot read PM2's "
		    "events", cfg->state_dir);
	}
	if (loop_crit != NULL)
		check_put_first(&firing, loop_crit);
	pm2_apps_free(apps);
	if ((nempty = watch_check_empty_sources(cfg, false, &first)) > 0) {
		blind = nempty == 1 ? xasprintf("%s matches no app's log "
		    "file: nothing is watched there", first) :
		    xasprintf("%s and %zu more match no app's log file: "
		    "nothing is watched there", first, nempty - 1);
		free(first);
	}
	changed = summary_config_changed(st, cfg->digest, sets,
	    cfg->npattern_sets, cfg->path);
	if (changed != NULL)
		check_put_first(&blind, changed);
	if (loop_warn != NULL)
		check_put_first(&blind, loop_warn);
	if ((skewed = watch_check_skewed_logs(cfg, st, false, &nskewed,
	    &skew_ms)) != NULL)
		check_put_first(&blind, skewed);
	/* Last, so read first: a dead daemon is why nothing else is seen. */
	if ((daemons = watch_check_pm2_daemons(cfg, &is_gone)) != NULL)
		check_put_first(is_gone ? &firing : &blind, daemons);
	memset(&t, 0, sizeof(t));
	if (alert_window_counts(st, sets[set_idx], c->window_ms, c->now_ms,
	    &w) != 0 ||
	    summary_last(st, sets[set_idx]->name, MATCH_SUCCESS, c->now_ms,
	    &last_success) != 0)
		rc = check_unknown("%s/omniwatch.db: cannot read the counts",
		    cfg->state_dir);
	else {
		t.failures = w.failures;
		t.successes = w.successes;
		t.damaged = w.damaged;
		rc = check_report(c, &t, last_success, firing, blind);
	}
	free(blind);
	free(firing);
	state_close(st);
	return rc;
}

/*
 * The pattern sets do not load (ERR: a file mid-edit, say), so nothing
 * can be counted here: UNKNOWN, unless what needs no pattern says PM2
 * cannot log (its daemon gone, the logs' disk full), which stays
 * CRITICAL: an unreadable pattern file must not hide it.
 */
static int
check_blind_unloaded(const struct config *cfg, const char *err)
{
	char *firing = NULL, *msg;
	size_t n;
	bool is_gone, is_bytes;

	if ((msg = watch_check_full_disks(cfg, &n, &is_bytes)) != NULL) {
		if (is_bytes)
			check_put_first(&firing, msg);
		else
			free(msg);
	}
	if ((msg = watch_check_pm2_daemons(cfg, &is_gone)) != NULL) {
		if (is_gone)
			check_put_first(&firing, msg);
		else
			free(msg);
	}
	if (firing == NULL)
		return check_unknown("%s", err);
	printf("OMNIWATCH CRITICAL - %s; and %s\n", firing, err);
	fflush(stdout);
	free(firing);
	return CHECK_CRITICAL;
}

int
cmd_check(int argc, char **argv)
{
	struct cmd_opt_parser op;
	struct check c;
	struct config *cfg;
	struct match_set **sets = NULL;
	char *err = NULL;
	size_t set_idx;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	c.window_arg = "15m";
	c.window_ms = 15 * 60 * 1000;
	c.warning = -1;
	c.critical = -1;
	c.restarts_warning = CHECK_RESTARTS_WARNING;
	c.restarts_critical = CHECK_RESTARTS_CRITICAL;
	c.now_ms = stamp_now_ms();
	/* Messages of the libraries would break the one-line output. */
	log_set_level(LOG_LEVEL_ERROR);
	cmd_opt_init(&op, cmd_check_opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		switch (ch) {
		case 'c':
			c.config_path = optarg;
			break;
		case 'p':
			c.set_name = optarg;
			break;
		case 'W':
			/* Any window an alert rule takes. */
			if (stamp_parse_duration(optarg, &c.window_ms) != 0 ||
			    c.window_ms <= 0) {
				(void)cmd_usage("check");
				return check_unknown("--window '%s': expected a "
				    "duration (30s, 15m, 1h)", optarg);
			}
			c.window_arg = optarg;
			break;
		case 'w':
		case 'C':
			if (check_parse_rate(optarg, ch == 'w' ? &c.warning :
			    &c.critical) != 0) {
				(void)cmd_usage("check");
				return check_unknown("--%s '%s': expected a "
				    "failure rate from 0 to 1 (0.1) or a "
				    "percentage (10%%)", ch == 'w' ? "warning" :
				    "critical", optarg);
			}
			break;
		case 'N':
		case 'S':
			if (stamp_parse_duration(optarg, ch == 'N' ?
			    &c.no_success_ms : &c.stale_ms) != 0 ||
			    (ch == 'N' ? c.no_success_ms : c.stale_ms) <= 0) {
				(void)cmd_usage("check");
				return check_unknown("--%s '%s': expected a "
				    "duration (30m, 1h)", ch == 'N' ?
				    "no-success-critical" : "stale", optarg);
			}
			break;
		case 'A':
			c.with_alerts = true;
			break;
		case 'r':
		case 'R': {
			char *end;
			unsigned long long v;

			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    optarg[0] == '-') {
				(void)cmd_usage("check");
				return check_unknown("--%s '%s': expected a "
				    "count (3), or 0 for never", ch == 'r' ?
				    "restarts-warning" : "restarts-critical",
				    optarg);
			}
			if (ch == 'r')
				c.restarts_warning = v;
			else
				c.restarts_critical = v;
			break;
		}
		case 'h':
			cmd_help("check", stdout);
			return CHECK_OK;
		default:
			(void)cmd_usage("check");
			return check_unknown("invalid arguments");
		}
	}
	if (optind != argc) {
		(void)cmd_usage("check");
		return check_unknown("unexpected argument '%s'", argv[optind]);
	}
	if (c.config_path == NULL) {
		(void)cmd_usage("check");
		return check_unknown("no config; give the one omniwatch watch "
		    "uses with -c FILE");
	}
	if (c.warning >= 0 && c.critical >= 0 && c.warning > c.critical) {
		(void)cmd_usage("check");
		return check_unknown("--warning %g is above --critical %g",
		    c.warning, c.critical);
	}

	if (c.restarts_warning > 0 && c.restarts_critical > 0 &&
	    c.restarts_warning > c.restarts_critical) {
		(void)cmd_usage("check");
		return check_unknown("--restarts-warning %llu is above "
		    "--restarts-critical %llu",
		    (unsigned long long)c.restarts_warning,
		    (unsigned long long)c.restarts_critical);
	}

	cfg = config_load(c.config_path, &err);
	if (cfg == NULL) {
		rc = check_unknown("%s", err);
		free(err);
		return rc;
	}
	if (match_sets_load(cfg->path, cfg->pattern_sets, cfg->npattern_sets,
	    &sets, &err) != 0) {
		rc = check_blind_unloaded(cfg, err);
		free(err);
		config_free(cfg);
		return rc;
	}
	for (set_idx = 0; set_idx < cfg->npattern_sets; set_idx++)
		if (c.set_name == NULL ||
		    strcmp(sets[set_idx]->name, c.set_name) == 0 ||
		    strcmp(cfg->pattern_sets[set_idx], c.set_name) == 0)
			break;
	if (set_idx == cfg->npattern_sets)
		rc = check_unknown("pattern set '%s' is not in %s",
		    c.set_name, cfg->path);
	else
		rc = check_run(&c, cfg, sets, set_idx);
	match_sets_free(sets, cfg->npattern_sets);
	config_free(cfg);
	return rc;
}
