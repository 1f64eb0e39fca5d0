/*
 * pm2_dump: see pm2_dump.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "pm2_dump.h"
#include "xmalloc.h"

/* Is PATH in directory DIR (DIR's realpath REAL_DIR, or NULL)? */
static bool
pm2_dump_is_in(const char *path, const char *dir, const char *real_dir)
{
	char real[PATH_MAX], *copy, *slash;
	bool in;

	copy = xstrdup(path);
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		free(copy);
		return false;
	}
	*slash = '\0';
	in = strcmp(copy, dir) == 0 || (real_dir != NULL &&
	    realpath(copy[0] != '\0' ? copy : "/", real) != NULL &&
	    strcmp(real, real_dir) == 0);
	free(copy);
	return in;
}

/* Is the file at PATH one PM2_HOME/logs' own rule follows
 * (pm2_log_name_is_app_live)? */
static bool
pm2_dump_is_named(const char *path)
{
	const char *base = strrchr(path, '/');

	return pm2_log_name_is_app_live(base != NULL ? base + 1 : path);
}

static void
pm2_dump_add(struct pm2_dump *d, const char *path, const char *app,
    enum pm2_stream stream)
{
	for (size_t i = 0; i < d->nlogs; i++)
		if (strcmp(d->logs[i].path, path) == 0)
			return;
	if (d->nlogs == PM2_DUMP_MAX_LOGS)
		return;
	d->logs = xreallocarray(d->logs, d->nlogs + 1, sizeof(*d->logs));
	d->logs[d->nlogs].path = xstrdup(path);
	d->logs[d->nlogs].app = xstrdup(app);
	d->logs[d->nlogs].stream = stream;
	d->nlogs++;
}

enum pm2_dump_result
pm2_dump_read(const char *path, const char *logs_dir, struct pm2_dump *d,
    char **err)
{
	static const struct {
		const char *key;
		enum pm2_stream stream;
	} keys[] = {
		{ "pm_out_log_path", PM2_STREAM_OUT },
		{ "pm_err_log_path", PM2_STREAM_ERROR },
	};
	char real_logs[PATH_MAX];
	const char *real_dir;
	json_error_t jerr;
	struct stat st;
	json_t *root, *proc;
	size_t i;

	memset(d, 0, sizeof(*d));
	*err = NULL;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return PM2_DUMP_MISSING;
	if (st.st_size > PM2_DUMP_MAX_BYTES) {
		*err = xasprintf("%lld bytes, over the %d read; its apps' log "
		    "paths are not followed", (long long)st.st_size,
		    PM2_DUMP_MAX_BYTES);
		return PM2_DUMP_MALFORMED;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		/* An unreadable dump is no dump; jerr.text may quote the
		 * file, which holds secrets: only where is said. */
		if (access(path, R_OK) != 0)
			return PM2_DUMP_MISSING;
		*err = xasprintf("not valid JSON at line %d, column %d; "
		    "expected PM2's list of apps (pm2 save); its apps' log "
		    "paths are not followed", jerr.line, jerr.column);
		return PM2_DUMP_MALFORMED;
	}
	if (!json_is_array(root)) {
		json_decref(root);
		*err = xasprintf("not a JSON list; expected PM2's list of apps "
		    "(pm2 save); its apps' log paths are not followed");
		return PM2_DUMP_MALFORMED;
	}
	real_dir = realpath(logs_dir, real_logs) != NULL ? real_logs : NULL;
	json_array_foreach(root, i, proc) {
		const char *name = json_string_value(json_object_get(proc,
		    "name"));

		if (!json_is_object(proc) || name == NULL || *name == '\0')
			continue;
		for (size_t k = 0; k < 2; k++) {
			const char *p = json_string_value(json_object_get(proc,
			    keys[k].key));

			/* PM2 writes /dev/null for a log turned off.  One
			 * in LOGS_DIR is left to its directory's rule when
			 * named as PM2 names logs there; one named freely
			 * (out_file: logs/api.txt) is no log to that rule. */
			if (p == NULL || p[0] != '/' ||
			    strcmp(p, "/dev/null") == 0 ||
			    (pm2_dump_is_in(p, logs_dir, real_dir) &&
			    pm2_dump_is_named(p)))
				continue;
			pm2_dump_add(d, p, name, keys[k].stream);
		}
	}
	/* The environments, secrets included, go now. */
	json_decref(root);
	return PM2_DUMP_OK;
}

const struct pm2_dump_log *
pm2_dump_find(const struct pm2_dump *d, const char *path)
{
	for (size_t i = 0; d != NULL && i < d->nlogs; i++)
		if (strcmp(d->logs[i].path, path) == 0)
			return &d->logs[i];
	return NULL;
}

void
pm2_dump_release(struct pm2_dump *d)
{
	for (size_t i = 0; i < d->nlogs; i++) {
		free(d->logs[i].path);
		free(d->logs[i].app);
	}
	free(d->logs);
	d->logs = NULL;
	d->nlogs = 0;
}
