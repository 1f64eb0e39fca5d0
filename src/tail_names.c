/*
 * tail_names: which names in a source's directory are live files (read
 * as they grow), which are the copies rotation made of them (read only
 * for what was not read from the live file), and what app and stream a
 * file belongs to.  PM2's names are parsed by pm2.c (pm2_log_name_parse);
 * other names are taken as logrotate names them.
 */
#include "autoconf.h"

#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "path.h"
#include "pm2.h"
#include "tail_int.h"
#include "xmalloc.h"


const char *
tail_stream_of(const char *path)
{
	struct pm2_log_name name;
	char *copy = xstrdup(path);
	const char *stream = "";

	if (pm2_log_name_parse(basename(copy), &name) == 0) {
		stream = name.stream == PM2_STREAM_OUT ? "out" :
		    name.stream == PM2_STREAM_ERROR ? "error" : "";
		pm2_log_name_release(&name);
	}
	free(copy);
	return stream;
}

char *
tail_app_of(const char *path)
{
	struct pm2_log_name name;
	char *copy = xstrdup(path), *app, *dot;

	if (pm2_log_name_parse(basename(copy), &name) == 0) {
		app = name.app;
		name.app = NULL;
		pm2_log_name_release(&name);
	} else {
		app = xstrdup(basename(copy));
		dot = strchr(app, '.');
		if (dot != NULL && dot != app)
			*dot = '\0';
	}
	free(copy);
	return app;
}

char *
tail_name_in(const char *dir, const char *path)
{
	char *copy = xstrdup(path), *name = xstrdup(basename(copy));
	char *p = path_join(dir, name);
	bool is_in = strcmp(p, path) == 0;

	free(p);
	free(copy);
	if (!is_in) {
		free(name);
		return NULL;
	}
	return name;
}

/* Is FULL (a path in directory D) a live file one of D's sources follows? */
bool
tail_is_live(const struct tail_dir *d, const char *name, const char *full)
{
	struct pm2_log_name pn;
	bool live;

	if (d->src->pm2_home != NULL && !d->is_home)
		return pm2_log_name_is_app_live(name);
	if (d->src->pm2_home != NULL) {
		/* PM2_HOME itself: its pm2.log only. */
		if (pm2_log_name_parse(name, &pn) != 0)
			return false;
		live = !pn.is_rotated && pn.stream == PM2_STREAM_DAEMON;
		pm2_log_name_release(&pn);
		return live;
	}
	if (fnmatch(d->src->path, full, FNM_PATHNAME) != 0)
		return false;
	/* A glob like *.log also matches pm2-logrotate's copies, which must
	 * not be read as live files: they hold what was already counted. */
	if (pm2_log_name_parse(name, &pn) == 0) {
		live = !pn.is_rotated;
		pm2_log_name_release(&pn);
		return live;
	}
	return true;
}


bool
tail_is_live_path(const struct tail *t, const char *path)
{
	for (size_t k = 0; k < t->ndirs; k++) {
		char *name = tail_name_in(t->dirs[k].path, path);
		bool live = name != NULL && tail_is_live(&t->dirs[k], name,
		    path);

		free(name);
		if (live)
			return true;
	}
	return false;
}

/*
 * Is NAME (in F's directory) a copy that rotation made of F?  For PM2's
 * names: a rotated name of the same app, stream and instance, so that
 * "app-out.log" does not take "app-out-1__DATE.log" of a cluster instance.
 * Other names: F's whole name then '.', '-' or '_' (logrotate's
 * "app.log.1", "app.log.1.gz", dateext's "app.log-20240101"), or its stem
 * ("app" of "app.log") then "__" (pm2-logrotate's "app__DATE.log") or '.',
 * '-' or '_' and a digit (logrotate's `extension .log`: "app.1.log",
 * "app-20240101.log") -- not another program's "app-worker.log".
 */
bool
tail_is_copy_name(const char *base, const char *name)
{
	struct pm2_log_name live, copy;
	size_t n;
	bool is_copy;

	if (strcmp(base, name) == 0)
		return false;
	if (pm2_log_name_parse(base, &live) == 0) {
		is_copy = pm2_log_name_parse(name, &copy) == 0;
		if (is_copy) {
			is_copy = copy.is_rotated &&
			    strcmp(copy.app, live.app) == 0 &&
			    copy.stream == live.stream &&
			    copy.instance == live.instance;
			pm2_log_name_release(&copy);
		}
		pm2_log_name_release(&live);
		return is_copy;
	}
	n = strlen(base);
	if (strncmp(name, base, n) == 0 && name[n] != '\0' &&
	    strchr("._-", name[n]) != NULL)
		return true;
	n = strcspn(base, ".");
	if (n == 0 || strncmp(name, base, n) != 0)
		return false;
	name += n;
	return (name[0] == '_' && name[1] == '_') || (name[0] != '\0' &&
	    strchr("._-", name[0]) != NULL && isdigit((unsigned char)name[1]));
}


bool
tail_is_sure_copy_name(const char *base, const char *name)
{
	struct pm2_log_name live;
	size_t n;

	if (!tail_is_copy_name(base, name))
		return false;
	if (pm2_log_name_parse(base, &live) == 0) {
		pm2_log_name_release(&live);
		return true;
	}
	n = strlen(base);
	if (strncmp(name, base, n) == 0)
		return true;
	n = strcspn(base, ".");
	return name[n] == '_' && name[n + 1] == '_';
}

bool
tail_is_copy_in(const struct tail_dir *d, const char *name,
    char *const *bases, size_t nbases)
{
	struct pm2_log_name pn;
	bool is_copy = false;

	if (pm2_log_name_parse(name, &pn) == 0) {
		is_copy = pn.is_rotated;
		pm2_log_name_release(&pn);
		if (d->src->pm2_home != NULL || is_copy)
			return is_copy;
	} else if (d->src->pm2_home != NULL)
		return false;
	for (size_t i = 0; i < nbases && !is_copy; i++)
		is_copy = tail_is_copy_name(bases[i], name);
	return is_copy;
}

void
tail_source_dirs(const struct config_source *src, void (*fn)(void *ctx,
    const char *dir, const struct config_source *src, bool is_home),
    void *ctx)
{
	glob_t g;
	char *copy;

	if (src->pm2_home != NULL) {
		char *d = path_join(src->pm2_home, "logs");

		fn(ctx, d, src, false);
		free(d);
		/* PM2's own log, pm2.log (pm2_daemon.h). */
		fn(ctx, src->pm2_home, src, true);
		return;
	}
	copy = xstrdup(src->path);
	/* The pattern's own directory, when it has no magic. */
	if (strpbrk(dirname(copy), "*?[") == NULL)
		fn(ctx, copy, src, false);
	free(copy);
	if (glob(src->path, 0, NULL, &g) == 0) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			copy = xstrdup(g.gl_pathv[k]);
			fn(ctx, dirname(copy), src, false);
			free(copy);
		}
		globfree(&g);
	}
}

struct tail_live_ctx {
	void	(*fn)(void *ctx, const char *path);
	void	*ctx;
	char	**seen;		/* directories listed, with their source */
	const struct config_source **seen_src;
	size_t	 nseen;
};

static void
tail_live_dir(void *ctx, const char *dir, const struct config_source *src,
    bool is_home)
{
	struct tail_live_ctx *lc = ctx;
	struct tail_dir d;
	DIR *dh;
	struct dirent *de;

	for (size_t i = 0; i < lc->nseen; i++)
		if (lc->seen_src[i] == src && strcmp(lc->seen[i], dir) == 0)
			return;
	lc->seen = xreallocarray(lc->seen, lc->nseen + 1, sizeof(*lc->seen));
	lc->seen_src = xreallocarray(lc->seen_src, lc->nseen + 1,
	    sizeof(*lc->seen_src));
	lc->seen[lc->nseen] = xstrdup(dir);
	lc->seen_src[lc->nseen++] = src;
	memset(&d, 0, sizeof(d));
	d.src = src;
	d.is_home = is_home;
	dh = opendir(dir);
	while (dh != NULL && (de = readdir(dh)) != NULL) {
		char *full;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		full = path_join(dir, de->d_name);
		if (tail_is_live(&d, de->d_name, full) && stat(full, &st) == 0 &&
		    S_ISREG(st.st_mode))
			lc->fn(lc->ctx, full);
		free(full);
	}
	if (dh != NULL)
		closedir(dh);
}

/* Counts the live files of a source's app directories (not PM2_HOME
 * itself, whose pm2.log is no app's). */
struct tail_count_ctx {
	struct tail_live_ctx lc;
	size_t		 n;
};

static void
tail_count_one(void *ctx, const char *path)
{
	(void)path;
	((struct tail_count_ctx *)ctx)->n++;
}

static void
tail_count_dir(void *ctx, const char *dir, const struct config_source *src,
    bool is_home)
{
	struct tail_count_ctx *cc = ctx;

	if (!is_home)
		tail_live_dir(&cc->lc, dir, src, is_home);
}

size_t
tail_source_live_count(const struct config_source *src)
{
	struct tail_count_ctx cc = { { tail_count_one, NULL, NULL, NULL, 0 },
	    0 };

	cc.lc.ctx = &cc;
	tail_source_dirs(src, tail_count_dir, &cc);
	for (size_t i = 0; i < cc.lc.nseen; i++)
		free(cc.lc.seen[i]);
	free(cc.lc.seen);
	free(cc.lc.seen_src);
	return cc.n;
}

void
tail_live_files(const struct config *cfg, void (*fn)(void *ctx,
    const char *path), void *ctx)
{
	struct tail_live_ctx lc = { fn, ctx, NULL, NULL, 0 };

	for (size_t i = 0; i < cfg->nsources; i++)
		tail_source_dirs(&cfg->sources[i], tail_live_dir, &lc);
	for (size_t i = 0; i < lc.nseen; i++)
		free(lc.seen[i]);
	free(lc.seen);
	free(lc.seen_src);
}
