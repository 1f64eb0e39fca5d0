/*
 * tail_names: which names in a source's directory are live files (read
 * as they grow), which are the copies rotation made of them (read only
 * for what was not read from the live file), and what app and stream a
 * file belongs to.  PM2's names are parsed by pm2.c (pm2_log_name_parse);
 * other names are taken as logrotate names them.
 */
#include "autoconf.h"

#include <fnmatch.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

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

/* Is FULL (a path in directory D) a live file one of D's sources follows? */
bool
tail_is_live(const struct tail_dir *d, const char *name, const char *full)
{
	struct pm2_log_name pn;
	bool live;

	if (d->src->pm2_home != NULL) {
		if (pm2_log_name_parse(name, &pn) != 0)
			return false;
		live = !pn.is_rotated &&
		    d->is_home == (pn.stream == PM2_STREAM_DAEMON);
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


/*
 * Is NAME (in F's directory) a copy that rotation made of F?  For PM2's
 * names: a rotated name of the same app, stream and instance, so that
 * "app-out.log" does not take "app-out-1__DATE.log" of a cluster instance.
 * Other names: F's stem ("app" of "app.log") then '.', '_' or '-'
 * (logrotate's "app.log.1", "app.log-20240101", pm2-logrotate's "__").
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
	n = strcspn(base, ".");
	return n > 0 && strncmp(name, base, n) == 0 &&
	    strchr("._-", name[n]) != NULL && name[n] != '\0';
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
