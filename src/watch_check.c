/*
 * watch_check: see watch_check.h.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "file_kind.h"
#include "log.h"
#include "path.h"
#include "pm2.h"
#include "pm2_dump.h"
#include "pm2_life.h"
#include "pm2_skew.h"
#include "stamp.h"
#include "state.h"
#include "summary.h"
#include "tail.h"
#include "watch_check.h"
#include "watch_pm2.h"
#include "xmalloc.h"

int
watch_check_state_dir(const struct config *cfg, char **err)
{
	const char *dir = cfg->state_dir;
	char *p = xstrdup(dir);
	struct stat sb;
	bool exists;

	*err = NULL;
	/* The nearest component that exists decides: it must be a
	 * directory we may write into (to make the rest, or the files). */
	for (;;) {
		char *slash;

		if (stat(p, &sb) == 0)
			break;
		if (errno != ENOENT && errno != ENOTDIR) {
			*err = xasprintf("%s: cannot use it as the state "
			    "directory: %s: %s", dir, p, strerror(errno));
			goto fail;
		}
		slash = strrchr(p, '/');
		if (slash == NULL) {
			strcpy(p, ".");
			continue;
		}
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	exists = strcmp(p, dir) == 0;
	if (!S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s: cannot hold the state: %s is not a "
		    "directory", dir, p);
		goto fail;
	}
	if (faccessat(AT_FDCWD, p, W_OK | X_OK, AT_EACCESS) != 0) {
		*err = exists ?
		    xasprintf("%s: cannot write in the state directory: %s",
		    dir, strerror(errno)) :
		    xasprintf("%s: cannot create the state directory in %s: "
		    "%s", dir, p, strerror(errno));
		goto fail;
	}
	free(p);
	return 0;

fail:
	free(p);
	return -1;
}

/*
 * Is the glob PAT's directory a PM2 home's logs/ (a directory named
 * "logs" beside a pm2.log or pm2.pid)?  The home, malloc'd, or NULL.
 */
static char *
watch_check_home_of(const char *pat)
{
	char *dir = xstrdup(pat), *slash, *home = NULL, *a, *b;
	struct stat sb;

	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		free(dir);
		return NULL;
	}
	*slash = '\0';
	slash = strrchr(dir, '/');
	if (slash != NULL && strcmp(slash + 1, "logs") == 0 &&
	    strpbrk(dir, "*?[") == NULL) {
		*slash = '\0';
		a = path_join(*dir != '\0' ? dir : "/", "pm2.log");
		b = path_join(*dir != '\0' ? dir : "/", "pm2.pid");
		if (stat(a, &sb) == 0 || stat(b, &sb) == 0)
			home = xstrdup(*dir != '\0' ? dir : "/");
		free(a);
		free(b);
	}
	free(dir);
	return home;
}

size_t
watch_check_sources(const struct config *cfg)
{
	size_t nwarned = 0;

	for (size_t i = 0; i < cfg->nsources; i++) {
		const char *pat = cfg->sources[i].path;
		char *home;
		glob_t g;

		if (pat == NULL)
			continue;
		/* Half of what check tells of PM2 comes from its home: a
		 * logs/ given as files switches it off without a word
		 * (tester12). */
		if ((home = watch_check_home_of(pat)) != NULL) {
			log_warnx("source %zu: '%s' is the logs/ of the PM2 "
			    "home %s: given as a path, PM2's own log (restarts, "
			    "crash loops) and its daemon's life (killed, "
			    "stopped) are not watched; give it as pm2_home: %s",
			    i + 1, pat, home, home);
			nwarned++;
			free(home);
		}
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			struct stat sb;

			if (stat(g.gl_pathv[k], &sb) != 0 ||
			    S_ISREG(sb.st_mode))
				continue;
			log_warnx("%s: source '%s': is %s; watch follows "
			    "regular files only, so it is skipped",
			    g.gl_pathv[k], pat, file_kind(sb.st_mode));
			nwarned++;
		}
		globfree(&g);
	}
	return nwarned;
}

/*
 * Why source SRC matches no log, as far as we can tell cheaply: its path
 * names a directory (the pattern to give instead), something else that
 * is no regular file (said already by watch_check_sources), or nothing
 * at all.  Malloc'd; the caller frees it.
 */
static char *
watch_check_empty_why(const struct config_source *src)
{
	struct stat sb;
	glob_t g;
	bool has_any;

	if (src->path == NULL)
		return xstrdup("a typo in the path? another account's "
		    "PM2_HOME?");
	if (stat(src->path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return xasprintf("it names a directory: give the logs in it, "
		    "%s/*.log", src->path);
	has_any = glob(src->path, 0, NULL, &g) == 0 && g.gl_pathc > 0;
	if (has_any)
		globfree(&g);
	return xstrdup(has_any ? "what it names is no regular file" :
	    "a typo in the path?");
}

static void
watch_check_count_one(void *ctx, const char *path)
{
	(void)path;
	(*(size_t *)ctx)++;
}

/* How many logs the dump.pm2 of SRC (a pm2_home source) places that are
 * there now. */
static size_t
watch_check_home_dump_logs(const struct config_source *src)
{
	char *path, *logs, *err = NULL;
	struct pm2_dump d;
	size_t n = 0;

	if (src->pm2_home == NULL)
		return 0;
	path = path_join(src->pm2_home, "dump.pm2");
	logs = path_join(src->pm2_home, "logs");
	if (pm2_dump_read(path, logs, &d, &err) == PM2_DUMP_OK)
		tail_dump_live_files(&d, watch_check_count_one, &n);
	pm2_dump_release(&d);
	free(err);
	free(path);
	free(logs);
	return n;
}

size_t
watch_check_empty_sources(const struct config *cfg, bool log, char **first)
{
	size_t n = 0;

	*first = NULL;
	for (size_t i = 0; i < cfg->nsources; i++) {
		const struct config_source *src = &cfg->sources[i];
		char *what;

		/* A home whose apps all log where dump.pm2 says is no
		 * empty one (tester12). */
		if (tail_source_live_count(src) > 0 ||
		    watch_check_home_dump_logs(src) > 0)
			continue;
		what = xasprintf("source %zu (%s %s)", i + 1,
		    src->pm2_home != NULL ? "pm2_home" : "path",
		    src->pm2_home != NULL ? src->pm2_home : src->path);
		if (log) {
			char *why = watch_check_empty_why(src);

			log_warnx("%s: no app's log file matches it now; "
			    "nothing is watched there until one appears (%s)",
			    what, why);
			free(why);
		}
		if (*first == NULL)
			*first = what;
		else
			free(what);
		n++;
	}
	return n;
}

/* "source N: pm2_home DIR: WHY; give ..." */
static char *
watch_check_home_error(size_t i, const char *home, const char *why)
{
	return xasprintf("source %zu: pm2_home %s: %s; give the PM2_HOME of "
	    "the account that runs the apps (PM2 uses $PM2_HOME, else "
	    "~/.pm2)", i + 1, home, why);
}

/*
 * The name of an app's log (NAME-out.log, NAME-error-N.log.gz...) in DIR
 * (malloc'd), or NULL: DIR is then no PM2_HOME/logs itself.
 */
static char *
watch_check_app_log_in(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char *found = NULL;

	if (dh == NULL)
		return NULL;
	while (found == NULL && (de = readdir(dh)) != NULL) {
		struct pm2_log_name name;

		if (de->d_name[0] == '.' ||
		    pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		if (name.stream != PM2_STREAM_DAEMON)
			found = xstrdup(de->d_name);
		pm2_log_name_release(&name);
	}
	closedir(dh);
	return found;
}

int
watch_check_pm2_homes(const struct config *cfg, char **err)
{
	*err = NULL;
	for (size_t i = 0; i < cfg->nsources; i++) {
		const char *home = cfg->sources[i].pm2_home;
		struct stat sb;
		char *logs, *logs_glob;

		if (home == NULL)
			continue;
		if (stat(home, &sb) != 0) {
			*err = watch_check_home_error(i, home, strerror(errno));
			return -1;
		}
		if (!S_ISDIR(sb.st_mode)) {
			*err = watch_check_home_error(i, home,
			    "not a directory");
			return -1;
		}
		logs = path_join(home, "logs");
		if (stat(logs, &sb) != 0) {
			int stat_errno = errno;
			char *app_log = stat_errno == ENOENT ?
			    watch_check_app_log_in(home) : NULL;

			errno = stat_errno;
			/* The logs directory itself, given as the home: PM2
			 * writes no app log into PM2_HOME. */
			if (app_log != NULL) {
				logs_glob = path_join(home, "*.log");
				*err = xasprintf("source %zu: pm2_home %s holds "
				    "PM2's app logs itself (%s), as "
				    "PM2_HOME/logs does; give its parent, the "
				    "PM2_HOME (PM2 uses $PM2_HOME, else "
				    "~/.pm2), or the files: path: %s", i + 1,
				    home, app_log, logs_glob);
				free(logs_glob);
				free(app_log);
			} else if (errno == ENOENT)
				log_warnx("source %zu: pm2_home %s has no logs/ "
				    "yet; PM2 makes it when it starts an app, "
				    "and watch waits for it", i + 1, home);
			else
				*err = xasprintf("source %zu: %s: %s", i + 1,
				    logs, strerror(errno));
		} else if (!S_ISDIR(sb.st_mode))
			*err = xasprintf("source %zu: %s: not a directory",
			    i + 1, logs);
		else if (faccessat(AT_FDCWD, logs, R_OK | X_OK,
		    AT_EACCESS) != 0)
			*err = xasprintf("source %zu: %s: %s; run watch as the "
			    "account that can read the PM2 logs", i + 1, logs,
			    strerror(errno));
		free(logs);
		if (*err != NULL)
			return -1;
	}
	return 0;
}

/*
 * An app's name as its log files carry it, loosely: PM2 puts '-' for
 * every character but [a-zA-Z0-9.-] (PM2 7.0.4 lib/Common.js,
 * prepareAppConf: formated_app_name); '_' is taken as '-' both ways.
 * A JavaScript regex without the u flag replaces UTF-16 code units, so
 * "\u00fc" (two bytes of UTF-8) is one '-' and a character past U+FFFF
 * (four bytes, a surrogate pair) two.  NAME is UTF-8, as PM2's JSON and
 * log give it; a byte that starts no character is one '-'.
 */
static char *
watch_check_log_app(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	char *s = xmalloc(2 * strlen(name) + 1), *o = s;

	while (*p != '\0') {
		size_t n = *p >= 0xf0 && *p < 0xf8 ? 4 : *p >= 0xe0 ? 3 :
		    *p >= 0xc0 ? 2 : 1;
		size_t k = 1;

		if (n == 1) {
			*o++ = (*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' ? (char)*p : '-';
			p++;
			continue;
		}
		while (k < n && (p[k] & 0xc0) == 0x80)
			k++;
		*o++ = '-';
		if (k == n && n == 4)
			*o++ = '-';	/* a surrogate pair */
		p += k;
	}
	*o = '\0';
	return s;
}

struct watch_check_logs {
	char		**apps;		/* watch_check_log_app's */
	enum pm2_stream	*streams;
	size_t		 n;
};

static void
watch_check_logs_add(struct watch_check_logs *wl, const char *app,
    enum pm2_stream stream)
{
	wl->apps = xreallocarray(wl->apps, wl->n + 1, sizeof(*wl->apps));
	wl->streams = xreallocarray(wl->streams, wl->n + 1,
	    sizeof(*wl->streams));
	wl->apps[wl->n] = watch_check_log_app(app);
	wl->streams[wl->n++] = stream;
}

static void
watch_check_live_one(void *ctx, const char *path)
{
	const char *base = strrchr(path, '/');
	struct pm2_log_name name;

	base = base != NULL ? base + 1 : path;
	if (pm2_log_name_parse(base, &name) != 0)
		return;
	if (!name.is_rotated)
		watch_check_logs_add(ctx, name.app, name.stream);
	pm2_log_name_release(&name);
}

static bool
watch_check_logs_has(const struct watch_check_logs *wl, const char *app,
    enum pm2_stream stream)
{
	for (size_t i = 0; i < wl->n; i++)
		if (wl->streams[i] == stream && strcmp(wl->apps[i], app) == 0)
			return true;
	return false;
}

char *
watch_check_missing_logs(const struct config *cfg,
    const struct pm2_dump *dump, const struct pm2_apps *apps,
    size_t *nmissing)
{
	static const enum pm2_stream streams[] = {
		PM2_STREAM_OUT, PM2_STREAM_ERROR
	};
	struct watch_check_logs wl;
	char *names = NULL;

	*nmissing = 0;
	if (apps == NULL)
		return NULL;
	memset(&wl, 0, sizeof(wl));
	tail_live_files(cfg, watch_check_live_one, &wl);
	/* A log dump.pm2 places elsewhere is there if its path is (a
	 * device, /dev/null, too: PM2 writes nothing we could read). */
	for (size_t i = 0; dump != NULL && i < dump->nlogs; i++) {
		struct stat sb;

		if (stat(dump->logs[i].path, &sb) == 0)
			watch_check_logs_add(&wl, dump->logs[i].app,
			    dump->logs[i].stream);
	}
	for (size_t i = 0; i < apps->napps; i++) {
		const struct pm2_apps_app *app = &apps->apps[i];
		char *logname, *next;
		bool missing[2];
		int64_t since;

		if (pm2_apps_app_state(app, &since) != PM2_STATE_ONLINE)
			continue;
		logname = watch_check_log_app(app->name);
		for (size_t k = 0; k < 2; k++)
			missing[k] = !watch_check_logs_has(&wl, logname,
			    streams[k]);
		free(logname);
		if (!missing[0] && !missing[1])
			continue;
		next = xasprintf("%s%s%s (%s)", names != NULL ? names : "",
		    names != NULL ? ", " : "", app->name, missing[0] &&
		    missing[1] ? "out and error logs" : missing[0] ?
		    "out log" : "error log");
		free(names);
		names = next;
		(*nmissing)++;
	}
	for (size_t i = 0; i < wl.n; i++)
		free(wl.apps[i]);
	free(wl.apps);
	free(wl.streams);
	if (names != NULL) {
		/* Deleted, or never where watch looks: an out_file not
		 * saved yet, /dev/null, a combined log_file alone (a
		 * tester's cases); each has its own fix. */
		char *msg = xasprintf("log files missing while PM2 reports %s "
		    "online: %s; PM2 keeps writing to a deleted log until `pm2 "
		    "reloadLogs` (run it), and nothing of %s is counted; one "
		    "that logs elsewhere (an out_file or error_file) is found "
		    "once `pm2 save` names it, and one that logs to /dev/null "
		    "or a combined log_file alone has nothing to count",
		    *nmissing == 1 ? "the app" : "the apps", names,
		    *nmissing == 1 ? "it" : "them");

		free(names);
		names = msg;
	}
	return names;
}

static void
watch_check_skew_one(void *ctx, const char *path)
{
	pm2_skew_tally_file(ctx, path);
}

/* The state's word on the last skew watch found (ms; 0: none). */
#define WATCH_CHECK_SKEW_KEY	"stamp_skew_ms"

/* The state's word on a directory of live logs watch found full (ms, the
 * last time it did), + the directory. */
#define WATCH_CHECK_FULL_KEY	"logs_full_ms:"
#define WATCH_CHECK_FULL_KEEP_MS	(24 * 60 * 60 * 1000LL)

char *
watch_check_skewed_logs(const struct config *cfg, struct state *st,
    bool is_watch, size_t *nskewed, int64_t *first_ms)
{
	struct pm2_skew_tally ws;
	char *msg = NULL;
	int64_t kept = 0, a;

	memset(&ws, 0, sizeof(ws));
	watch_check_live_logs(cfg, watch_check_skew_one, &ws);
	*nskewed = ws.n;
	*first_ms = ws.n > 0 ? ws.sk.skew_ms : 0;
	if (st != NULL && state_meta_get(st, WATCH_CHECK_SKEW_KEY, &kept) != 0)
		kept = 0;
	if (ws.n > 0) {
		msg = pm2_skew_tally_describe(&ws);
		if (is_watch && st != NULL && kept != ws.sk.skew_ms)
			(void)state_meta_set(st, WATCH_CHECK_SKEW_KEY,
			    ws.sk.skew_ms);
	} else if (ws.nagree > 0) {
		if (is_watch && st != NULL && kept != 0)
			(void)state_meta_set(st, WATCH_CHECK_SKEW_KEY, 0);
	} else if (kept != 0) {
		/* Emptied (`pm2 flush`, a rotation) or quiet: nothing
		 * tells now, and the records counted before are still
		 * placed that far off. */
		a = kept < 0 ? -kept : kept;
		*first_ms = kept;
		msg = xasprintf("PM2's stamps were last found %lldh%02lld %s the "
		    "time they were written, and no live log holds a stamp "
		    "that tells otherwise now (emptied, rotated, or quiet): the "
		    "records counted meanwhile are placed that far off; run "
		    "omniwatch in that zone (TZ)", (long long)(a / 3600000),
		    (long long)(a / 60000 % 60), kept < 0 ? "behind" :
		    "ahead of");
	}
	return msg;
}

/* File systems already judged, by device, and the first full one. */
struct watch_check_disks {
	dev_t		 devs[64];
	size_t		 ndevs;
	struct state	*note;		/* or NULL: where each full directory
					   is noted (WATCH_CHECK_FULL_KEY) */
	int64_t		 now_ms;
	char		*first;		/* its live log's directory */
	uint64_t	 free_bytes;	/* what its writer may still use */
	bool		 no_inodes;
	size_t		 n;
};

static void
watch_check_disk_one(void *ctx, const char *path)
{
	struct watch_check_disks *wd = ctx;
	struct statvfs vfs;
	struct stat sb;
	uint64_t avail;
	char *slash;

	if (stat(path, &sb) != 0)
		return;
	for (size_t i = 0; i < wd->ndevs; i++)
		if (wd->devs[i] == sb.st_dev)
			return;
	if (wd->ndevs < sizeof(wd->devs) / sizeof(wd->devs[0]))
		wd->devs[wd->ndevs++] = sb.st_dev;
	if (statvfs(path, &vfs) != 0)
		return;
	/* The log's owner is PM2's account: root may write into the
	 * blocks reserved for it, others may not. */
	avail = (uint64_t)(sb.st_uid == 0 ? vfs.f_bfree : vfs.f_bavail) *
	    vfs.f_frsize;
	if (avail >= WATCH_CHECK_FULL_BYTES &&
	    !(vfs.f_files > 0 && vfs.f_favail == 0))
		return;
	if (wd->note != NULL && avail < WATCH_CHECK_FULL_BYTES) {
		char *key = xasprintf("%s%s", WATCH_CHECK_FULL_KEY, path);

		if ((slash = strrchr(key, '/')) != NULL)
			*slash = '\0';
		(void)state_meta_set(wd->note, key, wd->now_ms);
		free(key);
	}
	if (wd->n++ > 0)
		return;
	wd->first = xstrdup(path);
	if ((slash = strrchr(wd->first, '/')) != NULL && slash != wd->first)
		*slash = '\0';
	wd->free_bytes = avail;
	wd->no_inodes = avail >= WATCH_CHECK_FULL_BYTES;
}

char *
watch_check_full_disks(const struct config *cfg, size_t *nfull,
    bool *is_bytes)
{
	return watch_check_full_disks_noted(cfg, NULL, 0, nfull, is_bytes);
}

char *
watch_check_full_disks_noted(const struct config *cfg, struct state *note,
    int64_t now_ms, size_t *nfull, bool *is_bytes)
{
	struct watch_check_disks wd;
	char *msg;

	memset(&wd, 0, sizeof(wd));
	wd.note = note;
	wd.now_ms = now_ms;
	watch_check_live_logs(cfg, watch_check_disk_one, &wd);
	*nfull = wd.n;
	*is_bytes = wd.n > 0 && !wd.no_inodes;
	if (wd.n == 0)
		return NULL;
	if (wd.no_inodes)
		msg = xasprintf("the file system of %s has no free inode%s: "
		    "PM2 still appends to its logs, but a rotation cannot "
		    "make its new file, nor an app started now its logs; free "
		    "inodes on it", wd.first, wd.n > 1 ? ", and others of "
		    "the logs are full" : "");
	else
		msg = xasprintf("the file system of %s is full (%s)%s: PM2 "
		    "cannot write its apps' output there, and what they log "
		    "is lost, not counted; free space on it", wd.first,
		    wd.free_bytes == 0 ? "no bytes free" :
		    "less than 64 KiB free", wd.n > 1 ? ", and so are others "
		    "of the logs" : "");
	free(wd.first);
	return msg;
}

char *
watch_check_pm2_daemons(const struct config *cfg, bool *is_gone)
{
	char *msg = NULL;

	*is_gone = false;
	for (size_t i = 0; i < cfg->nsources; i++) {
		const char *home = cfg->sources[i].pm2_home;
		struct pm2_life l;
		char *one, *next;
		bool is_seen = false;

		if (home == NULL)
			continue;
		/* A home named twice is said once. */
		for (size_t k = 0; k < i && !is_seen; k++)
			is_seen = cfg->sources[k].pm2_home != NULL &&
			    strcmp(cfg->sources[k].pm2_home, home) == 0;
		if (is_seen)
			continue;
		pm2_life_read(home, &l);
		if ((one = pm2_life_describe(home, &l)) == NULL)
			continue;
		*is_gone |= l.status == PM2_LIFE_GONE ||
		    l.status == PM2_LIFE_SUSPENDED;
		next = xasprintf("%s%s%s", msg != NULL ? msg : "",
		    msg != NULL ? "; " : "", one);
		free(msg);
		free(one);
		msg = next;
	}
	return msg;
}

/* Appends MSG (freed) to *ALL, after "; ". */
static void
watch_check_join(char **all, char *msg)
{
	char *next;

	if (msg == NULL)
		return;
	next = xasprintf("%s%s%s", *all != NULL ? *all : "",
	    *all != NULL ? "; " : "", msg);
	free(*all);
	free(msg);
	*all = next;
}

char *
watch_check_cannot_log(const struct config *cfg, struct state *st,
    int64_t now_ms)
{
	struct pm2_apps *apps;
	struct watch_dump wd;
	char *all = NULL;
	size_t n;
	bool is_gone, is_bytes;
	int rc;

	/* A dead daemon first: it is why nothing else is logged. */
	watch_check_join(&all, watch_check_pm2_daemons(cfg, &is_gone));
	apps = summary_load_pm2(st, now_ms, now_ms, &rc);
	watch_dump_load(&wd, cfg);
	watch_check_join(&all, watch_check_missing_logs(cfg, &wd.d, apps,
	    &n));
	watch_dump_release(&wd);
	pm2_apps_free(apps);
	watch_check_join(&all, watch_check_full_disks(cfg, &n, &is_bytes));
	watch_check_join(&all, watch_check_after_full(cfg, st, now_ms));
	return all;
}

void
watch_check_live_logs(const struct config *cfg, void (*fn)(void *ctx,
    const char *path), void *ctx)
{
	struct watch_dump wd;

	tail_live_files(cfg, fn, ctx);
	watch_dump_peek(&wd, cfg);
	tail_dump_live_files(&wd.d, fn, ctx);
	watch_dump_release(&wd);
}

/* The live logs of one directory: the latest write among them. */
struct watch_check_dir_logs {
	const char	*dir;
	size_t		 dir_len;
	size_t		 n;
	int64_t		 last_ms;	/* mtime, ms since the epoch */
};

static void
watch_check_dir_log(void *ctx, const char *path)
{
	struct watch_check_dir_logs *dl = ctx;
	const char *slash = strrchr(path, '/');
	struct stat sb;
	int64_t ms;

	if (slash == NULL || (size_t)(slash - path) != dl->dir_len ||
	    strncmp(path, dl->dir, dl->dir_len) != 0 || stat(path, &sb) != 0)
		return;
	dl->n++;
	ms = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
	if (ms > dl->last_ms)
		dl->last_ms = ms;
}

struct watch_check_after_full {
	const struct config *cfg;
	int64_t		 now_ms;
	char		*msg;
};

static void
watch_check_after_full_one(void *ctx, const char *key, int64_t full_ms)
{
	struct watch_check_after_full *af = ctx;
	const char *dir = key + strlen(WATCH_CHECK_FULL_KEY);
	struct watch_check_dir_logs dl = { dir, strlen(dir), 0, 0 };
	struct statvfs vfs;
	char t[STAMP_BUFLEN], *next;

	if (full_ms < af->now_ms - WATCH_CHECK_FULL_KEEP_MS ||
	    af->msg != NULL)
		return;
	/* Full still: watch_check_full_disks says it. */
	if (statvfs(dir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize <
	    WATCH_CHECK_FULL_BYTES)
		return;
	watch_check_live_logs(af->cfg, watch_check_dir_log, &dl);
	if (dl.n == 0 || dl.last_ms > full_ms)
		return;
	stamp_format(full_ms, t);
	next = xasprintf("the file system of %s was full (last seen so at %s) "
	    "and no log in it has been written since: PM2 stops writing a "
	    "log whose write failed (ENOSPC) until `pm2 reloadLogs`, so what "
	    "its apps log may be lost, not counted; run `pm2 reloadLogs` (or "
	    "this goes once a log there grows)", dir, t);
	af->msg = next;
}

char *
watch_check_after_full(const struct config *cfg, struct state *st,
    int64_t now_ms)
{
	struct watch_check_after_full af = { cfg, now_ms, NULL };

	if (st != NULL)
		(void)state_meta_each(st, WATCH_CHECK_FULL_KEY,
		    watch_check_after_full_one, &af);
	return af.msg;
}
